"""aif360 (a reference library of the test extra) works on the pinned pandas / numpy, and
its group rates agree with ours on Adult. tests/test_parity.py covers every shared metric."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from fairness_widgets import Audit
from fairness_widgets.datasets import load_adult
from tests.reference_setup import import_quietly

aif_metrics = import_quietly("aif360.sklearn.metrics")


@pytest.fixture(scope="module")
def adult() -> tuple[pd.DataFrame, pd.Series, np.ndarray]:
    test = load_adult("test")
    # A simple, deterministic rule: the parity checks need predictions, not a good model.
    y_pred = ((test["education_num"] >= 13) | (test["capital_gain"] > 5_000)).astype(int).to_numpy()
    # aif360 reads the protected attribute from the index.
    y_true = test["label"].set_axis(pd.Index(test["sex"].astype(object), name="sex"))
    return test, y_true, y_pred


def _ours(test: pd.DataFrame, y_pred: np.ndarray, metric: str) -> dict[str, float]:
    frame = Audit(test["label"], y_pred=y_pred, sensitive=test[["sex"]]).by_group([metric])
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


def test_disparities_rows_are_aif360s(adult: tuple[pd.DataFrame, pd.Series, np.ndarray]) -> None:
    test, y_true, y_pred = adult
    table = Audit(test["label"], y_pred=y_pred, sensitive=test[["sex"]]).disparities(
        reference={"sex": "Male"}
    )
    rows = table[table["versus"] == "others vs Male"].set_index("measure")["value"]
    for measure in (
        "statistical_parity_difference",
        "disparate_impact_ratio",
        "equal_opportunity_difference",
    ):
        theirs = getattr(aif_metrics, measure)(y_true, y_pred, prot_attr="sex", priv_group="Male")
        assert rows[measure] == pytest.approx(theirs, rel=0, abs=1e-12), measure
