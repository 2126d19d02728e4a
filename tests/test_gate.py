"""The gate: policies, verdicts, the audit file, and the command's exit codes and JSON."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import fairness_widgets as fw
from fairness_widgets.gate import Policy, PolicyError, Verdict, gate, load_audit, save_audit
from fairness_widgets.gate.cli import main
from fairness_widgets.gate.verdict import COLUMNS, SCHEMA
from tests.reference_setup import NUMERIC, adult_model

CATEGORICAL = ("sex", "race", "relationship")

# On the logistic regression below (Adult test, threshold 0.5), for sex: disparate impact
# 0.287 [0.260, 0.317], equalized odds difference 0.103 [0.078, 0.144], demographic parity
# difference 0.175 [0.164, 0.185]; every view fails the four-fifths rule.
PASSING = """
[disparities]
reference = { sex = "Male", race = "White" }

[[rule]]
name = "selection gap"
metric = "demographic_parity_difference"
attribute = "sex"
max = 0.2
use = "ci_high"

[[rule]]
metric = "equalized_odds_difference"
attribute = "sex"
max = 0.15
use = "ci_high"

[[rule]]
metric = "disparate_impact_ratio"
attribute = ["sex"]
min = 0.25
use = "ci_low"
"""

FAILING = """
[[rule]]
name = "four-fifths"
metric = "disparate_impact_ratio"
attribute = "*"
min = 0.8

[[rule]]
name = "equalized odds"
metric = "equalized_odds_difference"
attribute = "sex"
max = 0.1
use = "ci_high"
"""


@pytest.fixture(scope="module")
def audit() -> fw.Audit:
    test = fw.datasets.load_adult("test")
    score = adult_model(CATEGORICAL).predict_proba(test[[*NUMERIC, *CATEGORICAL]])[:, 1]
    return fw.Audit(test["label"], y_score=score, sensitive=test[["sex", "race"]])


@pytest.fixture(scope="module")
def files(audit: fw.Audit, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("gate")
    save_audit(audit, folder / "audit.json")
    (folder / "passing.toml").write_text(PASSING)
    (folder / "failing.toml").write_text(FAILING)
    return folder


def run(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "fairness_widgets.gate", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def policy(text: str) -> Policy:
    return Policy.from_toml(text)


# ------------------------------------------------------------------ the verdict


def test_passing_policy_reports_each_rule_with_the_audit_numbers(audit: fw.Audit) -> None:
    verdict = fw.gate(policy(PASSING), audit=audit)
    assert verdict.passed
    assert verdict.exit_code == 0
    assert list(verdict.rules.columns) == COLUMNS
    assert verdict.rules["rule"].tolist() == ["selection gap", "rule 2", "rule 3"]
    table = audit.disparities(reference={"sex": "Male", "race": "White"}).set_index(["attribute", "measure"])
    for row in verdict.rules.itertuples():
        assert row.value == table.loc[(row.attribute, row.metric), row.use]
    assert verdict.rules["operator"].tolist() == ["<=", "<=", ">="]
    assert verdict.rules["threshold"].tolist() == [0.2, 0.15, 0.25]
    assert verdict.failed.empty


def test_failing_policy_names_every_failed_attribute(audit: fw.Audit) -> None:
    verdict = fw.gate(policy(FAILING), audit=audit)
    assert not verdict.passed
    assert verdict.exit_code == 1
    four_fifths = verdict.rules[verdict.rules["rule"] == "four-fifths"]
    assert four_fifths["attribute"].tolist() == ["sex", "race", "sex × race"]  # "*": every view
    assert not four_fifths["passed"].any()
    assert four_fifths["detail"].str.startswith("below the minimum").all()
    assert verdict.summary() == "FAILED: 4 of 4 checks failed"


def test_the_interval_end_can_fail_where_the_value_passes(audit: fw.Audit) -> None:
    rule = {"metric": "equalized_odds_difference", "attribute": "sex", "max": 0.12}
    on_value = fw.gate({"rule": [rule]}, audit=audit)
    on_interval = fw.gate({"rule": [{**rule, "use": "ci_high"}]}, audit=audit)
    assert on_value.passed  # 0.103 <= 0.12
    assert not on_interval.passed  # but the interval reaches 0.144
    assert on_interval.rules.loc[0, "value"] > on_value.rules.loc[0, "value"]


def test_a_range_gives_one_check_per_bound_and_versus_picks_the_definition(audit: fw.Audit) -> None:
    rule = {"metric": "disparate_impact_ratio", "attribute": "race", "min": 0.5, "max": 1.25}
    verdict = fw.gate({"rule": [rule]}, audit=audit)
    assert verdict.rules["operator"].tolist() == [">=", "<="]
    assert verdict.passed
    both = fw.gate(
        {"rule": [{"metric": "equal_opportunity_difference", "attribute": "sex", "max": 1}]}, audit=audit
    )
    assert len(both.rules) == 2  # fairlearn's between groups and aif360's against the reference
    one = {"metric": "equal_opportunity_difference", "attribute": "sex", "max": 1, "versus": "reference"}
    assert fw.gate({"rule": [one]}, audit=audit).rules["detail"].str.startswith("others vs Male").all()


def test_attribute_names_match_in_any_order(audit: fw.Audit) -> None:
    rule = {"metric": "equalized_odds_difference", "attribute": "race × sex", "max": 1}
    assert fw.gate({"rule": [rule]}, audit=audit).rules["attribute"].tolist() == ["sex × race"]


class Card:
    """Stands in for fw.ModelCard: anything with check(profile)."""

    def __init__(self, missing: object) -> None:
        self.missing = missing

    def check(self, profile: str) -> object:
        if profile != "minimal":
            raise ValueError(f"unknown profile {profile!r}; valid choices are minimal")
        return self.missing


def test_card_and_explanations_rules() -> None:
    rules = {"rule": [{"card_complete": "minimal"}, {"explanations": True}]}
    verdict = fw.gate(rules, card=Card([]))
    assert verdict.rules["passed"].tolist() == [True, False]
    assert verdict.rules.loc[1, "detail"].startswith("no explanations recorded")
    assert fw.gate(rules, card=Card([]), explanations=pd.DataFrame({"feature": ["age"]})).passed
    missing = fw.gate(rules, card=Card(pd.DataFrame({"field": ["intended_use.primary_uses", "training"]})))
    assert missing.rules.loc[0, "value"] == 2
    assert missing.rules.loc[0, "detail"] == "missing: intended_use.primary_uses, training"
    with pytest.raises(PolicyError, match="pass card="):
        fw.gate(rules)
    with pytest.raises(PolicyError, match="valid choices are minimal"):
        fw.gate({"rule": [{"card_complete": "eu"}]}, card=Card([]))


def test_verdict_prints_and_serialises(audit: fw.Audit) -> None:
    verdict = fw.gate({"rule": [{"name": "<b>gap</b>", "metric": "theil_index", "max": 1}]}, audit=audit)
    assert repr(verdict).startswith("Verdict(PASSED: all 1 checks passed)\n")
    assert "(all rows)" in repr(verdict)
    html = verdict._repr_html_()
    assert "&lt;b&gt;gap&lt;/b&gt;" in html
    assert "<b>gap" not in html
    data = json.loads(verdict.to_json())
    assert data["schema"] == SCHEMA
    assert data["rules"][0]["passed"] is True
    assert set(data) >= {"passed", "exit_code", "rules", "policy", "evaluated_at", "n_failed"}


def test_an_undefined_value_fails_with_a_reason(audit: fw.Audit) -> None:
    rule = {"metric": "largest_subgroup_gap:selection_rate", "max": 1, "use": "ci_high"}
    verdict = fw.gate({"rule": [rule]}, audit=audit)  # this measure has no interval
    assert not verdict.passed
    assert verdict.rules.loc[0, "detail"].startswith("upper end of the interval undefined")
    assert json.loads(verdict.to_json())["rules"][0]["value"] is None


# ------------------------------------------------------------------ bad policies


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "colour = 1\n[[rule]]\nexplanations = true",
            "unknown key 'colour'; valid keys are version, disparities, rule",
        ),
        (
            "[[rule]]\nmetric = 'theil_index'\nmaximum = 1",
            "unknown key 'maximum'; valid keys are name, metric",
        ),
        (
            "[[rule]]\nmetric = 'theil_index'\nmax = 1\nuse = 'upper'",
            "unknown use 'upper'; valid choices are value",
        ),
        ("[[rule]]\nmetric = 'theil_index'", "give a threshold"),
        ("[[rule]]\nmetric = 'theil_index'\nmax = '0.1'", "max must be a number"),
        ("[[rule]]\nmetric = 'theil_index'\nexplanations = true", "exactly one of metric, card_complete"),
        ("[[rule]]\nexplanations = false", "explanations must be true"),
        ("[disparities]\nconfidence = 95\n[[rule]]\nexplanations = true", "confidence must be in (0, 1)"),
        ("version = 2\n[[rule]]\nexplanations = true", "version 2 is not supported"),
        ("[disparities]\n", "has no rules"),
    ],
)
def test_bad_policies_name_the_key_and_the_choices(text: str, message: str) -> None:
    with pytest.raises(PolicyError, match=message.replace("(", r"\(").replace(")", r"\)")):
        policy(text)


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ({"metric": "disparate_impact", "min": 0.8}, "unknown metric 'disparate_impact'; valid choices are "),
        ({"metric": "disparate_impact_ratio", "attribute": "age", "min": 0.8}, "unknown attribute 'age'"),
        ({"metric": "theil_index", "versus": "reference", "max": 1}, "has no 'reference' version"),
    ],
)
def test_unknown_metrics_and_attributes_list_the_valid_ones(
    audit: fw.Audit, rule: dict, message: str
) -> None:
    with pytest.raises(PolicyError, match=message) as error:
        fw.gate({"rule": [rule]}, audit=audit)
    if "attribute" in message:
        assert "valid choices are 'sex', 'race', 'sex × race' or \"*\"" in str(error.value)


def test_a_reference_group_that_does_not_exist_is_a_policy_error(audit: fw.Audit) -> None:
    rules = {"disparities": {"reference": {"sex": "Robot"}}, "rule": [{"metric": "theil_index", "max": 1}]}
    with pytest.raises(PolicyError, match="Reference group 'Robot' does not occur in 'sex'"):
        fw.gate(rules, audit=audit)


def test_unreadable_policy_files(tmp_path: Path) -> None:
    with pytest.raises(PolicyError, match="Cannot read the policy"):
        Policy.read(tmp_path / "nothing.toml")
    (tmp_path / "bad.toml").write_text("[[rule]\nmetric =")
    with pytest.raises(PolicyError, match="is not valid TOML"):
        Policy.read(tmp_path / "bad.toml")


# ------------------------------------------------------------------ the audit file


@pytest.mark.parametrize("suffix", [".json", ".npz"])
def test_audit_file_round_trip_reproduces_the_disparities(
    audit: fw.Audit, tmp_path: Path, suffix: str
) -> None:
    loaded = load_audit(save_audit(audit, tmp_path / f"audit{suffix}"))
    pd.testing.assert_frame_equal(loaded.disparities(), audit.disparities(), check_exact=True)
    pd.testing.assert_frame_equal(
        loaded.by_group(threshold=0.3), audit.by_group(threshold=0.3), check_exact=True
    )
    assert loaded.min_group_size == audit.min_group_size
    assert [path.name for path in tmp_path.iterdir()] == [f"audit{suffix}"]  # no temporary file left


@pytest.mark.parametrize("suffix", [".json", ".npz"])
def test_audit_file_of_hard_predictions_and_exact_scores(tmp_path: Path, suffix: str) -> None:
    df = fw.datasets.load_german()
    hard = fw.Audit(df["label"], y_pred=df["credit_amount"] < 4000, sensitive=df[["sex"]], min_group_size=10)
    rng = np.random.default_rng(0)
    exact = fw.Audit(df["label"], y_score=rng.random(len(df)), sensitive=df["sex"], resolution=None)
    for index, audit in enumerate((hard, exact)):
        loaded = load_audit(save_audit(audit, tmp_path / f"{index}{suffix}"))
        pd.testing.assert_frame_equal(loaded.disparities(), audit.disparities(), check_exact=True)
        assert repr(loaded) == repr(audit)


def test_damaged_audit_files_are_refused(audit: fw.Audit, tmp_path: Path) -> None:
    path = tmp_path / "audit.json"
    path.write_text('{"format": "something else"}')
    with pytest.raises(ValueError, match="is not an audit file"):
        load_audit(path)
    path.write_text("not json")
    with pytest.raises(ValueError, match="is not JSON"):
        load_audit(path)
    body = json.loads(save_audit(audit, path).read_text())
    body["y_true"][0] = 3
    path.write_text(json.dumps(body))
    with pytest.raises(ValueError, match="damaged: expected y_true of 0/1"):
        load_audit(path)


# ------------------------------------------------------------------ the command


def test_command_passes_with_exit_code_0_and_json(files: Path) -> None:
    result = run("--policy", files / "passing.toml", "--audit", files / "audit.json", "--json")
    assert result.returncode == 0, result.stderr
    verdict = json.loads(result.stdout)
    assert verdict["schema"] == SCHEMA
    assert verdict["passed"] is True
    assert verdict["exit_code"] == 0
    assert [rule["rule"] for rule in verdict["rules"]] == ["selection gap", "rule 2", "rule 3"]
    assert verdict["policy"]["path"].endswith("passing.toml")
    assert len(verdict["policy"]["sha256"]) == 64


def test_command_fails_with_exit_code_1_and_json(files: Path) -> None:
    result = run("--policy", files / "failing.toml", "--audit", files / "audit.json", "--json")
    assert result.returncode == 1, result.stderr
    verdict = json.loads(result.stdout)
    assert verdict["passed"] is False
    assert verdict["exit_code"] == 1
    assert verdict["n_failed"] == 4
    failed = {(rule["rule"], rule["attribute"]) for rule in verdict["rules"] if not rule["passed"]}
    assert ("four-fifths", "sex × race") in failed
    assert ("equalized odds", "sex") in failed


def test_command_prints_a_table_without_json(files: Path) -> None:
    result = run("--policy", files / "failing.toml", "--audit", files / "audit.json")
    assert result.returncode == 1
    assert result.stdout.startswith("Verdict(FAILED: 4 of 4 checks failed)")


def test_command_errors_exit_2_with_the_fix_on_stderr(files: Path) -> None:
    (files / "typo.toml").write_text("[[rule]]\nmetric = 'disparate_impact_ratio'\nminimum = 0.8\n")
    result = run("--policy", files / "typo.toml", "--audit", files / "audit.json", "--json")
    assert result.returncode == 2
    assert result.stdout == ""
    assert "unknown key 'minimum'; valid keys are name, metric, attribute, min, max" in result.stderr
    (files / "metric.toml").write_text("[[rule]]\nmetric = 'impact'\nmin = 0.8\n")
    result = run("--policy", files / "metric.toml", "--audit", files / "audit.json")
    assert result.returncode == 2
    assert "unknown metric 'impact'; valid choices are demographic_parity_difference" in result.stderr
    result = run("--policy", files / "passing.toml", "--audit", files / "missing.json")
    assert result.returncode == 2
    assert "missing.json" in result.stderr
    result = run("--policy", files / "passing.toml")
    assert result.returncode == 2
    assert "pass audit= (command line: --audit audit.json)" in result.stderr


def test_main_in_process_and_entry_point(files: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["gate", "--policy", str(files / "passing.toml"), "--audit", str(files / "audit.json")]) == 0
    assert capsys.readouterr().out.startswith("Verdict(PASSED")
    with pytest.raises(SystemExit) as usage:  # argparse's own usage errors exit 2 as well
        main(["gate"])
    assert usage.value.code == 2
    pyproject = (Path(__file__).parents[1] / "pyproject.toml").read_text()
    assert '[project.scripts]\nfairness-widgets = "fairness_widgets.gate.cli:main"' in pyproject
    assert fw.gate is gate
    assert isinstance(fw.gate({"rule": [{"explanations": True}]}), Verdict)


def test_command_reads_a_model_card(files: Path) -> None:
    model_card = pytest.importorskip("fairness_widgets.card.model_card")
    model_card.ModelCard().save(files / "card.json")
    (files / "card.toml").write_text('[[rule]]\ncard_complete = "minimal"\n')
    result = run("--policy", files / "card.toml", "--card", files / "card.json", "--json")
    assert result.returncode == 1, result.stderr  # an empty card is not complete
    (rule,) = json.loads(result.stdout)["rules"]
    assert rule["metric"] == "card_missing_fields:minimal"
    assert rule["detail"].startswith("missing: model_details.name")
    result = run("--policy", files / "card.toml")
    assert result.returncode == 2
    assert "pass card= (command line: --card card.json)" in result.stderr


def test_a_verdict_is_recorded_in_the_model_card(audit: fw.Audit) -> None:
    """Each check becomes a computed criterion; a person's criterion stays; a second gate
    replaces the first one's results instead of piling up."""
    from fairness_widgets.card.schema import Criterion  # noqa: PLC0415

    card = fw.ModelCard()
    card.quantitative_analysis.fairness.criteria.append(
        Criterion(rule_id="legal-1", expression="reviewed by legal", source="human")
    )
    verdict = gate(policy(FAILING), audit=audit)
    assert verdict.record(card) == len(verdict.rules)
    computed = [c for c in card.quantitative_analysis.fairness.criteria if c.source == "computed"]
    assert [c.passed for c in computed] == verdict.rules["passed"].tolist()
    assert [c.value for c in computed] == pytest.approx(verdict.rules["value"].tolist())
    assert all(c.evaluated_at == verdict.evaluated_at and c.rule_id.startswith("gate:") for c in computed)
    assert {c.comparator for c in computed} <= {">=", "<="}
    assert any(c.use_ci_bound for c in computed)
    gate(policy(PASSING), audit=audit).record(card)
    assert next(c.rule_id for c in card.quantitative_analysis.fairness.criteria) == "legal-1"
    assert len(card.quantitative_analysis.fairness.criteria) == 1 + len(
        gate(policy(PASSING), audit=audit).rules
    )
    assert all(c.passed for c in card.quantitative_analysis.fairness.criteria if c.source == "computed")


def test_command_records_the_checks_in_the_card_file(files: Path) -> None:
    fw.ModelCard().save(files / "recorded.json")
    result = run(
        "--policy",
        files / "failing.toml",
        "--audit",
        files / "audit.json",
        "--card",
        files / "recorded.json",
        "--record",
    )
    assert result.returncode == 1, result.stderr
    criteria = fw.ModelCard.load(files / "recorded.json").quantitative_analysis.fairness.criteria
    assert criteria
    assert not all(c.passed for c in criteria)
    result = run("--policy", files / "failing.toml", "--audit", files / "audit.json", "--record")
    assert result.returncode == 2
    assert "name it with --card card.json" in result.stderr
