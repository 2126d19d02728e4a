"""Jupyter widgets for fairness work on machine-learning models.

>>> import fairness_widgets as fw
>>> df = fw.datasets.load_adult()
"""

from importlib.metadata import PackageNotFoundError, version

from fairness_widgets import card, compute, datasets, mitigations
from fairness_widgets.card import ModelCard
from fairness_widgets.compute import Audit
from fairness_widgets.gate import gate
from fairness_widgets.mitigations import run_mitigations
from fairness_widgets.widgets import Dashboard, ModelCardEditor, SliceExplorer, TradeoffExplorer

try:
    __version__ = version("fairness-widgets")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0"

__all__ = [
    "Audit",
    "Dashboard",
    "ModelCard",
    "ModelCardEditor",
    "SliceExplorer",
    "TradeoffExplorer",
    "__version__",
    "card",
    "compute",
    "datasets",
    "gate",
    "mitigations",
    "run_mitigations",
]
