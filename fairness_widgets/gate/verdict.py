"""The outcome of a gate: passed or not, and each rule's value, threshold and result."""

from __future__ import annotations

import html
import json
import math
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

import pandas as pd

#: Written in every verdict's JSON; bumped when a key changes meaning or goes away.
SCHEMA = "fw-gate-verdict/1"

COLUMNS = ["rule", "attribute", "metric", "use", "value", "threshold", "operator", "passed", "detail"]

#: ``rule_id`` prefix of the criteria :meth:`Verdict.record` writes into a model card.
RECORD_PREFIX = "gate:"

#: Process exit codes of the ``fairness-widgets gate`` command.
EXIT_PASS, EXIT_FAIL, EXIT_ERROR = 0, 1, 2


@dataclass(frozen=True, eq=False)  # a DataFrame has no single truth value to compare by
class Verdict:
    """Whether a model passes a policy, rule by rule.

    Attributes
    ----------
    rules : pandas.DataFrame
        One row per check: ``rule`` (its name), ``attribute``, ``metric``, ``use`` (the
        value or an interval end), ``value``, ``threshold``, ``operator`` (``>=`` or
        ``<=``), ``passed``, ``detail``. A rule over every attribute, or with both a
        minimum and a maximum, gives several rows.
    policy : dict
        The policy's ``path`` and ``sha256``.
    evaluated_at : str
        When, in UTC (ISO 8601).
    """

    rules: pd.DataFrame
    policy: dict[str, Any] = field(default_factory=dict)
    evaluated_at: str = field(
        default_factory=lambda: datetime.now(timezone.utc).isoformat(timespec="seconds")
    )

    @property
    def passed(self) -> bool:
        """True when every check passed."""
        return bool(self.rules["passed"].all())

    @property
    def failed(self) -> pd.DataFrame:
        """The checks that failed."""
        return self.rules[~self.rules["passed"]].reset_index(drop=True)

    @property
    def exit_code(self) -> int:
        """0 when it passed, 1 when it did not (2 is kept for errors)."""
        return EXIT_PASS if self.passed else EXIT_FAIL

    def summary(self) -> str:
        """One line: PASSED or FAILED, with the count of failed checks."""
        total, failed = len(self.rules), int((~self.rules["passed"]).sum())
        if failed:
            return f"FAILED: {failed} of {total} checks failed"
        return f"PASSED: all {total} checks passed"

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON: NaN becomes null."""
        records = [
            {key: _plain(value) for key, value in record.items()}
            for record in self.rules.to_dict(orient="records")
        ]
        return {
            "schema": SCHEMA,
            "passed": self.passed,
            "exit_code": self.exit_code,
            "summary": self.summary(),
            "n_checks": len(records),
            "n_failed": sum(not record["passed"] for record in records),
            "policy": dict(self.policy),
            "evaluated_at": self.evaluated_at,
            "rules": records,
        }

    def record(self, card: Any) -> int:
        """Write every check into the card's criteria
        (``card.quantitative_analysis.fairness.criteria``) as a computed criterion: rule,
        what it measured, threshold, comparator, value, passed, when. The card then carries
        the evidence of the gate it passed or failed. Criteria a person wrote stay; the
        results of an earlier gate are replaced. Recording edits the card, so do it before
        the sign-offs (a sign-off binds the card's content). Returns the number recorded."""
        from fairness_widgets.card.schema import COMPARATORS, Criterion  # noqa: PLC0415 (optional layer)

        criteria = card.quantitative_analysis.fairness.criteria
        kept = [c for c in criteria if not (c.source == "computed" and c.rule_id.startswith(RECORD_PREFIX))]
        recorded = []
        for row in self.rules.to_dict(orient="records"):
            parts = [str(row[key]) for key in ("rule", "attribute", "use", "operator") if row[key]]
            measured = f"{row['metric']} of {row['attribute']}" if row["attribute"] else str(row["metric"])
            if row["use"] not in ("", "value"):
                measured += f" ({row['use']})"
            recorded.append(
                Criterion(
                    rule_id=RECORD_PREFIX + ":".join(parts),
                    expression=measured,
                    threshold=_number(row["threshold"]),
                    comparator=row["operator"] if row["operator"] in COMPARATORS else "",
                    use_ci_bound=row["use"] not in ("", "value"),
                    value=_number(row["value"]),
                    passed=bool(row["passed"]),
                    evaluated_at=self.evaluated_at,
                    source="computed",
                )
            )
        criteria[:] = kept + recorded
        return len(recorded)

    def to_json(self, indent: int | None = 2) -> str:
        """The verdict as JSON (``schema`` ``fw-gate-verdict/1``), for CI logs and artifacts."""
        return json.dumps(self.to_dict(), indent=indent, allow_nan=False, ensure_ascii=False)

    def __repr__(self) -> str:
        table = self.rules.to_string(index=False, float_format=lambda value: f"{value:.4g}")
        return f"Verdict({self.summary()})\n{table}"

    def _repr_html_(self) -> str:
        colour = "#1a7f37" if self.passed else "#cf222e"
        rows = self.rules.copy()
        rows["passed"] = rows["passed"].map({True: "pass", False: "FAIL"})
        table = rows.to_html(index=False, escape=True, float_format=lambda value: f"{value:.4g}", na_rep="")
        return (
            f'<div class="fw-verdict"><p style="font-weight:bold;color:{colour}">'
            f"{html.escape(self.summary())}</p>{table}</div>"
        )


def _number(value: Any) -> float | None:
    plain = _plain(value)
    return None if plain is None else float(plain)


def _plain(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if hasattr(value, "item"):  # numpy scalars
        return _plain(value.item())
    return value
