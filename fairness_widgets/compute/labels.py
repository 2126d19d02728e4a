"""Turn user-given labels, predictions and scores into checked 0/1 arrays."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray


def as_column(values: Any, name: str) -> pd.Series:
    """Return ``values`` (list, array, Series, one-column frame) as a pandas Series.

    Raises a ValueError naming ``name`` when the input is not one-dimensional.
    """
    if isinstance(values, pd.DataFrame):
        if values.shape[1] != 1:
            raise ValueError(
                f"{name} must be one column, got a DataFrame with {values.shape[1]} columns "
                f"({', '.join(map(str, values.columns[:5]))}). Pass a single column, "
                f"e.g. df[{str(values.columns[0])!r}]."
            )
        values = values.iloc[:, 0]
    if isinstance(values, pd.Series):
        return values.reset_index(drop=True)
    array = np.asarray(values)
    if not isinstance(values, np.ndarray) and array.dtype.kind in "US":
        # A plain list mixing strings with None/NaN or numbers would become all strings
        # ("nan", "1"), hiding missing values and merging 1 with "1": keep the objects.
        array = np.asarray(values, dtype=object)
    if array.ndim == 2 and 1 in array.shape:
        array = array.ravel()
    if array.ndim != 1:
        raise ValueError(
            f"{name} must be one-dimensional, got an array of shape {array.shape}. Pass one value per row."
        )
    return pd.Series(array, name=name)


def _missing_message(name: str, missing: NDArray[np.bool_]) -> str:
    positions = np.flatnonzero(missing)
    shown = ", ".join(map(str, positions[:5])) + (", ..." if len(positions) > 5 else "")
    return (
        f"{name} has {len(positions)} missing value(s) (NaN/None) at row position(s) "
        f"{shown}. Drop those rows from every input, or fill them, before auditing."
    )


def binary_labels(
    values: Any, name: str, pos_label: Any = None, *, seen: list[Any] | None = None
) -> NDArray[np.int8]:
    """Return ``values`` as int8 0/1, where 1 means ``pos_label``.

    Labels already 0/1 (or booleans) need no ``pos_label``. Any other pair of values
    (``"<=50K"``/``">50K"``, ``"bad"``/``"good"``) needs ``pos_label`` to say which one
    is the positive outcome: guessing would silently flip every rate. ``seen`` lists the
    values of the labels and predictions together: ``pos_label`` must occur in one of them
    (predictions may hold no positive at all).

    Examples
    --------
    >>> binary_labels(["no", "yes", "yes"], "y_true", pos_label="yes")
    array([0, 1, 1], dtype=int8)
    """
    column = as_column(values, name)
    zero_one = _zero_one(column) if pos_label in (None, 1, True) else None
    if zero_one is not None:
        return zero_one
    missing = column.isna().to_numpy()
    if missing.any():
        raise ValueError(_missing_message(name, missing))
    positive = positive_levels(distinct(column), name, pos_label, seen=seen)
    return np.asarray(column.isin(positive), dtype=np.int8)


def _zero_one(column: pd.Series) -> NDArray[np.int8] | None:
    """Fast path: a bool or integer column that only holds 0 and 1, as int8 (else None)."""
    dtype = column.dtype
    if not isinstance(dtype, np.dtype) or dtype.kind not in "biu":
        return None
    array = column.to_numpy()
    if dtype.kind == "b" or (len(array) and array.min() >= 0 and array.max() <= 1):
        return array.astype(np.int8)
    return None


def distinct(column: pd.Series) -> list[Any]:
    """The distinct values of ``column`` as plain Python values."""
    return [_plain(value) for value in pd.unique(column)]


def check_prediction_values(true_levels: list[Any], pred_levels: list[Any], pos_label: Any) -> None:
    """Refuse predictions with a value the labels never take: a typo such as "Yes" for
    "yes" would silently count as negative."""
    unknown = [value for value in pred_levels if value not in true_levels and value != pos_label]
    if unknown:
        raise ValueError(
            f"y_pred has value(s) {_preview(unknown)} that y_true never takes (y_true: "
            f"{_preview(true_levels)}). Predictions and labels must use the same values."
        )


def positive_levels(
    levels: list[Any], name: str, pos_label: Any = None, *, seen: list[Any] | None = None
) -> list[Any]:
    """Which of a binary column's distinct values mean the positive outcome.

    Shared by the row-level check and the engines, which check the distinct values
    left after their group-by.
    """
    if pos_label is not None:
        pool = levels if seen is None else seen
        if pos_label not in pool:
            where = name if seen is None else "y_true or y_pred"
            raise ValueError(
                f"pos_label={pos_label!r} does not occur in {where}, whose values are "
                f"{_preview(pool)}. Pass one of those values."
            )
        if len(levels) > 2:
            raise ValueError(
                f"{name} must be binary, but it has {len(levels)} distinct values "
                f"({_preview(levels)}). Map it to two classes first, e.g. "
                f"{name} == {pos_label!r}."
            )
        return [pos_label]
    if all(_is_zero_or_one(level) for level in levels):
        return [level for level in levels if level == 1]
    if len(levels) > 2:
        raise ValueError(
            f"{name} must be binary (0/1), but it has {len(levels)} distinct values "
            f"({_preview(levels)}). Map it to 0/1 first, e.g. ({name} == <positive "
            "value>).astype(int)."
        )
    raise ValueError(
        f"{name} holds the labels {_preview(levels)}, not 0/1. Say which one is the "
        f"positive outcome with pos_label=, e.g. pos_label={levels[-1]!r}."
    )


def scores(values: Any, name: str = "y_score") -> NDArray[np.float64]:
    """Return ``values`` as finite float64 scores, or raise a ValueError naming the rows."""
    column = as_column(values, name)
    try:
        array = column.to_numpy(dtype=np.float64, na_value=np.nan)
    except (TypeError, ValueError):
        raise ValueError(
            f"{name} must be numeric scores (e.g. predict_proba(X)[:, 1]), got values of "
            f"type {column.dtype}. For hard 0/1 predictions pass y_pred= instead."
        ) from None
    missing = np.isnan(array)
    if missing.any():
        raise ValueError(_missing_message(name, missing))
    infinite = np.isinf(array)
    if infinite.any():
        raise ValueError(
            f"{name} has {int(infinite.sum())} infinite value(s) at row position(s) "
            f"{', '.join(map(str, np.flatnonzero(infinite)[:5]))}. Scores must be finite; "
            "check the model output."
        )
    return array


def probabilities(values: Any, name: str = "y_score") -> NDArray[np.float64]:
    """Return finite scores in [0, 1], or raise a ValueError that says how to get them."""
    array = scores(values, name)
    outside = (array < 0.0) | (array > 1.0)
    if outside.any():
        raise outside_unit_interval(name, float(array.min()), float(array.max()), int(outside.sum()))
    return array


def outside_unit_interval(name: str, low: float, high: float, count: int | None = None) -> ValueError:
    how_many = f"{count:,} value(s)" if count is not None else "values"
    return ValueError(
        f"{name} has {how_many} outside [0, 1] (min {low:.4g}, max {high:.4g}); it must be a "
        "probability such as model.predict_proba(X)[:, 1]. For a decision_function, map it to "
        "[0, 1] first (e.g. scipy.special.expit), or pass hard predictions with y_pred=."
    )


def _is_zero_or_one(value: Any) -> bool:
    return isinstance(value, (bool, np.bool_, int, np.integer, float, np.floating)) and value in {0, 1}


def _preview(levels: list[Any]) -> str:
    shown = ", ".join(repr(_plain(level)) for level in levels[:5])
    return f"[{shown}{', ...' if len(levels) > 5 else ''}]"


def _plain(value: Any) -> Any:
    return value.item() if isinstance(value, np.generic) else value


def check_threshold(threshold: Any) -> None:
    """Refuse a threshold that is not a finite number."""
    if isinstance(threshold, bool) or not isinstance(threshold, (int, float, np.integer, np.floating)):
        raise ValueError(f"threshold must be a number, got {threshold!r}.")
    if not np.isfinite(threshold):
        raise ValueError(f"threshold must be a finite number, got {threshold!r}.")
