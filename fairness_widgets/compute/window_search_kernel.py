"""Compiled best-window search, its tables and queries: each group's best point in a
window of rates, and the summed best of a window (the branch and bound is in
:mod:`window_branch_kernel`, the sweep in :mod:`window_steps_kernel`).

Points are each group's defined points sorted by rate (``offsets`` marks the groups).
The largest value in an index range comes from a block range-max table: whole blocks of
``BLOCK`` points from a sparse table over block maxima, the ends scanned. Ties go to the
lowest index, as ``np.argmax`` does.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from fairness_widgets.compute.compiled import kernel
from fairness_widgets.compute.convex_hulls_kernel import first_highest

#: Points per block of the range-max table (a power of two).
BLOCK = 32
_SHIFT = 5

#: The sorted points and what searches them, as one argument: rate, value and group
#: offsets; the range-max table (see :func:`block_tables`); each group's best point of
#: all; the bucket index; each point's group's best up to it or from it on (see
#: :func:`running_bests`).
Searchable = tuple[
    NDArray[np.float64],
    NDArray[np.float64],
    NDArray[np.intp],
    NDArray[np.float64],
    NDArray[np.intp],
    NDArray[np.intp],
    NDArray[np.intp],
]


@kernel
def sorted_and_defined(rate: NDArray[np.float64], offsets: NDArray[np.intp]) -> bool:
    """Are all rates defined and non-decreasing within each group?"""
    for g in range(len(offsets) - 1):
        for i in range(offsets[g], offsets[g + 1]):
            if not np.isfinite(rate[i]):
                return False
            if i > offsets[g] and rate[i] < rate[i - 1]:
                return False
    return True


def block_tables(value: NDArray[np.float64]) -> NDArray[np.float64]:
    """A sparse table over block maxima: ``[j, b]`` is the largest value in blocks ``b ..
    b + 2**j - 1``. Allocated here by numpy (numba's own large allocations are slow),
    filled by :func:`_fill_block_tables`. Values only: a query finds where its largest
    value is by stepping down the levels (see :func:`range_argmax`), so the table is
    filled with no index beside each value and no search in every block for its first
    largest (400,000 points, as 1e6 rows at 1e-4 in 40 groups: 1.1-1.7 -> 0.45-0.5 ms)."""
    n_blocks = max((len(value) + BLOCK - 1) >> _SHIFT, 1)
    best = np.empty((n_blocks.bit_length(), n_blocks))
    _fill_block_tables(value, best)
    return best


@kernel
def _fill_block_tables(value: NDArray[np.float64], best: NDArray[np.float64]) -> None:
    """Level 0 from the points, four running maxima side by side in each block (selects:
    the compiler then takes several points at a time); each level above from the one
    below. Entries past a level's last whole run of blocks are never read."""
    n = len(value)
    levels, n_blocks = best.shape
    whole = n >> _SHIFT
    for b in range(whole):
        start = b << _SHIFT
        h0, h1, h2, h3 = value[start], value[start + 1], value[start + 2], value[start + 3]
        for i in range(start + 4, start + BLOCK, 4):
            h0 = value[i] if value[i] > h0 else h0
            h1 = value[i + 1] if value[i + 1] > h1 else h1
            h2 = value[i + 2] if value[i + 2] > h2 else h2
            h3 = value[i + 3] if value[i + 3] > h3 else h3
        h0 = h1 if h1 > h0 else h0
        h2 = h3 if h3 > h2 else h2
        best[0, b] = h2 if h2 > h0 else h0
    for b in range(whole, n_blocks):  # the last block, part full (or empty: no points)
        top = -np.inf
        for i in range(b << _SHIFT, n):
            top = value[i] if value[i] > top else top
        best[0, b] = top
    for j in range(1, levels):
        half = 1 << (j - 1)
        for b in range(n_blocks - (1 << j) + 1):
            left, right = best[j - 1, b], best[j - 1, b + half]
            best[j, b] = right if right > left else left


@kernel
def range_argmax(value: NDArray[np.float64], best: NDArray[np.float64], lo: int, hi: int) -> int:
    """First index of the largest value in ``value[lo : hi + 1]`` (needs lo <= hi): the
    ends scanned, the whole blocks between from two table entries; where those hold a
    larger value, its first block is found by stepping over runs of blocks all below
    it, longest first (one entry a level), then scanned."""
    first_block = lo >> _SHIFT
    last_block = hi >> _SHIFT
    found = lo
    if last_block - first_block < 2:
        for i in range(lo + 1, hi + 1):
            if value[i] > value[found]:
                found = i
        return found
    for i in range(lo + 1, (first_block + 1) << _SHIFT):
        if value[i] > value[found]:
            found = i
    inner_lo = first_block + 1
    inner_hi = last_block - 1
    width = inner_hi - inner_lo + 1
    j = 0
    while (2 << j) <= width:
        j += 1
    left, right = best[j, inner_lo], best[j, inner_hi - (1 << j) + 1]
    middle = right if right > left else left
    if middle > value[found]:
        b = inner_lo
        for k in range(j, -1, -1):
            if b + (1 << k) - 1 <= inner_hi and best[k, b] < middle:
                b += 1 << k
        found = b << _SHIFT
        while value[found] != middle:
            found += 1
    for i in range(last_block << _SHIFT, hi + 1):
        if value[i] > value[found]:
            found = i
    return found


def bucket_index(rate: NDArray[np.float64], offsets: NDArray[np.intp], n_buckets: int) -> NDArray[np.intp]:
    """``[g, b]``: the first point of group ``g`` whose rate is in bucket ``b`` or above
    (bucket: ``floor(rate * n_buckets)``, clipped to 0 .. n_buckets), so that a search for
    a rate reads only its bucket. A pass over the points costs about 1.2 ns a point, a
    search per bucket about 20 ns a bucket (2-core Xeon; 1e6 rows at bins of 1e-4: 0.34
    against 0.55 ms; exact scores: 1.24 against 0.55 ms): the cheaper one is taken."""
    n_groups = len(offsets) - 1
    table = np.empty((n_groups, n_buckets + 2), dtype=np.intp)
    if 1.2 * len(rate) < 20.0 * n_groups * (n_buckets + 2):
        _buckets_by_points(rate, offsets, table)
    else:
        _buckets_by_search(rate, offsets, table)
    return table


@kernel
def _buckets_by_points(rate: NDArray[np.float64], offsets: NDArray[np.intp], table: NDArray[np.intp]) -> None:
    """:func:`bucket_index` in one pass over the points (in order of rate): each writes
    itself to its bucket from the last point back, so the first of a bucket writes last,
    then the empty buckets take the next bucket's first (no search, no branch)."""
    n_buckets = table.shape[1] - 2
    for g in range(len(offsets) - 1):
        start, end = offsets[g], offsets[g + 1]
        for b in range(n_buckets + 2):
            table[g, b] = -1
        for i in range(end - 1, start - 1, -1):
            table[g, int(_bucket(rate[i], n_buckets))] = i
        following = end
        for b in range(n_buckets + 1, -1, -1):
            if table[g, b] < 0:
                table[g, b] = following
            following = table[g, b]


@kernel
def _buckets_by_search(rate: NDArray[np.float64], offsets: NDArray[np.intp], table: NDArray[np.intp]) -> None:
    """:func:`bucket_index` by a search per bucket: a gallop from the previous bucket's
    start (buckets are a few points apart), then a bisection of the last stride."""
    n_buckets = table.shape[1] - 2
    for g in range(len(offsets) - 1):
        start, end = offsets[g], offsets[g + 1]
        for b in range(n_buckets + 2):
            lo = table[g, b - 1] if b > 0 else start
            step = 1
            hi = lo
            while hi < end and _bucket(rate[hi], n_buckets) < b:
                lo = hi + 1
                hi = min(hi + step, end)
                step *= 2
            while lo < hi:
                mid = (lo + hi) >> 1
                if _bucket(rate[mid], n_buckets) < b:
                    lo = mid + 1
                else:
                    hi = mid
            table[g, b] = lo


@kernel
def _bucket(rate: float, n_buckets: int) -> float:
    """The bucket of ``rate``: ``floor(rate * n_buckets)``, clipped to 0 .. n_buckets."""
    bucket: float = min(max(np.floor(rate * n_buckets), 0.0), n_buckets)
    return bucket


@kernel
def first_at(
    rate: NDArray[np.float64], buckets: NDArray[np.intp], g: int, start: int, end: int, target: float
) -> int:
    """First index in ``[start, end)`` of group ``g`` with rate >= target (end if none)."""
    n_buckets = buckets.shape[1] - 2
    b = int(min(max(np.floor(target * n_buckets), 0.0), n_buckets))
    lo = max(start, buckets[g, b])
    hi = max(lo, min(end, buckets[g, b + 1]))  # every point from here on is >= target
    while lo < hi:
        mid = (lo + hi) >> 1
        if rate[mid] < target:
            lo = mid + 1
        else:
            hi = mid
    return int(lo)


@kernel
def common_rates_of(
    rate: NDArray[np.float64], offsets: NDArray[np.intp], tolerance: float
) -> NDArray[np.float64]:
    """The rates (within ``tolerance``) that every group reaches: each distinct rate of
    the first of the smallest groups, kept while every other group has one within
    ``tolerance``. Each group's rates are in order, so are the candidates: a group is
    checked by one merge with them, or, once they are few, a bisection for each (the
    candidates fall to a few after the first groups; a bisection per candidate from the
    start cost 0.3 ms for 1e6 rows at 1e-4, 40 groups)."""
    n_groups = len(offsets) - 1
    smallest = 0
    for g in range(n_groups):
        if offsets[g + 1] - offsets[g] < offsets[smallest + 1] - offsets[smallest]:
            smallest = g
    found = np.empty(offsets[smallest + 1] - offsets[smallest], dtype=np.float64)
    n = 0
    for i in range(offsets[smallest], offsets[smallest + 1]):
        if i == offsets[smallest] or rate[i] != rate[i - 1]:
            found[n] = rate[i]
            n += 1
    for g in range(n_groups):
        if g == smallest or n == 0:
            continue
        start, end = offsets[g], offsets[g + 1]
        merge = 8 * n >= end - start
        kept = 0
        j = start
        for k in range(n):
            candidate = found[k]
            if merge:
                while j < end and rate[j] < candidate - tolerance:
                    j += 1
            else:
                lo, hi = start, end
                while lo < hi:  # the first rate >= candidate - tolerance
                    mid = (lo + hi) >> 1
                    if rate[mid] < candidate - tolerance:
                        lo = mid + 1
                    else:
                        hi = mid
                j = lo
            if j < end and rate[j] <= candidate + tolerance:
                found[kept] = candidate
                kept += 1
        n = kept
    return found[:n]


@kernel
def group_peaks(value: NDArray[np.float64], offsets: NDArray[np.intp]) -> NDArray[np.intp]:
    """Each group's best point of all: the first of its largest values."""
    peak = np.empty(len(offsets) - 1, dtype=np.intp)
    for g in range(len(offsets) - 1):
        peak[g] = first_highest(value, offsets[g], offsets[g + 1])
    return peak


@kernel
def running_bests(
    value: NDArray[np.float64], offsets: NDArray[np.intp], peak: NDArray[np.intp], running: NDArray[np.intp]
) -> None:
    """Given each group's best point of all (``peak``: the first of its largest values),
    in ``running``, for each point below it the first of the group's largest values up
    to the point, for each point above it the first from the point on (the peak: itself).
    A window that holds no peak is on one side of it, and needs only that side's. Selects,
    not branches: the running best changes at random on noisy curves. The two sides go
    side by side, as far as the shorter one reaches: two chains of selects, neither
    waiting on the other (1e6 rows at 1e-4, 40 groups: 0.58 -> 0.35 ms)."""
    for g in range(len(offsets) - 1):
        start, end = offsets[g], offsets[g + 1]
        top = peak[g]
        running[top] = top
        both = min(top - start, end - 1 - top)
        up, up_best = start, -np.inf
        down, down_best = end - 1, -np.inf
        for step in range(both):
            i = start + step
            higher = value[i] > up_best
            up = i if higher else up
            up_best = value[i] if higher else up_best
            running[i] = up
            j = end - 1 - step
            as_high = value[j] >= down_best  # ties: the lower index is the first
            down = j if as_high else down
            down_best = value[j] if as_high else down_best
            running[j] = down
        for i in range(start + both, top):
            higher = value[i] > up_best
            up = i if higher else up
            up_best = value[i] if higher else up_best
            running[i] = up
        for j in range(end - 1 - both, top, -1):
            as_high = value[j] >= down_best
            down = j if as_high else down
            down_best = value[j] if as_high else down_best
            running[j] = down


@kernel
def _group_best(points: Searchable, g: int, low_edge: float, high_edge: float) -> int:
    """Group ``g``'s best point (first of the largest value) with rate in [low_edge,
    high_edge]; -1 if it has none there. If its best point of all (``peak``) is inside,
    that is the answer with no search. A window below the peak holds its group's best up
    to the window's top point when that lies inside it (on a rising curve, nearly
    always), and one above the peak its best from the window's first point on: no
    range search then."""
    rate, value, offsets, best, peak, buckets, running = points
    top = peak[g]
    if low_edge <= rate[top] <= high_edge:
        return int(top)
    lo = first_at(rate, buckets, g, offsets[g], offsets[g + 1], low_edge)
    # Not from lo: the two searches then overlap (each waits on its reads).
    hi = first_at(rate, buckets, g, offsets[g], offsets[g + 1], np.nextafter(high_edge, np.inf)) - 1
    if lo > hi:
        return -1
    if len(running):  # built (for points that came in order of rate)
        if rate[top] > high_edge:
            if running[hi] >= lo:
                return int(running[hi])
        elif running[lo] <= hi:
            return int(running[lo])
    return range_argmax(value, best, lo, hi)


@kernel
def total_within(
    points: Searchable,
    known: NDArray[np.intp],
    low: float,
    high: float,
    tolerance: float,
    picks: NDArray[np.intp],
) -> float:
    """Sum over groups of the best value with rate in [low, high] (within tolerance; -inf
    if some group has no point there), given ``known``: each group's best in a window that
    holds this one. Where that point is inside this window it is the best here too (the
    first of the largest value in a range is the first in any sub-range holding it), so
    only the other groups are searched. Each group's best goes to ``picks``."""
    rate, value, offsets = points[0], points[1], points[2]
    low_edge = low - tolerance
    high_edge = high + tolerance
    total = 0.0
    for g in range(len(offsets) - 1):
        k = known[g]
        if not low_edge <= rate[k] <= high_edge:
            k = _group_best(points, g, low_edge, high_edge)
            if k < 0:
                return -np.inf
        picks[g] = k
        total += value[k]
    return total


@kernel
def window_totals(
    points: Searchable, lows: NDArray[np.float64], highs: NDArray[np.float64], tolerance: float
) -> NDArray[np.float64]:
    """Per window ``[lows[k], highs[k]]``, the sum over groups of the best value with rate
    in it (within tolerance); -inf if some group has no point there."""
    totals = np.empty(len(lows))
    picks = np.empty(len(points[2]) - 1, dtype=np.intp)
    for k in range(len(lows)):  # each group's best of all holds every window
        totals[k] = total_within(points, points[4], lows[k], highs[k], tolerance, picks)
    return totals


@kernel
def window_picks(points: Searchable, low: float, high: float, tolerance: float) -> NDArray[np.intp]:
    """Each group's best point (index into the sorted points) with rate in [low, high]."""
    rate, value, offsets, best, _, buckets, _ = points
    n_groups = len(offsets) - 1
    picks = np.empty(n_groups, dtype=np.intp)
    for g in range(n_groups):
        lo = first_at(rate, buckets, g, offsets[g], offsets[g + 1], low - tolerance)
        hi = first_at(rate, buckets, g, lo, offsets[g + 1], np.nextafter(high + tolerance, np.inf)) - 1
        picks[g] = range_argmax(value, best, lo, max(hi, lo))
    return picks


@kernel
def box_tops(
    rate: NDArray[np.float64], value: NDArray[np.float64], offsets: NDArray[np.intp], block: int
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.intp]]:
    """Two points per ``block`` consecutive points of each group (in order of rate): the
    block's first and last rate, each at the block's largest value. Every point lies
    under the segment between its block's two, so their upper hull bounds the points'
    hull from above, with the same extreme rates (rates, values, group offsets)."""
    n_groups = len(offsets) - 1
    tops = 0
    for g in range(n_groups):
        tops += 2 * ((offsets[g + 1] - offsets[g] + block - 1) // block)
    x = np.empty(tops)
    v = np.empty(tops)
    new_offsets = np.zeros(n_groups + 1, dtype=np.intp)
    k = 0
    for g in range(n_groups):
        for first in range(offsets[g], offsets[g + 1], block):
            stop = min(first + block, offsets[g + 1])
            top = value[first]
            for i in range(first + 1, stop):
                top = max(top, value[i])
            x[k], v[k] = rate[first], top
            x[k + 1], v[k + 1] = rate[stop - 1], top
            k += 2
        new_offsets[g + 1] = k
    return x, v, new_offsets
