"""anywidget classes: state as traitlets, no math (that lives in ``compute``)."""

from fairness_widgets.widgets.card_editor import ModelCardEditor
from fairness_widgets.widgets.dashboard import Dashboard
from fairness_widgets.widgets.slice_explorer import SliceExplorer
from fairness_widgets.widgets.tradeoff_explorer import TradeoffExplorer

__all__ = ["Dashboard", "ModelCardEditor", "SliceExplorer", "TradeoffExplorer"]
