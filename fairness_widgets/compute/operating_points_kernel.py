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
22 -> 16 ms on a 2-core AMD EPYC). The returned thresholds, tp and fp are column views of
that array (no copy).

Large inputs are cut into parts of whole score levels, one per thread. A first pass per
part tallies each group's cells, positives and negatives, so that every part knows where
its records go and the counts of the cells above it, and writes its records with their
full running counts (1e6 cells on 2 threads: 8.4 -> 6 ms on a 2-core Xeon).
"""

from __future__ import annotations

from typing import cast

import numpy as np
from numpy.typing import NDArray

from fairness_widgets.compute import compiled
from fairness_widgets.compute.cells import Cells
from fairness_widgets.compute.compiled import kernel, map_threads
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
#: Cells per part worth a thread of its own.
PART_CELLS = 150_000


@kernel
def _flush(counts: NDArray[np.int64], at: int, buffer: NDArray[np.int64], g: int, n: int) -> None:
    """Copy group ``g``'s first ``n`` buffered records to ``counts[at:]``."""
    for r in range(n):
        for column in range(3):
            counts[at + r, column] = buffer[g, r, column]


@kernel
def _tally(
    codes: NDArray[np.intp],
    y_true: NDArray[np.int8],
    count: NDArray[np.int64],
    start: int,
    stop: int,
    n_groups: int,
    with_sums: bool,
) -> NDArray[np.int64]:
    """Per group, the cells of ``start .. stop - 1`` and, ``with_sums``, their positives
    and negatives (the rows of the result)."""
    tally = np.zeros((3, n_groups), dtype=np.int64)
    if not with_sums:  # the cells only: one array read
        for i in range(start, stop):
            tally[0, codes[i]] += 1
        return tally
    for i in range(start, stop):
        g = codes[i]
        add_positives = count[i] * np.int64(y_true[i])
        tally[0, g] += 1
        tally[1, g] += add_positives
        tally[2, g] += count[i] - add_positives
    return tally


@kernel
def _part_records(
    codes: NDArray[np.intp],
    y_true: NDArray[np.int8],
    count: NDArray[np.int64],
    score: NDArray[np.float64],
    start: int,
    stop: int,
    lead: bool,
    weights: NDArray[np.float64],
    counts: NDArray[np.int64],
    buffer: NDArray[np.int64],
    room: NDArray[np.intp],
    above: NDArray[np.int64],
) -> tuple[bool, NDArray[np.intp], float, float, int, int]:
    """The records of cells ``start .. stop - 1`` (ascending scores, a whole number of score
    levels), read from the highest score down; ``lead``: also each group's leading point
    (no one predicted positive). Group ``g``'s records go from ``room[g]``; ``above``
    (rows: positives, negatives; a column per group, then the pooled sums) holds what the
    higher cells already counted. ``counts`` is room for all records, ``buffer`` (groups
    x records x 3) for each group's latest records, allocated by numpy (numba's own large
    allocations are slow). Returns whether the scores ascend (if not, the rest means
    nothing), each group's last record (``room - 1`` if none) and the pooled point best
    for ``weights[0] * tp - weights[1] * fp`` among those completed here (value,
    threshold, tp, fp; with ``lead``, the leading point's 0 and inf when none beats it).

    Records are written to the group's buffer and copied out a full buffer at a time:
    writing each straight to its group's place spreads the writes over forty places at
    once, and the memory system does far better with a few long runs."""
    n_groups = len(room)
    size = buffer.shape[1]
    thresholds = buffer.view(np.float64)
    tp_weight, fp_weight = weights[0], weights[1]
    written = room.copy()  # where each group's buffer goes
    filled = np.zeros(n_groups, dtype=np.intp)  # records in the buffer, the current one last
    last_score = np.full(n_groups, np.inf)
    positives = above[0, :n_groups].copy()
    negatives = above[1, :n_groups].copy()
    if lead:
        for g in range(n_groups):  # the leading point: no one predicted positive
            thresholds[g, 0, THRESHOLD] = np.inf
            buffer[g, 0, TP] = 0
            buffer[g, 0, FP] = 0
            filled[g] = 1
    best = 0.0 if lead else -np.inf  # the leading point's value
    best_threshold, best_tp, best_fp = np.inf, 0, 0
    pooled_positives = above[0, n_groups]
    pooled_negatives = above[1, n_groups]
    for i in range(stop - 1, start - 1, -1):
        level = score[i]
        if i > start and score[i - 1] > level:
            return False, room, best, best_threshold, best_tp, best_fp
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
        if i == start or score[i - 1] != level:
            value = tp_weight * pooled_positives - fp_weight * pooled_negatives
            if value > best:
                best = value
                best_threshold, best_tp, best_fp = level, pooled_positives, pooled_negatives
    last = np.empty(n_groups, dtype=np.intp)
    for g in range(n_groups):
        _flush(counts, written[g], buffer, g, filled[g])
        last[g] = written[g] + filled[g] - 1
    return True, last, best, best_threshold, best_tp, best_fp


@kernel
def _close_gaps(
    counts: NDArray[np.int64], room: NDArray[np.intp], last: NDArray[np.intp]
) -> NDArray[np.intp]:
    """Move each group's records down over the room that ties left unused (in place),
    the parts' records one after the other (rows of ``room`` and ``last``: the parts,
    highest scores first); returns the groups' offsets."""
    n_parts, n_groups = room.shape
    offsets = np.zeros(n_groups + 1, dtype=np.intp)
    write = 0
    for g in range(n_groups):
        offsets[g] = write
        for p in range(n_parts):
            if write != room[p, g]:
                for r in range(room[p, g], last[p, g] + 1):
                    for column in range(3):
                        counts[write + r - room[p, g], column] = counts[r, column]
            write += last[p, g] - room[p, g] + 1
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
    weights = np.array([tp_weight, fp_weight], dtype=np.float64)
    points = _from_score_order(view.n_groups, codes, y_true, count, score, weights)
    if points is None:  # cells from a dataframe engine: put them in score order first
        # Any order of equal scores gives the same points (a tie's cells add up into one
        # point before the next score), so numpy's default sort will do: 4x the stable one.
        order = np.argsort(score)
        points = _from_score_order(
            view.n_groups, codes[order], y_true[order], count[order], score[order], weights
        )
        assert points is not None
    return points


def part_bounds(score: NDArray[np.float64], n_parts: int) -> NDArray[np.intp]:
    """Cuts of the cells into about equal parts at changes of score (a level is never
    split), as bounds ``[0, ..., len(score)]`` (fewer parts where levels are long)."""
    n = len(score)
    targets = (n * np.arange(1, n_parts)) // n_parts
    cuts = np.searchsorted(score, score[targets], side="left")  # each target's level's start
    bounds: NDArray[np.intp] = np.unique(np.concatenate([[0], cuts, [n]]).astype(np.intp))
    return bounds


def _from_score_order(
    n_groups: int,
    codes: NDArray[np.intp],
    y_true: NDArray[np.int8],
    count: NDArray[np.int64],
    score: NDArray[np.float64],
    weights: NDArray[np.float64],
) -> Points | None:
    """The points from cells in ascending score order (None if they are not). Large
    inputs are cut into parts of whole score levels, one per thread: each part first
    tallies its groups, so that every part knows the counts of the cells above it and
    writes its records, with their running counts, straight into its own room."""
    n = len(score)
    n_parts = max(min(compiled.THREADS, n // PART_CELLS), 1)
    bounds = part_bounds(score, n_parts) if n_parts > 1 else np.array([0, n], dtype=np.intp)
    parts = range(len(bounds) - 1)
    top = len(parts) - 1
    # The lowest part's sums are nobody's "above": its cells only.
    tallies = map_threads(
        lambda p: _tally(codes, y_true, count, int(bounds[p]), int(bounds[p + 1]), n_groups, p > 0), parts
    )
    inner = bounds[1:-1]
    if (score[inner - 1] > score[inner]).any():
        return None
    tally = np.stack(tallies)  # parts x (cells, positives, negatives) x groups
    # Counted from the top: each part's cells come below every higher part's.
    higher = np.cumsum(tally[::-1], axis=0)[::-1] - tally  # per part, the parts above it
    group_start = np.concatenate([[0], np.cumsum(tally[:, 0].sum(axis=0) + 1)[:-1]])
    room = group_start + 1 + higher[:, 0]
    room[top] -= 1  # the top part also writes the leading point
    above = np.concatenate([higher[:, 1:], higher[:, 1:].sum(axis=2, keepdims=True)], axis=2)
    counts = np.empty((n + n_groups, 3), dtype=np.int64)

    def records(p: int) -> tuple[bool, NDArray[np.intp], float, float, int, int]:
        found: tuple[bool, NDArray[np.intp], float, float, int, int] = _part_records(
            codes,
            y_true,
            count,
            score,
            int(bounds[p]),
            int(bounds[p + 1]),
            p == top,
            weights,
            counts,
            _buffer(n_groups),
            np.ascontiguousarray(room[p]),
            np.ascontiguousarray(above[p]),
        )
        return found

    written = map_threads(records, parts)
    if not all(part[0] for part in written):
        return None
    best, best_threshold, best_tp, best_fp = 0.0, np.inf, 0, 0  # the leading point
    for _, _, value, threshold, tp, fp in reversed(written):  # from the top, as one pass would
        if value > best:
            best, best_threshold, best_tp, best_fp = value, threshold, tp, fp
    last = np.stack([part[1] for part in written])
    offsets = _close_gaps(counts, np.ascontiguousarray(room[::-1]), np.ascontiguousarray(last[::-1]))
    return as_points(offsets, counts[: offsets[-1]], best_threshold, best_tp, best_fp)


def as_points(
    offsets: NDArray[np.intp], records: NDArray[np.int64], best_threshold: float, best_tp: int, best_fp: int
) -> Points:
    """The groups' points as column views of their ``records``, and the pooled points: the
    leading one, and the best (threshold, tp, fp) unless that is the leading one (an
    infinite threshold)."""
    kept = 2 if np.isfinite(best_threshold) else 1
    points = (
        offsets,
        records.view(np.float64)[:, THRESHOLD],
        records[:, TP],
        records[:, FP],
        np.array([np.inf, best_threshold])[:kept],
        np.array([0, best_tp], dtype=np.int64)[:kept],
        np.array([0, best_fp], dtype=np.int64)[:kept],
        records,
    )
    return cast(Points, points)
