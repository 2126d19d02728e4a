"""The predicates a slice is made of: a feature's levels, or a numeric feature's bins.

A categorical feature gives one predicate per value (``sex = Female``). A numeric feature
with more distinct values than bins is cut at quantiles into bins that keep tied values
together (``age < 28``, ``age ∈ [28, 37)``, ``age ≥ 60``; a bin holding a single value
reads ``capital_gain = 0``). Edges come from the distinct values and their counts, exactly
(the same edges from every engine), shortened to the fewest decimals that split the data
the same way; a row's bin is the number of edges at or below its value.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from fairness_widgets.compute.groups import MAX_LEVELS, MISSING_GROUP, MissingPolicy

#: Quantile bins of a numeric feature unless asked otherwise (quartiles).
DEFAULT_BINS = 4
#: Joins the predicates of a slice.
AND = " ∧ "


@dataclass(frozen=True)
class SliceFeature:
    """One feature of a slice search and the predicates its levels stand for.

    Attributes
    ----------
    name : str
        The column.
    labels : tuple of str
        Each level's name: the value (``"Female"``), or the bin (``"[28, 37)"``); the last
        level is ``"(missing)"`` when missing values form a level.
    predicates : tuple of str
        Each level as text: ``"sex = Female"``, ``"age ∈ [28, 37)"``, ``"age is missing"``.
    edges : tuple of float, or None
        Bin edges of a binned numeric feature (level ``i`` holds ``edges[i-1] <= x <
        edges[i]``, the first everything below ``edges[0]``, the last everything from
        ``edges[-1]``); None for a categorical one.
    """

    name: str
    labels: tuple[str, ...]
    predicates: tuple[str, ...]
    edges: tuple[float, ...] | None = None

    @property
    def n_levels(self) -> int:
        return len(self.labels)

    @property
    def is_binned(self) -> bool:
        return self.edges is not None

    @property
    def has_missing_level(self) -> bool:
        return self.labels[-1] == MISSING_GROUP


def format_number(value: float) -> str:
    """Shortest text that reads back as ``value``: ``37``, ``0.25``, ``1e+20``.

    Examples
    --------
    >>> format_number(37.0), format_number(0.1 + 0.2), format_number(-2.5)
    ('37', '0.30000000000000004', '-2.5')
    """
    number = float(value)
    if number.is_integer() and abs(number) < 1e16:
        return str(int(number))
    return repr(number)


def format_value(value: Any) -> str:
    """A categorical value as a level name; numbers print alike from every engine (1.0 as 1)."""
    if isinstance(value, (float, np.floating)) or (
        isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_))
    ):
        return format_number(float(value))
    return str(value)


def _missing_error(name: str, count: int) -> ValueError:
    return ValueError(
        f"Feature {name!r} has {count:,} missing value(s) (NaN/None). Fill them (e.g. "
        f"df[{name!r}].fillna(...)), drop the feature, or pass missing='group' to slice them "
        f"as a level named {MISSING_GROUP!r}."
    )


def check_level_count(name: str, n_levels: int, values: list[str]) -> None:
    """Refuse a feature with a single level, or with so many that it is an identifier."""
    if n_levels < 2:
        only = repr(values[0]) if values else "nothing"
        raise ValueError(
            f"Feature {name!r} has a single value ({only}): it cannot split the rows into "
            "slices. Drop it from features."
        )
    if n_levels > MAX_LEVELS:
        raise ValueError(
            f"Feature {name!r} has {n_levels:,} distinct values (more than {MAX_LEVELS:,}), which "
            "looks like an identifier or free text, not a feature to slice by. Drop it from "
            f"features, or group it into fewer levels first (numeric columns are binned "
            "automatically)."
        )


def categorical_feature(name: str, values: list[Any], n_missing: int, missing: MissingPolicy) -> SliceFeature:
    """A feature whose levels are ``values`` (sorted, distinct, present), plus missing."""
    if n_missing and missing == "error":
        raise _missing_error(name, n_missing)
    labels = [format_value(value) for value in values]
    if len(set(labels)) != len(labels):
        raise ValueError(
            f"Feature {name!r} has distinct values that print the same (e.g. 1 and '1'). "
            "Convert the column to one type first, e.g. .astype(str)."
        )
    check_level_count(
        name, len(labels) + (1 if n_missing else 0), labels + ([MISSING_GROUP] if n_missing else [])
    )
    predicates = [f"{name} = {label}" for label in labels]
    if n_missing:
        labels.append(MISSING_GROUP)
        predicates.append(f"{name} is missing")
    return SliceFeature(name, tuple(labels), tuple(predicates))


def quantile_edges(
    values: NDArray[np.float64], counts: NDArray[np.int64], n_bins: int
) -> NDArray[np.float64]:
    """Edges cutting sorted distinct ``values`` (with row ``counts``) into ``n_bins`` bins of
    about equal rows; tied values stay in one bin, so there may be fewer bins.

    An edge is the first value with at least ``q`` of the rows below it, for ``q`` =
    1/n_bins, 2/n_bins, ...; a feature with two values or more always gets one edge.

    Examples
    --------
    >>> quantile_edges(np.arange(8.0), np.ones(8, dtype=np.int64), 4)
    array([2., 4., 6.])
    >>> quantile_edges(np.array([0.0, 5.0, 9.0]), np.array([90, 6, 4]), 4)  # mostly zeros
    array([5.])
    """
    below = np.cumsum(counts) - counts
    targets = np.arange(1, n_bins) * (below[-1] + counts[-1]) / n_bins
    positions = np.unique(np.searchsorted(below, targets, side="left"))
    positions = positions[(positions > 0) & (positions < len(values))]
    if len(positions) == 0 and len(values) > 1:
        # Most rows share the largest value: it gets a bin of its own.
        positions = np.array([len(values) - 1])
    return np.asarray(values[positions], dtype=np.float64)


def short_edge(below: float, edge: float) -> float:
    """The number with fewest decimals in ``(below, edge]``: a bin edge that reads well and
    splits the data exactly as ``edge`` does when no value lies between ``below`` and it.

    Examples
    --------
    >>> short_edge(74.4813, 74.49361998256673), short_edge(0.0, 114.0), short_edge(-0.68, -0.67)
    (74.49, 114, -0.67)
    """
    for digits in range(17):
        scale = 10.0**digits
        candidate = math.floor(edge * scale) / scale
        if below < candidate <= edge:
            return int(candidate) if digits == 0 else candidate
    return edge


def binned_feature(
    name: str,
    values: NDArray[np.float64],
    counts: NDArray[np.int64],
    *,
    n_bins: int,
    n_missing: int,
    missing: MissingPolicy,
) -> SliceFeature:
    """A numeric feature cut at quantiles, from its sorted distinct values and their counts."""
    if n_missing and missing == "error":
        raise _missing_error(name, n_missing)
    positions = np.searchsorted(values, quantile_edges(values, counts, n_bins))
    edges = [float(short_edge(values[position - 1], values[position])) for position in positions]
    bin_of_value = np.searchsorted(np.asarray(edges), values, side="right")
    labels, predicates = [], []
    for level in range(len(edges) + 1):
        inside = values[bin_of_value == level]
        if len(inside) == 1:
            label = format_number(float(inside[0]))
            predicates.append(f"{name} = {label}")
        else:
            if level == 0:
                label = f"< {format_number(edges[0])}"
            elif level == len(edges):
                label = f"≥ {format_number(edges[-1])}"
            else:
                label = f"[{format_number(edges[level - 1])}, {format_number(edges[level])})"
            predicates.append(f"{name} {label}" if level in (0, len(edges)) else f"{name} ∈ {label}")
        labels.append(label)
    if n_missing:
        labels.append(MISSING_GROUP)
        predicates.append(f"{name} is missing")
    return SliceFeature(name, tuple(labels), tuple(predicates), tuple(edges))


def feature_from_values(
    name: str,
    values: list[Any] | NDArray[Any],
    counts: NDArray[np.int64],
    *,
    numeric: bool,
    n_bins: int,
    n_missing: int,
    missing: MissingPolicy,
) -> SliceFeature:
    """Levels (few values, or not numeric) or quantile bins (numeric) of a feature, from its
    sorted distinct present values and their row counts."""
    if numeric and len(values) > n_bins:
        return binned_feature(
            name,
            np.asarray(values, dtype=np.float64),
            counts,
            n_bins=n_bins,
            n_missing=n_missing,
            missing=missing,
        )
    if len(values) > MAX_LEVELS:
        check_level_count(name, len(values), [])
    return categorical_feature(name, list(values), n_missing, missing)


def sorted_distinct(values: list[Any]) -> list[Any]:
    """Sort distinct values (by their text when their types do not compare)."""
    try:
        return sorted(values)
    except TypeError:
        return sorted(values, key=str)
