"""Upper concave hulls of many point sets at once (each group's operating points).

Mixing two operating points of a group reaches every point on the segment between them,
so the hull is what randomised thresholds can attain.
"""

from __future__ import annotations

from functools import partial

import numpy as np
from numpy.typing import NDArray

from fairness_widgets.compute.compiled import beside_in_runs, worth_compiling
from fairness_widgets.compute.convex_hulls_kernel import monotone_upper_hulls, under_chords


def upper_hull(x: NDArray[np.float64], v: NDArray[np.float64]) -> NDArray[np.intp]:
    """Indices of the upper concave hull of points (x, v), by increasing x."""
    return upper_hulls(x, v, np.array([0, len(x)], dtype=np.intp))[0]


def _run_max(values: NDArray[np.float64], starts: NDArray[np.intp]) -> NDArray[np.float64]:
    """The largest value of each run ``starts[i]:starts[i + 1]`` (reducing only runs longer
    than one: ``reduceat`` is slow over many tiny runs)."""
    ends = np.append(starts[1:], len(values))
    result = values[starts].copy()
    long = np.flatnonzero(ends - starts > 1)
    if len(long):
        bounds = np.empty(2 * len(long), dtype=np.intp)
        bounds[0::2], bounds[1::2] = starts[long], ends[long]
        result[long] = np.maximum.reduceat(np.append(values, -np.inf), bounds)[0::2]
    return result


def upper_hulls(
    x: NDArray[np.float64], v: NDArray[np.float64], offsets: NDArray[np.intp]
) -> list[NDArray[np.intp]]:
    """The upper concave hull of each segment ``offsets[g]:offsets[g + 1]`` of the points,
    as flat indices by increasing x; points with an undefined x are left out.

    Vectorised over all segments: a point under the chord of its two neighbours is not on
    the hull, so every such point is dropped at once, and again, until none is left. Large
    inputs already in order of x within each segment take the compiled monotone chain
    (when numba is installed).
    """
    if worth_compiling(len(x)):
        x, v = np.ascontiguousarray(x, dtype=np.float64), np.ascontiguousarray(v, dtype=np.float64)
        room, stack = np.empty(len(x), dtype=np.intp), np.empty((int(np.diff(offsets).max(initial=0)), 2))
        ordered, corners, ends = monotone_upper_hulls(x, v, offsets, room, stack)
        if ordered:
            return [corners[ends[g] : ends[g + 1]] for g in range(len(offsets) - 1)]
    group = np.repeat(np.arange(len(offsets) - 1), np.diff(offsets))
    keep = np.flatnonzero(np.isfinite(x))
    order = keep
    same = group[keep][1:] == group[keep][:-1]
    if not (np.diff(x[keep])[same] >= 0).all():  # not already by x within each group
        by_x = keep[np.argsort(x[keep], kind="stable")]
        order = by_x[np.argsort(group[by_x].astype(np.int32), kind="stable")]
    # Of points with equal x only the highest can be on the hull (the first such).
    g, xs, vs = group[order], x[order], v[order]
    run_start = np.ones(len(order), dtype=bool)
    run_start[1:] = (g[1:] != g[:-1]) | (xs[1:] != xs[:-1])
    starts = np.flatnonzero(run_start)
    if len(starts) == 0:
        return [np.zeros(0, dtype=np.intp) for _ in range(len(offsets) - 1)]
    alive = order[starts]
    if len(starts) < len(order):  # equal x within a group: keep the highest of each run
        run = np.cumsum(run_start) - 1
        highest = vs == _run_max(vs, starts)[run]
        candidates = np.flatnonzero(highest)
        first = np.ones(len(candidates), dtype=bool)
        first[1:] = run[candidates[1:]] != run[candidates[:-1]]
        alive = order[candidates[first]]
    ga, xa, va = group[alive], x[alive], v[alive]  # contiguous copies: each pass slices them
    # A group's first and last points are always on its hull; every other point's
    # neighbours are then always of its own group.
    ends = np.ones(len(alive), dtype=bool)
    ends[1:-1] = (ga[1:-1] != ga[:-2]) | (ga[1:-1] != ga[2:])
    while len(alive) >= 3:
        cross = (xa[1:-1] - xa[:-2]) * (va[2:] - va[:-2]) - (va[1:-1] - va[:-2]) * (xa[2:] - xa[:-2])
        on = np.ones(len(alive), dtype=bool)
        on[1:-1] = (cross < 0) | ends[1:-1]
        if on.all():
            break
        alive, xa, va, ends = alive[on], xa[on], va[on], ends[on]
    bounds = np.searchsorted(group[alive], np.arange(len(offsets)))
    return [alive[bounds[k] : bounds[k + 1]] for k in range(len(offsets) - 1)]


def upper_hulls_of_run(
    x: NDArray[np.float64], v: NDArray[np.float64], run: NDArray[np.intp]
) -> list[NDArray[np.intp]]:
    """:func:`upper_hulls` of the groups of one run (``run``: their offsets, a slice of
    all the groups' offsets), as flat indices of all the points."""
    start, stop = int(run[0]), int(run[-1])
    return [corners + start for corners in upper_hulls(x[start:stop], v[start:stop], run - start)]


def hull_corners(
    fpr: NDArray[np.float64], tpr: NDArray[np.float64], offsets: NDArray[np.intp]
) -> NDArray[np.intp]:
    """Corners of the convex hull of each group's ROC points (upper and lower chains), as
    sorted flat indices (so group after group, as ``offsets`` cuts them).

    The upper chains are found in runs of groups on the other threads; meanwhile the lower
    ones, from the few points under each group's chord from (0, 0) to (1, 1) when the
    points are many (a useful model's ROC points lie above it)."""
    upper = beside_in_runs(partial(upper_hulls_of_run, fpr, tpr), joined_runs, offsets, len(fpr))
    lower = _lower_chains_under_chords(fpr, tpr, offsets) if worth_compiling(len(fpr)) else None
    if lower is None:
        lower = upper_hulls(fpr, -tpr, offsets)
    corners: NDArray[np.intp] = np.unique(np.concatenate(upper() + lower))
    return corners


def _lower_chains_under_chords(
    fpr: NDArray[np.float64], tpr: NDArray[np.float64], offsets: NDArray[np.intp]
) -> list[NDArray[np.intp]] | None:
    """Each group's lower ROC chain found from its points under its chord only (None when
    the points are not in order of fpr: the chord then bounds nothing)."""
    keep = np.empty(len(fpr), dtype=np.intp)
    kept, kept_offsets = under_chords(fpr, tpr, offsets, keep)
    if kept < 0:
        return None
    keep = keep[:kept]
    return [keep[corners] for corners in upper_hulls(fpr[keep], -tpr[keep], kept_offsets)]


def joined_runs(runs: list[list[NDArray[np.intp]]]) -> list[NDArray[np.intp]]:
    """The hulls of every group from :func:`upper_hulls_of_run` of consecutive runs."""
    return [corners for run in runs for corners in run]
