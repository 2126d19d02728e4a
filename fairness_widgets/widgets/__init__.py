"""anywidget classes: state as traitlets, no math (that lives in ``compute``)."""

from fairness_widgets.widgets.dashboard import Dashboard

__all__ = ["Dashboard"]
