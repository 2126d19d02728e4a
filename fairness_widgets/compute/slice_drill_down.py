"""One slice against the rest on every metric, from two rows of confusion counts."""

from __future__ import annotations

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from fairness_widgets.compute.intervals import wilson_interval
from fairness_widgets.compute.metrics import COUNT_METRICS, METRICS, Counts
from fairness_widgets.compute.slice_statistics import fisher_p_value, newcombe_interval

COLUMNS = [
    "metric",
    "label",
    "value",
    "ci_low",
    "ci_high",
    "n",
    "rest_value",
    "rest_ci_low",
    "rest_ci_high",
    "rest_n",
    "difference",
    "difference_ci_low",
    "difference_ci_high",
    "p_value",
]


def drill_down_table(inside: NDArray[np.int64], rest: NDArray[np.int64], confidence: float) -> pd.DataFrame:
    """Each metric that needs no scores, in a slice (counts ``inside``) and in the rest.

    Rates get Wilson intervals, their difference a Newcombe interval and a two-sided
    Fisher p-value; F1 and balanced accuracy their values only; ``count`` the sizes.

    Examples
    --------
    >>> table = drill_down_table(np.array([40, 10, 20, 30]), np.array([400, 50, 100, 450]), 0.95)
    >>> table.set_index("metric").loc["accuracy", ["value", "rest_value", "difference"]].round(3).tolist()
    [0.7, 0.85, -0.15]
    """
    both = Counts.from_matrix(np.stack([inside, rest]).astype(np.int64))
    nan = float("nan")
    rows = []
    for key in COUNT_METRICS:
        metric = METRICS[key]
        values = metric.values(both)
        n = metric.denominator(both)
        row = {"metric": key, "label": metric.label, "value": values[0], "n": int(n[0])}
        row |= {"rest_value": values[1], "rest_n": int(n[1]), "difference": values[0] - values[1]}
        row |= dict.fromkeys(["ci_low", "ci_high", "rest_ci_low", "rest_ci_high"], nan)
        row |= dict.fromkeys(["difference_ci_low", "difference_ci_high", "p_value"], nan)
        if metric.kind == "count":
            row["difference"] = nan
        if metric.kind == "rate" and metric.numerator is not None:
            k = metric.numerator(both)
            low, high = wilson_interval(k, n, confidence)
            row |= {"ci_low": low[0], "ci_high": high[0], "rest_ci_low": low[1], "rest_ci_high": high[1]}
            d_low, d_high = newcombe_interval(k[:1], n[:1], k[1:], n[1:], confidence)
            row |= {"difference_ci_low": d_low[0], "difference_ci_high": d_high[0]}
            if n[0] > 0 and n[1] > 0:
                total_k, total_n = int(k.sum()), int(n.sum())
                row["p_value"] = float(fisher_p_value(k[:1], n[:1], total_k, total_n, "either")[0])
        rows.append(row)
    return pd.DataFrame(rows, columns=COLUMNS)
