"""Best deterministic per-group thresholds with every group's rate in a window of width eps.

For a constraint "rates differ by at most eps" and an objective that adds up over groups,
the best choice for a window [r, r + eps] is each group's best point inside it, and the
best window starts at some group's rate. A sparse table answers each group's "best point
with rate in [lo, hi]" in constant time, so one eps costs O(groups x starts).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

#: Windows start at every distinct rate up to this many; beyond, at this many quantiles
#: of them (the frontier is then a close lower bound instead of exact).
MAX_STARTS = 20_000
#: Rates closer than this count as equal (float noise in tp / n).
RATE_TOLERANCE = 1e-12


class _RangeArgmax:
    """Index of the largest value in ``values[lo:hi + 1]``, for arrays of (lo, hi)."""

    def __init__(self, values: NDArray[np.float64]) -> None:
        self.values = values
        table = [np.arange(len(values))]
        width = 1
        while 2 * width <= len(values):
            previous = table[-1]
            left, right = previous[: len(previous) - width], previous[width:]
            table.append(np.where(values[left] >= values[right], left, right))
            width *= 2
        self.table = table

    def __call__(self, lo: NDArray[np.intp], hi: NDArray[np.intp]) -> NDArray[np.intp]:
        level = np.floor(np.log2(np.maximum(hi - lo + 1, 1))).astype(np.intp)
        result = np.empty(len(lo), dtype=np.intp)
        for j in np.unique(level):
            rows = level == j
            left = self.table[j][lo[rows]]
            right = self.table[j][hi[rows] - (1 << j) + 1]
            result[rows] = np.where(self.values[left] >= self.values[right], left, right)
        return result


@dataclass(frozen=True)
class WindowChoice:
    """The best deterministic choice for one eps: a point index per group."""

    epsilon: float
    value: float
    points: NDArray[np.intp]
    rates: NDArray[np.float64]


def window_search(
    rates: list[NDArray[np.float64]], values: list[NDArray[np.float64]], epsilons: NDArray[np.float64]
) -> list[WindowChoice]:
    """For each eps, the points (one per group) maximising the summed value with all
    chosen rates within eps of each other. NaN rates (undefined points) are never chosen.
    """
    groups = []
    for rate, value in zip(rates, values, strict=True):
        keep = np.flatnonzero(np.isfinite(rate))
        order = keep[np.argsort(rate[keep], kind="stable")]
        groups.append((order, rate[order], _RangeArgmax(value[order])))
    starts = np.unique(np.concatenate([sorted_rate for _, sorted_rate, _ in groups]))
    if len(starts) > MAX_STARTS:
        starts = np.unique(np.quantile(starts, np.linspace(0.0, 1.0, MAX_STARTS)))
    choices = []
    for epsilon in epsilons:
        total = np.zeros(len(starts))
        picks = []
        for order, sorted_rate, best in groups:
            lo = np.searchsorted(sorted_rate, starts - RATE_TOLERANCE, side="left")
            hi = np.searchsorted(sorted_rate, starts + epsilon + RATE_TOLERANCE, side="right") - 1
            empty = lo > hi
            index = best(np.where(empty, 0, lo), np.where(empty, 0, hi))
            total += np.where(empty, -np.inf, best.values[index])
            picks.append(order[index])
        winner = int(np.argmax(total))
        if not np.isfinite(total[winner]):
            raise ValueError(f"No choice of thresholds keeps every group's rate within {epsilon:g}.")
        points = np.array([pick[winner] for pick in picks], dtype=np.intp)
        chosen = np.array([rate[point] for rate, point in zip(rates, points, strict=True)])
        choices.append(WindowChoice(float(epsilon), float(total[winner]), points, chosen))
    return choices
