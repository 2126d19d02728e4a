"""The sufficient statistics of an audit: counts per (groups, label, prediction, score).

Every row-level pass (numpy, pandas, polars, DuckDB, Dask, Spark) ends in a
:class:`Cells` table. It is small (groups x 2 x 2 x score levels, whatever the number of
rows) and mergeable, and every metric at every threshold is computed from it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
from numpy.typing import NDArray

from fairness_widgets.compute.labels import check_threshold

#: Default width of a score bin in histogram mode: thresholds, AUC and calibration are
#: exact up to this resolution; the audit threshold itself is always exact.
DEFAULT_RESOLUTION = 1e-4

#: Added to ``score / resolution`` before flooring, so that a score on a bin edge (0.3 with
#: bins of 1e-4, where 0.3 / 1e-4 == 2999.9999999999995) falls in the bin it starts. Scores
#: within 1e-9 of a bin width below an edge count as on it.
EDGE_TOLERANCE = 1e-9


@dataclass(frozen=True)
class Cells:
    """Counts of rows per distinct (sensitive values, y_true, y_pred, score level).

    The in-memory builder returns the cells in ascending score order (trade-offs read them
    in one pass); cells from a dataframe engine may come in any order.

    Attributes
    ----------
    names : tuple of str
        The sensitive columns, in the order given.
    levels : tuple of tuple of str
        Group names of each sensitive column.
    codes : ndarray of intp, shape (n_cells, n_columns)
        Index into ``levels`` of each cell's group, per sensitive column.
    y_true, y_pred : ndarray of int8, shape (n_cells,)
        Label and prediction (at the audit threshold) of each cell, 0/1.
    score : ndarray of float64 or None
        The score level: the exact score (``resolution`` None) or the lower edge of the
        score bin. None when the audit was given hard predictions only.
    score_sum : ndarray of float64 or None
        Sum of the scores in the cell (exact mean score per cell for calibration).
    count : ndarray of int64
        Rows in the cell.
    threshold : float or None
        The audit threshold (None for hard predictions).
    resolution : float or None
        Bin width of ``score``; None means exact scores.
    """

    names: tuple[str, ...]
    levels: tuple[tuple[str, ...], ...]
    codes: NDArray[np.intp]
    y_true: NDArray[np.int8]
    y_pred: NDArray[np.int8]
    score: NDArray[np.float64] | None
    score_sum: NDArray[np.float64] | None
    count: NDArray[np.int64]
    threshold: float | None
    resolution: float | None

    @cached_property
    def n_rows(self) -> int:
        return int(self.count.sum())

    @cached_property
    def n_positives(self) -> int:
        """Rows whose label is 1 (worked out once: each trade-off asks)."""
        return int(np.dot(self.count, self.y_true))

    @property
    def has_scores(self) -> bool:
        return self.score is not None

    def predictions_at(self, threshold: float | None) -> NDArray[np.int8]:
        """Each cell's prediction at ``threshold`` (the audit's own when None).

        Exact in exact-score mode. In histogram mode a threshold on a bin edge is exact and
        one inside a bin is rounded to the nearest edge (error at most half a bin).
        """
        if threshold is None or threshold == self.threshold:
            return self.y_pred
        if self.score is None:
            raise ValueError(
                "This audit was given hard predictions (y_pred=), so it has no scores to "
                "threshold. Build it with y_score= to evaluate other thresholds."
            )
        check_threshold(threshold)
        if self.resolution is None:
            return np.asarray(self.score >= threshold, dtype=np.int8)
        # Bins lie wholly on one side of a threshold on a bin edge; round to the nearest.
        edge = np.round(threshold / self.resolution) * self.resolution
        return np.asarray(self.score >= edge - self.resolution / 2, dtype=np.int8)
