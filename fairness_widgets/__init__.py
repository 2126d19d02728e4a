"""Jupyter widgets for fairness work on machine-learning models.

Names at the top level follow one rule: a thing you hold is a class (``fw.Audit``,
``fw.ModelCard``, ``fw.Verdict``), something you do is a function (``fw.gate(...)``,
``fw.save_audit(...)``, ``fw.run_mitigations(...)``), and ``fw.datasets`` is the one
namespace, of the bundled data loaders. The layers behind them (``fairness_widgets.card``,
``.compute``, ``.gate``, ``.mitigations``, ``.widgets``) are imported by their full path,
``from fairness_widgets.gate import Policy``; ``fw.card``, ``fw.compute`` and
``fw.mitigations`` still resolve to their modules, as before.

>>> import fairness_widgets as fw
>>> df = fw.datasets.load_adult()
"""

from importlib.metadata import PackageNotFoundError, version

# card, compute and mitigations stay attributes (``fw.card.ModelCard`` worked before the rule).
from fairness_widgets import card, compute, datasets, mitigations  # noqa: F401
from fairness_widgets.card import CardFormatError, ModelCard
from fairness_widgets.compute import Audit
from fairness_widgets.gate import Policy, PolicyError, Verdict, gate, load_audit, save_audit
from fairness_widgets.mitigations import run_mitigations
from fairness_widgets.widgets import Dashboard, ModelCardEditor, SliceExplorer, TradeoffExplorer

try:
    __version__ = version("fairness-widgets")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0"

__all__ = [
    "Audit",
    "CardFormatError",
    "Dashboard",
    "ModelCard",
    "ModelCardEditor",
    "Policy",
    "PolicyError",
    "SliceExplorer",
    "TradeoffExplorer",
    "Verdict",
    "__version__",
    "datasets",
    "gate",
    "load_audit",
    "run_mitigations",
    "save_audit",
]
