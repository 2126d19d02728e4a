"""The worst slices of the data for a metric, with honest statistics.

:func:`find_slices` searches the lattice of feature crosses (``slice_lattice``) and
tests every slice with enough support against the rest (``slice_statistics``); the
:class:`Slices` it returns ranks them and answers the follow-up questions from the
counts: one slice's every metric against the rest (:meth:`Slices.drill_down`), and a
two-feature cross as a grid (:meth:`Slices.cross`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from fairness_widgets.compute.groups import CROSS
from fairness_widgets.compute.metrics import METRICS, Metric
from fairness_widgets.compute.slice_drill_down import drill_down_table
from fairness_widgets.compute.slice_features import AND, SliceFeature
from fairness_widgets.compute.slice_lattice import Combo, ComboCounts, Lattice, successes_and_trials
from fairness_widgets.compute.slice_statistics import (
    FdrMethod,
    Worse,
    fisher_p_value,
    newcombe_interval,
    q_values,
)
from fairness_widgets.compute.slice_subsumption import Flagged, subsumed_by

COLUMNS = [
    "slice",
    "order",
    "features",
    "size",
    "n",
    "value",
    "rest_value",
    "effect",
    "ci_low",
    "ci_high",
    "p_value",
    "q_value",
    "significant",
    "subsumed_by",
    "tn",
    "fp",
    "fn",
    "tp",
]


@dataclass(frozen=True)
class ComboStats:
    """Every slice of one feature combination: its metric against the rest."""

    counts: ComboCounts
    successes: NDArray[np.int64]
    trials: NDArray[np.int64]
    tested: NDArray[np.bool_]
    value: NDArray[np.float64]
    rest_value: NDArray[np.float64]
    effect: NDArray[np.float64]
    p_value: NDArray[np.float64]
    #: Filled in once every p-value of the search is known (NaN where not tested).
    q_value: NDArray[np.float64]


def _effect(value: NDArray[np.float64], rest: NDArray[np.float64], worse: Worse) -> NDArray[np.float64]:
    if worse == "lower":
        return rest - value
    if worse == "higher":
        return value - rest
    return np.abs(value - rest)


def combo_stats(
    counts: ComboCounts, metric: Metric, worse: Worse, min_support: int, totals: tuple[int, int]
) -> ComboStats:
    """Value, rest value, effect and exact p-value of each slice of a combination."""
    total_successes, total_trials = totals
    successes, trials = successes_and_trials(metric, counts.matrix)
    tested = (trials >= min_support) & (trials < total_trials)
    with np.errstate(divide="ignore", invalid="ignore"):
        value = np.where(trials > 0, successes / np.maximum(trials, 1), np.nan)
        rest_trials = total_trials - trials
        rest_value = np.where(
            rest_trials > 0, (total_successes - successes) / np.maximum(rest_trials, 1), np.nan
        )
    return ComboStats(
        counts=counts,
        successes=successes,
        trials=trials,
        tested=tested,
        value=value,
        rest_value=rest_value,
        effect=_effect(value, rest_value, worse),
        p_value=np.full(len(trials), np.nan),  # filled in for every combination at once
        q_value=np.full(len(trials), np.nan),
    )


@dataclass(frozen=True)
class Slices:
    """Slices of the data ranked by how much worse the metric is in them than in the rest.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per slice tested (at least ``min_support`` people): ``slice`` (as text),
        ``order`` (features fixed), ``features`` (``"sex × age"``), ``size`` (rows), ``n``
        (people the metric is measured on), ``value``, ``rest_value`` (everyone else),
        ``effect`` (how much worse, see ``worse``) with the Newcombe interval ``ci_low``,
        ``ci_high``; ``p_value`` (exact one-sided Fisher test), ``q_value`` (false
        discovery rate adjusted), ``significant`` (``q_value <= fdr``), ``subsumed_by``
        (a significant parent slice that explains it: within that parent, this slice is
        no worse than the parent's other rows), and the confusion counts ``tn, fp, fn, tp``.
        Sorted: significant slices that nothing subsumes first, by effect; then the
        subsumed ones; then the others by p-value.
    metric, worse, fdr, min_support, max_order
        What was searched for: ``worse`` is ``"lower"`` (the effect is the rest's value
        minus the slice's), ``"higher"`` (the reverse) or ``"either"`` (the absolute
        difference, two-sided tests).
    n_tested : int
        Slices tested (rows of ``table``).
    family_size : int
        The number of tests the q-values are adjusted for: ``n_tested`` plus an upper
        bound on the slices with enough support that pruning left uncounted.
    features : tuple of SliceFeature
        Each feature's levels or bins and their predicates.
    combinations_counted, combinations_skipped : tuple of int
        Feature combinations counted, and left out by pruning, at each order 1, 2, ...
    """

    table: pd.DataFrame
    metric: str
    worse: Worse
    fdr: float
    fdr_method: FdrMethod
    min_support: int
    max_order: int
    n_tested: int
    family_size: int
    features: tuple[SliceFeature, ...]
    confidence: float
    combinations_counted: tuple[int, ...]
    combinations_skipped: tuple[int, ...]
    #: Confusion counts of everyone: (tn, fp, fn, tp).
    overall: NDArray[np.int64] = field(repr=False)
    stats: dict[Combo, ComboStats] = field(repr=False, compare=False)

    @property
    def significant(self) -> pd.DataFrame:
        """The significant slices that no significant parent subsumes, worst first."""
        table = self.table
        return table[table["significant"] & table["subsumed_by"].isna()].reset_index(drop=True)

    @property
    def crosses(self) -> list[tuple[str, str]]:
        """Pairs of features whose every slice was counted (what :meth:`cross` can show)."""
        names = [feature.name for feature in self.features]
        return [(names[a], names[b]) for a, b in (combo for combo in self.stats if len(combo) == 2)]

    @cached_property
    def _predicates(self) -> dict[str, tuple[int, int]]:
        return {
            predicate: (index, level)
            for index, feature in enumerate(self.features)
            for level, predicate in enumerate(feature.predicates)
        }

    def _locate(self, slice_: str | Mapping[str, str]) -> tuple[Combo, NDArray[np.intp]]:
        names = [feature.name for feature in self.features]
        if isinstance(slice_, str):
            parts = [part.strip() for part in slice_.split(AND.strip())]
            unknown = [part for part in parts if part not in self._predicates]
            if unknown:
                raise ValueError(
                    f"{unknown[0]!r} is not a predicate of this search. Copy a slice from "
                    "table['slice'], or pass a mapping such as {'sex': 'Female', 'age': '[28, 37)'}."
                )
            located = sorted(self._predicates[part] for part in parts)
        else:
            located = []
            for name, label in slice_.items():
                if name not in names:
                    raise ValueError(f"{name!r} is not a feature of this search; its features are {names}.")
                labels = self.features[names.index(name)].labels
                if label not in labels:
                    raise ValueError(f"{label!r} is not a level of {name!r}; its levels are {list(labels)}.")
                located.append((names.index(name), labels.index(label)))
            located.sort()
        combo = tuple(index for index, _ in located)
        if len(set(combo)) != len(combo) or not combo:
            raise ValueError("A slice fixes each feature at most once, and at least one feature.")
        return combo, np.array([[level for _, level in located]], dtype=np.intp)

    def counts_of(self, slice_: str | Mapping[str, str]) -> NDArray[np.int64]:
        """The confusion counts (tn, fp, fn, tp) of a slice, from the search's counts."""
        combo, codes = self._locate(slice_)
        if len(combo) > self.max_order:
            raise ValueError(
                f"The slice fixes {len(combo)} features and the search went up to {self.max_order}. "
                f"Search again with max_order={len(combo)} to count it."
            )
        if combo not in self.stats:
            names = CROSS.join(self.features[index].name for index in combo)
            raise ValueError(
                f"The slices of {names} were not counted: pruning (min_support={self.min_support}, "
                "min_effect, the significance bound) showed none of them could be flagged. Search "
                "again with a smaller min_support or min_effect to count them."
            )
        counts = self.stats[combo].counts
        levels = [self.features[index].n_levels for index in combo]
        key = np.ravel_multi_index(tuple(codes.T), tuple(levels)).astype(np.int64)
        row = counts.find(key)
        if row[0] >= len(counts.keys) or counts.keys[row[0]] != key[0]:
            return np.zeros(4, dtype=np.int64)  # nobody in this slice
        return np.asarray(counts.matrix[row[0]], dtype=np.int64)

    def drill_down(self, slice_: str | Mapping[str, str]) -> pd.DataFrame:
        """Every metric of a slice against the rest, with intervals and p-values.

        Parameters
        ----------
        slice_ : str or mapping
            A slice as in ``table["slice"]`` (``"sex = Female ∧ age ∈ [28, 37)"``), or
            as ``{feature: level}`` with the level names of ``features``.

        Returns
        -------
        pandas.DataFrame
            One row per metric: ``value`` (``ci_low``, ``ci_high``, ``n``) in the slice,
            ``rest_value`` (``rest_ci_low``, ``rest_ci_high``, ``rest_n``) in everyone
            else, ``difference`` (slice minus rest) with its Newcombe interval, and the
            two-sided Fisher p-value for rates (not adjusted for the search).
        """
        inside = self.counts_of(slice_)
        return drill_down_table(inside, self.overall - inside, self.confidence)

    def cross(self, first: str, second: str) -> pd.DataFrame:
        """Every observed slice of two features, for a heat map: one row per pair of levels."""
        names = [feature.name for feature in self.features]
        for name in (first, second):
            if name not in names:
                raise ValueError(f"{name!r} is not a feature of this search; its features are {names}.")
        a, b = names.index(first), names.index(second)
        if a == b:
            raise ValueError("cross() needs two different features.")
        combo = (min(a, b), max(a, b))
        if combo not in self.stats:
            raise ValueError(
                f"The slices of {first} × {second} were not counted: pruning (min_support="
                f"{self.min_support}, min_effect, the significance bound) showed none of them could be "
                f"flagged. Counted pairs: {self.crosses}."
            )
        stats = self.stats[combo]
        codes = stats.counts.codes if a < b else stats.counts.codes[:, ::-1]
        return pd.DataFrame(
            {
                first: np.asarray(self.features[a].labels, dtype=object)[codes[:, 0]],
                second: np.asarray(self.features[b].labels, dtype=object)[codes[:, 1]],
                "size": stats.counts.matrix.sum(axis=1),
                "n": stats.trials,
                "value": stats.value,
                "rest_value": stats.rest_value,
                "effect": stats.effect,
                "tested": stats.tested,
                "p_value": stats.p_value,
                "q_value": stats.q_value,
                "significant": stats.q_value <= self.fdr,
            }
        )

    def __repr__(self) -> str:
        label = METRICS[self.metric].label.lower()
        worse = {"lower": "lower is worse", "higher": "higher is worse", "either": "two-sided"}[self.worse]
        top = self.significant
        subsumed = int(self.table["significant"].sum()) - len(top)
        lines = [
            f"Slices({label}, {worse}; {self.n_tested:,} slices tested up to order {self.max_order}; "
            f"{len(top):,} flagged at FDR {self.fdr:g}, and {subsumed:,} inside them that add nothing)"
        ]
        for rank, row in enumerate(top.head(5).itertuples(index=False), start=1):
            lines.append(
                f"  {rank}. {row.slice}: {row.value:.3f} vs {row.rest_value:.3f} "
                f"(effect {row.effect:.3f} [{row.ci_low:.3f}, {row.ci_high:.3f}], "
                f"q {row.q_value:.2g}, n {row.n:,})"
            )
        if len(top) > 5:
            lines.append(f"  ... {len(top) - 5:,} more in .significant")
        return "\n".join(lines)


def _interval(
    stats: ComboStats, rows: NDArray[np.intp], worse: Worse, totals: tuple[int, int], confidence: float
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    k, n = stats.successes[rows], stats.trials[rows]
    rest_k, rest_n = totals[0] - k, totals[1] - n
    slice_minus_rest = newcombe_interval(k, n, rest_k, rest_n, confidence)
    rest_minus_slice = newcombe_interval(rest_k, rest_n, k, n, confidence)
    if worse == "higher":
        return slice_minus_rest
    if worse == "lower":
        return rest_minus_slice
    higher = stats.value[rows] >= stats.rest_value[rows]
    return (
        np.where(higher, slice_minus_rest[0], rest_minus_slice[0]),
        np.where(higher, slice_minus_rest[1], rest_minus_slice[1]),
    )


def slice_table(
    lattice: Lattice,
    features: tuple[SliceFeature, ...],
    *,
    metric: Metric,
    worse: Worse,
    min_support: int,
    fdr: float,
    fdr_method: FdrMethod,
    confidence: float,
) -> tuple[pd.DataFrame, dict[Combo, ComboStats], int, int]:
    """Statistics of every counted slice and the ranked table of those tested."""
    overall = next(iter(lattice.counts.values())).matrix.sum(axis=0)
    successes, trials = successes_and_trials(metric, overall[None, :])
    totals = (int(successes[0]), int(trials[0]))
    stats = {
        combo: combo_stats(counts, metric, worse, min_support, totals)
        for combo, counts in lattice.counts.items()
    }
    # One p-value computation for every slice, not one per combination.
    all_p = fisher_p_value(
        np.concatenate([s.successes[s.tested] for s in stats.values()]),
        np.concatenate([s.trials[s.tested] for s in stats.values()]),
        *totals,
        worse,
    )
    n_tested = len(all_p)
    family_size = n_tested + lattice.untested_bound
    all_q = q_values(all_p, family_size, fdr_method)
    start = 0
    for s in stats.values():
        count = int(s.tested.sum())
        s.p_value[s.tested] = all_p[start : start + count]
        s.q_value[s.tested] = all_q[start : start + count]
        start += count

    flagged = {
        combo: Flagged(s.counts, s.successes, s.trials, s.effect, s.q_value <= fdr)
        for combo, s in stats.items()
    }
    n_levels = [feature.n_levels for feature in features]
    subsumed = subsumed_by(flagged, n_levels, worse=worse, fdr=fdr)

    def text(combo: Combo, codes: NDArray[np.intp]) -> str:
        return AND.join(
            features[feature].predicates[level] for feature, level in zip(combo, codes, strict=True)
        )

    columns: dict[str, list[Any]] = {name: [] for name in COLUMNS}
    for combo, s in stats.items():
        rows = np.flatnonzero(s.tested)
        parents = [subsumed.get((combo, int(row))) for row in rows]
        low, high = _interval(s, rows, worse, totals, confidence)
        matrix = s.counts.matrix[rows]
        columns["slice"].append([text(combo, s.counts.codes[row]) for row in rows])
        columns["order"].append(np.full(len(rows), len(combo)))
        columns["features"].append([CROSS.join(features[feature].name for feature in combo)] * len(rows))
        columns["size"].append(matrix.sum(axis=1))
        columns["n"].append(s.trials[rows])
        for name, values in (("value", s.value), ("rest_value", s.rest_value), ("effect", s.effect)):
            columns[name].append(values[rows])
        columns["ci_low"].append(low)
        columns["ci_high"].append(high)
        columns["p_value"].append(s.p_value[rows])
        columns["q_value"].append(s.q_value[rows])
        columns["significant"].append(flagged[combo].significant[rows])
        columns["subsumed_by"].append(
            [
                None if parent is None else text(parent[0], stats[parent[0]].counts.codes[parent[1]])
                for parent in parents
            ]
        )
        for index, cell in enumerate(("tn", "fp", "fn", "tp")):
            columns[cell].append(matrix[:, index])
    table = pd.DataFrame(
        {
            name: np.asarray([item for part in parts for item in part], dtype=object)
            if name in ("slice", "features", "subsumed_by")
            else np.concatenate(parts)
            if parts
            else np.array([])
            for name, parts in columns.items()
        }
    )
    significant = table["significant"].to_numpy(dtype=bool)
    p_value = table["p_value"].to_numpy(dtype=np.float64)
    order = np.lexsort(
        (
            table["slice"].to_numpy(dtype=str),
            p_value,
            np.where(significant, -table["effect"].to_numpy(dtype=np.float64), p_value),
            table["subsumed_by"].notna().to_numpy(),
            ~significant,
        )
    )
    table = table.iloc[order].reset_index(drop=True)[COLUMNS]
    return table, stats, n_tested, family_size
