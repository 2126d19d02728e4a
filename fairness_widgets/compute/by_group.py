"""Per-group metric tables with intervals, computed from the cells."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from fairness_widgets.compute.bootstrap import DEFAULT_BOOTSTRAP, percentile_interval, resample_counts
from fairness_widgets.compute.cells import Cells
from fairness_widgets.compute.groups import Attribute
from fairness_widgets.compute.intervals import wilson_interval
from fairness_widgets.compute.metrics import Counts, Metric
from fairness_widgets.compute.score_metrics import auc_by_group, ece_by_group
from fairness_widgets.compute.views import confusion

#: A metric measured on fewer people than this is flagged: its interval is wide.
MIN_GROUP_SIZE = 30

COLUMNS = ["attribute", "group", "metric", "value", "ci_low", "ci_high", "n", "group_size", "small"]


def _values_and_interval(
    metric: Metric,
    counts: Counts,
    view: Attribute,
    cells: Cells,
    *,
    replicates: Counts | None,
    confidence: float,
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    nan = np.full(view.n_groups, np.nan)
    if metric.kind == "score":
        values = auc_by_group(view, cells) if metric.key == "auc" else ece_by_group(view, cells)
        return values, nan, nan
    values = metric.values(counts)
    if metric.kind == "rate" and metric.numerator is not None:
        low, high = wilson_interval(metric.numerator(counts), metric.denominator(counts), confidence)
        return values, low, high
    if metric.kind == "derived" and replicates is not None:
        low, high = percentile_interval(metric.values(replicates), confidence)
        return values, low, high
    return values, nan, nan


def group_table(
    cells: Cells,
    views: Sequence[Attribute],
    metrics: Sequence[Metric],
    *,
    threshold: float | None = None,
    min_group_size: int = MIN_GROUP_SIZE,
    confidence: float = 0.95,
    n_boot: int = DEFAULT_BOOTSTRAP,
    seed: int | None = 0,
) -> pd.DataFrame:
    """Tidy table: one row per (view, group, metric); see :meth:`Audit.by_group`."""
    columns: dict[str, list[NDArray[np.generic]]] = {name: [] for name in COLUMNS}
    needs_bootstrap = any(metric.kind == "derived" for metric in metrics)
    for view in views:
        matrix = confusion(view, cells, threshold)
        counts = Counts.from_matrix(matrix)
        replicates = Counts.from_matrix(resample_counts(matrix, n_boot, seed)) if needs_bootstrap else None
        group_size = counts.total
        levels = np.asarray(view.levels, dtype=object)
        for metric in metrics:
            values, low, high = _values_and_interval(
                metric, counts, view, cells, replicates=replicates, confidence=confidence
            )
            n = metric.denominator(counts)
            columns["attribute"].append(np.full(view.n_groups, view.name, dtype=object))
            columns["group"].append(levels)
            columns["metric"].append(np.full(view.n_groups, metric.key, dtype=object))
            columns["value"].append(values)
            columns["ci_low"].append(low)
            columns["ci_high"].append(high)
            columns["n"].append(n)
            columns["group_size"].append(group_size)
            columns["small"].append(n < min_group_size)
    return pd.DataFrame({name: np.concatenate(parts) for name, parts in columns.items()})
