"""Compiled operating points of binned scores: a table of counts per group and bin, then
each group's bins from the top.

In histogram mode a score is the lower edge of its bin, so a cell's bin is a number
(score / resolution) and the cells need no order: a first pass adds every cell's rows to
its (group, bin) entry of a dense table, a second pass reads each group's row of the
table from the highest bin down and writes its operating points with their running
counts. The second pass reads memory in order, group by group, instead of forty groups
interleaved, and no cells need sorting (1e6 rows at bins of 1e-4, 40 groups: 3.0 -> 2.3
ms on a 2-core Xeon). Same points as the pass over cells in score order
(:mod:`fairness_widgets.compute.operating_points_kernel`).

The table pays when it is not much larger than the cells (a few bins per cell), which
:func:`fits` says. Cells in score order are added in parts of whole bins, one per
thread; cells in another order (from a dataframe engine) in one pass.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
from numpy.typing import NDArray

from fairness_widgets.compute import compiled, operating_points_kernel
from fairness_widgets.compute.cells import Cells
from fairness_widgets.compute.compiled import kernel, map_threads
from fairness_widgets.compute.groups import Attribute
from fairness_widgets.compute.operating_points_kernel import FP, THRESHOLD, TP, Points, as_points, part_bounds
from fairness_widgets.compute.point_values_kernel import KeptRates, precision_rates
from fairness_widgets.compute.rate_order_kernel import rate_order
from fairness_widgets.compute.roc_chains_kernel import roc_hull_chains

#: The table may have this many entries per cell (beyond a small floor) before the pass
#: over cells in score order is the better one.
ENTRIES_PER_CELL = 4
#: Tables this small are always fine.
SMALL_TABLE = 1 << 16
#: Nor is a table ever larger than this (entries of 8 bytes: 128 MiB), however many cells.
LARGEST_TABLE = 1 << 24
#: Table entries per thread worth a hand-off of the reading pass.
RUN_ENTRIES = 1 << 18
#: Counts in the table are int32: more rows than this go the other way.
MAX_ROWS = 2**31 - 1


def n_bins(resolution: float) -> int:
    """Bins of width ``resolution`` in [0, 1] (the last one holds 1.0), as the cells are built."""
    return int(np.floor(1.0 / resolution)) + 1


def fits(cells: Cells, n_groups: int) -> bool:
    """Is the dense table of (group, bin) counts worth it for these cells?"""
    if cells.resolution is None or cells.n_rows > MAX_ROWS:
        return False
    entries = n_groups * n_bins(cells.resolution)
    return entries <= min(ENTRIES_PER_CELL * len(cells.count) + SMALL_TABLE, LARGEST_TABLE)


@kernel
def _add_cells(
    codes: NDArray[np.intp],
    y_true: NDArray[np.int8],
    count: NDArray[np.int64],
    score: NDArray[np.float64],
    start: int,
    stop: int,
    resolution: float,
    table: NDArray[np.int32],
    pooled: NDArray[np.int64],
) -> tuple[bool, bool]:
    """Add the rows of cells ``start .. stop - 1`` to ``table[group, bin, y_true]`` and
    ``pooled[bin, y_true]``, and say whether their scores are all bin edges (``bin *
    resolution``, as the cells are built) of the table's bins, and whether they ascend.
    Stops at the first score off the edges (the table is then of no use).

    Each run of equal scores finds its bin once and adds its rows to ``pooled`` once (in
    score order a run is some 40 cells at bins of 1e-4 and 40 groups): with the check in
    the same pass, 3.1 -> 2.0 ms for 1e6 rows on a 2-core Xeon."""
    inverse = 1.0 / resolution
    n_bins = table.shape[1]
    descents = 0
    previous = -np.inf
    b = 0
    negatives = np.int64(0)
    positives = np.int64(0)
    for i in range(start, stop):
        level = score[i]
        if level != previous:
            if i > start:  # (parts on other threads own the other bins: never touch them)
                pooled[b, 0] += negatives
                pooled[b, 1] += positives
            negatives = np.int64(0)
            positives = np.int64(0)
            descents += level < previous
            edge = np.floor(level * inverse + 0.5)
            if edge < 0 or edge >= n_bins or level != edge * resolution:
                return False, False
            b = int(edge)
            previous = level
        y = np.intp(y_true[i])
        rows = count[i]
        table[codes[i], b, y] += np.int32(rows)
        positives += rows * y
        negatives += rows * (1 - y)
    if stop > start:
        pooled[b, 0] += negatives
        pooled[b, 1] += positives
    return True, descents == 0


@kernel
def _count_levels(table: NDArray[np.int32], first: int, stop: int, levels: NDArray[np.intp]) -> None:
    """For groups ``first .. stop - 1``, the bins they have rows in (either count of the
    pair not 0: the pair read as one int64)."""
    pairs = table.view(np.int64)
    for g in range(first, stop):
        found = 0
        for b in range(pairs.shape[1]):
            found += pairs[g, b, 0] != 0
        levels[g] = found


@kernel
def _group_records(
    table: NDArray[np.int32],
    resolution: float,
    offsets: NDArray[np.intp],
    first: int,
    stop: int,
    counts: NDArray[np.int64],
) -> None:
    """Groups ``first .. stop - 1``: from the highest bin down, a record (threshold, tp,
    fp) for each bin the group has rows in, after its leading point (no one predicted
    positive: written by the caller), from ``counts[offsets[g] + 1]`` on.

    Every bin writes a record and moves on only if the group has rows in it: no branch
    to mispredict (0.53 against 1.36 ms for 1e6 rows at 1e-4). So each group also writes
    one record past its end, over the next group's leading point (``counts`` has a row
    more than the points for the last group's)."""
    thresholds = counts.view(np.float64)
    for g in range(first, stop):
        at = offsets[g] + 1
        positives = np.int64(0)
        negatives = np.int64(0)
        for b in range(table.shape[1] - 1, -1, -1):
            add_negatives = table[g, b, 0]
            add_positives = table[g, b, 1]
            positives += add_positives
            negatives += add_negatives
            thresholds[at, THRESHOLD] = b * resolution
            counts[at, TP] = positives
            counts[at, FP] = negatives
            at += (add_negatives | add_positives) != 0


@kernel
def _pooled_best(
    pooled: NDArray[np.int64], resolution: float, tp_weight: float, fp_weight: float
) -> tuple[float, float, int, int]:
    """Of everyone pooled, the point best for ``tp_weight * tp - fp_weight * fp`` (value,
    threshold, tp, fp; the leading point's 0, inf, 0, 0 when none beats it)."""
    best, best_threshold, best_tp, best_fp = 0.0, np.inf, 0, 0
    positives = 0
    negatives = 0
    for b in range(pooled.shape[0] - 1, -1, -1):
        if pooled[b, 0] != 0 or pooled[b, 1] != 0:
            positives += pooled[b, 1]
            negatives += pooled[b, 0]
            value = tp_weight * positives - fp_weight * negatives
            if value > best:
                best, best_threshold, best_tp, best_fp = value, b * resolution, positives, negatives
    return best, best_threshold, best_tp, best_fp


@dataclass(frozen=True)
class GroupHistogram:
    """A view's per-group score histogram read as its operating points (binned scores).

    What every trade-off of the view starts from, whatever its constraint and objective:
    an audit keeps it, so that a second frontier (another constraint, another objective)
    does not build it again. Its size is that of the histogram, groups x bins at most,
    whatever the number of rows.

    Attributes
    ----------
    offsets : ndarray of intp, shape (n_groups + 1,)
        Group ``g``'s points are ``records[offsets[g] : offsets[g + 1]]``.
    records : ndarray of int64, shape (n_points, 3)
        Each group's points from its leading one (no one predicted positive) down the
        bins: (threshold as float64 bits, tp, fp).
    pooled : ndarray of int64, shape (n_bins, 2)
        Everyone's negatives and positives per bin (one threshold for all groups).
    resolution : float
    roc_chains : tuple of ndarray of intp
        Each group's points on its ROC upper chain (flat indices) and the groups' offsets
        into them: the upper hulls of demographic parity and equal opportunity come from
        them (see :mod:`~fairness_widgets.compute.roc_chains_kernel`).
    roc_corners : ndarray of intp
        The corners of each group's ROC hull, both chains, sorted (equalized odds mixes them).
    kept_rates : dict of str to KeptRates
        Per constraint, its rates of every point (see
        :data:`~fairness_widgets.compute.point_values_kernel.KeptRates`), kept from the
        view's first trade-off under it: they depend on the counts alone.
    kept_buckets : dict of str to ndarray of intp
        Per constraint, the bucket index of its rates in the window search's order, kept
        likewise.
    """

    offsets: NDArray[np.intp]
    records: NDArray[np.int64] = field(repr=False)
    pooled: NDArray[np.int64] = field(repr=False)
    resolution: float
    roc_chains: tuple[NDArray[np.intp], NDArray[np.intp]] = field(repr=False)
    roc_corners: NDArray[np.intp] = field(repr=False)
    kept_rates: dict[str, KeptRates] = field(default_factory=dict, repr=False, compare=False)
    kept_buckets: dict[str, NDArray[np.intp]] = field(default_factory=dict, repr=False, compare=False)

    @cached_property
    def columns(self) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """Every point's tp and fp as contiguous floats (whole numbers, exact): the point
        values read them several at a time, where the records' columns are strided (1e6
        rows at 1e-4, 40 groups: 4.6 MB, kept from the view's first trade-off)."""
        return self.records[:, TP].astype(np.float64), self.records[:, FP].astype(np.float64)

    @cached_property
    def precision_order(self) -> tuple[NDArray[np.intp], NDArray[np.intp], NDArray[np.float64]]:
        """Each group's points with a defined precision in order of it (ties by index):
        their flat indices, the groups' offsets into them and their precision in that
        order. Precision is no function of the threshold's order, so predictive parity's
        search sorts its points by it: the order depends on the counts alone, so the view
        keeps it from its first predictive-parity trade-off (4.6 MB at 1e6 rows, 1e-4, 40
        groups)."""
        rate = precision_rates(*self.columns, self.offsets)
        flat, sorted_rate, _, sorted_offsets = rate_order(rate, rate, self.offsets)
        return flat, sorted_offsets, sorted_rate


def binned_operating_points(
    view: Attribute, cells: Cells, tp_weight: float, fp_weight: float
) -> Points | None:
    """The flat operating points of ``view``'s groups from the dense table (None if the
    scores are not bin edges of ``cells.resolution``), and of the pooled points the
    leading one and the best for ``tp_weight * tp - fp_weight * fp``, as
    :func:`fairness_widgets.compute.operating_points_kernel.compiled_operating_points`."""
    histogram = group_histogram(view, cells)
    return None if histogram is None else histogram_points(histogram, tp_weight, fp_weight)


def histogram_points(histogram: GroupHistogram, tp_weight: float, fp_weight: float) -> Points:
    """The operating points of a view's histogram, with the pooled best for ``tp_weight *
    tp - fp_weight * fp`` (the one part that depends on the objective)."""
    _, best_threshold, best_tp, best_fp = _pooled_best(
        histogram.pooled, histogram.resolution, tp_weight, fp_weight
    )
    return as_points(histogram.offsets, histogram.records, best_threshold, best_tp, best_fp)


def group_histogram(view: Attribute, cells: Cells) -> GroupHistogram | None:
    """``view``'s operating points from the dense table of (group, bin) counts, or None if
    the scores are not bin edges of ``cells.resolution``."""
    assert cells.score is not None
    assert cells.resolution is not None
    n_groups = view.n_groups
    codes = np.ascontiguousarray(view.codes, dtype=np.intp)
    y_true = np.ascontiguousarray(cells.y_true, dtype=np.int8)
    count = np.ascontiguousarray(cells.count, dtype=np.int64)
    score = np.ascontiguousarray(cells.score, dtype=np.float64)
    resolution = float(cells.resolution)
    n = len(score)
    n_parts = max(min(compiled.THREADS, n // operating_points_kernel.PART_CELLS), 1)
    bounds = part_bounds(score, n_parts) if n_parts > 1 else np.array([0, n], dtype=np.intp)
    table = np.zeros((n_groups, n_bins(resolution), 2), dtype=np.int32)
    pooled = np.zeros((table.shape[1], 2), dtype=np.int64)

    def add(p: int) -> tuple[bool, bool]:
        added: tuple[bool, bool] = _add_cells(
            codes, y_true, count, score, int(bounds[p]), int(bounds[p + 1]), resolution, table, pooled
        )
        return added

    added = map_threads(add, range(len(bounds) - 1))
    if not all(on_edges for on_edges, _ in added):
        return None
    # Parts of ascending scores are cut between bins: none adds to another's entries.
    apart = all(ascending for _, ascending in added) and (
        len(added) == 1 or bool((score[bounds[1:-1] - 1] < score[bounds[1:-1]]).all())
    )
    if not apart:  # add again, in one pass
        table[:], pooled[:] = 0, 0
        _add_cells(codes, y_true, count, score, 0, n, resolution, table, pooled)
    # The table read in runs of groups, one per thread, when it is large enough to pay for
    # the hand-offs (at 1e-3 and 40 groups a run takes 0.01-0.1 ms, a hand-off as long).
    n_runs = max(min(compiled.THREADS, n_groups, table.size // RUN_ENTRIES), 1)
    runs = np.unique(np.linspace(0, n_groups, n_runs + 1).astype(np.intp))
    levels = np.empty(n_groups, dtype=np.intp)
    map_threads(lambda r: _count_levels(table, int(runs[r]), int(runs[r + 1]), levels), range(len(runs) - 1))
    offsets = np.zeros(n_groups + 1, dtype=np.intp)
    np.cumsum(levels + 1, out=offsets[1:])
    used = int(offsets[-1])
    counts = np.empty((used + 1, 3), dtype=np.int64)
    map_threads(
        lambda r: _group_records(table, resolution, offsets, int(runs[r]), int(runs[r + 1]), counts),
        range(len(runs) - 1),
    )
    # The leading points, after the records: each group wrote one past its end.
    counts.view(np.float64)[offsets[:-1], THRESHOLD] = np.inf
    counts[offsets[:-1], TP] = 0
    counts[offsets[:-1], FP] = 0
    records = counts[:used]
    return GroupHistogram(offsets, records, pooled, resolution, *roc_hull_chains(records, offsets))
