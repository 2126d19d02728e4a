"""The model-card schema ``fw-card/1``: plain dataclasses, one per section.

Sections follow Mitchell et al. (2019) plus datasheet fields (Gebru et al.), structured
fairness results, the EU AI Act / NIST fields of ``MODELCARD.md``, versions and sign-offs.
Records that a computation can fill carry ``source`` (``"computed"``, ``"human"`` or
``"imported"``): a refresh from an audit replaces computed records and never touches the rest;
the few fields a person writes on a computed record (a metric's rationale, a finding's
annotation) are carried over to its replacement (``card.audit_fill.HUMAN_FIELDS``).
Conversion to and from JSON-ready dicts, and the JSON Schema, are derived from the type
hints here (:mod:`fairness_widgets.card.convert`), so the three never disagree.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

SCHEMA_VERSION = "fw-card/1.1"  # 1.1: SliceFinding.flagged
SOURCES = ("computed", "human", "imported")
#: What a person decided about a slice finding (:attr:`SliceFinding.status`).
SLICE_STATUSES = ("open", "accepted", "mitigated")
#: How a criterion compares its value with its threshold (:attr:`Criterion.comparator`).
COMPARATORS = (">=", "<=", ">", "<")
#: What a reviewer decided (:attr:`SignOff.decision`).
DECISIONS = ("approve", "approve_with_conditions", "reject")


def one_of(default: str, choices: tuple[str, ...]) -> Any:
    """A text field that must be one of ``choices``: checked when a card is loaded, an
    ``enum`` in the JSON Schema."""
    return field(default=default, metadata={"one_of": choices})


def choices(cls: type, name: str) -> tuple[str, ...]:
    """The values field ``name`` of ``cls`` may take when it is declared with :func:`one_of`
    (``()`` for any other field): one list for loading, the JSON Schema and the editor."""
    found = next((f for f in dataclasses.fields(cls) if f.name == name), None)
    return tuple(found.metadata.get("one_of", ())) if found is not None else ()


@dataclass
class Version:
    name: str = ""
    date: str = ""
    diff: str = ""


@dataclass
class Provider:
    name: str = ""
    contact: str = ""
    eu_representative: str = ""


@dataclass
class Owner:
    name: str = ""
    contact: str = ""
    role: str = ""


@dataclass
class License:
    spdx_id: str = ""
    custom_text: str = ""
    link: str = ""


@dataclass
class Citation:
    style: str = ""
    text: str = ""


@dataclass
class Artifact:
    uri: str = ""
    format: str = ""
    size_bytes: int | None = None


@dataclass
class Dependency:
    name: str = ""
    version: str = ""


@dataclass
class ModelDetails:
    name: str = ""
    summary: str = ""
    description: str = ""
    version: Version = field(default_factory=Version)
    provider: Provider = field(default_factory=Provider)
    owners: list[Owner] = field(default_factory=list)
    model_type: str = ""
    task: str = ""
    architecture: str = ""
    base_model: list[str] = field(default_factory=list)
    licenses: list[License] = field(default_factory=list)
    references: list[str] = field(default_factory=list)
    citations: list[Citation] = field(default_factory=list)
    library_name: str = ""
    language: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    artifact: Artifact = field(default_factory=Artifact)
    software_dependencies: list[Dependency] = field(default_factory=list)
    deployment_forms: str = ""
    instructions_for_use: str = ""


@dataclass
class IntendedUse:
    primary_uses: list[str] = field(default_factory=list)
    primary_users: list[str] = field(default_factory=list)
    out_of_scope_uses: list[str] = field(default_factory=list)
    foreseeable_misuse: list[str] = field(default_factory=list)
    affected_persons: list[str] = field(default_factory=list)
    deployment_context: str = ""


@dataclass
class EvaluationFactor:
    attribute: str = ""
    groups: list[str] = field(default_factory=list)
    intersect_with: list[str] = field(default_factory=list)
    kind: str = "protected"  # protected | proxy | context
    rationale: str = ""
    source: str = one_of("human", SOURCES)


@dataclass
class Factors:
    relevant_factors: list[str] = field(default_factory=list)
    evaluation_factors: list[EvaluationFactor] = field(default_factory=list)


@dataclass
class Variation:
    method: str = ""
    resamples: int | None = None
    level: float | None = None
    seed: int | None = None


@dataclass
class Metric:
    id: str = ""
    name: str = ""
    definition: str = ""
    higher_is_better: bool | None = None
    rationale: str = ""
    decision_threshold: float | None = None
    decision_threshold_rationale: str = ""
    variation: Variation = field(default_factory=Variation)
    source: str = one_of("human", SOURCES)


@dataclass
class Datasheet:
    motivation: str = ""
    creators_funding: str = ""
    composition: str = ""
    collection_process: str = ""
    consent_and_ethics_review: str = ""
    preprocessing_labelling: str = ""
    assumptions: str = ""
    representativeness: str = ""
    bias_examination: str = ""
    known_gaps: str = ""
    special_category_processing: str = ""
    recommended_uses: str = ""
    uses_to_avoid: str = ""
    license: str = ""
    maintenance: str = ""


@dataclass
class Dataset:
    id: str = ""
    name: str = ""
    role: str = "evaluation"  # train | validation | test | evaluation | reference
    uri: str = ""
    hf_hub_id: str = ""
    sha256: str = ""
    n_rows: int | None = None
    time_range: str = ""
    description: str = ""
    sensitive_attributes: list[str] = field(default_factory=list)
    group_counts: dict[str, int] = field(default_factory=dict)
    datasheet: Datasheet = field(default_factory=Datasheet)
    source: str = one_of("human", SOURCES)


@dataclass
class DesignChoice:
    choice: str = ""
    rationale: str = ""
    assumptions: str = ""


@dataclass
class Component:
    name: str = ""
    version: str = ""
    how_used: str = ""


@dataclass
class Compute:
    hardware: str = ""
    hours: float | None = None
    region: str = ""
    co2_kg: float | None = None


@dataclass
class Training:
    procedure: str = ""
    hyperparameters: dict[str, Any] = field(default_factory=dict)
    design_choices: list[DesignChoice] = field(default_factory=list)
    third_party_components: list[Component] = field(default_factory=list)
    compute: Compute = field(default_factory=Compute)


@dataclass
class Result:
    """One metric on one dataset split for one slice (``{}`` is everyone)."""

    metric_id: str = ""
    dataset_id: str = ""
    split: str = ""
    slice: dict[str, str] = field(default_factory=dict)
    value: float | None = None
    ci_lower: float | None = None
    ci_upper: float | None = None
    ci_level: float | None = None
    ci_method: str = ""
    n: int | None = None
    decision_threshold: float | None = None
    source: str = one_of("human", SOURCES)


@dataclass
class Disparity:
    metric_id: str = ""
    kind: str = "difference"  # difference | ratio
    reference: str = "max-min"
    attributes: list[str] = field(default_factory=list)
    value: float | None = None
    ci_lower: float | None = None
    ci_upper: float | None = None
    ci_level: float | None = None
    ci_method: str = ""
    p_value: float | None = None
    flag: str = ""
    source: str = one_of("human", SOURCES)


@dataclass
class Criterion:
    rule_id: str = ""
    expression: str = ""
    threshold: float | None = None
    comparator: str = one_of("", ("", *COMPARATORS))
    use_ci_bound: bool = False
    value: float | None = None
    passed: bool | None = None
    evaluated_at: str = ""
    source: str = one_of("human", SOURCES)


@dataclass
class GroupThreshold:
    attribute: str = ""
    group: str = ""
    threshold: float | None = None
    weight: float | None = None


@dataclass
class Mitigation:
    method: str = ""
    stage: str = "post"  # pre | in | post
    params: dict[str, Any] = field(default_factory=dict)
    applied: bool = False
    before: str = ""
    after: str = ""
    rationale: str = ""
    thresholds: list[GroupThreshold] = field(default_factory=list)
    source: str = one_of("human", SOURCES)


@dataclass
class SliceFinding:
    slice: str = ""
    metric_id: str = ""
    value: float | None = None
    gap: float | None = None
    q_value: float | None = None
    n: int | None = None
    annotation: str = ""
    status: str = one_of("open", SLICE_STATUSES)
    source: str = one_of("human", SOURCES)
    #: False when the latest slice search no longer flags it: kept (with the numbers of
    #: its last computation) because a person wrote on it.
    flagged: bool = True


@dataclass
class GroupAtRisk:
    group: str = ""
    benefits: str = ""
    harms: str = ""
    likelihood: str = ""
    severity: str = ""
    mitigation_strategy: str = ""


@dataclass
class Fairness:
    disparities: list[Disparity] = field(default_factory=list)
    criteria: list[Criterion] = field(default_factory=list)
    mitigations: list[Mitigation] = field(default_factory=list)
    slice_findings: list[SliceFinding] = field(default_factory=list)
    groups_at_risk: list[GroupAtRisk] = field(default_factory=list)


@dataclass
class Robustness:
    test: str = ""
    result: str = ""
    passed: bool | None = None


@dataclass
class Graphic:
    name: str = ""
    description: str = ""
    alt_text: str = ""
    mime: str = "image/png"
    data_base64: str = ""


@dataclass
class QuantitativeAnalysis:
    results: list[Result] = field(default_factory=list)
    fairness: Fairness = field(default_factory=Fairness)
    robustness: list[Robustness] = field(default_factory=list)
    graphics: list[Graphic] = field(default_factory=list)


@dataclass
class Risk:
    name: str = ""
    mitigation_strategy: str = ""


@dataclass
class ResidualRisk:
    risk: str = ""
    acceptance_rationale: str = ""


@dataclass
class Considerations:
    limitations: list[str] = field(default_factory=list)
    tradeoffs: list[str] = field(default_factory=list)
    recommendations: list[str] = field(default_factory=list)
    unmeasured_risks: list[str] = field(default_factory=list)
    ethical_risks: list[Risk] = field(default_factory=list)
    residual_risks: list[ResidualRisk] = field(default_factory=list)


@dataclass
class Oversight:
    measure: str = ""
    implemented_by: str = "provider"  # provider | deployer
    override_procedure: str = ""
    stop_procedure: str = ""


@dataclass
class Monitoring:
    metrics: list[str] = field(default_factory=list)
    frequency: str = ""
    triggers: str = ""
    owner: str = ""


@dataclass
class Operation:
    input_spec: str = ""
    output_interpretation: str = ""
    explainability: str = ""
    human_oversight: list[Oversight] = field(default_factory=list)
    monitoring_plan: Monitoring = field(default_factory=Monitoring)
    predetermined_changes: str = ""
    cybersecurity: str = ""
    logging: str = ""
    resources_lifetime_maintenance: str = ""


@dataclass
class Requirement:
    framework: str = ""
    clause: str = ""
    status: str = ""
    evidence_paths: list[str] = field(default_factory=list)


@dataclass
class Change:
    version: str = ""
    date: str = ""
    summary: str = ""
    substantial: bool = False


@dataclass
class Governance:
    risk_tier: str = ""  # minimal | limited | high
    annex_iii_category: str = ""
    regulatory_requirements: list[Requirement] = field(default_factory=list)
    risk_management_ref: str = ""
    declaration_of_conformity_ref: str = ""
    standards_applied: list[str] = field(default_factory=list)
    change_log: list[Change] = field(default_factory=list)


@dataclass
class Environment:
    python: str = ""
    packages: dict[str, str] = field(default_factory=dict)


@dataclass
class Versioning:
    model_sha256: str = ""
    data_sha256: dict[str, str] = field(default_factory=dict)
    code_revision: str = ""
    environment: Environment = field(default_factory=Environment)
    audit_hash: str = ""
    previous_content_hash: str = ""


@dataclass
class SignOff:
    """A reviewer's decision, bound to the content hash of the card they read."""

    role: str = ""
    name: str = ""
    contact: str = ""
    signed_at: str = ""
    decision: str = one_of("approve", DECISIONS)
    conditions: str = ""
    scope: list[str] = field(default_factory=list)
    content_hash: str = ""
    comment: str = ""
