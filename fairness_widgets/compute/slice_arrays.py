"""The in-memory slice counter: features as integer codes, one ``np.bincount`` per combination."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from fairness_widgets.compute.groups import MISSING_GROUP, Attribute, MissingPolicy, factorize_in_chunks
from fairness_widgets.compute.slice_features import (
    SliceFeature,
    categorical_feature,
    feature_from_values,
)
from fairness_widgets.compute.slice_lattice import Combo, ComboCounts, tally

Codes = NDArray[np.int64]


def _with_missing_code(codes: NDArray[Any], missing_rows: NDArray[np.bool_], feature: SliceFeature) -> Codes:
    codes = codes.astype(np.int64)
    if feature.has_missing_level:
        codes[missing_rows] = feature.n_levels - 1
    return codes


def encode_column(
    name: str, column: pd.Series, n_bins: int, missing: MissingPolicy
) -> tuple[SliceFeature, Codes]:
    """A column's levels or bins, and each row's level."""
    dtype = column.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        raw = column.cat.codes.to_numpy()
        present = raw >= 0
        used = np.flatnonzero(np.bincount(raw[present], minlength=len(dtype.categories)))
        feature = categorical_feature(name, list(dtype.categories[used]), int((~present).sum()), missing)
        recode = np.zeros(len(dtype.categories), dtype=np.int64)
        recode[used] = np.arange(len(used))
        return feature, _with_missing_code(np.where(present, recode[raw], 0), ~present, feature)
    if pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_bool_dtype(dtype):
        values = column.to_numpy(dtype=np.float64, na_value=np.nan)
        absent = np.isnan(values)
        distinct, counts = np.unique(values[~absent], return_counts=True)
        feature = feature_from_values(
            name, distinct, counts, numeric=True, n_bins=n_bins, n_missing=int(absent.sum()), missing=missing
        )
        if feature.edges is not None:
            codes = np.searchsorted(np.asarray(feature.edges), values, side="right")
        else:
            codes = np.searchsorted(distinct, values)
        return feature, _with_missing_code(codes, absent, feature)
    raw_codes, uniques = factorize_in_chunks(column)
    absent = raw_codes < 0
    feature = feature_from_values(
        name,
        uniques,
        np.ones(len(uniques), dtype=np.int64),
        numeric=False,
        n_bins=n_bins,
        n_missing=int(absent.sum()),
        missing=missing,
    )
    return feature, _with_missing_code(raw_codes, absent, feature)


def encode_attribute(attribute: Attribute) -> tuple[SliceFeature, Codes]:
    """A sensitive column of the audit (already group codes) as a feature."""
    used = np.flatnonzero(np.bincount(attribute.codes, minlength=attribute.n_groups))
    labels = [attribute.levels[index] for index in used]
    predicates = [
        f"{attribute.name} is missing" if label == MISSING_GROUP else f"{attribute.name} = {label}"
        for label in labels
    ]
    recode = np.zeros(attribute.n_groups, dtype=np.int64)
    recode[used] = np.arange(len(used))
    feature = SliceFeature(attribute.name, tuple(labels), tuple(predicates))
    return feature, recode[attribute.codes]


@dataclass(frozen=True)
class ArrayCounter:
    """Counts slices of in-memory rows.

    Attributes
    ----------
    features : tuple of SliceFeature
        The features, in the order of ``codes``.
    codes : list of ndarray of int64
        Each row's level of each feature.
    cell : ndarray of int64
        Each row's confusion cell, ``2 * y_true + y_pred`` (0 tn, 1 fp, 2 fn, 3 tp).
    weights : ndarray of int64, optional
        Rows each row stands for, when the rows are an aggregated table (an engine's cube).
    """

    features: tuple[SliceFeature, ...]
    codes: list[Codes]
    cell: Codes
    weights: Codes | None = None

    def count(self, combos: Sequence[Combo]) -> list[ComboCounts]:
        return [self._count(combo) for combo in combos]

    def _count(self, combo: Combo) -> ComboCounts:
        n_levels = [self.features[feature].n_levels for feature in combo]
        key = self.codes[combo[0]].copy()
        for feature, levels in zip(combo[1:], n_levels[1:], strict=True):
            key *= levels
            key += self.codes[feature]
        key *= 4
        key += self.cell
        return tally(combo, key, n_levels, weights=self.weights)
