"""Compiled branch and bound over window starts (see
:mod:`fairness_widgets.compute.window_search`), one allowed disparity at a time: for the
windows whose sweep (:mod:`window_steps_kernel`) would read too many points.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from fairness_widgets.compute.compiled import kernel
from fairness_widgets.compute.window_search_kernel import Searchable, total_within

#: Each interval of window starts still open is split into this many.
SPLIT = 4


@kernel
def branch_and_bound(
    points: Searchable,
    epsilon: float,
    start_low: float,
    start_high: float,
    found: float,
    found_low: float,
    tolerance: float,
    value_tolerance: float,
    chosen: NDArray[np.intp],
) -> tuple[float, float, float, bool]:
    """The best window of width ``epsilon`` with its start in [start_low, start_high],
    given one already found (value ``found``, start ``found_low``): (value, low, high,
    whether it beat the one found). Where it did, ``chosen`` gets each group's best point
    in it (as :func:`window_picks` would find them: no search afterwards).

    For starts in [a, b] no choice beats each group's best in [a, b + eps] (the bound);
    each group can take its best in [b, a + eps] when b <= a + eps (a choice). Intervals
    whose bound cannot beat the best choice so far are dropped, the rest split; an
    interval narrower than ``tolerance`` is a leaf. Each interval keeps its groups' best
    points: a child's window lies inside its parent's, so a group whose best is still
    inside needs no search (deep in the tree, most of them).
    """
    n_groups = len(points[2]) - 1
    out_low, out_high = found_low, found_low + epsilon
    capacity = 64 * SPLIT
    stack_a = np.empty(capacity, dtype=np.float64)
    stack_b = np.empty(capacity, dtype=np.float64)
    stack_bound = np.empty(capacity, dtype=np.float64)
    stack_picks = np.empty((capacity, n_groups), dtype=np.intp)
    root_b = max(start_high, start_low)
    everywhere = points[4]  # each group's best of all holds every window
    improved = False
    root_bound = total_within(points, everywhere, start_low, root_b + epsilon, tolerance, stack_picks[0])
    if root_bound <= found + value_tolerance:
        return found, out_low, out_high, improved  # no interval can beat what was found
    size = 1
    stack_a[0], stack_b[0], stack_bound[0] = start_low, root_b, root_bound
    bounds = np.empty(SPLIT)
    order = np.empty(SPLIT, dtype=np.intp)
    parent = np.empty(n_groups, dtype=np.intp)
    children = np.empty((SPLIT, n_groups), dtype=np.intp)
    surely = np.empty(n_groups, dtype=np.intp)
    while size > 0:
        size -= 1
        a, b = stack_a[size], stack_b[size]
        if stack_bound[size] <= found + value_tolerance:
            continue  # a better window was found since it was pushed
        for g in range(n_groups):  # loops, not slices: those are slow to compile
            parent[g] = stack_picks[size, g]
        step = (b - a) / SPLIT
        for c in range(SPLIT):
            sa = a + step * c
            sb = b if c == SPLIT - 1 else a + step * (c + 1)
            upper = total_within(points, parent, sa, sb + epsilon, tolerance, children[c])
            bounds[c] = upper
            if upper <= found + value_tolerance:
                continue
            if sb - sa <= tolerance:  # a leaf: the window [sa, sb + eps] (width noise)
                found, out_low, out_high, improved = upper, sa, sb + epsilon, True
                for g in range(n_groups):
                    chosen[g] = children[c, g]
                bounds[c] = -np.inf
            elif sb <= sa + epsilon:
                sure = total_within(points, children[c], sb, sa + epsilon, tolerance, surely)
                if sure > found + value_tolerance:
                    found, out_low, out_high, improved = sure, sb, sa + epsilon, True
                    for g in range(n_groups):
                        chosen[g] = surely[g]
        # Push the children still open, the most promising last (searched first).
        _order_by(bounds, order)
        for k in range(SPLIT):
            c = int(order[k])
            if bounds[c] > found + value_tolerance:
                if size == len(stack_a):
                    stack_a, stack_b, stack_bound, stack_picks = _doubled(
                        stack_a, stack_b, stack_bound, stack_picks
                    )
                stack_a[size] = a + step * c
                stack_bound[size] = bounds[c]
                stack_b[size] = b if c == SPLIT - 1 else a + step * (c + 1)
                for g in range(n_groups):
                    stack_picks[size, g] = children[c, g]
                size += 1
    return found, out_low, out_high, improved


@kernel
def _order_by(bounds: NDArray[np.float64], order: NDArray[np.intp]) -> None:
    """``order``: the indices of ``bounds`` from smallest to largest, ties by index (an
    insertion sort of the few children: ``np.argsort`` took seconds to compile)."""
    for c in range(len(bounds)):
        j = c
        while j > 0 and bounds[order[j - 1]] > bounds[c]:
            order[j] = order[j - 1]
            j -= 1
        order[j] = c


@kernel
def _doubled(
    stack_a: NDArray[np.float64],
    stack_b: NDArray[np.float64],
    stack_bound: NDArray[np.float64],
    stack_picks: NDArray[np.intp],
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64], NDArray[np.intp]]:
    """The stacks with twice the room, their entries kept (plain loops: numba's array
    slicing and ``np.concatenate`` of 2-d arrays took seconds to compile)."""
    n, width = stack_picks.shape
    a = np.empty(2 * n)
    b = np.empty(2 * n)
    bound = np.empty(2 * n)
    picks = np.empty((2 * n, width), dtype=np.intp)
    for i in range(n):
        a[i] = stack_a[i]
        b[i] = stack_b[i]
        bound[i] = stack_bound[i]
        for g in range(width):
            picks[i, g] = stack_picks[i, g]
    return a, b, bound, picks
