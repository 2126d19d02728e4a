"""Mitigations from fairlearn and aif360 through one interface, on the same test rows.

>>> from fairness_widgets import mitigations as mit
>>> [spec.label for spec in (mit.ThresholdOptimizer(), mit.GridSearch(constraint="equalized_odds"))]
['ThresholdOptimizer (DP)', 'GridSearch (EOdds)']

Run them with :func:`run_mitigations` (also ``fairness_widgets.run_mitigations``); the
results give per-group expected counts and a table on the axes of ``Audit.tradeoff``.
fairlearn, aif360 and scikit-learn come with ``pip install 'fairness-widgets[reference]'``.
"""

from fairness_widgets.compute.expected_counts import expected_counts, objective_and_disparity
from fairness_widgets.compute.mitigation_results import MitigationResults
from fairness_widgets.compute.mitigation_runs import run_mitigations
from fairness_widgets.compute.mitigation_specs import (
    DEFAULT_METHODS,
    Baseline,
    CalibratedEqOdds,
    ExponentiatedGradient,
    GridSearch,
    MitigationSpec,
    RejectOption,
    Reweighing,
    ThresholdOptimizer,
)

__all__ = [
    "DEFAULT_METHODS",
    "Baseline",
    "CalibratedEqOdds",
    "ExponentiatedGradient",
    "GridSearch",
    "MitigationResults",
    "MitigationSpec",
    "RejectOption",
    "Reweighing",
    "ThresholdOptimizer",
    "expected_counts",
    "objective_and_disparity",
    "run_mitigations",
]
