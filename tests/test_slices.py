"""``Audit.slices``: the worst slices, found, tested and ranked honestly.

- Synthetic data with planted slices of order 1, 2 and 3 (overlapping, of known effect):
  the three planted slices are the top three, for several seeds.
- Data with no effect at all: over 40 seeds, the share of runs that report any slice
  (every report is false there, so that is the false discovery rate) stays within the
  stated rate, while uncorrected p-values would report something in nearly every run.
- The pruning bounds equal an exhaustive search of every sub-slice, and pruning never
  drops a slice that could have been flagged (checked against brute force).
- Slice values and rest values equal fairlearn's ``MetricFrame`` for the same slice
  definitions (1e-9), for six rates, on Adult; the drill-down too.
- The same table from pandas, arrays, polars (eager and lazy), pyarrow, DuckDB, Dask and
  Spark (Spark's session is module-scoped, as in ``test_engines.py``).
- Bad input: NaN in a numeric feature, a constant feature, a 100,000-level feature,
  ``min_support`` above the data, mismatched rows, unknown columns, ``max_order < 1``...
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable
from functools import partial
from itertools import combinations
from typing import Any

import numpy as np
import pandas as pd
import polars as pl
import pytest
from fairlearn.metrics import (
    MetricFrame,
    false_negative_rate,
    false_positive_rate,
    selection_rate,
    true_positive_rate,
)
from scipy.stats import false_discovery_control, hypergeom
from sklearn.metrics import accuracy_score, precision_score

import fairness_widgets as fw
from fairness_widgets.compute import slice_engines
from fairness_widgets.compute.hypergeometric import hypergeom_cdf, hypergeom_sf
from fairness_widgets.compute.metrics import METRICS, Counts
from fairness_widgets.compute.slice_statistics import best_child_effect, best_child_p_value, q_values
from fairness_widgets.compute.slices import Slices
from fairness_widgets.datasets import load_adult
from tests.test_engines import duckdb_connection, import_engine, native, spark  # noqa: F401 (fixtures)

TOLERANCE = 1e-9


def _all_of(*parts: str) -> str:
    """A regex matching text that contains every one of ``parts`` literally, in any order."""
    return "(?s)" + "".join(f"(?=.*{re.escape(part)})" for part in parts)


# --- data ----------------------------------------------------------------------------------

PLANTED = ("a = a1", "b = b2 ∧ x ≥ {edge}", "c = c0 ∧ d = d1 ∧ e = e2")
PLANTED_FEATURES = ["a", "b", "c", "d", "e", "f", "x", "z"]


def planted_data(n: int, seed: int) -> pd.DataFrame:
    """Predictions wrong 10% of the time, except in three planted slices: ``a = a1`` (25%
    of the rows, +15 points of error), ``b = b2 ∧ x in its top quartile`` (~8%, +20) and
    ``c = c0 ∧ d = d1 ∧ e = e2`` (~4%, +25). Where they overlap, the larger error holds."""
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame(
        {
            "a": rng.choice(["a0", "a1", "a2", "a3"], n),
            "b": rng.choice(["b0", "b1", "b2"], n),
            "c": rng.choice(["c0", "c1", "c2"], n),
            "d": rng.choice(["d0", "d1", "d2"], n),
            "e": rng.choice(["e0", "e1", "e2"], n),
            "f": rng.choice(["f0", "f1", "f2", "f3"], n),
            "x": rng.uniform(0, 100, n),
            "z": rng.normal(0, 1, n).round(2),
            "sex": rng.choice(["F", "M"], n),
        }
    )
    slices = (
        frame["a"].eq("a1"),
        frame["b"].eq("b2") & (frame["x"] >= np.quantile(frame["x"], 0.75)),
        frame["c"].eq("c0") & frame["d"].eq("d1") & frame["e"].eq("e2"),
    )
    error = np.full(n, 0.1)
    for inside, extra in zip(slices, (0.15, 0.2, 0.25), strict=True):
        error = np.where(inside, np.maximum(error, 0.1 + extra), error)
    label = rng.integers(0, 2, n)
    frame["label"] = label
    frame["pred"] = np.where(rng.random(n) < error, 1 - label, label)
    frame["error_rate"] = error  # the truth, to compare effects with (not a feature)
    return frame


def null_data(n: int, seed: int) -> pd.DataFrame:
    """Features, labels and errors all independent: every slice is like the rest."""
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame(
        {
            "a": rng.choice(["a0", "a1", "a2", "a3"], n),
            "b": rng.choice(["b0", "b1", "b2"], n),
            "c": rng.choice(["c0", "c1"], n, p=[0.8, 0.2]),
            "x": rng.uniform(0, 1, n),
            "z": rng.exponential(1, n).round(1),
        }
    )
    label = (rng.random(n) < 0.3).astype(int)
    frame["label"] = label
    frame["pred"] = np.where(rng.random(n) < 0.2, 1 - label, label)
    return frame


# --- planted slices rank first -------------------------------------------------------------


@pytest.mark.parametrize("seed", range(5))
def test_planted_slices_are_the_top_three(seed: int) -> None:
    data = planted_data(20_000, seed)
    audit = fw.Audit.from_frame(data, y_true="label", y_pred="pred", sensitive=["sex"])
    found = audit.slices(PLANTED_FEATURES, metric="accuracy", max_order=3)

    x = next(feature for feature in found.features if feature.name == "x")
    assert x.edges is not None
    planted = {text.format(edge=fw.compute.slice_features.format_number(x.edges[-1])) for text in PLANTED}
    top = found.significant.head(3)
    assert set(top["slice"]) == planted, found
    assert sorted(top["order"]) == [1, 2, 3]
    # Each planted slice's sub-slices are listed as subsumed by it, not on their own.
    table = found.table.set_index("slice")
    assert table.loc["a = a1 ∧ f = f0", "subsumed_by"] == "a = a1"
    # Effects near the true ones (the rest holds the other planted slices: not just 0.1).
    inside = data["c"].eq("c0") & data["d"].eq("d1") & data["e"].eq("e2")
    truth = data.loc[inside, "error_rate"].mean() - data.loc[~inside, "error_rate"].mean()
    assert table.loc["c = c0 ∧ d = d1 ∧ e = e2", "effect"] == pytest.approx(truth, abs=0.05)
    assert found.n_tested == len(found.table) > 3_000


# --- false discovery rate on data with nothing to find -------------------------------------

N_SEEDS = 40


@pytest.mark.parametrize(("fdr", "method"), [(0.05, "bh"), (0.2, "bh"), (0.2, "by")])
def test_false_discovery_rate_on_null_data(fdr: float, method: Any) -> None:
    """Under the global null every reported slice is false: the false discovery proportion
    of a run is 1 if it reports anything, else 0. Its mean over the seeds estimates the
    false discovery rate, allowed one standard error above the stated one."""
    reported, uncorrected = [], []
    for seed in range(N_SEEDS):
        data = null_data(3_000, seed)
        audit = fw.Audit(data["label"], y_pred=data["pred"], sensitive=data[["a"]])
        found = audit.slices(data[["b", "c", "x", "z"]], max_order=3, fdr=fdr, fdr_method=method)
        assert found.n_tested > 400
        reported.append(bool(found.table["significant"].any()))
        uncorrected.append(bool((found.table["p_value"] <= fdr).any()))
    false_discovery_rate = float(np.mean(reported))
    assert false_discovery_rate <= fdr + np.sqrt(fdr * (1 - fdr) / N_SEEDS), false_discovery_rate
    # Without the correction, nearly every run would report a slice: the search is large.
    assert np.mean(uncorrected) >= 0.9


# --- statistics ----------------------------------------------------------------------------


def test_q_values_equal_scipys() -> None:
    p = np.random.default_rng(1).uniform(0, 0.2, 200) ** 2
    for method in ("bh", "by"):
        np.testing.assert_allclose(q_values(p, method=method), false_discovery_control(p, method=method))
    # Uncounted tests that cannot be significant make every q-value larger, never smaller.
    assert (q_values(p, family_size=300) >= q_values(p)).all()


def test_hypergeometric_tails_equal_scipys() -> None:
    """Below 120,000 people the tails are summed here (scipy's exact method is slow there),
    above they are scipy's: both agree with scipy to 1e-8, deep in the tails too."""
    rng = np.random.default_rng(2)
    total = np.concatenate([rng.integers(1, 120_000, 3_000), rng.integers(120_000, 2_000_000, 300)])
    good = (rng.random(len(total)) * (total + 1)).astype(np.int64)
    draws = (rng.random(len(total)) * (total + 1)).astype(np.int64)
    low, high = np.maximum(0, draws - (total - good)), np.minimum(draws, good)
    k = low + (rng.random(len(total)) * (high - low + 3)).astype(np.int64) - 1
    for ours, theirs in ((hypergeom_cdf, hypergeom.cdf), (hypergeom_sf, hypergeom.sf)):
        expected = theirs(k, total, good, draws)
        np.testing.assert_allclose(ours(k, total, good, draws), expected, rtol=1e-8, atol=1e-300)
    assert (hypergeom.cdf(k, total, good, draws) < 1e-100).any()  # the deep tails are in


@pytest.mark.parametrize("worse", ["lower", "higher", "either"])
def test_pruning_bounds_equal_an_exhaustive_search(worse: Any) -> None:
    """The best p-value and effect of any sub-slice, searched over every feasible (successes,
    people) of a sub-slice, equal the closed forms the search prunes with."""
    rng = np.random.default_rng(7)
    for _ in range(60):
        total = int(rng.integers(50, 400))
        total_successes = int(rng.integers(1, total))
        trials = int(rng.integers(5, total))
        low = max(0, trials - (total - total_successes))
        successes = int(rng.integers(low, min(trials, total_successes) + 1))
        support = int(rng.integers(1, trials + 1))
        sizes, wins = [], []
        for size in range(support, trials + 1):
            for win in range(max(0, size - (trials - successes)), min(successes, size) + 1):
                sizes.append(size)
                wins.append(win)
        size_array, win_array = np.array(sizes), np.array(wins)
        lower = hypergeom.cdf(win_array, total, total_successes, size_array)
        higher = hypergeom.sf(win_array - 1, total, total_successes, size_array)
        p = {"lower": lower, "higher": higher, "either": np.minimum(1, 2 * np.minimum(lower, higher))}[worse]
        with np.errstate(divide="ignore", invalid="ignore"):
            difference = (total_successes - win_array) / (total - size_array) - win_array / size_array
        effect = {"lower": difference, "higher": -difference, "either": np.abs(difference)}[worse]
        effect = np.where(size_array < total, effect, -np.inf)
        args = ([successes], [trials - successes], [trials], total_successes, total)
        bound = best_child_p_value(*args, min_support=support, worse=worse)[0]
        assert bound == pytest.approx(p.min(), rel=1e-9, abs=1e-300)
        assert best_child_effect(*args, min_support=support, worse=worse)[0] == pytest.approx(effect.max())


def _levels(data: pd.DataFrame, found: Slices) -> pd.DataFrame:
    """Each row's level of each feature, computed here from the search's bin edges."""
    columns = {}
    for feature in found.features:
        values = data[feature.name]
        if feature.edges is not None:
            level = pd.cut(values, [-np.inf, *feature.edges, np.inf], right=False, labels=False)
            columns[feature.name] = level.fillna(feature.n_levels - 1).astype(int)
        else:
            lookup = {label: index for index, label in enumerate(feature.labels)}
            columns[feature.name] = values.astype(str).map(lookup).fillna(feature.n_levels - 1).astype(int)
    return pd.DataFrame(columns)


def test_pruning_drops_no_slice_that_could_be_flagged() -> None:
    """With ``min_effect`` the search skips feature combinations; brute force over every
    combination shows that none of the skipped slices reaches both the effect and p <= fdr,
    and that the q-values are adjusted for at least as many tests as brute force finds."""
    data = planted_data(6_000, 3)
    audit = fw.Audit.from_frame(data, y_true="label", y_pred="pred", sensitive=["sex"])
    found = audit.slices(PLANTED_FEATURES, max_order=3, min_support=400, min_effect=0.1)
    assert sum(found.combinations_skipped) > 0, "nothing was pruned: the test proves nothing"
    levels = _levels(data, found)
    cell = 2 * data["label"].to_numpy() + data["pred"].to_numpy()
    total = np.bincount(cell, minlength=4)
    accuracy = METRICS["accuracy"]
    names = [feature.name for feature in found.features]
    supported = 0
    for order in (1, 2, 3):
        for combo in combinations(range(len(names)), order):
            key = np.zeros(len(data), dtype=np.int64)
            for index in combo:
                key = key * found.features[index].n_levels + levels[names[index]].to_numpy()
            _, slice_of = np.unique(key, return_inverse=True)
            matrix = np.zeros((slice_of.max() + 1, 4), dtype=np.int64)
            np.add.at(matrix, (slice_of, cell), 1)
            counts = Counts.from_matrix(matrix)
            assert accuracy.numerator is not None
            wins, people = accuracy.numerator(counts), accuracy.denominator(counts)
            tested = people >= found.min_support
            supported += int(tested.sum())
            if combo in found.stats:
                continue
            rest = (total[0] + total[3] - wins) / (total.sum() - people)
            p = hypergeom.cdf(wins, total.sum(), total[0] + total[3], people)
            flaggable = tested & (p <= found.fdr) & (rest - wins / people >= 0.1)
            assert not flaggable.any(), [names[index] for index in combo]
    assert found.family_size >= supported


# --- parity with fairlearn -----------------------------------------------------------------

ADULT_FEATURES = ["age", "hours_per_week", "capital_gain", "relationship", "education_num"]


@pytest.fixture(scope="module")
def adult() -> pd.DataFrame:
    data = load_adult("test").reset_index(drop=True)
    rng = np.random.default_rng(11)
    raw = 0.06 * data["education_num"] + 0.01 * data["hours_per_week"] + rng.normal(0, 0.3, len(data))
    data["pred"] = (raw >= 1.3).astype(int)
    data["hours_per_week"] = data["hours_per_week"].astype("float64")
    data.loc[::53, "hours_per_week"] = np.nan  # a missing level, with missing="group"
    for column in ("sex", "race", "relationship"):
        data[column] = data[column].astype(str)
    return data


RATES: dict[str, Callable[..., float]] = {
    "accuracy": accuracy_score,
    "selection_rate": selection_rate,
    "true_positive_rate": true_positive_rate,
    "false_positive_rate": false_positive_rate,
    "false_negative_rate": false_negative_rate,
    "precision": partial(precision_score, zero_division=np.nan),
}


@pytest.mark.parametrize("metric", list(RATES))
def test_slice_values_match_metric_frame(adult: pd.DataFrame, metric: str) -> None:
    audit = fw.Audit.from_frame(adult, y_true="label", y_pred="pred", sensitive=["sex", "race"])
    found = audit.slices(ADULT_FEATURES, metric=metric, max_order=2, missing="group")
    hours = next(feature for feature in found.features if feature.name == "hours_per_week")
    assert hours.labels[-1] == "(missing)"
    levels = _levels(adult, found)
    names = [feature.name for feature in found.features]
    compared = 0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # scikit-learn warns on slices without a positive
        for combo in (combo for combo in found.stats if len(combo) <= 2):
            columns = [names[index] for index in combo]
            frame = MetricFrame(
                metrics=RATES[metric],
                y_true=adult["label"],
                y_pred=adult["pred"],
                sensitive_features=levels[columns],
            )
            by_group = frame.by_group
            for row in found.table[found.table["features"] == " × ".join(columns)].itertuples():
                key = tuple(
                    found.features[index].predicates.index(part)
                    for index, part in zip(combo, str(row.slice).split(" ∧ "), strict=True)
                )
                reference = by_group.loc[key if len(key) > 1 else key[0]]
                assert abs(row.value - reference) <= TOLERANCE, row.slice
                compared += 1
        # The rest of a slice: everyone outside it, for the 20 highest-ranked slices.
        for row in found.table.head(20).itertuples():
            inside = np.ones(len(adult), dtype=bool)
            for part in str(row.slice).split(" ∧ "):
                index = next(i for i, f in enumerate(found.features) if part in f.predicates)
                inside &= levels[names[index]].to_numpy() == found.features[index].predicates.index(part)
            frame = MetricFrame(
                metrics=RATES[metric], y_true=adult["label"], y_pred=adult["pred"], sensitive_features=inside
            )
            assert abs(row.rest_value - frame.by_group.loc[False]) <= TOLERANCE, row.slice
            assert abs(row.value - frame.by_group.loc[True]) <= TOLERANCE, row.slice
            assert row.size == int(inside.sum())
    assert compared > 60


def test_drill_down_matches_metric_frame(adult: pd.DataFrame) -> None:
    audit = fw.Audit.from_frame(adult, y_true="label", y_pred="pred", sensitive=["sex", "race"])
    found = audit.slices(ADULT_FEATURES, max_order=2, missing="group")
    top = found.significant.iloc[0]
    table = found.drill_down(top["slice"]).set_index("metric")
    inside = np.ones(len(adult), dtype=bool)
    levels = _levels(adult, found)
    for part in top["slice"].split(" ∧ "):
        feature = next(f for f in found.features if part in f.predicates)
        inside &= levels[feature.name].to_numpy() == feature.predicates.index(part)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        frame = MetricFrame(
            metrics=RATES, y_true=adult["label"], y_pred=adult["pred"], sensitive_features=inside
        )
    for metric in RATES:
        assert abs(table.loc[metric, "value"] - frame.by_group.loc[True, metric]) <= TOLERANCE
        assert abs(table.loc[metric, "rest_value"] - frame.by_group.loc[False, metric]) <= TOLERANCE
    assert table.loc["count", "value"] == inside.sum() == top["size"]
    # The same slice as a mapping of feature to level.
    parts = dict(part.split(" = ", 1) for part in top["slice"].split(" ∧ ") if " = " in part)
    if len(parts) == top["order"]:
        pd.testing.assert_frame_equal(found.drill_down(parts).set_index("metric"), table)


# --- the same slices on every engine --------------------------------------------------------

ENGINES = ("polars", "polars_lazy", "pyarrow", "duckdb", "dask", "spark")


@pytest.fixture(scope="module")
def small() -> pd.DataFrame:
    data = planted_data(3_000, 5)[["a", "b", "x", "z", "sex", "label", "pred"]]
    rng = np.random.default_rng(5)
    data = data.assign(
        label=np.where(data["label"] == 1, "yes", "no").astype(object),
        score=np.clip(data["pred"] * 0.6 + rng.uniform(0, 0.4, len(data)), 0, 1),
    )
    data.loc[::41, "z"] = np.nan
    return data.drop(columns="pred")


SMALL_SEARCH: dict[str, Any] = {"features": ["a", "b", "x", "z"], "missing": "group", "metric": "accuracy"}
SMALL_AUDIT: dict[str, Any] = {
    "y_true": "label",
    "y_score": "score",
    "pos_label": "yes",
    "sensitive": ["sex"],
}


@pytest.fixture(scope="module")
def small_expected(small: pd.DataFrame) -> Slices:
    found = fw.Audit.from_frame(small, **SMALL_AUDIT).slices(**SMALL_SEARCH)
    assert found.features[-1].labels[-1] == "(missing)"
    assert found.significant["order"].max() >= 2
    return found


def _assert_same_slices(actual: Slices, expected: Slices) -> None:
    assert actual.features == expected.features
    assert (actual.n_tested, actual.family_size) == (expected.n_tested, expected.family_size)
    pd.testing.assert_frame_equal(actual.table, expected.table, check_exact=True)


@pytest.mark.parametrize("engine", ENGINES)
def test_same_slices_on_every_engine(
    request: pytest.FixtureRequest, small: pd.DataFrame, small_expected: Slices, engine: str
) -> None:
    audit = fw.Audit.from_frame(native(engine, small, request), **SMALL_AUDIT)
    _assert_same_slices(audit.slices(**SMALL_SEARCH), small_expected)


@pytest.mark.parametrize("engine", ["polars_lazy", "duckdb"])
def test_same_slices_without_a_cube(
    request: pytest.FixtureRequest,
    monkeypatch: pytest.MonkeyPatch,
    small: pd.DataFrame,
    small_expected: Slices,
    engine: str,
) -> None:
    """When the cube of every feature would be too large to collect, each feature and each
    combination of features is a group-by of its own: the same slices."""
    monkeypatch.setattr(slice_engines, "MAX_CUBE_ROWS", 0)
    audit = fw.Audit.from_frame(native(engine, small, request), **SMALL_AUDIT)
    _assert_same_slices(audit.slices(**SMALL_SEARCH), small_expected)


def test_same_slices_from_arrays_and_a_feature_table(small: pd.DataFrame, small_expected: Slices) -> None:
    positive = (small["label"] == "yes").astype(int)
    audit = fw.Audit(positive, y_score=small["score"], sensitive=small[["sex"]])
    search = {key: value for key, value in SMALL_SEARCH.items() if key != "features"}
    _assert_same_slices(audit.slices(small[["a", "b", "x", "z"]], **search), small_expected)
    # A polars table of the same rows works too.
    _assert_same_slices(audit.slices(pl.from_pandas(small[["a", "b", "x", "z"]]), **search), small_expected)


# --- directions ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("metric", "worse"),
    [("false_positive_rate", None), ("selection_rate", "either"), ("true_positive_rate", "higher")],
)
def test_effect_points_the_way_worse_says(metric: str, worse: Any) -> None:
    data = planted_data(20_000, 1)
    audit = fw.Audit.from_frame(data, y_true="label", y_pred="pred", sensitive=["sex"])
    found = audit.slices(PLANTED_FEATURES, metric=metric, worse=worse, max_order=2)
    table = found.table
    difference = table["value"] - table["rest_value"]
    side = found.worse
    expected = {"lower": -difference, "higher": difference, "either": difference.abs()}[side]
    np.testing.assert_allclose(table["effect"], expected, atol=1e-12)
    assert (table["ci_low"] <= table["effect"] + 1e-12).all()
    assert (table["effect"] <= table["ci_high"] + 1e-12).all()
    assert side == {"false_positive_rate": "higher"}.get(metric, worse)
    if side != "either":  # one-sided: a slice better than the rest is never flagged
        assert (table.loc[table["significant"], "effect"] > 0).all()


# --- results: drill-down, cross, repr ------------------------------------------------------


def test_cross_is_the_grid_of_two_features(small: pd.DataFrame, small_expected: Slices) -> None:
    grid = small_expected.cross("a", "x")
    assert list(grid.columns[:2]) == ["a", "x"]
    assert len(grid) == 4 * 4
    assert grid["size"].sum() == len(small)
    flipped = small_expected.cross("x", "a")
    assert sorted(map(tuple, flipped[["x", "a"]].to_numpy())) == sorted(
        map(tuple, grid[["x", "a"]].to_numpy())
    )
    assert ("a", "x") in small_expected.crosses


def test_repr_lists_the_worst_slices(small_expected: Slices) -> None:
    text = repr(small_expected)
    assert text.startswith("Slices(accuracy, lower is worse;")
    assert "flagged at FDR 0.05" in text
    assert f"1. {small_expected.significant.loc[0, 'slice']}:" in text


def test_drill_down_errors_name_the_problem(small_expected: Slices) -> None:
    with pytest.raises(ValueError, match=_all_of("'a = a9'", "not a predicate", "table['slice']")):
        small_expected.drill_down("a = a9")
    with pytest.raises(ValueError, match=_all_of("'age'", "not a feature", "['sex', 'a', 'b', 'x', 'z']")):
        small_expected.drill_down({"age": "[0, 1)"})
    with pytest.raises(ValueError, match=_all_of("'a7'", "not a level of 'a'", "'a0'")):
        small_expected.drill_down({"a": "a7"})


# --- bad input -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def bad() -> pd.DataFrame:
    rng = np.random.default_rng(3)
    n = 100_000
    return pd.DataFrame(
        {
            "label": rng.integers(0, 2, n),
            "pred": rng.integers(0, 2, n),
            "sex": rng.choice(["F", "M"], n),
            "age": np.where(rng.random(n) < 0.01, np.nan, rng.uniform(18, 90, n)),
            "country": "DE",
            "customer_id": [f"id{i:06d}" for i in range(n)],
            "hours": rng.integers(10, 60, n),
        }
    )


AUDIT_KWARGS: dict[str, Any] = {"y_true": "label", "y_pred": "pred", "sensitive": ["sex"]}
BAD_CASES = [
    pytest.param(
        {"features": ["age"]},
        ("'age'", "missing value(s)", "fillna", "missing='group'", "'(missing)'"),
        id="NaN in a numeric feature",
    ),
    pytest.param(
        {"features": ["country"]},
        ("'country'", "single value", "'DE'", "Drop it from features"),
        id="constant",
    ),
    pytest.param(
        {"features": ["customer_id"]},
        ("'customer_id'", "100,000 distinct values", "identifier", "Drop it from features"),
        id="100,000 levels",
    ),
    pytest.param(
        {"features": ["hours"], "min_support": 200_000},
        ("min_support=200000", "100,000 people in all", "Lower it", "0.01"),
        id="min_support above the data",
    ),
    pytest.param(
        {"features": ["income"]}, ("'income'", "not a column", "'customer_id'"), id="unknown column"
    ),
    pytest.param({"max_order": 0}, ("max_order", "at least 1", "0"), id="max_order 0"),
    pytest.param({"metric": "f1"}, ("metric='f1'", "choose a rate", "accuracy"), id="metric not a rate"),
    pytest.param({"worse": "bigger"}, ("worse", "'lower', 'higher', 'either'"), id="unknown worse"),
    pytest.param({"fdr": 1.5}, ("fdr", "(0, 1)", "1.5"), id="fdr above 1"),
    pytest.param({"min_support": 0}, ("min_support", "integer >= 1", "fraction"), id="min_support 0"),
    pytest.param({"n_bins": 1}, ("n_bins", "at least 2"), id="one bin"),
    pytest.param({"include_sensitive": False}, ("No features to slice by", "features="), id="no features"),
]


@pytest.mark.parametrize(("kwargs", "message"), BAD_CASES)
@pytest.mark.parametrize("engine", ["pandas", "polars"])
def test_bad_input_names_the_problem_and_the_fix(
    bad: pd.DataFrame, engine: str, kwargs: dict[str, Any], message: tuple[str, ...]
) -> None:
    data = bad if engine == "pandas" else pl.from_pandas(bad)
    audit = fw.Audit.from_frame(data, **AUDIT_KWARGS)
    with pytest.raises(ValueError, match=_all_of(*message)):
        audit.slices(**kwargs)


def test_missing_values_as_a_level(bad: pd.DataFrame) -> None:
    found = fw.Audit.from_frame(bad, **AUDIT_KWARGS).slices(["age"], missing="group", max_order=1)
    age = found.features[1]
    assert age.labels[-1] == "(missing)"
    assert found.table.set_index("slice").loc["age is missing", "size"] == bad["age"].isna().sum()


def test_mismatched_rows(bad: pd.DataFrame) -> None:
    audit = fw.Audit(bad["label"], y_pred=bad["pred"], sensitive=bad[["sex"]])
    with pytest.raises(
        ValueError, match=_all_of("features has 99,999 rows", "the audit 100,000", "same order")
    ):
        audit.slices(bad[["hours"]].iloc[1:])
    with pytest.raises(
        ValueError, match=_all_of("'hours'", "built from arrays", "features=df[['hours', ...]]")
    ):
        audit.slices(["hours"])
    with pytest.raises(ValueError, match=_all_of("features must be column names or a table", "dict")):
        audit.slices({"hours": bad["hours"]})
    # One column as a Series works.
    assert audit.slices(bad["hours"], max_order=1).features[1].name == "hours"


def test_lazy_feature_table_and_counts_only_audit(bad: pd.DataFrame, request: pytest.FixtureRequest) -> None:
    audit = fw.Audit(bad["label"], y_pred=bad["pred"], sensitive=bad[["sex"]])
    with pytest.raises(ValueError, match=_all_of("lazy table", "pass their names")):
        audit.slices(pl.from_pandas(bad[["hours"]]).lazy())
    counts_only = fw.Audit.from_cells(audit.cells)
    with pytest.raises(ValueError, match=_all_of("from counts", "Audit.from_frame")):
        counts_only.slices()
    duckdb_table = native("duckdb", bad[["label", "pred", "sex", "hours"]], request)
    lazy_audit = fw.Audit.from_frame(duckdb_table, **AUDIT_KWARGS)
    with pytest.raises(ValueError, match=_all_of("audited table is lazy", "column names")):
        lazy_audit.slices(bad[["hours"]])


def test_identifier_refused_on_an_engine_before_grouping(
    request: pytest.FixtureRequest, bad: pd.DataFrame
) -> None:
    import_engine("duckdb")
    audit = fw.Audit.from_frame(native("duckdb", bad, request), **AUDIT_KWARGS)
    with pytest.raises(ValueError, match=_all_of("'customer_id'", "100,000 distinct values", "identifier")):
        audit.slices(["customer_id"])


def test_sensitive_only_by_default() -> None:
    data = planted_data(2_000, 0)
    audit = fw.Audit(data["label"], y_pred=data["pred"], sensitive=data[["sex", "a"]])
    found = audit.slices()
    assert [feature.name for feature in found.features] == ["sex", "a"]
    assert set(found.table["order"]) == {1, 2}
    assert found.significant.loc[0, "slice"] == "a = a1"
