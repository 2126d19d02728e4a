"""Parity with the reference libraries on real data, to 1e-9.

A logistic regression trained on Adult scores the Adult test set. Every group metric,
disparity and inequality index the Audit shares with fairlearn, aif360 and scikit-learn
is compared on single attributes (sex, race) and intersections (sex × race, and the 40
groups of sex × race × age band).

Definitions that differ on purpose are pinned by their own tests: a rate with nobody to
measure is NaN here, where fairlearn reports 0.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from typing import Any

import fairlearn.metrics as flm
import numpy as np
import pandas as pd
import pytest
from fairlearn.metrics import (
    MetricFrame,
    count,
    false_negative_rate,
    false_positive_rate,
    selection_rate,
    true_negative_rate,
    true_positive_rate,
)
from sklearn.metrics import (
    accuracy_score,
    balanced_accuracy_score,
    f1_score,
    precision_score,
    recall_score,
    roc_auc_score,
)

from fairness_widgets import Audit
from fairness_widgets.compute.disparities import FOUR_FIFTHS, FOUR_FIFTHS_FLAG
from fairness_widgets.compute.metrics import COUNT_METRICS
from fairness_widgets.datasets import load_adult
from tests.reference_setup import NUMERIC as MODEL_NUMERIC
from tests.reference_setup import adult_model, import_quietly

aif = import_quietly("aif360.sklearn.metrics")

NUMERIC = list(MODEL_NUMERIC)
CATEGORICAL = ["marital_status", "relationship", "occupation"]
FEATURES = NUMERIC + CATEGORICAL
AGE_BANDS = ["<30", "30-44", "45-59", "60+"]
SENSITIVE = ["sex", "race", "age_band"]
#: aif360's privileged group per column; intersections use the crossed group.
REFERENCE = {"sex": "Male", "race": "White", "age_band": "30-44"}
CROSS = " × "
TOLERANCE = 1e-9

#: Our view name -> the sensitive columns behind it.
VIEWS = {
    "sex": ["sex"],
    "race": ["race"],
    "sex × race": ["sex", "race"],
    "sex × race × age_band": ["sex", "race", "age_band"],
}
#: Views in which every group has both classes: rates are defined for every group.
FULLY_DEFINED = ["sex", "race", "sex × race"]


@contextmanager
def _quiet() -> Iterator[None]:
    """scikit-learn warns on every group without a positive; those groups are checked apart."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield


def _group_names(test: pd.DataFrame, columns: list[str]) -> pd.Series:
    """Each row's group, named like ours ("Male × White")."""
    names = test[columns[0]].astype(str)
    for column in columns[1:]:
        names = names + CROSS + test[column].astype(str)
    return names


@dataclass(frozen=True)
class Scored:
    test: pd.DataFrame
    score: np.ndarray
    y_pred: np.ndarray
    audit: Audit  # default resolution (1e-4 score bins)
    exact: Audit  # resolution=None: every distinct score kept
    group_names: dict[str, pd.Series]

    @property
    def y_true(self) -> pd.Series:
        return self.test["label"]

    def groups(self, view: str) -> pd.Series:
        """Each row's group in ``view``."""
        return self.group_names[view]

    def with_prot_attr(self, view: str) -> pd.Series:
        """y_true indexed by the group, which is where aif360 reads the protected attribute."""
        return self.y_true.set_axis(pd.Index(self.groups(view), name="group"))


@pytest.fixture(scope="module")
def adult() -> Scored:
    test = load_adult("test")
    score = adult_model(tuple(CATEGORICAL)).predict_proba(test[FEATURES])[:, 1]
    test = test.assign(
        age_band=pd.cut(test["age"], bins=[0, 30, 45, 60, 200], right=False, labels=AGE_BANDS)
    ).reset_index(drop=True)
    y_pred = (score >= 0.5).astype(int)
    # A model that predicts one class only, or ties, would make the comparisons weak.
    assert 0.1 < y_pred.mean() < 0.4
    assert len(np.unique(score)) > 10_000
    return Scored(
        test=test,
        score=score,
        y_pred=y_pred,
        audit=Audit(test["label"], y_score=score, sensitive=test[SENSITIVE]),
        exact=Audit(test["label"], y_score=score, sensitive=test[SENSITIVE], resolution=None),
        group_names={view: _group_names(test, columns) for view, columns in VIEWS.items()},
    )


def _ours(frame: pd.DataFrame, view: str, metric: str, column: str = "value") -> pd.Series:
    rows = frame[(frame["attribute"] == view) & (frame["metric"] == metric)]
    assert rows["group"].is_unique
    assert len(rows) > 0
    return rows.set_index("group")[column]


def _row(frame: pd.DataFrame, view: str, measure: str, versus: str) -> pd.Series:
    rows = frame[(frame["attribute"] == view) & (frame["measure"] == measure) & (frame["versus"] == versus)]
    assert len(rows) == 1, (view, measure, versus)
    return rows.iloc[0]


def _base_rate(y_true: Any, y_pred: Any) -> float:
    return float(np.mean(y_true))


#: Our metric key -> fairlearn's function, else scikit-learn's (undefined -> NaN).
METRIC_FRAME: dict[str, Callable[..., float]] = {
    "selection_rate": selection_rate,
    "true_positive_rate": true_positive_rate,
    "false_positive_rate": false_positive_rate,
    "false_negative_rate": false_negative_rate,
    "true_negative_rate": true_negative_rate,
    "accuracy": accuracy_score,
    "balanced_accuracy": balanced_accuracy_score,
    "precision": partial(precision_score, zero_division=np.nan),
    "negative_predictive_value": partial(precision_score, pos_label=0, zero_division=np.nan),
    "f1": partial(f1_score, zero_division=np.nan),
    "count": count,
    "base_rate": _base_rate,
}


def test_views_are_every_column_and_every_cross(adult: Scored) -> None:
    assert [view.name for view in adult.audit.views] == [
        "sex",
        "race",
        "age_band",
        "sex × race",
        "sex × age_band",
        "race × age_band",
        "sex × race × age_band",
    ]
    finest = adult.audit.views[-1]
    assert finest.n_groups == 40
    assert set(finest.levels) == set(adult.groups("sex × race × age_band"))


# --- fairlearn: MetricFrame.by_group ---------------------------------------------------


@pytest.fixture(scope="module")
def metric_frames(adult: Scored) -> dict[str, MetricFrame]:
    frames = {}
    with _quiet():
        for view, columns in VIEWS.items():
            frame = MetricFrame(
                metrics=METRIC_FRAME,
                y_true=adult.y_true,
                y_pred=adult.y_pred,
                sensitive_features=adult.test[columns].astype(str),
            )
            by_group = frame.by_group
            if len(columns) > 1:
                assert isinstance(by_group.index, pd.MultiIndex)
            frames[view] = frame
    return frames


def _joined(by_group: pd.DataFrame) -> pd.DataFrame:
    keys = by_group.index
    names = [CROSS.join(key) if isinstance(key, tuple) else str(key) for key in keys]
    return by_group.set_axis(names)


@pytest.fixture(scope="module")
def ours_by_group(adult: Scored) -> pd.DataFrame:
    return adult.audit.by_group(list(METRIC_FRAME), attributes=list(VIEWS))


@pytest.mark.parametrize("view", list(VIEWS))
@pytest.mark.parametrize("metric", list(METRIC_FRAME))
def test_by_group_matches_metric_frame(
    adult: Scored, metric_frames: dict[str, MetricFrame], ours_by_group: pd.DataFrame, view: str, metric: str
) -> None:
    reference = _joined(metric_frames[view].by_group)[metric].astype(float)
    ours = _ours(ours_by_group, view, metric)
    n = _ours(ours_by_group, view, metric, "n")
    assert set(ours.index) == set(reference.index)
    reference = reference.reindex(ours.index)
    # Measured on nobody (e.g. balanced accuracy of a one-class group): NaN, compared apart.
    defined = n > 0
    assert ours[~defined].isna().all()
    assert defined.sum() >= 2
    if view in FULLY_DEFINED:
        assert defined.all()
    np.testing.assert_allclose(ours[defined], reference[defined], rtol=0, atol=TOLERANCE)


def test_rates_of_nobody_are_nan_where_fairlearn_says_zero(
    metric_frames: dict[str, MetricFrame], ours_by_group: pd.DataFrame
) -> None:
    view = "sex × race × age_band"
    reference = _joined(metric_frames[view].by_group)
    n = _ours(ours_by_group, view, "true_positive_rate", "n")
    no_positives = list(n.index[n == 0])
    assert len(no_positives) == 7
    for metric in ("true_positive_rate", "false_negative_rate", "balanced_accuracy"):
        assert _ours(ours_by_group, view, metric)[no_positives].isna().all(), metric
    # fairlearn scores both the TPR and the FNR of a group without positives 0 (they no
    # longer sum to 1); scikit-learn's balanced accuracy falls back to the one class's recall.
    assert (reference.loc[no_positives, "true_positive_rate"] == 0).all()
    assert (reference.loc[no_positives, "false_negative_rate"] == 0).all()
    assert reference.loc[no_positives, "balanced_accuracy"].notna().all()


def test_overall_matches_metric_frame_overall(adult: Scored, metric_frames: dict[str, MetricFrame]) -> None:
    reference = metric_frames["sex"].overall.astype(float)
    ours = adult.audit.overall(list(METRIC_FRAME))
    np.testing.assert_allclose(
        ours[list(METRIC_FRAME)], reference[list(METRIC_FRAME)], rtol=0, atol=TOLERANCE
    )
    assert ours["count"] == len(adult.test)


# --- fairlearn: between-group differences and ratios -----------------------------------

#: Our between-groups measure -> (MetricFrame column, difference or ratio).
BETWEEN = {
    "demographic_parity_difference": ("selection_rate", "difference"),
    "demographic_parity_ratio": ("selection_rate", "ratio"),
    "equal_opportunity_difference": ("true_positive_rate", "difference"),
    "equal_opportunity_ratio": ("true_positive_rate", "ratio"),
    "predictive_parity_difference": ("precision", "difference"),
    "predictive_parity_ratio": ("precision", "ratio"),
    "accuracy_difference": ("accuracy", "difference"),
}


@pytest.fixture(scope="module")
def ours_disparities(adult: Scored) -> pd.DataFrame:
    return adult.audit.disparities(attributes=list(VIEWS), reference=REFERENCE)


@pytest.fixture(scope="module")
def spread_frames(adult: Scored) -> dict[str, MetricFrame]:
    """Rates that are NaN (not fairlearn's 0) for groups without anyone to measure."""
    metrics = {
        "selection_rate": selection_rate,
        "true_positive_rate": partial(recall_score, zero_division=np.nan),
        "false_positive_rate": partial(recall_score, pos_label=0, zero_division=np.nan),
        "precision": partial(precision_score, zero_division=np.nan),
        "accuracy": accuracy_score,
    }
    with _quiet():
        return {
            view: MetricFrame(
                metrics=metrics,
                y_true=adult.y_true,
                y_pred=adult.y_pred,
                sensitive_features=adult.test[columns].astype(str),
            )
            for view, columns in VIEWS.items()
        }


@pytest.mark.parametrize("view", list(VIEWS))
def test_between_groups_match_metric_frame_difference_and_ratio(
    spread_frames: dict[str, MetricFrame], ours_disparities: pd.DataFrame, view: str
) -> None:
    frame = spread_frames[view]
    # recall of the negatives is the true negative rate: FPR = 1 - it.
    by_group = frame.by_group.assign(false_positive_rate=lambda f: 1 - f["false_positive_rate"])
    difference = frame.difference(method="between_groups")
    ratio = frame.ratio(method="between_groups")
    for measure, (metric, statistic) in BETWEEN.items():
        expected = difference[metric] if statistic == "difference" else ratio[metric]
        got = _row(ours_disparities, view, measure, "between groups")
        assert got["value"] == pytest.approx(expected, rel=0, abs=TOLERANCE), measure
    tpr, fpr = by_group["true_positive_rate"], by_group["false_positive_rate"]
    odds_difference = max(tpr.max() - tpr.min(), fpr.max() - fpr.min())
    odds_ratio = min(tpr.min() / tpr.max(), fpr.min() / fpr.max())
    got = _row(ours_disparities, view, "equalized_odds_difference", "between groups")["value"]
    assert got == pytest.approx(odds_difference, rel=0, abs=TOLERANCE)
    got = _row(ours_disparities, view, "equalized_odds_ratio", "between groups")["value"]
    assert got == pytest.approx(odds_ratio, rel=0, abs=TOLERANCE)


#: Our between-groups measure -> fairlearn's function of the same name.
FAIRLEARN_FUNCTIONS = [
    "demographic_parity_difference",
    "demographic_parity_ratio",
    "equal_opportunity_difference",
    "equal_opportunity_ratio",
    "equalized_odds_difference",
    "equalized_odds_ratio",
]


#: None of the 3 Amer-Indian-Eskimo women with a positive label is predicted positive.
ZERO_TPR_RATIO = {("sex × race", "equal_opportunity_ratio"), ("sex × race", "equalized_odds_ratio")}


@pytest.mark.parametrize("view", FULLY_DEFINED)
@pytest.mark.parametrize("measure", FAIRLEARN_FUNCTIONS)
def test_between_groups_match_fairlearn_functions(
    adult: Scored, ours_by_group: pd.DataFrame, ours_disparities: pd.DataFrame, view: str, measure: str
) -> None:
    function = getattr(flm, measure)
    expected = function(adult.y_true, adult.y_pred, sensitive_features=adult.test[VIEWS[view]].astype(str))
    got = _row(ours_disparities, view, measure, "between groups")["value"]
    assert got == pytest.approx(expected, rel=0, abs=TOLERANCE)
    if (view, measure) in ZERO_TPR_RATIO:
        assert got == 0
        assert _ours(ours_by_group, view, "true_positive_rate")["Female × Amer-Indian-Eskimo"] == 0
    else:  # not a degenerate 0 or 1 that a wrong formula could hit as well
        assert 0.01 < got < 0.99


def test_demographic_parity_functions_on_forty_groups(adult: Scored, ours_disparities: pd.DataFrame) -> None:
    view = "sex × race × age_band"
    features = adult.test[VIEWS[view]].astype(str)
    for measure in ("demographic_parity_difference", "demographic_parity_ratio"):
        expected = getattr(flm, measure)(adult.y_true, adult.y_pred, sensitive_features=features)
        got = _row(ours_disparities, view, measure, "between groups")["value"]
        assert got == pytest.approx(expected, rel=0, abs=TOLERANCE), measure


def test_equal_opportunity_functions_on_forty_groups(
    adult: Scored, ours_by_group: pd.DataFrame, ours_disparities: pd.DataFrame
) -> None:
    # fairlearn scores the TPR of the 7 groups without positives 0; we leave them out.
    # Give fairlearn only the groups with positives and the two definitions agree.
    view = "sex × race × age_band"
    positives = _ours(ours_by_group, view, "true_positive_rate", "n")
    keep = adult.groups(view).isin(positives.index[positives > 0]).to_numpy()
    assert 0 < (~keep).sum() < 100
    features = adult.test.loc[keep, VIEWS[view]].astype(str)
    for measure in ("equal_opportunity_difference", "equal_opportunity_ratio"):
        expected = getattr(flm, measure)(adult.y_true[keep], adult.y_pred[keep], sensitive_features=features)
        got = _row(ours_disparities, view, measure, "between groups")["value"]
        assert got == pytest.approx(expected, rel=0, abs=TOLERANCE), measure


# --- aif360: against the privileged group -----------------------------------------------

#: Our "others vs reference" measure -> aif360's function of the same name.
AIF360_FUNCTIONS = [
    "statistical_parity_difference",
    "disparate_impact_ratio",
    "equal_opportunity_difference",
    "average_odds_difference",
]


@pytest.mark.parametrize("view", list(VIEWS))
@pytest.mark.parametrize("measure", AIF360_FUNCTIONS)
def test_against_reference_matches_aif360(
    adult: Scored, ours_disparities: pd.DataFrame, view: str, measure: str
) -> None:
    privileged = CROSS.join(REFERENCE[column] for column in VIEWS[view])
    expected = getattr(aif, measure)(
        adult.with_prot_attr(view), adult.y_pred, prot_attr="group", priv_group=privileged
    )
    got = _row(ours_disparities, view, measure, f"others vs {privileged}")["value"]
    assert got == pytest.approx(expected, rel=0, abs=TOLERANCE)
    assert got != 0


def test_disparate_impact_of_an_unselected_reference_is_nan_where_aif360_says_zero() -> None:
    # Nobody of the reference group "a" is selected: the ratio is undefined.
    y_true = pd.Series([0, 1, 0, 1, 0, 1], index=pd.Index(list("aabbcc"), name="group"))
    y_pred = np.array([0, 0, 1, 1, 0, 1])
    with _quiet():
        theirs = aif.disparate_impact_ratio(y_true, y_pred, prot_attr="group", priv_group="a")
    assert theirs == 0  # aif360's zero_division="warn" acts as 0
    table = Audit(y_true.to_numpy(), y_pred=y_pred, sensitive={"group": list("aabbcc")}).disparities(
        reference={"group": "a"}
    )
    ours = _row(table, "group", "disparate_impact_ratio", "others vs a")
    assert np.isnan(ours["value"])
    assert ours["flag"] == ""  # undefined, so not "fails the four-fifths rule"


@pytest.mark.parametrize("threshold", [0.5, 0.3])
@pytest.mark.parametrize(("measure", "alpha"), [("generalized_entropy_index", 2), ("theil_index", 1)])
def test_generalized_entropy_matches_aif360(
    adult: Scored, threshold: float, measure: str, alpha: int
) -> None:
    ours = adult.exact.disparities(attributes="sex", threshold=threshold)
    expected = aif.generalized_entropy_error(
        adult.y_true, (adult.score >= threshold).astype(int), alpha=alpha
    )
    got = _row(ours, "(all rows)", measure, "individuals")["value"]
    assert got == pytest.approx(expected, rel=0, abs=TOLERANCE)
    assert got > 0.01


@pytest.mark.parametrize("view", list(VIEWS))
def test_between_group_generalized_entropy_matches_aif360(
    adult: Scored, ours_disparities: pd.DataFrame, view: str
) -> None:
    # Without priv_group aif360 replaces each benefit by the mean of its group, every group.
    expected = aif.between_group_generalized_entropy_error(
        adult.with_prot_attr(view), adult.y_pred, prot_attr="group"
    )
    got = _row(ours_disparities, view, "between_group_generalized_entropy", "between groups")["value"]
    assert got == pytest.approx(expected, rel=0, abs=TOLERANCE)
    assert got > 0


# --- scores: AUC, other thresholds, calibration -----------------------------------------


def _auc_by_group(adult: Scored, view: str) -> pd.Series:
    frame = pd.DataFrame({"group": adult.groups(view), "y": adult.y_true, "score": adult.score})
    return pd.Series(
        {
            str(name): roc_auc_score(rows["y"], rows["score"])
            for name, rows in frame.groupby("group")
            if rows["y"].nunique() == 2
        }
    )


@pytest.mark.parametrize("view", list(VIEWS))
def test_exact_auc_matches_roc_auc_score(adult: Scored, view: str) -> None:
    ours = _ours(adult.exact.by_group(["auc"], attributes=view), view, "auc")
    expected = _auc_by_group(adult, view)
    # Undefined (NaN) exactly for the groups with one class.
    assert set(ours.dropna().index) == set(expected.index)
    assert len(expected) >= 2
    np.testing.assert_allclose(ours[expected.index], expected, rtol=0, atol=TOLERANCE)


@pytest.mark.parametrize("view", list(VIEWS))
def test_binned_auc_is_within_its_resolution(adult: Scored, view: str) -> None:
    ours = _ours(adult.audit.by_group(["auc"], attributes=view), view, "auc")
    expected = _auc_by_group(adult, view)
    assert set(ours.dropna().index) == set(expected.index)
    error = (ours[expected.index] - expected).abs()
    # A positive and a negative in one 1e-4 score bin count as a tie (one half), so the
    # error is at most half the share of such pairs: 0.002 for 3 positives among 240.
    rows = pd.DataFrame({"group": adult.groups(view), "y": adult.y_true, "bin": np.floor(adult.score / 1e-4)})
    per_bin = rows.groupby(["group", "bin"])["y"].agg(["sum", "size"])
    tied = (per_bin["sum"] * (per_bin["size"] - per_bin["sum"])).groupby(level="group").sum()
    per_group = rows.groupby("group")["y"].agg(["sum", "size"])
    pairs = per_group["sum"] * (per_group["size"] - per_group["sum"])
    bound = (tied / (2 * pairs))[expected.index]
    assert (error <= bound + 1e-12).all()
    if view in FULLY_DEFINED:  # groups of 100+ people
        assert error.max() < 1e-3
    assert error.max() > 0  # binned, not exact


def _count_tables(audit: Audit, threshold: float | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    views = list(VIEWS)
    return (
        audit.by_group(list(COUNT_METRICS), attributes=views, threshold=threshold),
        audit.disparities(attributes=views, reference=REFERENCE, threshold=threshold),
    )


@pytest.mark.parametrize(
    ("resolution", "threshold"),
    [(None, 0.3), (None, 0.25), (None, 0.7), (None, 0.123456), ("default", 0.3), ("default", 0.25)],
)
def test_other_threshold_equals_an_audit_of_those_predictions(
    adult: Scored, resolution: str | None, threshold: float
) -> None:
    audit = adult.exact if resolution is None else adult.audit
    by_group, disparities = _count_tables(audit, threshold)
    thresholded = Audit(adult.y_true, y_pred=adult.score >= threshold, sensitive=adult.test[SENSITIVE])
    expected_by_group, expected_disparities = _count_tables(thresholded)
    pd.testing.assert_frame_equal(by_group, expected_by_group)
    pd.testing.assert_frame_equal(disparities, expected_disparities)
    # ... and differs from the audit threshold's.
    assert not by_group["value"].equals(_count_tables(audit)[0]["value"])


@pytest.mark.parametrize(
    "resolution",
    [
        None,
        "default",
    ],
)
def test_threshold_on_a_bin_edge_with_scores_on_it(adult: Scored, resolution: str | None) -> None:
    # Scores on a grid (a score card, a small forest's votes) sit exactly on bin edges.
    score = np.round(adult.score, 2)
    kwargs: dict[str, Any] = {"resolution": None} if resolution is None else {}
    audit = Audit(adult.y_true, y_score=score, sensitive=adult.test[["sex", "race"]], **kwargs)
    for threshold in (0.3, 0.7):
        assert (score == threshold).sum() > 10
        thresholded = Audit(adult.y_true, y_pred=score >= threshold, sensitive=adult.test[["sex", "race"]])
        pd.testing.assert_frame_equal(
            audit.by_group(["selection_rate", "true_positive_rate"], threshold=threshold),
            thresholded.by_group(["selection_rate", "true_positive_rate"]),
        )


@pytest.mark.parametrize("view", list(VIEWS))
def test_ece_matches_a_hand_computation(adult: Scored, view: str) -> None:
    rows = pd.DataFrame(
        {
            "group": adult.groups(view),
            "y": adult.y_true,
            "score": adult.score,
            "bin": np.clip(np.floor(adult.score * 10), 0, 9),
        }
    )
    expected = {}
    for name, group in rows.groupby("group"):
        bins = group.groupby("bin").agg(n=("y", "size"), observed=("y", "mean"), predicted=("score", "mean"))
        expected[name] = float((bins["n"] * (bins["observed"] - bins["predicted"]).abs()).sum() / len(group))
    ours = _ours(adult.exact.by_group(["ece"], attributes=view), view, "ece")
    assert set(ours.index) == set(expected)
    np.testing.assert_allclose(ours[list(expected)], list(expected.values()), rtol=0, atol=TOLERANCE)
    assert (ours > 0).all()


# --- flags and intervals -----------------------------------------------------------------


def test_four_fifths_flag_exactly_when_the_ratio_is_below_0_8(adult: Scored) -> None:
    ratios = []
    for threshold in (0.01, 0.02, 0.5):
        table = adult.exact.disparities(reference=REFERENCE, threshold=threshold)
        is_ratio = table["measure"].isin(["demographic_parity_ratio", "disparate_impact_ratio"])
        assert (table.loc[~is_ratio, "flag"] == "").all()
        ratios.append(table[is_ratio])
    rows = pd.concat(ratios)
    below = rows["value"] < FOUR_FIFTHS
    assert ((rows["flag"] == FOUR_FIFTHS_FLAG) == below).all()
    # Both outcomes occur, so the check can tell them apart.
    assert below.any()
    assert (~below).any()


def test_bootstrap_intervals_are_reproducible(adult: Scored) -> None:
    views = ["sex", "race"]
    metrics = ["f1", "balanced_accuracy"]
    first = adult.audit.by_group(metrics, attributes=views, seed=7)
    again = adult.audit.by_group(metrics, attributes=views, seed=7)
    other = adult.audit.by_group(metrics, attributes=views, seed=8)
    pd.testing.assert_frame_equal(first, again)
    assert (first["ci_low"] != other["ci_low"]).all()
    assert (first["ci_high"] != other["ci_high"]).all()
    pd.testing.assert_series_equal(first["value"], other["value"])
    # Large groups (135 people and more): the point estimate lies inside its interval.
    assert (first["group_size"] >= 135).all()
    assert (first["ci_low"] <= first["value"]).all()
    assert (first["value"] <= first["ci_high"]).all()
    assert (first["ci_low"] < first["ci_high"]).all()


def test_disparity_intervals_are_reproducible(adult: Scored) -> None:
    first = adult.audit.disparities(attributes="sex", reference=REFERENCE, seed=7)
    again = adult.audit.disparities(attributes="sex", reference=REFERENCE, seed=7)
    other = adult.audit.disparities(attributes="sex", reference=REFERENCE, seed=8)
    pd.testing.assert_frame_equal(first, again)
    pd.testing.assert_series_equal(first["value"], other["value"])
    assert (first["ci_low"] != other["ci_low"]).all()
    assert (first["ci_high"] != other["ci_high"]).all()
    assert first[["ci_low", "ci_high"]].notna().all().all()
    assert (first["ci_low"] <= first["value"]).all()
    assert (first["value"] <= first["ci_high"]).all()
