"""Compiled searches over the summed hull value (see :class:`hull_search.Hulls`): the best
window start for each allowed disparity, and the starts whose hull value reaches a level.

The window starts where the summed hull value F bends are the sorted hull corners and
peaks (``base``), the same minus eps, and the ends of the feasible starts. F is concave in
the start, so on each of those sorted sets it rises then falls: each set is searched by
bisection on its own, with no merged copy per eps, and the answers are combined. F is
read from its two one-rate parts (:mod:`hull_envelopes_kernel`). Same answers as the numpy
methods, which merge the sets.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from fairness_widgets.compute.compiled import kernel
from fairness_widgets.compute.hull_envelopes_kernel import Envelopes, summed_hull


@kernel
def _first_above(base: NDArray[np.float64], shift: float, bound: float, strictly: bool) -> int:
    """First index whose ``base - shift`` is above ``bound`` (or at it, unless strictly)."""
    lo, hi = 0, len(base)
    while lo < hi:
        mid = (lo + hi) >> 1
        here = base[mid] - shift
        if here > bound or (not strictly and here == bound):
            hi = mid
        else:
            lo = mid + 1
    return lo


@kernel
def _leftmost_best(
    hull: Envelopes, base: NDArray[np.float64], shift: float, first: int, last: int, epsilon: float
) -> int:
    """Index in [first, last) (needs first < last) of the leftmost start ``base - shift``
    with the largest summed hull value (concave in the start: bisect on its slope)."""
    lo, hi = first, last - 1
    while lo < hi:
        mid = (lo + hi) >> 1
        here = base[mid] - shift
        following = mid + 1
        while following < hi and base[following] - shift == here:  # the next distinct start
            following += 1
        if summed_hull(hull, base[following] - shift, epsilon) <= summed_hull(hull, here, epsilon):
            hi = mid
        else:
            lo = following
    return lo


@kernel
def _window_best(
    hull: Envelopes, base: NDArray[np.float64], epsilon: float, lowest: float, highest: float
) -> float:
    """The leftmost window start with the largest summed hull value: the best of the two
    ends and of each set of bends (corners and peaks; the same minus eps) inside."""
    best_start = lowest
    best = summed_hull(hull, lowest, epsilon)
    at_highest = summed_hull(hull, highest, epsilon)
    for shift in (0.0, epsilon):
        first = _first_above(base, shift, lowest, True)
        last = _first_above(base, shift, highest, False)
        if first < last:
            k = _leftmost_best(hull, base, shift, first, last, epsilon)
            start = base[k] - shift
            value = summed_hull(hull, start, epsilon)
            if value > best or (value == best and start < best_start):
                best, best_start = value, start
    if at_highest > best:
        best_start = highest
    return best_start


@kernel
def best_starts(
    hull: Envelopes,
    base: NDArray[np.float64],
    epsilons: NDArray[np.float64],
    lowest: NDArray[np.float64],
    highest: float,
) -> NDArray[np.float64]:
    """Per eps, the window start with the largest summed hull value. ``base``: the sorted,
    distinct corners' rates and peaks; ``lowest``: per eps, the lowest feasible start."""
    found = np.empty(len(epsilons))
    for e in range(len(epsilons)):
        found[e] = _window_best(hull, base, epsilons[e], lowest[e], highest)
    return found


@kernel
def _last_below(
    hull: Envelopes,
    base: NDArray[np.float64],
    shift: float,
    first: int,
    last: int,
    epsilon: float,
    level: float,
) -> int:
    """Last index in [first, last) whose start's hull value is below ``level``, where the
    value rises along the range (first - 1 if none)."""
    lo, hi = first - 1, last - 1
    while lo < hi:
        mid = (lo + hi + 1) >> 1
        if summed_hull(hull, base[mid] - shift, epsilon) < level:
            lo = mid
        else:
            hi = mid - 1
    return lo


@kernel
def _first_below(
    hull: Envelopes,
    base: NDArray[np.float64],
    shift: float,
    first: int,
    last: int,
    epsilon: float,
    level: float,
) -> int:
    """First index in [first, last) whose start's hull value is below ``level``, where the
    value falls along the range (last if none)."""
    lo, hi = first, last
    while lo < hi:
        mid = (lo + hi) >> 1
        if summed_hull(hull, base[mid] - shift, epsilon) < level:
            hi = mid
        else:
            lo = mid + 1
    return lo


@kernel
def starts_reaching(
    hull: Envelopes,
    base: NDArray[np.float64],
    epsilons: NDArray[np.float64],
    lowest: NDArray[np.float64],
    highest: float,
    best: NDArray[np.float64],
    level: NDArray[np.float64],
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Per eps, an interval of window starts outside which the summed hull value is below
    ``level``: the nearest bends each side of the best start ``best`` whose value is below
    it (the value is linear in between), or the ends of the feasible starts."""
    left = np.empty(len(epsilons))
    right = np.empty(len(epsilons))
    for e in range(len(epsilons)):
        eps, low, top = epsilons[e], lowest[e], best[e]
        left[e] = low
        right[e] = highest
        for shift in (0.0, eps):
            first = _first_above(base, shift, low, True)
            middle = _first_above(base, shift, top, False)
            after = _first_above(base, shift, top, True)
            last = _first_above(base, shift, highest, False)
            below = _last_below(hull, base, shift, first, max(middle, first), eps, level[e])
            if below >= first:
                left[e] = max(left[e], base[below] - shift)
            above = _first_below(hull, base, shift, min(after, last), last, eps, level[e])
            if above < last:
                right[e] = min(right[e], base[above] - shift)
    return left, right
