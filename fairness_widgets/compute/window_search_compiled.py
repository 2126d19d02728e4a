"""The compiled path of :func:`fairness_widgets.compute.window_search.window_search`: a
window from the randomised optimum, hull bounds on where a better window can start, then
each eps's interval of starts swept one group at a time (:mod:`window_steps_kernel`), or
searched by branch and bound (:mod:`window_branch_kernel`, as the numpy path does) where
a sweep would read too many points; the queries in :mod:`window_search_kernel`."""

from __future__ import annotations

import threading
from collections.abc import Callable
from functools import partial

import numpy as np
from numpy.typing import NDArray

from fairness_widgets.compute import compiled
from fairness_widgets.compute.compiled import map_threads, offered
from fairness_widgets.compute.hull_search import Hulls, given_or_built
from fairness_widgets.compute.rate_order_kernel import gathered, rate_order
from fairness_widgets.compute.window_branch_kernel import branch_and_bound
from fairness_widgets.compute.window_search_kernel import (
    Searchable,
    block_tables,
    box_tops,
    bucket_index,
    common_rates_of,
    group_peaks,
    running_bests,
    sorted_and_defined,
    window_picks,
    window_totals,
)
from fairness_widgets.compute.window_steps_kernel import group_sweep

#: Rates closer than this count as equal (float noise in tp / n).
RATE_TOLERANCE = 1e-12
#: A bound on the values this little over 1 is float noise in weights times counts (the
#: tolerance's own scale then moves by as little).
VALUE_BOUND_SLACK = 1e-9
#: Points per block whose box top stands in for them in the hulls that bound the search
#: of points sorted here (see :func:`box_tops`)...
BOX_POINTS = 16
#: ...from this many points on; fewer have blocks of :data:`SMALL_BOX_POINTS`. The fewer
#: the points per box, the tighter the bound and the fewer windows the search tries,
#: but the more hull corners to build. 1e6 rows in 100 bins (4,040 points): blocks of 2
#: against 16 take 1.3-1.5 ms off a frontier of 7.5-8.8 ms; at 1e-3 (39,655 points) blocks
#: of 4 add 0.6 ms, of 1 (the points' own hull) 5.6 ms.
BOX_FROM = 20_000
SMALL_BOX_POINTS = 2
#: An allowed disparity's best window is swept (:mod:`window_steps_kernel`) where that
#: reads at most this many points, else found by branch and bound. 1e6 rows, 40 groups,
#: the 20 eps of demographic parity on one core: bins of 1e-4 5.7 -> 1.0 ms, exact scores
#: 4.5 -> 1.4 ms. Precision (no running bests: every group takes the queue, 8-15 ns a
#: point) with exact scores reads 50,000-58,000 points for the narrowest eps, where the
#: tree is faster (0.2-0.6 against 0.4-0.8 ms an eps).
SWEEP_READS = 2**15


#: Each group's defined points in order of rate (ties by index): flat indices, the
#: groups' offsets into them, and their rates in that order.
RateOrder = tuple[NDArray[np.intp], NDArray[np.intp], NDArray[np.float64]]


def by_rate(
    rate: NDArray[np.float64],
    value: NDArray[np.float64],
    offsets: NDArray[np.intp],
    *,
    ordered: bool = False,
    order: RateOrder | None = None,
) -> tuple[NDArray[np.intp] | None, NDArray[np.float64], NDArray[np.float64], NDArray[np.intp]]:
    """Each group's defined points in order of rate: (flat indices, or None when the
    points already are in that order; rates; values; group offsets). ``order``: that
    order, if known (kept with its rates: only the values are gathered)."""
    if order is not None:
        flat, sorted_offsets, sorted_rate = order
        return flat, sorted_rate, gathered(flat, value), sorted_offsets
    if ordered or sorted_and_defined(rate, offsets):
        return None, rate, value, offsets
    return rate_order(rate, value, offsets)


def rate_buckets(rate: NDArray[np.float64], offsets: NDArray[np.intp]) -> NDArray[np.intp]:
    """The bucket index of each group's rates (in order; see
    :func:`~fairness_widgets.compute.window_search_kernel.bucket_index`). It depends on the
    rates alone, so a view keeps it for each constraint (1e6 rows at 1e-4, 40 groups: 0.5-0.8
    ms a frontier)."""
    # About 4 points a bucket (a search then reads a cache line or two), at most 2,048
    # buckets a group (the index, 16 KB a group, stays in the core's cache). Against 16
    # points and 1,024: 1e6 rows at bins of 1e-4, 40 groups, the branch and bound of 20
    # eps 4.7 -> 4.0 ms and random window totals 20% faster on one core, for 0.05 ms more
    # to build.
    n_groups = len(offsets) - 1
    n_buckets = int(min(max(2 ** round(np.log2(max(len(rate) / n_groups / 4, 1))), 16), 2048))
    return bucket_index(rate, offsets, n_buckets)


class SortedPoints:
    """Each group's defined points by rate (see :func:`by_rate`), with the range-max
    tables over their values."""

    def __init__(
        self,
        flat: NDArray[np.intp] | None,
        rate: NDArray[np.float64],
        value: NDArray[np.float64],
        offsets: NDArray[np.intp],
        *,
        peak: NDArray[np.intp] | None = None,
        buckets: NDArray[np.intp] | None = None,
        tables: Callable[[], NDArray[np.float64]] | None = None,
    ) -> None:
        """``peak``: each group's first point of its largest value, if known (points in
        order of rate only: ``flat`` None); ``buckets``: :func:`rate_buckets` of these
        rates, if kept; ``tables``: a call for the range-max table of these values, if
        begun elsewhere."""
        n_groups = len(offsets) - 1
        self.flat = flat
        self.rate, self.value, self.offsets = rate, value, offsets
        counts = np.diff(self.offsets)
        if (counts == 0).any():
            raise ValueError("Every group needs at least one operating point with a defined rate.")
        self.lowest = self.rate[self.offsets[:-1]]
        self.highest = self.rate[self.offsets[1:] - 1]
        # The range-max tables on another thread while this one builds the rest (taken
        # back if no thread is free by then): 1e6 rows at 1e-4, 40 groups, 0.7 ms off
        # demographic parity and equal opportunity (paired, 40 rounds).
        if tables is None:
            tables = offered(partial(block_tables, self.value), len(self.rate))
        self.buckets = rate_buckets(self.rate, self.offsets) if buckets is None else buckets
        # Each group's best point of all (an index into the sorted points), and the best
        # up to or from each point on its side: where the points came in order of rate
        # (a value curve rising to a peak and falling, read from the running bests at once
        # nearly always). Points sorted here (precision) make a ragged curve: there the
        # running bests cost more than they save (1e6 rows: 1.8 ms, to save 0.8 ms of the
        # searches).
        self.running = np.empty(len(self.rate) if flat is None else 0, dtype=np.intp)
        if flat is None:
            self.peak = group_peaks(self.value, self.offsets) if peak is None else peak
            running_bests(self.value, self.offsets, self.peak, self.running)
        self.best = tables()
        if flat is not None:
            self.peak = np.empty(n_groups, dtype=np.intp)  # (window_picks reads none)
            self.peak = window_picks(self.searchable, -np.inf, np.inf, 0.0)

    @property
    def searchable(self) -> Searchable:
        return (
            self.rate,
            self.value,
            self.offsets,
            self.best,
            self.peak,
            self.buckets,
            self.running,
        )

    def flat_index(self, positions: NDArray[np.intp]) -> NDArray[np.intp]:
        return positions if self.flat is None else self.flat[positions]

    def totals(self, lows: NDArray[np.float64], highs: NDArray[np.float64]) -> NDArray[np.float64]:
        lows = np.ascontiguousarray(lows, dtype=np.float64)
        return window_totals(
            self.searchable, lows, np.ascontiguousarray(highs, dtype=np.float64), RATE_TOLERANCE
        )

    def picks(self, low: float, high: float) -> NDArray[np.intp]:
        positions = window_picks(self.searchable, low, high, RATE_TOLERANCE)
        return self.flat_index(positions)

    def common_rates(self) -> NDArray[np.float64]:
        """The rates (within ``RATE_TOLERANCE``) that every group can reach exactly."""
        found: NDArray[np.float64] = common_rates_of(self.rate, self.offsets, RATE_TOLERANCE)
        return found


def common_rates(groups: list[NDArray[np.float64]]) -> NDArray[np.float64]:
    """The rates (within ``RATE_TOLERANCE``) found in every group's sorted rates."""
    common = np.unique(min(groups, key=len))
    for rate in groups:
        near = np.searchsorted(rate, common - RATE_TOLERANCE, side="left")
        inside = near < len(rate)
        common = common[inside]
        common = common[rate[near[inside]] <= common + RATE_TOLERANCE]
    return common


def search_range(
    totals: Callable[[NDArray[np.float64], NDArray[np.float64]], NDArray[np.float64]],
    hulls: Hulls,
    lowest: NDArray[np.float64],
    highest: NDArray[np.float64],
    epsilons: NDArray[np.float64],
    *,
    tolerance: float,
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    """Where the search starts, per eps (all feasible): a window found (its value and
    start) and the interval [a, b] of starts that can still beat it.

    The window found starts where the best randomised window does (each group's hull
    bounds its points, so the best deterministic window is near it); no better window
    starts where the summed hull value is below it. (Four more windows to its left, as
    this once took, never did better: 1e6 rows at 1e-4, 40 groups, DP, EO and PP.)
    ``totals`` is the points' ``totals(lows, highs)``; ``lowest`` and ``highest`` each
    group's extreme rates.
    """
    start_low = float(lowest.max()) - epsilons
    start_high = float(highest.min())
    low = np.clip(hulls.best_start_values(epsilons), start_low, start_high)
    best = totals(low, low + epsilons)
    reach_low, reach_high = hulls.starts_reaching(epsilons, best - tolerance)
    a = np.maximum(start_low, reach_low)
    b = np.maximum(np.minimum(start_high, reach_high), a)
    return best, low, a, b


def compiled_windows(
    rate: NDArray[np.float64],
    value: NDArray[np.float64],
    offsets: NDArray[np.intp],
    epsilons: NDArray[np.float64],
    hulls: Hulls | Callable[[], Hulls] | None,
    *,
    ordered: bool = False,
    value_bound: float | None = None,
    peaks: NDArray[np.intp] | None = None,
    order: RateOrder | None = None,
    buckets: NDArray[np.intp] | None = None,
) -> list[NDArray[np.intp] | None]:
    """Per eps, each group's pick in the best window (flat indices; None where no choice
    meets the eps). ``ordered``: the rates are known to be defined
    and in order within each group; ``value_bound``: no |value| exceeds it, if known;
    ``peaks``: each group's first point of its largest value, if known; ``order``: the
    defined points' order by rate, if known (see :func:`by_rate`); ``buckets``: the
    :func:`rate_buckets` of the points in that order, if kept."""
    flat, sorted_rate, sorted_value, sorted_offsets = by_rate(
        rate, value, offsets, ordered=ordered, order=order
    )
    tables = None
    if flat is not None:  # hulls given are of the unsorted points
        hulls, tables = _box_top_hulls(sorted_rate, sorted_value, sorted_offsets)
    points = SortedPoints(
        flat,
        sorted_rate,
        sorted_value,
        sorted_offsets,
        peak=peaks if flat is None else None,
        buckets=buckets,
        tables=tables,
    )
    n_groups = len(offsets) - 1
    tolerance = _value_tolerance(points.value, value_bound, n_groups)
    best = np.full(len(epsilons), -np.inf)
    low = np.full(len(epsilons), np.nan)
    high = np.full(len(epsilons), np.nan)
    zero = epsilons <= RATE_TOLERANCE
    zero_width = partial(_zero_width, points, zero, best, low, high)  # (on a thread, below)
    widest_gap = float(points.lowest.max() - points.highest.min())
    feasible = np.flatnonzero(~zero & (epsilons >= widest_gap - RATE_TOLERANCE))
    found_picks: dict[int, NDArray[np.intp]] = {}
    if len(feasible):
        built = given_or_built(hulls, points.rate, points.value, points.offsets)
        eps = epsilons[feasible]

        # One task per thread: the first windows of its share of the eps, then searches
        # (sweeps or branch and bounds), the narrowest eps (which cost most) first, of any
        # share whose first windows are in. A task never waits for another (the shared
        # pool may not have started it yet).
        n_shares = min(compiled.threads_for(len(points.rate)), len(eps))
        share_of = np.arange(len(eps)) % n_shares
        seed_best, seed_low, a, b = (np.empty(len(eps)) for _ in range(4))
        # Each eps's picks, found on the thread that searched it.
        picked = np.empty((len(eps), n_groups), dtype=np.intp)
        ready = [False] * n_shares
        waiting = np.argsort(eps, kind="stable").tolist()
        taking = threading.Lock()

        def next_ready() -> int | None:
            with taking:
                for position, i in enumerate(waiting):
                    if ready[share_of[i]]:
                        return int(waiting.pop(position))
            return None

        def search(share: int) -> list[tuple[int, tuple[float, float, float, bool]]]:
            mine = np.flatnonzero(share_of == share)
            found = search_range(
                points.totals, built, points.lowest, points.highest, eps[mine], tolerance=tolerance
            )
            for whole, part in zip((seed_best, seed_low, a, b), found, strict=True):
                whole[mine] = part
            with taking:
                ready[share] = True
            if share == n_shares - 1:  # (after the seeds: the other shares may take its eps)
                zero_width()
            done: list[tuple[int, tuple[float, float, float, bool]]] = []
            while (i := next_ready()) is not None:
                result = best_window(
                    points,
                    float(eps[i]),
                    (a[i], b[i]),
                    (seed_best[i], seed_low[i]),
                    value_tolerance=tolerance,
                    chosen=picked[i],
                )
                done.append((i, result))
            return done

        for results in map_threads(search, range(n_shares)):
            for i, (total, start, end, _) in results:
                best[feasible[i]], low[feasible[i]], high[feasible[i]] = total, start, end
                if np.isfinite(total):
                    found_picks[int(feasible[i])] = points.flat_index(picked[i])
    else:
        zero_width()
    # Each eps's picks: those its thread found (its sweep's or branch and bound's, or each
    # group's best in the seed's window), else (eps = 0) each group's best in its window.
    return [
        None
        if not np.isfinite(best[k])
        else found_picks[k]
        if k in found_picks
        else points.picks(float(low[k]), float(high[k]))
        for k in range(len(epsilons))
    ]


def _value_tolerance(value: NDArray[np.float64], value_bound: float | None, n_groups: int) -> float:
    """How much better a window's summed value must be to count as better: float noise in
    a sum of ``n_groups`` values, growing with the values once they pass 1. Values bound
    by about 1 (accuracy, balanced accuracy: ``value_bound``) need no pass over them to
    say so (0.5-0.8 ms at 1e-4, cold). Values are finite (objective weights times
    counts): no row-sized temporaries here."""
    if value_bound is not None and value_bound <= 1.0 + VALUE_BOUND_SLACK:
        scale = 1.0
    else:
        scale = max(abs(float(value.max())), abs(float(value.min())))
    return 1e-12 * max(1.0, scale) * n_groups


def _box_top_hulls(
    rate: NDArray[np.float64], value: NDArray[np.float64], offsets: NDArray[np.intp]
) -> tuple[Hulls, Callable[[], NDArray[np.float64]]]:
    """For points sorted here (by precision): the hulls that bound their search, built on
    this thread, and a call for their range-max table, offered to another meanwhile.

    The points are ragged, with many hull corners: the hull only bounds the search, so
    that of a few box tops per block, above them all, will do. Handed to another thread
    instead, the hulls kept this one waiting for 2-2.7 ms (1e6 rows at 1e-4, 40 groups;
    built here: predictive parity -2.2 ms at the median, paired in one process)."""
    tables = offered(partial(block_tables, value), len(rate))
    block = BOX_POINTS if len(rate) >= BOX_FROM else SMALL_BOX_POINTS
    return Hulls(*box_tops(rate, value, offsets, block)), tables


def best_window(
    points: SortedPoints,
    epsilon: float,
    starts: tuple[float, float],
    found: tuple[float, float],
    *,
    value_tolerance: float,
    chosen: NDArray[np.intp],
) -> tuple[float, float, float, bool]:
    """The best window of width ``epsilon`` with its start in ``starts`` (low, high),
    given one found (its value and start): (value, low, high, whether it beat the one
    found by more than ``value_tolerance``); its picks go to ``chosen`` (where one was
    found: a finite value). Swept one group at a time where that reads at most
    :data:`SWEEP_READS` points, else by branch and bound. The picks of the window found,
    where none beat it, are read here too: on the thread searching this eps, not after
    the search on the caller's (1e6 rows at 1e-4, 40 groups: 0.2-0.3 ms of one thread)."""
    start_low, start_high = float(starts[0]), float(starts[1])
    found_value, found_low = float(found[0]), float(found[1])
    swept, total, low, improved = group_sweep(
        points.searchable,
        epsilon,
        start_low,
        start_high,
        RATE_TOLERANCE,
        found_value,
        found_low,
        value_tolerance,
        chosen,
        SWEEP_READS,
    )
    if not swept:
        total, low, high, improved = branch_and_bound(
            points.searchable,
            epsilon,
            start_low,
            start_high,
            found_value,
            found_low,
            RATE_TOLERANCE,
            value_tolerance,
            chosen,
        )
    else:
        high = low + epsilon
    if not improved and np.isfinite(total):
        chosen[:] = window_picks(points.searchable, low, high, RATE_TOLERANCE)
    return total, low, high, improved


def _zero_width(
    points: SortedPoints,
    zero: NDArray[np.bool_],
    best: NDArray[np.float64],
    low: NDArray[np.float64],
    high: NDArray[np.float64],
) -> None:
    """Where ``zero`` (eps = 0): the best window, of the rates every group reaches."""
    common = points.common_rates() if zero.any() else np.zeros(0)
    if len(common):
        found = points.totals(common, common)
        at = int(np.argmax(found))
        best[zero], low[zero], high[zero] = found[at], common[at], common[at]
