"""Best randomised per-group thresholds: mixing two thresholds reaches every rate between.

Mixing two operating points moves rate and value along the segment between them, so a
group can reach its upper concave hull of (rate, value). With a concave value per group,
"every rate within eps" is solved exactly by trying each hull corner as a window end
(Hardt, Price & Srebro, 2016, for eps = 0). Equalized odds (two rates at once) is a
small linear programme over the corners of each group's ROC hull.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import linprog


@dataclass(frozen=True)
class Mixture:
    """Per group, operating points and the probability of each (rows of ``points``)."""

    epsilon: float
    value: float
    points: list[NDArray[np.intp]]
    weights: list[NDArray[np.float64]]


def upper_hull(x: NDArray[np.float64], v: NDArray[np.float64]) -> NDArray[np.intp]:
    """Indices of the upper concave hull of points (x, v), by increasing x."""
    keep = np.flatnonzero(np.isfinite(x))
    order = keep[np.lexsort((-v[keep], x[keep]))]
    hull: list[int] = []
    for index in order:
        if hull and x[hull[-1]] == x[index]:
            continue  # same rate, lower value (sorted by value within a rate)
        while len(hull) >= 2:
            a, b = hull[-2], hull[-1]
            cross = (x[b] - x[a]) * (v[index] - v[a]) - (v[b] - v[a]) * (x[index] - x[a])
            if cross >= 0:
                hull.pop()  # b lies on or under the segment a -> index
            else:
                break
        hull.append(int(index))
    return np.array(hull, dtype=np.intp)


def hull_search(
    rates: list[NDArray[np.float64]], values: list[NDArray[np.float64]], epsilons: NDArray[np.float64]
) -> list[Mixture]:
    """For each eps, the randomised choice maximising the summed value with all groups'
    (expected) rates within eps of each other."""
    hulls = []
    for rate, value in zip(rates, values, strict=True):
        corners = upper_hull(rate, value)
        hulls.append((corners, rate[corners], value[corners]))
    peaks = np.array([hx[np.argmax(hv)] for _, hx, hv in hulls])
    low = max(hx[0] for _, hx, _ in hulls)
    high = min(hx[-1] for _, hx, _ in hulls)
    corners_x = np.concatenate([hx for _, hx, _ in hulls] + [peaks])
    mixtures = []
    for epsilon in epsilons:
        starts = np.concatenate([corners_x, corners_x - epsilon])
        starts = np.unique(np.clip(starts, low - epsilon, high))
        total = np.zeros(len(starts))
        for (_, hx, hv), peak in zip(hulls, peaks, strict=True):
            target = np.clip(peak, starts, starts + epsilon)
            inside = (target >= hx[0]) & (target <= hx[-1])
            total += np.where(inside, np.interp(target, hx, hv), -np.inf)
        winner = int(np.argmax(total))
        if not np.isfinite(total[winner]):
            raise ValueError(f"No randomised thresholds keep every group's rate within {epsilon:g}.")
        points, weights = [], []
        for (corners, hx, _), peak in zip(hulls, peaks, strict=True):
            target = float(np.clip(peak, starts[winner], starts[winner] + epsilon))
            j = int(np.clip(np.searchsorted(hx, target, side="right") - 1, 0, max(len(hx) - 2, 0)))
            if len(hx) == 1 or target <= hx[j]:
                points.append(np.array([corners[j]]))
                weights.append(np.array([1.0]))
                continue
            share = (target - hx[j]) / (hx[j + 1] - hx[j])
            points.append(np.array([corners[j], corners[j + 1]]))
            weights.append(np.array([1.0 - share, share]))
        mixtures.append(Mixture(float(epsilon), float(total[winner]), points, weights))
    return mixtures


def _hull_corners(fpr: NDArray[np.float64], tpr: NDArray[np.float64]) -> NDArray[np.intp]:
    """Corners of the convex hull of a group's ROC points (upper and lower chains)."""
    upper = upper_hull(fpr, tpr)
    lower = upper_hull(fpr, -tpr)
    return np.unique(np.concatenate([upper, lower]))


def equalized_odds_search(
    tpr: list[NDArray[np.float64]],
    fpr: list[NDArray[np.float64]],
    values: list[NDArray[np.float64]],
    epsilons: NDArray[np.float64],
) -> list[Mixture]:
    """Randomised choice maximising the summed value with every group's true and false
    positive rates within eps of each other (a linear programme per eps, HiGHS)."""
    corners = [_hull_corners(f, t) for f, t in zip(fpr, tpr, strict=True)]
    sizes = [len(c) for c in corners]
    n_weights = sum(sizes)
    # Variables: the weights of every group's corners, then the two window centres.
    cost = -np.concatenate([values[g][c] for g, c in enumerate(corners)] + [np.zeros(2)])
    equal_rows, bound_rows = [], []
    offset = 0
    for g, c in enumerate(corners):
        row = np.zeros(n_weights + 2)
        row[offset : offset + sizes[g]] = 1.0
        equal_rows.append(row)
        for rate, centre in ((tpr[g][c], n_weights), (fpr[g][c], n_weights + 1)):
            above = np.zeros(n_weights + 2)
            above[offset : offset + sizes[g]] = rate
            above[centre] = -1.0
            bound_rows += [above, -above]
        offset += sizes[g]
    mixtures = []
    for epsilon in epsilons:
        result = linprog(
            cost,
            A_ub=np.array(bound_rows),
            b_ub=np.full(len(bound_rows), epsilon / 2.0),
            A_eq=np.array(equal_rows),
            b_eq=np.ones(len(equal_rows)),
            bounds=[(0.0, None)] * n_weights + [(0.0, 1.0)] * 2,
            method="highs",
        )
        if result.status != 0:
            raise ValueError(f"Equalized odds within {epsilon:g} could not be solved: {result.message}")
        points, weights, offset = [], [], 0
        for g, c in enumerate(corners):
            share = result.x[offset : offset + sizes[g]]
            used = share > 1e-12
            points.append(c[used])
            weights.append(share[used] / share[used].sum())
            offset += sizes[g]
        mixtures.append(Mixture(float(epsilon), float(-result.fun), points, weights))
    return mixtures
