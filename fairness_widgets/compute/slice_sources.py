"""Which counter a slice search uses: the rows the audit kept (``slice_rows``), and
``features=`` (names of the audited table's columns, or a table of the same rows).

In-memory rows (arrays, pandas, or an eager table given as ``features=``) are counted by
numpy; a table on another engine is counted where it lives (``slice_engines``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import narwhals as nw
import numpy as np
import pandas as pd

from fairness_widgets.compute.engines import SUPPORTED, _to_narwhals
from fairness_widgets.compute.groups import MissingPolicy
from fairness_widgets.compute.slice_arrays import ArrayCounter, Codes, encode_attribute, encode_column
from fairness_widgets.compute.slice_engines import EngineCounter
from fairness_widgets.compute.slice_features import SliceFeature
from fairness_widgets.compute.slice_lattice import Counter
from fairness_widgets.compute.slice_rows import ArrayRows, RowSource


def _unknown_column(name: str, available: Sequence[str], where: str) -> ValueError:
    shown = ", ".join(map(repr, available[:20])) + (", ..." if len(available) > 20 else "")
    return ValueError(f"features names {name!r}, which is not a column of {where}; its columns are {shown}.")


def _feature_names(features: Any) -> list[str] | None:
    """The names in ``features`` (None, a name, or a list of names); None for a table."""
    if features is None:
        return []
    if isinstance(features, str):
        return [features]
    if isinstance(features, (list, tuple)) and all(isinstance(name, str) for name in features):
        return list(dict.fromkeys(features))
    if isinstance(features, (list, tuple)):
        raise ValueError("features must be column names (strings) or a table, not a list of other things.")
    return None


def _as_pandas(features: Any) -> pd.DataFrame:
    """An in-memory table of features as pandas (lazy tables have no row order to align)."""
    if isinstance(features, pd.DataFrame):
        return features
    if isinstance(features, pd.Series):
        return features.to_frame(name=str(features.name) if features.name is not None else "feature")
    wrong = ValueError(
        f"features must be column names or a table ({SUPPORTED}), got {type(features).__name__}."
    )
    if isinstance(features, np.ndarray):
        raise wrong
    try:
        frame = _to_narwhals(features)
    except ValueError:
        raise wrong from None
    if isinstance(frame, nw.LazyFrame):
        raise ValueError(
            "features is a lazy table (DuckDB, Dask, Spark or polars lazy), whose rows have no "
            "order to line up with the audit's. Put the feature columns in the audited table and "
            "pass their names, e.g. features=['age', 'education']."
        )
    return frame.to_pandas()


def _check_same_rows(table: pd.DataFrame, n_rows: int) -> None:
    if len(table) != n_rows:
        raise ValueError(
            f"features has {len(table):,} rows and the audit {n_rows:,}. Pass the feature "
            "columns of the same rows, in the same order, e.g. taken from the same test DataFrame."
        )


def _numpy_counter(
    rows: ArrayRows,
    table: pd.DataFrame | None,
    names: list[str],
    *,
    include_sensitive: bool,
    n_bins: int,
    missing: MissingPolicy,
) -> ArrayCounter:
    encoded: list[tuple[SliceFeature, Codes]] = []
    sensitive = {attribute.name: attribute for attribute in rows.attributes}
    columns = list(map(str, table.columns)) if table is not None else []
    for name in names:
        if name in sensitive and (include_sensitive or name not in columns):
            encoded.append(encode_attribute(sensitive[name]))
        elif table is not None and name in columns:
            column = table.iloc[:, columns.index(name)].reset_index(drop=True)
            encoded.append(encode_column(name, column, n_bins, missing))
        else:
            raise _unknown_column(name, [*sensitive, *columns], "the audited data")
    return ArrayCounter(
        features=tuple(feature for feature, _ in encoded),
        codes=[codes for _, codes in encoded],
        cell=2 * rows.y_true.astype(np.int64) + rows.y_pred,
    )


def slice_counter(
    rows: RowSource | None,
    features: Any,
    *,
    include_sensitive: bool,
    n_bins: int,
    missing: MissingPolicy,
) -> Counter:
    """The counter of a slice search over ``features`` (names or a table) of the audit's rows."""
    if rows is None:
        raise ValueError(
            "This audit was built from counts (Audit.from_cells), which keep no rows to slice. "
            "Build it with Audit(y_true, ..., sensitive=...) or Audit.from_frame(...) to find slices."
        )
    names = _feature_names(features)
    table = None if names is not None else _as_pandas(features)
    sensitive = (
        [a.name for a in rows.attributes] if isinstance(rows, ArrayRows) else list(rows.roles.sensitive)
    )
    extra = names if table is None else [str(column) for column in table.columns]
    wanted = list(dict.fromkeys([*(sensitive if include_sensitive else []), *(extra or [])]))
    if not wanted:
        raise ValueError(
            "No features to slice by: pass features= (column names or a table), or leave "
            "include_sensitive=True to slice the sensitive columns."
        )
    settings: dict[str, Any] = {"include_sensitive": include_sensitive, "n_bins": n_bins, "missing": missing}

    if isinstance(rows, ArrayRows):
        if table is None and names and any(name not in sensitive for name in names):
            unknown = next(name for name in names if name not in sensitive)
            raise ValueError(
                f"features names {unknown!r}, but this audit was built from arrays and has no table "
                "to take columns from. Pass the columns themselves, with the same rows as the "
                f"audit: features=df[[{unknown!r}, ...]]."
            )
        if table is not None:
            _check_same_rows(table, rows.n_rows)
        return _numpy_counter(rows, table, wanted, **settings)

    data = rows.data
    if isinstance(data, pd.DataFrame):
        array_rows = rows.array_rows(data)
        if table is None:
            return _numpy_counter(array_rows, data, wanted, **settings)
        _check_same_rows(table, array_rows.n_rows)
        return _numpy_counter(array_rows, table, wanted, **settings)
    if table is not None:
        source = _to_narwhals(data)
        if isinstance(source, nw.LazyFrame):
            raise ValueError(
                "features is a separate table, but the audited table is lazy (DuckDB, Dask, Spark "
                "or polars lazy) and has no row order to line it up with. Pass column names of the "
                "audited table, e.g. features=['age', 'education']."
            )
        roles = rows.roles
        outcome = [roles.y_true, roles.y_pred or roles.y_score, *roles.sensitive]
        array_rows = rows.array_rows(source.select(*dict.fromkeys(map(str, outcome))).to_pandas())
        _check_same_rows(table, array_rows.n_rows)
        return _numpy_counter(array_rows, table, wanted, **settings)
    available = _to_narwhals(data).collect_schema().names()
    for name in wanted:
        if name not in available:
            raise _unknown_column(name, available, "the audited table")
    return EngineCounter(data, rows.roles, wanted, n_bins=n_bins, missing=missing)
