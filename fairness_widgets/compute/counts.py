"""Per-group confusion counts: the only pass over the rows.

Every group metric of a binary classifier is a function of its group's confusion
counts, so one ``np.bincount`` over the rows is all the row-level work needed.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

#: Column order of the arrays returned by :func:`confusion_counts`.
CELLS = ("tn", "fp", "fn", "tp")


def confusion_counts(
    codes: NDArray[np.intp], n_groups: int, y_true: NDArray[np.int8], y_pred: NDArray[np.int8]
) -> NDArray[np.int64]:
    """Count (tn, fp, fn, tp) for each group code in ``range(n_groups)``.

    Examples
    --------
    >>> import numpy as np
    >>> codes = np.array([0, 0, 1, 1])
    >>> confusion_counts(codes, 2, np.array([0, 1, 1, 1], np.int8), np.array([0, 1, 0, 1], np.int8))
    array([[1, 0, 0, 1],
           [0, 0, 1, 1]])
    """
    cell = 2 * y_true.astype(np.intp) + y_pred.astype(np.intp)
    flat = np.bincount(codes * 4 + cell, minlength=4 * n_groups)
    return flat.reshape(n_groups, 4).astype(np.int64)
