"""The row pass on any dataframe engine: one group-by, then checks on the small result.

pandas (and plain arrays) take the numpy path; polars, pyarrow, DuckDB, Dask and PySpark
go through narwhals, so the rows are aggregated where they live and only the count table
(groups x labels x predictions x score levels) is collected. Bad input is detected on
that table: missing labels or scores show up as null keys with their row counts.
"""

from __future__ import annotations

import warnings
from typing import Any

import narwhals as nw
import numpy as np
import pandas as pd

from fairness_widgets.compute.cells import EDGE_TOLERANCE, Cells
from fairness_widgets.compute.cells_from_arrays import cells_from_inputs
from fairness_widgets.compute.groups import (
    MISSING_GROUP,
    MissingPolicy,
    check_levels,
    missing_values_error,
)
from fairness_widgets.compute.inputs import prepare_inputs
from fairness_widgets.compute.labels import (
    check_prediction_values,
    check_threshold,
    distinct,
    outside_unit_interval,
    positive_levels,
)

_LABEL, _PRED, _LEVEL, _SCORE = "__fw_y_true__", "__fw_y_pred__", "__fw_score_level__", "__fw_score__"
_COUNT, _SUM, _MIN, _MAX = "__fw_n__", "__fw_score_sum__", "__fw_score_min__", "__fw_score_max__"
SUPPORTED = "a pandas, polars or pyarrow table, a DuckDB relation, or a Dask or PySpark DataFrame"


def _check_columns(available: list[str], wanted: dict[str, str | None]) -> None:
    for role, column in wanted.items():
        if column is not None and column not in available:
            shown = ", ".join(map(repr, available[:20])) + (", ..." if len(available) > 20 else "")
            raise ValueError(f"{role}={column!r} is not a column of the data; its columns are {shown}.")


def _to_narwhals(data: Any) -> nw.DataFrame[Any] | nw.LazyFrame[Any]:
    try:
        with warnings.catch_warnings():
            # narwhals 2.29 announces that Dask support moves to a `narwhals-dask` package
            # that is not published yet; nothing for our users to act on.
            warnings.filterwarnings("ignore", "Dask support is moving", FutureWarning)
            frame: nw.DataFrame[Any] | nw.LazyFrame[Any] = nw.from_native(data)
            return frame
    except TypeError:
        raise ValueError(f"data must be {SUPPORTED}; got {type(data).__name__}.") from None


def cells_from_frame(
    data: Any,
    *,
    y_true: str,
    y_pred: str | None,
    y_score: str | None,
    sensitive: list[str],
    threshold: float,
    pos_label: Any,
    missing: MissingPolicy,
    resolution: float | None,
) -> Cells:
    """Aggregate a table's rows into :class:`Cells` with one group-by."""
    if (y_pred is None) == (y_score is None):
        raise ValueError("Pass exactly one of y_pred= or y_score= (a column name).")
    if not sensitive:
        raise ValueError("sensitive is empty; name at least one sensitive column, e.g. sensitive=['sex'].")
    if missing not in ("error", "group"):
        raise ValueError(f"missing must be 'error' or 'group', got {missing!r}.")
    if isinstance(data, pd.DataFrame):
        _check_columns(
            list(map(str, data.columns)),
            {"y_true": y_true, "y_pred": y_pred, "y_score": y_score}
            | {"sensitive": None}
            | {f"sensitive[{i}]": s for i, s in enumerate(sensitive)},
        )
        inputs = prepare_inputs(
            data[y_true],
            y_pred=None if y_pred is None else data[y_pred],
            y_score=None if y_score is None else data[y_score],
            sensitive=data[sensitive],
            threshold=threshold,
            pos_label=pos_label,
            missing=missing,
        )
        return cells_from_inputs(inputs, resolution)

    frame = _to_narwhals(data)
    schema = frame.collect_schema()
    if y_score is not None and y_score in schema and not schema[y_score].is_numeric():
        raise ValueError(
            f"y_score must be numeric scores (e.g. predict_proba(X)[:, 1]), but column {y_score!r} "
            f"has type {schema[y_score]}. For hard 0/1 predictions pass y_pred= instead."
        )
    _check_columns(
        schema.names(),
        {"y_true": y_true, "y_pred": y_pred, "y_score": y_score}
        | {f"sensitive[{i}]": s for i, s in enumerate(sensitive)},
    )
    keys = [*sensitive, _LABEL, _PRED]
    derived = [nw.col(y_true).alias(_LABEL)]
    aggregations = [nw.len().alias(_COUNT)]
    if y_score is None:
        derived.append(nw.col(str(y_pred)).alias(_PRED))
    else:
        check_threshold(threshold)
        # NaN as null: Spark floors NaN to 0 and finds NaN >= threshold true.
        score = nw.col(y_score).cast(nw.Float64).fill_nan(None)
        derived.append((score >= threshold).cast(nw.Int8).alias(_PRED))
        derived.append(
            (score if resolution is None else (score * (1.0 / resolution) + EDGE_TOLERANCE).floor()).alias(
                _LEVEL
            )
        )
        derived.append(score.alias(_SCORE))
        keys.append(_LEVEL)
        # Elementary aggregations only: some engines (pyarrow) accept nothing else.
        aggregations += [
            nw.col(_SCORE).sum().alias(_SUM),
            nw.col(_SCORE).min().alias(_MIN),
            nw.col(_SCORE).max().alias(_MAX),
        ]
    grouped = frame.with_columns(*derived).group_by(keys).agg(*aggregations)
    # Collect through Arrow: the count table is small, and Spark's own pandas conversion
    # warns about pandas 3.
    table = (grouped.collect("pyarrow") if isinstance(grouped, nw.LazyFrame) else grouped).to_pandas()
    return _cells_from_table(
        table,
        sensitive,
        y_score=y_score,
        threshold=threshold,
        pos_label=pos_label,
        missing=missing,
        resolution=resolution,
    )


def _missing_rows(table: pd.DataFrame, column: str) -> int:
    values = table[column]
    is_missing = values.isna()
    return int(table.loc[is_missing, _COUNT].sum())


def _check_present(table: pd.DataFrame, column: str, name: str) -> None:
    missing = _missing_rows(table, column)
    if missing:
        raise ValueError(
            f"{name} has {missing:,} missing value(s) (NaN/None). Drop those rows, or fill them, "
            "before auditing."
        )


def _binary(
    table: pd.DataFrame, column: str, name: str, pos_label: Any, seen: list[Any] | None
) -> np.ndarray:
    _check_present(table, column, name)
    positive = positive_levels(distinct(table[column]), name, pos_label, seen=seen)
    return table[column].isin(positive).to_numpy(dtype=np.int8)


def _score_levels(table: pd.DataFrame, resolution: float | None) -> np.ndarray:
    missing = _missing_rows(table, _LEVEL)
    if missing:
        raise ValueError(
            f"y_score has {missing:,} missing value(s) (NaN/None). Drop or fill them before auditing."
        )
    low, high = float(table[_MIN].min()), float(table[_MAX].max())
    if not (np.isfinite(low) and np.isfinite(high)):
        raise ValueError("y_score has infinite values. Scores must be finite; check the model output.")
    if low < 0.0 or high > 1.0:
        raise outside_unit_interval("y_score", low, high)
    level = table[_LEVEL].to_numpy(dtype=np.float64)
    if resolution is None:
        return level
    n_bins = int(np.floor(1.0 / resolution)) + 1
    return np.asarray(np.minimum(level, n_bins - 1) * resolution, dtype=np.float64)


def _groups(table: pd.DataFrame, name: str, missing: MissingPolicy) -> tuple[np.ndarray, tuple[str, ...]]:
    values = table[name]
    absent = values.isna().to_numpy()
    if absent.any() and missing == "error":
        raise missing_values_error(name, _missing_rows(table, name))
    present = values[~absent]
    try:
        uniques = sorted(pd.unique(present))
    except TypeError:  # mixed types
        uniques = sorted(pd.unique(present), key=str)
    levels = [str(value) for value in uniques]
    codes = np.full(len(values), len(levels), dtype=np.intp)
    lookup = {value: index for index, value in enumerate(uniques)}
    codes[~absent] = [lookup[value] for value in present]
    if absent.any():
        levels.append(MISSING_GROUP)
    check_levels(name, levels)
    return codes, tuple(levels)


def _cells_from_table(
    table: pd.DataFrame,
    sensitive: list[str],
    *,
    y_score: str | None,
    threshold: float,
    pos_label: Any,
    missing: MissingPolicy,
    resolution: float | None,
) -> Cells:
    if table[_COUNT].sum() == 0:
        raise ValueError("The data is empty (0 rows); pass at least one row per group.")
    score = _score_levels(table, resolution) if y_score else None
    seen = None
    if not y_score and pos_label is not None:
        true_levels, pred_levels = distinct(table[_LABEL].dropna()), distinct(table[_PRED].dropna())
        seen = true_levels + [value for value in pred_levels if value not in true_levels]
    y_true = _binary(table, _LABEL, "y_true", pos_label, seen)
    if y_score:
        y_pred = table[_PRED].to_numpy(dtype=np.int8)
    else:
        if seen is not None:
            check_prediction_values(true_levels, pred_levels, pos_label)
        y_pred = _binary(table, _PRED, "y_pred", pos_label, seen)
    columns = [_groups(table, name, missing) for name in sensitive]
    # Distinct raw values can map to one cell (True and 1, two bins clipped to 1.0): merge.
    merged = pd.DataFrame({f"c{i}": codes for i, (codes, _) in enumerate(columns)})
    merged["y"], merged["p"] = y_true, y_pred
    if score is not None:
        merged["s"] = score
        merged["sum"] = table[_SUM].to_numpy(dtype=np.float64)
    merged["n"] = table[_COUNT].to_numpy(dtype=np.int64)
    keys = [column for column in merged.columns if column not in ("n", "sum")]
    merged = merged.groupby(keys, sort=True, as_index=False).sum()
    return Cells(
        names=tuple(sensitive),
        levels=tuple(levels for _, levels in columns),
        codes=merged[[f"c{i}" for i in range(len(columns))]].to_numpy(dtype=np.intp),
        y_true=merged["y"].to_numpy(dtype=np.int8),
        y_pred=merged["p"].to_numpy(dtype=np.int8),
        score=None if score is None else merged["s"].to_numpy(dtype=np.float64),
        score_sum=None
        if score is None
        else (
            merged["s"].to_numpy(dtype=np.float64) * merged["n"].to_numpy(dtype=np.float64)
            if resolution is None  # one score per cell: exact, whatever order the engine added in
            else merged["sum"].to_numpy(dtype=np.float64)
        ),
        count=merged["n"].to_numpy(dtype=np.int64),
        threshold=float(threshold) if y_score else None,
        resolution=resolution if y_score else None,
    )
