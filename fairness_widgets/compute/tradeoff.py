"""Fairness / objective trade-offs by per-group thresholds, exact from the counts.

``tradeoff()`` returns, for a grid of allowed disparities eps, the best per-group
thresholds (deterministic, and randomised where mixing two thresholds helps), plus two
reference points: one threshold for everyone, and each group's own best threshold.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from fairness_widgets.compute.cells import EDGE_TOLERANCE, Cells
from fairness_widgets.compute.groups import Attribute
from fairness_widgets.compute.hull_search import Hulls, Mixture, equalized_odds_search, hull_search
from fairness_widgets.compute.metrics import safe_divide
from fairness_widgets.compute.objectives import Objective, make_objective
from fairness_widgets.compute.operating_points import OperatingPoints, operating_points
from fairness_widgets.compute.postprocessor import GroupThresholds
from fairness_widgets.compute.window_search import window_search

Counts = NDArray[np.float64] | NDArray[np.int64]
#: A rate from (tp, fp, actual positives, actual negatives), elementwise.
RateFunction = Callable[[Counts, Counts, Counts, Counts], NDArray[np.float64]]


def selection_rate(tp: Counts, fp: Counts, positives: Counts, negatives: Counts) -> NDArray[np.float64]:
    return safe_divide(np.asarray(tp + fp, dtype=np.float64), np.asarray(positives + negatives, np.float64))


def true_positive_rate(tp: Counts, fp: Counts, positives: Counts, negatives: Counts) -> NDArray[np.float64]:
    return safe_divide(np.asarray(tp, dtype=np.float64), np.asarray(positives, dtype=np.float64))


def false_positive_rate(tp: Counts, fp: Counts, positives: Counts, negatives: Counts) -> NDArray[np.float64]:
    return safe_divide(np.asarray(fp, dtype=np.float64), np.asarray(negatives, dtype=np.float64))


def precision(tp: Counts, fp: Counts, positives: Counts, negatives: Counts) -> NDArray[np.float64]:
    return safe_divide(np.asarray(tp, dtype=np.float64), np.asarray(tp + fp, dtype=np.float64))


#: The rates each constraint equalises, by name.
CONSTRAINT_RATES: dict[str, dict[str, RateFunction]] = {
    "demographic_parity": {"selection_rate": selection_rate},
    "equal_opportunity": {"true_positive_rate": true_positive_rate},
    "predictive_parity": {"precision": precision},
    "equalized_odds": {"true_positive_rate": true_positive_rate, "false_positive_rate": false_positive_rate},
}


def disparity(constraint: str, tp: Counts, fp: Counts, positives: Counts, negatives: Counts) -> float:
    """Largest gap between groups (max - min, groups where a rate is undefined left out)
    over the rates ``constraint`` equalises, from each group's (expected) counts."""
    if constraint not in CONSTRAINT_RATES:
        raise ValueError(f"constraint must be one of {', '.join(CONSTRAINT_RATES)}; got {constraint!r}.")
    gaps = []
    for rate in CONSTRAINT_RATES[constraint].values():
        values = rate(tp, fp, positives, negatives)
        defined = values[np.isfinite(values)]
        gaps.append(float(defined.max() - defined.min()) if len(defined) else float("nan"))
    return max(gaps)


#: Constraints whose rate is linear in a mixture of thresholds (randomising helps).
RANDOMISABLE = ("demographic_parity", "equal_opportunity", "equalized_odds")


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
    points: pd.DataFrame
    choices: pd.DataFrame
    #: The operating points every choice indexes, and each point's per-group choice as
    #: (flat point indices, probabilities).
    operating_points: OperatingPoints = field(repr=False, compare=False)
    picks: list[list[tuple[NDArray[np.intp], NDArray[np.float64]]]] = field(repr=False, compare=False)
    #: What ``objective`` maximises, as linear weights of the counts.
    goal: Objective = field(repr=False, compare=False)
    #: Width of the score bins the thresholds are edges of (None: exact scores).
    resolution: float | None = field(default=None, repr=False)

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


Pick = tuple[NDArray[np.intp], NDArray[np.float64]]  # flat point indices, their probabilities
Entry = tuple[str, float, list[Pick]]  # kind, epsilon, each group's pick


def _tables(
    entries: list[Entry], points: OperatingPoints, rates: dict[str, NDArray[np.float64]], objective: Objective
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The points table (one row a point) and the choices table (one row a threshold
    used), all points at once."""
    n_points, n_groups = len(entries), points.n_groups
    index = np.concatenate([i for _, _, picks in entries for i, _ in picks])
    weight = np.concatenate([w for _, _, picks in entries for _, w in picks])
    lengths = np.array([len(i) for _, _, picks in entries for i, _ in picks])
    cell = np.repeat(np.arange(n_points * n_groups), lengths)  # point * n_groups + group
    point = cell // n_groups
    expected = {
        name: np.bincount(cell, weight * rate[index], n_points * n_groups).reshape(n_points, n_groups)
        for name, rate in rates.items()
    }
    tp = np.bincount(point, weight * points.tp[index], n_points)
    fp = np.bincount(point, weight * points.fp[index], n_points)
    gaps = np.stack([np.nanmax(e, axis=1) - np.nanmin(e, axis=1) for e in expected.values()])
    table = pd.DataFrame(
        {
            "point": np.arange(n_points),
            "kind": [kind for kind, _, _ in entries],
            "epsilon": [epsilon for _, epsilon, _ in entries],
            "disparity": gaps.max(axis=0),
            "objective": objective.constant + objective.tp_weight * tp - objective.fp_weight * fp,
        }
    )
    choices = pd.DataFrame(
        {
            "point": point,
            "group": np.asarray(points.groups, dtype=object)[cell % n_groups],
            "threshold": points.thresholds[index],
            "weight": weight,
        }
        | {name: e.ravel()[cell] for name, e in expected.items()}
    )
    return table, choices


def tradeoff(
    cells: Cells,
    view: Attribute,
    constraint: str,
    objective: str = "accuracy",
    *,
    epsilons: Sequence[float] | NDArray[np.float64] | None = None,
    fp_cost: float = 1.0,
    fn_cost: float = 1.0,
) -> Tradeoff:
    """See :meth:`fairness_widgets.Audit.tradeoff`."""
    if constraint not in CONSTRAINT_RATES:
        raise ValueError(f"constraint must be one of {', '.join(CONSTRAINT_RATES)}; got {constraint!r}.")
    points = operating_points(view, cells)
    goal = make_objective(
        objective, points.positives.sum(), points.negatives.sum(), fp_cost=fp_cost, fn_cost=fn_cost
    )
    value = goal.of_counts(points.tp, points.fp)
    lengths = np.diff(points.offsets)
    positives = np.repeat(points.positives, lengths)
    negatives = np.repeat(points.negatives, lengths)
    rates = {
        name: rate(points.tp, points.fp, positives, negatives)
        for name, rate in CONSTRAINT_RATES[constraint].items()
    }
    for name, rate in rates.items():
        defined = np.add.reduceat(np.isfinite(rate), points.offsets[:-1])
        if not defined.all():
            group = points.groups[int(np.argmin(defined))]
            raise ValueError(f"Group {group!r} has no defined {name}; it cannot take part in {constraint}.")

    entries: list[Entry] = []
    one = np.ones(1)
    first_rate = next(iter(rates.values()))
    usable = np.where(np.isfinite(first_rate), value, -np.inf)
    best_each = [
        int(points.offsets[g] + np.argmax(usable[points.offsets[g] : points.offsets[g + 1]]))
        for g in range(points.n_groups)
    ]
    entries.append(("unconstrained", np.nan, [(np.array([k]), one) for k in best_each]))
    single = _single_threshold(points, goal)
    entries.append(("single threshold", np.nan, [(np.array([k]), one) for k in single]))
    widest = max(float(np.nanmax(r[best_each]) - np.nanmin(r[best_each])) for r in rates.values())
    grid = np.linspace(0.0, widest, 21) if epsilons is None else np.asarray(epsilons, dtype=np.float64)
    if (grid < 0).any() or not np.isfinite(grid).all():
        raise ValueError("epsilons must be finite and non-negative.")
    hulls = Hulls(first_rate, value, points.offsets) if constraint != "equalized_odds" else None
    if constraint != "equalized_odds":
        for choice in window_search(first_rate, value, points.offsets, grid, hulls):
            entries.append(("thresholds", choice.epsilon, [(np.array([k]), one) for k in choice.points]))
    mixtures: list[Mixture] = []
    if constraint == "equalized_odds":
        tpr, fpr = rates["true_positive_rate"], rates["false_positive_rate"]
        mixtures = equalized_odds_search(tpr, fpr, value, points.offsets, grid)
    elif constraint in RANDOMISABLE and hulls is not None:
        mixtures = hull_search(hulls, grid)
    for mixture in mixtures:
        picks = list(zip(mixture.points, mixture.weights, strict=True))
        entries.append(("randomised thresholds", mixture.epsilon, picks))
    table, choices = _tables(entries, points, rates, goal)
    return Tradeoff(
        view.name,
        constraint,
        objective,
        table,
        choices,
        operating_points=points,
        picks=[picks for _, _, picks in entries],
        goal=goal,
        resolution=cells.resolution,
    )


def _single_threshold(points: OperatingPoints, goal: Objective) -> NDArray[np.intp]:
    """One threshold for every group, the one with the best total objective: each group's
    point (flat index) at it."""
    overall = goal.of_counts(points.overall_tp, points.overall_fp)
    threshold = points.overall_thresholds[int(np.argmax(overall))]
    # A group's point at this threshold: its leading point plus its levels >= threshold.
    above = (points.thresholds >= threshold) & np.isfinite(points.thresholds)
    levels = np.add.reduceat(above, points.offsets[:-1])
    chosen: NDArray[np.intp] = points.offsets[:-1] + levels
    return chosen
