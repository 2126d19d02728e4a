"""Sensitive attributes as integer group codes, alone and intersected."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from fairness_widgets.compute.labels import as_column

#: More levels than this is almost always an identifier, not a group.
MAX_LEVELS = 1_000
#: Joins attribute names and group names of an intersection.
CROSS = " × "


@dataclass(frozen=True)
class Attribute:
    """One way of splitting the rows into groups.

    Attributes
    ----------
    name : str
        ``"sex"``, or ``"sex × race"`` for an intersection.
    levels : tuple of str
        Group names; ``codes`` index into it.
    codes : ndarray of integers
        The group of each row (the smallest integer type that holds them).
    """

    name: str
    levels: tuple[str, ...]
    codes: NDArray[np.integer[Any]]

    @property
    def n_groups(self) -> int:
        return len(self.levels)


def sensitive_columns(sensitive: Any) -> dict[str, pd.Series]:
    """Normalise a Series, DataFrame, mapping or array into named columns."""
    if isinstance(sensitive, pd.DataFrame):
        names = [str(column) for column in sensitive.columns]
        if len(set(names)) != len(names):
            raise ValueError(f"sensitive has duplicate column names {names}. Give each column its own name.")
        return {
            name: as_column(sensitive[col], name) for name, col in zip(names, sensitive.columns, strict=True)
        }
    if isinstance(sensitive, Mapping):
        return {str(name): as_column(values, str(name)) for name, values in sensitive.items()}
    if isinstance(sensitive, pd.Series):
        name = str(sensitive.name) if sensitive.name is not None else "sensitive"
        return {name: as_column(sensitive, name)}
    array = np.asarray(sensitive)
    if array.ndim == 2:
        return {f"sensitive_{i}": as_column(array[:, i], f"sensitive_{i}") for i in range(array.shape[1])}
    return {"sensitive": as_column(sensitive, "sensitive")}


#: Name of the explicit group that holds missing values when ``missing="group"``.
MISSING_GROUP = "(missing)"
MissingPolicy = Literal["error", "group"]


def missing_values_error(name: str, count: int) -> ValueError:
    return ValueError(
        f"Sensitive column {name!r} has {count:,} missing value(s). Fill them with an "
        f"explicit group, e.g. df[{name!r}].fillna('unknown'), or pass missing='group' to "
        f"count them as a group named {MISSING_GROUP!r}; they are never silently dropped."
    )


def check_levels(name: str, levels: list[str]) -> None:
    """Refuse a sensitive column with one group, an identifier, or ambiguous names."""
    if len(levels) < 2:
        only = repr(levels[0]) if levels else "nothing"
        raise ValueError(
            f"Sensitive column {name!r} has a single value ({only}); comparing groups needs "
            "at least two. Drop this column, or check that earlier filtering did not remove "
            "the other groups."
        )
    if len(levels) > MAX_LEVELS:
        raise ValueError(
            f"Sensitive column {name!r} has {len(levels):,} distinct values (more than "
            f"{MAX_LEVELS:,}), which looks like an identifier or a continuous value. Bin it "
            f"into groups first, e.g. pd.cut(df[{name!r}], bins=[0, 25, 40, 60, 120])."
        )
    if len(set(levels)) != len(levels):
        raise ValueError(
            f"Sensitive column {name!r} has distinct values that print the same "
            f"(e.g. 1 and '1'). Convert the column to one type, e.g. .astype(str)."
        )


def attribute_from_column(name: str, column: pd.Series, missing: MissingPolicy = "error") -> Attribute:
    """Turn one sensitive column into group codes, without a sort where it can.

    Categoricals keep their codes and declared order, small non-negative integers are
    their own codes; both may name groups nobody belongs to, which
    :func:`drop_empty_levels` removes once the rows are counted. Other values are
    factorised (sorted). Missing values raise, or become the group ``"(missing)"``.
    """
    dtype = column.dtype
    integers = isinstance(dtype, np.dtype) and dtype.kind in "iub"
    is_missing = None if integers else column.isna().to_numpy()
    any_missing = is_missing is not None and bool(is_missing.any())
    if any_missing and missing == "error":
        raise missing_values_error(name, int(is_missing.sum()))  # type: ignore[union-attr]
    if isinstance(dtype, pd.CategoricalDtype):
        codes: NDArray[np.integer[Any]] = column.cat.codes.to_numpy()
        levels = [str(level) for level in dtype.categories]
    elif integers and len(column) and _small_non_negative(values := column.to_numpy()):
        codes = values.astype(np.int8) if dtype.kind == "b" else values
        levels = [str(level) for level in range(int(values.max()) + 1)]
    else:
        raw_codes, uniques = factorize_in_chunks(column)
        levels = [str(level) for level in uniques]
        check_levels(name, levels + ([MISSING_GROUP] if any_missing else []))  # fail fast on an ID column
        codes = raw_codes.astype(_smallest(len(uniques) + 1))
    if any_missing:
        codes = np.where(is_missing, len(levels), codes).astype(_smallest(len(levels) + 1))  # type: ignore[arg-type]
        levels.append(MISSING_GROUP)
    if len(levels) < 2 or len(levels) > MAX_LEVELS:
        # Cheap to know now, and an identifier column must not reach the counting pass.
        used = np.flatnonzero(np.bincount(codes[codes >= 0], minlength=len(levels)))
        check_levels(name, [levels[index] for index in used])
    return Attribute(name=name, levels=tuple(levels), codes=codes)


#: Rows factorised at a time: pandas sizes its hash table by the input, ~66 bytes a row
#: for object columns; chunks keep that to a few MB whatever the row count.
CHUNK_ROWS = 1 << 16


def factorize_in_chunks(column: pd.Series) -> tuple[NDArray[np.int32], list[Any]]:
    """Codes (-1 for missing) and sorted distinct values, factorising a chunk at a time.

    Only object columns are chunked: for pandas' Arrow-backed strings, ``to_numpy`` would
    build a Python object per row, and pandas factorises them lean as they are.
    """
    if column.dtype != object:
        try:
            raw_codes, distinct = pd.factorize(column, sort=True)
        except TypeError:  # values of mixed types cannot be sorted
            raw_codes, distinct = pd.factorize(column, sort=False)
        return raw_codes.astype(np.int32), list(distinct)
    values = column.to_numpy()
    codes = np.empty(len(values), dtype=np.int32)
    position: dict[Any, int] = {}
    uniques: list[Any] = []
    for start in range(0, len(values), CHUNK_ROWS):
        chunk_codes, chunk_uniques = pd.factorize(values[start : start + CHUNK_ROWS])
        lookup = np.full(len(chunk_uniques) + 1, -1, dtype=np.int32)
        for index, value in enumerate(chunk_uniques):
            lookup[index] = position.setdefault(value, len(uniques))
            if lookup[index] == len(uniques):
                uniques.append(value)
        codes[start : start + CHUNK_ROWS] = lookup[chunk_codes]
    try:
        order = sorted(range(len(uniques)), key=lambda index: uniques[index])
    except TypeError:  # values of mixed types cannot be sorted
        return codes, uniques
    rank = np.empty(len(uniques) + 1, dtype=np.int32)
    rank[-1] = -1
    rank[order] = np.arange(len(uniques))
    return rank[codes], [uniques[index] for index in order]


def drop_empty_levels(
    name: str, levels: tuple[str, ...], codes: NDArray[np.intp]
) -> tuple[tuple[str, ...], NDArray[np.intp]]:
    """Keep only the groups that occur in ``codes`` (per cell) and renumber them in order."""
    used = np.unique(codes)
    kept = tuple(levels[index] for index in used)
    check_levels(name, list(kept))
    return kept, np.searchsorted(used, codes).astype(np.intp)


def _smallest(n_values: int) -> type[np.signedinteger[Any]]:
    """The smallest signed integer type holding 0 .. n_values - 1 (row codes stay small)."""
    for candidate in (np.int8, np.int16, np.int32):
        if n_values <= np.iinfo(candidate).max:
            return candidate
    return np.int64


def _small_non_negative(values: NDArray[Any]) -> bool:
    return bool(values.min() >= 0 and values.max() < 1 << 20)


def intersect(attributes: list[Attribute]) -> Attribute:
    """Cross attributes into one whose groups are the observed combinations."""
    combined = np.zeros(len(attributes[0].codes), dtype=np.int64)
    for attribute in attributes:
        combined = combined * attribute.n_groups + attribute.codes
    observed, codes = np.unique(combined, return_inverse=True)
    labels = []
    for combined_code in observed:
        rest = int(combined_code)
        parts = []
        for attribute in reversed(attributes):
            rest, code = divmod(rest, attribute.n_groups)
            parts.append(attribute.levels[code])
        labels.append(CROSS.join(reversed(parts)))
    name = CROSS.join(attribute.name for attribute in attributes)
    return Attribute(name=name, levels=tuple(labels), codes=codes.astype(np.intp))
