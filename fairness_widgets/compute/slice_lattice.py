"""The lattice search: slices of one feature, then of two, three, ..., pruned as it goes.

Level ``k`` holds the slices that fix ``k`` features. Its counts are asked of a
:class:`Counter` for each combination of ``k`` features still worth counting (numpy: one
``bincount`` each; an engine: sums over its cube, or one group-by each). The candidates
of level ``k + 1`` are the slices whose ``k + 1`` parents (one feature fewer) all have
enough support (the Apriori join of SliceLine / SliceFinder); a candidate, and every
slice inside it, holds at most the fewest successes, failures and people of its
parents. From those ceilings the smallest p-value and the largest effect any slice
inside it could reach are bounded exactly (``slice_statistics``), and a combination of
features is counted only when one of its candidates could hold a slice that is flagged:
p <= fdr, effect >= min_effect, at least ``min_support`` people.

Every counted slice with enough support is a test, pruned parent or not. A combination
that is never counted still counts in the false discovery rate: by an upper bound on
its slices with enough support (the join of its parents that have enough support, and
never more than ``rows / min_support``, since its slices are disjoint). So the
q-values are those of every slice the search could have reported, or larger.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from itertools import combinations
from typing import NamedTuple, Protocol

import numpy as np
from numpy.typing import NDArray

from fairness_widgets.compute.cells_from_arrays import DENSE_KEYS
from fairness_widgets.compute.metrics import Counts, Metric
from fairness_widgets.compute.slice_features import SliceFeature
from fairness_widgets.compute.slice_statistics import Worse, best_child_effect, best_child_p_value

Combo = tuple[int, ...]


@dataclass(frozen=True)
class ComboCounts:
    """Confusion counts of every observed slice of one combination of features.

    Attributes
    ----------
    features : tuple of int
        Indices of the features (ascending).
    codes : ndarray of intp, shape (n_slices, order)
        Each slice's level of each feature; rows sorted by ``keys``.
    matrix : ndarray of int64, shape (n_slices, 4)
        Each slice's (tn, fp, fn, tp).
    keys : ndarray of int64
        The codes as one mixed-radix number per slice (ascending), to look slices up.
    """

    features: Combo
    codes: NDArray[np.intp]
    matrix: NDArray[np.int64]
    keys: NDArray[np.int64]

    def find(self, keys: NDArray[np.int64]) -> NDArray[np.intp]:
        """Row of each of ``keys`` (which must be present)."""
        return np.searchsorted(self.keys, keys).astype(np.intp)


def mixed_radix(codes: NDArray[np.integer], n_levels: Sequence[int]) -> NDArray[np.int64]:
    """One integer per row of ``codes`` (shape (n, order)), ordered like the codes."""
    key = np.zeros(len(codes), dtype=np.int64)
    for column, levels in enumerate(n_levels):
        key = key * levels + codes[:, column]
    return key


def tally(
    features: Combo,
    key: NDArray[np.int64],
    n_levels: Sequence[int],
    weights: NDArray[np.int64] | None = None,
) -> ComboCounts:
    """Counts per slice from ``key = 4 * slice key + confusion cell`` of each row (or of
    each row of an aggregated table, with its row count in ``weights``)."""
    n_slices = int(np.prod(n_levels, dtype=np.float64))
    if n_slices * 4 <= DENSE_KEYS:
        flat = np.bincount(key, weights=weights, minlength=n_slices * 4)
        matrix = np.rint(flat).astype(np.int64).reshape(n_slices, 4)
        slice_keys = np.flatnonzero(matrix.sum(axis=1))
        matrix = matrix[slice_keys]
    else:
        distinct, position = np.unique(key, return_inverse=True)
        summed = np.bincount(position, weights=weights, minlength=len(distinct))
        slice_of, cell = np.divmod(distinct, 4)
        slice_keys, row = np.unique(slice_of, return_inverse=True)
        matrix = np.zeros((len(slice_keys), 4), dtype=np.int64)
        np.add.at(matrix, (row, cell), np.rint(summed).astype(np.int64))
    codes = np.column_stack(np.unravel_index(slice_keys, tuple(n_levels))).astype(np.intp)
    return ComboCounts(features=features, codes=codes, matrix=matrix, keys=slice_keys.astype(np.int64))


class Counter(Protocol):
    """Counts slices where the rows live: numpy for in-memory data, an engine otherwise."""

    @property
    def features(self) -> tuple[SliceFeature, ...]: ...

    def count(self, combos: Sequence[Combo]) -> list[ComboCounts]:
        """Counts of every slice of each combination, in one pass where the engine allows."""
        ...


@dataclass(frozen=True)
class SearchSettings:
    """What the search looks for (validated by the caller)."""

    metric: Metric
    worse: Worse
    min_support: int
    max_order: int
    fdr: float
    min_effect: float


@dataclass
class Lattice:
    """What the search counted, and how many slices it skipped could have been tests."""

    counts: dict[Combo, ComboCounts]
    #: Upper bound on slices with enough support in combinations never counted.
    untested_bound: int = 0
    #: Combinations counted and skipped, per level.
    counted_per_level: list[int] = field(default_factory=list)
    skipped_per_level: list[int] = field(default_factory=list)


def successes_and_trials(
    metric: Metric, matrix: NDArray[np.int64]
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """The metric's numerator and denominator for each row of a (n, 4) count matrix."""
    counts = Counts.from_matrix(matrix)
    if metric.numerator is None:
        raise ValueError(f"Metric {metric.key!r} is not a rate.")
    return (
        np.asarray(metric.numerator(counts), dtype=np.int64),
        np.asarray(metric.denominator(counts), dtype=np.int64),
    )


@dataclass(frozen=True)
class _Level:
    """The slices of one counted combination with enough support, as candidates' parents."""

    counts: ComboCounts
    codes: NDArray[np.intp]
    keys: NDArray[np.int64]
    successes: NDArray[np.int64]
    failures: NDArray[np.int64]
    trials: NDArray[np.int64]


def _supported_slices(counts: ComboCounts, settings: SearchSettings, total_trials: int) -> _Level:
    successes, trials = successes_and_trials(settings.metric, counts.matrix)
    # A slice holding everyone has no rest to compare with.
    keep = (trials >= settings.min_support) & (trials < total_trials)
    return _Level(
        counts=counts,
        codes=counts.codes[keep],
        keys=counts.keys[keep],
        successes=successes[keep],
        failures=trials[keep] - successes[keep],
        trials=trials[keep],
    )


def _join(left: NDArray[np.intp], right: NDArray[np.intp]) -> NDArray[np.intp]:
    """Pairs of rows of ``left`` and ``right`` (shape (n, k)) equal in their first k - 1
    columns, as rows of k + 1 columns: the prefix, left's last, right's last."""
    prefix = left.shape[1] - 1
    if prefix == 0:
        left_index = np.repeat(np.arange(len(left)), len(right))
        right_index = np.tile(np.arange(len(right)), len(left))
    else:
        width = int(max(left[:, :prefix].max(initial=0), right[:, :prefix].max(initial=0))) + 1
        left_keys = mixed_radix(left[:, :prefix], [width] * prefix)
        right_keys = mixed_radix(right[:, :prefix], [width] * prefix)
        order = np.argsort(right_keys, kind="stable")
        sorted_keys = right_keys[order]
        low = np.searchsorted(sorted_keys, left_keys, side="left")
        matches = np.searchsorted(sorted_keys, left_keys, side="right") - low
        left_index = np.repeat(np.arange(len(left)), matches)
        starts = np.repeat(np.cumsum(matches) - matches, matches)
        right_index = order[np.repeat(low, matches) + np.arange(matches.sum()) - starts]
    return np.column_stack([left[left_index], right[right_index, -1]]).astype(np.intp)


class Ceilings(NamedTuple):
    """The most successes, failures and people a slice (and any slice inside it) holds."""

    successes: NDArray[np.int64]
    failures: NDArray[np.int64]
    trials: NDArray[np.int64]


def candidates(combo: Combo, levels: dict[Combo, _Level], n_levels: Sequence[int]) -> Ceilings:
    """The slices of ``combo`` whose every parent (``combo`` minus one feature) has enough
    support, as the fewest successes, failures and people among their parents."""
    first, second = combo[:-1], combo[:-2] + combo[-1:]
    joined = _join(levels[first].codes, levels[second].codes)
    ceilings = [np.full(len(joined), np.iinfo(np.int64).max) for _ in range(3)]
    keep = np.ones(len(joined), dtype=bool)
    for position in range(len(combo)):
        parent = levels[combo[:position] + combo[position + 1 :]]
        columns = [column for column in range(len(combo)) if column != position]
        keys = mixed_radix(joined[:, columns], [n_levels[feature] for feature in parent.counts.features])
        row = np.minimum(np.searchsorted(parent.keys, keys), max(len(parent.keys) - 1, 0))
        found = parent.keys[row] == keys if len(parent.keys) else np.zeros(len(keys), dtype=bool)
        keep &= found
        for ceiling, values in zip(ceilings, (parent.successes, parent.failures, parent.trials), strict=True):
            np.minimum(ceiling, np.where(found, values[row] if len(values) else 0, 0), out=ceiling)
    return Ceilings(*(ceiling[keep] for ceiling in ceilings))


def _promising(
    ceilings: Ceilings, settings: SearchSettings, totals: tuple[int, int]
) -> tuple[NDArray[np.bool_], NDArray[np.bool_]]:
    """Which candidates could hold ``min_support`` people, and which could also hold a
    slice with p <= fdr and an effect of at least ``min_effect``."""
    fits = np.minimum(ceilings.trials, ceilings.successes + ceilings.failures) >= settings.min_support
    p_value = best_child_p_value(*ceilings, *totals, min_support=settings.min_support, worse=settings.worse)
    promising = fits & (p_value <= settings.fdr)
    if settings.min_effect > 0:
        effect = best_child_effect(*ceilings, *totals, min_support=settings.min_support, worse=settings.worse)
        promising &= effect >= settings.min_effect
    return fits, promising


def search_lattice(
    counter: Counter,
    settings: SearchSettings,
    progress: Callable[[str], None] | None = None,
) -> Lattice:
    """Count level after level, counting a combination only if a slice of it could be flagged."""
    features = counter.features
    n_levels = [feature.n_levels for feature in features]
    singles = [(index,) for index in range(len(features))]
    if progress is not None:
        progress(f"order 1: {len(singles)} features")
    level = counter.count(singles)
    lattice = Lattice(counts={counts.features: counts for counts in level})
    lattice.counted_per_level.append(len(level))
    lattice.skipped_per_level.append(0)
    total_successes, total_trials = (
        int(value[0]) for value in successes_and_trials(settings.metric, level[0].matrix.sum(axis=0)[None, :])
    )
    totals = (total_successes, total_trials)
    most_per_combo = total_trials // settings.min_support

    for order in range(2, min(settings.max_order, len(features)) + 1):
        parents_of_level = {
            counts.features: _supported_slices(counts, settings, total_trials) for counts in level
        }
        known: list[tuple[Combo, Ceilings]] = []
        skipped = 0
        for combo in combinations(range(len(features)), order):
            if all(combo[:i] + combo[i + 1 :] in parents_of_level for i in range(order)):
                known.append((combo, candidates(combo, parents_of_level, n_levels)))
            else:  # a parent combination was not counted: nothing is known but its size
                skipped += 1
                cells = int(np.prod([n_levels[feature] for feature in combo], dtype=np.float64))
                lattice.untested_bound += min(cells, most_per_combo)
        # One bound computation for the whole level, not one per combination.
        every = Ceilings(
            *(
                np.concatenate([ceilings[field] for _, ceilings in known]) if known else np.zeros(0, np.int64)
                for field in range(3)
            )
        )
        fits, promising = _promising(every, settings, totals)
        ends = np.cumsum([len(ceilings.trials) for _, ceilings in known])
        to_count: list[Combo] = []
        for (combo, _), combo_fits, combo_promising in zip(
            known, np.split(fits, ends[:-1]), np.split(promising, ends[:-1]), strict=True
        ):
            if combo_promising.any():
                to_count.append(combo)
            else:
                skipped += 1
                lattice.untested_bound += min(int(combo_fits.sum()), most_per_combo)
        if progress is not None:
            progress(f"order {order}: {len(to_count)} of {len(to_count) + skipped} feature combinations")
        level = counter.count(to_count) if to_count else []
        lattice.counts.update((counts.features, counts) for counts in level)
        lattice.counted_per_level.append(len(to_count))
        lattice.skipped_per_level.append(skipped)
    return lattice
