"""A view's kept ROC upper chains hold every corner of the (rate, value) upper hulls for
demographic parity and equal opportunity, so hulls read from them are the hulls of all
the points; where the weights do not allow it, the hulls come from all the points."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

import fairness_widgets as fw
from fairness_widgets.compute import compiled, window_search_compiled
from fairness_widgets.compute.binned_points_kernel import group_histogram
from fairness_widgets.compute.convex_hulls import hull_corners, upper_hulls
from fairness_widgets.compute.hull_search import Hulls
from fairness_widgets.compute.objectives import make_objective
from fairness_widgets.compute.operating_points import operating_points
from fairness_widgets.compute.point_values import point_values
from fairness_widgets.compute.roc_chains_kernel import roc_chains, upper_hulls_among

pytestmark = pytest.mark.skipif(not compiled.AVAILABLE, reason="the chains are compiled kernels")


def _audit(seed: int, n: int = 20_000, n_groups: int = 9) -> fw.Audit:
    """Unequal groups and base rates, scores on bins of 1e-3 (runs of equal counts)."""
    rng = np.random.default_rng(seed)
    group = rng.choice(n_groups, size=n, p=np.arange(1, n_groups + 1) / np.arange(1, n_groups + 1).sum())
    label = (rng.random(n) < 0.15 + 0.05 * (group % 4)).astype(int)
    score = 1 / (1 + np.exp(-(1.4 * (2 * label - 1) + 0.1 * group + rng.normal(0, 1.1, n))))
    return fw.Audit(label, y_score=score, sensitive={"g": group.astype(str)}, resolution=1e-3)


@pytest.mark.parametrize("side", [1, -1])
@pytest.mark.parametrize("seed", range(3))
def test_the_chain_is_every_point_past_all_chords_around_it(seed: int, side: int) -> None:
    """Brute force on small staircases: a point is on its group's upper (lower) chain
    exactly when it stands strictly above (below) every chord between an earlier and a
    later point (a point on a chord is dropped), vertical and horizontal runs included."""
    rng = np.random.default_rng(seed)
    records, offsets = [], [0]
    for size in (1, 2, 7, 30, 30):
        steps = rng.choice(3, size=size - 1, p=[0.4, 0.4, 0.2])  # a positive, a negative, both
        tp = np.concatenate([[0], np.cumsum((steps != 1) * rng.integers(1, 3, size - 1))])
        fp = np.concatenate([[0], np.cumsum((steps != 0) * rng.integers(1, 3, size - 1))])
        records.append(np.stack([np.zeros(size, dtype=np.int64), tp, fp], axis=1))
        offsets.append(offsets[-1] + size)
    table = np.concatenate(records)
    bounds = np.array(offsets, dtype=np.intp)
    chain, chain_offsets = roc_chains(table, bounds, side)
    for g, (start, stop) in enumerate(itertools.pairwise(offsets)):
        tp, fp = table[start:stop, 1], table[start:stop, 2]
        expected = [
            start + i
            for i in range(stop - start)
            if all(
                side * ((fp[i] - fp[j]) * (tp[k] - tp[j]) - (tp[i] - tp[j]) * (fp[k] - fp[j])) < 0
                for j in range(i)
                for k in range(i + 1, stop - start)
            )
        ]
        assert chain[chain_offsets[g] : chain_offsets[g + 1]].tolist() == expected


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("constraint", ["demographic_parity", "equal_opportunity"])
@pytest.mark.parametrize(
    ("objective", "fp_cost", "fn_cost"),
    [("accuracy", 1.0, 1.0), ("balanced_accuracy", 1.0, 1.0), ("cost", 5.0, 1.0), ("cost", 0.2, -3.0)],
)
def test_hulls_from_the_chains_are_the_hulls_of_all_points(
    seed: int, constraint: str, objective: str, fp_cost: float, fn_cost: float
) -> None:
    """The hulls read from the chains are those of every point: the same function (to
    float noise) at every point's rate, every point on or under it, and their corners
    among those the monotone chain over every point finds (which may also keep a point
    that rounding lifts off a straight run). For accuracy, balanced accuracy, a cost and
    a cost with a profit on a true positive."""
    audit = _audit(seed)
    view = audit.views[0]
    histogram = group_histogram(view, audit.cells)
    assert histogram is not None
    positives = audit.cells.n_positives
    goal = make_objective(
        objective, positives, audit.cells.n_rows - positives, fp_cost=fp_cost, fn_cost=fn_cost
    )
    points = operating_points(view, audit.cells, (goal.tp_weight, goal.fp_weight), histogram=histogram)
    values = point_values(points, goal, constraint)
    rate, value = next(iter(values.rates.values())), values.value
    corners, ends = upper_hulls_among(rate, value, *histogram.roc_chains)
    every = upper_hulls(rate, value, points.offsets)
    assert len(histogram.roc_chains[0]) < len(rate) / 10  # the chains are few of the points
    scale = float(np.abs(value).max())
    for g, found in enumerate(every):
        mine = corners[ends[g] : ends[g + 1]]
        assert set(mine.tolist()) <= set(found.tolist())
        group = slice(points.offsets[g], points.offsets[g + 1])
        ours = np.interp(rate[group], rate[mine], value[mine])
        theirs = np.interp(rate[group], rate[found], value[found])
        np.testing.assert_allclose(ours, theirs, rtol=0, atol=1e-12 * scale)
        assert (value[group] <= ours + 1e-12 * scale).all()
        assert np.isin(mine, np.flatnonzero(value[group] >= ours - 1e-12 * scale) + points.offsets[g]).all()


@pytest.mark.parametrize("seed", range(3))
def test_the_kept_roc_corners_are_those_of_every_point(seed: int) -> None:
    """Equalized odds' corners read from the kept chains: among those the float hulls of
    every point find (which may also keep a point that rounding lifts off a straight
    run), and every point within the hull they make, between its upper and lower chain."""
    audit = _audit(seed)
    histogram = group_histogram(audit.views[0], audit.cells)
    assert histogram is not None
    tp, fp, offsets = histogram.records[:, 1], histogram.records[:, 2], histogram.offsets
    positives, negatives = tp[offsets[1:] - 1], fp[offsets[1:] - 1]
    sizes = np.diff(offsets)
    tpr, fpr = tp / np.repeat(positives, sizes), fp / np.repeat(negatives, sizes)
    kept = histogram.roc_corners
    every = hull_corners(fpr, tpr, offsets)
    assert set(kept.tolist()) <= set(every.tolist())
    assert len(kept) >= 0.9 * len(every)
    upper = histogram.roc_chains[0]
    for g, (start, stop) in enumerate(itertools.pairwise(offsets)):
        mine = kept[(kept >= start) & (kept < stop)]
        top = upper[(upper >= start) & (upper < stop)]
        bottom = np.setdiff1d(mine, top[1:-1])  # the lower chain, ends included
        x, y = fpr[start:stop], tpr[start:stop]
        assert (y <= np.interp(x, fpr[top], tpr[top]) + 1e-12).all(), g
        assert (y >= np.interp(x, fpr[bottom], tpr[bottom]) - 1e-12).all(), g


@pytest.mark.parametrize(
    ("constraint", "fp_cost", "fn_cost", "from_chains"),
    [
        ("demographic_parity", 1.0, 1.0, True),
        ("demographic_parity", -1.0, 0.5, False),  # tp_weight + fp_weight < 0
        ("equal_opportunity", 1.0, 1.0, True),
        ("equal_opportunity", -1.0, 3.0, False),  # a profit on a false positive
        ("predictive_parity", 1.0, 1.0, False),  # the window search's hulls of box tops
    ],
)
def test_the_chains_serve_only_where_they_hold_every_corner(
    monkeypatch: pytest.MonkeyPatch, constraint: str, fp_cost: float, fn_cost: float, from_chains: bool
) -> None:
    """The audit's trade-off reads its hulls from the kept chains only where the weights
    let them hold every corner; elsewhere from all the points (predictive parity has no
    randomised choice: only its window search builds hulls, of its sorted points)."""
    audit = _audit(4)
    read: list[bool] = []
    built = Hulls.beside

    def beside(*args: object) -> object:
        read.append(False)
        return built(*args)  # type: ignore[arg-type]

    chains = Hulls.from_chains

    def among(*args: object) -> object:
        read.append(True)
        return chains(*args)  # type: ignore[arg-type]

    box_tops = window_search_compiled._box_top_hulls

    def of_box_tops(*args: object) -> object:
        read.append(False)
        return box_tops(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(compiled, "MIN_POINTS", 0)  # (the kept histogram needs the kernels)
    monkeypatch.setattr(Hulls, "beside", beside)
    monkeypatch.setattr(window_search_compiled, "_box_top_hulls", of_box_tops)
    monkeypatch.setattr(Hulls, "from_chains", among)
    found = audit.tradeoff(constraint, "cost", fp_cost=fp_cost, fn_cost=fn_cost)
    assert read == [from_chains]
    assert len(found.points) > 0
