"""Fairness / objective trade-offs by per-group thresholds, exact from the counts.

``tradeoff()`` returns, for a grid of allowed disparities eps, the best per-group
thresholds (deterministic, and randomised where mixing two thresholds helps), plus two
reference points: one threshold for everyone, and each group's own best threshold.
"""

from __future__ import annotations

import bisect
import operator
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property, partial
from typing import cast

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from fairness_widgets.compute.binned_points_kernel import GroupHistogram
from fairness_widgets.compute.cells import EDGE_TOLERANCE, Cells
from fairness_widgets.compute.compiled import beside
from fairness_widgets.compute.constraint_rates import CONSTRAINT_RATES
from fairness_widgets.compute.groups import Attribute
from fairness_widgets.compute.hull_search import (
    Hulls,
    Mixture,
    equalized_odds_search,
    hull_search,
)
from fairness_widgets.compute.objectives import Objective, make_objective
from fairness_widgets.compute.operating_points import OperatingPoints, operating_points
from fairness_widgets.compute.point_values import PointValues, point_values
from fairness_widgets.compute.postprocessor import GroupThresholds
from fairness_widgets.compute.roc_chains_kernel import chains_hold_corners
from fairness_widgets.compute.selection import Pick, Selection
from fairness_widgets.compute.window_search import window_search
from fairness_widgets.compute.window_search_compiled import RateOrder, rate_buckets


@dataclass(frozen=True)
class PointColumns:
    """Each point's kind, allowed disparity (NaN for the reference points), achieved
    disparity and objective: the columns of :attr:`Tradeoff.points`."""

    kinds: list[str]
    epsilons: NDArray[np.float64]
    disparity: NDArray[np.float64]
    objective: NDArray[np.float64]

    def table(self) -> pd.DataFrame:
        return pd.DataFrame(
            {
                "point": np.arange(len(self.kinds)),
                "kind": self.kinds,
                "epsilon": self.epsilons,
                "disparity": self.disparity,
                "objective": self.objective,
            }
        )


@dataclass(frozen=True)
class Tradeoff:
    """Operating points under one constraint: the frontier and two reference points.

    Attributes
    ----------
    points : DataFrame
        One row per point: ``point`` (id), ``kind`` ("thresholds", "randomised
        thresholds", "single threshold", "unconstrained"), ``epsilon`` (allowed
        disparity), ``disparity`` (achieved; expected for randomised points) and
        ``objective``.
    choices : DataFrame
        One row per (point, group, threshold used): ``threshold`` (predict positive
        when score >= it), ``weight`` (probability this threshold is applied: 1 unless
        randomised), and the group's expected rates at the point.
    """

    attribute: str
    constraint: str
    objective: str
    #: The columns of ``points``, as computed.
    columns: PointColumns = field(repr=False, compare=False)
    #: The operating points every choice indexes, and each point's choice of them.
    operating_points: OperatingPoints = field(repr=False, compare=False)
    selections: list[Selection] = field(repr=False, compare=False)
    #: What ``objective`` maximises, as linear weights of the counts.
    goal: Objective = field(repr=False, compare=False)
    #: Each rate's expected value per point (rows) and group (columns).
    expected_rates: dict[str, NDArray[np.float64]] = field(repr=False, compare=False)
    #: Width of the score bins the thresholds are edges of (None: exact scores).
    resolution: float | None = field(default=None, repr=False)

    @cached_property
    def points(self) -> pd.DataFrame:
        """One row per point (see the class); built when first read, like ``choices``."""
        return self.columns.table()

    @cached_property
    def choices(self) -> pd.DataFrame:
        """One row per (point, group, threshold used); built when first read (a frontier
        is often only looked at, or its points only)."""
        return _choices_table(self.selections, self.operating_points, self.expected_rates)

    @cached_property
    def picks(self) -> list[list[Pick]]:
        """Each point's per-group choice as (flat point indices, probabilities)."""
        return [selection.picks for selection in self.selections]

    @property
    def tolerance(self) -> float:
        """How far below a threshold a score still counts as on it (bin edges)."""
        return 0.0 if self.resolution is None else self.resolution * EDGE_TOLERANCE

    def best(self, max_disparity: float, *, randomised: bool = True) -> pd.Series:
        """The point with the best objective whose disparity is at most ``max_disparity``."""
        kinds = ["thresholds", "randomised thresholds"] if randomised else ["thresholds"]
        eligible = self.points[
            self.points["kind"].isin(kinds) & (self.points["disparity"] <= max_disparity + 1e-12)
        ]
        if eligible.empty:
            raise ValueError(f"No point has a disparity of at most {max_disparity:g}.")
        best: pd.Series = eligible.iloc[int(np.argmax(eligible["objective"].to_numpy()))]
        return best

    def postprocessor(self, point: int | pd.Series) -> GroupThresholds:
        """The per-group thresholds of ``point`` (an id, or a row of ``points``) as a rule
        that predicts on new scores."""
        point_id = int(point["point"]) if isinstance(point, pd.Series) else int(point)
        chosen = self.choices[self.choices["point"] == point_id]
        if chosen.empty:
            raise ValueError(f"No point {point_id}; points are 0..{len(self.points) - 1}.")
        rules = {
            str(group): tuple(
                (float(t), float(w)) for t, w in zip(rows["threshold"], rows["weight"], strict=True)
            )
            for group, rows in chosen.groupby("group", sort=False)
        }
        return GroupThresholds(self.attribute, rules, self.tolerance)

    def __repr__(self) -> str:
        frontier = self.points[self.points["kind"] != "single threshold"]
        low, high = frontier["disparity"].min(), frontier["disparity"].max()
        return (
            f"Tradeoff({self.constraint} by {self.attribute}, objective {self.objective}: "
            f"{len(frontier)} points, disparity {low:.3g}..{high:.3g})"
        )


Entry = tuple[str, float, Selection]  # kind, epsilon, every group's choice


def _expected_rates(
    selections: list[Selection], points: OperatingPoints, rates: dict[str, NDArray[np.float64]]
) -> tuple[dict[str, NDArray[np.float64]], NDArray[np.float64], NDArray[np.float64]]:
    """Each rate's expected value per point and group (points x groups), and each point's
    expected true and false positives."""
    n_points, n_groups = len(selections), points.n_groups
    index, weight, cell = _flat_choices(selections, n_groups)
    point = cell // n_groups
    expected = {
        name: np.bincount(cell, weight * rate[index], n_points * n_groups).reshape(n_points, n_groups)
        for name, rate in rates.items()
    }
    tp = np.bincount(point, weight * points.tp[index], n_points)
    fp = np.bincount(point, weight * points.fp[index], n_points)
    # (numpy's stubs type bincount as integers; with weights it gives floats)
    return cast(
        tuple[dict[str, NDArray[np.float64]], NDArray[np.float64], NDArray[np.float64]], (expected, tp, fp)
    )


def _flat_choices(
    selections: list[Selection], n_groups: int
) -> tuple[NDArray[np.intp], NDArray[np.float64], NDArray[np.intp]]:
    """Every threshold used, all points at once: its operating point, its weight, and its
    cell (``point * n_groups + group``)."""
    index = np.concatenate([selection.index for selection in selections])
    weight = np.concatenate([selection.weight for selection in selections])
    # Every point's bounds (n_groups + 1 each) as rows of one array: one diff for all.
    bounds: NDArray[np.intp] = np.stack([selection.bounds for selection in selections])
    cell = np.repeat(np.arange(len(selections) * n_groups), (bounds[:, 1:] - bounds[:, :-1]).ravel())
    return index, weight, cell


def _point_columns(
    entries: list[Entry],
    expected: dict[str, NDArray[np.float64]],
    tp: NDArray[np.float64],
    fp: NDArray[np.float64],
    objective: Objective,
) -> PointColumns:
    """Each point's kind, allowed and achieved disparity, and objective."""
    gaps = np.stack([np.nanmax(e, axis=1) - np.nanmin(e, axis=1) for e in expected.values()])
    return PointColumns(
        [kind for kind, _, _ in entries],
        np.array([epsilon for _, epsilon, _ in entries], dtype=np.float64),
        gaps.max(axis=0),
        objective.constant + objective.tp_weight * tp - objective.fp_weight * fp,
    )


def _choices_table(
    selections: list[Selection], points: OperatingPoints, expected: dict[str, NDArray[np.float64]]
) -> pd.DataFrame:
    """One row a threshold used: its point, group, threshold, weight and the group's
    expected rates at the point."""
    n_groups = points.n_groups
    index, weight, cell = _flat_choices(selections, n_groups)
    return pd.DataFrame(
        {
            "point": cell // n_groups,
            "group": np.asarray(points.groups, dtype=object)[cell % n_groups],
            "threshold": points.thresholds[index],
            "weight": weight,
        }
        | {name: e.ravel()[cell] for name, e in expected.items()}
    )


def tradeoff(
    cells: Cells,
    view: Attribute,
    constraint: str,
    objective: str = "accuracy",
    *,
    epsilons: Sequence[float] | NDArray[np.float64] | None = None,
    fp_cost: float = 1.0,
    fn_cost: float = 1.0,
    histogram: GroupHistogram | None = None,
) -> Tradeoff:
    """See :meth:`fairness_widgets.Audit.tradeoff`; ``histogram`` is the view's per-group
    histogram (:func:`~fairness_widgets.compute.operating_points.view_histogram`) if kept."""
    if constraint not in CONSTRAINT_RATES:
        raise ValueError(f"constraint must be one of {', '.join(CONSTRAINT_RATES)}; got {constraint!r}.")
    given = None if epsilons is None else np.asarray(epsilons, dtype=np.float64)
    if given is not None and ((given < 0).any() or not np.isfinite(given).all()):
        bad = given[~(np.isfinite(given) & (given >= 0))].tolist()
        raise ValueError(
            "epsilons must be finite and non-negative (allowed disparities, e.g. [0, 0.02, 0.05]); "
            f"got {bad}."
        )
    total_positives = cells.n_positives
    goal = make_objective(
        objective, total_positives, cells.n_rows - total_positives, fp_cost=fp_cost, fn_cost=fn_cost
    )
    points = operating_points(view, cells, (goal.tp_weight, goal.fp_weight), histogram=histogram)
    values = point_values(points, goal, constraint, histogram=histogram)
    value, rates = values.value, values.rates
    first_rate = next(iter(rates.values()))
    hulls = _hulls(constraint, goal, points, values, first_rate, histogram=histogram)  # (begun beside)
    entries: list[Entry] = []
    best_each = [int(k) for k in values.best_each]
    entries.append(("unconstrained", np.nan, Selection.one_each(values.best_each)))
    single = _single_threshold(points, goal)
    entries.append(("single threshold", np.nan, Selection.one_each(single)))
    widest = max(float(np.nanmax(r[best_each]) - np.nanmin(r[best_each])) for r in rates.values())
    grid = np.linspace(0.0, widest, 21) if given is None else given
    randomised = _randomised_beside(hulls, grid, len(first_rate))
    if constraint != "equalized_odds":
        bound = goal.value_bound(total_positives, cells.n_rows - total_positives)
        # Precision's order depends on the counts alone: the view keeps it.
        by_precision = (
            histogram.precision_order if histogram is not None and constraint == "predictive_parity" else None
        )
        searched = window_search(
            first_rate,
            value,
            points.offsets,
            grid,
            hulls,
            ordered=values.ordered,
            value_bound=bound,
            peaks=values.best_each,
            order=by_precision,
            buckets=_kept_buckets(
                histogram, constraint, first_rate, points.offsets, ordered=values.ordered, order=by_precision
            ),
        )
        for choice in searched:
            entries.append(("thresholds", choice.epsilon, Selection.one_each(choice.points)))
    mixtures: list[Mixture] = []
    if constraint == "equalized_odds":
        tpr, fpr = rates["true_positive_rate"], rates["false_positive_rate"]
        corners = histogram.roc_corners if histogram is not None else None  # (kept with the view's)
        mixtures = equalized_odds_search(tpr, fpr, value, points.offsets, grid, corners=corners)
    elif randomised is not None:
        mixtures = randomised()
    for mixture in mixtures:
        entries.append(("randomised thresholds", mixture.epsilon, mixture.selection))
    selections = [selection for _, _, selection in entries]
    expected, tp, fp = _expected_rates(selections, points, rates)
    return Tradeoff(
        view.name,
        constraint,
        objective,
        _point_columns(entries, expected, tp, fp, goal),
        operating_points=points,
        selections=selections,
        goal=goal,
        expected_rates=expected,
        resolution=cells.resolution,
    )


def _hulls(
    constraint: str,
    goal: Objective,
    points: OperatingPoints,
    values: PointValues,
    rate: NDArray[np.float64],
    *,
    histogram: GroupHistogram | None,
) -> Callable[[], Hulls] | None:
    """A call for the upper hulls of each group's (rate, value) points, built on the other
    threads while the window search builds its tables, for a constraint of one
    randomisable rate (None for the others: predictive parity has no randomised choice,
    and its window search builds its own hulls). From the kept ROC chains where they hold
    every corner (see :mod:`roc_chains_kernel`), else from all the points. ``rate``: the
    constraint's rate of every point."""
    if constraint not in ("demographic_parity", "equal_opportunity"):
        return None
    held = chains_hold_corners(constraint, goal.tp_weight, goal.fp_weight)
    if histogram is None or not values.ordered or not held:
        return Hulls.beside(rate, values.value, points.offsets)
    return beside(
        partial(Hulls.from_chains, rate, values.value, points.offsets, histogram.roc_chains), len(rate)
    )


def _randomised_beside(
    hulls: Callable[[], Hulls] | None, grid: NDArray[np.float64], n_points: int
) -> Callable[[], list[Mixture]] | None:
    """Start the randomised search (the best mixtures, from the hulls) on another thread
    and return a call for its result; None where there are no hulls (equalized odds and
    predictive parity). Queued after the hulls, it waits only for them; it then runs
    while this thread builds the window search's tables, and leaves the best window
    starts it found to the window search (the hulls remember them per eps). 1e6 rows at
    1e-4, 40 groups, in a slow spell: demographic parity -1.2 ms, equal opportunity -1.9
    ms at the median (paired in one process, 40 rounds)."""
    if hulls is None:
        return None
    return beside(lambda: hull_search(hulls(), grid), n_points)


def _kept_buckets(
    histogram: GroupHistogram | None,
    constraint: str,
    rate: NDArray[np.float64],
    offsets: NDArray[np.intp],
    *,
    ordered: bool,
    order: RateOrder | None,
) -> NDArray[np.intp] | None:
    """The bucket index of the constraint's rates in the window search's order (each group's
    points as they come where ``ordered``, else by ``order``), kept with the view's
    histogram: the rates depend on its counts alone. None without a kept histogram, or
    where the search orders the points itself (some rate undefined)."""
    if histogram is None or (order is None and not ordered):
        return None
    kept = histogram.kept_buckets.get(constraint)
    if kept is None:
        if order is not None:
            offsets, rate = order[1], order[2]
        kept = histogram.kept_buckets.setdefault(constraint, rate_buckets(rate, offsets))
    return kept


def _single_threshold(points: OperatingPoints, goal: Objective) -> NDArray[np.intp]:
    """One threshold for every group, the one with the best total objective: each group's
    point (flat index) at it."""
    overall = goal.of_counts(points.overall_tp, points.overall_fp)
    threshold = points.overall_thresholds[int(np.argmax(overall))]
    # A group's point at this threshold: its leading point plus its levels >= threshold
    # (levels are in descending order after the leading point).
    chosen = np.empty(points.n_groups, dtype=np.intp)
    for g in range(points.n_groups):
        levels = points.thresholds[points.offsets[g] + 1 : points.offsets[g + 1]]
        # Bisect the descending levels as they are (negating them copied every group's).
        chosen[g] = points.offsets[g] + bisect.bisect_right(levels, -threshold, key=operator.neg)
    return chosen
