"""The rates each fairness constraint equalises, and the disparity between groups.

Every rate is a function of a group's (expected) confusion counts: true and false
positives at the chosen thresholds, and the group's actual positives and negatives.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.typing import NDArray

from fairness_widgets.compute.metrics import safe_divide

Counts = NDArray[np.float64] | NDArray[np.int64]
#: A rate from (tp, fp, actual positives, actual negatives), elementwise.
RateFunction = Callable[[Counts, Counts, Counts, Counts], NDArray[np.float64]]


def selection_rate(tp: Counts, fp: Counts, positives: Counts, negatives: Counts) -> NDArray[np.float64]:
    return safe_divide(np.asarray(tp + fp, dtype=np.float64), np.asarray(positives + negatives, np.float64))


def true_positive_rate(tp: Counts, fp: Counts, positives: Counts, negatives: Counts) -> NDArray[np.float64]:
    return safe_divide(np.asarray(tp, dtype=np.float64), np.asarray(positives, dtype=np.float64))


def false_positive_rate(tp: Counts, fp: Counts, positives: Counts, negatives: Counts) -> NDArray[np.float64]:
    return safe_divide(np.asarray(fp, dtype=np.float64), np.asarray(negatives, dtype=np.float64))


def precision(tp: Counts, fp: Counts, positives: Counts, negatives: Counts) -> NDArray[np.float64]:
    return safe_divide(np.asarray(tp, dtype=np.float64), np.asarray(tp + fp, dtype=np.float64))


#: The rates each constraint equalises, by name.
CONSTRAINT_RATES: dict[str, dict[str, RateFunction]] = {
    "demographic_parity": {"selection_rate": selection_rate},
    "equal_opportunity": {"true_positive_rate": true_positive_rate},
    "predictive_parity": {"precision": precision},
    "equalized_odds": {"true_positive_rate": true_positive_rate, "false_positive_rate": false_positive_rate},
}


def disparity(constraint: str, tp: Counts, fp: Counts, positives: Counts, negatives: Counts) -> float:
    """Largest gap between groups (max - min, groups where a rate is undefined left out)
    over the rates ``constraint`` equalises, from each group's (expected) counts."""
    if constraint not in CONSTRAINT_RATES:
        raise ValueError(f"constraint must be one of {', '.join(CONSTRAINT_RATES)}; got {constraint!r}.")
    gaps = []
    for rate in CONSTRAINT_RATES[constraint].values():
        values = rate(tp, fp, positives, negatives)
        defined = values[np.isfinite(values)]
        gaps.append(float(defined.max() - defined.min()) if len(defined) else float("nan"))
    return max(gaps)


#: A code per rate, for the compiled kernels (see ``point_values_kernel``).
RATE_KINDS: dict[str, int] = {
    "selection_rate": 0,
    "true_positive_rate": 1,
    "false_positive_rate": 2,
    "precision": 3,
}

#: Constraints whose rate is linear in a mixture of thresholds (randomising helps).
RANDOMISABLE = ("demographic_parity", "equal_opportunity", "equalized_odds")
