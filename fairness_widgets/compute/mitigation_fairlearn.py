"""fairlearn's mitigations, each turned into points: test-row positive probabilities.

Randomised predictors (ThresholdOptimizer, ExponentiatedGradient) give their exact
probabilities through fairlearn's ``_pmf_predict``, so their points are expectations
over the coin flips, not one random draw.
"""

from __future__ import annotations

import copy
from time import perf_counter
from typing import Any

import numpy as np
import pandas as pd

from fairness_widgets.compute.mitigation_inputs import MitigationInputs, SharedModels
from fairness_widgets.compute.mitigation_results import MethodPoint
from fairness_widgets.compute.mitigation_specs import (
    REDUCTION_MOMENTS,
    THRESHOLD_OPTIMIZER_CONSTRAINTS,
    ExponentiatedGradient,
    GridSearch,
    ThresholdOptimizer,
)
from fairness_widgets.compute.mitigation_steps import Fit, StartStep, hard_predictions, one_point
from fairness_widgets.compute.reference_libraries import import_reference


@one_point
def threshold_optimizer_points(
    spec: ThresholdOptimizer, inputs: MitigationInputs, models: SharedModels
) -> Fit:
    """Thresholds fitted on all training rows, on the estimator Baseline fitted there.

    ``prefit=True`` on that shared fit gives what fairlearn's default ``prefit=False``
    gives (it clones and fits the same estimator on the same rows), one fit cheaper.
    """
    postprocessing = import_reference("fairlearn.postprocessing")
    optimizer = postprocessing.ThresholdOptimizer(
        estimator=models.full,
        constraints=THRESHOLD_OPTIMIZER_CONSTRAINTS[spec.constraint],
        objective=f"{spec.objective}_score",
        grid_size=spec.grid_size,
        tol=spec.tol,
        prefit=True,
        predict_method="auto",
    )
    optimizer.fit(inputs.X_train, inputs.y_train, sensitive_features=inputs.groups_train)
    pmf = optimizer._pmf_predict(inputs.X_test, sensitive_features=inputs.groups_test)
    return Fit(np.asarray(pmf, dtype=np.float64)[:, 1])


def _moment(constraint: str, difference_bound: float | None = None) -> Any:
    reductions = import_reference("fairlearn.reductions")
    return getattr(reductions, REDUCTION_MOMENTS[constraint])(difference_bound=difference_bound)


@one_point
def exponentiated_gradient_points(
    spec: ExponentiatedGradient, inputs: MitigationInputs, models: SharedModels
) -> Fit:
    """The randomised classifier ExponentiatedGradient finds, fitted on all training rows."""
    reductions = import_reference("fairlearn.reductions")
    mitigator = reductions.ExponentiatedGradient(
        inputs.fresh(),
        constraints=_moment(spec.constraint, spec.difference_bound),
        eps=spec.eps,
        max_iter=spec.max_iter,
        sample_weight_name=inputs.sample_weight_name,
    )
    mitigator.fit(inputs.X_train, inputs.y_train, sensitive_features=inputs.groups_train)
    return Fit(np.asarray(mitigator._pmf_predict(inputs.X_test), dtype=np.float64)[:, 1])


def lagrange_grid(spec: GridSearch, inputs: MitigationInputs) -> pd.DataFrame:
    """The grid of Lagrange multipliers ``fairlearn.reductions.GridSearch`` would search.

    GridSearch fits one model per grid column, independently of the others; generating
    its grid here lets the runner fit (and report progress on) one column at a time,
    with the same models as one GridSearch over the whole grid.
    """
    generator = import_reference("fairlearn.reductions._grid_search._grid_generator")
    constraints = copy.deepcopy(_moment(spec.constraint))
    constraints.load_data(inputs.X_train, inputs.y_train, sensitive_features=inputs.groups_train)
    grid: pd.DataFrame = generator._GridGenerator(
        spec.grid_size,
        spec.grid_limit,
        constraints.pos_basis,
        constraints.neg_basis,
        constraints.neg_basis_present,
        constraints.default_objective_lambda_vec is not None,
    ).grid
    return grid


def lagrange_names(grid: pd.DataFrame) -> tuple[list[str], list[str]]:
    """Per grid column: a short ``λ`` for the label and the full vector for ``params``.

    A multiplier is the positive minus the negative part of a (event, group) entry;
    entries that are zero across the whole grid are left out.
    """
    positive = grid.xs("+", level="sign")
    net = positive.to_numpy() - grid.xs("-", level="sign").to_numpy()
    varying = (net != 0).any(axis=1)
    entries = [entry for entry, keep in zip(positive.index, varying, strict=True) if keep]
    short, full = [], []
    for column in range(net.shape[1]):
        values = net[varying, column] + 0.0  # + 0.0 turns -0.0 into 0.0
        shown = [f"{v:.3g}" for v in values] or ["0"]
        short.append(shown[0] if len(shown) == 1 else f"({', '.join(shown)})")
        named = [f"λ[{event}, {group}]={v:.3g}" for (event, group), v in zip(entries, values, strict=True)]
        full.append(", ".join(named) or "λ=0")
    return short, full


def grid_search_points(
    spec: GridSearch, inputs: MitigationInputs, models: SharedModels, start: StartStep
) -> list[MethodPoint]:
    """One point per grid column: the model GridSearch fits for that multiplier."""
    reductions = import_reference("fairlearn.reductions")
    grid = lagrange_grid(spec, inputs)
    short, full = lagrange_names(grid)
    points = []
    for column, lam, vector in zip(grid.columns, short, full, strict=True):
        label = f"{spec.label} λ={lam}"
        start(label)
        began = perf_counter()
        search = reductions.GridSearch(
            inputs.fresh(),
            constraints=_moment(spec.constraint),
            grid=grid[[column]],
            sample_weight_name=inputs.sample_weight_name,
        )
        search.fit(inputs.X_train, inputs.y_train, sensitive_features=inputs.groups_train)
        probability = hard_predictions(search.predictors_[0].predict(inputs.X_test))
        params = f"{spec.params}, {vector}"
        points.append(
            MethodPoint(label, spec.method, params, spec.label, probability, perf_counter() - began)
        )
    return points
