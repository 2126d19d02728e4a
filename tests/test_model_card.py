"""fw.ModelCard: schema, hashes and sign-offs, audit fill, files, profiles, exports, round trips."""

from __future__ import annotations

import json
import os
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import fairness_widgets as fw
from fairness_widgets.card import CardFormatError, save_mct
from fairness_widgets.card import files as card_files
from fairness_widgets.card.schema import (
    Criterion,
    Datasheet,
    GroupAtRisk,
    License,
    Oversight,
    ResidualRisk,
    Risk,
    SliceFinding,
)


class Thresholds:
    """Stands in for GroupThresholds: anything with ``to_frame()``."""

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame(
            {"attribute": ["sex", "sex"], "group": ["F", "M"], "threshold": [0.4, 0.55], "weight": [1.0, 1.0]}
        )


@pytest.fixture(scope="module")
def audit() -> fw.Audit:
    rng = np.random.default_rng(0)
    n = 600
    return fw.Audit(
        rng.integers(0, 2, n),
        y_score=rng.random(n),
        sensitive={"sex": rng.choice(["F", "M"], n), "race": rng.choice(["A", "B"], n)},
    )


def findings() -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "slice": "age=<25",
                "status": "accepted",
                "note": "Young applicants: *thin* files",
                "metric": "recall",
                "value": 0.4,
                "rest_value": 0.6,
                "effect": -0.2,
                "q_value": 0.01,
                "size": 80,
            },
        ]
    )


def rich_card(audit: fw.Audit) -> fw.ModelCard:
    card = fw.ModelCard.from_audit(
        audit, name="credit-v3", n_boot=20, thresholds=Thresholds(), findings=findings()
    )
    d = card.model_details
    d.summary = "Scores consumer credit applications."
    d.description = "Gradient boosting on bureau data.\n\nSecond paragraph with a | pipe."
    d.licenses = [License(spdx_id="apache-2.0")]
    d.language, d.tags, d.library_name, d.task = (
        ["en"],
        ["credit", "fairness"],
        "sklearn",
        "tabular-classification",
    )
    d.architecture = "HistGradientBoostingClassifier"
    d.provider.name, d.provider.contact = "Acme Bank", "models@acme.example"
    d.version.name = "3.0.1"
    card.intended_use.primary_uses = ["Pre-screening credit applications", "Second use\nover two lines"]
    card.intended_use.primary_users = ["Credit officers"]
    card.intended_use.out_of_scope_uses = ["Employment decisions"]
    card.intended_use.foreseeable_misuse = ["Fully automated rejection"]
    card.considerations.limitations = ["Trained on 2019-2021 applicants only"]
    card.considerations.recommendations = ["Review denials of applicants under 25"]
    card.considerations.tradeoffs = ["Equal opportunity costs 0.8 points of accuracy"]
    card.considerations.ethical_risks = [Risk(name="Proxy discrimination", mitigation_strategy="Proxy audit")]
    card.considerations.residual_risks = [
        ResidualRisk(risk="Thin files", acceptance_rationale="Human review")
    ]
    card.operation.input_spec = "One row per application, 42 bureau features"
    card.operation.output_interpretation = "Probability of default in 12 months"
    card.operation.human_oversight = [
        Oversight(measure="Officer reviews every denial", override_procedure="x")
    ]
    card.training.procedure = "5-fold CV, early stopping"
    card.datasets[0].datasheet = Datasheet(
        collection_process="Bureau extract", known_gaps="Few applicants over 80"
    )
    card.datasets[0].sha256 = "ab" * 32
    card.quantitative_analysis.fairness.criteria = [Criterion(rule_id="dp", threshold=0.1, comparator="<=")]
    card.quantitative_analysis.fairness.groups_at_risk = [
        GroupAtRisk(group="age<25", harms="wrongful denial")
    ]
    card.governance.risk_tier = "high"
    card.extensions["team"] = {"cost_center": 42}
    card.sign(
        role="fairness reviewer", name="R. Ng", decision="approve_with_conditions", conditions="Monitor"
    )
    return card


# ------------------------------------------------------------------ schema, audit fill


def test_from_audit_fills_results_with_intervals_and_source(audit: fw.Audit) -> None:
    card = fw.ModelCard.from_audit(audit, name="credit-v3", n_boot=20)
    results = card.quantitative_analysis.results
    grouped = [r for r in results if r.slice]
    assert grouped
    assert all(r.source == "computed" for r in results)
    assert all(r.n is not None and r.ci_lower is not None for r in grouped if r.metric_id == "selection_rate")
    assert {"sex": "F", "race": "A"} in [r.slice for r in grouped]  # intersections become 2-key slices
    assert card.datasets[0].group_counts["sex=F"] + card.datasets[0].group_counts["sex=M"] == 600
    assert card.quantitative_analysis.fairness.disparities
    assert {m.id for m in card.metrics} >= {"selection_rate", "true_positive_rate"}
    assert card.versioning.audit_hash.startswith("sha256:")


def test_refresh_keeps_what_a_person_wrote(audit: fw.Audit) -> None:
    card = fw.ModelCard.from_audit(audit, name="credit-v3", n_boot=20, findings=findings())
    overall = next(r for r in card.quantitative_analysis.results if not r.slice and r.metric_id == "accuracy")
    overall.value, overall.source = 0.99, "human"  # a person corrected it
    card.metrics[0].rationale, card.metrics[0].source = "Regulator asks for it", "human"
    card.datasets[0].datasheet.known_gaps = "Few applicants over 80"
    blank = findings().assign(note="", status="open")
    card.refresh(audit, n_boot=20, findings=blank)
    accuracy = [r for r in card.quantitative_analysis.results if not r.slice and r.metric_id == "accuracy"]
    assert [(r.value, r.source) for r in accuracy] == [(0.99, "human")]
    assert card.metrics[0].rationale == "Regulator asks for it"
    assert len({m.id for m in card.metrics}) == len(card.metrics)
    assert card.datasets[0].datasheet.known_gaps == "Few applicants over 80"
    finding = card.quantitative_analysis.fairness.slice_findings[0]
    assert (finding.annotation, finding.status) == ("Young applicants: *thin* files", "accepted")


def test_json_schema_validates_a_saved_card(audit: fw.Audit, tmp_path: Path) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    card = rich_card(audit)
    data = json.loads(card.save(tmp_path / "card.json").read_text())
    jsonschema.validate(data, fw.ModelCard.json_schema())  # the file as saved, offline
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({**data, "surprise": 1}, fw.ModelCard.json_schema())


def test_fixed_lists_are_checked_on_load_and_listed_in_the_json_schema(
    audit: fw.Audit, tmp_path: Path
) -> None:
    card = rich_card(audit)
    path = card.save(tmp_path / "card.json")
    data = json.loads(path.read_text())
    data["signoffs"][0]["decision"] = "maybe"
    path.write_text(json.dumps(data))
    with pytest.raises(CardFormatError, match=r"signoffs\[0\]\.decision: 'maybe' is not allowed; use one of"):
        fw.ModelCard.load(path)
    definitions = fw.ModelCard.json_schema()["$defs"]
    assert definitions["SignOff"]["properties"]["decision"]["enum"] == [
        "approve",
        "approve_with_conditions",
        "reject",
    ]
    assert definitions["SliceFinding"]["properties"]["status"]["enum"] == ["open", "accepted", "mitigated"]


# ------------------------------------------------------------------ hash and sign-offs


def test_an_edit_after_signing_invalidates_the_signoff(audit: fw.Audit) -> None:
    card = rich_card(audit)
    signoff = card.signoffs[0]
    assert card.is_valid(signoff)
    assert card.signoff_status()["valid"].tolist() == [True]
    before = card.content_hash
    card.sign(role="legal", name="K. Obi")  # signing is not an edit
    assert card.content_hash == before
    card.considerations.limitations.append("Not tested on self-employed applicants")
    assert card.content_hash != before
    assert card.signoff_status()["valid"].tolist() == [False, False]
    assert any(m.field == "signoffs[0]" for m in card.check("minimal"))
    assert "NO: card edited since" in card.to_markdown()
    with pytest.raises(ValueError, match="decision must be one of"):
        card.sign(role="owner", name="A", decision="maybe")


# ------------------------------------------------------------------ files


def test_save_load_round_trip_keeps_previous_version(audit: fw.Audit, tmp_path: Path) -> None:
    card = rich_card(audit)
    path = tmp_path / "card.json"
    card.save(path)
    first = path.read_text()
    card.model_details.summary = "Edited."
    card.save(path)
    assert (tmp_path / "card.prev.json").read_text() == first
    loaded = fw.ModelCard.load(path)
    assert loaded.to_dict() == card.to_dict()
    assert loaded.content_hash == card.content_hash
    assert loaded.is_valid(loaded.signoffs[0]) is False  # the summary changed after signing


def test_crash_between_write_and_rename_leaves_the_old_card(
    audit: fw.Audit, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    card = rich_card(audit)
    path = tmp_path / "card.json"
    card.save(path)
    before = path.read_bytes()

    def crash(*_: object) -> None:
        raise KeyboardInterrupt("kernel killed")

    monkeypatch.setattr(card_files.os, "replace", crash)
    card.model_details.summary = "Never saved."
    with pytest.raises(KeyboardInterrupt):
        card.save(path)
    monkeypatch.undo()
    assert path.read_bytes() == before
    assert fw.ModelCard.load(path).model_details.summary == "Scores consumer credit applications."
    assert sorted(p.name for p in tmp_path.iterdir()) == ["card.json", "card.prev.json"]  # no temp left


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "is empty"),
        ('{"schema_version": "fw-card/1.0", "model_details": {"na', "truncated"),
        ("[1, 2]", "JSON object"),
        ('{"name": "x"}', "not a fairness_widgets card"),
        ('{"schema_version": "fw-card/2.0"}', "not readable by this version"),
        ('{"schema_version": "fw-card/1.0", "model_details": {"licenses": "MIT"}}', "model_details.licenses"),
        ('{"schema_version": "fw-card/1.0", "metrics": [{"higher_is_better": "yes"}]}', r"metrics\[0\]"),
        ('{"schema_version": "fw-card/1.0", "sumary": "typo"}', "unknown field"),
    ],
)
def test_malformed_or_truncated_files_give_a_clear_error(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "card.json"
    path.write_text(content)
    with pytest.raises(CardFormatError, match=message):
        fw.ModelCard.load(path)


# ------------------------------------------------------------------ versions


def _newer_card(tmp_path: Path) -> Path:
    """A card as a later fairness-widgets (schema fw-card/1.3) would write it: new fields at
    the top, in a section and in a list item, beside fields this version knows."""
    data = fw.ModelCard().to_dict()
    data["schema_version"] = "fw-card/1.3"
    data["written_by"] = "fairness-widgets 9.1.0"
    data["model_details"]["name"] = "credit-v4"
    data["model_details"]["energy_label"] = "A"
    data["metrics"] = [{"id": "tpr", "rationale": "Missed repayers.", "weight": 2}]
    data["carbon"] = {"kg": 3.5}
    path = tmp_path / "card.json"
    path.write_text(json.dumps(data))
    return path


def test_a_newer_minor_version_loads_and_keeps_the_fields_it_does_not_know(tmp_path: Path) -> None:
    path = _newer_card(tmp_path)
    with pytest.warns(UserWarning, match=r"fw-card/1\.3 \(written by fairness-widgets 9\.1\.0\)") as caught:
        card = fw.ModelCard.load(path)
    assert "['carbon', 'metrics[0].weight', 'model_details.energy_label']" in str(caught[0].message)
    assert (card.model_details.name, card.metrics[0].rationale) == ("credit-v4", "Missed repayers.")
    unread = {
        "schema_version": "fw-card/1.3",
        "written_by": "fairness-widgets 9.1.0",
        "fields": {"model_details.energy_label": "A", "metrics[0].weight": 2, "carbon": {"kg": 3.5}},
    }
    assert card.extensions["unread_fields"] == unread
    assert card.schema_version == fw.card.schema.SCHEMA_VERSION

    # Saved and read again (JSON, Hugging Face, MCT), the unread fields are still there.
    card.save(path)
    again = fw.ModelCard.load(path)
    assert again.extensions["unread_fields"] == unread
    assert fw.ModelCard.from_huggingface(card.to_huggingface()).extensions["unread_fields"] == unread
    assert fw.ModelCard.from_mct(*card.to_mct()).extensions["unread_fields"] == unread


def test_a_card_of_schema_1_0_loads_without_a_warning(tmp_path: Path) -> None:
    """1.1 added ``SliceFinding.flagged``; a 1.0 file has none and reads as still flagged."""
    path = tmp_path / "card.json"
    card = fw.ModelCard()
    card.quantitative_analysis.fairness.slice_findings.append(SliceFinding(slice="sex=Female"))
    card.save(path)
    data = json.loads(path.read_text())
    data["schema_version"] = "fw-card/1.0"
    for finding in data["quantitative_analysis"]["fairness"]["slice_findings"]:
        del finding["flagged"]
    path.write_text(json.dumps(data))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        loaded = fw.ModelCard.load(path)
    assert [f.flagged for f in loaded.quantitative_analysis.fairness.slice_findings] == [True]


def test_unknown_fields_of_this_version_and_newer_majors_are_refused_naming_the_writer(
    tmp_path: Path,
) -> None:
    path = tmp_path / "card.json"
    card = fw.ModelCard()
    card.save(path)
    data = json.loads(path.read_text())
    writer = data["written_by"]
    assert writer.startswith("fairness-widgets ")
    data["model_details"]["sumary"] = "typo"
    path.write_text(json.dumps(data))
    with pytest.raises(
        CardFormatError, match=r"card\.model_details: unknown field\(s\) \['sumary'\]"
    ) as error:
        fw.ModelCard.load(path)
    assert f"The card is {fw.card.schema.SCHEMA_VERSION} (written by {writer})." in str(error.value)

    path.write_text(
        json.dumps({**data, "schema_version": "fw-card/2.0", "written_by": "fairness-widgets 12.0"})
    )
    with pytest.raises(
        CardFormatError, match=r"fw-card/2\.0 \(written by fairness-widgets 12\.0\) is not readable"
    ) as error:
        fw.ModelCard.load(path)
    assert "Install the fairness-widgets version that wrote it, or a newer one." in str(error.value)
    path.write_text(json.dumps({"schema_version": "fw-card/one"}))
    with pytest.raises(CardFormatError, match=r"malformed; expected 'fw-card/<major>\.<minor>'"):
        fw.ModelCard.load(path)


def test_truncated_file_points_to_the_previous_version(audit: fw.Audit, tmp_path: Path) -> None:
    path = tmp_path / "card.json"
    card = rich_card(audit)
    card.save(path)
    card.save(path)
    path.write_text(path.read_text()[:500])
    with pytest.raises(CardFormatError, match=r"truncated.*card\.prev\.json"):
        fw.ModelCard.load(path)


# ------------------------------------------------------------------ completeness


def test_eu_profile_lists_every_annex_iv_item_for_a_fresh_card() -> None:
    missing = fw.ModelCard().check("eu-ai-act-high-risk")
    requirements = " ".join(m.requirement for m in missing)
    for item in [
        "IV 1(a)",
        "IV 1(b)",
        "IV 1(d)",
        "IV 1(e)",
        "IV 1(h)",
        "IV 2(a)",
        "IV 2(b)",
        "IV 2(c)",
        "IV 2(d)",
        "IV 2(e)",
        "IV 2(g)",
        "IV 2(h)",
        "IV 3",
        "IV 5",
        "IV 6",
        "IV 7",
        "IV 8",
        "IV 9",
        "Art 10(2)(g)",
        "Art 10(4)",
        "Art 13(3)(b)(iii)",
        "Art 14(4)",
        "Art 15(1)",
    ]:
        assert item in requirements, item
    assert all(m.field and m.why for m in missing)
    assert len({m.field for m in missing}) == len(missing)  # one entry per field


def test_eu_profile_checks_datasheets_intervals_and_shrinks_as_fields_fill(audit: fw.Audit) -> None:
    card = rich_card(audit)
    fields = {m.field for m in card.check("eu-ai-act-high-risk")}
    assert "datasets[0].datasheet.collection_process" not in fields
    assert "datasets[0].datasheet.bias_examination" in fields
    assert "operation.human_oversight[0].stop_procedure" in fields
    assert "metrics[0].rationale" in fields
    assert "intended_use.primary_uses" not in fields
    assert len(fields) < len(fw.ModelCard().check("eu-ai-act-high-risk")) + len(card.metrics) + 8


@pytest.mark.parametrize("profile", ["minimal", "huggingface", "eu-ai-act-high-risk", "nist-ai-rmf"])
def test_profiles_treat_template_placeholders_as_missing(profile: str) -> None:
    card = fw.ModelCard()
    card.model_details.name = "x"
    card.considerations.limitations = ["[More Information Needed]"]
    fields = {m.field for m in card.check(profile)}
    assert "considerations.limitations" in fields


def test_unknown_profile_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="profile must be one of"):
        fw.ModelCard().check("iso-42001")


# ------------------------------------------------------------------ Markdown and HTML


def test_html_escapes_user_text_and_is_self_contained(audit: fw.Audit) -> None:
    card = rich_card(audit)
    card.model_details.summary = "<script>alert(1)</script>"
    card.quantitative_analysis.fairness.slice_findings[0].annotation = "<img src=x onerror=alert(1)>"
    page = card.to_html()
    assert "<script>" not in page
    assert "<img src=x" not in page
    assert "&lt;script&gt;" in page
    assert "http://" not in page
    assert "https://" not in page
    markdown = card.to_markdown()
    assert "Disparities" in markdown
    assert "credit-v3" in markdown
    assert "Second paragraph with a | pipe." in markdown


def test_html_has_inline_charts_and_escapes_group_names() -> None:
    df = fw.datasets.load_adult("test").head(2000).assign(pred=lambda d: d["education_num"] >= 13)
    first = df["sex"].iloc[0]
    df["sex"] = df["sex"].astype(str).replace({str(first): "<script>alert(1)</script>"})
    audit = fw.Audit.from_frame(df, y_true="label", y_pred="pred", sensitive=["sex"])
    card = fw.ModelCard.from_audit(audit, name="adult", n_boot=20)
    page = card.to_html()
    assert page.count("data:image/png;base64,") >= 2  # e.g. selection rate, true positive rate
    assert "<script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<h3>Disparities</h3>" in page
    assert "data:image/png" not in card.to_markdown()


# ------------------------------------------------------------------ Hugging Face


def test_huggingface_round_trip_keeps_every_field(audit: fw.Audit) -> None:
    card = rich_card(audit)
    readme = card.to_huggingface()
    assert readme.startswith("---\n")
    assert "model-index:" in readme
    assert "fairness_widgets:" in readme
    assert "selection_rate (sex=F)" in readme
    back = fw.ModelCard.from_huggingface(readme)
    assert back.to_dict() == card.to_dict()
    assert back.is_valid(back.signoffs[0])


def test_huggingface_body_edits_win_over_the_namespaced_copy(audit: fw.Audit) -> None:
    readme = rich_card(audit).to_huggingface()
    edited = readme.replace("- Trained on 2019-2021 applicants only", "- Edited on the Hub")
    assert fw.ModelCard.from_huggingface(edited).considerations.limitations == ["Edited on the Hub"]


HAND_WRITTEN = """---
license: mit
language:
- en
library_name: sklearn
pipeline_tag: tabular-classification
datasets:
- scikit-learn/adult-census-income
co2_eq_emissions: 12
model-index:
- name: income-gbm
  results:
  - task:
      type: tabular-classification
    dataset:
      name: Adult
      type: scikit-learn/adult-census-income
      split: test
    metrics:
    - type: accuracy
      value: 0.87
      name: Accuracy
    - type: f1
      value: N/A
---

# Model Card for income-gbm

<!-- Provide a quick summary of what the model is/does. -->

Predicts whether income exceeds 50K.

## Model Details

### Model Description

<!-- Provide a longer summary of what this model is. -->

A gradient-boosted tree ensemble.

- **Developed by:** Example Lab
- **Funded by [optional]:** [More Information Needed]
- **Model type:** Gradient boosting
- **Language(s) (NLP):** en
- **License:** mit
- **Finetuned from model [optional]:** [More Information Needed]

### Model Sources [optional]

- **Repository:** [More Information Needed]

## Uses

### Direct Use

Screening research only.

### Out-of-Scope Use

- Hiring
- Lending

## Bias, Risks, and Limitations

[More Information Needed]

### Recommendations

Users should be made aware of the risks.

## Training Details

### Training Procedure

#### Training Hyperparameters

- **Training regime:** fp32

## Citation [optional]

```bibtex
# not a heading
@misc{x}
```
"""


def test_a_hand_written_template_readme_imports() -> None:
    card = fw.ModelCard.from_huggingface(HAND_WRITTEN)
    d = card.model_details
    assert (d.name, d.summary) == ("income-gbm", "Predicts whether income exceeds 50K.")
    assert d.description == "A gradient-boosted tree ensemble."
    assert (d.provider.name, d.model_type, d.licenses[0].spdx_id, d.language) == (
        "Example Lab",
        "Gradient boosting",
        "mit",
        ["en"],
    )
    assert d.base_model == []  # "[More Information Needed]" is empty, not content
    assert card.intended_use.primary_uses == ["Screening research only."]
    assert card.intended_use.out_of_scope_uses == ["Hiring", "Lending"]
    assert card.considerations.limitations == []
    assert card.considerations.recommendations == ["Users should be made aware of the risks."]
    result = card.quantitative_analysis.results[0]
    assert (result.metric_id, result.value, result.dataset_id, result.split) == (
        "accuracy",
        0.87,
        "Adult",
        "test",
    )
    assert card.extensions["huggingface_unparsed_metrics"] == [
        {"type": "f1", "value": "N/A"}
    ]  # kept, not dropped
    assert card.extensions["huggingface"] == {"co2_eq_emissions": 12}
    sections = card.extensions["huggingface_sections"]
    assert "#### Training Hyperparameters" not in sections
    assert "Training Hyperparameters" in sections
    assert "@misc{x}" in sections["Citation [optional]"]
    assert card.datasets[0].hf_hub_id == "scikit-learn/adult-census-income"
    again = fw.ModelCard.from_huggingface(card.to_huggingface())  # unknown keys and sections are written back
    assert again.extensions == card.extensions
    assert again.to_dict() == card.to_dict()


@pytest.mark.parametrize(
    ("readme", "message"),
    [
        ("---\nlicense: [unclosed\n---\n# x\n", "malformed"),
        ("---\n- a list\n---\n# x\n", "not a mapping"),
        ("---\nfairness_widgets: 3\n---\n# x\n", "must be a mapping"),
        ("---\nfairness_widgets:\n  metrics: 3\n---\n# x\n", "expected a list"),
        ("---\nx: !!python/object/apply:os.system ['true']\n---\n# x\n", "malformed"),
        ("---\nmodel-index: [oops]\n---\n# x\n", r"'model-index' .* must be a list of mappings"),
        (
            "---\nmodel-index:\n- name: x\n  results: oops\n---\n",
            r"model-index\[0\]\.results .* must be a list",
        ),
        (
            "---\nmodel-index:\n- results:\n  - dataset: {name: d}\n    metrics: [3]\n---\n",
            r"model-index\[0\]\.results\[0\]\.metrics .* must be a list of mappings",
        ),
        (
            "---\nmodel-index:\n- results:\n  - dataset: adult\n---\n",
            r"results\[0\]\.dataset .* must be a mapping",
        ),
        ("---\ntags: [{a: 1}]\n---\n", "'tags' .* must be a name or a list of names"),
        ("---\nlicense: mit\nmodel-index:\n- name: x\n  results: [\n", "no closing '---' line; .* truncated"),
    ],
)
def test_bad_readme_metadata_is_a_clear_error(readme: str, message: str) -> None:
    with pytest.raises(CardFormatError, match=message):
        fw.ModelCard.from_huggingface(readme)


# ------------------------------------------------------------------ Model Card Toolkit

MCT_ROOT = {"schema_version", "model_details", "model_parameters", "quantitative_analysis", "considerations"}


def test_one_dataset_name_in_the_readme_is_one_dataset() -> None:
    card = fw.ModelCard.from_huggingface("---\ndatasets: scikit-learn/adult-census-income\n---\n# x\n")
    assert [d.hf_hub_id for d in card.datasets] == ["scikit-learn/adult-census-income"]


def test_mct_round_trip_with_sidecar_keeps_every_field(audit: fw.Audit, tmp_path: Path) -> None:
    card = rich_card(audit)
    mct, sidecar = card.to_mct()
    assert set(mct) <= MCT_ROOT  # MCT's root forbids other keys
    metric = mct["quantitative_analysis"]["performance_metrics"][-1]
    assert isinstance(metric["value"], str)
    assert "=" in metric["slice"]
    assert fw.ModelCard.from_mct(mct, sidecar).to_dict() == card.to_dict()
    main, side = save_mct(card, tmp_path / "card.mct.json")
    assert side.name == "card.mct.fw.json"
    loaded = fw.ModelCard.from_mct(json.loads(main.read_text()), json.loads(side.read_text()))
    assert loaded.to_dict() == card.to_dict()


def test_mct_without_sidecar_keeps_what_mct_can_hold(audit: fw.Audit) -> None:
    card = rich_card(audit)
    mct, _ = card.to_mct()
    back = fw.ModelCard.from_mct(json.loads(json.dumps(mct)))
    for path in (
        "model_details.name",
        "model_details.summary",
        "model_details.description",
        "model_details.architecture",
        "intended_use.primary_uses",
        "intended_use.primary_users",
        "intended_use.out_of_scope_uses",
        "intended_use.foreseeable_misuse",
        "considerations.limitations",
        "considerations.tradeoffs",
        "considerations.ethical_risks",
        "operation.input_spec",
        "operation.output_interpretation",
        "datasets",
    ):
        a, b = card, back
        for part in path.split("."):
            a, b = getattr(a, part), getattr(b, part)
        assert a == b, path
    pairs = zip(card.quantitative_analysis.results, back.quantitative_analysis.results, strict=True)
    for ours, theirs in pairs:
        assert (ours.metric_id, ours.slice, ours.value, ours.ci_lower, ours.ci_upper) == (
            theirs.metric_id,
            theirs.slice,
            theirs.value,
            theirs.ci_lower,
            theirs.ci_upper,
        )
    assert back.quantitative_analysis.fairness.mitigations == []  # documented as sidecar-only


def test_mct_written_by_the_toolkit_imports() -> None:
    mct = {
        "schema_version": "0.0.2",
        "model_details": {
            "name": "census",
            "overview": "Income model",
            "owners": [{"name": "ML team"}],
            "licenses": [{"identifier": "Apache-2.0"}],
        },
        "model_parameters": {
            "data": [{"name": "eval", "link": "gs://x", "sensitive": {"sensitive_data": ["sex"]}}]
        },
        "quantitative_analysis": {
            "performance_metrics": [
                {"type": "accuracy", "value": 0.81, "slice": "sex_Female"},
                {"type": "recall", "value": "0.7", "slice": "sex=F;race=B"},
            ]
        },
        "considerations": {
            "limitations": [{"description": "[out-of-scope] Lending"}, {"description": "Old data"}]
        },
    }
    card = fw.ModelCard.from_mct(mct)
    assert card.model_details.licenses[0].spdx_id == "Apache-2.0"
    assert card.datasets[0].sensitive_attributes == ["sex"]
    assert [r.value for r in card.quantitative_analysis.results] == [0.81, 0.7]
    assert card.quantitative_analysis.results[1].slice == {"sex": "F", "race": "B"}
    assert card.intended_use.out_of_scope_uses == ["Lending"]
    assert card.considerations.limitations == ["Old data"]
    with pytest.raises(CardFormatError, match="not a number"):
        fw.ModelCard.from_mct({"quantitative_analysis": {"performance_metrics": [{"value": "high"}]}})


def test_save_is_atomic_for_mct_too(tmp_path: Path) -> None:
    main, side = save_mct(fw.ModelCard(), tmp_path / "m.json")
    assert main.exists()
    assert side.exists()
    assert not [p for p in os.listdir(tmp_path) if p.endswith(".tmp")]


# ------------------------------------------------------------------ human fields on computed records


def test_refresh_keeps_what_a_person_wrote_on_computed_records(audit: fw.Audit) -> None:
    card = fw.ModelCard.from_audit(audit, name="credit-v3", n_boot=20, findings=findings())
    metric = next(m for m in card.metrics if m.id == "true_positive_rate")
    assert metric.source == "computed"
    metric.rationale = "Missed repayers are the harm regulators ask about."
    metric.decision_threshold, metric.higher_is_better = 0.5, True
    metric.decision_threshold_rationale = "Break-even for the lender"
    factor = card.factors.evaluation_factors[0]
    factor.kind, factor.rationale = "proxy", "Stands in for ethnicity"
    finding = card.quantitative_analysis.fairness.slice_findings[0]
    assert finding.source == "computed"

    card.refresh(audit, n_boot=20, findings=findings().assign(note="", status="open"))
    card.refresh(audit, n_boot=20)  # and again, with no findings passed this time

    metric = next(m for m in card.metrics if m.id == "true_positive_rate")
    assert (metric.source, metric.rationale, metric.decision_threshold, metric.higher_is_better) == (
        "computed",
        "Missed repayers are the harm regulators ask about.",
        0.5,
        True,
    )
    assert metric.decision_threshold_rationale == "Break-even for the lender"
    assert metric.name == "True positive rate"  # computed fields are still recomputed
    factor = card.factors.evaluation_factors[0]
    assert (factor.kind, factor.rationale) == ("proxy", "Stands in for ethnicity")
    finding = card.quantitative_analysis.fairness.slice_findings[0]
    assert (finding.annotation, finding.status) == ("Young applicants: *thin* files", "accepted")
    at = next(i for i, m in enumerate(card.metrics) if m.id == "true_positive_rate")
    missing = {m.field for m in card.check("eu-ai-act-high-risk")}
    assert f"metrics[{at}].rationale" not in missing
    assert f"metrics[{(at + 1) % len(card.metrics)}].rationale" in missing
    # A fresh fill from the same audit knows nothing a person wrote.
    assert not fw.ModelCard.from_audit(audit, n_boot=20).metrics[0].rationale


# ------------------------------------------------------------------ interval methods


def test_each_interval_records_the_method_that_made_it(audit: fw.Audit) -> None:
    metrics = ["selection_rate", "true_positive_rate", "f1", "balanced_accuracy", "auc"]
    card = fw.ModelCard.from_audit(audit, metrics=metrics, n_boot=30, seed=3)  # no "count" asked for
    assert sum(card.datasets[0].group_counts.values()) == 3 * 600  # sex, race, sex × race: everyone
    grouped = [r for r in card.quantitative_analysis.results if r.slice]
    methods = {r.metric_id: {x.ci_method for x in grouped if x.metric_id == r.metric_id} for r in grouped}
    assert methods == {
        "selection_rate": {"Wilson score interval"},
        "true_positive_rate": {"Wilson score interval"},
        "f1": {"percentile bootstrap of group counts"},
        "balanced_accuracy": {"percentile bootstrap of group counts"},
        "auc": {""},  # no interval, so no method
    }
    assert all(r.ci_lower is None for r in grouped if r.metric_id == "auc")
    variation = {m.id: m.variation for m in card.metrics}
    assert (variation["f1"].method, variation["f1"].resamples, variation["f1"].seed) == (
        "percentile bootstrap of group counts",
        30,
        3,
    )
    assert (variation["selection_rate"].method, variation["selection_rate"].resamples) == (
        "Wilson score interval",
        None,
    )
    disparities = card.quantitative_analysis.fairness.disparities
    assert {d.ci_method for d in disparities if d.ci_lower is not None} == {
        "percentile bootstrap of group counts"
    }
    markdown, page = card.to_markdown(), card.to_html()
    assert "| 95% CI | interval method | n |" in markdown
    f1_row = next(line for line in markdown.splitlines() if line.startswith("| f1 | test | test | sex=F"))
    assert f1_row.split(" | ")[6] == "percentile bootstrap of group counts"
    assert "<th>interval method</th>" in page
    assert "<td>Wilson score interval</td>" in page


def test_overall_results_count_the_people_the_rate_is_measured_on(audit: fw.Audit) -> None:
    card = fw.ModelCard.from_audit(audit, n_boot=20)
    overall = {r.metric_id: r.n for r in card.quantitative_analysis.results if not r.slice}
    by_sex = [r for r in card.quantitative_analysis.results if set(r.slice) == {"sex"}]
    for metric_id, n in overall.items():
        assert n == sum(r.n or 0 for r in by_sex if r.metric_id == metric_id), metric_id
    assert overall["selection_rate"] == 600
    assert overall["true_positive_rate"] < 600  # the positives only


# ------------------------------------------------------------------ a real post-processor


def test_a_real_group_thresholds_rule_is_recorded_and_round_trips(tmp_path: Path) -> None:
    from fairness_widgets.compute.postprocessor import GroupThresholds  # noqa: PLC0415

    rng = np.random.default_rng(1)
    n = 400
    group = rng.integers(0, 2, n)
    label = rng.integers(0, 2, n)
    score = np.round(np.clip(rng.random(n) * 0.6 + 0.3 * label + 0.1 * group, 0, 1), 2)
    sensitive = {"g": np.where(group == 1, "b", "a")}
    audit = fw.Audit(label, y_score=score, sensitive=sensitive, resolution=None)
    tradeoff = audit.tradeoff("demographic_parity", epsilons=[0.0, 0.05])
    point = tradeoff.points[tradeoff.points["kind"] == "randomised thresholds"].iloc[0]
    rule = tradeoff.postprocessor(point)
    assert isinstance(rule, GroupThresholds)
    assert rule.randomised  # mixing probabilities strictly between 0 and 1 to record

    card = fw.ModelCard.from_audit(audit, name="credit-v3", n_boot=20, thresholds=rule)
    (mitigation,) = card.quantitative_analysis.fairness.mitigations
    assert mitigation.method == "fairness_widgets.compute.postprocessor.GroupThresholds"
    assert (mitigation.stage, mitigation.applied, mitigation.source) == ("post", True, "computed")
    assert mitigation.params == {"attribute": "g", "tolerance": rule.tolerance, "randomised": True}
    recorded = [(t.attribute, t.group, t.threshold, t.weight) for t in mitigation.thresholds]
    expected = [(rule.attribute, group_, t, w) for group_, pairs in rule.rules.items() for t, w in pairs]
    assert recorded == expected
    weights = [t.weight for t in mitigation.thresholds]
    assert any(0 < w < 1 for w in weights if w is not None)

    loaded = fw.ModelCard.load(card.save(tmp_path / "card.json"))
    assert loaded.quantitative_analysis.fairness.mitigations == [mitigation]
    # What the card holds is enough to apply the same rule again.
    rebuilt: dict[str, list[tuple[float, float]]] = {}
    for t in loaded.quantitative_analysis.fairness.mitigations[0].thresholds:
        assert t.threshold is not None
        assert t.weight is not None
        rebuilt.setdefault(t.group, []).append((t.threshold, t.weight))
    again = GroupThresholds(rule.attribute, {g: tuple(p) for g, p in rebuilt.items()}, rule.tolerance)
    assert np.array_equal(
        again.positive_probability(score, sensitive), rule.positive_probability(score, sensitive)
    )
    assert "Mitigation: fairness_widgets.compute.postprocessor.GroupThresholds" in card.to_markdown()


# ------------------------------------------------------------------ Hugging Face files


def test_huggingface_file_round_trip_is_atomic_and_keeps_the_previous_version(
    audit: fw.Audit, tmp_path: Path
) -> None:
    card = rich_card(audit)
    path = tmp_path / "README.md"
    assert card.save_huggingface(path) == path
    first = path.read_text(encoding="utf-8")
    assert first.startswith("---\n")
    card.considerations.limitations.append("Second save")
    card.save_huggingface(path)
    assert (tmp_path / "README.prev.md").read_text(encoding="utf-8") == first
    assert not [p for p in os.listdir(tmp_path) if p.endswith(".tmp")]
    loaded = fw.ModelCard.load_huggingface(path)
    assert loaded.to_dict() == card.to_dict()  # criteria, sign-offs... under `fairness_widgets:`
    assert loaded.quantitative_analysis.fairness.criteria == card.quantitative_analysis.fairness.criteria


def test_huggingface_file_errors_name_the_file(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match=r"No Hugging Face README\.md at .*missing\.md"):
        fw.ModelCard.load_huggingface(tmp_path / "missing.md")
    bad = tmp_path / "README.md"
    bad.write_text("---\nlicense: [unclosed\n---\n# Model\n", encoding="utf-8")
    with pytest.raises(CardFormatError, match=r"README\.md: The README's YAML front matter is malformed"):
        fw.ModelCard.load_huggingface(bad)
    bad.write_bytes(b"\xff\xfe\x00binary")
    with pytest.raises(CardFormatError, match="is not UTF-8 text"):
        fw.ModelCard.load_huggingface(bad)


# ------------------------------------------------------------------ MCT schema v0.0.2

#: Field types of Model Card Toolkit's schema v0.0.2 (model_card_toolkit/schema/v0.0.2 and
#: its PerformanceMetric / ConfidenceInterval classes), written down as facts to check against.
MCT_STRINGS = {
    "model_details": ("name", "overview", "documentation", "path"),
    "model_parameters": ("model_architecture", "input_format", "output_format"),
}
MCT_DESCRIPTIONS = ("users", "use_cases", "limitations", "tradeoffs")


def _mct_problems(mct: dict[str, object]) -> list[str]:
    """Where ``mct`` breaks the v0.0.2 schema's field types (empty: it follows them)."""
    problems: list[str] = []

    def need(ok: bool, where: str) -> None:
        if not ok:
            problems.append(where)

    def strings(obj: dict[str, object], keys: tuple[str, ...], where: str) -> None:
        need(isinstance(obj, dict), where)
        for key in keys:
            need(key not in obj or isinstance(obj[key], str), f"{where}.{key}")

    def records(value: object, keys: tuple[str, ...], where: str) -> list[dict[str, object]]:
        need(isinstance(value, list), where)
        items = value if isinstance(value, list) else []
        for i, item in enumerate(items):
            need(isinstance(item, dict) and set(item) <= set(keys), f"{where}[{i}] keys")
            if isinstance(item, dict):
                strings(item, keys, f"{where}[{i}]")
        return [i for i in items if isinstance(i, dict)]

    need(set(mct) <= MCT_ROOT, "root: only the five sections (additionalProperties: false)")
    need(isinstance(mct.get("schema_version"), str), "schema_version")
    details = mct.get("model_details", {})
    assert isinstance(details, dict)
    strings(details, MCT_STRINGS["model_details"], "model_details")
    records(details.get("owners", []), ("name", "contact"), "owners")
    strings(details.get("version", {}), ("name", "date", "diff"), "version")
    for i, item in enumerate(records(details.get("licenses", []), ("identifier", "custom_text"), "licenses")):
        need(len(set(item) & {"identifier", "custom_text"}) == 1, f"licenses[{i}]: exactly one of two")
    records(details.get("references", []), ("reference",), "references")
    records(details.get("citations", []), ("style", "citation"), "citations")
    params = mct.get("model_parameters", {})
    assert isinstance(params, dict)
    strings(params, MCT_STRINGS["model_parameters"], "model_parameters")
    for i, data in enumerate(params.get("data", [])):
        need(set(data) <= {"name", "link", "sensitive", "graphics", "description"}, f"data[{i}] keys")
        strings(data, ("name", "link", "description"), f"data[{i}]")
        need(data.get("link", "x") != "", f"data[{i}].link: a URI, not empty")
        sensitive = data.get("sensitive", {}).get("sensitive_data", [])
        need(all(isinstance(s, str) for s in sensitive), f"data[{i}].sensitive.sensitive_data")
    qa = mct.get("quantitative_analysis", {})
    assert isinstance(qa, dict)
    for i, metric in enumerate(qa.get("performance_metrics", [])):
        where = f"performance_metrics[{i}]"
        need(set(metric) <= {"type", "value", "slice", "confidence_interval"}, f"{where} keys")
        strings(metric, ("type", "value", "slice"), where)
        interval = metric.get("confidence_interval", {})
        need(set(interval) <= {"lower_bound", "upper_bound"}, f"{where}.confidence_interval keys")
        strings(interval, ("lower_bound", "upper_bound"), f"{where}.confidence_interval")
    records(qa.get("graphics", {}).get("collection", []), ("name", "image"), "graphics.collection")
    considerations = mct.get("considerations", {})
    assert isinstance(considerations, dict)
    for key in MCT_DESCRIPTIONS:
        records(considerations.get(key, []), ("description",), f"considerations.{key}")
    records(considerations.get("ethical_considerations", []), ("name", "mitigation_strategy"), "ethical")
    return problems


def test_mct_export_follows_the_v0_0_2_field_types(audit: fw.Audit) -> None:
    card = rich_card(audit)
    card.quantitative_analysis.results[0].decision_threshold = 0.5
    mct, _ = card.to_mct()
    assert _mct_problems(json.loads(json.dumps(mct))) == []
    overall = mct["quantitative_analysis"]["performance_metrics"][0]
    assert overall["type"] == f"{card.quantitative_analysis.results[0].metric_id}@0.5"
    assert "slice" not in overall  # unsliced, as MCT reads a metric without one
    grouped = next(m for m in mct["quantitative_analysis"]["performance_metrics"] if "slice" in m)
    float(grouped["value"]), float(grouped["confidence_interval"]["lower_bound"])
    # The checker can fail: what the previous export wrote is caught.
    old = json.loads(json.dumps(mct))
    old["quantitative_analysis"]["performance_metrics"][0] |= {"threshold": "0.5", "value": 0.8}
    old["model_parameters"]["data"][0]["link"] = ""
    assert _mct_problems(old) == [
        "data[0].link: a URI, not empty",
        "performance_metrics[0] keys",
        "performance_metrics[0].value",
    ]
    # The threshold comes back from the type; files with the old key still read.
    back = fw.ModelCard.from_mct(mct).quantitative_analysis.results[0]
    assert (back.metric_id, back.decision_threshold) == (card.quantitative_analysis.results[0].metric_id, 0.5)
    legacy = {
        "quantitative_analysis": {
            "performance_metrics": [{"type": "recall", "value": "0.7", "threshold": "0.4"}]
        }
    }
    assert fw.ModelCard.from_mct(legacy).quantitative_analysis.results[0].decision_threshold == 0.4
    odd = {"quantitative_analysis": {"performance_metrics": [{"type": "recall@k", "value": "0.7"}]}}
    assert fw.ModelCard.from_mct(odd).quantitative_analysis.results[0].metric_id == "recall@k"


def test_mct_files_load_with_their_sidecar(audit: fw.Audit, tmp_path: Path) -> None:
    card = rich_card(audit)
    main, side = card.save_mct(tmp_path / "card.mct.json")
    assert fw.ModelCard.load_mct(main).to_dict() == card.to_dict()
    side.unlink()
    assert fw.ModelCard.load_mct(main).quantitative_analysis.fairness.mitigations == []  # lossy alone
    main.write_text('{"model_details": {"name": "x"', encoding="utf-8")  # a save cut short
    with pytest.raises(CardFormatError, match=r"card\.mct\.json is truncated \(it ends mid-way\)"):
        fw.ModelCard.load_mct(main)
    main.write_text('{"model_details" 1}', encoding="utf-8")
    with pytest.raises(CardFormatError, match=r"card\.mct\.json is not valid JSON: Expecting ':'"):
        fw.ModelCard.load_mct(main)


# ------------------------------------------------------------------ public names


def test_top_level_names_follow_one_rule() -> None:
    import inspect  # noqa: PLC0415
    import types  # noqa: PLC0415

    from fairness_widgets.gate import Policy, Verdict, gate  # noqa: PLC0415

    for name in fw.__all__:
        value = getattr(fw, name)
        if name in ("__version__", "datasets"):
            continue
        assert inspect.isclass(value) or inspect.isfunction(value), name
        assert name[0].isupper() == inspect.isclass(value), name  # things CamelCase, verbs lowercase
    assert isinstance(fw.datasets, types.ModuleType)
    assert (fw.gate, fw.Policy, fw.Verdict) == (gate, Policy, Verdict)
    # Names that were public keep working.
    assert fw.card.ModelCard is fw.ModelCard
    assert fw.card.save_mct is save_mct
    assert fw.compute.Audit is fw.Audit
    assert callable(fw.mitigations.run_mitigations)
