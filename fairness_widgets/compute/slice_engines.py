"""The slice counter on any dataframe engine (polars, pyarrow, DuckDB, Dask, Spark).

The rows stay where they live; what reaches Python is small:

1. one query for the number of rows and of distinct values of every feature
   (identifiers are refused before anything is grouped by them);
2. one query for the distinct values of the numeric features and their counts (a
   group-by per feature, stacked): their exact quantile bin edges;
3. one query for the *cube*: a group-by on every feature at once (the value, or the bin
   number) and on label and prediction. It has at most ``levels x levels x ... x 4``
   rows, and never more than the data; every slice of every order is a sum over it, done
   in numpy. So the whole search reads the rows three times, whatever ``max_order``.

When the cube could exceed :data:`MAX_CUBE_ROWS` (many features with many levels on
billions of rows), each feature, then each combination of features the lattice asks
for, is a group-by of its own instead.

Labels and predictions are derived as in ``Audit.from_frame`` (``engines.py``), so the
slices are counted on exactly the rows and outcomes the audit counted.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import narwhals as nw
import numpy as np
import pandas as pd
from numpy.typing import NDArray

from fairness_widgets.compute.engines import _to_narwhals
from fairness_widgets.compute.groups import MAX_LEVELS, MissingPolicy
from fairness_widgets.compute.labels import distinct, positive_levels
from fairness_widgets.compute.slice_arrays import ArrayCounter
from fairness_widgets.compute.slice_features import (
    SliceFeature,
    check_level_count,
    feature_from_values,
    sorted_distinct,
)
from fairness_widgets.compute.slice_lattice import Combo, ComboCounts, tally
from fairness_widgets.compute.slice_rows import FrameRoles

_LABEL, _PRED, _COUNT, _WHICH = "__fw_label__", "__fw_pred__", "__fw_n__", "__fw_which__"
#: A numeric feature with more distinct values than this is refused on an engine: its
#: quantiles are computed exactly from the distinct values, which must fit in memory.
MAX_DISTINCT_NUMBERS = 2_000_000
#: The cube (every feature crossed, with label and prediction) is collected when it has at
#: most this many rows; otherwise each feature combination is a group-by of its own.
MAX_CUBE_ROWS = 2_000_000

Frame = nw.DataFrame[Any] | nw.LazyFrame[Any]


def outcome_columns(roles: FrameRoles) -> list[nw.Expr]:
    """The label and the prediction at the audit threshold, derived as in ``engines.py``."""
    derived = [nw.col(roles.y_true).alias(_LABEL)]
    if roles.y_score is None:
        derived.append(nw.col(str(roles.y_pred)).alias(_PRED))
    else:
        score = nw.col(roles.y_score).cast(nw.Float64).fill_nan(None)
        derived.append((score >= roles.threshold).cast(nw.Int8).alias(_PRED))
    return derived


def confusion_cell(roles: FrameRoles, table: pd.DataFrame) -> NDArray[np.int64]:
    """``2 * y_true + y_pred`` of each row of an aggregated table, as the audit mapped them."""
    for column, role in ((_LABEL, "y_true"), (_PRED, "y_score" if roles.y_score else "y_pred")):
        if table[column].isna().any():
            raise ValueError(
                f"{role} now has missing values, which it had not when the audit was built: "
                "the table changed. Build the audit again from the table as it is."
            )
    true_levels, pred_levels = distinct(table[_LABEL]), distinct(table[_PRED])
    seen = None
    if roles.y_score is None and roles.pos_label is not None:
        seen = true_levels + [value for value in pred_levels if value not in true_levels]
    label = table[_LABEL].isin(positive_levels(true_levels, "y_true", roles.pos_label, seen=seen))
    if roles.y_score is None:
        prediction = table[_PRED].isin(positive_levels(pred_levels, "y_pred", roles.pos_label, seen=seen))
    else:
        prediction = table[_PRED] == 1
    return 2 * label.to_numpy(dtype=np.int64) + prediction.to_numpy(dtype=np.int64)


def _collect(frame: Frame) -> pd.DataFrame:
    # Through Arrow, as engines.py does: the tables are small, and Spark's own pandas
    # conversion warns about pandas 3.
    return (frame.collect("pyarrow") if isinstance(frame, nw.LazyFrame) else frame).to_pandas()


def _column(index: int) -> str:
    return f"__fw_feature_{index}__"


@dataclass
class _Key:
    """One feature: how the engine groups by it, and how its groups read back as levels."""

    name: str
    value: nw.Expr
    numeric: bool
    #: Known once its values are: from the histogram (numeric) or the cube / a group-by.
    feature: SliceFeature | None = None
    #: The sorted distinct values of a categorical feature (level i is values[i]).
    values: list[Any] | None = None

    def expr(self) -> nw.Expr:
        """The raw value, or the bin number (-1 when missing: pandas and Dask compare a
        missing value as False, so it is set apart explicitly)."""
        if self.feature is None or self.feature.edges is None:
            return self.value
        edges = self.feature.edges
        bin_number = (self.value >= edges[0]).cast(nw.Int32)
        for edge in edges[1:]:
            bin_number = bin_number + (self.value >= edge).cast(nw.Int32)
        return nw.when(self.value.is_null()).then(nw.lit(-1, dtype=nw.Int32)).otherwise(bin_number)

    def codes(self, keys: pd.Series) -> NDArray[np.int64]:
        """Levels of the groups :meth:`expr` made."""
        feature = self.feature
        if feature is None:
            raise RuntimeError(f"The levels of {self.name!r} are read before any count.")
        missing_level = feature.n_levels - 1
        if feature.edges is not None:
            numbers = keys.to_numpy(dtype=np.float64, na_value=-1.0).astype(np.int64)
            return np.where(numbers < 0, missing_level, numbers)
        absent = keys.isna().to_numpy()
        if self.numeric:  # numbers may come back as floats (a column with nulls): compare as such
            levels = np.asarray(self.values, dtype=np.float64)
            numbers = keys.to_numpy(dtype=np.float64, na_value=np.nan)
            codes = np.minimum(np.searchsorted(levels, numbers), len(levels) - 1)
            unknown = ~absent & (levels[codes] != numbers)
        else:
            codes = pd.Categorical(keys, categories=self.values).codes.astype(np.int64)
            unknown = ~absent & (codes < 0)
        if unknown.any():
            raise ValueError(
                f"Feature {self.name!r} has values that were not in the table when its levels "
                "were read: the table changed. Build the audit again from the table as it is."
            )
        return np.where(absent, missing_level, codes)


class EngineCounter:
    """Counts slices of a table on its own engine; see the module docstring."""

    def __init__(
        self, data: Any, roles: FrameRoles, names: Sequence[str], *, n_bins: int, missing: MissingPolicy
    ) -> None:
        self.frame = _to_narwhals(data).with_columns(*outcome_columns(roles))
        self.roles = roles
        schema = self.frame.collect_schema()
        self.keys = [
            _Key(
                name,
                nw.col(name).fill_nan(None) if schema[name].is_float() else nw.col(name),
                schema[name].is_numeric() and schema[name] != nw.Boolean,
            )
            for name in names
        ]
        self.policies = [roles.missing if name in roles.sensitive else missing for name in names]
        self.n_bins = n_bins
        distinct_counts, n_rows = self._profile()
        self._bin_numeric_features()
        levels = [
            self.n_bins + 1 if key.numeric and count > self.n_bins + 2 else count + 1
            for key, count in zip(self.keys, distinct_counts, strict=True)
        ]
        cube_rows = min(float(n_rows), float(np.prod(levels, dtype=np.float64)) * 4)
        self.cube = self._cube() if cube_rows <= MAX_CUBE_ROWS else None
        self.singles: dict[Combo, ComboCounts] = {} if self.cube is not None else self._singles()

    @property
    def features(self) -> tuple[SliceFeature, ...]:
        return tuple(key.feature for key in self.keys if key.feature is not None)

    def _profile(self) -> tuple[list[int], int]:
        """Distinct values of each feature (identifiers refused here), and the row count."""
        counts = self.frame.select(
            nw.len().alias(_COUNT),
            *(nw.col(key.name).n_unique().alias(_column(i)) for i, key in enumerate(self.keys)),
        )
        row = _collect(counts).iloc[0]
        distinct_counts = []
        for index, key in enumerate(self.keys):
            count = int(row[_column(index)])
            # n_unique may count a null and a NaN as values: two more than the levels at most.
            if not key.numeric and count - 2 > MAX_LEVELS:
                check_level_count(key.name, count, [])  # an identifier: refused before grouping by it
            if key.numeric and count > MAX_DISTINCT_NUMBERS:
                raise ValueError(
                    f"Feature {key.name!r} has {count:,} distinct values, more than the "
                    f"{MAX_DISTINCT_NUMBERS:,} whose quantiles are computed exactly on this engine. "
                    "Round it or cut it into bins first (or slice an in-memory pandas sample)."
                )
            distinct_counts.append(count)
        return distinct_counts, int(row[_COUNT])

    def _bin_numeric_features(self) -> None:
        """One query: each numeric feature's distinct values and their counts (as floats,
        so that the stacked group-bys share a type; exact for integers below 2^53)."""
        numeric = [index for index, key in enumerate(self.keys) if key.numeric]
        if not numeric:
            return
        parts: list[Any] = []  # all lazy or all eager, as the table is
        for index in numeric:
            grouped = self.frame.group_by(self.keys[index].value.cast(nw.Float64).alias(_column(index)))
            counted = grouped.agg(nw.len().alias(_COUNT))
            parts.append(
                counted.with_columns(
                    *(
                        nw.lit(None, dtype=nw.Float64).alias(_column(other))
                        for other in numeric
                        if other != index
                    ),
                    nw.lit(index, dtype=nw.Int32).alias(_WHICH),
                ).select(*(_column(other) for other in numeric), _COUNT, _WHICH)
            )
        table = _collect(nw.concat(parts, how="vertical"))
        for index in numeric:
            rows = table[table[_WHICH] == index]
            values, counts = rows[_column(index)], rows[_COUNT].to_numpy(dtype=np.int64)
            absent = values.isna().to_numpy()
            # Some engines group -0.0 and 0.0 apart; they are one value (as numpy has it).
            present, position = np.unique(values[~absent].to_numpy(dtype=np.float64), return_inverse=True)
            summed = np.bincount(position, weights=counts[~absent], minlength=len(present))
            key = self.keys[index]
            key.feature = feature_from_values(
                key.name,
                present,
                np.rint(summed).astype(np.int64),
                numeric=True,
                n_bins=self.n_bins,
                n_missing=int(counts[absent].sum()),
                missing=self.policies[index],
            )
            key.values = None if key.feature.edges is not None else [float(v) for v in present]

    def _categorical(self, index: int, raw: pd.Series, counts: NDArray[np.int64]) -> None:
        """Levels of a feature that is not binned, from its groups and their row counts."""
        key = self.keys[index]
        if key.feature is not None:  # numeric: known from the histogram
            return
        absent = raw.isna().to_numpy()
        values = sorted_distinct(list(pd.unique(raw[~absent])))
        key.feature = feature_from_values(
            key.name,
            values,
            np.ones(len(values), dtype=np.int64),
            numeric=False,
            n_bins=self.n_bins,
            n_missing=int(counts[absent].sum()),
            missing=self.policies[index],
        )
        key.values = values

    def _cube(self) -> ArrayCounter:
        """One group-by on every feature, label and prediction; counted from in numpy."""
        columns = [key.expr().alias(_column(index)) for index, key in enumerate(self.keys)]
        table = _collect(self.frame.group_by([*columns, _LABEL, _PRED]).agg(nw.len().alias(_COUNT)))
        counts = table[_COUNT].to_numpy(dtype=np.int64)
        for index in range(len(self.keys)):
            self._categorical(index, table[_column(index)], counts)
        return ArrayCounter(
            features=self.features,
            codes=[key.codes(table[_column(index)]) for index, key in enumerate(self.keys)],
            cell=confusion_cell(self.roles, table),
            weights=counts,
        )

    def _grouped(self, combo: Combo) -> pd.DataFrame:
        columns = [self.keys[index].expr().alias(_column(index)) for index in combo]
        return _collect(self.frame.group_by([*columns, _LABEL, _PRED]).agg(nw.len().alias(_COUNT)))

    def _tally(self, combo: Combo, table: pd.DataFrame) -> ComboCounts:
        keys = [self.keys[index] for index in combo]
        n_levels = [key.feature.n_levels for key in keys if key.feature is not None]
        slice_key = np.zeros(len(table), dtype=np.int64)
        for index, key, levels in zip(combo, keys, n_levels, strict=True):
            slice_key = slice_key * levels + key.codes(table[_column(index)])
        weights = table[_COUNT].to_numpy(dtype=np.int64)
        return tally(combo, slice_key * 4 + confusion_cell(self.roles, table), n_levels, weights=weights)

    def _singles(self) -> dict[Combo, ComboCounts]:
        """Without a cube: a group-by per feature gives its levels and its slices' counts."""
        singles: dict[Combo, ComboCounts] = {}
        for index in range(len(self.keys)):
            table = self._grouped((index,))
            self._categorical(index, table[_column(index)], table[_COUNT].to_numpy(dtype=np.int64))
            singles[index,] = self._tally((index,), table)
        return singles

    def count(self, combos: Sequence[Combo]) -> list[ComboCounts]:
        if self.cube is not None:
            return self.cube.count(combos)
        return [
            self.singles[combo] if combo in self.singles else self._tally(combo, self._grouped(combo))
            for combo in combos
        ]
