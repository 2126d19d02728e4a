"""Compiled searches over the summed hull value (see :class:`hull_search.Hulls`): the best
window start for each allowed disparity, and the starts whose hull value reaches a level.
Same candidates and binary searches as the numpy methods."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from fairness_widgets.compute.compiled import kernel

#: Every group's hull as one argument: corners' rates and values, each group's first and
#: last corner, each group's rate of its best value.
Hull = tuple[
    NDArray[np.float64], NDArray[np.float64], NDArray[np.intp], NDArray[np.intp], NDArray[np.float64]
]


@kernel
def _hull_value(
    x: NDArray[np.float64], v: NDArray[np.float64], start: int, last: int, target: float
) -> float:
    """The group's hull (corners ``start .. last``) at rate ``target``, held flat outside."""
    lo, hi = start, last
    while lo < hi:  # the last corner with x <= target (start if none)
        mid = (lo + hi + 1) >> 1
        if x[mid] <= target:
            lo = mid
        else:
            hi = mid - 1
    j = min(lo, max(last - 1, start))
    following = min(j + 1, last)
    width = x[following] - x[j]
    along = (target - x[j]) / width if width > 0 else 0.0
    along = min(max(along, 0.0), 1.0)
    value: float = v[j] + along * (v[following] - v[j])
    return value


@kernel
def _total(hull: Hull, window_start: float, epsilon: float) -> float:
    """Sum over groups of the best hull value with rate in [window_start, + epsilon]."""
    x, v, start, last, peak = hull
    total = 0.0
    for g in range(len(start)):
        target = min(max(peak[g], window_start), window_start + epsilon)
        total += _hull_value(x, v, start[g], last[g], target)
    return total


@kernel
def _candidates(
    base: NDArray[np.float64], epsilon: float, lowest: float, highest: float
) -> NDArray[np.float64]:
    """Distinct window starts where the summed hull bends: ``base`` (sorted corners and
    peaks) and ``base - epsilon``, clipped to [lowest, highest], and ``lowest``."""
    merged = np.empty(2 * len(base) + 1)
    merged[0] = lowest  # clipping keeps the merged order, and nothing is below lowest
    i, j, k = 0, 0, 1
    while i < len(base) or j < len(base):
        if j >= len(base) or (i < len(base) and base[i] <= base[j] - epsilon):
            value = base[i]
            i += 1
        else:
            value = base[j] - epsilon
            j += 1
        merged[k] = min(max(value, lowest), highest)
        k += 1
    distinct = np.empty(k)
    n = 0
    for i in range(k):
        if n == 0 or merged[i] != distinct[n - 1]:
            distinct[n] = merged[i]
            n += 1
    return distinct[:n]


@kernel
def _best_index(hull: Hull, candidates: NDArray[np.float64], epsilon: float) -> int:
    lo, hi = 0, len(candidates) - 1
    while lo < hi:  # concave in the start: the first start after which it falls
        mid = (lo + hi) >> 1
        here = _total(hull, candidates[mid], epsilon)
        after = _total(hull, candidates[min(mid + 1, hi)], epsilon)
        if after <= here:
            hi = mid
        else:
            lo = mid + 1
    return lo


@kernel
def best_starts(
    hull: Hull,
    base: NDArray[np.float64],
    epsilons: NDArray[np.float64],
    lowest: NDArray[np.float64],
    highest: float,
) -> NDArray[np.float64]:
    """Per eps, the window start with the largest summed hull value."""
    found = np.empty(len(epsilons))
    for e in range(len(epsilons)):
        candidates = _candidates(base, epsilons[e], lowest[e], highest)
        found[e] = candidates[_best_index(hull, candidates, epsilons[e])]
    return found


@kernel
def starts_reaching(
    hull: Hull,
    base: NDArray[np.float64],
    epsilons: NDArray[np.float64],
    lowest: NDArray[np.float64],
    highest: float,
    level: NDArray[np.float64],
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Per eps, an interval of window starts outside which the summed hull value is below
    ``level`` (widened by one candidate each side: the value is linear in between)."""
    left = np.empty(len(epsilons))
    right = np.empty(len(epsilons))
    for e in range(len(epsilons)):
        eps = epsilons[e]
        candidates = _candidates(base, eps, lowest[e], highest)
        best = _best_index(hull, candidates, eps)
        lo, hi = 0, best
        while lo < hi:  # rising part: the first start reaching the level
            mid = (lo + hi) >> 1
            if _total(hull, candidates[mid], eps) >= level[e]:
                hi = mid
            else:
                lo = mid + 1
        left[e] = candidates[max(lo - 1, 0)]
        lo, hi = best, len(candidates) - 1
        while lo < hi:  # falling part: the last start reaching it
            mid = (lo + hi + 1) >> 1
            if _total(hull, candidates[mid], eps) >= level[e]:
                lo = mid
            else:
                hi = mid - 1
        right[e] = candidates[min(lo + 1, len(candidates) - 1)]
    return left, right
