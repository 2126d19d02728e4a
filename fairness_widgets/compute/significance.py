"""Tests of "no difference between groups" for rates, from counts."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray
from scipy.stats import chi2_contingency


def homogeneity_p_value(successes: NDArray[np.int64], totals: NDArray[np.int64]) -> float:
    """p-value of the chi-square test that every group has the same rate.

    Groups with no one to measure are left out. With fewer than two such groups the test
    is undefined (NaN); when every group has the same rate, exactly, it is 1. Expected
    counts under 5 make the chi-square approximation rough: read small groups with care.

    Examples
    --------
    >>> round(homogeneity_p_value(np.array([10, 30]), np.array([100, 100])), 5)
    0.00041
    """
    keep = totals > 0
    if keep.sum() < 2:
        return float("nan")
    table = np.stack([successes[keep], totals[keep] - successes[keep]], axis=1)
    if (table.sum(axis=0) == 0).any():
        return 1.0  # everyone succeeded, or no one did: no difference to test
    result = chi2_contingency(table, correction=False)
    return float(result.pvalue)


def bonferroni(*p_values: float) -> float:
    """Combine tests of one hypothesis family: the smallest p-value times their number."""
    defined = [p for p in p_values if np.isfinite(p)]
    return min(1.0, len(defined) * min(defined)) if defined else float("nan")
