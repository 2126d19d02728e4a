"""Confidence intervals for proportions."""

from __future__ import annotations

from statistics import NormalDist

import numpy as np
from numpy.typing import ArrayLike, NDArray


def wilson_interval(
    successes: ArrayLike, trials: ArrayLike, confidence: float = 0.95
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Wilson score interval for ``successes / trials``, elementwise.

    Unlike the normal ("Wald") interval it stays inside [0, 1] and keeps close to its
    nominal coverage for small groups and rates near 0 or 1, which is exactly where a
    disparity on a dozen people must not look certain. Where ``trials`` is 0 the
    interval is undefined and both bounds are NaN.

    Examples
    --------
    >>> low, high = wilson_interval([3], [12])
    >>> round(float(low[0]), 3), round(float(high[0]), 3)
    (0.089, 0.532)
    """
    if not 0.0 < confidence < 1.0:
        raise ValueError(f"confidence must be strictly between 0 and 1, got {confidence!r}.")
    k = np.asarray(successes, dtype=np.float64)
    n = np.asarray(trials, dtype=np.float64)
    z = NormalDist().inv_cdf(0.5 + confidence / 2.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = k / n
        denominator = 1.0 + z * z / n
        centre = (p + z * z / (2.0 * n)) / denominator
        half_width = z * np.sqrt(p * (1.0 - p) / n + z * z / (4.0 * n * n)) / denominator
    low = np.where(n > 0, np.clip(centre - half_width, 0.0, 1.0), np.nan)
    high = np.where(n > 0, np.clip(centre + half_width, 0.0, 1.0), np.nan)
    return low, high
