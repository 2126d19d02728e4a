"""Where any predictor stands on the trade-off axes, from its per-group expected counts.

A randomised predictor (fairlearn's ThresholdOptimizer and ExponentiatedGradient,
aif360's calibrated equalized odds) says yes to a person with some probability; summing
those probabilities gives its *expected* true and false positives per group, which is
what it achieves on average over its coin flips. :func:`objective_and_disparity` turns
those counts into the two numbers of a trade-off chart with the very definitions
:func:`~fairness_widgets.compute.tradeoff.tradeoff` uses (its
:func:`~fairness_widgets.compute.tradeoff.disparity` and
:func:`~fairness_widgets.compute.objectives.make_objective`), so a mitigation and a
frontier point are placed on the same axes.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from fairness_widgets.compute.constraint_rates import disparity
from fairness_widgets.compute.objectives import make_objective

#: Columns of :func:`expected_counts`, one row per group.
COUNT_COLUMNS = ("group", "size", "positives", "negatives", "tp", "fp", "fn", "tn")


def expected_counts(
    y_true: NDArray[np.integer[Any]],
    positive_probability: NDArray[np.float64],
    groups: NDArray[np.object_],
    levels: Sequence[str],
) -> pd.DataFrame:
    """Per-group expected confusion counts of a predictor.

    Parameters
    ----------
    y_true : ndarray of 0/1
    positive_probability : ndarray of float in [0, 1]
        Each person's probability of a positive prediction (0/1 for a deterministic
        predictor).
    groups : ndarray of str
        Each person's group.
    levels : sequence of str
        The groups, in the order of the rows returned.

    Returns
    -------
    DataFrame
        One row per group: ``group``, ``size``, ``positives``, ``negatives`` (actual) and
        the expected ``tp``, ``fp``, ``fn``, ``tn`` (floats).

    Examples
    --------
    >>> counts = expected_counts(
    ...     np.array([1, 0, 1, 0], dtype=np.int8), np.array([1.0, 0.5, 0.25, 0.0]),
    ...     np.array(["a", "a", "b", "b"], dtype=object), ["a", "b"])
    >>> counts[["group", "tp", "fp"]]
      group    tp   fp
    0     a  1.00  0.5
    1     b  0.25  0.0
    """
    code = pd.Categorical(groups, categories=list(levels)).codes
    if (code < 0).any():
        raise ValueError(f"groups holds values outside levels {list(levels)}.")
    n = len(levels)
    positives = np.bincount(code, weights=y_true.astype(np.float64), minlength=n)
    size = np.bincount(code, minlength=n).astype(np.float64)
    tp = np.bincount(code, weights=positive_probability * y_true, minlength=n)
    fp = np.bincount(code, weights=positive_probability * (1 - y_true), minlength=n)
    negatives = size - positives
    return pd.DataFrame(
        {
            "group": list(levels),
            "size": size.astype(np.int64),
            "positives": positives.astype(np.int64),
            "negatives": negatives.astype(np.int64),
            "tp": tp,
            "fp": fp,
            "fn": positives - tp,
            "tn": negatives - fp,
        }
    )


def objective_and_disparity(
    counts: pd.DataFrame,
    constraint: str,
    objective: str = "accuracy",
    *,
    fp_cost: float = 1.0,
    fn_cost: float = 1.0,
) -> tuple[float, float]:
    """The objective and the disparity of one predictor, as ``tradeoff()`` defines them.

    Parameters
    ----------
    counts : DataFrame
        One row per group with ``positives``, ``negatives``, ``tp`` and ``fp`` (expected
        counts may be fractional), as returned by :func:`expected_counts`.
    constraint : {"demographic_parity", "equal_opportunity", "equalized_odds", "predictive_parity"}
        Disparity is the largest gap between groups (max - min) of the constraint's
        rate(s): selection rate; true positive rate; true and false positive rates;
        precision.
    objective : {"accuracy", "balanced_accuracy", "cost"}
        ``"cost"`` is minus the mean cost of ``fp_cost`` per false positive and
        ``fn_cost`` per false negative.

    Returns
    -------
    (objective, disparity) : tuple of float

    Examples
    --------
    >>> counts = pd.DataFrame({"positives": [10, 20], "negatives": [30, 40],
    ...                        "tp": [5.0, 15.0], "fp": [5.0, 5.0]})
    >>> accuracy, disparity = objective_and_disparity(counts, "demographic_parity")
    >>> round(accuracy, 3), round(disparity, 3)  # selection rates 10/40 and 20/60
    (0.8, 0.083)
    """
    tp, fp, positives, negatives = (
        counts[name].to_numpy(dtype=np.float64) for name in ("tp", "fp", "positives", "negatives")
    )
    gap = disparity(constraint, tp, fp, positives, negatives)
    goal = make_objective(objective, positives.sum(), negatives.sum(), fp_cost=fp_cost, fn_cost=fn_cost)
    return goal.total(float(tp.sum()), float(fp.sum())), gap
