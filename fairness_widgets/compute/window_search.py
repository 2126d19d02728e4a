"""Best deterministic per-group thresholds with every group's rate in a window of width eps.

For a constraint "rates differ by at most eps" and an objective that adds up over groups,
the best choice for a window ``[s, s + eps]`` is each group's best point inside it. The
window start ``s`` is found by branch and bound over intervals of starts: for starts in
``[a, b]`` no group can do better than its best point in ``[a, b + eps]`` (an upper
bound) and every group can reach its best point in ``[b, a + eps]`` (a feasible choice,
a lower bound). Intervals whose upper bound cannot beat the best feasible choice are
dropped; the rest are split. The answer is exact (to ``RATE_TOLERANCE`` on the window
width), and on real curves only a few intervals survive each round. The compiled path
sweeps the starts instead where that reads few enough points (see
:mod:`window_search_compiled`): as exact, and on real curves several times faster.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from fairness_widgets.compute.compiled import worth_compiling
from fairness_widgets.compute.hull_search import Hulls, given_or_built
from fairness_widgets.compute.range_max import RangeMax
from fairness_widgets.compute.window_search_compiled import (
    RATE_TOLERANCE,
    RateOrder,
    common_rates,
    compiled_windows,
    search_range,
)

#: Each surviving interval of window starts is split into this many.
SPLIT = 4


@dataclass(frozen=True)
class WindowChoice:
    """The best deterministic choice for one eps: a flat point index per group."""

    epsilon: float
    value: float
    points: NDArray[np.intp]
    rates: NDArray[np.float64]


class _SortedPoints:
    """Every group's defined points sorted by rate, in one array keyed by ``2 * group + rate``
    (rates lie in [0, 1], so one search finds a window inside one group)."""

    def __init__(
        self, rate: NDArray[np.float64], value: NDArray[np.float64], offsets: NDArray[np.intp]
    ) -> None:
        n_groups = len(offsets) - 1
        group = np.repeat(np.arange(n_groups), np.diff(offsets))
        defined = np.flatnonzero(np.isfinite(rate))
        rate_d, group_d = rate[defined], group[defined]
        same = group_d[1:] == group_d[:-1]
        if not (np.diff(rate_d)[same] >= 0).all():  # rates not already in order (precision)
            by_rate = np.argsort(rate_d, kind="stable")
            by_group = by_rate[np.argsort(group_d[by_rate], kind="stable")]
            defined, rate_d, group_d = defined[by_group], rate_d[by_group], group_d[by_group]
        self.n_groups = n_groups
        self.flat = defined
        self.group = group_d
        self.rate = rate_d
        self.key = rate_d + 2.0 * group_d
        self.band = 2.0 * np.arange(n_groups, dtype=np.float64)
        self.best = RangeMax(value[defined])
        counts = np.bincount(group_d, minlength=n_groups)
        if (counts == 0).any():
            raise ValueError("Every group needs at least one operating point with a defined rate.")
        ends = np.cumsum(counts)
        self.lowest = rate_d[ends - counts]
        self.highest = rate_d[ends - 1]
        firsts = ends - counts
        values = self.best.values
        self.peak = rate_d[[a + int(np.argmax(values[a:b])) for a, b in zip(firsts, ends, strict=True)]]

    def first_at(self, rate: NDArray[np.float64]) -> NDArray[np.intp]:
        """Per group (rows) and rate, the first point with a rate >= it."""
        key = self.band.reshape((-1,) + (1,) * rate.ndim) + np.clip(rate, -0.25, 1.25) - RATE_TOLERANCE
        return np.searchsorted(self.key, key.ravel(), side="left").reshape(key.shape)

    def last_at(self, rate: NDArray[np.float64]) -> NDArray[np.intp]:
        """Per group (rows) and rate, the last point with a rate <= it."""
        key = self.band.reshape((-1,) + (1,) * rate.ndim) + np.clip(rate, -0.25, 1.25) + RATE_TOLERANCE
        found: NDArray[np.intp] = np.searchsorted(self.key, key.ravel(), side="right").reshape(key.shape) - 1
        return found

    def best_between(self, lo: NDArray[np.intp], hi: NDArray[np.intp]) -> NDArray[np.float64]:
        """Sum over groups (first axis) of the best value in each index range [lo, hi]
        (-inf where a group's range is empty)."""
        empty = lo > hi
        best = self.best(np.where(empty, 0, lo).ravel(), np.where(empty, 0, hi).ravel()).reshape(lo.shape)
        best[empty] = -np.inf
        totals: NDArray[np.float64] = best.sum(axis=0)
        return totals

    def totals(self, low: NDArray[np.float64], high: NDArray[np.float64]) -> NDArray[np.float64]:
        """Sum over groups of each group's best value with rate in [low, high] (-inf if a
        group has no point there)."""
        return self.best_between(self.first_at(low), self.last_at(high))

    def picks(self, low: float, high: float) -> NDArray[np.intp]:
        """Each group's best point (flat index) with rate in [low, high]."""
        lo, hi = self.first_at(np.array([low])).ravel(), self.last_at(np.array([high])).ravel()
        values = self.best.values
        return np.array(
            [self.flat[a + int(np.argmax(values[a : b + 1]))] for a, b in zip(lo, hi, strict=True)],
            dtype=np.intp,
        )


def _common_rates(points: _SortedPoints) -> NDArray[np.float64]:
    """The rates (within ``RATE_TOLERANCE``) that every group can reach exactly."""
    starts = np.concatenate([[0], np.cumsum(np.bincount(points.group, minlength=points.n_groups))])
    return common_rates([points.rate[starts[g] : starts[g + 1]] for g in range(points.n_groups)])


def _best_windows(
    points: _SortedPoints, hulls: Hulls, epsilons: NDArray[np.float64], tolerance: float
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    """The best window of each width in ``epsilons`` (all > 0 and feasible): its value and
    its ends (the width may exceed eps by ``RATE_TOLERANCE``).

    Each group's hull bounds its points, so windows whose summed hull value is below the
    best deterministic choice found so far are never searched.
    """
    best, low, a, b = search_range(
        points.totals, hulls, points.lowest, points.highest, epsilons, tolerance=tolerance
    )
    high = low + epsilons
    # Branch and bound over intervals [a, b] of window starts, all epsilons together.
    which = np.arange(len(epsilons))
    split = np.linspace(0.0, 1.0, SPLIT + 1)
    while len(a):
        edges = a[:, None] + (b - a)[:, None] * split
        eps = epsilons[which][:, None]
        # Children share edges: find each edge's points once (groups x parents x edges).
        first, last = points.first_at(edges), points.last_at(edges + eps)
        upper = points.best_between(first[:, :, :-1], last[:, :, 1:]).ravel()
        sa, sb = edges[:, :-1].ravel(), edges[:, 1:].ravel()
        k = np.repeat(which, SPLIT)
        leaf = sb - sa <= RATE_TOLERANCE
        sure = ~leaf & (sb <= sa + epsilons[k])
        lower = np.where(leaf, upper, -np.inf)
        if sure.any():
            surely = points.best_between(first[:, :, 1:], last[:, :, :-1]).ravel()
            lower[sure] = surely[sure]
        # A leaf's window is [sa, sb + eps] (sb - sa is float noise); a sure one [sb, sa + eps].
        window_low, window_high = np.where(leaf, sa, sb), np.where(leaf, sb, sa) + epsilons[k]
        order = np.lexsort((-lower, k))  # per eps, its best candidate first
        leading = np.ones(len(order), dtype=bool)
        leading[1:] = k[order][1:] != k[order][:-1]
        top = order[leading]
        better = lower[top] > best[k[top]] + tolerance
        best[k[top[better]]] = lower[top[better]]
        low[k[top[better]]] = window_low[top[better]]
        high[k[top[better]]] = window_high[top[better]]
        keep = ~leaf & (upper > best[k] + tolerance)
        a, b, which = sa[keep], sb[keep], k[keep]
    return best, low, high


def window_search(
    rate: NDArray[np.float64],
    value: NDArray[np.float64],
    offsets: NDArray[np.intp],
    epsilons: NDArray[np.float64],
    hulls: Hulls | Callable[[], Hulls] | None = None,
    *,
    ordered: bool = False,
    value_bound: float | None = None,
    peaks: NDArray[np.intp] | None = None,
    order: RateOrder | None = None,
    buckets: NDArray[np.intp] | None = None,
) -> list[WindowChoice]:
    """For each eps, the points (one per group; flat indices) maximising the summed value
    with all chosen rates within eps of each other. NaN rates (undefined) are never chosen.
    An eps no choice can meet (e.g. exactly equal precision) gets no choice.
    ``hulls`` (of the same points) may be passed if already built, or as a call that
    returns them (being built on another thread); ``ordered`` says the
    rates are defined and in order within each group; ``value_bound``, if given, is at
    least every |value| (the compiled search then skips a pass to find the largest);
    ``peaks``, if given, each group's first point of its largest value (flat index);
    ``order``, if given, the defined points' order by rate (flat indices, group offsets);
    ``buckets``, if given, the bucket index of the rates in that order (``rate_buckets``).
    Large inputs take the compiled search (numba installed).
    """
    epsilons = np.asarray(epsilons, dtype=np.float64)
    if worth_compiling(len(rate)):
        picks = compiled_windows(
            rate,
            value,
            offsets,
            epsilons,
            hulls,
            ordered=ordered,
            value_bound=value_bound,
            peaks=peaks,
            order=order,
            buckets=buckets,
        )
        return [
            WindowChoice(float(epsilon), float(value[chosen].sum()), chosen, rate[chosen])
            for epsilon, chosen in zip(epsilons, picks, strict=True)
            if chosen is not None
        ]
    points = _SortedPoints(rate, value, offsets)
    finite = value[np.isfinite(value)]
    tolerance = 1e-12 * max(1.0, float(np.abs(finite).max()) if len(finite) else 1.0) * points.n_groups
    epsilons = np.asarray(epsilons, dtype=np.float64)
    low, high = np.full(len(epsilons), np.nan), np.full(len(epsilons), np.nan)
    zero = epsilons <= RATE_TOLERANCE
    common = _common_rates(points) if zero.any() else np.zeros(0)
    if len(common):
        found = points.totals(common, common)
        low[zero] = high[zero] = common[int(np.argmax(found))]
    widest_gap = float(points.lowest.max() - points.highest.min())
    feasible = ~zero & (epsilons >= widest_gap - RATE_TOLERANCE)
    if feasible.any():
        built = given_or_built(hulls, rate, value, offsets)
        best, low[feasible], high[feasible] = _best_windows(points, built, epsilons[feasible], tolerance)
        # Overlapping rate ranges do not promise a window holding a point of every group
        # (precision jumps): where none was found, there is no choice.
        low[np.flatnonzero(feasible)[~np.isfinite(best)]] = np.nan
    choices = []
    for epsilon, start, end in zip(epsilons, low, high, strict=True):
        if np.isnan(start):
            continue  # no choice meets this eps
        chosen = points.picks(float(start), float(end))
        total = float(value[chosen].sum())
        choices.append(WindowChoice(float(epsilon), total, chosen, rate[chosen]))
    return choices
