"""Compiled operating points: one pass over cells already in score order.

The in-memory audit stores its cells in score order (the score level is the most
significant part of the key it counts by), so every group's operating points come from a
single pass from the highest score down: each cell adds its positives or negatives to
its group's running counts and opens a new point where its group's score level changes.
The pooled point (one threshold for all) best for the objective comes from the same
pass. Cells in another order (from a dataframe engine) are put in score order first.
Same numbers as the numpy path in
:func:`fairness_widgets.compute.operating_points.operating_points`.

The pass writes each point as one record (threshold, tp, fp) into a single array: the
groups' points are interleaved in the cells, and writing three separate arrays at forty
places at once ran three times slower than writing one array of records. Each group's
records gather in a small buffer first and go out a full buffer at a time (1e6 cells:
22 -> 16 ms on a 2-core AMD EPYC). The returned thresholds, tp and fp are column views of that array
(no copy).
"""

from __future__ import annotations

from typing import cast

import numpy as np
from numpy.typing import NDArray

from fairness_widgets.compute.cells import Cells
from fairness_widgets.compute.compiled import kernel
from fairness_widgets.compute.groups import Attribute

#: offsets, thresholds, tp, fp of the groups; thresholds, tp, fp of everyone pooled; the
#: records the groups' columns are views of.
Points = tuple[
    NDArray[np.intp],
    NDArray[np.float64],
    NDArray[np.int64],
    NDArray[np.int64],
    NDArray[np.float64],
    NDArray[np.int64],
    NDArray[np.int64],
    NDArray[np.int64],
]

#: Columns of a point's record: threshold (float64 bits), tp, fp.
THRESHOLD, TP, FP = 0, 1, 2


@kernel
def _flush(counts: NDArray[np.int64], at: int, buffer: NDArray[np.int64], g: int, n: int) -> None:
    """Copy group ``g``'s first ``n`` buffered records to ``counts[at:]``."""
    for r in range(n):
        for column in range(3):
            counts[at + r, column] = buffer[g, r, column]


@kernel
def _records_from_score_order(
    codes: NDArray[np.intp],
    y_true: NDArray[np.int8],
    count: NDArray[np.int64],
    score: NDArray[np.float64],
    n_groups: int,
    tp_weight: float,
    fp_weight: float,
    counts: NDArray[np.int64],
    buffer: NDArray[np.int64],
) -> tuple[bool, NDArray[np.intp], NDArray[np.intp], float, int, int]:
    """Every group's points as records, and the pooled point with the largest
    ``tp_weight * tp - fp_weight * fp``, from cells in ascending score order (False first
    if they are not). ``counts`` (records, int64; the threshold as float64 bits) is room
    for one point per cell and group, ``buffer`` (groups x records x 3) room for each
    group's latest records, both allocated by numpy: numba's own large allocations are
    slow. Returns (ordered, room, last, pooled threshold, tp, fp): group ``g``'s records
    are ``room[g] .. last[g]``.

    Records are written to the group's buffer and copied out a full buffer at a time:
    writing each straight to its group's place spreads the writes over forty places at
    once, and the memory system does far better with a few long runs."""
    n = len(score)
    size = buffer.shape[1]
    thresholds = buffer.view(np.float64)
    room = np.zeros(n_groups + 1, dtype=np.intp)
    for i in range(n):
        room[codes[i] + 1] += 1
    for g in range(n_groups):
        room[g + 1] += room[g] + 1
    written = room[:n_groups].copy()  # where each group's buffer goes
    filled = np.ones(n_groups, dtype=np.intp)  # records in the buffer, the current one last
    last_score = np.full(n_groups, np.inf)
    positives = np.zeros(n_groups, dtype=np.int64)
    negatives = np.zeros(n_groups, dtype=np.int64)
    for g in range(n_groups):  # the leading point: no one predicted positive
        thresholds[g, 0, THRESHOLD] = np.inf
        buffer[g, 0, TP] = 0
        buffer[g, 0, FP] = 0
    best = 0.0  # the leading point's
    best_threshold, best_tp, best_fp = np.inf, 0, 0
    pooled_positives = 0
    pooled_negatives = 0
    for i in range(n - 1, -1, -1):
        level = score[i]
        if i > 0 and score[i - 1] > level:
            return False, room, written, best_threshold, best_tp, best_fp
        g = codes[i]
        add_positives = count[i] * np.int64(y_true[i])
        add_negatives = count[i] - add_positives
        if level != last_score[g]:  # a new point; the buffered ones are complete
            last_score[g] = level
            if filled[g] == size:
                _flush(counts, written[g], buffer, g, size)
                written[g] += size
                filled[g] = 0
            filled[g] += 1
        k = filled[g] - 1
        group_positives = positives[g] + add_positives
        group_negatives = negatives[g] + add_negatives
        positives[g] = group_positives
        negatives[g] = group_negatives
        thresholds[g, k, THRESHOLD] = level
        buffer[g, k, TP] = group_positives
        buffer[g, k, FP] = group_negatives
        pooled_positives += add_positives
        pooled_negatives += add_negatives
        # A pooled point is complete at the last cell of its score (the lowest index).
        if i == 0 or score[i - 1] != level:
            value = tp_weight * pooled_positives - fp_weight * pooled_negatives
            if value > best:
                best = value
                best_threshold, best_tp, best_fp = level, pooled_positives, pooled_negatives
    last = np.empty(n_groups, dtype=np.intp)
    for g in range(n_groups):
        _flush(counts, written[g], buffer, g, filled[g])
        last[g] = written[g] + filled[g] - 1
    return True, room, last, best_threshold, best_tp, best_fp


@kernel
def _close_gaps(
    counts: NDArray[np.int64], room: NDArray[np.intp], last: NDArray[np.intp]
) -> NDArray[np.intp]:
    """Move each group's records down over the room that ties left unused (in place);
    returns the groups' offsets."""
    n_groups = len(last)
    offsets = np.zeros(n_groups + 1, dtype=np.intp)
    write = 0
    for g in range(n_groups):
        offsets[g] = write
        if write != room[g]:
            for r in range(room[g], last[g] + 1):
                for column in range(3):
                    counts[write + r - room[g], column] = counts[r, column]
        write += last[g] - room[g] + 1
    offsets[n_groups] = write
    return offsets


def _buffer(n_groups: int) -> NDArray[np.int64]:
    """Room for each group's latest records: 8 to 128 a group, about 256 KiB in all (the
    core's cache)."""
    fits = max(256 * 1024 // (24 * max(n_groups, 1)), 1)  # records a group, 24 bytes each
    size = min(max(1 << (fits.bit_length() - 1), 8), 128)  # a power of two
    return np.empty((n_groups, size, 3), dtype=np.int64)


def compiled_operating_points(view: Attribute, cells: Cells, tp_weight: float, fp_weight: float) -> Points:
    """The flat operating points of ``view``'s groups by the compiled pass, and of the
    pooled points the leading one and the best for ``tp_weight * tp - fp_weight * fp``.
    The groups' thresholds, tp and fp are column views of one array of records."""
    assert cells.score is not None
    codes = np.ascontiguousarray(view.codes, dtype=np.intp)
    y_true = np.ascontiguousarray(cells.y_true, dtype=np.int8)
    count = np.ascontiguousarray(cells.count, dtype=np.int64)
    score = np.ascontiguousarray(cells.score, dtype=np.float64)
    counts = np.empty((len(score) + view.n_groups, 3), dtype=np.int64)
    thresholds = counts.view(np.float64)
    args = (view.n_groups, float(tp_weight), float(fp_weight), counts, _buffer(view.n_groups))
    ordered, room, last, *pooled = _records_from_score_order(codes, y_true, count, score, *args)
    if not ordered:  # cells from a dataframe engine: put them in score order first
        # Any order of equal scores gives the same points (a tie's cells add up into one
        # point before the next score), so numpy's default sort will do: 4x the stable one.
        order = np.argsort(score)
        ordered, room, last, *pooled = _records_from_score_order(
            codes[order], y_true[order], count[order], score[order], *args
        )
    offsets = _close_gaps(counts, room, last)
    used = int(offsets[-1])
    best_threshold, best_tp, best_fp = pooled
    kept = 2 if np.isfinite(best_threshold) else 1
    points = (
        offsets,
        thresholds[:used, THRESHOLD],
        counts[:used, TP],
        counts[:used, FP],
        np.array([np.inf, best_threshold])[:kept],
        np.array([0, best_tp], dtype=np.int64)[:kept],
        np.array([0, best_fp], dtype=np.int64)[:kept],
        counts[:used],
    )
    return cast(Points, points)
