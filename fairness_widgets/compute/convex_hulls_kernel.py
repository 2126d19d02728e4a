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
    x: NDArray[np.float64], v: NDArray[np.float64], offsets: NDArray[np.intp], corners: NDArray[np.intp]
) -> tuple[bool, NDArray[np.intp], NDArray[np.intp]]:
    """(ok, corners, ends): group ``g``'s corners are ``corners[ends[g] : ends[g + 1]]``
    (flat indices by increasing x); ok is False if some group's defined x decrease.
    ``corners`` is room for them (as many as points), allocated by numpy."""
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
                last = corners[top - 1]
                if x[last] > xi:
                    return False, corners, ends
                if x[last] == xi:
                    if v[last] >= vi:
                        continue
                    top -= 1
            while top - base >= 2:
                o = corners[top - 2]
                p = corners[top - 1]
                cross = (x[p] - x[o]) * (vi - v[o]) - (v[p] - v[o]) * (xi - x[o])
                if cross < 0:
                    break
                top -= 1
            corners[top] = i
            top += 1
        ends[g + 1] = top
    return True, corners[:top], ends
