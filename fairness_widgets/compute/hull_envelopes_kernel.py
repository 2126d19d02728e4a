"""The summed hull value of a window of rates as two functions of one rate each.

A window ``[s, s + eps]`` gives each group its hull's value at the rate nearest its peak,
``h_g(clip(peak_g, s, s + eps))``. That is ``rising_g(s + eps) + falling_g(s)``, where
``rising_g(t)`` is the hull up to its peak (flat outside: ``h_g(min(max(t, first),
peak))``) and ``falling_g(t)`` what the hull has lost past its peak (``h_g(max(t, peak)) -
h_g(peak)``, flat outside): if ``s + eps`` is below the peak only the first counts, if
``s`` is above it the two add up to ``h_g(s)``, and in between the group sits at its
peak. So over all groups the summed hull value is ``U(s + eps) + D(s)``, with ``U`` the
sum of the rising parts and ``D`` of the falling ones.

``U`` and ``D`` are piecewise linear with a knot at each corner of their parts. Tabled
once at their knots, each is read by one bisection and an interpolation, where the sum
over groups needs a bisection per group (40 groups, 20 allowed disparities: 2.2 -> 0.1
ms for the best starts and the reach of the window search on a 2-core Xeon). Both the
table and the reading follow ``np.interp`` step for step, so the compiled kernels and
the numpy path give the same numbers.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from fairness_widgets.compute.compiled import kernel

#: The two functions as one argument: ``U``'s knots (sorted, distinct) and its values
#: there, then ``D``'s.
Envelopes = tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]


def envelopes(
    x: NDArray[np.float64],
    v: NDArray[np.float64],
    start: NDArray[np.intp],
    last: NDArray[np.intp],
    peak: NDArray[np.intp],
    *,
    compiled: bool,
) -> Envelopes:
    """``U`` and ``D`` (see the module) of the hulls whose corners are ``x, v``: group
    ``g``'s are ``start[g] .. last[g]`` by increasing ``x``, its peak at ``peak[g]``.
    ``compiled``: table them with the kernel (else a numpy call per group)."""
    group = np.repeat(np.arange(len(start)), last - start + 1)
    at = np.arange(len(x))
    up_knots = np.unique(x[at <= peak[group]])
    down_knots = np.unique(x[at >= peak[group]])
    up, down = np.zeros(len(up_knots)), np.zeros(len(down_knots))
    if compiled:
        add_pieces(x, v, start, peak, up_knots, up, False)
        add_pieces(x, v, peak, last, down_knots, down, True)
    else:
        for g in range(len(start)):
            a, p, b = int(start[g]), int(peak[g]), int(last[g])
            up += np.interp(up_knots, x[a : p + 1], v[a : p + 1])
            down += np.interp(down_knots, x[p : b + 1], v[p : b + 1]) - v[p]
    return up_knots, up, down_knots, down


@kernel
def add_pieces(
    x: NDArray[np.float64],
    v: NDArray[np.float64],
    first: NDArray[np.intp],
    last: NDArray[np.intp],
    knots: NDArray[np.float64],
    out: NDArray[np.float64],
    from_first: bool,
) -> None:
    """Add to ``out`` each group's piece (corners ``first[g] .. last[g]``, held flat
    outside) at every knot, minus the piece's first value when ``from_first``: the
    groups one after the other, each value as ``np.interp`` gives it. Each group's knots
    are read segment by segment, and those outside its piece in straight runs."""
    n = len(knots)
    for g in range(len(first)):
        a, b = first[g], last[g]
        shift = v[a] if from_first else 0.0
        below = v[a] - shift
        k = 0
        while k < n and knots[k] < x[a]:
            k += 1
        for i in range(k):
            out[i] += below
        for j in range(a, b):
            x0, x1, v0 = x[j], x[j + 1], v[j]
            slope = (v[j + 1] - v0) / (x1 - x0)
            while k < n and knots[k] < x1:
                t = knots[k]
                here = v0 if t == x0 else slope * (t - x0) + v0
                out[k] += here - shift
                k += 1
        above = v[b] - shift
        for i in range(k, n):
            out[i] += above


@kernel
def interpolate(knots: NDArray[np.float64], values: NDArray[np.float64], t: float) -> float:
    """``np.interp(t, knots, values)`` for one ``t`` (knots sorted and distinct)."""
    n = len(knots)
    if t < knots[0]:
        return float(values[0])
    if t >= knots[n - 1]:
        return float(values[n - 1])
    lo, hi = 0, n - 1  # knots[lo] <= t < knots[hi]
    while hi - lo > 1:
        mid = (lo + hi) >> 1
        if knots[mid] <= t:
            lo = mid
        else:
            hi = mid
    if knots[lo] == t:
        return float(values[lo])
    slope = (values[lo + 1] - values[lo]) / (knots[lo + 1] - knots[lo])
    found: float = slope * (t - knots[lo]) + values[lo]
    return found


@kernel
def summed_hull(envelope: Envelopes, window_start: float, epsilon: float) -> float:
    """Sum over groups of the best hull value with rate in ``[window_start, + epsilon]``."""
    up_knots, up, down_knots, down = envelope
    total: float = interpolate(up_knots, up, window_start + epsilon) + interpolate(
        down_knots, down, window_start
    )
    return total


def summed_hulls(
    envelope: Envelopes, starts: NDArray[np.float64], epsilons: NDArray[np.float64]
) -> NDArray[np.float64]:
    """:func:`summed_hull` for starts of shape (epsilons, candidates), in numpy."""
    up_knots, up, down_knots, down = envelope
    total: NDArray[np.float64] = np.interp(starts + epsilons[:, None], up_knots, up) + np.interp(
        starts, down_knots, down
    )
    return total
