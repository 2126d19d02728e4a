"""ModelCardEditor: edits reach the card and the file, conflicts are never overwritten."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any, get_type_hints

import pandas as pd
import pytest
import traitlets

import fairness_widgets as fw
from fairness_widgets.card import ModelCard
from fairness_widgets.card.profiles import DATASHEET_EU, RULES
from fairness_widgets.widgets.card_editor import FIELDS, ROWS, editable_fields

HOSTILE = "<img src=x onerror=alert(1)> <script>alert(2)</script>"


def _editor(tmp_path: Path) -> fw.ModelCardEditor:
    card = ModelCard()
    card.model_details.name = "credit-v3"
    return fw.ModelCardEditor(card, tmp_path / "card.json")


def test_edit_is_applied_and_autosaved(tmp_path: Path) -> None:
    editor = _editor(tmp_path)
    editor.edit = {"path": "model_details.summary", "value": "Ranks credit applications."}
    editor.edit = {"path": "considerations.limitations", "value": "Trained on 1994 data\n\n US only "}

    saved = ModelCard.load(tmp_path / "card.json")
    assert saved.model_details.summary == "Ranks credit applications."
    assert saved.considerations.limitations == ["Trained on 1994 data", "US only"]
    assert editor.card.model_details.summary == "Ranks credit applications."
    assert editor.status["conflict"] is False
    assert editor.status["saved_at"]
    assert {f["path"] for s in editor.sections for f in s["fields"]} == set(editable_fields(editor.card))
    assert set(FIELDS) <= set(editable_fields(editor.card))


def test_completeness_rises_and_drops_with_edits(tmp_path: Path) -> None:
    editor = _editor(tmp_path)
    before = editor.completeness
    assert "model_details.summary" in {m["field"] for m in editor.missing}

    editor.edit = {"path": "model_details.summary", "value": "Ranks credit applications."}
    assert editor.completeness > before
    assert "model_details.summary" not in {m["field"] for m in editor.missing}

    editor.edit = {"path": "model_details.summary", "value": "TODO"}  # placeholders count as missing
    assert editor.completeness == pytest.approx(before)
    assert all(m["why"] for m in editor.missing)

    editor.profile = "eu-ai-act-high-risk"
    assert 0 <= editor.completeness < before


def test_file_changed_on_disk_is_not_overwritten(tmp_path: Path) -> None:
    path = tmp_path / "card.json"
    editor = _editor(tmp_path)
    editor.edit = {"path": "model_details.summary", "value": "Mine."}

    other = ModelCard.load(path)
    other.model_details.summary = "Theirs."
    other.save(path)
    os.utime(path, ns=(0, 0))  # even with an old mtime, the content hash gives it away
    editor.edit = {"path": "model_details.summary", "value": "Mine, again."}

    assert editor.status["conflict"] is True
    assert "changed on disk" in editor.status["message"]
    assert "reload()" in editor.status["message"]
    assert "force=True" in editor.status["message"]
    assert ModelCard.load(path).model_details.summary == "Theirs."

    editor.reload()
    assert editor.status["conflict"] is False
    assert editor.card.model_details.summary == "Theirs."
    summary = next(f for s in editor.sections for f in s["fields"] if f["path"] == "model_details.summary")
    assert summary["value"] == "Theirs."

    assert editor.save(force=True)
    editor.edit = {"path": "model_details.summary", "value": "Agreed."}
    assert ModelCard.load(path).model_details.summary == "Agreed."


def test_force_save_overwrites_a_conflict(tmp_path: Path) -> None:
    path = tmp_path / "card.json"
    editor = _editor(tmp_path)
    path.write_text("{}", encoding="utf-8")
    editor.edit = {"path": "model_details.summary", "value": "Mine."}
    assert editor.status["conflict"] is True
    assert editor.save(force=True)
    assert ModelCard.load(path).model_details.summary == "Mine."


def test_bad_edits_and_profiles_are_refused(tmp_path: Path) -> None:
    editor = _editor(tmp_path)
    with pytest.raises(traitlets.TraitError, match="edit path must be one of"):
        editor.edit = {"path": "signoffs", "value": "x"}
    with pytest.raises(traitlets.TraitError, match="must be text"):
        editor.edit = {"path": "model_details.summary", "value": 3}
    with pytest.raises(traitlets.TraitError, match="profile must be one of"):
        editor.profile = "strict"
    with pytest.raises(TypeError, match="needs a ModelCard"):
        fw.ModelCardEditor({"name": "x"}, tmp_path / "x.json")  # type: ignore[arg-type]
    assert not (tmp_path / "card.json").exists()


def test_refresh_keeps_human_text(tmp_path: Path) -> None:
    df = fw.datasets.load_adult("test").head(3000).assign(pred=lambda d: d["education_num"] >= 13)
    audit = fw.Audit.from_frame(df, y_true="label", y_pred="pred", sensitive=["sex"])
    editor = fw.ModelCardEditor(ModelCard(), tmp_path / "card.json", audit=audit)
    editor.edit = {"path": "model_details.description", "value": "Written by a person."}
    before = editor.completeness

    editor.refresh()

    assert editor.card.quantitative_analysis.results
    assert editor.card.model_details.description == "Written by a person."
    assert editor.completeness > before
    assert ModelCard.load(tmp_path / "card.json").quantitative_analysis.results


def test_static_html_escapes_user_text(tmp_path: Path) -> None:
    editor = _editor(tmp_path)
    editor.edit = {"path": "model_details.description", "value": HOSTILE}
    shown = editor._repr_mimebundle_()
    assert shown is not None
    html = shown[0]["text/html"]
    assert "<img src=x onerror" not in html
    assert "<script>alert" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in html


def test_loads_the_file_when_no_card_is_given(tmp_path: Path) -> None:
    path = tmp_path / "card.json"
    card = ModelCard()
    card.model_details.summary = "On disk."
    card.save(path)
    editor = fw.ModelCardEditor(path=path)
    assert editor.card.model_details.summary == "On disk."
    editor.edit = {"path": "model_details.name", "value": "credit-v3"}
    assert editor.status["conflict"] is False
    assert ModelCard.load(path).model_details.name == "credit-v3"


def _adult_audit(n: int = 3000) -> fw.Audit:
    df = fw.datasets.load_adult("test").head(n).assign(pred=lambda d: d["education_num"] >= 13)
    return fw.Audit.from_frame(df, y_true="label", y_pred="pred", sensitive=["sex"])


def _is_text(owner: object, name: str) -> bool:
    hint = get_type_hints(type(owner))[name]
    return hint is str or hint == list[str]


def test_every_eu_text_field_is_editable(tmp_path: Path) -> None:
    card = ModelCard.from_audit(_adult_audit(1000), name="credit-v3", n_boot=10)
    assert card.datasets
    editor = fw.ModelCardEditor(card, tmp_path / "card.json", profile="eu-ai-act-high-risk")
    paths = {f["path"] for s in editor.sections for f in s["fields"]}
    required = [path for path, _, _ in RULES["eu-ai-act-high-risk"]] + [
        f"datasets[{i}].{path}" for i in range(len(card.datasets)) for path, _, _ in DATASHEET_EU
    ]
    plain = []
    for path in required:
        *parents, name = path.replace("[", ".").replace("]", "").split(".")
        owner: object = card
        for part in parents:
            owner = owner[int(part)] if part.isdigit() else getattr(owner, part)  # type: ignore[index]
        if _is_text(owner, name):
            plain.append(path)
    assert "datasets[0].datasheet.bias_examination" in plain
    assert "operation.cybersecurity" in plain
    assert not set(plain) - paths
    # Lists of records the profile requires are editable one record per line too.
    assert {"training.design_choices", "considerations.residual_risks", "operation.human_oversight"} <= paths


def test_datasheet_edit_lands_in_the_file(tmp_path: Path) -> None:
    path = tmp_path / "card.json"
    editor = fw.ModelCardEditor(ModelCard.from_audit(_adult_audit(1000), n_boot=10), path)
    keys = [s["key"] for s in editor.sections]
    assert "datasets[0]" in keys
    editor.edit = {"path": "datasets[0].datasheet.motivation", "value": "Census income benchmark."}
    editor.edit = {"path": "datasets[0].datasheet.known_gaps", "value": HOSTILE}
    saved = ModelCard.load(path)
    assert saved.datasets[0].datasheet.motivation == "Census income benchmark."
    assert saved.datasets[0].datasheet.known_gaps == HOSTILE
    with pytest.raises(traitlets.TraitError, match="edit path must be one of"):
        editor.edit = {"path": "datasets[1].datasheet.motivation", "value": "x"}


def test_dataset_sections_follow_the_card(tmp_path: Path) -> None:
    editor = fw.ModelCardEditor(ModelCard(), tmp_path / "card.json", audit=_adult_audit(1000))
    assert not [s for s in editor.sections if s["key"].startswith("datasets[")]
    editor.refresh()
    assert [s["key"] for s in editor.sections if s["key"].startswith("datasets[")] == ["datasets[0]"]
    editor.edit = {"path": "datasets[0].description", "value": "Adult test split."}
    assert ModelCard.load(tmp_path / "card.json").datasets[0].description == "Adult test split."


def test_record_lists_are_edited_one_per_line(tmp_path: Path) -> None:
    path = tmp_path / "card.json"
    editor = _editor(tmp_path)
    editor.edit = {
        "path": "operation.human_oversight",
        "value": "Officer reviews denials | deployer | Officer overrides | Switch off the API\n\nAudit log",
    }
    editor.edit = {"path": "governance.change_log", "value": "3.0 | 2026-01-01 | Retrained"}
    editor.card.governance.change_log[0].substantial = True
    editor.edit = {"path": "governance.change_log", "value": "3.0 | 2026-01-02 | Retrained | on 2025 data"}
    editor.edit = {"path": "model_details.owners", "value": "R. Ng | r@x.example | fairness lead"}

    saved = ModelCard.load(path)
    first, second = saved.operation.human_oversight
    assert (first.measure, first.implemented_by, first.override_procedure, first.stop_procedure) == (
        "Officer reviews denials",
        "deployer",
        "Officer overrides",
        "Switch off the API",
    )
    assert (second.measure, second.implemented_by) == ("Audit log", "provider")
    change = saved.governance.change_log[0]
    assert (change.date, change.summary, change.substantial) == (
        "2026-01-02",
        "Retrained | on 2025 data",
        True,
    )
    assert saved.model_details.owners[0].role == "fairness lead"
    missing = {m.field for m in saved.check("eu-ai-act-high-risk")}
    assert "operation.human_oversight[0].override_procedure" not in missing
    assert "operation.human_oversight[1].override_procedure" in missing
    shown = {f["path"]: f["value"] for s in editor.sections for f in s["fields"]}
    assert shown["model_details.owners"] == "R. Ng | r@x.example | fairness lead"
    assert set(ROWS) <= set(shown)


# ------------------------------------------------------------------ metrics, numbers, flags, tables


def test_metric_rationale_is_editable_and_survives_refresh(tmp_path: Path) -> None:
    path = tmp_path / "card.json"
    audit = _adult_audit(1000)
    editor = fw.ModelCardEditor(ModelCard.from_audit(audit, n_boot=10), path, audit=audit)
    at = next(i for i, m in enumerate(editor.card.metrics) if m.id == "true_positive_rate")
    fields = {f["path"]: f for s in editor.sections for f in s["fields"]}
    assert fields[f"metrics[{at}].rationale"]["kind"] == "markdown"
    assert fields[f"metrics[{at}].decision_threshold"]["kind"] == "number"
    assert fields[f"metrics[{at}].higher_is_better"]["kind"] == "checkbox"
    assert f"metrics[{at}]" in [s["key"] for s in editor.sections]

    editor.edit = {"path": f"metrics[{at}].rationale", "value": "Missed repayers are the harm."}
    editor.edit = {"path": f"metrics[{at}].higher_is_better", "value": True}
    editor.refresh()

    for card in (editor.card, ModelCard.load(path)):
        metric = card.metrics[at]
        assert (metric.id, metric.source) == ("true_positive_rate", "computed")
        assert (metric.rationale, metric.higher_is_better) == ("Missed repayers are the harm.", True)
    shown = {f["path"]: f["value"] for s in editor.sections for f in s["fields"]}
    assert shown[f"metrics[{at}].rationale"] == "Missed repayers are the harm."


def test_numbers_flags_and_tables_are_typed_and_checked(tmp_path: Path) -> None:
    path = tmp_path / "card.json"
    editor = _editor(tmp_path)
    editor.edit = {"path": "training.compute.co2_kg", "value": 12.5}
    editor.edit = {"path": "training.compute.hours", "value": "3"}  # numeric text is read too
    editor.edit = {"path": "model_details.artifact.size_bytes", "value": 2048.0}
    editor.edit = {
        "path": "training.hyperparameters",
        "value": [["learning_rate", "0.1"], ["loss", "log_loss"], ["early_stopping", "true"], ["", ""]],
    }
    editor.edit = {"path": "versioning.data_sha256", "value": [["test", "1234"]]}
    saved = ModelCard.load(path)
    assert (saved.training.compute.co2_kg, saved.training.compute.hours) == (12.5, 3.0)
    assert saved.model_details.artifact.size_bytes == 2048
    assert saved.training.hyperparameters == {
        "learning_rate": 0.1,
        "loss": "log_loss",
        "early_stopping": True,
    }
    assert saved.versioning.data_sha256 == {"test": "1234"}  # a text table keeps text
    assert "training.compute.co2_kg" not in {m["field"] for m in editor.missing}
    shown = {f["path"]: f for s in editor.sections for f in s["fields"]}
    assert shown["training.compute.co2_kg"]["value"] == 12.5
    assert shown["training.compute.co2_kg"]["min"] == 0
    assert shown["training.hyperparameters"]["value"] == [
        ["learning_rate", "0.1"],
        ["loss", "log_loss"],
        ["early_stopping", "true"],
    ]

    before = path.read_bytes()
    bad = [
        (
            "training.compute.co2_kg",
            "12,5",
            r"Compute: CO2 emitted \(kg\) must be a number, e.g. 12.5; got '12,5'",
        ),
        ("training.compute.co2_kg", -1, "must be 0 or more"),
        ("training.compute.co2_kg", True, "must be a number"),
        ("training.compute.hours", float("nan"), "must be a number"),
        ("model_details.artifact.size_bytes", 2.5, "must be a whole number"),
        ("training.hyperparameters", [["lr", "1"], ["lr", "2"]], "the name 'lr' appears twice"),
        ("training.hyperparameters", [["", "1"]], "has no name"),
        ("training.hyperparameters", {"lr": 1}, r"list of \[name, value\] text pairs"),
    ]
    for field, value, message in bad:
        with pytest.raises(traitlets.TraitError, match=message):
            editor.edit = {"path": field, "value": value}
    assert path.read_bytes() == before  # nothing refused reached the file
    assert editor.card.training.compute.co2_kg == 12.5
    with pytest.raises(traitlets.TraitError, match="edit path must be one of"):
        editor.edit = {"path": "metrics[0].higher_is_better", "value": True}  # this card has no metrics


def test_every_typed_field_matches_the_schema_type(tmp_path: Path) -> None:
    card = ModelCard.from_audit(_adult_audit(1000), n_boot=10)
    editor = fw.ModelCardEditor(card, tmp_path / "card.json")
    expected = {
        float | None: "number",
        int | None: "integer",
        bool | None: "checkbox",
        bool: "checkbox",
        dict[str, str]: "keyvalue",
        dict[str, Any]: "keyvalue",
    }
    kinds = {}
    for path, (_, kind) in editable_fields(card).items():
        *parents, name = path.replace("[", ".").replace("]", "").split(".")
        owner: object = card
        for part in parents:
            owner = owner[int(part)] if part.isdigit() else getattr(owner, part)  # type: ignore[index]
        hint = get_type_hints(type(owner))[name]
        kinds[path] = kind
        assert expected.get(hint, kind) == kind, (path, hint, kind)
    # The NIST profile's compute fields and Annex IV 4's rationale are among them.
    assert kinds["training.compute.co2_kg"] == "number"
    assert kinds["training.hyperparameters"] == "keyvalue"
    assert {f"metrics[{i}].rationale" for i in range(len(card.metrics))} <= set(kinds)
    assert {f["kind"] for s in editor.sections for f in s["fields"]} == {
        "text",
        "markdown",
        "number",
        "integer",
        "checkbox",
        "keyvalue",
    }


def test_record_flags_are_written_as_yes_or_no(tmp_path: Path) -> None:
    path = tmp_path / "card.json"
    editor = _editor(tmp_path)
    editor.edit = {"path": "governance.change_log", "value": "3.0 | 2026-01-02 | Retrained | yes\n3.1"}
    editor.edit = {
        "path": "quantitative_analysis.robustness",
        "value": "Shifted incomes | accuracy -0.02 | no\nMissing bureau data | handled",
    }
    saved = ModelCard.load(path)
    assert [(c.version, c.summary, c.substantial) for c in saved.governance.change_log] == [
        ("3.0", "Retrained", True),
        ("3.1", "", False),
    ]
    assert [(r.test, r.result, r.passed) for r in saved.quantitative_analysis.robustness] == [
        ("Shifted incomes", "accuracy -0.02", False),
        ("Missing bureau data", "handled", None),
    ]
    editor.reload()
    shown = {f["path"]: f["value"] for s in editor.sections for f in s["fields"]}
    assert shown["governance.change_log"] == "3.0 | 2026-01-02 | Retrained | yes\n3.1 |  |  | no"
    assert shown["quantitative_analysis.robustness"] == (
        "Shifted incomes | accuracy -0.02 | no\nMissing bureau data | handled"
    )


# ------------------------------------------------------------------ slice findings and criteria

FINDING = "quantitative_analysis.fairness.slice_findings"


def _findings(*slices: str, status: str = "open", note: str = "") -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "slice": name,
                "status": status,
                "note": note,
                "metric": "true_positive_rate",
                "value": 0.4,
                "rest_value": 0.6,
                "effect": -0.2,
                "q_value": 0.01,
                "size": 80,
            }
            for name in slices
        ]
    )


def test_slice_finding_status_and_note_are_editable_and_survive_refresh(tmp_path: Path) -> None:
    path = tmp_path / "card.json"
    audit = _adult_audit(1000)
    card = ModelCard.from_audit(audit, n_boot=10, findings=_findings("sex=Female", "sex=Male"))
    editor = fw.ModelCardEditor(card, path, audit=audit)
    sections = {s["key"]: s for s in editor.sections}
    section = sections[f"{FINDING}[0]"]
    assert section["title"] == "Slice finding: sex=Female (true_positive_rate, gap -0.2, q = 0.01, n = 80)"
    fields = {f["path"]: f for f in section["fields"]}
    assert fields[f"{FINDING}[0].status"] | {"value": None} == {
        "path": f"{FINDING}[0].status",
        "label": "Status",
        "kind": "choice",
        "value": None,
        "source": "human",
        "options": ["open", "accepted", "mitigated"],
    }
    assert fields[f"{FINDING}[0].annotation"]["kind"] == "markdown"

    editor.edit = {"path": f"{FINDING}[0].status", "value": "mitigated"}
    editor.edit = {"path": f"{FINDING}[0].annotation", "value": "Per-group thresholds since v3."}
    editor.edit = {"path": f"{FINDING}[1].status", "value": "accepted"}
    saved = ModelCard.load(path).quantitative_analysis.fairness.slice_findings
    assert [(f.slice, f.status, f.annotation) for f in saved] == [
        ("sex=Female", "mitigated", "Per-group thresholds since v3."),
        ("sex=Male", "accepted", ""),
    ]

    # The explorer has nothing to say about them (default status, no note): the card's stay.
    editor.refresh(n_boot=10, findings=_findings("sex=Female", "sex=Male"))
    # A refresh in which sex=Male is no longer flagged keeps it: a person wrote on it.
    editor.refresh(n_boot=10, findings=_findings("sex=Female"))
    editor.refresh(n_boot=10)  # and one with no findings at all
    for kept in (editor.card, ModelCard.load(path)):
        assert [
            (f.slice, f.status, f.annotation, f.source)
            for f in kept.quantitative_analysis.fairness.slice_findings
        ] == [
            ("sex=Female", "mitigated", "Per-group thresholds since v3.", "computed"),
            ("sex=Male", "accepted", "", "computed"),
        ]
    assert [f.flagged for f in editor.card.quantitative_analysis.fairness.slice_findings] == [True, False]
    titles = [s["title"] for s in editor.sections if s["key"].startswith(FINDING)]
    assert titles[1].endswith(", no longer flagged by the latest search")
    assert "accepted (no longer flagged)" in editor.card.to_markdown()
    assert "no longer flagged" not in titles[0]
    shown = {f["path"]: f["value"] for s in editor.sections for f in s["fields"]}
    assert shown[f"{FINDING}[0].status"] == "mitigated"
    assert shown[f"{FINDING}[0].annotation"] == "Per-group thresholds since v3."

    # What the explorer says (a note, a status other than open) is the newer word.
    editor.refresh(n_boot=10, findings=_findings("sex=Female", status="accepted risk", note="Reviewed."))
    first = editor.card.quantitative_analysis.fairness.slice_findings[0]
    assert (first.status, first.annotation) == ("accepted", "Reviewed.")


def test_an_unannotated_finding_no_longer_flagged_is_dropped(tmp_path: Path) -> None:
    audit = _adult_audit(1000)
    card = ModelCard.from_audit(audit, n_boot=10, findings=_findings("sex=Female", "sex=Male"))
    editor = fw.ModelCardEditor(card, tmp_path / "card.json", audit=audit)
    editor.refresh(n_boot=10, findings=_findings("sex=Female"))
    assert [f.slice for f in editor.card.quantitative_analysis.fairness.slice_findings] == ["sex=Female"]
    assert [s["key"] for s in editor.sections if s["key"].startswith(FINDING)] == [f"{FINDING}[0]"]


def test_a_status_outside_the_list_is_refused_and_the_browser_told(tmp_path: Path) -> None:
    path = tmp_path / "card.json"
    card = ModelCard.from_audit(_adult_audit(1000), n_boot=10, findings=_findings("sex=Female"))
    editor = fw.ModelCardEditor(card, path)
    with pytest.raises(
        traitlets.TraitError, match="Status must be one of open, accepted, mitigated; got 'closed'"
    ):
        editor.edit = {"path": f"{FINDING}[0].status", "value": "closed"}
    assert (
        editor.status["refused"]
        == "Status must be one of open, accepted, mitigated; got 'closed'. It was not saved."
    )
    assert editor.card.quantitative_analysis.fairness.slice_findings[0].status == "open"
    assert not path.exists()

    editor.edit = {"path": f"{FINDING}[0].status", "value": "accepted"}
    assert editor.status["refused"] == ""
    assert ModelCard.load(path).quantitative_analysis.fairness.slice_findings[0].status == "accepted"


def test_criteria_are_edited_one_per_line_with_typed_parts(tmp_path: Path) -> None:
    path = tmp_path / "card.json"
    editor = _editor(tmp_path)
    criteria = "quantitative_analysis.fairness.criteria"
    assert {f["path"] for s in editor.sections for f in s["fields"] if s["key"] == "fairness_criteria"} == {
        criteria
    }
    editor.edit = {
        "path": criteria,
        "value": "di_sex | disparate impact, sex | >= | 0.8\neodds | eq. odds difference | <= | 0.1 | yes",
    }
    saved = ModelCard.load(path).quantitative_analysis.fairness.criteria
    assert [
        (c.rule_id, c.expression, c.comparator, c.threshold, c.use_ci_bound, c.source) for c in saved
    ] == [
        ("di_sex", "disparate impact, sex", ">=", 0.8, False, "human"),
        ("eodds", "eq. odds difference", "<=", 0.1, True, "human"),
    ]
    shown = {f["path"]: f["value"] for s in editor.sections for f in s["fields"]}
    editor.reload()
    assert {f["path"]: f["value"] for s in editor.sections for f in s["fields"]}[criteria] == (
        "di_sex | disparate impact, sex | >= | 0.8 | no\neodds | eq. odds difference | <= | 0.1 | yes"
    )
    assert shown[criteria].startswith("di_sex")

    for bad, message in (
        (
            "di | x | >= | 0,8",
            "Criteria the model must meet, line 1: threshold must be a number, e.g. 12.5; got '0,8'",
        ),
        ("ok | x | <= | 0.1\ndi | x | => | 0.8", "line 2: comparator must be one of >=, <=, >, <; got '=>'"),
    ):
        with pytest.raises(traitlets.TraitError, match=re.escape(message)):
            editor.edit = {"path": criteria, "value": bad}
        assert message in editor.status["refused"]
    assert len(ModelCard.load(path).quantitative_analysis.fairness.criteria) == 2  # nothing written

    # A result stands only beside the rule it was judged against: editing the rule clears it.
    for c in editor.card.quantitative_analysis.fairness.criteria:
        c.value, c.passed, c.evaluated_at = 0.85, True, "2026-12-01T00:00:00+00:00"
    editor.edit = {
        "path": criteria,
        "value": "di_sex | disparate impact, sex | >= | 0.9 | no\n"
        "eodds | eq. odds difference | <= | 0.1 | yes",
    }
    first, second = editor.card.quantitative_analysis.fairness.criteria
    assert (first.threshold, first.value, first.passed, first.evaluated_at) == (0.9, None, None, "")
    assert (second.value, second.passed) == (0.85, True)
