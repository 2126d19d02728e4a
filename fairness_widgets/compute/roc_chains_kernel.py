"""Each group's ROC upper and lower chains, found once from its integer counts, and the
upper hulls of its (rate, value) points read from the upper chain's few points.

For demographic parity (rate ``(tp + fp) / n``) and equal opportunity (rate ``tp / P``)
the map from a point's counts ``(fp, tp)`` to ``(rate, value)``, value ``tp_weight * tp -
fp_weight * fp``, is linear and one to one (given the weights below). A corner of the
upper hull of the mapped points maximises ``value - lambda * rate`` for some lambda, a
linear function ``a * tp - b * fp`` of the counts, so it is a corner of their convex hull
that maximises such a function (and each corner of the chain does, for some lambda):

- with ``a > 0`` and ``b > 0``, a corner of the ROC upper chain (most true positives for
  the false positives) from the first point (no one predicted positive) to the last;
- otherwise one of those two ends (the counts never fall from one point to the next).

Demographic parity has ``a + b = tp_weight + fp_weight`` whatever lambda, so that sum must
be positive; equal opportunity has ``b = fp_weight``, which must be positive. The chain,
found in integers, has no point on a chord between two others; a corner stands above
its neighbours' chord by a margin far beyond float rounding, so the chain's points are
the hull's corners exactly (a float chain over all the points may keep a point that
rounding lifts off a straight run, or drop one). It depends on neither the objective
nor the constraint: a view's histogram keeps it, and each frontier's upper hulls come
from its few points instead of all of them. Equalized odds mixes corners of each
group's ROC hull, both chains: it reads them from the kept chains too.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from fairness_widgets.compute.compiled import group_runs, kernel, map_threads
from fairness_widgets.compute.convex_hulls_kernel import monotone_chain
from fairness_widgets.compute.operating_points_kernel import FP, TP


def chains_hold_corners(constraint: str, tp_weight: float, fp_weight: float) -> bool:
    """Does each group's ROC upper chain hold every corner of the upper hull of its
    (rate, value) points under ``constraint``, for an objective with these weights? (See
    the module: demographic parity needs ``tp_weight + fp_weight > 0``, equal opportunity
    ``fp_weight > 0``; the other constraints' rates are no linear map of the counts.)"""
    if constraint == "demographic_parity":
        return tp_weight + fp_weight > 0
    return constraint == "equal_opportunity" and fp_weight > 0


def roc_hull_chains(
    records: NDArray[np.int64], offsets: NDArray[np.intp]
) -> tuple[tuple[NDArray[np.intp], NDArray[np.intp]], NDArray[np.intp]]:
    """Each group's ROC upper chain (flat indices, and the groups' offsets into them) and
    the corners of its ROC hull, both chains (sorted flat indices): the groups in runs,
    one per thread."""
    runs = group_runs(offsets, len(records))
    found = map_threads(lambda run: (roc_chains(records, run, 1), roc_chains(records, run, -1)[0]), runs)
    upper = np.concatenate([chain for (chain, _), _ in found])
    lengths = np.concatenate([np.diff(ends) for (_, ends), _ in found])
    upper_offsets = np.zeros(len(offsets), dtype=np.intp)
    np.cumsum(lengths, out=upper_offsets[1:])
    corners: NDArray[np.intp] = np.union1d(upper, np.concatenate([lower for _, lower in found]))
    return (upper, upper_offsets), corners


@kernel
def roc_chains(
    records: NDArray[np.int64], offsets: NDArray[np.intp], side: int
) -> tuple[NDArray[np.intp], NDArray[np.intp]]:
    """Each group's points on its ROC upper chain (``side`` 1: most true positives for
    the false positives) or lower chain (``side`` -1: fewest), the points (``records``:
    tp in column ``TP``, fp in column ``FP``, group ``g``'s ``offsets[g] : offsets[g +
    1]``) being in order of both counts: flat indices, and the groups' offsets into
    them. Exact (integers): a point on the chord between two others is dropped.

    A corner stands past the chord between its neighbours, so only such points (and
    each group's ends) go through the monotone chain: on a staircase of single rows most
    points are in a straight run or a step's inner corner (1e6 rows at 1e-4, 40 groups:
    5.6 -> 1.9 ms on one core)."""
    n_groups = len(offsets) - 1
    chain = np.empty(len(records), dtype=np.intp)
    chain_offsets = np.zeros(n_groups + 1, dtype=np.intp)
    top = 0
    for g in range(n_groups):
        start, end = offsets[g], offsets[g + 1]
        base = top
        # The group's first point, then those past their neighbours' chord (into the
        # room the chain fills next, behind it), then its last point.
        kept = top
        chain[kept] = start
        kept += 1
        for i in range(start + 1, end - 1):
            chain[kept] = i
            kept += side * _under(records, i - 1, i, records[i + 1, TP], records[i + 1, FP]) < 0
        if end - 1 > start:
            chain[kept] = end - 1
            kept += 1
        for k in range(base, kept):
            i = chain[k]
            tp, fp = records[i, TP], records[i, FP]
            while top - base >= 2 and side * _under(records, chain[top - 2], chain[top - 1], tp, fp) >= 0:
                top -= 1  # not strictly past the chord from the one before to this point
            chain[top] = i
            top += 1
        chain_offsets[g + 1] = top
    return chain[:top].copy(), chain_offsets


@kernel
def _under(records: NDArray[np.int64], o: int, p: int, tp: int, fp: int) -> int:
    """Positive where point ``p`` is under the chord from ``o`` to (tp, fp) (fewer true
    positives for its false positives), 0 on it."""
    under: int = (records[p, FP] - records[o, FP]) * (tp - records[o, TP]) - (
        records[p, TP] - records[o, TP]
    ) * (fp - records[o, FP])
    return under


@kernel
def upper_hulls_among(
    x: NDArray[np.float64],
    v: NDArray[np.float64],
    candidates: NDArray[np.intp],
    candidate_offsets: NDArray[np.intp],
) -> tuple[NDArray[np.intp], NDArray[np.intp]]:
    """The upper hull of each group's points (``x`` defined and in order within the
    group) from its ``candidates`` (flat indices in order, every corner among them), by
    the monotone chain: corners and the groups' offsets into them."""
    n_groups = len(candidate_offsets) - 1
    largest = 1
    for g in range(n_groups):
        largest = max(largest, candidate_offsets[g + 1] - candidate_offsets[g])
    stack = np.empty((largest, 2))
    corners = np.empty(len(candidates), dtype=np.intp)
    ends = np.zeros(n_groups + 1, dtype=np.intp)
    top = 0
    for g in range(n_groups):
        first, stop = candidate_offsets[g], candidate_offsets[g + 1]
        top = monotone_chain(x, v, candidates[first:stop], stop - first, corners, top, stack)
        ends[g + 1] = top
    return corners[:top].copy(), ends
