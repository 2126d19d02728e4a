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
from fairness_widgets.card.profiles import PROFILES
from fairness_widgets.widgets._static import bundle, with_static
from fairness_widgets.widgets.card_fields import (
    AT_LEAST_ZERO,
    DATASET_FIELDS,
    FIELDS,
    FINDING_FIELDS,
    METRIC_FIELDS,
    ROWS,
    SECTIONS,
    card_sections,
    completeness,
    editable_fields,
    field_text,
    field_value,
    options,
    parse_value,
    set_field,
)

__all__ = [
    "DATASET_FIELDS",
    "FIELDS",
    "FINDING_FIELDS",
    "METRIC_FIELDS",
    "ROWS",
    "SECTIONS",
    "ModelCardEditor",
    "card_sections",
    "completeness",
    "editable_fields",
    "field_text",
    "set_field",
]


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
    metric's rationale and decision threshold (``metrics[i].rationale`` etc., also on the
    metrics the audit computed: a refresh keeps them), each dataset's description and
    datasheet (``datasets[i].datasheet.motivation`` etc.; metric and dataset sections are
    rebuilt by :meth:`refresh` and :meth:`reload` when they change), training (with its
    hyperparameters and compute: hours, CO2), the fairness criteria (rule, comparator,
    threshold), each slice finding's status (open, accepted or mitigated) and note (kept by
    a refresh, like a metric's rationale), considerations, operation and human oversight,
    governance, robustness tests, versions and hashes (see :data:`SECTIONS`,
    :data:`METRIC_FIELDS`, :data:`DATASET_FIELDS`, :data:`FINDING_FIELDS`). Numbers get a
    number box, true/false a check box, a fixed list of values a drop-down, dicts rows of
    name and value; a bad value is refused with a message naming the field, and nothing is
    saved. Lists of records (owners, licenses, risks, oversight measures, criteria, ...) are
    edited one record per line, parts split by ``|``. Computed values (per-group results,
    disparities, group counts, a finding's gap and q-value) are read-only here:
    :meth:`refresh` recomputes them from the audit, and the static HTML shows them.

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
    >>> editor.edit = {"path": "training.compute.co2_kg", "value": 12.5}
    >>> fw.ModelCard.load(path).model_details.summary
    'Ranks credit applications.'
    """

    _esm = bundle("card_editor", "js")
    _css = bundle("card_editor", "css")

    sections = traitlets.List(
        traitlets.Dict(),
        help="[{key, title, fields: [{path, label, kind, value, source, min?, options?}]}]; value "
        "is text, a number or null, true/false or null, one of options, or [[name, value text], "
        "...] by kind.",
    ).tag(sync=True)
    profile = traitlets.Unicode("minimal", help="The completeness profile.").tag(sync=True)
    missing = traitlets.List(
        traitlets.Dict(), help="[{field, requirement, why}]: what the profile lacks."
    ).tag(sync=True)
    completeness = traitlets.Float(0.0, help="Share (0..1) of the profile's requirements met.").tag(sync=True)
    edit = traitlets.Dict(
        help="{path, value}: the browser writes one field (text, number, true/false or rows)."
    ).tag(sync=True)
    status = traitlets.Dict(
        {"saved_at": "", "message": "", "conflict": False, "refused": ""},
        help="{saved_at, message, conflict, refused}; refused: why the last edit was not taken.",
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
                "refused": "",
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
        self.status = {
            "saved_at": saved,
            "message": f"Saved to {self.path.name}",
            "conflict": False,
            "refused": "",
        }
        return True

    def reload(self) -> ModelCard:
        """Replace the card with the file's version (dropping unsaved edits) and clear a conflict."""
        self.card = ModelCard.load(self.path)
        self._disk = _fingerprint(self.path)
        self.status = {
            "saved_at": "",
            "message": f"Reloaded {self.path.name}",
            "conflict": False,
            "refused": "",
        }
        self._publish()
        return self.card

    def refresh(self, **fill: Any) -> ModelCard:
        """Recompute the computed sections from :attr:`audit`; what people wrote stays.

        ``fill`` takes :meth:`ModelCard.refresh`'s options, e.g. ``findings=explorer.findings()``
        to refresh the slice findings (their status and note typed here are kept).
        """
        if self.audit is None:
            raise ValueError("refresh() needs an audit: fw.ModelCardEditor(card, path, audit=audit).")
        self.card.refresh(self.audit, **fill)
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
                            "value": field_value(self.card, path, kind),
                            "source": "human",
                        }
                        | ({"min": 0} if path in AT_LEAST_ZERO else {})
                        | ({"options": list(options(path))} if kind == "choice" else {})
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
    def _check_edit(self, proposal: dict[str, Any]) -> dict[str, Any]:
        value = dict(proposal["value"])
        if not value:
            return {}
        path, given = value.get("path"), value.get("value")
        fields = editable_fields(self.card)
        if path not in fields:
            raise traitlets.TraitError(f"edit path must be one of {', '.join(fields)}, got {path!r}.")
        try:
            parse_value(self.card, str(path), given)
        except ValueError as error:
            # The browser sent it, so the browser must hear why it was not taken.
            self.status = {**self.status, "refused": str(error)}
            raise traitlets.TraitError(str(error)) from None
        if self.status.get("refused"):
            self.status = {**self.status, "refused": ""}
        return {"path": str(path), "value": given}

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
            # Keep text as typed (not re-joined list items), so the field does not jump;
            # numbers, flags and tables as stored.
            self.sections = [
                {
                    **section,
                    "fields": [
                        {**f, "value": self._shown(f, edit["value"])} if f["path"] == edit["path"] else f
                        for f in section["fields"]
                    ],
                }
                for section in self.sections
            ]
            self._check()
        self.save()

    def _shown(self, field: dict[str, Any], typed: Any) -> Any:
        if field["kind"] in ("text", "markdown"):
            return typed
        return field_value(self.card, field["path"], field["kind"])

    # ----------------------------------------------------------------- static export

    def _repr_mimebundle_(self, **kwargs: Any) -> tuple[dict[str, Any], dict[str, Any]] | None:
        """The live widget, plus the card's (escaped) HTML for exports without a kernel."""
        return with_static(super()._repr_mimebundle_(**kwargs), {"text/html": self.card.to_html()})
