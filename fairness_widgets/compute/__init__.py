"""Pure computation: no widget imports, usable from scripts, tests and jobs."""

from fairness_widgets.compute.by_group import group_metrics, overall_metrics
from fairness_widgets.compute.inputs import ClassifierInputs, prepare_inputs
from fairness_widgets.compute.metrics import METRICS, Metric

__all__ = ["METRICS", "ClassifierInputs", "Metric", "group_metrics", "overall_metrics", "prepare_inputs"]
