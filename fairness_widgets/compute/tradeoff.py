"""Fairness / objective trade-offs by per-group thresholds, exact from the counts.

``tradeoff()`` returns, for a grid of allowed disparities eps, the best per-group
thresholds (deterministic, and randomised where mixing two thresholds helps), plus two
reference points: one threshold for everyone, and each group's own best threshold.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from fairness_widgets.compute.cells import Cells
from fairness_widgets.compute.groups import Attribute
from fairness_widgets.compute.hull_search import Mixture, equalized_odds_search, hull_search
from fairness_widgets.compute.metrics import safe_divide
from fairness_widgets.compute.objectives import Objective, make_objective
from fairness_widgets.compute.operating_points import GroupCurve, group_curves
from fairness_widgets.compute.postprocessor import GroupThresholds
from fairness_widgets.compute.window_search import window_search

RateOf = Callable[[GroupCurve], NDArray[np.float64]]

#: The rate each constraint equalises, per operating point of a group.
RATES: dict[str, tuple[RateOf, ...]] = {
    "demographic_parity": (lambda c: (c.tp + c.fp) / c.size,),
    "equal_opportunity": (lambda c: safe_divide(c.tp, np.full(len(c.tp), c.positives)),),
    "predictive_parity": (lambda c: safe_divide(c.tp, c.tp + c.fp),),
    "equalized_odds": (
        lambda c: safe_divide(c.tp, np.full(len(c.tp), c.positives)),
        lambda c: safe_divide(c.fp, np.full(len(c.fp), c.negatives)),
    ),
}
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
        return GroupThresholds(self.attribute, rules)

    def __repr__(self) -> str:
        frontier = self.points[self.points["kind"] != "single threshold"]
        low, high = frontier["disparity"].min(), frontier["disparity"].max()
        return (
            f"Tradeoff({self.constraint} by {self.attribute}, objective {self.objective}: "
            f"{len(frontier)} points, disparity {low:.3g}..{high:.3g})"
        )


def _disparity(rates: Sequence[NDArray[np.float64]]) -> float:
    """Largest gap between groups over the constraint's rates (each row: one rate kind)."""
    return float(max(np.nanmax(r) - np.nanmin(r) for r in rates))


def _records(
    point: int,
    kind: str,
    epsilon: float,
    *,
    picks: list[tuple[NDArray[np.intp], NDArray[np.float64]]],
    curves: list[GroupCurve],
    rate_of: tuple[RateOf, ...],
    objective: Objective,
    names: Sequence[str],
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    expected = [
        np.array(
            [
                float(np.dot(weights, rate(curve)[indices]))
                for curve, (indices, weights) in zip(curves, picks, strict=True)
            ]
        )
        for rate in rate_of
    ]
    tp = sum(float(np.dot(w, c.tp[i])) for c, (i, w) in zip(curves, picks, strict=True))
    fp = sum(float(np.dot(w, c.fp[i])) for c, (i, w) in zip(curves, picks, strict=True))
    row = {
        "point": point,
        "kind": kind,
        "epsilon": epsilon,
        "disparity": _disparity(expected),
        "objective": objective.total(tp, fp),
    }
    choices = []
    for g, (curve, (indices, weights)) in enumerate(zip(curves, picks, strict=True)):
        for index, weight in zip(indices, weights, strict=True):
            choice = {
                "point": point,
                "group": curve.group,
                "threshold": float(curve.thresholds[index]),
                "weight": float(weight),
            }
            choice |= {name: float(values[g]) for name, values in zip(names, expected, strict=True)}
            choices.append(choice)
    return row, choices


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
    if constraint not in RATES:
        raise ValueError(f"constraint must be one of {', '.join(RATES)}; got {constraint!r}.")
    curves = group_curves(view, cells)
    goal = make_objective(objective, curves, fp_cost=fp_cost, fn_cost=fn_cost)
    rate_of = RATES[constraint]
    names = (
        ["true_positive_rate", "false_positive_rate"]
        if constraint == "equalized_odds"
        else [
            {"demographic_parity": "selection_rate", "equal_opportunity": "true_positive_rate"}.get(
                constraint, "precision"
            )
        ]
    )
    rates = [[rate(curve) for curve in curves] for rate in rate_of]
    values = [goal.of_group(curve) for curve in curves]
    for name, per_group in zip(names, rates, strict=True):
        for curve, rate in zip(curves, per_group, strict=True):
            if not np.isfinite(rate).any():
                raise ValueError(
                    f"Group {curve.group!r} has no defined {name}; it cannot take part in {constraint}."
                )

    rows: list[dict[str, Any]] = []
    choices: list[dict[str, Any]] = []

    def add(kind: str, epsilon: float, picks: list[tuple[NDArray[np.intp], NDArray[np.float64]]]) -> None:
        row, chosen = _records(
            len(rows), kind, epsilon, picks=picks, curves=curves, rate_of=rate_of, objective=goal, names=names
        )
        rows.append(row)
        choices.extend(chosen)

    one = np.ones(1)
    best_each = [
        int(np.nanargmax(np.where(np.isfinite(rates[0][g]), values[g], -np.inf))) for g in range(len(curves))
    ]
    add("unconstrained", np.nan, [(np.array([k]), one) for k in best_each])
    add("single threshold", np.nan, _single_threshold(curves, goal))
    widest = rows[0]["disparity"]
    grid = np.linspace(0.0, widest, 21) if epsilons is None else np.asarray(epsilons, dtype=np.float64)
    if (grid < 0).any() or not np.isfinite(grid).all():
        raise ValueError("epsilons must be finite and non-negative.")
    if constraint != "equalized_odds":
        for choice in window_search(rates[0], values, grid):
            add("thresholds", choice.epsilon, [(np.array([k]), one) for k in choice.points])
    mixtures: list[Mixture] = []
    if constraint == "equalized_odds":
        mixtures = equalized_odds_search(rates[0], rates[1], values, grid)
    elif constraint in RANDOMISABLE:
        mixtures = hull_search(rates[0], values, grid)
    for mixture in mixtures:
        add("randomised thresholds", mixture.epsilon, list(zip(mixture.points, mixture.weights, strict=True)))
    return Tradeoff(view.name, constraint, objective, pd.DataFrame(rows), pd.DataFrame(choices))


def _single_threshold(
    curves: list[GroupCurve], goal: Objective
) -> list[tuple[NDArray[np.intp], NDArray[np.float64]]]:
    """One threshold for every group: the one with the best total objective."""
    candidates = np.unique(np.concatenate([curve.thresholds for curve in curves]))
    total = np.zeros(len(candidates))
    indices = []
    for curve in curves:
        # Points of this group at each candidate threshold: how many levels are >= it.
        descending = curve.thresholds[1:]
        k = len(descending) - np.searchsorted(descending[::-1], candidates, side="left")
        indices.append(k)
        total += goal.of_group(curve)[k]
    winner = int(np.argmax(total))
    return [(np.array([k[winner]]), np.ones(1)) for k in indices]
