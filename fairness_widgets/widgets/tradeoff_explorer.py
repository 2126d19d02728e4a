"""TradeoffExplorer: the accuracy / fairness frontier, per-group threshold sliders, and
mitigations from other libraries on the same axes."""

from __future__ import annotations

import math
from typing import Any, Protocol

import anywidget
import numpy as np
import pandas as pd
import traitlets

from fairness_widgets.compute.audit import Audit
from fairness_widgets.compute.constraint_rates import CONSTRAINT_RATES
from fairness_widgets.compute.postprocessor import GroupThresholds
from fairness_widgets.compute.threshold_choice import (
    Choice,
    as_postprocessor,
    group_rates,
    objective_and_disparity,
    slider_points,
)
from fairness_widgets.compute.tradeoff import Tradeoff
from fairness_widgets.widgets._static import bundle, with_static
from fairness_widgets.widgets.tradeoff_fallback import tradeoff_html, tradeoff_png

#: Most slider positions per group sent to the browser (points a frontier point uses are
#: always kept): enough for a smooth slider, small enough for 100 groups.
SLIDER_POINTS = 500
OBJECTIVES = ("accuracy", "balanced_accuracy", "cost")


class MitigationTable(Protocol):
    """Anything that can place its models on the trade-off axes (e.g. the results of
    :func:`fairness_widgets.run_mitigations`)."""

    def table(
        self, constraint: str, objective: str = ..., *, fp_cost: float = ..., fn_cost: float = ...
    ) -> pd.DataFrame: ...


def _number(value: float) -> float | None:
    return None if not math.isfinite(value) else float(value)


class TradeoffExplorer(anywidget.AnyWidget):
    """Choose per-group thresholds on the exact accuracy / disparity frontier.

    The chart shows the best objective for each allowed disparity (deterministic and
    randomised thresholds), one threshold for everyone, each group's own best, and
    models from fairlearn / aif360 when given. Sliders move each group's threshold;
    counts and rates update in the browser from the counts, without a round trip.
    Clicking a frontier point sets every slider. The current choice is
    :attr:`postprocessor`.

    Parameters
    ----------
    audit_or_y_true : Audit or array-like
        An audit built with ``y_score=`` (thresholds need scores) on held-out data, or
        the true labels with ``y_score=`` and ``sensitive=`` (then every distinct score
        is a threshold: ``resolution=None``).
    y_score, sensitive, pos_label : optional
        As for :class:`~fairness_widgets.Audit`, when no audit is given.
    constraint : str, default "demographic_parity"
        One of demographic_parity, equal_opportunity, equalized_odds, predictive_parity.
    objective : str, default "accuracy"
        accuracy, balanced_accuracy or cost (``fp_cost`` per false positive,
        ``fn_cost`` per false negative).
    attribute : str, optional
        The groups (default: the audit's first sensitive column).
    mitigations : optional
        The result of :func:`fairness_widgets.run_mitigations` on the same held-out rows.
    epsilons : list of float, optional
        Allowed disparities of the frontier (default: 21 steps).

    Examples
    --------
    >>> import fairness_widgets as fw
    >>> fico = fw.datasets.load_fico_people()
    >>> audit = fw.Audit(fico["label"], y_score=fico["score"], sensitive=fico[["race"]])
    >>> explorer = fw.TradeoffExplorer(audit, constraint="equal_opportunity")
    >>> explorer.select(int(explorer.tradeoff.best(0.0)["point"]))
    >>> round(explorer.current()["disparity"], 6)
    0.0
    """

    _esm = bundle("tradeoff", "js")
    _css = bundle("tradeoff", "css")

    attribute = traitlets.Unicode("", help="The sensitive attribute whose groups get thresholds.").tag(
        sync=True
    )
    constraint = traitlets.Unicode("demographic_parity", help="The browser writes it.").tag(sync=True)
    objective = traitlets.Unicode("accuracy", help="The browser writes it.").tag(sync=True)
    constraint_options = traitlets.List(traitlets.Unicode()).tag(sync=True)
    objective_options = traitlets.List(traitlets.Unicode()).tag(sync=True)
    groups = traitlets.List(traitlets.Dict(), help="Each group's slider points and counts.").tag(sync=True)
    weights = traitlets.Dict(help="objective = constant + tp * TP - fp * FP.").tag(sync=True)
    rate_names = traitlets.List(traitlets.Unicode()).tag(sync=True)
    points = traitlets.List(traitlets.Dict(), help="Frontier and reference points.").tag(sync=True)
    mitigations = traitlets.List(traitlets.Dict(), help="Other libraries' models.").tag(sync=True)
    selection: traitlets.List[Any] = traitlets.List(
        help="Per group: [[slider point, probability], ...]."
    ).tag(sync=True)
    selected_point = traitlets.Int(-1, help="Frontier point of the selection, -1 if moved.").tag(sync=True)

    def __init__(
        self,
        audit_or_y_true: Any,
        *,
        y_score: Any = None,
        sensitive: Any = None,
        pos_label: Any = None,
        constraint: str = "demographic_parity",
        objective: str = "accuracy",
        attribute: str | None = None,
        mitigations: MitigationTable | None = None,
        epsilons: list[float] | None = None,
        fp_cost: float = 1.0,
        fn_cost: float = 1.0,
        **kwargs: Any,
    ) -> None:
        if isinstance(audit_or_y_true, Audit):
            audit = audit_or_y_true
        elif y_score is None or sensitive is None:
            raise TypeError(
                "TradeoffExplorer needs an Audit built with y_score=, or the labels with y_score= and "
                f"sensitive= (got {type(audit_or_y_true).__name__} alone); e.g. "
                "fw.TradeoffExplorer(y_test, y_score=scores, sensitive=df[['sex']])."
            )
        else:
            audit = Audit(
                audit_or_y_true, y_score=y_score, sensitive=sensitive, pos_label=pos_label, resolution=None
            )
        self.audit = audit
        self._source = mitigations
        self._epsilons = epsilons
        self._costs = {"fp_cost": fp_cost, "fn_cost": fn_cost}
        self._tradeoff = audit.tradeoff(
            constraint, objective, attribute=attribute, epsilons=epsilons, **self._costs
        )
        self._slider: list[np.ndarray] = []
        self._pending: Tradeoff | None = None
        super().__init__(
            attribute=self._tradeoff.attribute,
            constraint=constraint,
            objective=objective,
            constraint_options=list(CONSTRAINT_RATES),
            objective_options=list(OBJECTIVES),
            **kwargs,
        )
        self._publish(keep_selection=False)

    # ----------------------------------------------------------------- Python API

    @property
    def tradeoff(self) -> Tradeoff:
        """The frontier currently shown (for the current constraint and objective)."""
        return self._tradeoff

    @property
    def choices(self) -> list[Choice]:
        """The current choice per group, as (flat operating point index, probability)."""
        return [
            [(int(self._slider[g][int(index)]), float(weight)) for index, weight in choice]
            for g, choice in enumerate(self.selection)
        ]

    @property
    def postprocessor(self) -> GroupThresholds:
        """The current thresholds as a rule for new scores (``predict``, ``to_frame``)."""
        tradeoff = self._tradeoff
        return as_postprocessor(
            tradeoff.attribute, tradeoff.operating_points, self.choices, tradeoff.tolerance
        )

    def group_rates(self) -> pd.DataFrame:
        """Per group: the thresholds chosen, expected confusion counts and rates, as shown."""
        return group_rates(self._tradeoff.operating_points, self.choices)

    def current(self) -> dict[str, float]:
        """The current choice's objective and disparity, as the chart places it."""
        value, disparity = objective_and_disparity(
            self._tradeoff.operating_points, self.choices, self.constraint, self._tradeoff.goal
        )
        return {"objective": value, "disparity": disparity}

    def select(self, point: int) -> None:
        """Set every group's threshold(s) to those of frontier point ``point``."""
        known = [row["point"] for row in self.points]
        if point not in known:
            raise ValueError(f"No point {point}; the points are {known[0]}..{known[-1]}.")
        self.selection = self.points[point]["choice"]
        self.selected_point = int(point)

    # ----------------------------------------------------------------- state

    def _slider_index(self, g: int, flat: int) -> int:
        return int(np.searchsorted(self._slider[g], flat))

    def _publish(self, *, keep_selection: bool) -> None:
        """Send the frontier (and, when the groups change, the slider points) to the browser."""
        tradeoff = self._tradeoff
        operating = tradeoff.operating_points
        required = [
            np.unique(np.concatenate([pick[g][0] for pick in tradeoff.picks]))
            for g in range(operating.n_groups)
        ]
        previous = self.choices if keep_selection else None
        self._slider = slider_points(operating, required, SLIDER_POINTS)
        with self.hold_sync():
            self.groups = [
                {
                    "name": operating.groups[g],
                    "size": int(operating.sizes[g]),
                    "positives": int(operating.positives[g]),
                    "negatives": int(operating.negatives[g]),
                    "thresholds": [_number(t) for t in operating.thresholds[kept]],
                    "tp": operating.tp[kept].tolist(),
                    "fp": operating.fp[kept].tolist(),
                }
                for g, kept in enumerate(self._slider)
            ]
            self.weights = {
                "tp": tradeoff.goal.tp_weight,
                "fp": tradeoff.goal.fp_weight,
                "constant": tradeoff.goal.constant,
            }
            self.rate_names = list(CONSTRAINT_RATES[tradeoff.constraint])
            self.points = [
                {
                    "point": int(row["point"]),
                    "kind": str(row["kind"]),
                    "epsilon": _number(float(row["epsilon"])),
                    "disparity": float(row["disparity"]),
                    "objective": float(row["objective"]),
                    "choice": [
                        [[self._slider_index(g, int(i)), float(w)] for i, w in zip(*pick, strict=True)]
                        for g, pick in enumerate(tradeoff.picks[int(row["point"])])
                    ],
                }
                for row in tradeoff.points.to_dict("records")
            ]
            self.mitigations = self._mitigation_rows()
            if previous is not None:
                self.selection = [
                    [[self._slider_index(g, i), w] for i, w in choice] for g, choice in enumerate(previous)
                ]
                self.selected_point = -1
            else:
                single = int(tradeoff.points.index[tradeoff.points["kind"] == "single threshold"][0])
                self.select(single)

    def _mitigation_rows(self) -> list[dict[str, Any]]:
        if self._source is None:
            return []
        table = self._source.table(self.constraint, self.objective, **self._costs)
        return [
            {
                "label": str(row["label"]),
                "method": str(row["method"]),
                "params": str(row["params"]),
                "disparity": float(row["disparity"]),
                "objective": float(row["objective"]),
                "curve": None if row.get("curve") is None or pd.isna(row.get("curve")) else str(row["curve"]),
            }
            for _, row in table.iterrows()
        ]

    @traitlets.observe("constraint", "objective")
    def _recompute(self, change: dict[str, Any]) -> None:
        if not self._slider or self._pending is None:  # still constructing
            return
        self._tradeoff, self._pending = self._pending, None
        self._publish(keep_selection=True)

    def _try(self, constraint: str, objective: str) -> None:
        """Compute the frontier for a proposed constraint / objective before accepting it, so
        a choice that cannot be computed is refused and the widget stays as it was."""
        if self._slider:
            try:
                self._pending = self.audit.tradeoff(
                    constraint,
                    objective,
                    attribute=self._tradeoff.attribute,
                    epsilons=self._epsilons,
                    **self._costs,
                )
            except ValueError as error:
                raise traitlets.TraitError(f"Cannot show {constraint} / {objective}: {error}") from error

    @traitlets.validate("constraint")
    def _check_constraint(self, proposal: dict[str, Any]) -> str:
        value = str(proposal["value"])
        if value not in CONSTRAINT_RATES:
            raise traitlets.TraitError(
                f"Unknown constraint {value!r}; choose one of {', '.join(CONSTRAINT_RATES)}."
            )
        self._try(value, self.objective)
        return value

    @traitlets.validate("objective")
    def _check_objective(self, proposal: dict[str, Any]) -> str:
        value = str(proposal["value"])
        if value not in OBJECTIVES:
            raise traitlets.TraitError(f"Unknown objective {value!r}; choose one of {', '.join(OBJECTIVES)}.")
        self._try(self.constraint, value)
        return value

    @traitlets.validate("selection")
    def _check_selection(self, proposal: dict[str, Any]) -> list[list[list[float]]]:
        value = proposal["value"]
        if not self._slider:
            return list(value)
        if not isinstance(value, list) or len(value) != len(self._slider):
            raise traitlets.TraitError(
                f"selection needs one choice per group ({len(self._slider)}), got {len(value)}."
            )
        checked = []
        for g, choice in enumerate(value):
            name = self.groups[g]["name"]
            pairs = [(int(pair[0]), float(pair[1])) for pair in choice]
            if not pairs or any(not 0 <= i < len(self._slider[g]) for i, _ in pairs):
                raise traitlets.TraitError(
                    f"Group {name!r}: point indices must be 0..{len(self._slider[g]) - 1}, got {choice}."
                )
            total = sum(w for _, w in pairs)
            if any(w < 0 for _, w in pairs) or not math.isclose(total, 1.0, abs_tol=1e-6):
                raise traitlets.TraitError(
                    f"Group {name!r}: probabilities must be non-negative and add up to 1, got {choice}."
                )
            checked.append([[i, w / total] for i, w in pairs])
        return checked

    # ----------------------------------------------------------------- static export

    def _repr_mimebundle_(self, **kwargs: Any) -> tuple[dict[str, Any], dict[str, Any]] | None:
        """The live widget, plus a PNG chart and an HTML table where no JavaScript runs."""
        current = self.current()
        png = tradeoff_png(self.points, self.mitigations, current, self.constraint, self.objective)
        html = tradeoff_html(png, self.group_rates(), current, self.postprocessor, self.mitigations)
        return with_static(super()._repr_mimebundle_(**kwargs), {"image/png": png, "text/html": html})
