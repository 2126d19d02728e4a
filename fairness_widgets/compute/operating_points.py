"""Every threshold of every group: the operating points a post-processor can choose from.

From the cells, each group's scores are sorted once (descending); lowering the threshold
past one score level at a time adds that level's positives and negatives. Point ``k`` of
a group predicts positive every score ``>= thresholds[k]`` (point 0: no one).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from fairness_widgets.compute.cells import Cells
from fairness_widgets.compute.groups import Attribute


@dataclass(frozen=True)
class GroupCurve:
    """Operating points of one group, from predicting no one to predicting everyone.

    Attributes
    ----------
    group : str
    thresholds : ndarray
        ``thresholds[k]``: predict positive when score >= it; ``inf`` at k = 0.
    tp, fp : ndarray of int64
        True and false positives at each point.
    positives, negatives : int
        Actual positives and negatives of the group.
    """

    group: str
    thresholds: NDArray[np.float64]
    tp: NDArray[np.int64]
    fp: NDArray[np.int64]
    positives: int
    negatives: int

    @property
    def size(self) -> int:
        return self.positives + self.negatives


def group_curves(view: Attribute, cells: Cells) -> list[GroupCurve]:
    """The operating points of each group of ``view`` (needs scores)."""
    if cells.score is None:
        raise ValueError(
            "Trade-offs need scores to move thresholds; this audit was given hard predictions. "
            "Build it with y_score= (e.g. model.predict_proba(X)[:, 1])."
        )
    levels, position = np.unique(cells.score, return_inverse=True)
    key = view.codes * len(levels) + position
    size = view.n_groups * len(levels)
    positives = np.bincount(key, cells.count * cells.y_true, size).reshape(view.n_groups, -1)
    negatives = np.bincount(key, cells.count * (1 - cells.y_true), size).reshape(view.n_groups, -1)
    curves = []
    for group in range(view.n_groups):
        present = np.flatnonzero(positives[group] + negatives[group])[::-1]  # descending score
        tp = np.concatenate([[0], np.cumsum(positives[group][present])]).astype(np.int64)
        fp = np.concatenate([[0], np.cumsum(negatives[group][present])]).astype(np.int64)
        curves.append(
            GroupCurve(
                group=view.levels[group],
                thresholds=np.concatenate([[np.inf], levels[present]]),
                tp=tp,
                fp=fp,
                positives=int(tp[-1]),
                negatives=int(fp[-1]),
            )
        )
    return curves
