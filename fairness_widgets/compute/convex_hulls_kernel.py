"""Compiled upper hulls: Andrew's monotone chain over points already in order of x.

Each group's points go through a stack once; a point under the chord from the stack's
second-to-top entry to it removes the top. Same corners as
:func:`fairness_widgets.compute.convex_hulls.upper_hulls`: undefined x left out, of equal
x only the first highest kept, points on a chord dropped.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from fairness_widgets.compute.compiled import kernel


@kernel
def monotone_upper_hulls(
    x: NDArray[np.float64],
    v: NDArray[np.float64],
    offsets: NDArray[np.intp],
    corners: NDArray[np.intp],
    stack: NDArray[np.float64],
) -> tuple[bool, NDArray[np.intp], NDArray[np.intp]]:
    """(ok, corners, ends): group ``g``'s corners are ``corners[ends[g] : ends[g + 1]]``
    (flat indices by increasing x); ok is False if some group's defined x decrease.
    ``corners`` is room for them (as many as points), ``stack`` (largest group x 2) room
    for the current group's corners' coordinates, both allocated by numpy. The chord
    tests read the coordinates from ``stack``, next to each other, not from the points."""
    n_groups = len(offsets) - 1
    ends = np.zeros(n_groups + 1, dtype=np.intp)
    top = 0
    for g in range(n_groups):
        base = top
        for i in range(offsets[g], offsets[g + 1]):
            xi = x[i]
            vi = v[i]
            if not np.isfinite(xi):
                continue
            if top > base:
                last = top - 1 - base
                if stack[last, 0] > xi:
                    return False, corners, ends
                if stack[last, 0] == xi:
                    if stack[last, 1] >= vi:
                        continue
                    top -= 1
            while top - base >= 2:
                o = top - 2 - base
                p = o + 1
                cross = (stack[p, 0] - stack[o, 0]) * (vi - stack[o, 1]) - (stack[p, 1] - stack[o, 1]) * (
                    xi - stack[o, 0]
                )
                if cross < 0:
                    break
                top -= 1
            corners[top] = i
            stack[top - base, 0] = xi
            stack[top - base, 1] = vi
            top += 1
        ends[g + 1] = top
    return True, corners[:top], ends


@kernel
def under_chords(
    x: NDArray[np.float64], v: NDArray[np.float64], offsets: NDArray[np.intp], keep: NDArray[np.intp]
) -> tuple[int, NDArray[np.intp]]:
    """The points of each group on or under the chord from its first point to its last
    (with a little room for rounding), into ``keep`` (flat indices): the only ones that
    can be corners of its lower hull, which lies under that chord when the points come
    in order of x. A group whose first or last point is undefined keeps every point.
    Returns how many were kept (-1 if some group's defined x decrease: then the chord
    bounds nothing) and the groups' offsets into ``keep``."""
    n_groups = len(offsets) - 1
    kept_offsets = np.zeros(n_groups + 1, dtype=np.intp)
    kept = 0
    for g in range(n_groups):
        start, end = offsets[g], offsets[g + 1]
        if end > start:
            x0, v0, x1, v1 = x[start], v[start], x[end - 1], v[end - 1]
            known = np.isfinite(x0) and np.isfinite(v0) and np.isfinite(x1) and np.isfinite(v1)
            rise, run = v1 - v0, x1 - x0
            previous = -np.inf
            for i in range(start, end):
                if x[i] < previous:
                    return -1, kept_offsets
                if np.isfinite(x[i]):
                    previous = x[i]
                # Under the chord: (v - v0) * run <= rise * (x - x0), compared with room.
                if (
                    not known
                    or i == start
                    or i == end - 1
                    or (v[i] - v0) * run <= rise * (x[i] - x0) + 1e-12 * (abs(run) + abs(rise))
                ):
                    keep[kept] = i
                    kept += 1
        kept_offsets[g + 1] = kept
    return kept, kept_offsets
