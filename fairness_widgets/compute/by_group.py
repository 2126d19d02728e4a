"""Per-group metric tables with Wilson intervals, computed from confusion counts."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from fairness_widgets.compute.counts import confusion_counts
from fairness_widgets.compute.inputs import ClassifierInputs
from fairness_widgets.compute.intervals import wilson_interval
from fairness_widgets.compute.metrics import METRICS, Counts, check_metric

#: A rate measured on fewer people than this is flagged: its interval is wide.
MIN_GROUP_SIZE = 30

COLUMNS = ["attribute", "group", "metric", "value", "ci_low", "ci_high", "n", "group_size", "small"]


def group_metrics(
    inputs: ClassifierInputs,
    metrics: Sequence[str] | None = None,
    *,
    min_group_size: int = MIN_GROUP_SIZE,
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Tidy table of each metric for each group of each sensitive attribute.

    One row per (attribute, group, metric) with ``value``, the Wilson interval
    ``ci_low``/``ci_high`` for rates, ``n`` (the people the metric is about, e.g. the
    actual positives for the true positive rate), ``group_size`` and ``small`` (True
    when ``n < min_group_size``: a true positive rate on 7 positives is flagged even in
    a group of 119 people). Small groups are kept and flagged, never dropped. A rate
    whose ``n`` is 0 is NaN (undefined), not 0.

    Examples
    --------
    >>> from fairness_widgets.compute import prepare_inputs
    >>> inputs = prepare_inputs([0, 1, 1, 0], y_pred=[0, 1, 0, 0],
    ...                         sensitive={"sex": ["f", "f", "m", "m"]})
    >>> group_metrics(inputs, ["selection_rate"])[["group", "value", "n"]]
      group  value  n
    0     f    0.5  2
    1     m    0.0  2
    """
    chosen = [check_metric(key) for key in (metrics or list(METRICS))]
    frames = []
    for attribute in inputs.attributes:
        matrix = confusion_counts(attribute.codes, attribute.n_groups, inputs.y_true, inputs.y_pred)
        counts = Counts.from_matrix(matrix)
        group_size = counts.total
        for metric in chosen:
            n = metric.denominator(counts)
            if metric.numerator is None:
                value = n.astype(np.float64)
                low = high = np.full(len(n), np.nan)
            else:
                successes = metric.numerator(counts)
                with np.errstate(divide="ignore", invalid="ignore"):
                    value = np.where(n > 0, successes / n, np.nan)
                low, high = wilson_interval(successes, n, confidence)
            frames.append(
                pd.DataFrame(
                    {
                        "attribute": attribute.name,
                        "group": list(attribute.levels),
                        "metric": metric.key,
                        "value": value,
                        "ci_low": low,
                        "ci_high": high,
                        "n": n,
                        "group_size": group_size,
                        "small": n < min_group_size,
                    }
                )
            )
    return pd.concat(frames, ignore_index=True)[COLUMNS]


def overall_metrics(inputs: ClassifierInputs, metrics: Sequence[str] | None = None) -> dict[str, float]:
    """Each metric over all rows together (the reference line of the charts)."""
    everyone = np.zeros(inputs.n_rows, dtype=np.intp)
    counts = Counts.from_matrix(confusion_counts(everyone, 1, inputs.y_true, inputs.y_pred))
    result = {}
    for key in metrics or list(METRICS):
        metric = check_metric(key)
        n = metric.denominator(counts)
        if metric.numerator is None:
            result[key] = float(n[0])
        else:
            result[key] = float(metric.numerator(counts)[0] / n[0]) if n[0] > 0 else float("nan")
    return result
