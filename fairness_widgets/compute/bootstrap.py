"""Bootstrap by resampling counts, not rows: B x groups work, whatever the row count.

Resampling the rows of a group with replacement gives the same distribution of its
confusion counts as one multinomial draw from the group's observed cell shares, so each
replicate costs one draw per group instead of one pass over the rows.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

#: Replicates used unless the caller asks otherwise.
DEFAULT_BOOTSTRAP = 1_000


def resample_counts(matrix: NDArray[np.int64], n_boot: int, seed: int | None) -> NDArray[np.int64]:
    """``n_boot`` bootstrap replicates of per-group counts, shape ``(n_boot, *matrix.shape)``.

    Each group (row of ``matrix``) keeps its size; its cells are redrawn from a
    multinomial with the observed shares (a stratified bootstrap by group). Seeded:
    the same ``seed`` gives the same replicates.

    Examples
    --------
    >>> import numpy as np
    >>> draws = resample_counts(np.array([[5, 5, 0, 0], [1, 2, 3, 4]]), 3, seed=0)
    >>> draws.shape, draws.sum(axis=2).tolist()
    ((3, 2, 4), [[10, 10], [10, 10], [10, 10]])
    """
    if n_boot < 1:
        raise ValueError(f"n_boot must be a positive number of resamples, got {n_boot!r}.")
    rng = np.random.default_rng(seed)
    sizes = matrix.sum(axis=-1)
    shares = matrix / np.where(sizes > 0, sizes, 1)[..., None]
    draws = np.zeros((n_boot, *matrix.shape), dtype=np.int64)
    for group in np.flatnonzero(sizes > 0):
        draws[:, group, :] = rng.multinomial(sizes[group], shares[group], size=n_boot)
    return draws


def percentile_interval(
    replicates: NDArray[np.float64], confidence: float
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Percentile interval over axis 0, ignoring undefined (NaN) replicates.

    Where more than half the replicates are undefined the interval is NaN: the statistic
    is too often undefined (e.g. a group with one or two positives) to bound.
    """
    tail = (1.0 - confidence) / 2.0 * 100.0
    defined = np.isfinite(replicates)
    enough = defined.mean(axis=0) >= 0.5
    safe = np.where(defined, replicates, np.nan)
    low = np.full(replicates.shape[1:], np.nan)
    high = np.full(replicates.shape[1:], np.nan)
    if enough.any():
        low[enough] = np.nanpercentile(safe[:, enough], tail, axis=0)
        high[enough] = np.nanpercentile(safe[:, enough], 100.0 - tail, axis=0)
    return low, high
