"""Audit.by_group / Audit.overall agree with fairlearn and scikit-learn on real data."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

import numpy as np
import pandas as pd
import pytest
from fairlearn.metrics import (
    MetricFrame,
    count,
    false_negative_rate,
    false_positive_rate,
    selection_rate,
    true_positive_rate,
)
from scipy.stats import norm
from sklearn.metrics import accuracy_score, confusion_matrix, precision_score, recall_score

from fairness_widgets import Audit
from fairness_widgets.compute import METRICS
from fairness_widgets.compute.audit import DEFAULT_METRICS
from fairness_widgets.compute.metrics import COUNT_METRICS
from fairness_widgets.datasets import load_adult
from tests.reference_setup import NUMERIC as MODEL_NUMERIC
from tests.reference_setup import adult_model

NUMERIC = list(MODEL_NUMERIC)
CATEGORICAL = ["marital_status", "relationship", "occupation"]
CROSS = " × "
TOLERANCE = 1e-12


def _base_rate(y_true: pd.Series, y_pred: np.ndarray) -> float:
    return float(np.mean(y_true))


#: Our metric key -> the reference implementation (fairlearn, else scikit-learn).
REFERENCE: dict[str, Callable[..., float]] = {
    "selection_rate": selection_rate,
    "true_positive_rate": true_positive_rate,
    "false_positive_rate": false_positive_rate,
    "false_negative_rate": false_negative_rate,
    "accuracy": accuracy_score,
    "precision": partial(precision_score, zero_division=np.nan),
    "count": count,
    "base_rate": _base_rate,
}


@dataclass(frozen=True)
class Fitted:
    test: pd.DataFrame
    y_pred: np.ndarray
    audit: Fitted
    frame: pd.DataFrame


@pytest.fixture(scope="module")
def audit() -> Fitted:
    test = load_adult("test")
    y_pred = adult_model(tuple(CATEGORICAL)).predict(test[NUMERIC + CATEGORICAL])
    # A model that predicts one class only would make the comparison weak.
    assert 0.1 < y_pred.mean() < 0.4
    audit = Audit(test["label"], y_pred=y_pred, sensitive=test[["sex", "race"]])
    return Fitted(test=test, y_pred=y_pred, audit=audit, frame=audit.by_group(list(audit.metrics)))


def _ours(frame: pd.DataFrame, attribute: str, metric: str, column: str = "value") -> pd.Series:
    rows = frame[(frame["attribute"] == attribute) & (frame["metric"] == metric)]
    assert rows["group"].is_unique
    return rows.set_index("group")[column]


#: Our attribute name -> the columns fairlearn is given as sensitive_features.
ATTRIBUTES = {"sex": ["sex"], "race": ["race"], "sex × race": ["sex", "race"]}


@pytest.fixture(scope="module")
def fairlearn_by_group(audit: Fitted) -> dict[str, pd.DataFrame]:
    """MetricFrame.by_group per attribute, the intersection's MultiIndex joined like ours."""
    result = {}
    for attribute, sensitive in ATTRIBUTES.items():
        features = audit.test[sensitive] if len(sensitive) > 1 else audit.test[sensitive[0]]
        by_group = MetricFrame(
            metrics=REFERENCE, y_true=audit.test["label"], y_pred=audit.y_pred, sensitive_features=features
        ).by_group
        if len(sensitive) > 1:
            assert isinstance(by_group.index, pd.MultiIndex)
            by_group.index = [CROSS.join(map(str, key)) for key in by_group.index]
        else:
            by_group.index = [str(key) for key in by_group.index]
        result[attribute] = by_group
    return result


@pytest.mark.parametrize("attribute", list(ATTRIBUTES))
@pytest.mark.parametrize("metric", list(REFERENCE))
def test_matches_fairlearn_metric_frame(
    audit: Fitted, fairlearn_by_group: dict[str, pd.DataFrame], attribute: str, metric: str
) -> None:
    reference = fairlearn_by_group[attribute][metric].astype(float)
    ours = _ours(audit.frame, attribute, metric)
    assert set(ours.index) == set(reference.index)
    ours = ours.reindex(reference.index)
    assert ours.notna().all()
    np.testing.assert_allclose(ours.to_numpy(), reference.to_numpy(), rtol=0, atol=TOLERANCE)


def test_intersection_has_every_observed_combination(audit: Fitted) -> None:
    observed = audit.test.groupby(["sex", "race"], observed=True).size()
    expected = {f"{sex}{CROSS}{race}" for sex, race in observed.index}
    groups = audit.frame.loc[audit.frame["attribute"] == "sex × race", "group"]
    assert set(groups) == expected
    assert len(expected) == 10


def test_every_metric_for_every_group(audit: Fitted) -> None:
    # Hard predictions: every metric but the score metrics (AUC, calibration error).
    assert audit.audit.metrics == COUNT_METRICS
    assert set(METRICS) - set(COUNT_METRICS) == {"auc", "ece"}
    sizes = audit.frame.groupby("attribute", sort=False).size()
    assert sizes.to_dict() == {
        "sex": 2 * len(COUNT_METRICS),
        "race": 5 * len(COUNT_METRICS),
        "sex × race": 10 * len(COUNT_METRICS),
    }
    assert list(audit.frame.columns) == [
        "attribute",
        "group",
        "metric",
        "value",
        "ci_low",
        "ci_high",
        "n",
        "group_size",
        "small",
    ]


@pytest.mark.parametrize("attribute", ["race", "sex × race"])
def test_n_and_group_size(audit: Fitted, attribute: str) -> None:
    sensitive = ATTRIBUTES[attribute]
    test = audit.test.assign(pred=audit.y_pred)
    grouped = test.groupby(sensitive, observed=True)
    size = grouped.size()
    positives = grouped["label"].sum()
    predicted = grouped["pred"].sum()
    if len(sensitive) > 1:
        size.index = [CROSS.join(key) for key in size.index]
        positives.index = predicted.index = size.index
    expected_n = {
        "selection_rate": size,
        "true_positive_rate": positives,
        "false_negative_rate": positives,
        "false_positive_rate": size - positives,
        "accuracy": size,
        "precision": predicted,
        "base_rate": size,
        "count": size,
    }
    for metric, expected in expected_n.items():
        n = _ours(audit.frame, attribute, metric, "n")
        assert n.to_dict() == {str(k): int(v) for k, v in expected.items()}, metric
        group_size = _ours(audit.frame, attribute, metric, "group_size")
        assert group_size.to_dict() == {str(k): int(v) for k, v in size.items()}, metric


def test_small_flags_groups_below_min_group_size(audit: Fitted) -> None:
    strict = Audit(
        audit.test["label"], y_pred=audit.y_pred, sensitive=audit.test[["sex", "race"]], min_group_size=100
    )
    frame = strict.by_group(["count"])
    cross = frame[frame["attribute"] == "sex × race"].set_index("group")
    flagged = set(cross.index[cross["small"]])
    assert flagged == set(cross.index[cross["group_size"] < 100])
    assert flagged == {
        "Female × Other",
        "Female × Amer-Indian-Eskimo",
        "Male × Other",
        "Male × Amer-Indian-Eskimo",
    }
    # Flagged, never dropped.
    assert len(cross) == 10


def test_small_flags_rates_measured_on_few_people(audit: Fitted) -> None:
    # A rate is as reliable as its n: a true positive rate on 5 positives is flagged
    # even though the group (46 people) is not small.
    frame = audit.frame
    assert (frame["small"] == (frame["n"] < 30)).all()
    tpr = frame[(frame["attribute"] == "sex × race") & (frame["metric"] == "true_positive_rate")]
    female_other = tpr.set_index("group").loc["Female × Other"]
    assert female_other["n"] == 5
    assert female_other["group_size"] == 46
    assert female_other["small"]
    # The smallest group has 46 people, so nothing measured on a whole group is small.
    whole_group = frame[frame["metric"].isin(["selection_rate", "accuracy", "base_rate", "count"])]
    assert not whole_group["small"].any()
    assert frame["small"].any()


def _wilson(successes: np.ndarray, n: np.ndarray, confidence: float) -> tuple[np.ndarray, np.ndarray]:
    """Wilson (1927) score interval, written out from its textbook definition."""
    z = norm.ppf(1 - (1 - confidence) / 2)
    p_hat = successes / n
    centre = (p_hat + z**2 / (2 * n)) / (1 + z**2 / n)
    margin = (z / (1 + z**2 / n)) * np.sqrt(p_hat * (1 - p_hat) / n + z**2 / (4 * n**2))
    return centre - margin, centre + margin


@pytest.mark.parametrize("confidence", [0.95, 0.8])
def test_wilson_intervals_match_the_textbook_formula(audit: Fitted, confidence: float) -> None:
    rate_keys = [key for key in COUNT_METRICS if METRICS[key].kind == "rate"]
    assert len(rate_keys) == 11
    frame = audit.audit.by_group([*rate_keys, "count"], confidence=confidence)
    rates = frame[frame["metric"] != "count"]
    assert (rates["n"] > 0).all()
    successes = (rates["value"] * rates["n"]).round().to_numpy()
    low, high = _wilson(successes, rates["n"].to_numpy(dtype=float), confidence)
    np.testing.assert_allclose(rates["ci_low"].to_numpy(), low, rtol=0, atol=TOLERANCE)
    np.testing.assert_allclose(rates["ci_high"].to_numpy(), high, rtol=0, atol=TOLERANCE)
    assert (rates["ci_low"] <= rates["value"]).all()
    assert (rates["value"] <= rates["ci_high"]).all()
    assert (rates["ci_low"] < rates["ci_high"]).all()
    counts = frame[frame["metric"] == "count"]
    assert counts["ci_low"].isna().all()
    assert counts["ci_high"].isna().all()


def test_narrower_confidence_gives_narrower_intervals(audit: Fitted) -> None:
    race = Audit(audit.test["label"], y_pred=audit.y_pred, sensitive=audit.test["race"])
    wide = race.by_group(["true_positive_rate"], confidence=0.99)
    narrow = race.by_group(["true_positive_rate"], confidence=0.8)
    assert ((wide["ci_high"] - wide["ci_low"]) > (narrow["ci_high"] - narrow["ci_low"])).all()


def test_group_without_positives_has_undefined_tpr(audit: Fitted) -> None:
    test = audit.test.assign(pred=audit.y_pred)
    # Keep every man, and only the women whose true label is negative.
    subset = test[(test["sex"] == "Male") | (test["label"] == 0)]
    assert subset.loc[subset["sex"] == "Female", "label"].sum() == 0
    sex = Audit(subset["label"], y_pred=subset["pred"], sensitive=subset["sex"])
    frame = sex.by_group(list(sex.metrics)).set_index(["group", "metric"])
    for metric in ["true_positive_rate", "false_negative_rate", "balanced_accuracy"]:
        female = frame.loc[("Female", metric)]
        assert np.isnan(female["value"]), metric  # undefined, not 0
        assert female["n"] == 0
        assert female["small"]
        assert np.isnan(female["ci_low"])
        assert np.isnan(female["ci_high"])
        male = frame.loc[("Male", metric)]
        assert 0 < male["value"] < 1
    # The women's other rates are still defined.
    assert frame.loc[("Female", "false_positive_rate"), "value"] == pytest.approx(
        subset.loc[subset["sex"] == "Female", "pred"].mean(), abs=TOLERANCE
    )
    assert frame.loc[("Female", "base_rate"), "value"] == 0.0


def test_overall_metrics_match_scikit_learn(audit: Fitted) -> None:
    y_true, y_pred = audit.test["label"].to_numpy(), audit.y_pred
    sex = Audit(y_true, y_pred=y_pred, sensitive=audit.test["sex"])
    tn, fp, fn, tp = confusion_matrix(y_true, y_pred, labels=[0, 1]).ravel()
    expected = {
        "selection_rate": float(np.mean(y_pred)),
        "true_positive_rate": recall_score(y_true, y_pred),
        "false_positive_rate": fp / (fp + tn),
        "false_negative_rate": fn / (fn + tp),
        "accuracy": accuracy_score(y_true, y_pred),
        "precision": precision_score(y_true, y_pred),
        "base_rate": float(np.mean(y_true)),
        "count": float(len(y_true)),
    }
    result = sex.overall(list(sex.metrics))
    assert list(result.index) == list(COUNT_METRICS)
    for key, value in expected.items():
        assert result[key] == pytest.approx(value, rel=0, abs=TOLERANCE), key
    assert sex.overall(["count"]).to_dict() == {"count": 16_281.0}
    # No metrics named: the default ones.
    assert list(sex.overall().index) == list(DEFAULT_METRICS)


def test_overall_undefined_rate_is_nan() -> None:
    audit = Audit([0, 0, 0, 0], y_pred=[0, 1, 0, 1], sensitive={"g": ["a", "a", "b", "b"]})
    result = audit.overall(["true_positive_rate", "selection_rate"])
    assert np.isnan(result["true_positive_rate"])
    assert result["selection_rate"] == 0.5


def test_unknown_metric_lists_the_valid_ones(audit: Fitted) -> None:
    with pytest.raises(ValueError, match=r"(?s)(?=.*'recall')(?=.*true_positive_rate)(?=.*selection_rate)"):
        audit.audit.by_group(["recall"])
    with pytest.raises(ValueError, match=r"(?s)(?=.*'recall')(?=.*true_positive_rate)"):
        audit.audit.overall(["recall"])


def test_default_metrics_and_chosen_attributes(audit: Fitted) -> None:
    default = audit.audit.by_group()
    assert list(default["metric"].unique()) == list(DEFAULT_METRICS)
    assert list(default["attribute"].unique()) == ["sex", "race", "sex × race"]
    # An intersection is found whatever the order of its columns.
    chosen = audit.audit.by_group(["accuracy"], attributes="race × sex")
    assert set(chosen["attribute"]) == {"sex × race"}
    expected = audit.frame[(audit.frame["attribute"] == "sex × race") & (audit.frame["metric"] == "accuracy")]
    pd.testing.assert_frame_equal(chosen, expected.reset_index(drop=True))


def test_views_include_every_pairwise_cross(audit: Fitted) -> None:
    columns = ["sex", "race", "relationship"]
    three = Audit(audit.test["label"], y_pred=audit.y_pred, sensitive=audit.test[columns])
    assert [view.name for view in three.views] == [
        "sex",
        "race",
        "relationship",
        "sex × race",
        "sex × relationship",
        "race × relationship",
        "sex × race × relationship",
    ]
    frame = three.by_group(["count"])
    for view in three.views:
        parts = view.name.split(CROSS)
        observed = audit.test.groupby(parts, observed=True).size()
        names = [CROSS.join(map(str, key)) if isinstance(key, tuple) else str(key) for key in observed.index]
        counts = _ours(frame, view.name, "count")
        assert counts.to_dict() == dict(zip(names, observed.astype(float), strict=True)), view.name
    # The pairwise crosses hold the same numbers as a two-column audit.
    pair = Audit(audit.test["label"], y_pred=audit.y_pred, sensitive=audit.test[["sex", "race"]])
    pd.testing.assert_frame_equal(
        three.by_group(list(COUNT_METRICS), attributes="sex × race"),
        pair.by_group(list(COUNT_METRICS), attributes="sex × race"),
    )
