"""Check and normalise what a user passes: labels, predictions or scores, sensitive columns."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from fairness_widgets.compute.groups import (
    Attribute,
    MissingPolicy,
    attribute_from_column,
    sensitive_columns,
)
from fairness_widgets.compute.labels import (
    as_column,
    binary_labels,
    check_prediction_values,
    check_threshold,
    distinct,
    probabilities,
)


@dataclass(frozen=True)
class ClassifierInputs:
    """Validated inputs of a binary classifier audit.

    Attributes
    ----------
    y_true, y_pred : ndarray of int8
        True and predicted labels as 0/1 (1 = the positive outcome); with scores,
        ``y_pred`` is ``y_score >= threshold``.
    score : ndarray of float64 or None
        Scores in [0, 1], when given.
    threshold : float or None
        The threshold that made ``y_pred`` from ``score``.
    attributes : tuple of Attribute
        Each sensitive column, factorised into group codes.
    """

    y_true: NDArray[np.int8]
    y_pred: NDArray[np.int8]
    score: NDArray[np.float64] | None
    threshold: float | None
    attributes: tuple[Attribute, ...]

    @property
    def n_rows(self) -> int:
        return len(self.y_true)


def prepare_inputs(
    y_true: Any,
    *,
    y_pred: Any = None,
    y_score: Any = None,
    sensitive: Any,
    threshold: float = 0.5,
    pos_label: Any = None,
    missing: MissingPolicy = "error",
) -> ClassifierInputs:
    """Validate the inputs of an audit and turn them into 0/1 arrays and group codes.

    Pass exactly one of ``y_pred`` (hard predictions) and ``y_score`` (probabilities in
    [0, 1], turned into predictions by ``y_score >= threshold``). Missing values in a
    sensitive column are an error, or a group of their own with ``missing="group"``.
    Every error names the input at fault and how to fix it.

    Examples
    --------
    >>> inputs = prepare_inputs([0, 1, 1, 0], y_pred=[0, 1, 0, 0],
    ...                         sensitive={"sex": ["f", "f", "m", "m"]})
    >>> inputs.attributes[0].name, inputs.attributes[0].levels
    ('sex', ('f', 'm'))
    """
    if (y_pred is None) == (y_score is None):
        raise ValueError(
            "Pass exactly one of y_pred= (0/1 predictions) or y_score= (scores such as "
            "predict_proba(X)[:, 1], thresholded at threshold=)."
        )
    columns = sensitive_columns(sensitive)
    if not columns:
        raise ValueError("sensitive is empty; pass at least one sensitive column, e.g. df[['sex']].")
    prediction_name = "y_pred" if y_pred is not None else "y_score"
    lengths = {"y_true": len(as_column(y_true, "y_true"))}
    lengths[prediction_name] = len(as_column(y_pred if y_pred is not None else y_score, prediction_name))
    lengths |= {f"sensitive[{name!r}]": len(column) for name, column in columns.items()}
    if len(set(lengths.values())) > 1:
        listing = ", ".join(f"{name} has {n:,}" for name, n in lengths.items())
        raise ValueError(
            f"Inputs differ in length: {listing} rows. Pass the same rows to each, "
            "e.g. all taken from the same test DataFrame."
        )
    if lengths["y_true"] == 0:
        raise ValueError("The inputs are empty (0 rows); pass at least one row per group.")

    if missing not in ("error", "group"):
        raise ValueError(f"missing must be 'error' or 'group', got {missing!r}.")
    seen = true_levels = pred_levels = None
    if y_pred is not None and pos_label is not None:
        true_levels = distinct(as_column(y_true, "y_true").dropna())
        pred_levels = distinct(as_column(y_pred, "y_pred").dropna())
        seen = true_levels + [value for value in pred_levels if value not in true_levels]
    labels = binary_labels(y_true, "y_true", pos_label, seen=seen)
    score: NDArray[np.float64] | None = None
    if y_pred is not None:
        if true_levels is not None and pred_levels is not None:
            check_prediction_values(true_levels, pred_levels, pos_label)
        predictions = binary_labels(y_pred, "y_pred", pos_label, seen=seen)
        used_threshold = None
    else:
        check_threshold(threshold)
        score = probabilities(y_score)
        predictions = (score >= threshold).astype(np.int8)
        used_threshold = float(threshold)
    attributes = tuple(attribute_from_column(name, column, missing) for name, column in columns.items())
    return ClassifierInputs(
        y_true=labels, y_pred=predictions, score=score, threshold=used_threshold, attributes=attributes
    )
