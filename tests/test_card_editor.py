"""ModelCardEditor: edits reach the card and the file, conflicts are never overwritten."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import traitlets

import fairness_widgets as fw
from fairness_widgets.card import ModelCard
from fairness_widgets.widgets.card_editor import FIELDS

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
    assert {f["path"] for s in editor.sections for f in s["fields"]} == set(FIELDS)


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
