"""``ModelCard``: the card as one plain object, with its hash, sign-offs and exports."""

from __future__ import annotations

import hashlib
import json
import re
import uuid
import warnings
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pandas as pd

from fairness_widgets.card import huggingface, mct
from fairness_widgets.card.audit_fill import fill_from_audit
from fairness_widgets.card.convert import CardFormatError, from_dict, json_schema, to_dict
from fairness_widgets.card.files import load_card, save_card
from fairness_widgets.card.profiles import Missing, check
from fairness_widgets.card.render import to_html, to_markdown
from fairness_widgets.card.schema import (
    DECISIONS,
    SCHEMA_VERSION,
    Considerations,
    Dataset,
    Factors,
    Governance,
    IntendedUse,
    Metric,
    ModelDetails,
    Operation,
    QuantitativeAnalysis,
    SignOff,
    Training,
    Versioning,
)

#: Left out of the content hash: who signed it, the gate verdict, and the save time.
UNHASHED = ("signoffs", "gate", "updated")
#: Where a card of a newer minor schema version keeps the fields this version does not know.
UNREAD = "unread_fields"


def _schema_version(value: Any, written_by: str) -> tuple[int, int]:
    """``(major, minor)`` of a card's ``schema_version``, or a clear error."""
    if not isinstance(value, str) or not value.startswith("fw-card/"):
        raise CardFormatError(
            f"schema_version is {value!r}: not a fairness_widgets card (expected 'fw-card/1.x')."
        )
    match = re.fullmatch(r"fw-card/(\d+)\.(\d+)", value)
    if match is None:
        raise CardFormatError(f"schema_version {value!r} is malformed; expected 'fw-card/<major>.<minor>'.")
    major, minor = int(match.group(1)), int(match.group(2))
    if major != int(SCHEMA_VERSION.split("/")[1].split(".")[0]):
        raise CardFormatError(
            f"Card schema {value}{written_by} is not readable by this version, which reads "
            f"{SCHEMA_VERSION}. Install the fairness-widgets version that wrote it, or a newer one."
        )
    return major, minor


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


@dataclass
class ModelCard:
    """A model card: Mitchell et al. sections, datasheets, fairness results, sign-offs.

    Build one with :meth:`from_audit` (fills what can be computed) or field by field;
    save with :meth:`save`, reload with :meth:`load`; export with :meth:`to_markdown`,
    :meth:`to_html`, :meth:`to_huggingface`, :meth:`to_mct`. Each exchange format has the
    same three pairs: text or dict (``to_*`` / ``from_*``) and file (``save_*`` /
    ``load_*``, written atomically with the previous file kept).

    Examples
    --------
    >>> import fairness_widgets as fw
    >>> card = fw.ModelCard()
    >>> card.model_details.name = "credit-v3"
    >>> card.intended_use.primary_uses.append("Pre-screening of consumer credit applications")
    >>> [m.field for m in card.check("minimal")][:2]
    ['model_details.summary', 'model_details.licenses']
    """

    schema_version: str = SCHEMA_VERSION
    card_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    created: str = field(default_factory=_now)
    updated: str = ""
    profile: str = "minimal"
    model_details: ModelDetails = field(default_factory=ModelDetails)
    intended_use: IntendedUse = field(default_factory=IntendedUse)
    factors: Factors = field(default_factory=Factors)
    metrics: list[Metric] = field(default_factory=list)
    datasets: list[Dataset] = field(default_factory=list)
    training: Training = field(default_factory=Training)
    quantitative_analysis: QuantitativeAnalysis = field(default_factory=QuantitativeAnalysis)
    considerations: Considerations = field(default_factory=Considerations)
    operation: Operation = field(default_factory=Operation)
    governance: Governance = field(default_factory=Governance)
    versioning: Versioning = field(default_factory=Versioning)
    signoffs: list[SignOff] = field(default_factory=list)
    #: Owned by the gate (policy, last result); outside the content hash.
    gate: dict[str, Any] = field(default_factory=dict)
    #: Imported keys and sections no field holds, kept verbatim.
    extensions: dict[str, Any] = field(default_factory=dict)

    # ------------------------------------------------------------ dict / JSON

    def to_dict(self) -> dict[str, Any]:
        """Every field as JSON values (NaN becomes null)."""
        out: dict[str, Any] = to_dict(self)
        return out

    @classmethod
    def from_dict(cls, data: Any) -> ModelCard:
        """Build from :meth:`to_dict` output; a wrong type or unknown key raises, naming where.

        A card of a newer minor schema version (``fw-card/1.3`` read by ``fw-card/1.0``) may
        hold fields this version does not know. They are not dropped and not refused: they
        are kept verbatim in ``extensions["unread_fields"]`` (``{"schema_version",
        "written_by", "fields": {path: value}}``), saved with the card, and a warning names
        them. The card then says ``schema_version`` of this version, which it now is. An
        unknown field in a card of this version or an older one is a mistake (a typo), and
        raises. A newer major version raises.
        """
        if not isinstance(data, dict):
            raise CardFormatError(f"A card is a JSON object, got {type(data).__name__}.")
        data = dict(data)
        writer = data.pop("written_by", "")
        written_by = f" (written by {writer})" if isinstance(writer, str) and writer else ""
        version = data.get("schema_version")
        _, minor = _schema_version(version, written_by)
        newer = minor > int(SCHEMA_VERSION.rsplit(".", 1)[1])
        unread: dict[str, Any] | None = {} if newer else None
        try:
            card = from_dict(cls, data, "card", unknown=unread)
        except CardFormatError as error:
            raise CardFormatError(f"{error} The card is {version}{written_by}.") from None
        if unread:
            fields = {path.removeprefix("card."): value for path, value in unread.items()}
            card.extensions[UNREAD] = {
                "schema_version": version,
                "written_by": writer if isinstance(writer, str) else "",
                "fields": fields,
            }
            warnings.warn(
                f"This card is {version}{written_by}; this version reads {SCHEMA_VERSION} and does "
                f"not know the field(s) {sorted(fields)}. They are kept, unread, in "
                f"card.extensions[{UNREAD!r}] and saved with the card. Upgrade fairness-widgets "
                "to use them.",
                UserWarning,
                stacklevel=2,
            )
        if newer:
            card.schema_version = SCHEMA_VERSION
        return card

    @staticmethod
    def json_schema() -> dict[str, Any]:
        """The JSON Schema of the card file (``fw-card/1``), as :meth:`save` writes it."""
        schema = json_schema(ModelCard)
        # Written by save() for readers without our code; not fields of the card.
        schema["properties"] |= {
            "content_hash": {"type": "string", "description": "The card's content hash when saved."},
            "written_by": {"type": "string", "description": "The package and version that saved it."},
        }
        return schema

    # ------------------------------------------------------- hash and sign-offs

    @property
    def content_hash(self) -> str:
        """SHA-256 of the canonical JSON of everything but sign-offs, gate and save time."""
        data = {k: v for k, v in self.to_dict().items() if k not in UNHASHED}
        text = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()

    def sign(
        self,
        *,
        role: str,
        name: str,
        decision: str = "approve",
        conditions: str = "",
        comment: str = "",
        contact: str = "",
        scope: list[str] | None = None,
    ) -> SignOff:
        """Record a sign-off bound to the current content hash; any later edit invalidates it."""
        if decision not in DECISIONS:
            raise ValueError(f"decision must be one of {list(DECISIONS)}, got {decision!r}.")
        if not role or not name:
            raise ValueError("A sign-off needs a role and the reviewer's name.")
        signoff = SignOff(
            role=role,
            name=name,
            contact=contact,
            signed_at=_now(),
            decision=decision,
            conditions=conditions,
            scope=list(scope or []),
            content_hash=self.content_hash,
            comment=comment,
        )
        self.signoffs.append(signoff)
        return signoff

    def is_valid(self, signoff: SignOff) -> bool:
        """Whether ``signoff`` was given on the card as it is now."""
        return signoff.content_hash == self.content_hash

    def signoff_status(self) -> pd.DataFrame:
        """One row per sign-off: role, name, decision, signed_at, valid (False once edited)."""
        current = self.content_hash
        return pd.DataFrame(
            [
                {
                    "role": s.role,
                    "name": s.name,
                    "decision": s.decision,
                    "signed_at": s.signed_at,
                    "valid": s.content_hash == current,
                }
                for s in self.signoffs
            ],
            columns=["role", "name", "decision", "signed_at", "valid"],
        )

    # ------------------------------------------------------------- audit fill

    @classmethod
    def from_audit(cls, audit: Any, *, name: str = "", **options: Any) -> ModelCard:
        """A card with everything an :class:`~fairness_widgets.Audit` can compute filled in.

        Options are those of :meth:`refresh` (``dataset_id``, ``metrics``, ``thresholds``,
        ``findings``, ``reference``...). Computed records carry ``source="computed"``.
        """
        card = cls()
        card.model_details.name = name
        card.refresh(audit, **options)
        return card

    def refresh(self, audit: Any, **options: Any) -> ModelCard:
        """Recompute what the audit fills; records a person wrote or imported stay as they are."""

        fill_from_audit(self, audit, **options)
        return self

    # ----------------------------------------------------------- completeness

    def check(self, profile: str | None = None) -> list[Missing]:
        """What ``profile`` requires and the card lacks, one entry per field, with why."""

        return check(self, profile or self.profile)

    # --------------------------------------------------------------- files

    def save(self, path: str | Path) -> Path:
        """Write JSON atomically; the previous file is kept as ``<name>.prev.json``."""

        return save_card(self, path)

    @classmethod
    def load(cls, path: str | Path) -> ModelCard:
        """Read a card saved by :meth:`save`; malformed or truncated files raise ``CardFormatError``."""

        return load_card(cls, path)

    # ------------------------------------------------------------- exports

    def to_markdown(self) -> str:
        """The card as Markdown (tables for the fairness results)."""

        return to_markdown(self)

    def to_html(self) -> str:
        """A self-contained HTML report; every user-written string is escaped."""

        return to_html(self)

    def _repr_html_(self) -> str:
        return self.to_html()

    def to_huggingface(self) -> str:
        """A Hugging Face README.md: YAML front matter (``model-index``) plus Markdown body."""

        return huggingface.to_huggingface(self)

    @classmethod
    def from_huggingface(cls, text: str) -> ModelCard:
        """Import a Hugging Face README.md (ours or one written in the standard template)."""

        return huggingface.from_huggingface(cls, text)

    def save_huggingface(self, path: str | Path) -> Path:
        """Write :meth:`to_huggingface` to ``path`` (a README.md) atomically.

        The previous file is kept as ``<name>.prev.md``. What the Hub's keys and template
        sections cannot hold is under the README's ``fairness_widgets:`` YAML key, so
        :meth:`load_huggingface` reads back every field.
        """

        return huggingface.save_huggingface(self, path)

    @classmethod
    def load_huggingface(cls, path: str | Path) -> ModelCard:
        """Read a Hugging Face README.md file (see :meth:`from_huggingface`)."""

        return huggingface.load_huggingface(cls, path)

    def to_mct(self) -> tuple[dict[str, Any], dict[str, Any]]:
        """Model Card Toolkit v0.0.2 JSON, and the sidecar (``*.fw.json``) for what MCT cannot hold."""

        return mct.to_mct(self)

    @classmethod
    def from_mct(cls, data: dict[str, Any], sidecar: dict[str, Any] | None = None) -> ModelCard:
        """Import Model Card Toolkit JSON, with our sidecar when there is one."""

        return mct.from_mct(cls, data, sidecar)

    def save_mct(self, path: str | Path) -> tuple[Path, Path]:
        """Write MCT JSON to ``path`` and the sidecar ``<stem>.fw.json`` beside it, atomically."""

        return mct.save_mct(self, path)

    @classmethod
    def load_mct(cls, path: str | Path) -> ModelCard:
        """Read MCT JSON from ``path``, with its ``<stem>.fw.json`` sidecar when there is one."""

        return mct.load_mct(cls, path)

    def __repr__(self) -> str:
        qa = self.quantitative_analysis
        valid = sum(self.is_valid(s) for s in self.signoffs)
        return (
            f"ModelCard({self.model_details.name or '(unnamed)'}; {len(qa.results)} results, "
            f"{len(qa.fairness.disparities)} disparities, {len(self.datasets)} datasets; "
            f"sign-offs {valid}/{len(self.signoffs)} valid; {self.content_hash[:19]})"
        )
