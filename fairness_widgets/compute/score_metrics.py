"""Metrics that need the scores: ROC AUC and calibration, per group, from the cells."""

from __future__ import annotations

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from fairness_widgets.compute.cells import EDGE_TOLERANCE, Cells
from fairness_widgets.compute.groups import Attribute
from fairness_widgets.compute.metrics import safe_divide

#: Equal-width reliability bins used for the calibration error.
CALIBRATION_BINS = 10


def _require_scores(cells: Cells) -> NDArray[np.float64]:
    if cells.score is None:
        raise ValueError(
            "AUC and calibration need scores; this audit was given hard predictions. "
            "Build it with y_score= (e.g. model.predict_proba(X)[:, 1])."
        )
    return cells.score


def auc_by_group(view: Attribute, cells: Cells) -> NDArray[np.float64]:
    """ROC AUC of each group; ties count one half, as in ``sklearn.metrics.roc_auc_score``.

    Exact for exact scores; in histogram mode scores within one bin count as ties.
    NaN for a group without both classes.
    """
    score = _require_scores(cells)
    # Positives and negatives per (group, score level), in increasing score order.
    levels, position = np.unique(score, return_inverse=True)
    key = view.codes * len(levels) + position
    size = view.n_groups * len(levels)
    positives = np.bincount(key, cells.count * cells.y_true, size).reshape(view.n_groups, -1)
    negatives = np.bincount(key, cells.count * (1 - cells.y_true), size).reshape(view.n_groups, -1)
    # For each level: negatives there x (positives above it + half the positives tied).
    positives_above = positives[:, ::-1].cumsum(axis=1)[:, ::-1] - positives
    concordant = (negatives * (positives_above + 0.5 * positives)).sum(axis=1)
    return safe_divide(concordant, positives.sum(axis=1) * negatives.sum(axis=1))


def _calibration_bin(score: NDArray[np.float64], n_bins: int) -> NDArray[np.intp]:
    """Reliability bin of each cell, from its score level (exact score or bin edge).

    Not from the mean of the cell's scores: three scores of 0.7 sum to 2.0999999999999996,
    whose mean would fall in the bin below, differently in each engine.
    """
    return np.clip(np.floor(score * n_bins + EDGE_TOLERANCE).astype(np.intp), 0, n_bins - 1)


def calibration_table(view: Attribute, cells: Cells, n_bins: int = CALIBRATION_BINS) -> pd.DataFrame:
    """Reliability diagram data: per group and score bin, the mean score and observed rate.

    Bins are ``[0, 1/n_bins), [1/n_bins, 2/n_bins), ... , [.., 1]``.
    """
    _require_scores(cells)
    assert cells.score_sum is not None
    key = view.codes * n_bins + _calibration_bin(_require_scores(cells), n_bins)
    size = view.n_groups * n_bins
    count = np.bincount(key, cells.count, size)
    positives = np.bincount(key, cells.count * cells.y_true, size)
    score_sum = np.bincount(key, cells.score_sum, size)
    group, bin_index = np.divmod(np.arange(size), n_bins)
    frame = pd.DataFrame(
        {
            "attribute": view.name,
            "group": np.asarray(view.levels, dtype=object)[group],
            "bin": bin_index,
            "bin_low": bin_index / n_bins,
            "bin_high": (bin_index + 1) / n_bins,
            "mean_score": safe_divide(score_sum, count),
            "observed_rate": safe_divide(positives, count),
            "n": count.astype(np.int64),
        }
    )
    return frame[frame["n"] > 0].reset_index(drop=True)


def ece_by_group(view: Attribute, cells: Cells, n_bins: int = CALIBRATION_BINS) -> NDArray[np.float64]:
    """Expected calibration error per group: sum over bins of n_bin / n x |observed - mean score|."""
    table = calibration_table(view, cells, n_bins)
    gap = (table["observed_rate"] - table["mean_score"]).abs() * table["n"]
    by_group = gap.groupby(table["group"], sort=False).sum() / table.groupby("group", sort=False)["n"].sum()
    return by_group.reindex(list(view.levels)).to_numpy(dtype=np.float64)
