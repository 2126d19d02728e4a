"""aif360 (a reference library of the test extra) works on the pinned pandas / numpy, and
its group rates agree with ours on Adult. Issue 3 extends this to every shared metric."""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd
import pytest

from fairness_widgets.compute import group_metrics, prepare_inputs
from fairness_widgets.datasets import load_adult

# aif360 logs warnings about optional extras (tensorflow, inFairness) on import.
logging.getLogger("aif360").setLevel(logging.ERROR)
from aif360.sklearn import metrics as aif_metrics  # noqa: E402


@pytest.fixture(scope="module")
def adult() -> tuple[pd.DataFrame, pd.Series, np.ndarray]:
    test = load_adult("test")
    # A simple, deterministic rule: the parity checks need predictions, not a good model.
    y_pred = ((test["education_num"] >= 13) | (test["capital_gain"] > 5_000)).astype(int).to_numpy()
    # aif360 reads the protected attribute from the index.
    y_true = test["label"].set_axis(pd.Index(test["sex"].astype(object), name="sex"))
    return test, y_true, y_pred


def _ours(test: pd.DataFrame, y_pred: np.ndarray, metric: str) -> dict[str, float]:
    frame = group_metrics(prepare_inputs(test["label"], y_pred=y_pred, sensitive=test[["sex"]]), [metric])
    return dict(zip(frame["group"], frame["value"], strict=True))


def test_statistical_parity_difference_matches(adult: tuple[pd.DataFrame, pd.Series, np.ndarray]) -> None:
    test, y_true, y_pred = adult
    rates = _ours(test, y_pred, "selection_rate")
    theirs = aif_metrics.statistical_parity_difference(y_true, y_pred, prot_attr="sex", priv_group="Male")
    assert rates["Female"] - rates["Male"] == pytest.approx(theirs, abs=1e-12)


def test_disparate_impact_ratio_matches(adult: tuple[pd.DataFrame, pd.Series, np.ndarray]) -> None:
    test, y_true, y_pred = adult
    rates = _ours(test, y_pred, "selection_rate")
    theirs = aif_metrics.disparate_impact_ratio(y_true, y_pred, prot_attr="sex", priv_group="Male")
    assert rates["Female"] / rates["Male"] == pytest.approx(theirs, rel=1e-12)


def test_equal_opportunity_difference_matches(adult: tuple[pd.DataFrame, pd.Series, np.ndarray]) -> None:
    test, y_true, y_pred = adult
    rates = _ours(test, y_pred, "true_positive_rate")
    theirs = aif_metrics.equal_opportunity_difference(y_true, y_pred, prot_attr="sex", priv_group="Male")
    assert rates["Female"] - rates["Male"] == pytest.approx(theirs, abs=1e-12)
