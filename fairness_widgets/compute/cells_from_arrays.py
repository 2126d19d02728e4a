"""The in-memory row pass (numpy / pandas inputs): one ``np.bincount`` into :class:`Cells`."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from fairness_widgets.compute.cells import EDGE_TOLERANCE, Cells
from fairness_widgets.compute.groups import drop_empty_levels
from fairness_widgets.compute.inputs import ClassifierInputs

#: Above this many possible keys a dense bincount would waste memory: sort instead.
DENSE_KEYS = 50_000_000


def score_levels(
    score: NDArray[np.float64], resolution: float | None
) -> tuple[NDArray[np.intp], NDArray[np.float64]]:
    """Map each score to a level: exact distinct scores, or bins of width ``resolution``.

    Returns the level index of each row and the score of each level (exact score, or the
    bin's lower edge).
    """
    if resolution is None:
        values, index = np.unique(score, return_inverse=True)
        return index.astype(np.intp), values.astype(np.float64)
    n_bins = int(np.floor(1.0 / resolution)) + 1
    # Multiply by the inverse (as engines such as polars do for a division by a constant)
    # so that every engine computes bit-identical bins.
    index = np.minimum(np.floor(score * (1.0 / resolution) + EDGE_TOLERANCE).astype(np.intp), n_bins - 1)
    return index, np.arange(n_bins, dtype=np.float64) * resolution


def cells_from_inputs(inputs: ClassifierInputs, resolution: float | None) -> Cells:
    """Count rows per (group of every sensitive column, y_true, y_pred, score level)."""
    # Mixed-radix key: score level (most significant, so the cells come out in score
    # order and trade-offs need no sort), the sensitive columns, then label and
    # prediction, built in place: one int64 array is the only row-sized allocation.
    n_levels = 1
    level_scores: NDArray[np.float64] | None = None
    if inputs.score is not None:
        level_index, level_scores = score_levels(inputs.score, resolution)
        n_levels = len(level_scores)
        key = level_index.astype(np.int64, copy=False)
    else:
        key = np.zeros(len(inputs.y_true), dtype=np.int64)
    for attribute in inputs.attributes:
        key *= attribute.n_groups
        key += attribute.codes
    key *= 4
    key += inputs.y_true
    key += inputs.y_true
    key += inputs.y_pred
    n_groups = int(np.prod([a.n_groups for a in inputs.attributes], dtype=np.float64))
    n_keys = n_groups * 4 * n_levels

    if n_keys <= DENSE_KEYS:
        count = np.bincount(key, minlength=n_keys)
        used = np.flatnonzero(count)
        count = count[used]
        score_sum = (
            None if inputs.score is None else np.bincount(key, inputs.score, n_keys)[used].astype(np.float64)
        )
    else:
        used, inverse, count = np.unique(key, return_inverse=True, return_counts=True)
        score_sum = (
            None if inputs.score is None else np.bincount(inverse, inputs.score, len(used)).astype(np.float64)
        )

    rest, cell = np.divmod(used.astype(np.int64), 4)
    codes = np.empty((len(used), len(inputs.attributes)), dtype=np.intp)
    for column in range(len(inputs.attributes) - 1, -1, -1):
        rest, codes[:, column] = np.divmod(rest, inputs.attributes[column].n_groups)
    score = None if level_scores is None else level_scores[rest]
    if score is not None and resolution is None:
        # One score per cell: its sum is exact, whatever order an engine adds in.
        score_sum = score * count
    levels = []
    for column, attribute in enumerate(inputs.attributes):
        kept, codes[:, column] = drop_empty_levels(attribute.name, attribute.levels, codes[:, column])
        levels.append(kept)
    return Cells(
        names=tuple(a.name for a in inputs.attributes),
        levels=tuple(levels),
        codes=codes,
        y_true=(cell // 2).astype(np.int8),
        y_pred=(cell % 2).astype(np.int8),
        score=score,
        score_sum=score_sum,
        count=count.astype(np.int64),
        threshold=inputs.threshold,
        resolution=resolution if inputs.score is not None else None,
    )
