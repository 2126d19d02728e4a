"""Judge a policy's rules against an audit, a model card and recorded explanations."""

from __future__ import annotations

import math
import os
from collections.abc import Mapping, Sized
from typing import Any

import pandas as pd

from fairness_widgets.compute.audit import Audit
from fairness_widgets.compute.groups import CROSS
from fairness_widgets.gate.policy import CardRule, ExplanationsRule, MetricRule, Policy, PolicyError
from fairness_widgets.gate.verdict import COLUMNS, Verdict

_USE_TEXT = {"value": "value", "ci_low": "lower end of the interval", "ci_high": "upper end of the interval"}


def gate(
    policy: Policy | Mapping[str, Any] | str | os.PathLike[str],
    *,
    audit: Audit | None = None,
    card: Any = None,
    explanations: Any = None,
) -> Verdict:
    """Judge a model against a policy of thresholds; every rule's value, threshold and result.

    Parameters
    ----------
    policy : path, dict or Policy
        A TOML policy file (see :mod:`fairness_widgets.gate.policy`), or its parsed content.
    audit : Audit, optional
        Needed by metric rules: they judge rows of ``audit.disparities()``.
    card : optional
        Needed by ``card_complete`` rules: any object whose ``check(profile)`` returns the
        missing fields (a list or a DataFrame, empty when complete), as ``fw.ModelCard``.
    explanations : optional
        Explanations by group (a non-empty table or list), for ``explanations`` rules.

    Returns
    -------
    Verdict
        ``passed``, ``rules`` (a tidy table), ``to_json()``, ``exit_code``.

    Raises
    ------
    PolicyError
        The policy names an unknown metric or attribute, or needs an input not given.

    Examples
    --------
    >>> import fairness_widgets as fw
    >>> df = fw.datasets.load_adult("test")
    >>> audit = fw.Audit(df["label"], y_pred=df["education_num"] >= 13, sensitive=df[["sex"]])
    >>> rule = {"metric": "disparate_impact_ratio", "attribute": "sex", "min": 0.85, "use": "ci_low"}
    >>> verdict = fw.gate({"rule": [rule]}, audit=audit)
    >>> verdict.passed, verdict.exit_code
    (False, 1)
    >>> verdict.rules[["attribute", "use", "value", "operator", "threshold", "passed"]].round(3)
      attribute     use  value operator  threshold  passed
    0       sex  ci_low  0.833       >=       0.85   False
    """
    if not isinstance(policy, Policy):
        policy = Policy.from_dict(policy) if isinstance(policy, Mapping) else Policy.read(policy)
    table = _disparities(policy, audit)
    rows: list[dict[str, Any]] = []
    for rule in policy.rules:
        if isinstance(rule, MetricRule):
            assert table is not None
            rows += _metric_rows(rule, table, policy.confidence)
        elif isinstance(rule, CardRule):
            rows.append(_card_row(rule, card))
        else:
            rows.append(_explanations_row(rule, explanations))
    return Verdict(pd.DataFrame(rows, columns=COLUMNS), {"path": policy.source, "sha256": policy.sha256})


def _disparities(policy: Policy, audit: Audit | None) -> pd.DataFrame | None:
    needing = [rule.name for rule in policy.rules if isinstance(rule, MetricRule)]
    if not needing:
        return None
    if audit is None:
        raise PolicyError(f"Rules {needing} judge an audit; pass audit= (command line: --audit audit.json).")
    try:
        return audit.disparities(reference=policy.reference or None, confidence=policy.confidence)
    except ValueError as error:
        raise PolicyError(f"policy {policy.source} [disparities]: {error}") from error


def _matching(rule: MetricRule, table: pd.DataFrame) -> pd.DataFrame:
    measures = list(dict.fromkeys(table["measure"]))
    if rule.metric not in measures:
        raise PolicyError(
            f"{rule.name}: unknown metric {rule.metric!r}; valid choices are {', '.join(measures)}."
        )
    rows = table[table["measure"] == rule.metric]
    if rule.versus is not None:
        against_reference = rows["versus"].str.startswith("others vs ")
        rows = rows[against_reference if rule.versus == "reference" else ~against_reference]
        if rows.empty:
            raise PolicyError(
                f"{rule.name}: {rule.metric!r} has no {rule.versus!r} version; leave versus out for it."
            )
    if rule.attributes is None:
        return rows
    available = list(dict.fromkeys(rows["attribute"]))
    chosen = []
    for wanted in rule.attributes:
        found = [name for name in available if set(name.split(CROSS)) == set(wanted.split(CROSS))]
        if not found:
            raise PolicyError(
                f"{rule.name}: unknown attribute {wanted!r} for {rule.metric!r}; valid choices are "
                f'{", ".join(repr(name) for name in available)} or "*".'
            )
        chosen.append(found[0])
    return rows[rows["attribute"].isin(chosen)]


def _metric_rows(rule: MetricRule, table: pd.DataFrame, confidence: float) -> list[dict[str, Any]]:
    rows = []
    for record in _matching(rule, table).to_dict(orient="records"):
        value = float(record[rule.use])
        interval = f"{record['value']:.4g} [{record['ci_low']:.4g}, {record['ci_high']:.4g}]"
        context = f"{record['versus']}; value {interval} ({confidence:.0%} interval)"
        for operator, threshold in ((">=", rule.minimum), ("<=", rule.maximum)):
            if threshold is None:
                continue
            if math.isnan(value):
                passed, detail = (
                    False,
                    f"{_USE_TEXT[rule.use]} undefined (too few people measured); {context}",
                )
            else:
                passed = value >= threshold if operator == ">=" else value <= threshold
                side = (
                    "" if passed else ("below the minimum; " if operator == ">=" else "above the maximum; ")
                )
                detail = side + context
            rows.append(
                {
                    "rule": rule.name,
                    "attribute": record["attribute"],
                    "metric": rule.metric,
                    "use": rule.use,
                    "value": value,
                    "threshold": threshold,
                    "operator": operator,
                    "passed": passed,
                    "detail": detail,
                }
            )
    return rows


def _missing_fields(found: Any) -> list[str]:
    if isinstance(found, pd.DataFrame):
        column = "field" if "field" in found.columns else found.columns[0] if len(found.columns) else None
        return [] if column is None else [str(name) for name in found[column]]
    if isinstance(found, (list, tuple)):
        return [_field_name(item) for item in found]
    raise TypeError(
        f"card.check() returned {type(found).__name__}; expected a list or DataFrame of missing fields."
    )


def _field_name(item: Any) -> str:
    """A missing field's name: a string, or a mapping's or an object's ``field``."""
    if isinstance(item, Mapping):
        return str(item.get("field", item))
    return str(getattr(item, "field", item))


def _card_row(rule: CardRule, card: Any) -> dict[str, Any]:
    if card is None:
        raise PolicyError(f"{rule.name} judges a model card; pass card= (command line: --card card.json).")
    if not callable(getattr(card, "check", None)):
        raise TypeError(
            f"card= must have a check(profile) method, as fw.ModelCard; got {type(card).__name__}."
        )
    try:
        missing = _missing_fields(card.check(rule.profile))
    except (ValueError, KeyError) as error:
        raise PolicyError(f"{rule.name}: card_complete = {rule.profile!r}: {error}") from error
    shown = ", ".join(missing[:5]) + (f" (+{len(missing) - 5} more)" if len(missing) > 5 else "")
    return {
        "rule": rule.name,
        "attribute": "",
        "metric": f"card_missing_fields:{rule.profile}",
        "use": "value",
        "value": float(len(missing)),
        "threshold": 0.0,
        "operator": "<=",
        "passed": not missing,
        "detail": f"missing: {shown}" if missing else f"complete for profile {rule.profile!r}",
    }


def _explanations_row(rule: ExplanationsRule, explanations: Any) -> dict[str, Any]:
    count = len(explanations) if isinstance(explanations, Sized) else int(explanations is not None)
    return {
        "rule": rule.name,
        "attribute": "",
        "metric": "explanations",
        "use": "value",
        "value": float(count),
        "threshold": 1.0,
        "operator": ">=",
        "passed": count >= 1,
        "detail": f"{count} explanations recorded"
        if count
        else "no explanations recorded; pass explanations=",
    }
