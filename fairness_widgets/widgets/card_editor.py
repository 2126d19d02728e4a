"""ModelCardEditor: the human-written text of a model card, edited inline, checked against a
profile as you type, and autosaved without overwriting a file someone else changed."""

from __future__ import annotations

import hashlib
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import anywidget
import traitlets

from fairness_widgets.card import ModelCard
from fairness_widgets.card.profiles import PROFILES, RULES
from fairness_widgets.widgets._static import bundle

#: Sections (Mitchell et al. 2019) and their text fields: (path, label, kind).
#: A list field is edited as one item per line; ``markdown`` fields get a rendered preview.
SECTIONS: tuple[tuple[str, str, tuple[tuple[str, str, str], ...]], ...] = (
    (
        "model_details",
        "Model details",
        (
            ("model_details.name", "Name", "text"),
            ("model_details.summary", "Summary (one sentence)", "text"),
            ("model_details.description", "Description", "markdown"),
            ("model_details.model_type", "Model type", "text"),
            ("model_details.task", "Task", "text"),
            ("model_details.architecture", "Architecture", "markdown"),
        ),
    ),
    (
        "intended_use",
        "Intended use",
        (
            ("intended_use.primary_uses", "Primary uses (one per line)", "text"),
            ("intended_use.primary_users", "Primary users (one per line)", "text"),
            ("intended_use.out_of_scope_uses", "Out-of-scope uses (one per line)", "text"),
            ("intended_use.deployment_context", "Deployment context", "markdown"),
        ),
    ),
    ("factors", "Factors", (("factors.relevant_factors", "Relevant factors (one per line)", "text"),)),
    ("training", "Training data and procedure", (("training.procedure", "Procedure", "markdown"),)),
    (
        "considerations",
        "Ethical considerations, caveats and recommendations",
        (
            ("considerations.limitations", "Limitations (one per line)", "text"),
            ("considerations.tradeoffs", "Trade-offs (one per line)", "text"),
            ("considerations.recommendations", "Recommendations (one per line)", "text"),
            ("considerations.unmeasured_risks", "Risks not measured (one per line)", "text"),
        ),
    ),
)
FIELDS = {path: (label, kind) for _, _, fields in SECTIONS for path, label, kind in fields}


def _owner(card: ModelCard, path: str) -> tuple[Any, str]:
    *parents, name = path.split(".")
    owner: Any = card
    for part in parents:
        owner = getattr(owner, part)
    return owner, name


def field_text(card: ModelCard, path: str) -> str:
    """The text a field shows: a string as is, a list one item per line."""
    owner, name = _owner(card, path)
    value = getattr(owner, name)
    return "\n".join(value) if isinstance(value, list) else str(value)


def set_field(card: ModelCard, path: str, text: str) -> None:
    """Write ``text`` to the field at ``path`` (a list field takes one non-blank item per line)."""
    if path not in FIELDS:
        raise ValueError(f"Cannot edit {path!r}; editable fields are {', '.join(FIELDS)}.")
    owner, name = _owner(card, path)
    if isinstance(getattr(owner, name), list):
        setattr(owner, name, [line.strip() for line in text.splitlines() if line.strip()])
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
                for key, title, fields in SECTIONS
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
        if path not in FIELDS:
            raise traitlets.TraitError(f"edit path must be one of {', '.join(FIELDS)}, got {path!r}.")
        if not isinstance(text, str):
            raise traitlets.TraitError(f"edit value of {path} must be text, got {type(text).__name__}.")
        return {"path": str(path), "value": text}

    @traitlets.observe("edit")
    def _apply_edit(self, change: dict[str, Any]) -> None:
        edit = change["new"]
        if not edit:
            return
        set_field(self.card, edit["path"], edit["value"])
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
        shown = super()._repr_mimebundle_(**kwargs)
        if shown is None:
            return None
        data, metadata = shown if isinstance(shown, tuple) else (shown, {})
        return {**data, "text/html": self.card.to_html()}, metadata
