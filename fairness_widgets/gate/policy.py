"""A gate policy: rules read from TOML and checked strictly before anything is judged.

.. code-block:: toml

    [disparities]                      # optional: how the audit's disparities are computed
    reference = { sex = "Male" }       # reference group per column (default: the largest)
    confidence = 0.95                  # level of the intervals

    [[rule]]
    name = "four-fifths"               # optional; shown in the verdict
    metric = "disparate_impact_ratio"  # a measure of audit.disparities()
    attribute = "*"                    # a view ("sex", "sex × race"), a list, or "*" for all
    min = 0.8                          # and/or max = ...
    use = "ci_low"                     # "value" (default), "ci_low" or "ci_high"

    [[rule]]
    card_complete = "eu-ai-act-high-risk"   # the card has every field this profile requires

    [[rule]]
    explanations = true                # explanations by group were recorded
"""

from __future__ import annotations

import hashlib
import math
import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

if sys.version_info >= (3, 11):
    import tomllib
else:  # Python 3.10: the same parser from PyPI
    import tomli as tomllib

Use = Literal["value", "ci_low", "ci_high"]
Versus = Literal["between", "reference"]

USES: tuple[str, ...] = ("value", "ci_low", "ci_high")
VERSUS: tuple[str, ...] = ("between", "reference")
TOP_KEYS = ("version", "disparities", "rule")
DISPARITY_KEYS = ("reference", "confidence")
METRIC_KEYS = ("name", "metric", "attribute", "min", "max", "use", "versus")
CARD_KEYS = ("name", "card_complete")
EXPLANATION_KEYS = ("name", "explanations")
KINDS = ("metric", "card_complete", "explanations")


class PolicyError(ValueError):
    """A policy that cannot be judged: unknown keys, metrics or attributes, bad values."""


@dataclass(frozen=True)
class MetricRule:
    """``metric`` of ``attributes`` (None: every one) within ``[minimum, maximum]``."""

    name: str
    metric: str
    attributes: tuple[str, ...] | None
    minimum: float | None
    maximum: float | None
    use: Use = "value"
    versus: Versus | None = None


@dataclass(frozen=True)
class CardRule:
    """The model card has every field the completeness ``profile`` requires."""

    name: str
    profile: str


@dataclass(frozen=True)
class ExplanationsRule:
    """Explanations were recorded."""

    name: str


Rule = MetricRule | CardRule | ExplanationsRule


@dataclass(frozen=True)
class Policy:
    """Rules, and how to compute the disparities they judge.

    Examples
    --------
    >>> policy = Policy.from_dict({"rule": [{"metric": "equalized_odds_difference", "max": 0.1}]})
    >>> rule = policy.rules[0]
    >>> rule.name, rule.metric, rule.attributes, rule.maximum, rule.use
    ('rule 1', 'equalized_odds_difference', None, 0.1, 'value')
    """

    rules: tuple[Rule, ...]
    reference: dict[str, str] = field(default_factory=dict)
    confidence: float = 0.95
    source: str = "<dict>"
    sha256: str | None = None

    @classmethod
    def read(cls, path: str | os.PathLike[str]) -> Policy:
        """Read a TOML policy file."""
        path = Path(path)
        try:
            raw = path.read_bytes()
        except OSError as error:
            raise PolicyError(f"Cannot read the policy {path}: {error.strerror or error}.") from error
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as error:
            raise PolicyError(f"{path} is not UTF-8 text: {error}.") from error
        return cls.from_toml(text, source=str(path))

    @classmethod
    def from_toml(cls, text: str, *, source: str = "<toml>") -> Policy:
        """Read a policy from TOML text (``sha256`` is the hash of its UTF-8 bytes)."""
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as error:
            raise PolicyError(f"{source} is not valid TOML: {error}.") from error
        return cls.from_dict(data, source=source, sha256=hashlib.sha256(text.encode()).hexdigest())

    @classmethod
    def from_dict(
        cls, data: Mapping[str, Any], *, source: str = "<dict>", sha256: str | None = None
    ) -> Policy:
        """Check a parsed policy (as from TOML) and build it."""
        where = f"policy {source}"
        _known(data, TOP_KEYS, where)
        if data.get("version", 1) != 1:
            raise PolicyError(f"{where}: version {data['version']!r} is not supported; use version = 1.")
        settings = data.get("disparities", {})
        if not isinstance(settings, Mapping):
            raise PolicyError(f"{where}: [disparities] must be a table with keys {list(DISPARITY_KEYS)}.")
        _known(settings, DISPARITY_KEYS, f"{where} [disparities]")
        reference = settings.get("reference", {})
        if not isinstance(reference, Mapping) or not all(
            isinstance(value, str) for value in reference.values()
        ):
            raise PolicyError(
                f'{where} [disparities]: reference must map columns to groups, e.g. {{ sex = "Male" }}.'
            )
        confidence = settings.get("confidence", 0.95)
        if not _number(confidence) or not 0 < confidence < 1:
            raise PolicyError(
                f"{where} [disparities]: confidence must be in (0, 1), e.g. 0.95; got {confidence!r}."
            )
        rules = data.get("rule")
        if not isinstance(rules, list) or not rules:
            raise PolicyError(f"{where} has no rules; add at least one [[rule]] table.")
        parsed = tuple(_rule(rule, index, where) for index, rule in enumerate(rules, start=1))
        return cls(parsed, dict(reference), float(confidence), source, sha256)


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _known(table: Mapping[str, Any], allowed: tuple[str, ...], where: str) -> None:
    unknown = [key for key in table if key not in allowed]
    if unknown:
        raise PolicyError(f"{where}: unknown key {unknown[0]!r}; valid keys are {', '.join(allowed)}.")


def _rule(table: Any, index: int, where: str) -> Rule:
    where = f"{where} rule {index}"
    if not isinstance(table, Mapping):
        raise PolicyError(f"{where} must be a table ([[rule]]), got {table!r}.")
    kinds = [kind for kind in KINDS if kind in table]
    if len(kinds) != 1:
        found = f"it has {kinds}" if kinds else "it has none"
        raise PolicyError(f"{where}: a rule has exactly one of {', '.join(KINDS)}; {found}.")
    name = table.get("name", f"rule {index}")
    if not isinstance(name, str) or not name:
        raise PolicyError(f"{where}: name must be a non-empty string.")
    if kinds[0] == "card_complete":
        _known(table, CARD_KEYS, where)
        profile = table["card_complete"]
        if not isinstance(profile, str) or not profile:
            raise PolicyError(f'{where}: card_complete names a completeness profile, e.g. "minimal".')
        return CardRule(name, profile)
    if kinds[0] == "explanations":
        _known(table, EXPLANATION_KEYS, where)
        if table["explanations"] is not True:
            raise PolicyError(f"{where}: explanations must be true (leave the rule out to not require them).")
        return ExplanationsRule(name)
    return _metric_rule(table, name, where)


def _metric_rule(table: Mapping[str, Any], name: str, where: str) -> MetricRule:
    _known(table, METRIC_KEYS, where)
    metric = table["metric"]
    if not isinstance(metric, str) or not metric:
        raise PolicyError(
            f'{where}: metric names a measure of audit.disparities(), e.g. "disparate_impact_ratio".'
        )
    attribute = table.get("attribute", "*")
    if attribute == "*":
        attributes = None
    elif isinstance(attribute, str) and attribute:
        attributes = (attribute,)
    elif isinstance(attribute, list) and attribute and all(isinstance(item, str) for item in attribute):
        attributes = tuple(attribute)
    else:
        raise PolicyError(
            f'{where}: attribute is a name ("sex"), a list of names, or "*" for every attribute.'
        )
    bounds = {key: table.get(key) for key in ("min", "max")}
    if bounds["min"] is None and bounds["max"] is None:
        raise PolicyError(f"{where}: give a threshold, min = ... and/or max = ....")
    for key, value in bounds.items():
        if value is not None and not _number(value):
            raise PolicyError(f"{where}: {key} must be a number, got {value!r}.")
    use = table.get("use", "value")
    if use not in USES:
        raise PolicyError(f"{where}: unknown use {use!r}; valid choices are {', '.join(USES)}.")
    versus = table.get("versus")
    if versus is not None and versus not in VERSUS:
        raise PolicyError(f"{where}: unknown versus {versus!r}; valid choices are {', '.join(VERSUS)}.")
    minimum, maximum = bounds["min"], bounds["max"]
    return MetricRule(
        name,
        metric,
        attributes,
        None if minimum is None else float(minimum),
        None if maximum is None else float(maximum),
        use,
        versus,
    )
