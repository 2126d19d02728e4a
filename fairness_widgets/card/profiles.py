"""Completeness profiles: what each audience requires of a card, and why.

``minimal`` (a usable card), ``huggingface`` (what the Hub reads), ``eu-ai-act-high-risk``
(Annex IV technical documentation, Articles 10, 13, 14, 15 of Regulation (EU) 2024/1689)
and ``nist-ai-rmf`` (NIST AI 100-1 MAP / MEASURE / MANAGE / GOVERN). Checks run offline.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from fairness_widgets.card.model_card import ModelCard

PROFILES = ("minimal", "huggingface", "eu-ai-act-high-risk", "nist-ai-rmf")
PLACEHOLDERS = ("[more information needed]", "todo", "tbd", "lorem ipsum")


@dataclass(frozen=True)
class Missing:
    """One thing a profile requires and the card lacks."""

    field: str
    requirement: str
    why: str

    def __str__(self) -> str:
        return f"{self.field}: {self.requirement} — {self.why}"


def _get(card: Any, path: str) -> Any:
    value = card
    for part in path.split("."):
        value = getattr(value, part)
    return value


def is_empty(value: Any) -> bool:
    """Empty, or template placeholder text, counts as missing."""
    if value is None:
        return True
    if isinstance(value, str):
        return value.strip().lower() in ("", *PLACEHOLDERS)
    if isinstance(value, list | dict):
        return not value or all(is_empty(v) for v in (value.values() if isinstance(value, dict) else value))
    if hasattr(value, "__dataclass_fields__"):
        return all(is_empty(getattr(value, k)) for k in value.__dataclass_fields__ if k != "source")
    return False


Rule = tuple[str, str, str]  # field path, requirement, why

MINIMAL: list[Rule] = [
    ("model_details.name", "Mitchell 1", "a card names the model it describes"),
    ("model_details.summary", "Mitchell 1", "readers need one sentence on what the model does"),
    ("model_details.licenses", "Mitchell 1", "users must know the terms of use"),
    ("intended_use.primary_uses", "Mitchell 2", "the use the model was built and tested for"),
    ("intended_use.out_of_scope_uses", "Mitchell 2", "uses it must not be put to"),
    ("metrics", "Mitchell 4", "which measures the evaluation reports, and why those"),
    ("quantitative_analysis.results", "Mitchell 7", "results overall and per group"),
    ("considerations.limitations", "Mitchell 9", "known limitations, the section most often left unwritten"),
]

HUGGINGFACE: list[Rule] = [
    ("model_details.name", "HF model-index name", "model-index needs the model name"),
    ("model_details.licenses", "HF metadata: license", "the Hub shows and filters by license"),
    ("model_details.task", "HF metadata: pipeline_tag", "model-index results need a task type"),
    ("model_details.summary", "HF template: Model Details", "the summary line of the card"),
    ("quantitative_analysis.results", "HF model-index results", "evaluation results shown on the Hub"),
    (
        "considerations.limitations",
        "HF template: Bias, Risks, and Limitations",
        "a required template section",
    ),
    ("considerations.recommendations", "HF template: Recommendations", "a template section"),
]

EU: list[Rule] = [
    ("intended_use.primary_uses", "AIA Annex IV 1(a), Art 13(3)(a)", "the intended purpose"),
    ("model_details.provider.name", "AIA Annex IV 1(a), Art 13(3)(a)", "the provider's identity"),
    ("model_details.provider.contact", "AIA Art 13(3)(a)", "the provider's contact details"),
    ("model_details.version.name", "AIA Annex IV 1(a)", "the version of the system"),
    ("model_details.software_dependencies", "AIA Annex IV 1(b)-(c)", "software and versions it relies on"),
    (
        "model_details.deployment_forms",
        "AIA Annex IV 1(d)",
        "forms in which the system is placed on the market",
    ),
    (
        "operation.resources_lifetime_maintenance",
        "AIA Annex IV 1(e), Art 13(3)(e)",
        "hardware, expected lifetime and maintenance",
    ),
    ("model_details.instructions_for_use", "AIA Annex IV 1(h), Art 13", "instructions for use for deployers"),
    ("training.procedure", "AIA Annex IV 2(a)", "methods and steps of development"),
    ("training.third_party_components", "AIA Annex IV 2(a)", "pre-trained systems or third-party tools used"),
    ("training.design_choices", "AIA Annex IV 2(b)", "design choices, rationale and assumptions"),
    (
        "intended_use.affected_persons",
        "AIA Annex IV 2(b)",
        "persons or groups the system is meant to be used on",
    ),
    ("considerations.tradeoffs", "AIA Annex IV 2(b)", "trade-offs made on technical solutions"),
    ("model_details.architecture", "AIA Annex IV 2(c)", "the system architecture"),
    ("training.compute", "AIA Annex IV 2(c)", "computational resources used"),
    ("operation.human_oversight", "AIA Annex IV 2(e), Art 14(4)", "human oversight measures"),
    ("operation.output_interpretation", "AIA Art 14(4)(c), 13(3)(d)", "how to interpret the output"),
    ("operation.cybersecurity", "AIA Annex IV 2(h), Art 15(5)", "cybersecurity measures"),
    ("metrics", "AIA Annex IV 2(g), 3, Art 15(1)", "metrics used, including discriminatory impact"),
    ("quantitative_analysis.results", "AIA Annex IV 3, Art 13(3)(b)(ii)", "accuracy overall and per group"),
    ("quantitative_analysis.fairness.disparities", "AIA Annex IV 2(g), 3", "discriminatory impact measured"),
    (
        "considerations.limitations",
        "AIA Annex IV 3, Art 13(3)(b)(v)",
        "limitations and foreseeable unintended outcomes",
    ),
    ("governance.risk_management_ref", "AIA Annex IV 5, Art 9", "the risk management system"),
    (
        "considerations.residual_risks",
        "AIA Annex IV 3, Art 9(5)",
        "residual risks and why they are acceptable",
    ),
    ("governance.change_log", "AIA Annex IV 6", "changes through the lifecycle"),
    (
        "governance.standards_applied",
        "AIA Annex IV 7",
        "harmonised standards or other specifications applied",
    ),
    (
        "governance.declaration_of_conformity_ref",
        "AIA Annex IV 8",
        "copy of the EU declaration of conformity",
    ),
    ("operation.monitoring_plan", "AIA Annex IV 9, Art 72", "post-market monitoring plan"),
    (
        "quantitative_analysis.fairness.mitigations",
        "AIA Art 10(2)(g)",
        "measures to prevent and mitigate bias",
    ),
    ("intended_use.deployment_context", "AIA Art 10(4)", "the setting the data must fit"),
    ("intended_use.foreseeable_misuse", "AIA Art 13(3)(b)(iii)", "reasonably foreseeable misuse"),
    ("intended_use.out_of_scope_uses", "AIA Art 13(3)(b)(iii)", "uses outside the intended purpose"),
    ("operation.input_spec", "AIA Art 13(3)(b)(vi)", "specification of input data"),
    ("quantitative_analysis.robustness", "AIA Art 15(1),(4)", "robustness tests and results"),
    ("signoffs", "AIA Annex IV 2(g)", "test reports dated and signed by the responsible persons"),
]

DATASHEET_EU: list[Rule] = [
    ("sha256", "AIA Annex IV 2(d)", "provenance: which exact data"),
    ("datasheet.collection_process", "AIA Annex IV 2(d), Art 10(2)(b)", "data collection and origin"),
    (
        "datasheet.preprocessing_labelling",
        "AIA Annex IV 2(d), Art 10(2)(c)",
        "preparation: labelling, cleaning",
    ),
    ("datasheet.assumptions", "AIA Art 10(2)(d)", "what the data is assumed to measure and represent"),
    ("datasheet.bias_examination", "AIA Art 10(2)(f)", "examination for possible biases"),
    ("datasheet.known_gaps", "AIA Art 10(2)(h)", "data gaps or shortcomings and how they are addressed"),
    (
        "datasheet.representativeness",
        "AIA Art 10(3)",
        "relevance and representativeness for the intended use",
    ),
    ("group_counts", "AIA Art 10(3)", "statistical properties for the persons it is used on"),
]

NIST: list[Rule] = [
    ("intended_use.primary_uses", "NIST MAP 1.1", "intended purposes and context"),
    ("intended_use.deployment_context", "NIST MAP 1.1", "deployment setting"),
    ("considerations.limitations", "NIST MAP 2.2", "knowledge limits of the system"),
    ("operation.human_oversight", "NIST MAP 2.2, 3.5", "human oversight processes"),
    ("quantitative_analysis.fairness.groups_at_risk", "NIST MAP 5.1", "likelihood and magnitude of impacts"),
    ("metrics", "NIST MEASURE 1.1", "approaches and metrics selected"),
    ("considerations.unmeasured_risks", "NIST MEASURE 1.1", "risks that cannot be measured"),
    (
        "quantitative_analysis.results",
        "NIST MEASURE 2.3",
        "performance demonstrated in deployment-like conditions",
    ),
    ("quantitative_analysis.fairness.disparities", "NIST MEASURE 2.11", "fairness and bias evaluated"),
    ("training.compute.co2_kg", "NIST MEASURE 2.12", "environmental impact"),
    ("quantitative_analysis.fairness.mitigations", "NIST MANAGE 1.3", "responses to the risks found"),
    ("considerations.residual_risks", "NIST MANAGE 1.4", "residual risks documented"),
    ("operation.monitoring_plan", "NIST MANAGE 4.1", "post-deployment monitoring"),
    ("model_details.owners", "NIST GOVERN 2.1", "roles and responsibilities"),
    ("considerations.ethical_risks", "NIST GOVERN 4.2", "risks and impacts documented"),
]

RULES: dict[str, list[Rule]] = {
    "minimal": MINIMAL,
    "huggingface": HUGGINGFACE,
    "eu-ai-act-high-risk": EU,
    "nist-ai-rmf": NIST,
}


def check(card: ModelCard, profile: str) -> list[Missing]:
    """Every field ``profile`` requires that ``card`` lacks, in the profile's order."""
    if profile not in RULES:
        raise ValueError(f"profile must be one of {list(PROFILES)}, got {profile!r}.")
    missing = [Missing(path, req, why) for path, req, why in RULES[profile] if is_empty(_get(card, path))]
    extra: dict[str, Callable[[ModelCard], list[Missing]]] = {
        "minimal": lambda c: _signoffs(c, "Mitchell"),
        "huggingface": lambda c: [],
        "eu-ai-act-high-risk": _eu_extra,
        "nist-ai-rmf": _nist_extra,
    }
    return missing + extra[profile](card)


def _signoffs(card: ModelCard, requirement: str) -> list[Missing]:
    return [
        Missing(
            f"signoffs[{i}]",
            requirement,
            f"signed by {s.name} ({s.role}) on an earlier version; "
            "the card changed since, so the sign-off no longer holds",
        )
        for i, s in enumerate(card.signoffs)
        if not card.is_valid(s)
    ]


def _eu_extra(card: ModelCard) -> list[Missing]:
    out: list[Missing] = []
    tests = [d for d in card.datasets if d.role in ("test", "evaluation")]
    if not tests:
        out.append(Missing("datasets[role=test]", "AIA Annex IV 2(g)", "the test data used for validation"))
    if not [d for d in card.datasets if d.role == "train"]:
        out.append(
            Missing(
                "datasets[role=train]", "AIA Annex IV 2(d), Art 10(2)", "the training data and its datasheet"
            )
        )
    for i, dataset in enumerate(card.datasets):
        for path, req, why in DATASHEET_EU:
            if is_empty(_get(dataset, path)):
                out.append(Missing(f"datasets[{i}].{path}", req, f"{why} ({dataset.id or dataset.name})"))
    for i, metric in enumerate(card.metrics):
        if is_empty(metric.rationale):
            out.append(
                Missing(f"metrics[{i}].rationale", "AIA Annex IV 4", f"why {metric.id} is appropriate")
            )
    for i, result in enumerate(card.quantitative_analysis.results):
        if result.slice and (result.ci_lower is None or result.n is None):
            out.append(
                Missing(
                    f"quantitative_analysis.results[{i}]",
                    "AIA Annex IV 3",
                    "a per-group result needs its interval and n to judge its precision",
                )
            )
    for i, oversight in enumerate(card.operation.human_oversight):
        for part in ("override_procedure", "stop_procedure"):
            if is_empty(getattr(oversight, part)):
                out.append(
                    Missing(
                        f"operation.human_oversight[{i}].{part}",
                        "AIA Art 14(4)(d)-(e)",
                        "how a person overrides or stops the system",
                    )
                )
    return out + _signoffs(card, "AIA Annex IV 2(g)")


def _nist_extra(card: ModelCard) -> list[Missing]:
    out: list[Missing] = []
    if not any("independent" in s.role.lower() and card.is_valid(s) for s in card.signoffs):
        out.append(
            Missing(
                "signoffs[role=independent assessor]",
                "NIST MEASURE 1.3",
                "review by someone independent of the developers",
            )
        )
    if not [d for d in card.datasets if d.role in ("test", "evaluation")]:
        out.append(Missing("datasets[role=test]", "NIST MEASURE 2.1", "the test sets used"))
    if is_empty(card.versioning.environment):
        out.append(Missing("versioning.environment", "NIST MEASURE 2.1", "the evaluation environment"))
    return out + _signoffs(card, "NIST MEASURE 2.1")
