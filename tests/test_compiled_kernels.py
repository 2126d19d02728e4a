"""The compiled kernels (numba, the [fast] extra) give the numpy path's numbers: operating
points bit for bit, frontiers to float noise, on cells in score order (the in-memory
audit) and in any order (as a dataframe engine returns them)."""

from __future__ import annotations

import concurrent.futures
import contextlib
import dataclasses
import itertools
import threading
import time
import types
from collections.abc import Iterator

import numpy as np
import pandas as pd
import pytest
from numpy.typing import NDArray

import fairness_widgets as fw
from fairness_widgets.compute import (
    binned_points_kernel,
    box_lp,
    compiled,
    convex_hulls_kernel,
    operating_points_kernel,
    point_values_kernel,
    rate_order_kernel,
    window_search_compiled,
    window_search_kernel,
    window_steps_kernel,
)
from fairness_widgets.compute.cells import Cells
from fairness_widgets.compute.convex_hulls import hull_corners, upper_hulls
from fairness_widgets.compute.hull_search import Hulls
from fairness_widgets.compute.objectives import make_objective
from fairness_widgets.compute.operating_points import OperatingPoints, operating_points
from fairness_widgets.compute.point_values import point_values
from fairness_widgets.compute.rate_order_kernel import rate_order
from fairness_widgets.compute.views import all_views
from fairness_widgets.compute.window_search import window_search
from fairness_widgets.compute.window_search_compiled import RATE_TOLERANCE, SortedPoints, common_rates

CONSTRAINTS = ["demographic_parity", "equal_opportunity", "predictive_parity", "equalized_odds"]
FIELDS = [f.name for f in dataclasses.fields(OperatingPoints) if f.name not in ("groups", "records")]


def _audit(seed: int, resolution: float | None, n: int = 6_000, n_groups: int = 12) -> fw.Audit:
    """Unequal groups and base rates; scores rounded so that many rows tie."""
    rng = np.random.default_rng(seed)
    group = rng.choice(n_groups, size=n, p=np.arange(1, n_groups + 1) / np.arange(1, n_groups + 1).sum())
    label = (rng.random(n) < 0.2 + 0.04 * (group % 5)).astype(int)
    score = 1 / (1 + np.exp(-(1.5 * (2 * label - 1) + 0.05 * group + rng.normal(0, 1.2, n))))
    score = np.round(score, 3) if seed % 2 else score
    return fw.Audit(label, y_score=score, sensitive={"g": group.astype(str)}, resolution=resolution)


def _run(monkeypatch: pytest.MonkeyPatch, use_compiled: bool, task: object) -> object:
    with monkeypatch.context() as patch:
        patch.setattr(compiled, "ENABLED", use_compiled)
        patch.setattr(compiled, "MIN_POINTS", 0)
        return task()  # type: ignore[operator]


def _shuffled(cells: Cells, seed: int) -> Cells:
    """The same cells in another order (as an engine's group-by returns them)."""
    order = np.random.default_rng(seed).permutation(len(cells.count))
    arrays = {
        name: getattr(cells, name)[order]
        for name in ("codes", "y_true", "y_pred", "score", "score_sum", "count")
        if getattr(cells, name) is not None
    }
    return dataclasses.replace(cells, **arrays)


def test_numba_is_installed_with_the_test_extra() -> None:
    assert compiled.AVAILABLE


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("resolution", [None, 1e-3])
@pytest.mark.parametrize("shuffle", [False, True])
def test_operating_points_are_identical(
    monkeypatch: pytest.MonkeyPatch, seed: int, resolution: float | None, shuffle: bool
) -> None:
    audit = _audit(seed, resolution)
    cells = _shuffled(audit.cells, seed) if shuffle else audit.cells
    view = audit.views[0]
    if shuffle:
        view = dataclasses.replace(view, codes=cells.codes[:, 0])
    weights = (0.62, 0.38)
    numpy_points = _run(monkeypatch, False, lambda: operating_points(view, cells, weights))
    compiled_points = _run(monkeypatch, True, lambda: operating_points(view, cells, weights))
    for name in FIELDS:
        np.testing.assert_array_equal(getattr(compiled_points, name), getattr(numpy_points, name), name)


@pytest.mark.parametrize("threads", [2, 3, 7])
@pytest.mark.parametrize("resolution", [None, 1e-3])
@pytest.mark.parametrize("shuffle", [False, True])
def test_operating_points_in_parts_on_threads_are_identical(
    monkeypatch: pytest.MonkeyPatch, threads: int, resolution: float | None, shuffle: bool
) -> None:
    """Cells cut into parts of whole score levels, one per thread, give the numpy path's
    points and pooled best (ties across a cut included: scores are rounded)."""
    audit = _audit(1, resolution)  # odd seed: scores rounded to 0.001, many ties
    cells = _shuffled(audit.cells, 3) if shuffle else audit.cells
    view = audit.views[0]
    if shuffle:
        view = dataclasses.replace(view, codes=cells.codes[:, 0])
    weights = (0.62, 0.38)
    numpy_points = _run(monkeypatch, False, lambda: operating_points(view, cells, weights))
    with monkeypatch.context() as patch:
        patch.setattr(compiled, "THREADS", threads)
        patch.setattr(compiled, "THREAD_POINTS", 0)  # threads on small problems too
        patch.setattr(operating_points_kernel, "PART_CELLS", 1)
        bounds = operating_points_kernel.part_bounds(np.sort(cells.score), threads)
        assert len(bounds) == threads + 1  # as many parts as threads here
        parts = _run(monkeypatch, True, lambda: operating_points(view, cells, weights))
    for name in FIELDS:
        np.testing.assert_array_equal(getattr(parts, name), getattr(numpy_points, name), name)


@pytest.mark.parametrize("threads", [1, 2, 3])
@pytest.mark.parametrize("resolution", [1e-3, 0.013, 0.5])
@pytest.mark.parametrize("shuffle", [False, True])
def test_binned_points_from_the_table_are_the_score_order_pass(
    monkeypatch: pytest.MonkeyPatch, threads: int, resolution: float, shuffle: bool
) -> None:
    """The table of counts per group and bin gives the pass over cells in score order's
    points bit for bit, for every view (groups of one column and of crossed ones), in
    parts on threads, and for cells in any order (parts then share bins: added again)."""
    rng = np.random.default_rng(7)
    n = 5_000
    sensitive = {"a": rng.choice(["x", "y", "z"], n), "b": rng.choice(["p", "q"], n, p=[0.9, 0.1])}
    label = rng.integers(0, 2, n)
    score = np.clip(rng.beta(2, 3, n) + 0.2 * label, 0, 1)
    score[:40] = [0.0, 1.0] * 20  # both ends of the range
    audit = fw.Audit(label, y_score=score, sensitive=sensitive, resolution=resolution)
    cells = _shuffled(audit.cells, 11) if shuffle else audit.cells
    with monkeypatch.context() as patch:
        patch.setattr(compiled, "THREADS", threads)
        patch.setattr(compiled, "THREAD_POINTS", 0)  # threads on small problems too
        patch.setattr(operating_points_kernel, "PART_CELLS", 1)
        patch.setattr(binned_points_kernel, "RUN_ENTRIES", 1)
        for view in all_views(cells):
            assert binned_points_kernel.fits(cells, view.n_groups)
            table = binned_points_kernel.binned_operating_points(view, cells, 0.62, 0.38)
            passed = operating_points_kernel.compiled_operating_points(view, cells, 0.62, 0.38)
            assert table is not None
            for mine, theirs in zip(table, passed, strict=True):
                np.testing.assert_array_equal(mine, theirs)
            assert table[-1].flags.c_contiguous


def test_binned_points_refuse_scores_off_the_bin_edges() -> None:
    """Scores that are not ``bin * resolution`` (or lie outside [0, 1]) give None: the
    caller then takes the pass over cells in score order, with the scores as they are."""
    audit = _audit(0, 1e-3)
    view = audit.views[0]
    assert audit.cells.score is not None
    for changed in (audit.cells.score + 1e-7, audit.cells.score - 1.0, audit.cells.score * 2.0):
        cells = dataclasses.replace(audit.cells, score=changed)
        assert binned_points_kernel.binned_operating_points(view, cells, 0.5, 0.5) is None
    exact = _audit(0, None)
    assert not binned_points_kernel.fits(exact.cells, 12)
    assert not binned_points_kernel.fits(audit.cells, 10_000)  # a table far larger than the cells
    many = dataclasses.replace(audit.cells, count=np.broadcast_to(np.int64(1), 50_000_000))
    assert not binned_points_kernel.fits(many, 20_000)  # never over LARGEST_TABLE entries


@pytest.mark.parametrize("n_buckets", [1, 16, 1024])
def test_bucket_index_finds_each_buckets_first_point(n_buckets: int) -> None:
    """``[g, b]`` is the first point of group g with a bucket of b or above, by either
    way of building it: rates below 0 and above 1 (clipped to the end buckets), ties,
    empty buckets, groups of one point."""
    rng = np.random.default_rng(n_buckets)
    sizes = [1, 2, 40, 700]
    groups = [np.sort(rng.uniform(-0.1, 1.1, size)) for size in sizes[:3]]
    groups.append(np.sort(np.round(rng.random(sizes[3]), 2)))  # ties
    rate = np.concatenate(groups)
    offsets = np.concatenate([[0], np.cumsum(sizes)]).astype(np.intp)
    table = window_search_kernel.bucket_index(rate, offsets, n_buckets)
    assert table.shape == (len(sizes), n_buckets + 2)
    for g, group in enumerate(groups):
        bucket = np.clip(np.floor(group * n_buckets), 0, n_buckets)
        expected = offsets[g] + np.searchsorted(bucket, np.arange(n_buckets + 2), side="left")
        np.testing.assert_array_equal(table[g], expected)
    for build in (window_search_kernel._buckets_by_points, window_search_kernel._buckets_by_search):
        each = np.empty_like(table)
        build(rate, offsets, each)
        np.testing.assert_array_equal(each, table)


@pytest.mark.parametrize("seed", range(4))
def test_window_bests_by_the_running_bests_are_the_first_of_the_largest(seed: int) -> None:
    """A group's best point in a window (first of the largest value) read from its best
    up to or from a point, or found by the range search, is the brute-force one: windows
    below, around and above each group's peak, values with ties, groups of one point."""
    rng = np.random.default_rng(seed)
    sizes = [1, 5, 300, 2_000]
    rates, values = [], []
    for size in sizes:
        rate = np.sort(rng.random(size))
        rates.append(rate)
        values.append(np.round(-((rate - rng.random()) ** 2) + rng.normal(0, 0.01, size), 3))  # ties
    rate, value = np.concatenate(rates), np.concatenate(values)
    offsets = np.concatenate([[0], np.cumsum(sizes)]).astype(np.intp)
    points = SortedPoints(None, rate, value, offsets)
    for g in range(len(sizes)):
        group = slice(offsets[g], offsets[g + 1])
        assert points.peak[g] == offsets[g] + np.argmax(value[group])
        for i in range(offsets[g], offsets[g + 1]):
            if i < points.peak[g]:
                assert points.running[i] == offsets[g] + np.argmax(value[offsets[g] : i + 1])
            if i > points.peak[g]:
                assert points.running[i] == i + np.argmax(value[i : offsets[g + 1]])
    # The peaks given (as the point values find them) give the same running bests.
    given = SortedPoints(
        None, rate, value, offsets, peak=np.array([offsets[g] + np.argmax(v) for g, v in enumerate(values)])
    )
    np.testing.assert_array_equal(given.running, points.running)
    lows = rng.uniform(-0.1, 1.0, 400)
    highs = lows + rng.uniform(0, 0.3, 400)
    totals = points.totals(lows, highs)
    for low, high, total in zip(lows, highs, totals, strict=True):
        expected = 0.0
        for g in range(len(sizes)):
            inside = np.flatnonzero((rates[g] >= low - 1e-12) & (rates[g] <= high + 1e-12))
            expected = -np.inf if not len(inside) else expected + values[g][inside].max()
        assert total == expected or (np.isinf(expected) and np.isinf(total))
        if np.isfinite(expected):
            picks = points.picks(low, high)
            for g, k in enumerate(picks):
                inside = np.flatnonzero((rates[g] >= low - 1e-12) & (rates[g] <= high + 1e-12))
                assert k == offsets[g] + inside[np.argmax(values[g][inside])]


def _best_window_by_brute_force(
    rates: list[np.ndarray], values: list[np.ndarray], epsilon: float, low: float, high: float
) -> float:
    """The largest summed best of a window [s, s + eps] over every start s in [low, high]
    where it can change: low, and wherever a point's rate is the window's top."""
    tops = np.concatenate(rates) - epsilon - RATE_TOLERANCE
    best = -np.inf
    for start in np.concatenate([[low], tops[(tops > low) & (tops <= high)]]):
        total = 0.0
        for rate, value in zip(rates, values, strict=True):
            inside = _inside(rate, start, epsilon)
            total = total + value[inside].max() if inside.any() else -np.inf
        best = max(best, total)
    return best


def _inside(rate: np.ndarray, start: float, epsilon: float) -> np.ndarray:
    """Rates in the window [start, start + eps] (each end within the tolerance), compared
    as the sweep compares them (a point enters at rate - eps - tolerance, leaves after
    rate + tolerance), so that a window whose top is a point holds it despite rounding."""
    return (rate + RATE_TOLERANCE >= start) & (rate - epsilon - RATE_TOLERANCE <= start)


def _sweep_points(rates: list[np.ndarray], values: list[np.ndarray], running: bool) -> SortedPoints:
    """The points of the groups (each in order of rate), with their running bests or, as
    for points sorted by the search (precision), none."""
    offsets = np.concatenate([[0], np.cumsum([len(r) for r in rates])]).astype(np.intp)
    points = SortedPoints(None, np.concatenate(rates), np.concatenate(values), offsets)
    if not running:
        points.running = np.empty(0, dtype=np.intp)
    return points


def _curves(rng: np.random.Generator, shape: str) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Groups of 1 to 120 points at rates on a grid (ties across groups, points entering
    and leaving at one position): values with many ties at the top, or a noisy rise to a
    peak and fall (the running bests then hold the best of most windows)."""
    rates, values = [], []
    for size in [1, 7, 40, 120]:
        rate = np.sort(rng.integers(0, 40, size) / 40.0)
        if shape == "ties":
            value = rng.integers(0, 4, size).astype(float)
        else:
            value = -np.abs(rate - rng.uniform(0.0, 1.0)) * 40 + rng.integers(0, 3, size)
        rates.append(rate)
        values.append(value)
    return rates, values


@pytest.mark.parametrize("running", [True, False])
@pytest.mark.parametrize("shape", ["ties", "peaked"])
@pytest.mark.parametrize("seed", range(4))
def test_a_sweep_over_window_starts_finds_the_brute_force_best(seed: int, shape: str, running: bool) -> None:
    """The sweep (each group's best as points enter and leave the window, its changes
    added up in order of position) finds the best window a brute force over every start
    finds, picks each group's first largest value in it, and keeps what was found when
    nothing beats it: with and without the running bests, intervals wider and narrower
    than eps."""
    rng = np.random.default_rng(seed)
    rates, values = _curves(rng, shape)
    points = _sweep_points(rates, values, running)
    offsets = points.offsets
    chosen = np.empty(len(rates), dtype=np.intp)
    for _ in range(80):
        epsilon = float(rng.choice([0.0, 0.025, 0.1, 0.3]))
        low = float(rng.uniform(-0.1, 0.9))
        high = low + float(rng.choice([0.0, 0.01, 0.2, 0.6]))
        expected = _best_window_by_brute_force(rates, values, epsilon, low, high)
        swept, total, start, better = window_steps_kernel.group_sweep(
            points.searchable, epsilon, low, high, RATE_TOLERANCE, -np.inf, np.nan, 1e-12, chosen, 10**6
        )
        assert swept
        assert better == np.isfinite(expected)
        if better:
            assert total == pytest.approx(expected, abs=1e-12)
            assert low <= start <= high
            assert total == pytest.approx(points.value[chosen].sum(), abs=1e-12)
            for g in range(len(rates)):
                inside = np.flatnonzero(_inside(rates[g], start, epsilon))
                assert chosen[g] == offsets[g] + inside[np.argmax(values[g][inside])]
            kept = window_steps_kernel.group_sweep(
                points.searchable, epsilon, low, high, RATE_TOLERANCE, total, 0.5, 1e-12, chosen, 10**6
            )
            assert kept[1:] == (total, 0.5, False)  # nothing beats what was found


def test_a_sweep_holds_both_points_where_one_enters_as_the_other_leaves() -> None:
    """One point enters exactly where another leaves (rates eps + 2 tolerances apart): at
    that start both are in the window."""
    pair = _sweep_points([np.array([0.25]), np.array([0.5])], [np.ones(1), np.ones(1)], True)
    epsilon = (0.5 - RATE_TOLERANCE) - (0.25 + RATE_TOLERANCE)
    assert 0.5 - epsilon - RATE_TOLERANCE == 0.25 + RATE_TOLERANCE
    chosen = np.empty(2, dtype=np.intp)
    both = window_steps_kernel.group_sweep(
        pair.searchable, epsilon, 0.0, 0.5, RATE_TOLERANCE, -np.inf, np.nan, 1e-12, chosen, 100
    )
    assert both == (True, 2.0, 0.25 + RATE_TOLERANCE, True)
    assert chosen.tolist() == [0, 1]


@pytest.mark.parametrize("seed", range(3))
def test_a_sweep_reading_too_many_points_is_left_to_the_branch_and_bound(
    monkeypatch: pytest.MonkeyPatch, seed: int
) -> None:
    """Past its budget of points to read the sweep gives up before reading them, and the
    search takes the branch and bound, which finds as good a window."""
    rng = np.random.default_rng(seed)
    rates = [np.arange(40) / 40.0 for _ in range(3)]  # every window of 0.1 holds points of each
    values = [-np.abs(rate - rng.uniform(0.0, 1.0)) * 40 + rng.integers(0, 3, 40) for rate in rates]
    points = _sweep_points(rates, values, True)
    chosen = np.empty(len(rates), dtype=np.intp)
    low, high = 0.1, 0.6
    too_many = window_steps_kernel.group_sweep(
        points.searchable, 0.1, low, high, RATE_TOLERANCE, -np.inf, 0.25, 1e-12, chosen, 10
    )
    assert too_many == (False, -np.inf, 0.25, False)
    expected = _best_window_by_brute_force(rates, values, 0.1, low, high)
    assert np.isfinite(expected)
    for reads in (window_search_compiled.SWEEP_READS, 0):
        monkeypatch.setattr(window_search_compiled, "SWEEP_READS", reads)
        total, start, end, improved = window_search_compiled.best_window(
            points, 0.1, (low, high), (-np.inf, np.nan), value_tolerance=1e-12, chosen=chosen
        )
        assert improved
        assert total == pytest.approx(expected, abs=1e-12)
        assert total == pytest.approx(points.value[chosen].sum(), abs=1e-12)
        assert low <= start <= high + 1e-12
        assert end - start == pytest.approx(0.1, abs=1e-12)


@pytest.mark.parametrize("ties", [False, True])
def test_the_range_max_table_finds_the_first_largest_of_any_range(ties: bool) -> None:
    """The table keeps block maxima only; a query steps down its levels to the first block
    holding the largest and scans it: the first index of the largest, as np.argmax gives
    it, across sizes around the block length, with and without tied values."""
    rng = np.random.default_rng(7 + ties)
    block = window_search_kernel.BLOCK
    for n in [1, 2, block - 1, block, block + 1, 2 * block, 3 * block + 5, 1_000, 20_000]:
        value = rng.normal(size=n)
        if ties:
            value = np.round(value * 2.0)  # a handful of levels: the largest repeats
        table = window_search_kernel.block_tables(value)
        lows = rng.integers(0, n, size=300)
        for lo, hi in zip(lows, lows + (rng.random(300) * (n - lows)).astype(int), strict=True):
            expected = lo + int(np.argmax(value[lo : hi + 1]))
            assert window_search_kernel.range_argmax(value, table, int(lo), int(hi)) == expected


@pytest.mark.parametrize("block", [1, 3, 16])
def test_the_hull_of_box_tops_lies_above_every_point(block: int) -> None:
    """The hull that bounds a search of ragged points (precision) is that of its blocks'
    box tops: it must lie on or above every point, over the same rates."""
    rng = np.random.default_rng(block)
    sizes = [1, 2, 17, 300]
    rates = [np.sort(rng.random(size)) for size in sizes]
    values = [rng.normal(size=size) for size in sizes]  # ragged
    offsets = np.concatenate([[0], np.cumsum(sizes)]).astype(np.intp)
    x, v, box_offsets = window_search_kernel.box_tops(
        np.concatenate(rates), np.concatenate(values), offsets, block
    )
    for g, corners in enumerate(upper_hulls(x, v, box_offsets)):
        hull_x, hull_v = x[corners], v[corners]
        assert hull_x[0] == rates[g][0]
        assert hull_x[-1] == rates[g][-1]
        assert (np.interp(rates[g], hull_x, hull_v) >= values[g] - 1e-12).all()
    assert len(x) <= 2 * sum(-(-size // block) for size in sizes)


@pytest.mark.parametrize("seed", range(5))
def test_common_rates_by_the_kernel_are_the_numpy_ones(seed: int) -> None:
    """The rates every group reaches (eps = 0): fractions k / n shared by groups of
    related sizes, rates a rounding apart (within the tolerance), 0 and 1, ties within a
    group, and the smallest group not the first."""
    rng = np.random.default_rng(seed)
    sizes = rng.choice([6, 12, 24, 36], size=7)
    groups = []
    for size in sizes:
        rate = np.sort(rng.integers(0, size + 1, size=3 * size) / size)
        rate[rng.random(len(rate)) < 0.2] += 1e-13  # the same rate, to rounding
        groups.append(np.sort(np.concatenate([[0.0, 1.0], rate])))
    rate = np.concatenate(groups)
    offsets = np.concatenate([[0], np.cumsum([len(g) for g in groups])]).astype(np.intp)
    found = window_search_kernel.common_rates_of(rate, offsets, RATE_TOLERANCE)
    expected = common_rates(groups)
    np.testing.assert_array_equal(found, expected)
    assert len(expected) >= 2  # 0 and 1 at least


@pytest.mark.parametrize("constraint", CONSTRAINTS)
def test_point_values_are_identical(monkeypatch: pytest.MonkeyPatch, constraint: str) -> None:
    audit = _audit(5, None)
    goal = make_objective("balanced_accuracy", 2_000, 4_000)
    points = operating_points(audit.views[0], audit.cells, (goal.tp_weight, goal.fp_weight))
    numpy_values = _run(monkeypatch, False, lambda: point_values(points, goal, constraint))
    compiled_values = _run(monkeypatch, True, lambda: point_values(points, goal, constraint))
    np.testing.assert_array_equal(compiled_values.value, numpy_values.value)
    np.testing.assert_array_equal(compiled_values.best_each, numpy_values.best_each)
    assert compiled_values.ordered == numpy_values.ordered == (constraint != "predictive_parity")
    for name, rate in numpy_values.rates.items():
        np.testing.assert_array_equal(compiled_values.rates[name], rate, name)


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("resolution", [None, 1e-3])
@pytest.mark.parametrize("constraint", CONSTRAINTS)
@pytest.mark.parametrize("objective", ["accuracy", "cost"])
def test_frontiers_agree(
    monkeypatch: pytest.MonkeyPatch, seed: int, resolution: float | None, constraint: str, objective: str
) -> None:
    """Same points, same objective at every allowed disparity. Where two windows tie on the
    objective the paths may pick different ones, so the achieved disparity is only checked
    against the allowance."""
    audit = _audit(seed, resolution)
    costs = {"fp_cost": 0.8, "fn_cost": 0.2} if objective == "cost" else {}
    numpy_frontier = _run(monkeypatch, False, lambda: audit.tradeoff(constraint, objective, **costs))
    compiled_frontier = _run(monkeypatch, True, lambda: audit.tradeoff(constraint, objective, **costs))
    ours, theirs = compiled_frontier.points, numpy_frontier.points  # type: ignore[attr-defined]
    pd.testing.assert_series_equal(ours["kind"], theirs["kind"])
    np.testing.assert_allclose(ours["epsilon"], theirs["epsilon"])
    np.testing.assert_allclose(ours["objective"], theirs["objective"], rtol=0, atol=1e-12)
    constrained = ours[ours["kind"].isin(["thresholds", "randomised thresholds"])]
    assert (constrained["disparity"] <= constrained["epsilon"] + 1e-9).all()


@pytest.mark.parametrize(
    ("objective", "costs"),
    [
        ("accuracy", {}),
        ("balanced_accuracy", {}),
        ("cost", {"fp_cost": 0.8, "fn_cost": 0.2}),
        ("cost", {"fp_cost": 5.0, "fn_cost": 2.0}),
    ],
)
@pytest.mark.parametrize("constraint", ["demographic_parity", "predictive_parity"])
def test_a_bound_on_the_values_gives_the_windows_found_without_it(
    monkeypatch: pytest.MonkeyPatch, objective: str, costs: dict[str, float], constraint: str
) -> None:
    """The weights times everyone's counts bound every point's value (by 1 for accuracy and
    balanced accuracy, when no pass over the values is needed): the windows are those found
    by measuring the values, and the bound holds."""
    monkeypatch.setattr(compiled, "MIN_POINTS", 0)
    audit = _audit(4, 1e-3)
    cells = audit.cells
    goal = make_objective(objective, cells.n_positives, cells.n_rows - cells.n_positives, **costs)
    points = operating_points(audit.views[0], cells, (goal.tp_weight, goal.fp_weight))
    values = point_values(points, goal, constraint)
    bound = goal.value_bound(cells.n_positives, cells.n_rows - cells.n_positives)
    assert np.abs(values.value).max() <= bound
    assert (bound <= 1.0 + window_search_compiled.VALUE_BOUND_SLACK) == (costs.get("fp_cost", 1.0) <= 1.0)
    rate = next(iter(values.rates.values()))
    grid = np.linspace(0.0, 0.3, 11)

    def windows(value_bound: float | None) -> list[NDArray[np.intp] | None]:
        return window_search_compiled.compiled_windows(
            rate, values.value, points.offsets, grid, None, ordered=values.ordered, value_bound=value_bound
        )

    for bounded, measured in zip(windows(bound), windows(None), strict=True):
        assert (bounded is None) == (measured is None)
        if bounded is not None and measured is not None:
            np.testing.assert_array_equal(bounded, measured)


@pytest.mark.parametrize("resolution", [1e-3, 0.013, None])
def test_a_views_histogram_is_kept_for_its_next_frontiers(
    monkeypatch: pytest.MonkeyPatch, resolution: float | None
) -> None:
    """Binned scores: a view's first frontier keeps its per-group histogram, and every later
    one (any constraint, objective or costs) starts from it without a pass over the cells,
    gives a fresh audit's frontier and leaves the histogram as it was. Exact scores keep
    none (their points are as many as the rows)."""
    monkeypatch.setattr(compiled, "MIN_POINTS", 0)
    asks = [
        (constraint, objective, costs)
        for constraint in CONSTRAINTS
        for objective, costs in (("accuracy", {}), ("cost", {"fp_cost": 0.8, "fn_cost": 0.2}))
    ]
    fresh = [_audit(2, resolution).tradeoff(c, o, **k) for c, o, k in asks]  # type: ignore[arg-type]
    audit = _audit(2, resolution)
    audit.tradeoff("equal_opportunity", "balanced_accuracy")
    kept = audit._histograms[audit.views[0].name]
    if resolution is None:
        assert kept is None
        return
    assert kept is not None
    records, pooled = kept.records.copy(), kept.pooled.copy()

    def rebuilt(*args: object) -> None:
        raise AssertionError("the kept histogram was built again")

    monkeypatch.setattr(binned_points_kernel, "_add_cells", rebuilt)
    for (constraint, objective, costs), theirs in zip(asks, fresh, strict=True):
        ours = audit.tradeoff(constraint, objective, **costs)  # type: ignore[arg-type]
        pd.testing.assert_frame_equal(ours.points, theirs.points)
        pd.testing.assert_frame_equal(ours.choices, theirs.choices)
    np.testing.assert_array_equal(kept.records, records)
    np.testing.assert_array_equal(kept.pooled, pooled)
    # The window searches' bucket indexes, kept per constraint: those of its rates in the
    # search's order (precision's by the kept order).
    assert set(kept.kept_buckets) == {"demographic_parity", "equal_opportunity", "predictive_parity"}
    cells = audit.cells
    goal = make_objective("accuracy", cells.n_positives, cells.n_rows - cells.n_positives)
    points = operating_points(audit.views[0], cells, (goal.tp_weight, goal.fp_weight), histogram=kept)
    # Each constraint's rates, kept: those a pass over the points finds.
    assert set(kept.kept_rates) == set(CONSTRAINTS)
    for constraint, (table, defined, ordered) in kept.kept_rates.items():
        fresh_values = point_values(points, goal, constraint)
        np.testing.assert_array_equal(table, np.stack(list(fresh_values.rates.values())))
        assert ordered == fresh_values.ordered
        assert defined.shape == (len(table), points.n_groups)
        with_kept = point_values(points, goal, constraint, histogram=kept)
        np.testing.assert_array_equal(with_kept.value, fresh_values.value)
        np.testing.assert_array_equal(with_kept.best_each, fresh_values.best_each)
    for constraint, buckets in kept.kept_buckets.items():
        rate = next(iter(point_values(points, goal, constraint).rates.values()))
        offsets = points.offsets
        if constraint == "predictive_parity":
            rate, offsets = rate[kept.precision_order[0]], kept.precision_order[1]
        np.testing.assert_array_equal(buckets, window_search_compiled.rate_buckets(rate, offsets))


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("resolution", [None, 1e-3])
@pytest.mark.parametrize("box_points", [1, 2, 16])
def test_predictive_parity_bounded_by_boxes_of_any_size_agrees(
    monkeypatch: pytest.MonkeyPatch, seed: int, resolution: float | None, box_points: int
) -> None:
    """The hull of box tops only bounds the search: blocks of any size (few points use 2,
    many 16; 1 is the points' own hull) give the numpy path's objective everywhere."""
    audit = _audit(seed, resolution)
    numpy_frontier = _run(monkeypatch, False, lambda: audit.tradeoff("predictive_parity"))
    monkeypatch.setattr(window_search_compiled, "BOX_FROM", 10**9)
    monkeypatch.setattr(window_search_compiled, "SMALL_BOX_POINTS", box_points)
    compiled_frontier = _run(monkeypatch, True, lambda: audit.tradeoff("predictive_parity"))
    ours, theirs = compiled_frontier.points, numpy_frontier.points  # type: ignore[attr-defined]
    np.testing.assert_allclose(ours["objective"], theirs["objective"], rtol=0, atol=1e-12)
    constrained = ours[ours["kind"] == "thresholds"]
    assert (constrained["disparity"] <= constrained["epsilon"] + 1e-9).all()


@pytest.mark.parametrize("constraint", CONSTRAINTS)
def test_one_thread_and_several_give_the_same_frontier(
    monkeypatch: pytest.MonkeyPatch, constraint: str
) -> None:
    """The searches spread over threads (each seeds its share of the allowed disparities,
    then takes the narrowest whose seeds are in; the hulls beside the tables) give
    exactly the one-thread frontier, with shares of equal and unequal size."""
    audit = _audit(5, None, n=30_000)

    def frontier(threads: int) -> pd.DataFrame:
        with monkeypatch.context() as patch:
            patch.setattr(compiled, "THREADS", threads)
            patch.setattr(compiled, "THREAD_POINTS", 0)  # threads on small problems too
            patch.setattr(compiled, "MIN_POINTS", 0)
            return audit.tradeoff(constraint).points

    alone = frontier(1)
    for threads in (2, 3, 5):
        pd.testing.assert_frame_equal(frontier(threads), alone)


def test_equalized_odds_chains_on_threads_reach_the_one_thread_optimum(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The equalized-odds programme re-solved in one warm chain per thread (every other
    eps) reaches the same optimum at every eps as one chain, within every eps."""
    audit = _audit(5, None, n=30_000)

    def frontier(threads: int) -> pd.DataFrame:
        with monkeypatch.context() as patch:
            patch.setattr(compiled, "THREADS", threads)
            patch.setattr(compiled, "THREAD_POINTS", 0)  # threads on small problems too
            patch.setattr(compiled, "MIN_POINTS", 0)
            patch.setattr(box_lp, "CHAIN_COLUMNS", 0)  # this programme has ~300 columns
            return audit.tradeoff("equalized_odds").points

    one, several = frontier(1), frontier(3)
    np.testing.assert_allclose(several["objective"], one["objective"], rtol=0, atol=1e-12)
    constrained = several[several["kind"] == "randomised thresholds"]
    assert len(constrained) == 21
    assert (constrained["disparity"] <= constrained["epsilon"] + 1e-9).all()


def _tp_fp(counts: NDArray[np.int64], floats: bool) -> tuple[NDArray[np.generic], NDArray[np.generic]]:
    """The records' tp and fp columns: strided whole numbers, or contiguous floats (as a
    view's histogram keeps them)."""
    if floats:
        return counts[:, 1].astype(np.float64), counts[:, 2].astype(np.float64)
    return counts[:, 1], counts[:, 2]


@pytest.mark.parametrize("undefined", ["none", "leading", "all", "scattered"])
def test_each_groups_best_is_the_first_largest_among_defined_rates(undefined: str) -> None:
    """The best point of a group skips points whose first rate is undefined: a straight
    pass over the rest where those come first (precision), a test at every point
    otherwise; both as np.argmax over the defined ones, ties to the first."""
    rng = np.random.default_rng(len(undefined))
    for _ in range(50):
        n = int(rng.integers(1, 40))
        value = np.round(rng.normal(size=n) * 2.0)  # ties
        first = rng.random(n)
        if undefined == "leading":
            first[: int(rng.integers(0, n + 1))] = np.nan
        elif undefined == "all":
            first[:] = np.nan
        elif undefined == "scattered":
            first[rng.random(n) < 0.4] = np.nan
        start, end = 3, 3 + n  # (inside a longer array)
        padded_value = np.concatenate([[9.0] * 3, value, [9.0]])
        padded_first = np.concatenate([[0.5] * 3, first, [0.5]])
        defined = int(np.isfinite(first).sum())
        usable = np.where(np.isfinite(first), value, -np.inf)
        expected = start + (int(np.argmax(usable)) if defined else 0)
        found = point_values_kernel._best_defined(padded_value, padded_first, start, end, defined)
        assert found == expected


@pytest.mark.parametrize("floats", [False, True])
@pytest.mark.parametrize("falls", [False, True])
def test_point_values_pass_finds_the_best_and_a_fall_where_every_rate_is_defined(
    falls: bool, floats: bool
) -> None:
    """Records whose precision is defined everywhere (no point predicting no one): each
    group's best is the first of its largest values, here the last point of one group,
    and a fall of the rate within a group is seen."""
    tp = np.array([1, 2, 3, 5, 4, 6, 9], dtype=np.int64)
    fp = np.array([1, 1, 1, 1, 2, 2, 2], dtype=np.int64)
    if falls:
        tp[5], fp[5] = 6, 5  # precision 6 / 11 after 4 / 6: falls
    counts = np.stack([np.zeros_like(tp), tp, fp], axis=1)
    offsets = np.array([0, 4, 7], dtype=np.intp)
    value, rates = np.empty(len(tp)), np.empty((1, len(tp)))
    kinds = np.array([point_values_kernel.PRECISION], dtype=np.intp)
    defined, best, ordered = point_values_kernel.point_values_pass(
        *_tp_fp(counts, floats), offsets, 1.0, 1.0, kinds, value, rates
    )
    np.testing.assert_array_equal(value, tp - fp)
    np.testing.assert_array_equal(rates[0], tp / (tp + fp))
    np.testing.assert_array_equal(defined, [[4, 3]])
    expected = [int(np.argmax(value[a:b])) + a for a, b in itertools.pairwise(offsets)]
    np.testing.assert_array_equal(best, expected)
    assert best.tolist() == [3, 6]  # each group's last point
    assert ordered == (not falls) == bool((np.diff(rates[0][4:]) >= 0).all())
    # The rates known (kept by a view): the same values and bests from the values alone.
    again = np.empty(len(tp))
    known = point_values_kernel.values_pass(
        *_tp_fp(counts, floats), offsets, 1.0, 1.0, rates[0], defined[0], again
    )
    np.testing.assert_array_equal(again, value)
    np.testing.assert_array_equal(known, best)


@pytest.mark.parametrize(
    "first",
    [point_values_kernel.SELECTION, point_values_kernel.TRUE_POSITIVE, point_values_kernel.FALSE_POSITIVE],
)
@pytest.mark.parametrize("floats", [False, True])
def test_point_values_pass_gives_no_rate_to_a_group_without_its_denominator(first: int, floats: bool) -> None:
    """A group with no positives has no true positive rate anywhere (and one with no
    negatives no false positive rate), whichever rate the values are read beside; the
    values and the other groups' rates are still filled."""
    tp = np.array([0, 0, 0, 0, 1, 2, 0, 1, 3], dtype=np.int64)
    fp = np.array([0, 1, 3, 0, 0, 2, 0, 0, 0], dtype=np.int64)
    counts = np.stack([np.zeros_like(tp), tp, fp], axis=1)
    offsets = np.array([0, 3, 6, 9], dtype=np.intp)  # no positives; both; no negatives
    codes = [
        point_values_kernel.SELECTION,
        point_values_kernel.TRUE_POSITIVE,
        point_values_kernel.FALSE_POSITIVE,
    ]
    kinds = np.array([first, *(k for k in codes if k != first)], dtype=np.intp)
    value, rates = np.empty(len(tp)), np.empty((3, len(tp)))
    defined, best, _ = point_values_kernel.point_values_pass(
        *_tp_fp(counts, floats), offsets, 2.0, 0.5, kinds, value, rates
    )
    np.testing.assert_array_equal(value, 2.0 * tp - 0.5 * fp)
    # The rates known (kept by a view): the same bests, a group without its rate too.
    known = point_values_kernel.values_pass(
        *_tp_fp(counts, floats), offsets, 2.0, 0.5, rates[0], defined[0], np.empty(len(tp))
    )
    np.testing.assert_array_equal(known, best)
    totals = {
        point_values_kernel.SELECTION: (tp + fp, [3, 4, 3]),
        point_values_kernel.TRUE_POSITIVE: (tp, [0, 2, 3]),
        point_values_kernel.FALSE_POSITIVE: (fp, [3, 2, 0]),
    }
    for r, kind in enumerate(kinds):
        numerator, denominators = totals[int(kind)]
        with np.errstate(invalid="ignore", divide="ignore"):
            expected = numerator / np.repeat(np.array(denominators, dtype=np.float64), 3)
        expected[np.repeat(np.array(denominators) == 0, 3)] = np.nan
        np.testing.assert_array_equal(rates[r], expected)
        np.testing.assert_array_equal(defined[r], [0 if d == 0 else 3 for d in denominators])


@pytest.mark.parametrize("constraint", CONSTRAINTS)
def test_point_values_in_runs_of_groups_on_threads_are_the_one_pass_values(
    monkeypatch: pytest.MonkeyPatch, constraint: str
) -> None:
    """Values and rates filled by runs of groups on several threads are those of one pass,
    and so are each group's best point and the order flag."""
    audit = _audit(3, None, n=20_000)
    view = audit.views[0]
    goal = make_objective("accuracy", audit.cells.n_positives, audit.cells.n_rows - audit.cells.n_positives)
    monkeypatch.setattr(compiled, "MIN_POINTS", 0)
    points = operating_points(view, audit.cells, (goal.tp_weight, goal.fp_weight))

    def values(threads: int, split: int) -> object:
        with monkeypatch.context() as patch:
            patch.setattr(compiled, "THREADS", threads)
            patch.setattr(compiled, "THREAD_POINTS", 0)  # threads on small problems too
            patch.setattr(compiled, "RUN_POINTS", split)
            return point_values(points, goal, constraint)

    one, runs = values(1, 10**9), values(3, 1)
    for threads in (1, 3):  # the runs above: one, and one per thread
        with monkeypatch.context() as patch:
            patch.setattr(compiled, "THREADS", threads)
            patch.setattr(compiled, "THREAD_POINTS", 0)  # threads on small problems too
            assert len(compiled.group_runs(points.offsets, 10**9)) == threads
    np.testing.assert_array_equal(runs.value, one.value)  # type: ignore[attr-defined]
    for name, rate in one.rates.items():  # type: ignore[attr-defined]
        np.testing.assert_array_equal(runs.rates[name], rate)  # type: ignore[attr-defined]
    np.testing.assert_array_equal(runs.best_each, one.best_each)  # type: ignore[attr-defined]
    assert runs.ordered == one.ordered  # type: ignore[attr-defined]


def _plain_chain(x: np.ndarray, v: np.ndarray, start: int, stop: int) -> list[int]:
    """The monotone chain over every defined point, with the compiled chain's rules and
    arithmetic: of equal x the first highest, a point on a chord dropped."""
    chain: list[int] = []
    for i in range(start, stop):
        if not np.isfinite(x[i]):
            continue
        if chain and x[chain[-1]] == x[i]:
            if v[chain[-1]] >= v[i]:
                continue
            chain.pop()
        while len(chain) >= 2:
            o, p = chain[-2], chain[-1]
            if (x[p] - x[o]) * (v[i] - v[o]) - (v[p] - v[o]) * (x[i] - x[o]) < 0:
                break
            chain.pop()
        chain.append(i)
    return chain


@pytest.mark.parametrize("seed", range(6))
def test_hulls_screened_by_a_rough_hull_are_the_plain_chains(seed: int) -> None:
    """Only the points over the rough hull of each block's highest go through the chain:
    the corners are still those of the chain over every point, on noisy concave curves,
    binned ones (long runs of collinear points, ties in x), groups of 1 to 3 points,
    sizes around the block length, and undefined x (those groups take every point)."""
    rng = np.random.default_rng(seed)
    block = convex_hulls_kernel.BLOCK
    sizes = [1, 2, 3, block - 1, block, block + 1, 2 * block + 1, *rng.integers(50, 3_000, size=5)]
    offsets = np.concatenate([[0], np.cumsum(sizes)]).astype(np.intp)
    xs, vs = [], []
    for g, size in enumerate(sizes):
        steps = rng.integers(0, 3, size=(2, size)).astype(float)  # positives, negatives
        if g % 2:
            steps[:, : size // 3] = [[1.0], [0.0]]  # a run of positives only: collinear points
        tp, fp = np.cumsum(steps, axis=1)
        xs.append((tp + fp) / max(tp[-1] + fp[-1], 1.0))
        vs.append(0.3 * tp - 0.2 * fp + (rng.normal(0, 0.3, size) if seed % 2 else 0.0))
    x, v = np.concatenate(xs), np.concatenate(vs)
    if seed >= 4:
        x[rng.integers(0, len(x), 5)] = np.nan
    room, stack = np.empty(len(x), dtype=np.intp), np.empty((max(sizes), 2))
    ordered, corners, ends = convex_hulls_kernel.monotone_upper_hulls(x, v, offsets, room, stack)
    assert ordered
    for g in range(len(sizes)):
        expected = _plain_chain(x, v, int(offsets[g]), int(offsets[g + 1]))
        assert corners[ends[g] : ends[g + 1]].tolist() == expected, g


@pytest.mark.parametrize("seed", range(8))
def test_roc_hull_corners_from_the_points_under_the_chords_are_all_the_corners(
    monkeypatch: pytest.MonkeyPatch, seed: int
) -> None:
    """The lower chains found from the points under each group's chord only, and the
    upper chains in runs on threads, give the corners that both chains of every point
    give (the compiled chain's: on points collinear to rounding it may keep a corner the
    numpy path drops): groups above and below the diagonal, with ties and repeated rates,
    and points out of order (then every point is searched)."""
    rng = np.random.default_rng(seed)
    sizes = rng.integers(1, 400, size=9)
    offsets = np.concatenate([[0], np.cumsum(sizes)]).astype(np.intp)
    fpr, tpr = [], []
    for g, size in enumerate(sizes):
        steps = rng.integers(0, 3, size=(2, size - 1)).astype(float)  # ties: steps of 0
        if g % 3 == 0:
            steps = steps[::-1]  # this group's ROC points lie under the diagonal
        ends = np.maximum(steps.sum(axis=1, keepdims=True), 1.0)
        walk = np.concatenate([np.zeros((2, 1)), np.cumsum(steps, axis=1) / ends], axis=1)
        fpr.append(walk[0])
        tpr.append(np.round(walk[1], 2) if seed % 2 else walk[1])
    x, y = np.concatenate(fpr), np.concatenate(tpr)
    if seed >= 4:  # points out of order of x: the chord from the first to the last holds nothing
        order = np.concatenate([a + rng.permutation(b - a) for a, b in itertools.pairwise(offsets)])
        x, y = x[order], y[order]

    def corners(threads: int) -> object:
        with monkeypatch.context() as patch:
            patch.setattr(compiled, "THREADS", threads)
            patch.setattr(compiled, "THREAD_POINTS", 0)  # threads on small problems too
            patch.setattr(compiled, "RUN_POINTS", 1)
            return _run(monkeypatch, True, lambda: hull_corners(x, y, offsets))

    both = _run(monkeypatch, True, lambda: upper_hulls(x, y, offsets) + upper_hulls(x, -y, offsets))
    expected = np.unique(np.concatenate(both))  # type: ignore[call-overload]
    assert len(expected) > 2 * len(sizes)
    for threads in (1, 3):
        np.testing.assert_array_equal(corners(threads), expected)  # type: ignore[arg-type]


def test_frontiers_asked_from_several_threads_at_once_finish_and_agree(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Callers on their own threads share the kernels' pool (whose tasks wait only for
    tasks queued before them): four frontiers at once all finish, as computed alone."""
    audit = _audit(5, None, n=30_000)
    monkeypatch.setattr(compiled, "THREADS", 2)
    monkeypatch.setattr(compiled, "THREAD_POINTS", 0)  # threads on small problems too
    monkeypatch.setattr(compiled, "MIN_POINTS", 0)
    monkeypatch.setattr(compiled, "RUN_POINTS", 1)  # runs and parts on every pass
    monkeypatch.setattr(operating_points_kernel, "PART_CELLS", 1)
    alone = {constraint: audit.tradeoff(constraint).points for constraint in CONSTRAINTS}
    with concurrent.futures.ThreadPoolExecutor(len(CONSTRAINTS)) as callers:
        asked = {constraint: callers.submit(audit.tradeoff, constraint) for constraint in CONSTRAINTS}
        for constraint, future in asked.items():
            pd.testing.assert_frame_equal(future.result(timeout=120).points, alone[constraint])


def test_map_threads_keeps_order_and_raises_the_first_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(compiled, "THREADS", 3)
    monkeypatch.setattr(compiled, "THREAD_POINTS", 0)  # threads on small problems too
    assert compiled.map_threads(lambda k: k * k, range(10)) == [k * k for k in range(10)]

    def fail(k: int) -> int:
        if k == 4:
            raise ValueError("group 4 has no defined rate")
        return k

    with pytest.raises(ValueError, match="group 4"):
        compiled.map_threads(fail, range(8))
    with pytest.raises(ValueError, match="group 4"):  # the item run on this thread
        compiled.map_threads(fail, range(4, 8))
    monkeypatch.setattr(compiled, "MIN_POINTS", 0)
    monkeypatch.setattr(compiled, "RUN_POINTS", 1)
    offsets = np.array([0, 2, 4, 6, 9])
    joined = compiled.beside_in_runs(lambda run: [int(run[0]), int(run[-1])], list, offsets, 9)
    assert joined() == [[0, 4], [4, 6], [6, 9]]  # three runs of about three points
    assert joined() is joined()  # worked out once
    waiting = compiled.beside_in_runs(lambda run: fail(int(run[0])), list, np.array([0, 2, 4, 6]), 6)
    with pytest.raises(ValueError, match="group 4"):
        waiting()


def test_small_problems_stay_on_one_thread(monkeypatch: pytest.MonkeyPatch) -> None:
    """Below ``THREAD_POINTS`` operating points a pass over groups runs here, in one run
    (a hand-off costs more than the other core gives); from it on, in runs on the pool."""
    monkeypatch.setattr(compiled, "THREADS", 2)
    monkeypatch.setattr(compiled, "MIN_POINTS", 0)
    monkeypatch.setattr(compiled, "RUN_POINTS", 1)
    monkeypatch.setattr(compiled, "THREAD_POINTS", 10)
    assert compiled.threads_for(9) == 1
    assert compiled.threads_for(10) == 2
    offsets = np.array([0, 2, 4, 6, 9])
    seen: list[tuple[str, list[int]]] = []

    def run(part: np.ndarray) -> list[int]:
        seen.append((threading.current_thread().name, [int(part[0]), int(part[-1])]))
        return [int(part[0]), int(part[-1])]

    assert compiled.beside_in_runs(run, list, offsets, 9)() == [[0, 9]]
    assert seen == [(threading.current_thread().name, [0, 9])]
    seen.clear()
    made = compiled.beside_in_runs(run, list, offsets, 10)
    for _ in range(6_000):  # (nothing else queued: the pool takes both runs)
        if len(seen) == 2:
            break
        time.sleep(0.01)
    assert made() == [[0, 6], [6, 9]]  # two runs
    assert all(name.startswith("fairness-widgets") for name, _ in seen)


@contextlib.contextmanager
def _every_pool_thread_busy() -> Iterator[None]:
    """Every thread of the kernels' pool waits (at most 60 s) until the block ends."""
    pool = compiled._shared_pool()
    release = threading.Event()
    busy = [pool.submit(release.wait, 60) for _ in range(pool._max_workers)]
    try:
        yield
    finally:
        release.set()
        for task in busy:
            task.result(timeout=60)


def test_work_no_pool_thread_has_begun_is_taken_back_by_the_caller(monkeypatch: pytest.MonkeyPatch) -> None:
    """The pool has a thread fewer than ``THREADS`` (no more threads run than cores): a
    caller asking for work still queued behind busy threads runs it itself, so nothing
    waits on a queued task: passes in runs, map_threads' items, tasks started beside,
    and work handed on from inside a pool task."""
    monkeypatch.setattr(compiled, "THREADS", 2)
    monkeypatch.setattr(compiled, "MIN_POINTS", 0)
    monkeypatch.setattr(compiled, "RUN_POINTS", 1)
    monkeypatch.setattr(compiled, "THREAD_POINTS", 0)
    here = threading.current_thread().name
    with _every_pool_thread_busy():
        offsets = np.array([0, 2, 4, 6, 9])
        runs = compiled.beside_in_runs(
            lambda run: (threading.current_thread().name, int(run[0])), list, offsets, 9
        )
        assert runs() == [(here, 0), (here, 6)]  # (two runs: one a thread)
        assert runs() is runs()  # (once)
        named = compiled.map_threads(lambda k: (threading.current_thread().name, k), range(3))
        assert named == [(here, 0), (here, 1), (here, 2)]
        made = compiled.beside(lambda: threading.current_thread().name, 10)
        assert made() == here

    def nested() -> list[int]:  # a pool task handing work on to the pool
        return compiled.map_threads(lambda k: k + 1, range(4))

    tasks = [compiled._shared_pool().submit(nested) for _ in range(3)]
    assert [task.result(timeout=60) for task in tasks] == [[1, 2, 3, 4]] * 3


def test_an_offered_task_runs_on_a_free_thread_else_here(monkeypatch: pytest.MonkeyPatch) -> None:
    """``offered``: a pool thread takes the task when one is free; when all are busy the
    caller takes it back and runs it itself (never waiting behind them); an error is
    raised to the caller either way; small problems run here."""
    monkeypatch.setattr(compiled, "THREADS", 2)
    monkeypatch.setattr(compiled, "MIN_POINTS", 0)
    monkeypatch.setattr(compiled, "THREAD_POINTS", 10)
    here = threading.current_thread().name
    started = threading.Event()

    def name() -> str:
        started.set()
        return threading.current_thread().name

    where = compiled.offered(name, 10)
    assert started.wait(60)  # (taken by a pool thread: not taken back)
    assert where().startswith("fairness-widgets")
    assert compiled.offered(lambda: threading.current_thread().name, 9)() == here
    with _every_pool_thread_busy():
        taken_back = compiled.offered(lambda: threading.current_thread().name, 10)
        assert taken_back() == here

    def fail() -> int:
        raise ValueError("no defined rate")

    with pytest.raises(ValueError, match="no defined rate"):
        compiled.offered(fail, 10)()


def test_a_bad_thread_count_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FAIRNESS_WIDGETS_THREADS", "two")
    with pytest.raises(ValueError, match="FAIRNESS_WIDGETS_THREADS must be a whole number"):
        compiled._thread_count()
    monkeypatch.setenv("FAIRNESS_WIDGETS_THREADS", "1")
    assert compiled._thread_count() == 1


def test_compiled_points_are_views_of_one_array_of_records(monkeypatch: pytest.MonkeyPatch) -> None:
    """The compiled pass writes records; thresholds, tp and fp are its columns, and
    ``counts`` gives the same rows for points built by numpy."""
    audit = _audit(1, None)
    weights = (0.5, 0.5)
    points = _run(monkeypatch, True, lambda: operating_points(audit.views[0], audit.cells, weights))
    plain = _run(monkeypatch, False, lambda: operating_points(audit.views[0], audit.cells, weights))
    assert isinstance(points, OperatingPoints)
    assert isinstance(plain, OperatingPoints)
    assert points.records is not None
    assert plain.records is None
    assert np.shares_memory(points.tp, points.records)
    assert np.shares_memory(points.thresholds, points.records)
    np.testing.assert_array_equal(points.counts[:, 1:], plain.counts[:, 1:])


def test_small_problems_use_the_kernels_once_a_large_one_has_loaded_them(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A fresh process answers small problems with numpy (no load, no compile); once a
    large problem has loaded the kernels, small ones use them too (2-4x faster)."""
    monkeypatch.setattr(compiled, "_loaded", False)
    small = compiled.MIN_POINTS_LOADED
    assert not compiled.worth_compiling(small)
    assert compiled.worth_compiling(compiled.MIN_POINTS)
    assert compiled.worth_compiling(small)
    assert not compiled.worth_compiling(small - 1)
    monkeypatch.setattr(compiled, "ENABLED", False)
    assert not compiled.worth_compiling(compiled.MIN_POINTS)
    assert not compiled.worth_compiling(small)


def test_switched_off_by_the_environment_variable() -> None:
    import subprocess  # noqa: PLC0415
    import sys  # noqa: PLC0415

    probe = "from fairness_widgets.compute import compiled; print(compiled.ENABLED)"
    env = {"FAIRNESS_WIDGETS_COMPILED": "0", "PATH": ""}
    result = subprocess.run(
        [sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"


def test_a_read_only_install_compiles_without_the_disk_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    """numba refuses ``cache=True`` when no cache folder is writable; the kernels then
    compile in each process instead of failing the import."""
    assert compiled.numba is not None
    real_njit = compiled.numba.njit
    asked: list[bool] = []

    def njit(**options: object) -> object:
        asked.append(bool(options["cache"]))
        if options["cache"]:
            raise RuntimeError("cannot cache function 'f': no locator available for file 'f.py'")
        return real_njit(**options)

    monkeypatch.setattr(compiled, "numba", types.SimpleNamespace(njit=njit))

    def total(values: np.ndarray) -> float:
        return float(values.sum())

    assert compiled.kernel(total)(np.arange(4.0)) == 6.0
    assert asked == [True, False]


def test_highs_prints_nothing_in_a_fresh_process() -> None:
    """HiGHS writes a banner from C on the first instance of a process; an equalized-odds
    frontier must not put it in the notebook's output."""
    import subprocess  # noqa: PLC0415
    import sys  # noqa: PLC0415

    probe = (
        "import numpy as np, fairness_widgets as fw\n"
        "rng = np.random.default_rng(0); y = rng.integers(0, 2, 400)\n"
        "score = np.clip(0.3 * y + 0.7 * rng.random(400), 0, 1)\n"
        "audit = fw.Audit(y, y_score=score, sensitive={'g': rng.integers(0, 2, 400).astype(str)})\n"
        "audit.tradeoff('equalized_odds')\n"
        "print('done')\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "done", result.stdout
    assert "HiGHS" not in result.stderr


@pytest.mark.parametrize("threads", [1, 2])
def test_gathered_values_are_numpys(monkeypatch: pytest.MonkeyPatch, threads: int) -> None:
    """Values gathered by a kept order, in halves on two threads or in one pass: numpy's
    ``value[flat]``, an odd number of points."""
    monkeypatch.setattr(compiled, "THREADS", threads)
    monkeypatch.setattr(compiled, "THREAD_POINTS", 0)
    rng = np.random.default_rng(threads)
    value = rng.normal(size=1_001)
    flat = rng.permutation(1_001)[:777]
    np.testing.assert_array_equal(rate_order_kernel.gathered(flat, value), value[flat])


@pytest.mark.parametrize("objective", ["accuracy", "cost"])
def test_a_views_kept_precision_order_is_that_of_its_points_precision(
    monkeypatch: pytest.MonkeyPatch, objective: str
) -> None:
    """Predictive parity's search reads the view's kept order by precision (and the
    precision in that order): what sorting the trade-off's own precision rates gives, for
    any objective (the order is of the counts alone), and the same frontier as sorting
    them each time."""
    monkeypatch.setattr(compiled, "MIN_POINTS", 0)  # (the compiled search reads the order)
    audit = _audit(3, 1e-3, n=20_000)
    view = audit.views[0]
    histogram = binned_points_kernel.group_histogram(view, audit.cells)
    assert histogram is not None
    positives = audit.cells.n_positives
    goal = make_objective(objective, positives, audit.cells.n_rows - positives, fp_cost=3.0, fn_cost=1.0)
    points = operating_points(view, audit.cells, (goal.tp_weight, goal.fp_weight), histogram=histogram)
    values = point_values(points, goal, "predictive_parity")
    flat, sorted_rate, _, sorted_offsets = rate_order(values.rates["precision"], values.value, points.offsets)
    kept_flat, kept_offsets, kept_rate = histogram.precision_order
    np.testing.assert_array_equal(kept_flat, flat)
    np.testing.assert_array_equal(kept_offsets, sorted_offsets)
    np.testing.assert_array_equal(kept_rate, sorted_rate)
    grid = np.linspace(0.0, 0.2, 9)
    rate = values.rates["precision"]
    sorted_each_time = window_search(rate, values.value, points.offsets, grid)
    from_kept = window_search(rate, values.value, points.offsets, grid, order=histogram.precision_order)
    assert [(c.epsilon, c.value, c.points.tolist()) for c in from_kept] == [
        (c.epsilon, c.value, c.points.tolist()) for c in sorted_each_time
    ]


@pytest.mark.parametrize("key_bits", [32, 64])
@pytest.mark.parametrize("on_threads", [False, True])
@pytest.mark.parametrize("kind", ["distinct", "few levels", "closer than the key step", "with undefined"])
def test_rate_order_is_a_stable_sort_within_each_group(
    monkeypatch: pytest.MonkeyPatch, kind: str, on_threads: bool, key_bits: int
) -> None:
    """Packed-key sorting gives each group's defined points by rate, ties by index, even
    where rates differ by less than the key's resolution (the insertion fix): the groups
    in two runs on the threads, or all in one run (fewer points); keys of 32 bits (few
    points a group) or 64."""
    monkeypatch.setattr(compiled, "THREADS", 2)
    monkeypatch.setattr(compiled, "RUN_POINTS", 1 if on_threads else 10**9)
    if key_bits == 64:  # (no room left for the rate in 32 bits)
        monkeypatch.setattr(rate_order_kernel, "RATE_BITS", 30)
    rng = np.random.default_rng(len(kind))
    sizes = rng.integers(1, 400, 7)
    offsets = np.concatenate([[0], np.cumsum(sizes)]).astype(np.intp)
    n = int(offsets[-1])
    rate = {
        "distinct": rng.random(n),
        "few levels": rng.integers(0, 5, n) / 4.0,
        "closer than the key step": 0.5 + rng.integers(-3, 4, n) * 1e-16,
        "with undefined": np.where(rng.random(n) < 0.2, np.nan, rng.integers(0, 9, n) / 8.0),
    }[kind]
    value = rng.normal(size=n)
    assert rate_order_kernel.key_type(rate_order_kernel.index_bits(offsets)) == (
        np.int32 if key_bits == 32 else np.int64
    )
    flat, by_rate, values, sorted_offsets = rate_order(rate, value, offsets)
    expected = []
    for a, b in itertools.pairwise(offsets):
        index = np.arange(a, b)[np.isfinite(rate[a:b])]
        expected.append(index[np.argsort(rate[index], kind="stable")])
    assert np.array_equal(flat, np.concatenate(expected))
    assert np.array_equal(by_rate, rate[flat])
    assert np.array_equal(values, value[flat])
    assert np.array_equal(np.diff(sorted_offsets), [len(e) for e in expected])


@pytest.mark.parametrize("seed", range(40))
def test_compiled_hull_searches_match_the_numpy_ones(seed: int) -> None:
    """The compiled searches bisect the corners and the corners minus eps separately; the
    numpy path merges them: same best starts and the same reach for any level."""
    rng = np.random.default_rng(seed)
    sizes = rng.integers(1, 40, rng.integers(1, 6))
    offsets = np.concatenate([[0], np.cumsum(sizes)]).astype(np.intp)
    rounding = seed % 3  # 0: distinct rates; else rates on a grid (ties across groups)
    rate = np.concatenate(
        [np.sort(np.round(rng.random(s), rounding) if rounding else rng.random(s)) for s in sizes]
    )
    value = rng.normal(size=len(rate))
    fast, slow = Hulls(rate, value, offsets), Hulls(rate, value, offsets)
    fast.use_kernels, slow.use_kernels = True, False
    widest = max(float(fast.x[fast.start].max() - fast.x[fast.last].min()), 0.0)
    epsilons = np.concatenate([[widest], rng.uniform(widest, 1.0, 6)])
    start = fast.best_start_values(epsilons)
    np.testing.assert_array_equal(start, slow.best_start_values(epsilons))
    level = fast.totals(start[:, None], epsilons)[:, 0] - rng.uniform(0.0, 0.5, len(epsilons))
    for found, expected in zip(
        fast.starts_reaching(epsilons, level), slow.starts_reaching(epsilons, level), strict=True
    ):
        np.testing.assert_array_equal(found, expected)
