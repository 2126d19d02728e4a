"""Compiled operating points: one pass over cells already in score order.

The in-memory audit stores its cells in score order (the score level is the most
significant part of the key it counts by), so every group's operating points come from a
single pass from the highest score down: each cell adds its positives or negatives to
its group's running counts and opens a new point where its group's score level changes.
The pooled point (one threshold for all) best for the objective comes from the same
pass. Cells in another order
(from a dataframe engine) are put in score order first. Same numbers as the numpy path in
:func:`fairness_widgets.compute.operating_points.operating_points`.
"""

from __future__ import annotations

from typing import cast

import numpy as np
from numpy.typing import NDArray

from fairness_widgets.compute.cells import Cells
from fairness_widgets.compute.compiled import kernel
from fairness_widgets.compute.groups import Attribute

#: offsets, thresholds, tp, fp of the groups; thresholds, tp, fp of everyone pooled.
Points = tuple[
    NDArray[np.intp],
    NDArray[np.float64],
    NDArray[np.int64],
    NDArray[np.int64],
    NDArray[np.float64],
    NDArray[np.int64],
    NDArray[np.int64],
]


@kernel
def _points_from_score_order(
    codes: NDArray[np.intp],
    y_true: NDArray[np.int8],
    count: NDArray[np.int64],
    score: NDArray[np.float64],
    n_groups: int,
    tp_weight: float,
    fp_weight: float,
    thresholds: NDArray[np.float64],
    tp: NDArray[np.int64],
    fp: NDArray[np.int64],
) -> tuple[
    bool,
    NDArray[np.intp],
    NDArray[np.float64],
    NDArray[np.int64],
    NDArray[np.int64],
    NDArray[np.float64],
    NDArray[np.int64],
    NDArray[np.int64],
]:
    """Operating points of every group, and the pooled point with the largest
    ``tp_weight * tp - fp_weight * fp``, from cells in ascending score order (False
    first if they are not). ``thresholds``, ``tp`` and ``fp`` are room for the points (one
    per cell and group), allocated by numpy: numba's own large allocations are slow."""
    n = len(score)
    # Room for one point per cell plus a leading point, per group (ties use less).
    room = np.zeros(n_groups + 1, dtype=np.intp)
    for i in range(n):
        room[codes[i] + 1] += 1
    for g in range(n_groups):
        room[g + 1] += room[g] + 1
    at = room[:n_groups].copy()  # each group's current point
    last_score = np.full(n_groups, np.inf)
    positives = np.zeros(n_groups, dtype=np.int64)
    negatives = np.zeros(n_groups, dtype=np.int64)
    for g in range(n_groups):
        thresholds[at[g]] = np.inf
        tp[at[g]] = 0
        fp[at[g]] = 0
    pooled_thresholds = np.full(2, np.inf)
    pooled_tp = np.zeros(2, dtype=np.int64)
    pooled_fp = np.zeros(2, dtype=np.int64)
    best = 0.0  # the leading point's (no one predicted positive)
    pooled_positives = 0
    pooled_negatives = 0
    for i in range(n - 1, -1, -1):
        if i > 0 and score[i - 1] > score[i]:
            return (False, room, thresholds, tp, fp, pooled_thresholds, pooled_tp, pooled_fp)
        g = codes[i]
        add_positives = count[i] * np.int64(y_true[i])
        add_negatives = count[i] - add_positives
        if score[i] != last_score[g]:
            at[g] += 1
            thresholds[at[g]] = score[i]
            last_score[g] = score[i]
        positives[g] += add_positives
        negatives[g] += add_negatives
        tp[at[g]] = positives[g]
        fp[at[g]] = negatives[g]
        pooled_positives += add_positives
        pooled_negatives += add_negatives
        # A pooled point is complete at the last cell of its score (the lowest index).
        if i == 0 or score[i - 1] != score[i]:
            value = tp_weight * pooled_positives - fp_weight * pooled_negatives
            if value > best:
                best = value
                pooled_thresholds[1] = score[i]
                pooled_tp[1] = pooled_positives
                pooled_fp[1] = pooled_negatives
    # Close the gaps that ties left (points are written from each group's start).
    offsets = np.zeros(n_groups + 1, dtype=np.intp)
    write = 0
    for g in range(n_groups):
        offsets[g] = write
        used = at[g] - room[g] + 1
        if write != room[g]:
            for k in range(used):
                thresholds[write + k] = thresholds[room[g] + k]
                tp[write + k] = tp[room[g] + k]
                fp[write + k] = fp[room[g] + k]
        write += used
    offsets[n_groups] = write
    kept = 2 if np.isfinite(pooled_thresholds[1]) else 1
    return (
        True,
        offsets,
        thresholds[:write],
        tp[:write],
        fp[:write],
        pooled_thresholds[:kept],
        pooled_tp[:kept],
        pooled_fp[:kept],
    )


def compiled_operating_points(view: Attribute, cells: Cells, tp_weight: float, fp_weight: float) -> Points:
    """The flat operating points of ``view``'s groups by the compiled pass, and of the
    pooled points the leading one and the best for ``tp_weight * tp - fp_weight * fp``."""
    assert cells.score is not None
    codes = np.ascontiguousarray(view.codes, dtype=np.intp)
    y_true = np.ascontiguousarray(cells.y_true, dtype=np.int8)
    count = np.ascontiguousarray(cells.count, dtype=np.int64)
    score = np.ascontiguousarray(cells.score, dtype=np.float64)
    size = len(score) + view.n_groups
    args = (
        view.n_groups,
        float(tp_weight),
        float(fp_weight),
        np.empty(size, dtype=np.float64),
        np.empty(size, dtype=np.int64),
        np.empty(size, dtype=np.int64),
    )
    ordered, *points = _points_from_score_order(codes, y_true, count, score, *args)
    if not ordered:  # cells from a dataframe engine: put them in score order first
        order = np.argsort(score, kind="stable")
        ordered, *points = _points_from_score_order(
            codes[order], y_true[order], count[order], score[order], *args
        )
    return cast(Points, tuple(points))
