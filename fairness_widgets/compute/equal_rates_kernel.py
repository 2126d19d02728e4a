"""Exactly equal odds (eps = 0) without a linear programme: every group at one common
point (false positive rate, true positive rate) of all the groups' ROC hulls, the best
vertex of their intersection (as in Hardt, Price & Srebro 2016; a linear objective over
that polygon is best at a vertex), each group a mixture of at most three of its hull's
corners (compiled).

The intersection is one group's hull clipped by every other's edges (Sutherland-Hodgman;
every hull holds the diagonal from (0, 0) to (1, 1), so it is never empty but for
rounding, which the caller checks)."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from fairness_widgets.compute.compiled import kernel

#: How far outside an edge (cross product) a point may lie and still count as inside.
INSIDE_TOLERANCE = 1e-12


@kernel
def _clip(
    xs: NDArray[np.float64],
    ys: NDArray[np.float64],
    count: int,
    ax: float,
    ay: float,
    bx: float,
    by: float,
    out_x: NDArray[np.float64],
    out_y: NDArray[np.float64],
) -> int:
    """The polygon (xs, ys)[:count] cut to the left of the line a -> b, into out_x,
    out_y; returns its number of vertices."""
    kept = 0
    ex, ey = bx - ax, by - ay
    for i in range(count):
        j = (i + 1) % count
        side_i = ex * (ys[i] - ay) - ey * (xs[i] - ax)
        side_j = ex * (ys[j] - ay) - ey * (xs[j] - ax)
        if side_i >= -INSIDE_TOLERANCE:
            out_x[kept], out_y[kept] = xs[i], ys[i]
            kept += 1
        if (side_i >= -INSIDE_TOLERANCE) != (side_j >= -INSIDE_TOLERANCE):
            share = side_i / (side_i - side_j)
            out_x[kept] = xs[i] + share * (xs[j] - xs[i])
            out_y[kept] = ys[i] + share * (ys[j] - ys[i])
            kept += 1
    return kept


@kernel
def common_polygon(
    fpr: NDArray[np.float64], tpr: NDArray[np.float64], offsets: NDArray[np.int64], out: NDArray[np.float64]
) -> int:
    """The intersection of the polygons (``fpr``, ``tpr`` cut by ``offsets``, each
    counter-clockwise): its vertices' false and true positive rates into ``out[0]`` and
    ``out[1]`` (``2 * len(fpr) + 8`` long); returns how many (0 if it came out empty)."""
    size = out.shape[1]
    # The polygon so far and the next, in turns: (x0, y0) and (x1, y1).
    x0, y0, x1, y1 = np.empty(size), np.empty(size), np.empty(size), np.empty(size)
    count = offsets[1] - offsets[0]
    for i in range(count):
        x0[i], y0[i] = fpr[offsets[0] + i], tpr[offsets[0] + i]
    current = 0
    for g in range(1, len(offsets) - 1):
        first, end = offsets[g], offsets[g + 1]
        corners = end - first
        for k in range(corners):
            a = first + k
            b = first + k + 1 if k + 1 < corners else first
            if fpr[a] == fpr[b] and tpr[a] == tpr[b]:
                continue
            if current == 0:
                count = _clip(x0, y0, count, fpr[a], tpr[a], fpr[b], tpr[b], x1, y1)
            else:
                count = _clip(x1, y1, count, fpr[a], tpr[a], fpr[b], tpr[b], x0, y0)
            current = 1 - current
            if count == 0:
                return 0
    for i in range(count):
        out[0, i] = x0[i] if current == 0 else x1[i]
        out[1, i] = y0[i] if current == 0 else y1[i]
    vertices: int = count
    return vertices


@kernel
def best_vertex(
    fpr: NDArray[np.float64],
    tpr: NDArray[np.float64],
    offsets: NDArray[np.int64],
    value: NDArray[np.float64],
    xs: NDArray[np.float64],
    ys: NDArray[np.float64],
    weights: NDArray[np.float64],
) -> int:
    """The vertex (xs, ys) whose mixtures (:func:`mixtures_at`) sum to the largest value,
    its mixtures left in ``weights``; -1 if no vertex lies in every polygon."""
    best, found = -np.inf, -1
    for i in range(len(xs)):
        if not mixtures_at(fpr, tpr, offsets, xs[i], ys[i], weights):
            continue
        total = 0.0
        for j in range(len(value)):
            total += weights[j] * value[j]
        if total > best:
            best, found = total, i
    if found >= 0:
        mixtures_at(fpr, tpr, offsets, xs[found], ys[found], weights)
    return found


@kernel
def mixtures_at(
    fpr: NDArray[np.float64],
    tpr: NDArray[np.float64],
    offsets: NDArray[np.int64],
    point_f: float,
    point_t: float,
    weights: NDArray[np.float64],
) -> bool:
    """Each polygon's corners' weights (into ``weights``, zero but for at most three a
    group) whose mean is (``point_f``, ``point_t``): the fan triangle from the first
    corner that holds the point, by barycentric coordinates. False if some polygon does
    not hold it (within rounding)."""
    weights[:] = 0.0
    for g in range(len(offsets) - 1):
        first, end = offsets[g], offsets[g + 1]
        done = False
        best_k, best_low = -1, -np.inf
        for k in range(1, end - first - 1):
            a, b, c = first, first + k, first + k + 1
            x1, y1 = fpr[b] - fpr[a], tpr[b] - tpr[a]
            x2, y2 = fpr[c] - fpr[a], tpr[c] - tpr[a]
            det = x1 * y2 - x2 * y1
            if det <= 0.0:
                continue
            px, py = point_f - fpr[a], point_t - tpr[a]
            u = (px * y2 - x2 * py) / det
            v = (x1 * py - px * y1) / det
            low = min(u, v, 1.0 - u - v)
            if low > best_low:
                best_k, best_low = k, low
        if best_k >= 0 and best_low >= -1e-9:
            a, b, c = first, first + best_k, first + best_k + 1
            x1, y1 = fpr[b] - fpr[a], tpr[b] - tpr[a]
            x2, y2 = fpr[c] - fpr[a], tpr[c] - tpr[a]
            det = x1 * y2 - x2 * y1
            px, py = point_f - fpr[a], point_t - tpr[a]
            u = max((px * y2 - x2 * py) / det, 0.0)
            v = max((x1 * py - px * y1) / det, 0.0)
            w = max(1.0 - u - v, 0.0)
            total = u + v + w
            weights[a] += w / total
            weights[b] += u / total
            weights[c] += v / total
            done = True
        else:
            # A hull with no area (a segment): the point lies on it between two corners.
            for k in range(end - first - 1):
                a, b = first + k, first + k + 1
                dx, dy = fpr[b] - fpr[a], tpr[b] - tpr[a]
                length = dx * dx + dy * dy
                if length == 0.0:
                    continue
                s = ((point_f - fpr[a]) * dx + (point_t - tpr[a]) * dy) / length
                if -1e-9 <= s <= 1.0 + 1e-9:
                    off_x, off_y = fpr[a] + s * dx - point_f, tpr[a] + s * dy - point_t
                    if off_x * off_x + off_y * off_y <= 1e-18:
                        s = min(max(s, 0.0), 1.0)
                        weights[a] += 1.0 - s
                        weights[b] += s
                        done = True
                        break
        if not done:
            return False
    return True
