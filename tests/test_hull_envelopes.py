"""The summed hull value of a window read from its two one-rate parts (U and D)."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.typing import NDArray

from fairness_widgets.compute.hull_envelopes_kernel import envelopes, interpolate, summed_hull, summed_hulls
from fairness_widgets.compute.hull_search import Hulls


def _random_hulls(seed: int) -> Hulls:
    rng = np.random.default_rng(seed)
    sizes = rng.integers(1, 30, rng.integers(1, 8))
    offsets = np.concatenate([[0], np.cumsum(sizes)]).astype(np.intp)
    rounding = seed % 3  # 0: distinct rates; else rates on a grid (shared knots)
    rate = np.concatenate(
        [np.sort(np.round(rng.random(s), rounding) if rounding else rng.random(s)) for s in sizes]
    )
    return Hulls(rate, rng.normal(size=len(rate)) * 10.0 ** rng.integers(-3, 4), offsets)


def _summed_by_group(hulls: Hulls, start: float, epsilon: float) -> float:
    """Each group's hull at the rate nearest its peak in the window, added up."""
    total = 0.0
    for g in range(len(hulls.start)):
        corners = slice(hulls.start[g], hulls.last[g] + 1)
        target = min(max(hulls.peak[g], start), start + epsilon)
        total += float(np.interp(target, hulls.x[corners], hulls.v[corners]))
    return total


@pytest.mark.parametrize("seed", range(30))
def test_the_two_parts_add_up_to_each_groups_hull_at_its_nearest_rate(seed: int) -> None:
    hulls = _random_hulls(seed)
    rng = np.random.default_rng(seed + 100)
    starts = np.concatenate([rng.uniform(-0.3, 1.1, 40), hulls.x, hulls.peak])
    epsilons = np.concatenate([[0.0], rng.uniform(0.0, 1.2, 5)])
    table = summed_hulls(hulls.envelopes, np.broadcast_to(starts, (len(epsilons), len(starts))), epsilons)
    scale = float(np.abs(hulls.v).sum())
    for e, epsilon in enumerate(epsilons):
        for s, start in enumerate(starts):
            expected = _summed_by_group(hulls, float(start), float(epsilon))
            assert table[e, s] == pytest.approx(expected, rel=0, abs=1e-12 * scale)
            assert summed_hull(hulls.envelopes, float(start), float(epsilon)) == table[e, s]


@pytest.mark.parametrize("seed", range(30))
def test_the_compiled_table_is_the_numpy_one(seed: int) -> None:
    hulls = _random_hulls(seed)
    corners = (hulls.x, hulls.v, hulls.start, hulls.last, hulls.peak_corner)
    numpy_table, compiled_table = envelopes(*corners, compiled=False), envelopes(*corners, compiled=True)
    for ours, theirs in zip(compiled_table, numpy_table, strict=True):
        np.testing.assert_array_equal(ours, theirs)


def test_a_one_corner_hull_is_flat() -> None:
    hulls = Hulls(np.array([0.4]), np.array([2.5]), np.array([0, 1], dtype=np.intp))
    for start in (-1.0, 0.0, 0.4, 0.9):
        assert summed_hull(hulls.envelopes, start, 0.1) == 2.5


@pytest.mark.parametrize("t", [-1.0, 0.0, 0.05, 0.1, 0.3, 0.7, 1.0, 2.0])
def test_interpolate_is_np_interp(t: float) -> None:
    knots = np.array([0.0, 0.1, 0.25, 0.7, 1.0])
    values: NDArray[np.float64] = np.array([1.0, 3.0, -2.0, 0.5, 0.25])
    assert interpolate(knots, values, t) == np.interp(t, knots, values)
