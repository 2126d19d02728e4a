"""The objective value and the constraint rates of every operating point.

Large inputs take a compiled pass (numba installed), over runs of groups on the threads;
otherwise numpy, same numbers.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from fairness_widgets.compute.binned_points_kernel import GroupHistogram
from fairness_widgets.compute.compiled import group_cuts, group_runs, map_threads, worth_compiling
from fairness_widgets.compute.constraint_rates import CONSTRAINT_RATES, RATE_KINDS
from fairness_widgets.compute.objectives import Objective
from fairness_widgets.compute.operating_points import OperatingPoints
from fairness_widgets.compute.point_values_kernel import KeptRates, point_values_pass, values_pass


@dataclass(frozen=True)
class PointValues:
    """Per flat operating point: ``value`` (the objective's contribution of its counts)
    and each rate ``constraint`` equalises (NaN where undefined); per group,
    ``best_each``: its point with the largest value whose first rate is defined.
    ``ordered``: the first rate is defined everywhere and never falls within a group (so
    the points are already in order of it)."""

    value: NDArray[np.float64]
    rates: dict[str, NDArray[np.float64]]
    best_each: NDArray[np.intp]
    ordered: bool


def _compiled_values(
    points: OperatingPoints,
    goal: Objective,
    names: list[str],
    columns: tuple[NDArray[np.float64], NDArray[np.float64]] | None,
    known: KeptRates | None,
) -> tuple[NDArray[np.float64], NDArray[np.int64], NDArray[np.float64], NDArray[np.intp], bool]:
    """The compiled pass over runs of groups, one per thread: (rates table, defined
    counts, values, each group's best, ordered); with the rates ``known``, the values
    and bests only (1e6 rows at 1e-4, 40 groups: a frontier 0.4-0.9 ms faster at the
    median, paired in one process)."""
    value = np.empty(len(points.tp))
    weights = (float(goal.tp_weight), float(goal.fp_weight))
    tp, fp = (points.tp, points.fp) if columns is None else columns
    runs = group_runs(points.offsets, len(points.tp))
    cuts = group_cuts(points.offsets, len(points.tp))  # (each run's first group)
    if known is not None:
        table, defined, ordered = known
        bests = map_threads(
            lambda run: values_pass(tp, fp, runs[run], *weights, table[0], defined[0, cuts[run] :], value),
            range(len(runs)),
        )
        return table, defined, value, np.concatenate(bests), ordered
    table = np.empty((len(names), len(points.tp)))
    kinds = np.array([RATE_KINDS[name] for name in names], dtype=np.intp)

    def fill(groups: NDArray[np.intp]) -> tuple[NDArray[np.int64], NDArray[np.intp], bool]:
        found: tuple[NDArray[np.int64], NDArray[np.intp], bool] = point_values_pass(
            tp, fp, groups, *weights, kinds, value, table
        )
        return found

    filled = map_threads(fill, runs)
    defined = np.concatenate([part[0] for part in filled], axis=1)
    best_each = np.concatenate([part[1] for part in filled])
    return table, defined, value, best_each, all(part[2] for part in filled)


def point_values(
    points: OperatingPoints,
    goal: Objective,
    constraint: str,
    *,
    histogram: GroupHistogram | None = None,
) -> PointValues:
    """Values and rates of ``points``; refuses a group with no defined rate (it cannot take
    part in ``constraint``). ``histogram``: the view's kept histogram the points come
    from, if any. The compiled pass then reads its tp and fp columns (contiguous floats,
    several at a time, not the strided records), and its rates of this constraint once
    kept there (they depend on the counts alone: later passes fill the values only)."""
    names = list(CONSTRAINT_RATES[constraint])
    if worth_compiling(len(points.tp)):
        kept = None if histogram is None else histogram.kept_rates
        table, defined, value, best_each, ordered = _compiled_values(
            points,
            goal,
            names,
            None if histogram is None else histogram.columns,
            None if kept is None else kept.get(constraint),
        )
        if kept is not None:
            kept.setdefault(constraint, (table, defined, ordered))
        rates = dict(zip(names, table, strict=True))
    else:
        value = goal.of_counts(points.tp, points.fp)
        lengths = np.diff(points.offsets)
        positives = np.repeat(points.positives, lengths)
        negatives = np.repeat(points.negatives, lengths)
        rates = {
            name: CONSTRAINT_RATES[constraint][name](points.tp, points.fp, positives, negatives)
            for name in names
        }
        defined = np.stack(
            [np.add.reduceat(np.isfinite(rate), points.offsets[:-1]) for rate in rates.values()]
        )
        usable = np.where(np.isfinite(rates[names[0]]), value, -np.inf)
        best_each = np.array(
            [
                points.offsets[g] + np.argmax(usable[points.offsets[g] : points.offsets[g + 1]])
                for g in range(points.n_groups)
            ],
            dtype=np.intp,
        )
        first = rates[names[0]]
        same_group = np.ones(len(first) - 1, dtype=bool)
        same_group[points.offsets[1:-1] - 1] = False
        ordered = bool(np.isfinite(first).all() and (np.diff(first)[same_group] >= 0).all())
    for name, counts in zip(names, defined, strict=True):
        if not counts.all():
            group = points.groups[int(np.argmin(counts))]
            raise ValueError(
                f"Group {group!r} has no defined {name}, so it cannot take part in {constraint}: "
                "leave it out or merge it with another group (e.g. fewer sensitive columns), "
                "or choose another constraint."
            )
    return PointValues(value, rates, best_each, bool(ordered))
