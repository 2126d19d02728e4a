"""A choice of per-group thresholds over a group's operating points, and what it gives.

Each group's choice is a list of (flat point index, probability): one point with
probability 1, or two mixed. Its expected confusion counts, rates, objective and
disparity are what the trade-off explorer shows, and it becomes a post-processor.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from fairness_widgets.compute.constraint_rates import disparity
from fairness_widgets.compute.metrics import safe_divide
from fairness_widgets.compute.objectives import Objective
from fairness_widgets.compute.operating_points import OperatingPoints
from fairness_widgets.compute.postprocessor import GroupThresholds

#: A group's choice: (flat point index, probability) pairs.
Choice = Sequence[tuple[int, float]]

#: The per-group rates the explorer shows, in order.
SHOWN_RATES = ("selection_rate", "true_positive_rate", "false_positive_rate", "precision", "accuracy")


def slider_points(
    points: OperatingPoints, required: Sequence[NDArray[np.intp]], limit: int
) -> list[NDArray[np.intp]]:
    """Per group, at most about ``limit`` of its points for a slider (flat indices, by
    increasing point index): evenly spaced by rank, plus the first and last and every
    point in ``required`` (those a frontier point uses)."""
    kept = []
    for g in range(points.n_groups):
        start, stop = int(points.offsets[g]), int(points.offsets[g + 1])
        if stop - start <= limit:
            kept.append(np.arange(start, stop))
            continue
        spaced = np.round(np.linspace(start, stop - 1, limit)).astype(np.intp)
        kept.append(np.unique(np.concatenate([spaced, required[g]])))
    return kept


def expected_counts(points: OperatingPoints, choices: Sequence[Choice]) -> pd.DataFrame:
    """Per group: size, actual positives and negatives, and the expected tp, fp, fn, tn."""
    tp = np.array([sum(w * points.tp[i] for i, w in choice) for choice in choices], dtype=np.float64)
    fp = np.array([sum(w * points.fp[i] for i, w in choice) for choice in choices], dtype=np.float64)
    positives, negatives = points.positives, points.negatives
    return pd.DataFrame(
        {
            "group": list(points.groups),
            "size": positives + negatives,
            "positives": positives,
            "negatives": negatives,
            "tp": tp,
            "fp": fp,
            "fn": positives - tp,
            "tn": negatives - fp,
        }
    )


def group_rates(points: OperatingPoints, choices: Sequence[Choice]) -> pd.DataFrame:
    """Per group: the thresholds chosen, expected counts and the rates the explorer shows.

    Rates of a randomised choice are rates of the expected counts (precision is
    E[TP] / E[TP + FP]).
    """
    table = expected_counts(points, choices)
    table.insert(1, "thresholds", [tuple(float(points.thresholds[i]) for i, _ in c) for c in choices])
    table.insert(2, "weights", [tuple(float(w) for _, w in c) for c in choices])
    tp, fp = table["tp"].to_numpy(), table["fp"].to_numpy()
    size = table["size"].to_numpy(dtype=np.float64)
    table["selection_rate"] = safe_divide(tp + fp, size)
    table["true_positive_rate"] = safe_divide(tp, table["positives"].to_numpy(dtype=np.float64))
    table["false_positive_rate"] = safe_divide(fp, table["negatives"].to_numpy(dtype=np.float64))
    table["precision"] = safe_divide(tp, tp + fp)
    table["accuracy"] = safe_divide(tp + table["tn"].to_numpy(), size)
    return table


def objective_and_disparity(
    points: OperatingPoints, choices: Sequence[Choice], constraint: str, objective: Objective
) -> tuple[float, float]:
    """The objective and the disparity (largest gap between groups of the constraint's
    rates, groups where a rate is undefined left out) of a choice."""
    counts = expected_counts(points, choices)
    tp, fp, positives, negatives = (
        counts[name].to_numpy(dtype=np.float64) for name in ("tp", "fp", "positives", "negatives")
    )
    return objective.total(float(tp.sum()), float(fp.sum())), disparity(
        constraint, tp, fp, positives, negatives
    )


def as_postprocessor(
    attribute: str, points: OperatingPoints, choices: Sequence[Choice], tolerance: float = 0.0
) -> GroupThresholds:
    """The choice as a rule that predicts on new scores (``tolerance``: as
    :class:`GroupThresholds`)."""
    return GroupThresholds(
        attribute,
        {
            group: tuple((float(points.thresholds[i]), float(w)) for i, w in choice)
            for group, choice in zip(points.groups, choices, strict=True)
        },
        tolerance,
    )
