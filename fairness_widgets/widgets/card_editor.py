"""ModelCardEditor: the human-written text of a model card, edited inline, checked against a
profile as you type, and autosaved without overwriting a file someone else changed."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from datetime import datetime, timezone
from itertools import zip_longest
from pathlib import Path
from typing import Any

import anywidget
import traitlets

from fairness_widgets.card import ModelCard
from fairness_widgets.card.profiles import PROFILES, RULES
from fairness_widgets.card.schema import (
    Change,
    Citation,
    Component,
    Dependency,
    DesignChoice,
    GroupAtRisk,
    License,
    Oversight,
    Owner,
    Requirement,
    ResidualRisk,
    Risk,
)
from fairness_widgets.widgets._static import bundle, with_static

#: Sections (Mitchell et al. 2019, plus the EU AI Act / NIST fields) and their text fields:
#: (path, label, kind). A list of text is edited one item per line; a list of records (see
#: :data:`ROWS`) one record per line, its parts separated by ``|``; ``markdown`` fields get a
#: rendered preview. Each dataset of the card adds a section of its own (:func:`dataset_section`).
#: Computed records (``source="computed"``: results, disparities, criteria, audit-filled
#: metrics and factors) are not editable: a refresh from the audit rewrites them, and the
#: static HTML (``card.to_html()``) shows them with charts.
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
            ("training.compute.region", "Compute: region", "text"),
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
            ("governance.change_log", "Change log (one per line: version | date | summary)", "text"),
        ),
    ),
)
FIELDS = {path: (label, kind) for _, _, fields in SECTIONS for path, label, kind in fields}

#: Lists of records edited one record per line: the text parts shown, in order. Parts not
#: shown (e.g. a change's ``substantial`` flag) are kept from the record on the same line.
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
}

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

Section = tuple[str, str, tuple[tuple[str, str, str], ...]]


def dataset_section(card: ModelCard, index: int) -> Section:
    """The section for ``card.datasets[index]``: its description and datasheet."""
    dataset = card.datasets[index]
    # Titled by id, not by the (editable) name: the form is not rebuilt while someone types.
    return (
        f"datasets[{index}]",
        f"Dataset: {dataset.id or f'#{index + 1}'} ({dataset.role})",
        tuple((f"datasets[{index}].{path}", label, kind) for path, label, kind in DATASET_FIELDS),
    )


def card_sections(card: ModelCard) -> list[Section]:
    """Every editable section of ``card``: the fixed ones, with one per dataset after factors."""
    fixed = list(SECTIONS)
    at = next(i for i, (key, _, _) in enumerate(fixed) if key == "training")
    return [*fixed[:at], *(dataset_section(card, i) for i in range(len(card.datasets))), *fixed[at:]]


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


def _row_text(record: Any, parts: tuple[str, ...]) -> str:
    cells = [" ".join(str(getattr(record, p)).split()) for p in parts]
    while cells and not cells[-1]:
        cells.pop()
    return " | ".join(cells)


def field_text(card: ModelCard, path: str) -> str:
    """The text a field shows: a string as is, a list one item (or record) per line."""
    owner, name = _owner(card, path)
    value = getattr(owner, name)
    if path in ROWS:
        return "\n".join(_row_text(record, ROWS[path][1]) for record in value)
    return "\n".join(value) if isinstance(value, list) else str(value)


def set_field(card: ModelCard, path: str, text: str) -> None:
    """Write ``text`` to the field at ``path`` (a list field takes one non-blank item per line)."""
    fields = editable_fields(card)
    if path not in fields:
        raise ValueError(f"Cannot edit {path!r}; editable fields are {', '.join(fields)}.")
    owner, name = _owner(card, path)
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if path in ROWS:
        kind, parts = ROWS[path]
        old = getattr(owner, name)
        records = []
        for i, line in enumerate(lines):
            record = replace(old[i]) if i < len(old) else kind()
            cells = [cell.strip() for cell in line.split("|")]
            # More cells than parts: the extra "|" belong to the last part's text.
            if len(cells) > len(parts):
                cells = [*cells[: len(parts) - 1], " | ".join(cells[len(parts) - 1 :])]
            for part, cell in zip_longest(parts, cells):
                setattr(record, part, getattr(kind(), part) if cell is None else cell)
            records.append(record)
        setattr(owner, name, records)
    elif isinstance(getattr(owner, name), list):
        setattr(owner, name, lines)
    else:
        setattr(owner, name, text)


def completeness(card: ModelCard, profile: str) -> float:
    """Share of the profile's requirements the card meets (stale sign-offs count against it)."""
    missing = card.check(profile)
    rules = {path for path, _, _ in RULES[profile]}
    met = len(rules) - sum(m.field in rules for m in missing)
    total = len(rules) + sum(m.field not in rules for m in missing)
    return met / total if total else 1.0


def _fingerprint(path: Path) -> tuple[int, str] | None:
    """mtime and content hash of the file, or None when there is no file."""
    try:
        data = path.read_bytes()
        return path.stat().st_mtime_ns, hashlib.sha256(data).hexdigest()
    except FileNotFoundError:
        return None


class ModelCardEditor(anywidget.AnyWidget):
    """Edit a model card's text in the notebook; every edit is checked and autosaved.

    Every human-written section is editable: model details, intended use, factors, each
    dataset's description and datasheet (paths ``datasets[i].datasheet.motivation`` etc.,
    one section per dataset, rebuilt by :meth:`refresh` and :meth:`reload` when the
    datasets change), training, considerations, operation and human oversight, governance
    (see :data:`SECTIONS`, :data:`DATASET_FIELDS`). Lists of records (owners, licenses,
    risks, oversight measures, ...) are edited one record per line, parts split by ``|``.
    Computed records (``source="computed"``: per-group results, disparities, criteria,
    audit-filled metrics and factors) are read-only here: :meth:`refresh` recomputes them
    from the audit, and the static HTML shows them, with charts.

    Parameters
    ----------
    card : ModelCard, optional
        The card to edit; ``None`` loads ``path`` (or starts an empty card if there is none).
    path : str or Path, default "card.json"
        Where edits are saved (with :meth:`ModelCard.save`). A file changed on disk since it
        was loaded or last saved is never overwritten: :attr:`status` reports the conflict.
    audit : Audit, optional
        What :meth:`refresh` recomputes the card's computed sections from.
    profile : str, default "minimal"
        The completeness profile: one of ``PROFILES``.

    Examples
    --------
    >>> import fairness_widgets as fw, tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "card.json"
    >>> editor = fw.ModelCardEditor(fw.ModelCard(), path)
    >>> editor.edit = {"path": "model_details.summary", "value": "Ranks credit applications."}
    >>> fw.ModelCard.load(path).model_details.summary
    'Ranks credit applications.'
    """

    _esm = bundle("card_editor", "js")
    _css = bundle("card_editor", "css")

    sections = traitlets.List(
        traitlets.Dict(), help="[{key, title, fields: [{path, label, kind, value, source}]}]."
    ).tag(sync=True)
    profile = traitlets.Unicode("minimal", help="The completeness profile.").tag(sync=True)
    missing = traitlets.List(
        traitlets.Dict(), help="[{field, requirement, why}]: what the profile lacks."
    ).tag(sync=True)
    completeness = traitlets.Float(0.0, help="Share (0..1) of the profile's requirements met.").tag(sync=True)
    edit = traitlets.Dict(help="{path, value}: the browser writes one field's text.").tag(sync=True)
    status = traitlets.Dict(
        {"saved_at": "", "message": "", "conflict": False}, help="{saved_at, message, conflict}."
    ).tag(sync=True)

    def __init__(
        self,
        card: ModelCard | None = None,
        path: str | Path = "card.json",
        audit: Any = None,
        profile: str = "minimal",
    ) -> None:
        self.path = Path(path)
        if card is None:
            card = ModelCard.load(self.path) if self.path.exists() else ModelCard()
        if not isinstance(card, ModelCard):
            raise TypeError(
                f"ModelCardEditor needs a ModelCard (got {type(card).__name__}); "
                "e.g. fw.ModelCardEditor(fw.ModelCard.from_audit(audit), 'card.json')."
            )
        self.card = card
        self.audit = audit
        self._disk = _fingerprint(self.path)
        super().__init__(profile=profile)
        self._publish()

    # ----------------------------------------------------------------- Python API

    def save(self, force: bool = False) -> bool:
        """Save to :attr:`path`; unless ``force``, refuse when the file changed on disk."""
        if not force and _fingerprint(self.path) != self._disk:
            self.status = {
                "saved_at": self.status.get("saved_at", ""),
                "message": (
                    f"{self.path} changed on disk since it was loaded or last saved; your edits are "
                    "kept here but not saved. Run editor.reload() to take the file's version, or "
                    "editor.save(force=True) to overwrite it."
                ),
                "conflict": True,
            }
            return False
        self.card.save(self.path)
        self._disk = _fingerprint(self.path)
        saved = datetime.now(timezone.utc).isoformat(timespec="seconds")
        self.status = {"saved_at": saved, "message": f"Saved to {self.path.name}", "conflict": False}
        return True

    def reload(self) -> ModelCard:
        """Replace the card with the file's version (dropping unsaved edits) and clear a conflict."""
        self.card = ModelCard.load(self.path)
        self._disk = _fingerprint(self.path)
        self.status = {"saved_at": "", "message": f"Reloaded {self.path.name}", "conflict": False}
        self._publish()
        return self.card

    def refresh(self) -> ModelCard:
        """Recompute the computed sections from :attr:`audit`; the text people wrote stays."""
        if self.audit is None:
            raise ValueError("refresh() needs an audit: fw.ModelCardEditor(card, path, audit=audit).")
        self.card.refresh(self.audit)
        self._publish()
        self.save()
        return self.card

    # ----------------------------------------------------------------- state

    def _publish(self) -> None:
        with self.hold_sync():
            self.sections = [
                {
                    "key": key,
                    "title": title,
                    "fields": [
                        {
                            "path": path,
                            "label": label,
                            "kind": kind,
                            "value": field_text(self.card, path),
                            "source": "human",
                        }
                        for path, label, kind in fields
                    ],
                }
                for key, title, fields in card_sections(self.card)
            ]
            self._check()

    def _check(self) -> None:
        self.missing = [
            {"field": m.field, "requirement": m.requirement, "why": m.why}
            for m in self.card.check(self.profile)
        ]
        self.completeness = completeness(self.card, self.profile)

    @traitlets.validate("profile")
    def _check_profile(self, proposal: dict[str, Any]) -> str:
        value = str(proposal["value"])
        if value not in PROFILES:
            raise traitlets.TraitError(f"profile must be one of {', '.join(PROFILES)}, got {value!r}.")
        return value

    @traitlets.observe("profile")
    def _profile_changed(self, change: dict[str, Any]) -> None:
        if hasattr(self, "card"):
            self._check()

    @traitlets.validate("edit")
    def _check_edit(self, proposal: dict[str, Any]) -> dict[str, str]:
        value = dict(proposal["value"])
        if not value:
            return {}
        path, text = value.get("path"), value.get("value")
        fields = editable_fields(self.card)
        if path not in fields:
            raise traitlets.TraitError(f"edit path must be one of {', '.join(fields)}, got {path!r}.")
        if not isinstance(text, str):
            raise traitlets.TraitError(f"edit value of {path} must be text, got {type(text).__name__}.")
        return {"path": str(path), "value": text}

    @traitlets.observe("edit")
    def _apply_edit(self, change: dict[str, Any]) -> None:
        edit = change["new"]
        if not edit:
            return
        set_field(self.card, edit["path"], edit["value"])
        if [s["key"] for s in self.sections] != [key for key, _, _ in card_sections(self.card)]:
            self._publish()  # datasets were added or removed (in Python) since the form was built
            self.save()
            return
        with self.hold_sync():
            # Keep the text as typed (not re-joined list items), so the field does not jump.
            self.sections = [
                {
                    **section,
                    "fields": [
                        {**f, "value": edit["value"]} if f["path"] == edit["path"] else f
                        for f in section["fields"]
                    ],
                }
                for section in self.sections
            ]
            self._check()
        self.save()

    # ----------------------------------------------------------------- static export

    def _repr_mimebundle_(self, **kwargs: Any) -> tuple[dict[str, Any], dict[str, Any]] | None:
        """The live widget, plus the card's (escaped) HTML for exports without a kernel."""
        return with_static(super()._repr_mimebundle_(**kwargs), {"text/html": self.card.to_html()})
