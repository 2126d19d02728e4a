"""Pure computation: no widget imports, usable from scripts, tests and jobs."""

from fairness_widgets.compute.audit import Audit
from fairness_widgets.compute.cells import Cells
from fairness_widgets.compute.metrics import METRICS, Metric
from fairness_widgets.compute.slices import Slices

__all__ = ["METRICS", "Audit", "Cells", "Metric", "Slices"]
