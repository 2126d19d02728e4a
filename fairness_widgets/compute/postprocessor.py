"""Apply a chosen trade-off point to new scores: per-group thresholds, sklearn-style."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from fairness_widgets.compute.groups import CROSS, sensitive_columns
from fairness_widgets.compute.labels import probabilities


@dataclass(frozen=True)
class GroupThresholds:
    """Per-group thresholds, each used with a probability (1 unless randomised).

    ``rules[group]`` lists ``(threshold, weight)``: a person of ``group`` is predicted
    positive when their score is ``>=`` a threshold drawn with those weights. With one
    threshold per group the rule is deterministic. ``tolerance``: scores this far below a
    threshold count as on it (thresholds found in histogram mode are bin edges, and a
    score on an edge, 0.305 against 3050 * 1e-4 = 0.30500000000000005, belongs to the bin
    it starts, as in the audit).

    Examples
    --------
    >>> rule = GroupThresholds("sex", {"f": ((0.4, 1.0),), "m": ((0.6, 0.5), (0.5, 0.5))})
    >>> rule.positive_probability([0.45, 0.55, 0.7], {"sex": ["f", "m", "m"]}).tolist()
    [1.0, 0.5, 1.0]
    """

    attribute: str
    rules: dict[str, tuple[tuple[float, float], ...]]
    tolerance: float = 0.0

    @property
    def randomised(self) -> bool:
        return any(len(rule) > 1 for rule in self.rules.values())

    def _groups(self, sensitive: Any, n: int) -> NDArray[np.object_]:
        columns = sensitive_columns(sensitive)
        names = self.attribute.split(CROSS)
        missing = [name for name in names if name not in columns]
        if missing:
            raise ValueError(
                f"sensitive must hold the column(s) {names} of {self.attribute!r}; missing {missing}."
            )
        labels = columns[names[0]].astype(str).to_numpy(dtype=object)
        for name in names[1:]:
            labels = labels + CROSS + columns[name].astype(str).to_numpy(dtype=object)
        if len(labels) != n:
            raise ValueError(f"y_score has {n:,} rows but sensitive has {len(labels):,}; pass the same rows.")
        unknown = sorted(set(labels) - set(self.rules))
        if unknown:
            raise ValueError(
                f"Group(s) {unknown[:5]} of {self.attribute!r} have no threshold; the rule knows "
                f"{sorted(self.rules)}."
            )
        return labels

    def positive_probability(self, y_score: Any, sensitive: Any) -> NDArray[np.float64]:
        """Each person's probability of a positive prediction (deterministic)."""
        score = probabilities(y_score)
        groups = self._groups(sensitive, len(score))
        result = np.zeros(len(score))
        for group, rule in self.rules.items():
            rows = groups == group
            for threshold, weight in rule:
                result[rows] += weight * (score[rows] >= threshold - self.tolerance)
        return result

    def predict(self, y_score: Any, sensitive: Any, *, random_state: int | None = None) -> NDArray[np.int8]:
        """0/1 predictions; randomised rules draw one threshold per person (seeded)."""
        score = probabilities(y_score)
        groups = self._groups(sensitive, len(score))
        draw = np.random.default_rng(random_state).random(len(score))
        predicted = np.zeros(len(score), dtype=np.int8)
        for group, rule in self.rules.items():
            rows = np.flatnonzero(groups == group)
            bounds = np.cumsum([weight for _, weight in rule])
            pick = np.minimum(np.searchsorted(bounds, draw[rows], side="right"), len(rule) - 1)
            thresholds = np.array([threshold for threshold, _ in rule])[pick]
            predicted[rows] = score[rows] >= thresholds - self.tolerance
        return predicted

    def to_frame(self) -> pd.DataFrame:
        """The rule as a table (for a model card): group, threshold, weight."""
        return pd.DataFrame(
            [
                {"attribute": self.attribute, "group": group, "threshold": threshold, "weight": weight}
                for group, rule in self.rules.items()
                for threshold, weight in rule
            ]
        )
