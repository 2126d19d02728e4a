"""Trade-off frontiers: exact against brute force, at least as good as fairlearn's
ThresholdOptimizer, and thresholds that reproduce the rates they promise."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from fairlearn.postprocessing import ThresholdOptimizer

import fairness_widgets as fw
from fairness_widgets.compute import compiled
from fairness_widgets.compute.expected_counts import expected_counts, objective_and_disparity
from fairness_widgets.compute.operating_points import GroupCurve, group_curves
from tests.reference_setup import NUMERIC as MODEL_NUMERIC
from tests.reference_setup import adult_model

NUMERIC = list(MODEL_NUMERIC)
CATEGORICAL = ["workclass", "marital_status", "occupation", "relationship"]
EPSILONS = np.linspace(0.0, 0.5, 26)


def _rate(constraint: str, curve: GroupCurve, k: int) -> float:
    if constraint == "demographic_parity":
        return (curve.tp[k] + curve.fp[k]) / curve.size
    if constraint == "equal_opportunity":
        return curve.tp[k] / curve.positives
    predicted = curve.tp[k] + curve.fp[k]
    return curve.tp[k] / predicted if predicted else np.nan


@pytest.fixture(params=["numpy", "compiled"])
def path(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Run a test on the numpy path and on the compiled kernels (forced even for tiny
    inputs; numba comes with the test extra)."""
    monkeypatch.setattr(compiled, "ENABLED", request.param == "compiled")
    monkeypatch.setattr(compiled, "MIN_POINTS", 0)
    if request.param == "compiled":
        assert compiled.AVAILABLE, "numba is missing: install the test extra (it includes [fast])"
    return str(request.param)


@pytest.fixture(scope="module")
def small() -> fw.Audit:
    rng = np.random.default_rng(1)
    n = 150
    group = rng.integers(0, 2, n)
    label = rng.integers(0, 2, n)
    score = np.round(np.clip(rng.random(n) * 0.6 + 0.3 * label + 0.1 * group, 0, 1), 2)
    return fw.Audit(label, y_score=score, sensitive={"g": np.where(group == 1, "b", "a")}, resolution=None)


@pytest.mark.parametrize("constraint", ["demographic_parity", "equal_opportunity", "predictive_parity"])
def test_frontier_matches_brute_force_over_all_threshold_pairs(
    small: fw.Audit, constraint: str, path: str
) -> None:
    first, second = group_curves(small.views[0], small.cells)
    n = first.size + second.size
    found = []
    for i in range(len(first.tp)):
        for j in range(len(second.tp)):
            gap = abs(_rate(constraint, first, i) - _rate(constraint, second, j))
            if np.isnan(gap):
                continue
            correct = (
                first.tp[i] + first.negatives - first.fp[i] + second.tp[j] + second.negatives - second.fp[j]
            )
            found.append((gap, correct / n))
    brute = np.array(found)
    frontier = small.tradeoff(constraint, epsilons=EPSILONS).points
    deterministic = frontier[frontier["kind"] == "thresholds"]
    assert len(deterministic) == len(EPSILONS)
    for row in deterministic.itertuples():
        best = brute[brute[:, 0] <= row.epsilon + 1e-12, 1].max()
        assert row.objective == pytest.approx(best, abs=1e-12), row.epsilon
        assert row.disparity <= row.epsilon + 1e-12


@pytest.mark.parametrize("constraint", ["demographic_parity", "equal_opportunity", "equalized_odds"])
def test_randomised_thresholds_are_never_worse(small: fw.Audit, constraint: str, path: str) -> None:
    points = small.tradeoff(constraint, epsilons=EPSILONS).points
    randomised = points[points["kind"] == "randomised thresholds"].set_index("epsilon")["objective"]
    assert len(randomised) == len(EPSILONS)
    assert (np.diff(randomised.to_numpy()) >= -1e-12).all()  # more slack never hurts
    if constraint != "equalized_odds":
        deterministic = points[points["kind"] == "thresholds"].set_index("epsilon")["objective"]
        assert (randomised.to_numpy() >= deterministic.to_numpy() - 1e-12).all()


def test_deterministic_thresholds_reproduce_their_rates(small: fw.Audit) -> None:
    tradeoff = small.tradeoff("demographic_parity", epsilons=[0.05])
    point = tradeoff.points[tradeoff.points["kind"] == "thresholds"].iloc[0]
    chosen = tradeoff.choices[tradeoff.choices["point"] == point["point"]].set_index("group")
    cells = small.cells
    score, group = cells.score, np.asarray(small.views[0].levels)[small.views[0].codes]
    assert score is not None
    predicted = score >= chosen.loc[group, "threshold"].to_numpy()
    for name in ("a", "b"):
        rows = group == name
        rate = (cells.count[rows] * predicted[rows]).sum() / cells.count[rows].sum()
        assert rate == pytest.approx(chosen.loc[name, "selection_rate"], abs=1e-12)
    assert point["disparity"] <= 0.05 + 1e-12


@pytest.fixture(scope="module")
def adult() -> tuple[pd.DataFrame, np.ndarray, object]:
    test = fw.datasets.load_adult("test")
    model = adult_model(tuple(CATEGORICAL))
    return test, model.predict_proba(test[NUMERIC + CATEGORICAL])[:, 1], model


@pytest.mark.parametrize(
    ("constraint", "fairlearn_name"),
    [
        ("demographic_parity", "demographic_parity"),
        ("equal_opportunity", "true_positive_rate_parity"),
        ("equalized_odds", "equalized_odds"),
    ],
)
def test_frontier_is_at_least_as_good_as_threshold_optimizer(
    adult: tuple[pd.DataFrame, np.ndarray, object], constraint: str, fairlearn_name: str
) -> None:
    test, score, model = adult
    audit = fw.Audit(test["label"], y_score=score, sensitive=test[["sex"]], resolution=None)
    ours = audit.tradeoff(constraint).best(0.0)
    optimizer = ThresholdOptimizer(
        estimator=model,
        constraints=fairlearn_name,
        objective="accuracy_score",
        prefit=True,
        predict_method="predict_proba",
    ).fit(test[NUMERIC + CATEGORICAL], test["label"], sensitive_features=test["sex"])
    # ThresholdOptimizer randomises: its accuracy and rates are expectations over its coin
    # flips, computed exactly from its probability of predicting positive for each person.
    positive = optimizer._pmf_predict(test[NUMERIC + CATEGORICAL], sensitive_features=test["sex"])[:, 1]
    counts = expected_counts(
        test["label"].to_numpy(), positive, test["sex"].astype(str).to_numpy(dtype=object), ["Female", "Male"]
    )
    theirs, their_disparity = objective_and_disparity(counts, constraint)
    assert ours["disparity"] <= 1e-9  # the constraint holds exactly (in expectation)
    assert their_disparity < 0.01  # fairlearn's solution meets it too, up to its grid
    assert ours["objective"] >= theirs - 1e-12, (ours["objective"], theirs)


@pytest.mark.parametrize("constraint", ["demographic_parity", "equalized_odds"])
def test_postprocessor_reproduces_the_points_rates_on_new_rows(
    adult: tuple[pd.DataFrame, np.ndarray, object], constraint: str
) -> None:
    test, score, _ = adult
    audit = fw.Audit(test["label"], y_score=score, sensitive=test[["sex", "race"]], resolution=None)
    tradeoff = audit.tradeoff(constraint, attribute="sex × race", epsilons=[0.05])
    point = tradeoff.points[tradeoff.points["kind"] == "randomised thresholds"].iloc[0]
    rule = tradeoff.postprocessor(point)
    expected = rule.positive_probability(score, test[["sex", "race"]])
    group = test["sex"].astype(str) + " × " + test["race"].astype(str)
    chosen = tradeoff.choices[tradeoff.choices["point"] == point["point"]].groupby("group").first()
    label = test["label"].to_numpy() == 1
    for name, rows in group.groupby(group).groups.items():
        mask = group.index.isin(rows)
        if constraint == "demographic_parity":
            assert expected[mask].mean() == pytest.approx(chosen.loc[name, "selection_rate"], abs=1e-12)
        else:
            assert expected[mask & label].mean() == pytest.approx(
                chosen.loc[name, "true_positive_rate"], abs=1e-12
            )
    # Drawn predictions follow the probabilities (seeded, reproducible).
    first = rule.predict(score, test[["sex", "race"]], random_state=0)
    assert np.array_equal(first, rule.predict(score, test[["sex", "race"]], random_state=0))
    assert abs(first.mean() - expected.mean()) < 0.01
    assert set(rule.to_frame().columns) == {"attribute", "group", "threshold", "weight"}


def test_postprocessor_refuses_unknown_groups_and_missing_columns(small: fw.Audit) -> None:
    rule = small.tradeoff("demographic_parity", epsilons=[0.0]).postprocessor(2)
    with pytest.raises(ValueError, match=r"Group\(s\) \['c'\] of 'g' have no threshold"):
        rule.predict([0.5], {"g": ["c"]})
    with pytest.raises(ValueError, match=r"must hold the column\(s\) \['g'\]"):
        rule.predict([0.5], {"group": ["a"]})
    with pytest.raises(ValueError, match="No point 99"):
        small.tradeoff("demographic_parity", epsilons=[0.0]).postprocessor(99)


@pytest.mark.parametrize("n", [1, 2, 31, 32, 33, 63, 64, 65, 66, 1000])
def test_range_max_matches_a_plain_maximum(n: int) -> None:
    from fairness_widgets.compute.range_max import RangeMax  # noqa: PLC0415

    rng = np.random.default_rng(n)
    values = rng.normal(size=n)
    lo = rng.integers(0, n, 2000)
    hi = np.minimum(lo + rng.integers(0, n, 2000), n - 1)
    expected = [values[a : b + 1].max() for a, b in zip(lo, hi, strict=True)]
    np.testing.assert_array_equal(RangeMax(values)(lo, hi), expected)


def test_parallel_hull_pruning_matches_a_monotone_chain() -> None:
    from fairness_widgets.compute.convex_hulls import upper_hulls  # noqa: PLC0415

    rng = np.random.default_rng(3)
    sizes = [1, 2, 3, 50, 400]
    offsets = np.concatenate([[0], np.cumsum(sizes)])
    x = np.concatenate([np.sort(rng.integers(0, 60, size)) / 60 for size in sizes])  # ties in x
    v = rng.normal(size=len(x))
    for g, hull in enumerate(upper_hulls(x, v, offsets)):
        part = np.arange(offsets[g], offsets[g + 1])
        chain: list[int] = []
        for i in part[np.lexsort((-v[part], x[part]))]:
            if chain and x[chain[-1]] == x[i]:
                continue
            while len(chain) >= 2:
                a, b = chain[-2], chain[-1]
                if (x[b] - x[a]) * (v[i] - v[a]) - (v[b] - v[a]) * (x[i] - x[a]) >= 0:
                    chain.pop()
                else:
                    break
            chain.append(int(i))
        assert hull.tolist() == chain, g


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("resolution", [None, 1e-4])
def test_many_tiny_groups_give_a_frontier_for_every_constraint(
    seed: int, resolution: float | None, path: str
) -> None:
    """40 groups of a few dozen people: rates jump in big steps, exactly equal precision is
    out of reach, and some groups have one or two positives. Every constraint still gives
    a frontier; an allowed disparity no thresholds can meet gets no point, not an error."""
    rng = np.random.default_rng(seed)
    n = 2_000
    group = rng.integers(0, 40, n)
    label = (rng.random(n) < 0.3 + 0.01 * (group % 10)).astype(int)
    score = 1 / (1 + np.exp(-(1.2 * (2 * label - 1) + 0.02 * group + rng.normal(0, 1.3, n))))
    audit = fw.Audit(label, y_score=score, sensitive={"g": group.astype(str)}, resolution=resolution)
    for constraint in ["demographic_parity", "equal_opportunity", "predictive_parity", "equalized_odds"]:
        tradeoff = audit.tradeoff(constraint)
        frontier = tradeoff.points[~tradeoff.points["kind"].isin(["single threshold", "unconstrained"])]
        assert len(frontier) > 0, constraint
        assert (frontier["disparity"] <= frontier["epsilon"] + 1e-9).all(), constraint
        for point in frontier["point"]:  # every point's thresholds reproduce its numbers
            chosen = tradeoff.choices[tradeoff.choices["point"] == point]
            assert chosen.groupby("group")["weight"].sum().to_numpy() == pytest.approx(1.0)
