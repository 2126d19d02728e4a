"""Compiled objective value and constraint rates of every operating point, in one pass.

Same numbers as the numpy path in :mod:`fairness_widgets.compute.point_values` (the same
float operations), without its row-sized temporaries. Outputs are allocated by numpy and
passed in: numba's own allocation of row-sized arrays costs ten times more here.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from fairness_widgets.compute.compiled import kernel
from fairness_widgets.compute.convex_hulls_kernel import first_highest

#: Rate codes (see ``constraint_rates.RATE_KINDS``).
SELECTION, TRUE_POSITIVE, FALSE_POSITIVE, PRECISION = 0, 1, 2, 3

#: A constraint's rates of every point as a view keeps them (they depend on its counts
#: alone): the rates (one row each), how many are defined (rate x group), and whether
#: the first is defined everywhere and never falls within a group.
KeptRates = tuple[NDArray[np.float64], NDArray[np.int64], bool]


@kernel
def point_values_pass(
    tp: NDArray[np.int64] | NDArray[np.float64],
    fp: NDArray[np.int64] | NDArray[np.float64],
    offsets: NDArray[np.intp],
    tp_weight: float,
    fp_weight: float,
    kinds: NDArray[np.intp],
    value: NDArray[np.float64],
    rates: NDArray[np.float64],
) -> tuple[NDArray[np.int64], NDArray[np.intp], bool]:
    """Fill ``value`` (``tp_weight * tp - fp_weight * fp``) and ``rates[r]`` (rate
    ``kinds[r]``) of every point, from its counts ``tp`` and ``fp``: columns of the
    records (strided), or a view's kept copies of them (contiguous floats, which the
    compiler reads several at a time: 1e6 rows at 1e-4, 40 groups, values and selection
    rate 1.9 -> 0.55 ms on one core; the same numbers, the counts being whole). Returns,
    per rate and group, how many of its points have the rate defined; per group the
    first point with the largest value among those whose first rate is defined (its first
    point if none is); and whether every first rate is defined and never falls within a
    group."""
    n_groups = len(offsets) - 1
    defined = np.zeros((len(kinds), n_groups), dtype=np.int64)
    best = np.empty(n_groups, dtype=np.intp)
    ordered = True
    for g in range(n_groups):
        start, end = offsets[g], offsets[g + 1]
        # The values and the first rate in one read of the counts (from strided records,
        # reading them is most of the cost; 1e6 rows at 1e-4, 40 groups: 1.25 -> 0.7 ms
        # on one core).
        defined[0, g] = _fill_values_and_rate(
            tp, fp, start, end, tp_weight, fp_weight, kinds[0], value, rates[0]
        )
        for r in range(1, len(kinds)):
            defined[r, g] = _fill_rate(tp, fp, start, end, kinds[r], rates[r])
        first = rates[0]
        best[g] = _best_defined(value, first, start, end, defined[0, g])
        if defined[0, g] < end - start:
            ordered = False
            continue
        falls = 0
        for i in range(start + 1, end):
            falls += first[i] < first[i - 1]
        ordered = ordered and falls == 0
    return defined, best, ordered


@kernel
def values_pass(
    tp: NDArray[np.int64] | NDArray[np.float64],
    fp: NDArray[np.int64] | NDArray[np.float64],
    offsets: NDArray[np.intp],
    tp_weight: float,
    fp_weight: float,
    first: NDArray[np.float64],
    defined: NDArray[np.int64],
    value: NDArray[np.float64],
) -> NDArray[np.intp]:
    """:func:`point_values_pass` where the rates are known (a view keeps them: they depend
    on the counts alone): fill ``value`` only, and return each group's best as that
    does, given the first rate of every point and how many are defined in each group."""
    best = np.empty(len(offsets) - 1, dtype=np.intp)
    for g in range(len(offsets) - 1):
        start, end = offsets[g], offsets[g + 1]
        _fill_values(tp, fp, start, end, tp_weight, fp_weight, value)
        best[g] = _best_defined(value, first, start, end, defined[g])
    return best


@kernel
def _fill_values(
    tp: NDArray[np.int64] | NDArray[np.float64],
    fp: NDArray[np.int64] | NDArray[np.float64],
    start: int,
    end: int,
    tp_weight: float,
    fp_weight: float,
    value: NDArray[np.float64],
) -> None:
    """Each point's value ``tp_weight * tp - fp_weight * fp`` over ``start .. end - 1``."""
    for i in range(start, end):
        value[i] = tp_weight * tp[i] - fp_weight * fp[i]


@kernel
def _best_defined(
    value: NDArray[np.float64], first: NDArray[np.float64], start: int, end: int, n_defined: int
) -> int:
    """The first point of ``start .. end - 1`` with the largest value among those whose
    first rate is defined (``start`` if none is), given how many are. Where the undefined
    ones come first (precision, undefined until a point is predicted positive; the other
    rates are defined at every point of a group or none), the rest are the defined ones:
    a straight loop over them, no branches (1e6 rows at 1e-4, 40 groups, predictive
    parity: the frontier -0.34 ms at the median, paired in one process). Otherwise a test
    at every point."""
    undefined = end - start - n_defined
    if undefined == end - start:
        return start
    leading = True
    for i in range(start, start + undefined):
        leading = leading and not np.isfinite(first[i])
    if leading:
        return first_highest(value, start + undefined, end)
    found = start
    top = -np.inf
    for i in range(start, end):
        if np.isfinite(first[i]) and value[i] > top:
            top = value[i]
            found = i
    return found


@kernel
def _fill_values_and_rate(
    tp: NDArray[np.int64] | NDArray[np.float64],
    fp: NDArray[np.int64] | NDArray[np.float64],
    start: int,
    end: int,
    tp_weight: float,
    fp_weight: float,
    kind: int,
    value: NDArray[np.float64],
    rate: NDArray[np.float64],
) -> int:
    """Each point's value and one rate (as :func:`_fill_rate`) of a group, side by side;
    returns how many rates are defined."""
    if kind == PRECISION:  # (its division under a branch, beside the values, ran slower)
        _fill_values(tp, fp, start, end, tp_weight, fp_weight, value)
        return _fill_rate(tp, fp, start, end, kind, rate)
    # The other rates share a denominator across the group: all defined, or none.
    positives, negatives = tp[end - 1], fp[end - 1]
    total = np.float64(
        positives + negatives if kind == SELECTION else positives if kind == TRUE_POSITIVE else negatives
    )
    if total == 0:
        for i in range(start, end):
            value[i] = tp_weight * tp[i] - fp_weight * fp[i]
            rate[i] = np.nan
        return 0
    if kind == SELECTION:
        for i in range(start, end):
            value[i] = tp_weight * tp[i] - fp_weight * fp[i]
            rate[i] = np.float64(tp[i] + fp[i]) / total
    elif kind == TRUE_POSITIVE:
        for i in range(start, end):
            value[i] = tp_weight * tp[i] - fp_weight * fp[i]
            rate[i] = np.float64(tp[i]) / total
    else:
        for i in range(start, end):
            value[i] = tp_weight * tp[i] - fp_weight * fp[i]
            rate[i] = np.float64(fp[i]) / total
    return end - start


@kernel
def _fill_rate(
    tp: NDArray[np.int64] | NDArray[np.float64],
    fp: NDArray[np.int64] | NDArray[np.float64],
    start: int,
    end: int,
    kind: int,
    rate: NDArray[np.float64],
) -> int:
    """One rate of every point of a group (NaN where its denominator is 0); returns how
    many are defined. One loop per kind, so that each is a plain loop."""
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
    if kind != PRECISION:  # one denominator for the group: all defined, or none
        return end - start if np.isfinite(rate[start]) else 0
    defined = 0
    for i in range(start, end):
        defined += np.isfinite(rate[i])
    return defined


@kernel
def precision_rates(
    tp: NDArray[np.int64] | NDArray[np.float64],
    fp: NDArray[np.int64] | NDArray[np.float64],
    offsets: NDArray[np.intp],
) -> NDArray[np.float64]:
    """Every point's precision (NaN where no one is predicted positive), as the point
    values find it."""
    rate = np.empty(len(tp))
    for g in range(len(offsets) - 1):
        _fill_rate(tp, fp, offsets[g], offsets[g + 1], PRECISION, rate)
    return rate
