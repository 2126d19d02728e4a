"""Compiled objective value and constraint rates of every operating point.

Same numbers as the numpy path in :mod:`fairness_widgets.compute.point_values` (the same
float operations), without its row-sized temporaries. Outputs are allocated by numpy and
passed in: numba's own allocation of row-sized arrays costs ten times more here.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from fairness_widgets.compute.compiled import kernel

#: Rate codes (see ``constraint_rates.RATE_KINDS``).
SELECTION, TRUE_POSITIVE, FALSE_POSITIVE, PRECISION = 0, 1, 2, 3


@kernel
def point_value(
    tp: NDArray[np.int64],
    fp: NDArray[np.int64],
    tp_weight: float,
    fp_weight: float,
    value: NDArray[np.float64],
) -> None:
    """``value``: ``tp_weight * tp - fp_weight * fp`` of every point."""
    for i in range(len(tp)):
        value[i] = tp_weight * tp[i] - fp_weight * fp[i]


@kernel
def point_rate(
    tp: NDArray[np.int64],
    fp: NDArray[np.int64],
    offsets: NDArray[np.intp],
    kind: int,
    rate: NDArray[np.float64],
) -> NDArray[np.int64]:
    """``rate``: one rate of every point (NaN where its denominator is 0); returns, per
    group, how many of its points have it defined."""
    defined = np.zeros(len(offsets) - 1, dtype=np.int64)
    for g in range(len(offsets) - 1):
        start, end = offsets[g], offsets[g + 1]
        positives = tp[end - 1]
        negatives = fp[end - 1]
        if kind == SELECTION:
            total = np.float64(positives + negatives)
            for i in range(start, end):
                rate[i] = np.float64(tp[i] + fp[i]) / total if total > 0 else np.nan
        elif kind == TRUE_POSITIVE:
            for i in range(start, end):
                rate[i] = np.float64(tp[i]) / np.float64(positives) if positives > 0 else np.nan
        elif kind == FALSE_POSITIVE:
            for i in range(start, end):
                rate[i] = np.float64(fp[i]) / np.float64(negatives) if negatives > 0 else np.nan
        else:
            for i in range(start, end):
                predicted = tp[i] + fp[i]
                rate[i] = np.float64(tp[i]) / np.float64(predicted) if predicted > 0 else np.nan
        count = 0
        for i in range(start, end):
            if np.isfinite(rate[i]):
                count += 1
        defined[g] = count
    return defined


@kernel
def best_and_order(
    rate: NDArray[np.float64], value: NDArray[np.float64], offsets: NDArray[np.intp]
) -> tuple[NDArray[np.intp], bool]:
    """Per group the first point with the largest value among those whose rate is defined
    (its first point if none is); and whether every rate is defined and never falls
    within a group."""
    n_groups = len(offsets) - 1
    best = np.empty(n_groups, dtype=np.intp)
    ordered = True
    for g in range(n_groups):
        start, end = offsets[g], offsets[g + 1]
        best[g] = start
        top = -np.inf
        for i in range(start, end):
            if np.isfinite(rate[i]):
                if value[i] > top:
                    top = value[i]
                    best[g] = i
                if i > start and not rate[i] >= rate[i - 1]:
                    ordered = False
            else:
                ordered = False
    return best, ordered
