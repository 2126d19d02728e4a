"""The Dashboard widget's Python side: synced state, validation, static fallback (no browser)."""

from __future__ import annotations

import base64
import html
import json
import math
import re
from typing import Any

import numpy as np
import pandas as pd
import pytest
import traitlets

import fairness_widgets as fw
from fairness_widgets.compute import METRICS
from fairness_widgets.compute.metrics import COUNT_METRICS
from fairness_widgets.datasets import load_adult
from fairness_widgets.widgets.dashboard import DASHBOARD_METRICS

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
ROW_DICTS = ("value", "ci_low", "ci_high", "n")
#: What a dashboard of hard predictions offers: no AUC or calibration error.
OFFERED = [key for key in DASHBOARD_METRICS if key in COUNT_METRICS]


@pytest.fixture(scope="module")
def adult_test() -> pd.DataFrame:
    return load_adult("test")


@pytest.fixture(scope="module")
def y_pred(adult_test: pd.DataFrame) -> pd.Series:
    # Nobody of race "Other" is predicted positive, so their precision is undefined (NaN).
    return ((adult_test["age"] > 40) & (adult_test["race"] != "Other")).astype(int)


@pytest.fixture(params=["arrays", "audit"])
def dash(request: pytest.FixtureRequest, adult_test: pd.DataFrame, y_pred: pd.Series) -> fw.Dashboard:
    """The same dashboard, given the arrays or an Audit of them."""
    if request.param == "arrays":
        return fw.Dashboard(adult_test["label"], y_pred=y_pred, sensitive=adult_test[["sex", "race"]])
    return fw.Dashboard(fw.Audit(adult_test["label"], y_pred=y_pred, sensitive=adult_test[["sex", "race"]]))


def _row(widget: fw.Dashboard, attribute: str, group: str) -> dict[str, Any]:
    (row,) = [row for row in widget.tables[attribute] if row["group"] == group]
    return row


def _mimebundle(widget: fw.Dashboard) -> tuple[dict[str, Any], dict[str, Any]]:
    bundle = widget._repr_mimebundle_()
    assert isinstance(bundle, tuple)
    assert len(bundle) == 2
    data, metadata = bundle
    assert isinstance(data, dict)
    assert isinstance(metadata, dict)
    return data, metadata


# --- tables -----------------------------------------------------------------------------


def test_defaults(dash: fw.Dashboard) -> None:
    assert dash.metric == "selection_rate"
    assert dash.attribute == "sex"
    assert dash.selected_group == ""
    assert dash.min_group_size == 30
    assert [option["key"] for option in dash.metric_options] == OFFERED
    assert set(OFFERED) == set(DASHBOARD_METRICS) - {"auc", "ece"}


def test_tables_have_one_entry_per_attribute(dash: fw.Dashboard) -> None:
    assert list(dash.tables) == ["sex", "race", "sex × race"]
    assert [row["group"] for row in dash.tables["sex"]] == ["Female", "Male"]
    assert [row["group"] for row in dash.tables["race"]] == [
        "White",
        "Asian-Pac-Islander",
        "Amer-Indian-Eskimo",
        "Other",
        "Black",
    ]
    assert len(dash.tables["sex × race"]) == 10
    assert "Female × White" in {row["group"] for row in dash.tables["sex × race"]}


def test_table_rows_have_size_small_and_metric_dicts(dash: fw.Dashboard, adult_test: pd.DataFrame) -> None:
    sizes = adult_test["race"].value_counts()
    for attribute, rows in dash.tables.items():
        for row in rows:
            assert set(row) == {"group", "size", "small", "value", "ci_low", "ci_high", "n"}
            assert isinstance(row["size"], int)
            assert isinstance(row["small"], bool)
            assert row["small"] == (row["size"] < 30)
            for key in ROW_DICTS:
                assert isinstance(row[key], dict), (attribute, key)
                assert set(row[key]) == set(OFFERED), (attribute, key)
            assert all(isinstance(n, int) for n in row["n"].values())
            assert row["value"]["count"] == row["size"]
    for row in dash.tables["race"]:
        assert row["size"] == sizes[row["group"]]


def test_table_values_are_the_by_group_values(dash: fw.Dashboard) -> None:
    frame = dash.by_group().set_index(["attribute", "group", "metric"])
    row = _row(dash, "sex × race", "Male × Black")
    for metric in OFFERED:
        expected = frame.loc[("sex × race", "Male × Black", metric)]
        assert row["value"][metric] == expected["value"]
        assert row["n"][metric] == expected["n"]
        if METRICS[metric].is_rate:
            assert row["ci_low"][metric] == expected["ci_low"]
            assert row["ci_high"][metric] == expected["ci_high"]


def test_nan_travels_as_none(dash: fw.Dashboard) -> None:
    other = _row(dash, "race", "Other")
    assert other["n"]["precision"] == 0
    assert other["value"]["precision"] is None
    assert other["ci_low"]["precision"] is None
    assert other["ci_high"]["precision"] is None
    # ... while the frame behind it keeps NaN.
    frame = dash.by_group()
    cell = frame[
        (frame["attribute"] == "race") & (frame["group"] == "Other") & (frame["metric"] == "precision")
    ]
    assert math.isnan(cell["value"].item())
    # A count has no interval.
    white = _row(dash, "race", "White")
    assert white["ci_low"]["count"] is None
    assert white["value"]["precision"] is not None


def test_overall_is_the_audits_overall(
    dash: fw.Dashboard, adult_test: pd.DataFrame, y_pred: pd.Series
) -> None:
    expected = fw.Audit(adult_test["label"], y_pred=y_pred, sensitive=adult_test["sex"]).overall(OFFERED)
    assert list(dash.overall) == OFFERED
    assert dash.overall == pytest.approx(expected.to_dict(), rel=0, abs=1e-15)
    assert dash.overall["count"] == 16_281
    assert dash.overall["selection_rate"] == y_pred.mean()


# --- state from the browser -------------------------------------------------------------


def test_browser_can_change_the_metric(dash: fw.Dashboard) -> None:
    dash.set_state({"metric": "false_positive_rate"})
    assert dash.metric == "false_positive_rate"
    assert "false_positive_rate" in repr(dash)


def test_unknown_metric_from_the_browser_is_refused(dash: fw.Dashboard) -> None:
    dash.set_state({"metric": "accuracy"})
    listing = ", ".join(OFFERED)
    with pytest.raises(traitlets.TraitError, match=re.escape(f"'nonsense'; choose one of: {listing}")):
        dash.set_state({"metric": "nonsense"})
    assert dash.metric == "accuracy"


def test_unknown_metric_or_attribute_in_the_constructor(adult_test: pd.DataFrame, y_pred: pd.Series) -> None:
    with pytest.raises(traitlets.TraitError, match="choose one of: selection_rate"):
        fw.Dashboard(adult_test["label"], y_pred=y_pred, sensitive=adult_test["sex"], metric="recall")
    with pytest.raises(traitlets.TraitError, match=re.escape("'age'; choose one of 'sex'")):
        fw.Dashboard(adult_test["label"], y_pred=y_pred, sensitive=adult_test["sex"], attribute="age")


def test_unknown_attribute_and_group_are_refused(dash: fw.Dashboard) -> None:
    with pytest.raises(traitlets.TraitError, match=re.escape("'sex', 'race', 'sex × race'")):
        dash.set_state({"attribute": "age"})
    assert dash.attribute == "sex"
    with pytest.raises(traitlets.TraitError, match=re.escape("'White' is not a group of 'sex'")):
        dash.set_state({"selected_group": "White"})
    assert dash.selected_group == ""


def test_selecting_an_attribute_clears_a_group_of_another_attribute(dash: fw.Dashboard) -> None:
    dash.set_state({"selected_group": "Female"})
    assert dash.selected_group == "Female"
    dash.set_state({"attribute": "sex × race"})
    assert dash.attribute == "sex × race"
    assert dash.selected_group == ""
    dash.set_state({"selected_group": "Female × White"})
    dash.set_state({"attribute": "race"})
    assert dash.selected_group == ""
    # Attribute and group in one message, as the browser may send them.
    dash.set_state({"attribute": "sex", "selected_group": "Male"})
    assert (dash.attribute, dash.selected_group) == ("sex", "Male")


def test_selecting_an_attribute_keeps_a_group_that_belongs_to_it() -> None:
    widget = fw.Dashboard(
        [0, 1, 0, 1, 1, 0],
        y_pred=[0, 1, 1, 1, 0, 0],
        sensitive={
            "region": ["north", "south"] * 3,
            "site": ["north", "north", "east", "east", "east", "north"],
        },
    )
    widget.set_state({"selected_group": "north"})
    widget.set_state({"attribute": "site"})
    assert widget.selected_group == "north"
    widget.set_state({"attribute": "region × site"})
    assert widget.selected_group == ""


def test_state_is_strict_json(dash: fw.Dashboard) -> None:
    state = dash.get_state()
    assert {"metric", "attribute", "selected_group", "tables", "overall", "metric_options"} <= set(state)
    text = json.dumps(state, allow_nan=False)  # raises on any NaN or inf
    assert json.loads(text)["tables"]["race"][3]["value"]["precision"] is None


def test_state_is_strict_json_when_a_whole_metric_is_undefined() -> None:
    # No positives at all: TPR and FNR are undefined for every group and overall.
    widget = fw.Dashboard([0] * 6, y_pred=[0, 1, 0, 1, 1, 0], sensitive={"sex": ["f", "m"] * 3})
    assert widget.overall["true_positive_rate"] is None
    state = widget.get_state()
    decoded = json.loads(json.dumps(state, allow_nan=False))
    assert decoded["overall"]["true_positive_rate"] is None
    assert all(row["value"]["true_positive_rate"] is None for row in decoded["tables"]["sex"])


# --- static fallback --------------------------------------------------------------------


def test_mimebundle_has_widget_png_and_html(dash: fw.Dashboard) -> None:
    data, _ = _mimebundle(dash)
    assert {WIDGET_VIEW, "image/png", "text/html"} <= set(data)
    assert data[WIDGET_VIEW]["model_id"] == dash.model_id
    png = data["image/png"]
    assert isinstance(png, bytes)
    assert png.startswith(PNG_MAGIC)
    page = data["text/html"]
    assert "<img" in page
    assert "<table" in page
    # The <img> embeds that very PNG.
    encoded = re.search(r'src="data:image/png;base64,([A-Za-z0-9+/=]+)"', page)
    assert encoded is not None
    assert base64.b64decode(encoded.group(1)) == png
    for group in ("Female", "Male"):
        assert f"<td>{group}</td>" in page
    assert "Selection rate by sex" in page


def test_mimebundle_follows_the_selected_attribute(dash: fw.Dashboard) -> None:
    dash.set_state({"attribute": "sex × race", "metric": "precision"})
    page = _mimebundle(dash)[0]["text/html"]
    for row in dash.tables["sex × race"]:
        assert f"<td>{html.escape(row['group'])}</td>" in page
    assert "<td>Female</td>" not in page
    assert "Precision by sex × race" in page
    # The undefined precision of the "Other" groups shows as a dash, not "nan%".
    table = page[page.index("<table") :]
    assert "nan" not in table.lower()
    assert table.count("<td>—</td>") == 2


def test_group_names_are_escaped_in_the_html() -> None:
    evil = "<script>alert(1)</script>"
    widget = fw.Dashboard([0, 1] * 20, y_pred=[1, 1, 0, 1] * 10, sensitive={"team": [evil, "b & c"] * 20})
    page = _mimebundle(widget)[0]["text/html"]
    assert "<script" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "b &amp; c" in page


def test_group_names_with_dollar_signs_render() -> None:
    widget = fw.Dashboard(
        [0, 1] * 20, y_pred=[1, 1, 0, 1] * 10, sensitive={"price": ["a$^$b", "$5-$10"] * 20}
    )
    data, _ = _mimebundle(widget)
    assert data["image/png"].startswith(PNG_MAGIC)
    assert "<td>a$^$b</td>" in data["text/html"]


# --- Python API -------------------------------------------------------------------------


def test_by_group_returns_a_copy(dash: fw.Dashboard) -> None:
    before = dash.by_group()
    tables_before = json.dumps(dash.tables, sort_keys=True)
    mutated = dash.by_group()
    mutated["value"] = -1.0
    mutated.loc[0, "group"] = "changed"
    del mutated["n"]
    after = dash.by_group()
    pd.testing.assert_frame_equal(after, before)
    assert (after["value"].dropna() >= 0).all()
    assert json.dumps(dash.tables, sort_keys=True) == tables_before


def test_by_group_is_the_tidy_table(dash: fw.Dashboard) -> None:
    frame = dash.by_group()
    assert list(frame.columns[:3]) == ["attribute", "group", "metric"]
    assert len(frame) == (2 + 5 + 10) * len(OFFERED)
    assert list(frame["metric"].unique()) == OFFERED
    undefined = frame[np.isnan(frame["value"])]
    assert set(undefined["metric"]) == {"precision"}
    assert set(undefined["group"]) == {"Other", "Female × Other", "Male × Other"}


def test_repr_is_readable(dash: fw.Dashboard) -> None:
    assert repr(dash) == "Dashboard(metric='selection_rate', attribute='sex', selected_group='', rows=16,281)"
    dash.set_state({"metric": "accuracy", "attribute": "race", "selected_group": "Black"})
    assert repr(dash) == "Dashboard(metric='accuracy', attribute='race', selected_group='Black', rows=16,281)"


# --- built from an Audit, or from scores --------------------------------------------------


def test_dashboard_of_an_audit_equals_dashboard_of_its_arrays(
    adult_test: pd.DataFrame, y_pred: pd.Series
) -> None:
    sensitive = adult_test[["sex", "race"]]
    audit = fw.Audit(adult_test["label"], y_pred=y_pred, sensitive=sensitive, min_group_size=50)
    from_audit = fw.Dashboard(audit)
    from_arrays = fw.Dashboard(adult_test["label"], y_pred=y_pred, sensitive=sensitive, min_group_size=50)
    assert from_audit.audit is audit
    for key in ("tables", "overall", "metric_options", "min_group_size"):
        assert json.dumps(getattr(from_audit, key)) == json.dumps(getattr(from_arrays, key)), key
    assert from_audit.min_group_size == 50
    sizes = {row["group"]: row for row in from_audit.tables["sex × race"]}
    assert sizes["Female × Other"]["size"] == 46
    assert sizes["Female × Other"]["small"]  # 46 < 50, not flagged at the default 30
    pd.testing.assert_frame_equal(from_audit.by_group(), audit.by_group(OFFERED))


@pytest.fixture(scope="module")
def scored(adult_test: pd.DataFrame) -> fw.Dashboard:
    score = ((adult_test["education_num"] - 1) / 15).clip(0, 1)
    return fw.Dashboard(
        adult_test["label"], y_score=score, sensitive=adult_test[["sex", "race"]], threshold=0.8
    )


def test_scores_add_auc_and_calibration_error(scored: fw.Dashboard, adult_test: pd.DataFrame) -> None:
    assert [option["key"] for option in scored.metric_options] == list(DASHBOARD_METRICS)
    expected = scored.audit.by_group(["auc", "ece"], attributes="race").set_index(["group", "metric"])
    for row in scored.tables["race"]:
        for metric in ("auc", "ece"):
            assert row["value"][metric] == expected.loc[(row["group"], metric), "value"]
            assert row["ci_low"][metric] is None  # no interval for score metrics
        assert 0.5 < row["value"]["auc"] < 1
    scored.set_state({"metric": "auc"})
    assert scored.metric == "auc"
    assert "AUC by sex" in _mimebundle(scored)[0]["text/html"]


def test_threshold_is_applied_to_the_scores(scored: fw.Dashboard, adult_test: pd.DataFrame) -> None:
    score = ((adult_test["education_num"] - 1) / 15).clip(0, 1)
    assert scored.overall["selection_rate"] == pytest.approx((score >= 0.8).mean(), rel=0, abs=1e-15)
    assert scored.overall["selection_rate"] != pytest.approx((score >= 0.5).mean(), rel=0, abs=1e-3)


def test_score_metrics_are_refused_without_scores(dash: fw.Dashboard) -> None:
    with pytest.raises(traitlets.TraitError, match=re.escape("Unknown metric 'auc'")):
        dash.set_state({"metric": "auc"})
    assert dash.metric == "selection_rate"


def test_arrays_without_sensitive_are_refused(adult_test: pd.DataFrame, y_pred: pd.Series) -> None:
    with pytest.raises(ValueError, match=re.escape("Pass an Audit, or y_true with sensitive=")):
        fw.Dashboard(adult_test["label"], y_pred=y_pred)
