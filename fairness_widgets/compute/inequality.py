"""Individual unfairness: the generalized entropy index of aif360 (Speicher et al., 2018).

Each person gets the benefit ``b = y_pred - y_true + 1``: 0 for a false negative, 1 for a
correct prediction, 2 for a false positive. The index measures how unequally benefits are
spread; with 0/1/2 benefits it depends only on the confusion counts.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray


def generalized_entropy(matrix: NDArray[np.int64], alpha: float = 2.0) -> NDArray[np.float64]:
    """Generalized entropy index of benefits, for counts ``(..., 4)`` = (tn, fp, fn, tp).

    Equals ``aif360.sklearn.metrics.generalized_entropy_error`` (and, with alpha=1, the
    Theil index) on the rows behind the counts. Works on stacks of counts (bootstrap).

    Examples
    --------
    >>> import numpy as np
    >>> round(float(generalized_entropy(np.array([40, 10, 5, 45]))), 6)
    0.066893
    """
    counts = np.asarray(matrix, dtype=np.float64)
    zero = counts[..., 2]  # false negatives: benefit 0
    one = counts[..., 0] + counts[..., 3]  # correct: benefit 1
    two = counts[..., 1]  # false positives: benefit 2
    n = zero + one + two
    mean = (one + 2.0 * two) / n
    with np.errstate(divide="ignore", invalid="ignore"):
        if alpha == 1.0:
            # 0 * log 0 = 0 for the zero benefits.
            total = one * (1 / mean) * np.log(1 / mean) + two * (2 / mean) * np.log(2 / mean)
            return np.asarray(total / n, dtype=np.float64)
        if alpha == 0.0:
            entropy = -(one * np.log(1 / mean) + two * np.log(2 / mean)) / n
            return np.asarray(np.where(zero > 0, np.inf, entropy), dtype=np.float64)
        total = one * (1 / mean) ** alpha + two * (2 / mean) ** alpha + zero * (0.0**alpha) - n
        return np.asarray(total / (n * alpha * (alpha - 1.0)), dtype=np.float64)


def between_group_generalized_entropy(
    group_matrix: NDArray[np.int64], alpha: float = 2.0
) -> NDArray[np.float64]:
    """The index after replacing each person's benefit by their group's mean benefit.

    Equals ``aif360.sklearn.metrics.between_group_generalized_entropy_error``. Accepts
    ``(groups, 4)`` or a stack ``(..., groups, 4)``.
    """
    counts = np.asarray(group_matrix, dtype=np.float64)
    size = counts.sum(axis=-1)
    benefit = (counts[..., 0] + counts[..., 3] + 2.0 * counts[..., 1]) / np.where(size > 0, size, 1)
    n = size.sum(axis=-1)
    mean = (benefit * size).sum(axis=-1) / n
    ratio = benefit / mean[..., None]
    with np.errstate(divide="ignore", invalid="ignore"):
        if alpha == 1.0:
            terms = np.where(size > 0, size * ratio * np.log(np.where(ratio > 0, ratio, 1)), 0.0)
            return np.asarray(terms.sum(axis=-1) / n, dtype=np.float64)
        if alpha == 0.0:
            terms = np.where(size > 0, -size * np.log(ratio), 0.0)
            return np.asarray(terms.sum(axis=-1) / n, dtype=np.float64)
        terms = np.where(size > 0, size * (ratio**alpha - 1.0), 0.0)
        return np.asarray(terms.sum(axis=-1) / (n * alpha * (alpha - 1.0)), dtype=np.float64)
