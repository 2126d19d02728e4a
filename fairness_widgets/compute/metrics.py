"""The registry of group metrics, each a function of confusion counts.

Adding a metric is one entry in :data:`METRICS`. Keys follow fairlearn's names
(``selection_rate``, ``true_positive_rate``, ...) so that fairlearn users feel at home.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal, NamedTuple

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.int64]

#: Order of the four confusion counts along the last axis of every count array.
CELLS = ("tn", "fp", "fn", "tp")


class Counts(NamedTuple):
    """Confusion counts, one entry per group."""

    tn: Array
    fp: Array
    fn: Array
    tp: Array

    @classmethod
    def from_matrix(cls, matrix: Array) -> Counts:
        """Split a ``(..., 4)`` array (last axis: :data:`CELLS`) into its four counts."""
        return cls(*(matrix[..., CELLS.index(cell)] for cell in CELLS))

    @property
    def total(self) -> Array:
        return self.tn + self.fp + self.fn + self.tp


MetricKind = Literal["count", "rate", "derived", "score"]


@dataclass(frozen=True)
class Metric:
    """A group metric computed from confusion counts (or, for ``score``, score counts).

    Attributes
    ----------
    key : str
        Identifier (fairlearn's / scikit-learn's name where they have the metric).
    label : str
        Short human name for charts and tables.
    description : str
        One sentence a newcomer understands.
    kind : {"count", "rate", "derived", "score"}
        ``rate``: ``numerator / denominator`` of counts, with a Wilson interval.
        ``count``: the denominator itself. ``derived``: ``formula(counts)``, with a
        bootstrap interval. ``score``: needs the scores (AUC, calibration error).
    denominator : callable
        Counts -> the number of people the metric is about (its ``n``).
    numerator : callable or None
        For rates: counts -> the "successes" among them.
    formula : callable or None
        For derived metrics: counts -> values (NaN where undefined).
    """

    key: str
    label: str
    description: str
    kind: MetricKind
    denominator: Callable[[Counts], Array]
    numerator: Callable[[Counts], Array] | None = None
    formula: Callable[[Counts], NDArray[np.float64]] | None = None

    @property
    def is_rate(self) -> bool:
        """Values in [0, 1] that read as percentages (rates, derived and score metrics)."""
        return self.kind != "count"

    def values(self, counts: Counts) -> NDArray[np.float64]:
        """The metric for each group of ``counts`` (not for ``score`` metrics)."""
        n = self.denominator(counts)
        if self.kind == "count":
            return n.astype(np.float64)
        if self.kind == "rate" and self.numerator is not None:
            return safe_divide(self.numerator(counts), n)
        if self.kind == "derived" and self.formula is not None:
            return self.formula(counts)
        raise ValueError(f"Metric {self.key!r} needs scores; compute it from the audit's cells.")


def safe_divide(numerator: NDArray[Any], denominator: NDArray[Any]) -> NDArray[np.float64]:
    """``numerator / denominator`` with NaN (undefined), not 0 or inf, where it is 0."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(denominator > 0, numerator / np.where(denominator > 0, denominator, 1), np.nan)


def _rate(
    key: str,
    label: str,
    description: str,
    denominator: Callable[[Counts], Array],
    numerator: Callable[[Counts], Array],
) -> Metric:
    return Metric(key, label, description, "rate", denominator=denominator, numerator=numerator)


def _f1(c: Counts) -> NDArray[np.float64]:
    return safe_divide(2 * c.tp, 2 * c.tp + c.fp + c.fn)


def _balanced_accuracy(c: Counts) -> NDArray[np.float64]:
    return (safe_divide(c.tp, c.tp + c.fn) + safe_divide(c.tn, c.tn + c.fp)) / 2


def _positives(c: Counts) -> Array:
    return c.fn + c.tp


def _negatives(c: Counts) -> Array:
    return c.tn + c.fp


def _predicted_positives(c: Counts) -> Array:
    return c.fp + c.tp


def _predicted_negatives(c: Counts) -> Array:
    return c.tn + c.fn


def _total(c: Counts) -> Array:
    return c.total


def _both_classes(c: Counts) -> Array:
    return np.asarray(np.minimum(c.tn + c.fp, c.fn + c.tp), dtype=np.int64)


METRICS: dict[str, Metric] = {
    metric.key: metric
    for metric in (
        _rate(
            "selection_rate",
            "Selection rate",
            "Share of the group predicted positive (e.g. approved).",
            _total,
            _predicted_positives,
        ),
        _rate(
            "true_positive_rate",
            "True positive rate",
            "Of the group's actual positives, the share predicted positive (recall).",
            _positives,
            lambda c: c.tp,
        ),
        _rate(
            "false_positive_rate",
            "False positive rate",
            "Of the group's actual negatives, the share wrongly predicted positive.",
            _negatives,
            lambda c: c.fp,
        ),
        _rate(
            "false_negative_rate",
            "False negative rate",
            "Of the group's actual positives, the share wrongly predicted negative.",
            _positives,
            lambda c: c.fn,
        ),
        _rate(
            "true_negative_rate",
            "True negative rate",
            "Of the group's actual negatives, the share rightly predicted negative (specificity).",
            _negatives,
            lambda c: c.tn,
        ),
        _rate(
            "accuracy",
            "Accuracy",
            "Share of the group whose prediction equals the true label.",
            _total,
            lambda c: c.tn + c.tp,
        ),
        Metric(
            "balanced_accuracy",
            "Balanced accuracy",
            "Mean of the true positive and true negative rates (undefined without both classes).",
            "derived",
            denominator=_both_classes,
            formula=_balanced_accuracy,
        ),
        _rate(
            "precision",
            "Precision",
            "Of the group's positive predictions, the share that are actual positives (PPV).",
            _predicted_positives,
            lambda c: c.tp,
        ),
        _rate(
            "negative_predictive_value",
            "Negative predictive value",
            "Of the group's negative predictions, the share that are actual negatives.",
            _predicted_negatives,
            lambda c: c.tn,
        ),
        _rate(
            "false_discovery_rate",
            "False discovery rate",
            "Of the group's positive predictions, the share that are actual negatives.",
            _predicted_positives,
            lambda c: c.fp,
        ),
        _rate(
            "false_omission_rate",
            "False omission rate",
            "Of the group's negative predictions, the share that are actual positives.",
            _predicted_negatives,
            lambda c: c.fn,
        ),
        Metric(
            "f1",
            "F1 score",
            "Harmonic mean of precision and recall.",
            "derived",
            denominator=_total,
            formula=_f1,
        ),
        _rate(
            "base_rate", "Base rate", "Share of the group whose true label is positive.", _total, _positives
        ),
        Metric("count", "Count", "Number of people in the group.", "count", denominator=_total),
        Metric(
            "auc",
            "AUC",
            "Chance that a random actual positive scores above a random actual "
            "negative of the group (ROC AUC; needs scores).",
            "score",
            denominator=_both_classes,
        ),
        Metric(
            "ece",
            "Calibration error",
            "Expected calibration error: mean gap between the "
            "predicted probability and the observed rate, over 10 score bins (needs scores).",
            "score",
            denominator=_total,
        ),
    )
}

#: Metrics that need no scores: what an audit from hard predictions offers.
COUNT_METRICS = tuple(key for key, metric in METRICS.items() if metric.kind != "score")


def check_metric(key: str) -> Metric:
    """Return the metric called ``key`` or raise a ValueError listing the valid keys."""
    try:
        return METRICS[key]
    except KeyError:
        raise ValueError(f"Unknown metric {key!r}; choose one of: {', '.join(METRICS)}.") from None
