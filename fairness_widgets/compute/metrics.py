"""The registry of group metrics, each a function of confusion counts.

Adding a metric is one entry in :data:`METRICS`. Keys follow fairlearn's names
(``selection_rate``, ``true_positive_rate``, ...) so that fairlearn users feel at home.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
from numpy.typing import NDArray

from fairness_widgets.compute.counts import CELLS

Array = NDArray[np.int64]


class Counts(NamedTuple):
    """Confusion counts, one entry per group."""

    tn: Array
    fp: Array
    fn: Array
    tp: Array

    @classmethod
    def from_matrix(cls, matrix: Array) -> Counts:
        """Split an ``(n_groups, 4)`` matrix with columns :data:`CELLS`."""
        return cls(*(matrix[:, CELLS.index(cell)] for cell in CELLS))

    @property
    def total(self) -> Array:
        return self.tn + self.fp + self.fn + self.tp


@dataclass(frozen=True)
class Metric:
    """A group metric: ``numerator / denominator`` of counts, or a plain count.

    Attributes
    ----------
    key : str
        Identifier (fairlearn's name where fairlearn has the metric).
    label : str
        Short human name for charts and tables.
    description : str
        One sentence a newcomer understands.
    denominator : callable
        Counts -> the number of people the metric is about.
    numerator : callable or None
        Counts -> the number of those people counted as "successes";
        None for a plain count, whose value is the denominator itself.
    """

    key: str
    label: str
    description: str
    denominator: Callable[[Counts], Array]
    numerator: Callable[[Counts], Array] | None = None

    @property
    def is_rate(self) -> bool:
        return self.numerator is not None


def _metrics(*items: Metric) -> dict[str, Metric]:
    return {item.key: item for item in items}


METRICS: dict[str, Metric] = _metrics(
    Metric(
        "selection_rate",
        "Selection rate",
        "Share of the group predicted positive (e.g. approved).",
        denominator=lambda c: c.total,
        numerator=lambda c: c.fp + c.tp,
    ),
    Metric(
        "true_positive_rate",
        "True positive rate",
        "Of the group's actual positives, the share predicted positive (recall).",
        denominator=lambda c: c.fn + c.tp,
        numerator=lambda c: c.tp,
    ),
    Metric(
        "false_positive_rate",
        "False positive rate",
        "Of the group's actual negatives, the share wrongly predicted positive.",
        denominator=lambda c: c.tn + c.fp,
        numerator=lambda c: c.fp,
    ),
    Metric(
        "false_negative_rate",
        "False negative rate",
        "Of the group's actual positives, the share wrongly predicted negative.",
        denominator=lambda c: c.fn + c.tp,
        numerator=lambda c: c.fn,
    ),
    Metric(
        "accuracy",
        "Accuracy",
        "Share of the group whose prediction equals the true label.",
        denominator=lambda c: c.total,
        numerator=lambda c: c.tn + c.tp,
    ),
    Metric(
        "precision",
        "Precision",
        "Of the group's positive predictions, the share that are actual positives.",
        denominator=lambda c: c.fp + c.tp,
        numerator=lambda c: c.tp,
    ),
    Metric(
        "base_rate",
        "Base rate",
        "Share of the group whose true label is positive.",
        denominator=lambda c: c.total,
        numerator=lambda c: c.fn + c.tp,
    ),
    Metric(
        "count",
        "Count",
        "Number of people in the group.",
        denominator=lambda c: c.total,
    ),
)


def check_metric(key: str) -> Metric:
    """Return the metric called ``key`` or raise a ValueError listing the valid keys."""
    try:
        return METRICS[key]
    except KeyError:
        raise ValueError(f"Unknown metric {key!r}; choose one of: {', '.join(METRICS)}.") from None
