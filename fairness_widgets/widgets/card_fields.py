"""The model card's human-written fields as the editor shows them: sections, kinds, and
how a field's text, number, check box, choice or key/value table is read, checked and written.

Every check names the field and what it takes, so a bad value is refused with a message a
person can act on, and nothing is written.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import replace
from itertools import zip_longest
from typing import Any, get_type_hints

from fairness_widgets.card import ModelCard
from fairness_widgets.card.profiles import RULES
from fairness_widgets.card.schema import (
    COMPARATORS,
    Change,
    Citation,
    Component,
    Criterion,
    Dependency,
    DesignChoice,
    GroupAtRisk,
    License,
    Oversight,
    Owner,
    Requirement,
    ResidualRisk,
    Risk,
    Robustness,
    SliceFinding,
    choices,
)

#: How a field is edited: text areas (``markdown`` with a preview), a number box (``number``,
#: ``integer``), a check box, rows of name and value (``keyvalue``, for a ``dict``), or one
#: of a fixed list of values (``choice``, see :data:`OPTIONS`).
KINDS = ("text", "markdown", "number", "integer", "checkbox", "keyvalue", "choice")
#: Numbers that cannot be negative.
AT_LEAST_ZERO = frozenset(
    {"model_details.artifact.size_bytes", "training.compute.hours", "training.compute.co2_kg"}
)

#: Sections (Mitchell et al. 2019, plus the EU AI Act / NIST fields) and their fields:
#: (path, label, kind), kind one of :data:`KINDS`. A list of text is edited one item per
#: line; a list of records (see :data:`ROWS`) one record per line, its parts separated by
#: ``|``; ``markdown`` fields get a rendered preview; ``number`` / ``integer`` fields a
#: number box, ``checkbox`` fields a check box, ``keyvalue`` fields (a ``dict``) rows of
#: name and value. Each metric, dataset and slice finding of the card adds a section of its
#: own (:func:`metric_section`, :func:`dataset_section`, :func:`finding_section`). Computed
#: values (results, disparities, group counts, a finding's numbers) are not editable: a
#: refresh from the audit rewrites them, and the static HTML (``card.to_html()``) shows them
#: with charts. What a person writes on a computed record (a metric's rationale, a finding's
#: status and note) is kept by the refresh.
SECTIONS: tuple[tuple[str, str, tuple[tuple[str, str, str], ...]], ...] = (
    (
        "model_details",
        "Model details",
        (
            ("model_details.name", "Name", "text"),
            ("model_details.summary", "Summary (one sentence)", "text"),
            ("model_details.description", "Description", "markdown"),
            ("model_details.version.name", "Version", "text"),
            ("model_details.version.date", "Version date", "text"),
            ("model_details.version.diff", "Changes in this version", "markdown"),
            ("model_details.provider.name", "Provider", "text"),
            ("model_details.provider.contact", "Provider contact", "text"),
            ("model_details.provider.eu_representative", "Provider's EU representative", "text"),
            ("model_details.owners", "Owners (one per line: name | contact | role)", "text"),
            ("model_details.model_type", "Model type", "text"),
            ("model_details.task", "Task", "text"),
            ("model_details.architecture", "Architecture", "markdown"),
            ("model_details.base_model", "Base models (one per line)", "text"),
            ("model_details.licenses", "Licenses (one per line: SPDX id | custom text | link)", "text"),
            ("model_details.references", "References (one per line)", "text"),
            ("model_details.citations", "Citations (one per line: style | text)", "text"),
            ("model_details.library_name", "Library", "text"),
            ("model_details.language", "Languages (one per line)", "text"),
            ("model_details.tags", "Tags (one per line)", "text"),
            ("model_details.artifact.uri", "Artifact URI", "text"),
            ("model_details.artifact.format", "Artifact format", "text"),
            ("model_details.artifact.size_bytes", "Artifact size (bytes)", "integer"),
            (
                "model_details.software_dependencies",
                "Software dependencies (one per line: name | version)",
                "text",
            ),
            ("model_details.deployment_forms", "Forms in which it is placed on the market", "markdown"),
            ("model_details.instructions_for_use", "Instructions for use", "markdown"),
        ),
    ),
    (
        "intended_use",
        "Intended use",
        (
            ("intended_use.primary_uses", "Primary uses (one per line)", "text"),
            ("intended_use.primary_users", "Primary users (one per line)", "text"),
            ("intended_use.out_of_scope_uses", "Out-of-scope uses (one per line)", "text"),
            ("intended_use.foreseeable_misuse", "Foreseeable misuse (one per line)", "text"),
            ("intended_use.affected_persons", "Affected persons or groups (one per line)", "text"),
            ("intended_use.deployment_context", "Deployment context", "markdown"),
        ),
    ),
    ("factors", "Factors", (("factors.relevant_factors", "Relevant factors (one per line)", "text"),)),
    (
        "training",
        "Training data and procedure",
        (
            ("training.procedure", "Procedure", "markdown"),
            (
                "training.design_choices",
                "Design choices (one per line: choice | rationale | assumptions)",
                "text",
            ),
            (
                "training.third_party_components",
                "Third-party components (one per line: name | version | how used)",
                "text",
            ),
            ("training.compute.hardware", "Compute: hardware", "text"),
            ("training.hyperparameters", "Hyperparameters (name and value)", "keyvalue"),
            ("training.compute.region", "Compute: region", "text"),
            ("training.compute.hours", "Compute: hours", "number"),
            ("training.compute.co2_kg", "Compute: CO2 emitted (kg)", "number"),
        ),
    ),
    (
        "fairness_criteria",
        "Fairness criteria",
        (
            (
                "quantitative_analysis.fairness.criteria",
                "Criteria the model must meet (one per line: rule id | expression | comparator "
                f"({', '.join(COMPARATORS)}) | threshold | judged on the interval bound: yes or no)",
                "text",
            ),
        ),
    ),
    (
        "considerations",
        "Ethical considerations, caveats and recommendations",
        (
            ("considerations.limitations", "Limitations (one per line)", "text"),
            ("considerations.tradeoffs", "Trade-offs (one per line)", "text"),
            ("considerations.recommendations", "Recommendations (one per line)", "text"),
            ("considerations.unmeasured_risks", "Risks not measured (one per line)", "text"),
            (
                "considerations.ethical_risks",
                "Ethical risks (one per line: risk | mitigation strategy)",
                "text",
            ),
            (
                "considerations.residual_risks",
                "Residual risks (one per line: risk | why it is acceptable)",
                "text",
            ),
            (
                "quantitative_analysis.fairness.groups_at_risk",
                "Groups at risk (one per line: group | benefits | harms | likelihood | severity | "
                "mitigation strategy)",
                "text",
            ),
        ),
    ),
    (
        "operation",
        "Operation and human oversight",
        (
            ("operation.input_spec", "Input specification", "markdown"),
            ("operation.output_interpretation", "How to interpret the output", "markdown"),
            ("operation.explainability", "Explainability", "markdown"),
            (
                "operation.human_oversight",
                "Human oversight (one per line: measure | provider or deployer | override procedure | "
                "stop procedure)",
                "text",
            ),
            ("operation.monitoring_plan.metrics", "Monitoring: metrics (one per line)", "text"),
            ("operation.monitoring_plan.frequency", "Monitoring: frequency", "text"),
            ("operation.monitoring_plan.triggers", "Monitoring: triggers", "text"),
            ("operation.monitoring_plan.owner", "Monitoring: owner", "text"),
            ("operation.predetermined_changes", "Predetermined changes", "markdown"),
            ("operation.cybersecurity", "Cybersecurity", "markdown"),
            ("operation.logging", "Logging", "markdown"),
            (
                "operation.resources_lifetime_maintenance",
                "Hardware, expected lifetime and maintenance",
                "markdown",
            ),
        ),
    ),
    (
        "governance",
        "Governance",
        (
            ("governance.risk_tier", "Risk tier (minimal, limited or high)", "text"),
            ("governance.annex_iii_category", "Annex III category", "text"),
            (
                "governance.regulatory_requirements",
                "Regulatory requirements (one per line: framework | clause | status)",
                "text",
            ),
            ("governance.risk_management_ref", "Risk management system (reference)", "text"),
            ("governance.declaration_of_conformity_ref", "Declaration of conformity (reference)", "text"),
            ("governance.standards_applied", "Standards applied (one per line)", "text"),
            (
                "governance.change_log",
                "Change log (one per line: version | date | summary | substantial: yes or no)",
                "text",
            ),
        ),
    ),
    (
        "robustness",
        "Robustness",
        (
            (
                "quantitative_analysis.robustness",
                "Robustness tests (one per line: test | result | passed: yes or no)",
                "text",
            ),
        ),
    ),
    (
        "versioning",
        "Versions and hashes",
        (
            ("versioning.model_sha256", "SHA-256 of the model artifact", "text"),
            ("versioning.data_sha256", "SHA-256 of each dataset (dataset id and hash)", "keyvalue"),
            ("versioning.code_revision", "Code revision (e.g. git commit)", "text"),
            ("versioning.previous_content_hash", "Content hash of the previous card version", "text"),
        ),
    ),
)
FIELDS = {path: (label, kind) for _, _, fields in SECTIONS for path, label, kind in fields}

#: Lists of records edited one record per line: the text parts shown, in order. Parts not
#: shown are kept from the record on the same line.
ROWS: dict[str, tuple[type[Any], tuple[str, ...]]] = {
    "model_details.owners": (Owner, ("name", "contact", "role")),
    "model_details.licenses": (License, ("spdx_id", "custom_text", "link")),
    "model_details.citations": (Citation, ("style", "text")),
    "model_details.software_dependencies": (Dependency, ("name", "version")),
    "training.design_choices": (DesignChoice, ("choice", "rationale", "assumptions")),
    "training.third_party_components": (Component, ("name", "version", "how_used")),
    "considerations.ethical_risks": (Risk, ("name", "mitigation_strategy")),
    "considerations.residual_risks": (ResidualRisk, ("risk", "acceptance_rationale")),
    "quantitative_analysis.fairness.groups_at_risk": (
        GroupAtRisk,
        ("group", "benefits", "harms", "likelihood", "severity", "mitigation_strategy"),
    ),
    "operation.human_oversight": (
        Oversight,
        ("measure", "implemented_by", "override_procedure", "stop_procedure"),
    ),
    "governance.regulatory_requirements": (Requirement, ("framework", "clause", "status")),
    "governance.change_log": (Change, ("version", "date", "summary")),
    "quantitative_analysis.robustness": (Robustness, ("test", "result")),
    "quantitative_analysis.fairness.criteria": (
        Criterion,
        ("rule_id", "expression", "comparator", "threshold"),
    ),
}
#: Record parts that are numbers (read as such; other text is refused).
ROW_NUMBERS: dict[str, frozenset[str]] = {"quantitative_analysis.fairness.criteria": frozenset({"threshold"})}
#: Record parts that take one of a fixed list of values (or nothing yet): the schema's.
ROW_CHOICES: dict[str, dict[str, tuple[str, ...]]] = {
    path: {part: tuple(c for c in choices(kind, part) if c) for part in parts if choices(kind, part)}
    for path, (kind, parts) in ROWS.items()
}
#: What an evaluation wrote on a record: cleared when a person changes the record's rule,
#: so a result never stands beside a threshold it was not judged against.
ROW_RESULTS: dict[str, tuple[str, ...]] = {
    "quantitative_analysis.fairness.criteria": ("value", "passed", "evaluated_at"),
}
#: A yes/no part after a record's text parts: ``"3.0 | 2026-01-02 | Retrained | yes"``. A line
#: without it keeps the record's flag; a last part that is not yes/no is text, as before.
ROW_FLAGS: dict[str, str] = {
    "governance.change_log": "substantial",
    "quantitative_analysis.robustness": "passed",
    "quantitative_analysis.fairness.criteria": "use_ci_bound",
}
YES, NO = ("yes", "true", "y"), ("no", "false", "n")

#: A metric's fields a person writes (path below ``metrics[i]``, label, kind); a refresh
#: from the audit keeps them on the metrics it computes.
METRIC_FIELDS: tuple[tuple[str, str, str], ...] = (
    ("rationale", "Why this metric fits the use (EU AI Act Annex IV 4)", "markdown"),
    ("higher_is_better", "Higher is better", "checkbox"),
    ("decision_threshold", "Decision threshold", "number"),
    ("decision_threshold_rationale", "Why this threshold", "text"),
)

#: A dataset's text fields (path below ``datasets[i]``, label, kind), datasheet included.
DATASET_FIELDS: tuple[tuple[str, str, str], ...] = (
    ("name", "Name", "text"),
    ("description", "Description", "markdown"),
    ("uri", "URI", "text"),
    ("hf_hub_id", "Hugging Face Hub id", "text"),
    ("sha256", "SHA-256 of the data", "text"),
    ("time_range", "Time range", "text"),
    ("datasheet.motivation", "Motivation", "markdown"),
    ("datasheet.creators_funding", "Creators and funding", "markdown"),
    ("datasheet.composition", "Composition", "markdown"),
    ("datasheet.collection_process", "Collection process", "markdown"),
    ("datasheet.consent_and_ethics_review", "Consent and ethics review", "markdown"),
    ("datasheet.preprocessing_labelling", "Preprocessing and labelling", "markdown"),
    ("datasheet.assumptions", "Assumptions", "markdown"),
    ("datasheet.representativeness", "Representativeness", "markdown"),
    ("datasheet.bias_examination", "Bias examination", "markdown"),
    ("datasheet.known_gaps", "Known gaps", "markdown"),
    ("datasheet.special_category_processing", "Special-category data processing", "markdown"),
    ("datasheet.recommended_uses", "Recommended uses", "markdown"),
    ("datasheet.uses_to_avoid", "Uses to avoid", "markdown"),
    ("datasheet.license", "License", "text"),
    ("datasheet.maintenance", "Maintenance", "markdown"),
)

FINDINGS = "quantitative_analysis.fairness.slice_findings"
#: A slice finding's fields a person writes (path below ``slice_findings[i]``, label, kind);
#: a refresh from the audit keeps them (``card.audit_fill.HUMAN_FIELDS``).
FINDING_FIELDS: tuple[tuple[str, str, str], ...] = (
    ("status", "Status", "choice"),
    ("annotation", "Note (why it is accepted, how it was mitigated, what is being checked)", "markdown"),
)

#: The values a ``choice`` field takes, by path with indices written ``[i]``.
OPTIONS: dict[str, tuple[str, ...]] = {f"{FINDINGS}[i].status": choices(SliceFinding, "status")}

Section = tuple[str, str, tuple[tuple[str, str, str], ...]]


def options(path: str) -> tuple[str, ...]:
    """The values the ``choice`` field at ``path`` takes (``()`` for other fields)."""
    return OPTIONS.get(re.sub(r"\[\d+\]", "[i]", path), ())


def metric_section(card: ModelCard, index: int) -> Section:
    """The section for ``card.metrics[index]``: what a person writes about the metric."""
    metric = card.metrics[index]
    return (
        f"metrics[{index}]",
        f"Metric: {metric.id or f'#{index + 1}'}",
        tuple((f"metrics[{index}].{path}", label, kind) for path, label, kind in METRIC_FIELDS),
    )


def dataset_section(card: ModelCard, index: int) -> Section:
    """The section for ``card.datasets[index]``: its description and datasheet."""
    dataset = card.datasets[index]
    # Titled by id, not by the (editable) name: the form is not rebuilt while someone types.
    return (
        f"datasets[{index}]",
        f"Dataset: {dataset.id or f'#{index + 1}'} ({dataset.role})",
        tuple((f"datasets[{index}].{path}", label, kind) for path, label, kind in DATASET_FIELDS),
    )


def _finding_numbers(metric_id: str, gap: float | None, q_value: float | None, n: int | None) -> str:
    parts = [metric_id] if metric_id else []
    parts += [f"gap {gap:+.3g}"] if gap is not None else []
    parts += [f"q = {q_value:.2g}"] if q_value is not None else []
    parts += [f"n = {n}"] if n is not None else []
    return f" ({', '.join(parts)})" if parts else ""


def finding_section(card: ModelCard, index: int) -> Section:
    """The section for the card's ``index``-th slice finding: its status and note."""
    finding = card.quantitative_analysis.fairness.slice_findings[index]
    numbers = _finding_numbers(finding.metric_id, finding.gap, finding.q_value, finding.n)
    return (
        f"{FINDINGS}[{index}]",
        f"Slice finding: {finding.slice or f'#{index + 1}'}{numbers}"
        + ("" if finding.flagged else ", no longer flagged by the latest search"),
        tuple((f"{FINDINGS}[{index}].{path}", label, kind) for path, label, kind in FINDING_FIELDS),
    )


def card_sections(card: ModelCard) -> list[Section]:
    """Every editable section: the fixed ones, with one per metric, then one per dataset,
    after factors (the order of Mitchell et al.), and one per slice finding after the
    fairness criteria."""
    fixed = list(SECTIONS)
    at = next(i for i, (key, _, _) in enumerate(fixed) if key == "training")
    after = next(i for i, (key, _, _) in enumerate(fixed) if key == "fairness_criteria") + 1
    metrics = [metric_section(card, i) for i in range(len(card.metrics))]
    datasets = [dataset_section(card, i) for i in range(len(card.datasets))]
    findings = [
        finding_section(card, i) for i in range(len(card.quantitative_analysis.fairness.slice_findings))
    ]
    return [*fixed[:at], *metrics, *datasets, *fixed[at:after], *findings, *fixed[after:]]


def editable_fields(card: ModelCard) -> dict[str, tuple[str, str]]:
    """``{path: (label, kind)}`` of every field of ``card`` the editor can write."""
    return {path: (label, kind) for _, _, fields in card_sections(card) for path, label, kind in fields}


def _owner(card: ModelCard, path: str) -> tuple[Any, str]:
    *parents, name = path.split(".")
    owner: Any = card
    for part in parents:
        attribute, _, index = part.partition("[")
        owner = getattr(owner, attribute)
        if index:
            owner = owner[int(index.rstrip("]"))]
    return owner, name


def _flag_text(value: bool | None) -> str:
    return "" if value is None else ("yes" if value else "no")


def _cell_text(value: Any) -> str:
    return "" if value is None else " ".join(str(value).split())


def _row_text(record: Any, parts: tuple[str, ...], flag: str | None) -> str:
    cells = [_cell_text(getattr(record, p)) for p in parts]
    while cells and not cells[-1]:
        cells.pop()
    shown = _flag_text(getattr(record, flag)) if flag else ""
    if shown:
        cells = [*cells, *[""] * (len(parts) - len(cells)), shown]
    return " | ".join(cells)


def _entry_text(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value)


def field_text(card: ModelCard, path: str) -> str:
    """The text a text field shows: a string as is, a list one item (or record) per line."""
    owner, name = _owner(card, path)
    value = getattr(owner, name)
    if path in ROWS:
        parts, flag = ROWS[path][1], ROW_FLAGS.get(path)
        return "\n".join(_row_text(record, parts, flag) for record in value)
    return "\n".join(value) if isinstance(value, list) else str(value)


def field_value(card: ModelCard, path: str, kind: str) -> Any:
    """What the browser shows for a field of ``kind``: text, a number or None, true/false or
    None, one of the field's :func:`options`, or ``[[name, value text], ...]`` for a key/value
    table."""
    if kind in ("text", "markdown"):
        return field_text(card, path)
    owner, name = _owner(card, path)
    value = getattr(owner, name)
    if kind == "keyvalue":
        return [[str(key), _entry_text(entry)] for key, entry in value.items()]
    return value


def _number(value: Any, label: str, *, integer: bool, at_least_zero: bool) -> float | int | None:
    what = "a whole number, e.g. 2048" if integer else "a number, e.g. 12.5"
    problem = f"{label} must be {what}; got {value!r}. It was not saved."
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise ValueError(problem)
    if isinstance(value, str):
        try:
            value = float(value.strip())
        except ValueError:
            raise ValueError(problem) from None
    if not isinstance(value, int | float) or not math.isfinite(value):
        raise ValueError(problem)
    if integer and not float(value).is_integer():
        raise ValueError(problem)
    if at_least_zero and value < 0:
        raise ValueError(f"{label} must be 0 or more; got {value!r}. It was not saved.")
    return int(value) if integer else float(value)


def _entry(text: str, typed: bool) -> Any:
    """A key/value table's value: JSON numbers, true/false and lists are read as such when
    the field takes any value (hyperparameters); other text stays text."""
    if not typed:
        return text
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return text


def _table(value: Any, label: str, typed: bool) -> dict[str, Any]:
    if not isinstance(value, list) or not all(
        isinstance(row, list | tuple) and len(row) == 2 and all(isinstance(c, str) for c in row)
        for row in value
    ):
        raise ValueError(f"{label} takes a list of [name, value] text pairs; got {value!r}.")
    table: dict[str, Any] = {}
    for key, text in ((k.strip(), v.strip()) for k, v in value):
        if not key and not text:
            continue
        if not key:
            raise ValueError(f"{label}: the value {text!r} has no name; give it one. It was not saved.")
        if key in table:
            raise ValueError(f"{label}: the name {key!r} appears twice; names must differ. It was not saved.")
        table[key] = _entry(text, typed)
    return table


def parse_value(card: ModelCard, path: str, value: Any) -> Any:
    """``value`` as the field at ``path`` stores it; a bad value raises ``ValueError`` naming
    the field, what it takes and what was given."""
    fields = editable_fields(card)
    if path not in fields:
        raise ValueError(f"Cannot edit {path!r}; editable fields are {', '.join(fields)}.")
    label, kind = fields[path]
    if kind in ("text", "markdown"):
        if not isinstance(value, str):
            raise ValueError(f"edit value of {path} must be text, got {type(value).__name__}.")
        if path in ROWS:
            _rows(card, path, label, value)  # refuses a line it cannot read
        return value
    if kind == "choice":
        allowed = options(path)
        if value not in allowed:
            raise ValueError(f"{label} must be one of {', '.join(allowed)}; got {value!r}. It was not saved.")
        return value
    if kind in ("number", "integer"):
        return _number(value, label, integer=kind == "integer", at_least_zero=path in AT_LEAST_ZERO)
    if kind == "checkbox":
        if value is not None and not isinstance(value, bool):
            raise ValueError(f"{label} must be true or false; got {value!r}.")
        return value
    owner, name = _owner(card, path)
    typed = get_type_hints(type(owner))[name] != dict[str, str]
    return _table(value, label, typed)


def _cell(path: str, part: str, cell: str, where: str) -> Any:
    """A record part's value from its text: a number, one of a fixed list, or the text."""
    if part in ROW_NUMBERS.get(path, ()):
        return _number(cell, f"{where}: {part}", integer=False, at_least_zero=False)
    allowed = ROW_CHOICES.get(path, {}).get(part)
    if allowed and cell and cell not in allowed:
        raise ValueError(
            f"{where}: {part} must be one of {', '.join(allowed)}; got {cell!r}. It was not saved."
        )
    return cell


def _rows(card: ModelCard, path: str, label: str, text: str) -> list[Any]:
    """The records the lines of ``text`` describe (copies: the card is not changed); a part
    that cannot be read raises ``ValueError`` naming the line and the part."""
    kind, parts = ROWS[path]
    flag = ROW_FLAGS.get(path)
    owner, name = _owner(card, path)
    old = getattr(owner, name)
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    records = []
    for i, line in enumerate(lines):
        record = replace(old[i]) if i < len(old) else kind()
        cells = [cell.strip() for cell in line.split("|")]
        if flag and len(cells) > len(parts) and cells[-1].lower() in YES + NO:
            setattr(record, flag, cells.pop().lower() in YES)
        # More cells than parts: the extra "|" belong to the last part's text.
        if len(cells) > len(parts):
            cells = [*cells[: len(parts) - 1], " | ".join(cells[len(parts) - 1 :])]
        for part, cell in zip_longest(parts, cells):
            where = f"{label.partition(' (')[0]}, line {i + 1}"
            value = getattr(kind(), part) if cell is None else _cell(path, part, cell, where)
            setattr(record, part, value)
        rule = (*parts, *([flag] if flag else []))
        if i < len(old) and any(getattr(record, p) != getattr(old[i], p) for p in rule):
            for result in ROW_RESULTS.get(path, ()):
                setattr(record, result, getattr(kind(), result))
        records.append(record)
    return records


def set_field(card: ModelCard, path: str, value: Any) -> None:
    """Write ``value`` to the field at ``path``: text (a list field takes one non-blank item
    per line), a number, true/false, or ``[[name, value], ...]``, checked by :func:`parse_value`."""
    value = parse_value(card, path, value)
    owner, name = _owner(card, path)
    current = getattr(owner, name)
    if not isinstance(value, str) or not isinstance(current, list | str):
        setattr(owner, name, value)
        return
    lines = [line.strip() for line in value.splitlines() if line.strip()]
    if path in ROWS:
        setattr(owner, name, _rows(card, path, editable_fields(card)[path][0], value))
    elif isinstance(current, list):
        setattr(owner, name, lines)
    else:
        setattr(owner, name, value)


def completeness(card: ModelCard, profile: str) -> float:
    """Share of the profile's requirements the card meets (stale sign-offs count against it)."""
    missing = card.check(profile)
    rules = {path for path, _, _ in RULES[profile]}
    met = len(rules) - sum(m.field in rules for m in missing)
    total = len(rules) + sum(m.field not in rules for m in missing)
    return met / total if total else 1.0
