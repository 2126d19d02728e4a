"""SliceExplorer in Python: what the browser gets, what it sends back (filters, selection,
annotations) and the static export (the browser itself: tests/browser)."""

from __future__ import annotations

import pandas as pd
import pytest
import traitlets

import fairness_widgets as fw


@pytest.fixture(scope="module")
def adult() -> pd.DataFrame:
    return fw.datasets.load_adult("test").assign(pred=lambda d: d["education_num"] >= 13)


@pytest.fixture
def explorer(adult: pd.DataFrame) -> fw.SliceExplorer:
    audit = fw.Audit.from_frame(adult, y_true="label", y_pred="pred", sensitive=["sex", "race"])
    return fw.SliceExplorer(audit, ["age", "marital_status"], max_order=2)


def test_the_list_is_the_search_ranked_and_readable(explorer: fw.SliceExplorer) -> None:
    table = explorer.result.table
    assert [row["id"] for row in explorer.slices] == table["slice"].tolist()
    first = explorer.slices[0]
    assert first["significant"]
    assert first["effect"] == pytest.approx(table["effect"].iloc[0])
    for row in explorer.slices:
        assert len(row["predicates"]) == row["order"]
        assert {p["feature"] for p in row["predicates"]} <= {"sex", "race", "age", "marital_status"}
        assert all(p["value"] in row["text"] for p in row["predicates"])


def test_filters_written_by_the_browser_select_what_python_reads(explorer: fw.SliceExplorer) -> None:
    explorer.filters = {"order": 2, "min_size": 500, "significant_only": True, "search": "male"}
    shown = explorer.visible()
    assert len(shown) > 0
    assert (shown["order"] == 2).all()
    assert (shown["size"] >= 500).all()
    assert shown["significant"].all()
    assert shown["slice"].str.lower().str.contains("male").all()


def test_a_click_drills_down_and_an_annotation_becomes_a_finding(explorer: fw.SliceExplorer) -> None:
    worst = explorer.slices[0]["id"]
    explorer.selected = worst
    rows = {row["metric"]: row for row in explorer.drilldown["rows"]}
    drill = explorer.result.drill_down(worst).set_index("metric")
    assert rows["accuracy"]["slice"] == pytest.approx(drill.loc["accuracy", "value"])
    assert rows["accuracy"]["rest"] == pytest.approx(drill.loc["accuracy", "rest_value"])
    explorer.annotations = {worst: {"status": "accepted risk", "note": "Known: see the data sheet."}}
    findings = explorer.findings()
    assert findings.loc[0, ["slice", "status", "note"]].tolist() == [
        worst,
        "accepted risk",
        "Known: see the data sheet.",
    ]
    assert findings.loc[0, "effect"] == pytest.approx(explorer.slices[0]["effect"])
    with pytest.raises(traitlets.TraitError, match="status must be one of open, accepted risk, mitigated"):
        explorer.annotations = {worst: {"status": "fine", "note": ""}}
    with pytest.raises(traitlets.TraitError, match="not a predicate of this search"):
        explorer.selected = "planet = Mars"


def test_the_heat_map_follows_the_chosen_features(explorer: fw.SliceExplorer) -> None:
    explorer.heat_rows, explorer.heat_cols = "sex", "marital_status"
    heat = explorer.heatmap
    cross = explorer.result.cross("sex", "marital_status")
    assert heat["rows"] == ["Female", "Male"]
    assert len(heat["cols"]) == cross["marital_status"].nunique()
    assert sum(map(sum, heat["sizes"])) == int(cross["size"].sum())


def test_changing_the_metric_searches_again(explorer: fw.SliceExplorer) -> None:
    explorer.metric = "selection_rate"
    assert explorer.result.metric == "selection_rate"
    assert explorer.slices[0]["id"] == explorer.result.table["slice"].iloc[0]
    with pytest.raises(traitlets.TraitError, match="Unknown metric"):
        explorer.metric = "auc"


def test_static_export_lists_significant_slices_and_findings(explorer: fw.SliceExplorer) -> None:
    explorer.annotate(explorer.slices[0]["id"], "open", "<script>x</script>")
    data, _ = explorer._repr_mimebundle_()
    assert data["image/png"].startswith(b"\x89PNG")
    html = data["text/html"]
    assert "Significant slices at a false discovery rate of 0.05" in html
    assert explorer.slices[0]["id"] in html
    assert "&lt;script&gt;" in html
    assert "<script>x" not in html


def test_bad_input_says_what_to_do(adult: pd.DataFrame) -> None:
    with pytest.raises(TypeError, match="needs an Audit"):
        fw.SliceExplorer(adult)  # type: ignore[arg-type]
