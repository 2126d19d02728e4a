"""Run mitigations from fairlearn and aif360 through one interface, on the same test rows."""

from __future__ import annotations

import warnings
from collections import Counter
from collections.abc import Sequence
from typing import Any

from fairness_widgets.compute.mitigation_aif360 import (
    calibrated_eq_odds_points,
    reject_option_points,
    reweighing_points,
)
from fairness_widgets.compute.mitigation_fairlearn import (
    exponentiated_gradient_points,
    grid_search_points,
    threshold_optimizer_points,
)
from fairness_widgets.compute.mitigation_inputs import (
    DEFAULT_VALIDATION_SIZE,
    MitigationInputs,
    SharedModels,
    check_capabilities,
    check_inputs,
)
from fairness_widgets.compute.mitigation_progress import ProgressCallback, Steps, progress_callback
from fairness_widgets.compute.mitigation_results import MethodPoint, MitigationResults, collect_results
from fairness_widgets.compute.mitigation_specs import (
    DEFAULT_METHODS,
    Baseline,
    CalibratedEqOdds,
    ExponentiatedGradient,
    GridSearch,
    MitigationSpec,
    RejectOption,
    Reweighing,
    ThresholdOptimizer,
)
from fairness_widgets.compute.mitigation_steps import Fit, Runner, StartStep, hard_predictions, one_point


def run_mitigations(
    estimator: Any,
    X_train: Any,  # noqa: N803 (scikit-learn's name)
    y_train: Any,
    X_test: Any,  # noqa: N803
    y_test: Any,
    *,
    sensitive_train: Any,
    sensitive_test: Any,
    methods: Sequence[MitigationSpec] | None = None,
    seed: int = 0,
    validation_size: float = DEFAULT_VALIDATION_SIZE,
    pos_label: Any = None,
    progress: bool | ProgressCallback = True,
) -> MitigationResults:
    """Fit mitigations from fairlearn and aif360 and measure them on the same test rows.

    Row-level work: every method refits or post-processes the estimator, so this takes
    seconds to a minute (Adult, 32,561 training rows, a logistic regression, 2 cores:
    9-18 s for the default methods, half of it ExponentiatedGradient).

    Parameters
    ----------
    estimator : estimator
        An unfitted scikit-learn classifier or Pipeline. It is cloned, never fitted or
        changed; ``random_state`` parameters that are None are set to ``seed``.
    X_train, y_train, X_test, y_test : array-like
        Labels 0/1 (or two values with ``pos_label``).
    sensitive_train, sensitive_test : array-like or Series
        One sensitive attribute (1-D), one value per row.
    methods : list of specs, optional
        From :mod:`fairness_widgets.mitigations` (default: every method once,
        ``DEFAULT_METHODS``). Methods fit on all training rows, except aif360's
        post-processors (CalibratedEqOdds, RejectOption), which fit on a validation
        split of the training rows, and the model under them on the rest.
        ThresholdOptimizer fits on all training rows, as fairlearn's default.
    seed : int, default 0
        Seeds the validation split, the estimator and aif360; same seed, same numbers.
    validation_size : float, default 0.3
        Share of training rows held out for the post-processors that need it
        (stratified by group and label).
    pos_label : optional
        The positive label when labels are not 0/1.
    progress : bool or callable, default True
        True: a one-line bar on stderr; False: silent; a callable
        ``(done, total, label)`` is called as each step starts and once at the end.

    Returns
    -------
    MitigationResults
        Per point and group, expected confusion counts on the test rows;
        ``results.table(constraint, objective)`` places the points on the axes of
        :meth:`~fairness_widgets.Audit.tradeoff`.

    Warns
    -----
    UserWarning
        When a library could not do what was asked (e.g. RejectOption found no threshold
        within its bound); the point's ``note`` says the same.

    Examples
    --------
    >>> import fairness_widgets as fw
    >>> from fairness_widgets import mitigations as mit
    >>> from sklearn.linear_model import LogisticRegression
    >>> train, test = fw.datasets.load_adult("train"), fw.datasets.load_adult("test")
    >>> columns = ["age", "education_num", "hours_per_week"]
    >>> results = fw.run_mitigations(
    ...     LogisticRegression(), train[columns], train["label"], test[columns], test["label"],
    ...     sensitive_train=train["sex"], sensitive_test=test["sex"],
    ...     methods=[mit.Baseline(), mit.ThresholdOptimizer()], progress=False)
    >>> results.table("demographic_parity")[["label", "accuracy", "disparity"]].round(3)
                         label  accuracy  disparity
    0                 Baseline     0.791      0.071
    1  ThresholdOptimizer (DP)     0.779      0.007
    """
    specs = check_methods(methods)
    inputs = check_inputs(
        estimator,
        X_train,
        y_train,
        X_test,
        y_test,
        sensitive_train=sensitive_train,
        sensitive_test=sensitive_test,
        seed=seed,
        validation_size=validation_size,
        pos_label=pos_label,
    )
    check_capabilities(specs, inputs)
    steps = Steps(sum(spec.steps for spec in specs), progress_callback(progress))
    models = SharedModels(inputs)
    with warnings.catch_warnings():
        # fairlearn and aif360 warn about their own use of pandas/numpy APIs (dozens per
        # fit on pandas 3): nothing a user of this function can act on.
        for category in (DeprecationWarning, FutureWarning):
            warnings.filterwarnings("ignore", category=category, module="fairlearn|aif360")
        points = [point for spec in specs for point in method_points(spec, inputs, models, steps.start)]
    steps.finish()
    for point in points:
        if point.note:
            warnings.warn(f"{point.label}: {point.note}", UserWarning, stacklevel=2)
    return collect_results(
        points,
        y_true=inputs.y_test,
        groups=inputs.groups_test,
        levels=inputs.levels,
        attribute=inputs.attribute,
        seed=inputs.seed,
    )


def check_methods(methods: Sequence[MitigationSpec] | None) -> tuple[MitigationSpec, ...]:
    """Refuse anything but a non-empty list of specs with distinct labels."""
    if methods is None:
        return DEFAULT_METHODS
    if isinstance(methods, MitigationSpec):
        methods = [methods]
    specs = tuple(methods)
    wrong = [spec for spec in specs if not isinstance(spec, MitigationSpec)]
    if wrong or not specs:
        raise TypeError(
            "methods must be a non-empty list of specs from fairness_widgets.mitigations, e.g. "
            f"[mit.Baseline(), mit.ThresholdOptimizer()]; got {wrong[0] if wrong else methods!r}."
        )
    repeated = [label for label, n in Counter(spec.label for spec in specs).items() if n > 1]
    if repeated:
        raise ValueError(
            f"Two methods have the label {repeated[0]!r}; drop the duplicate or tell them apart "
            "with name=, e.g. mit.ExponentiatedGradient(eps=0.05, name='EG loose')."
        )
    return specs


def method_points(
    spec: MitigationSpec, inputs: MitigationInputs, models: SharedModels, start: StartStep
) -> list[MethodPoint]:
    """Fit one method; its point(s) on the test rows."""
    runner = RUNNERS.get(type(spec))
    if runner is None:
        raise TypeError(
            f"No runner for {type(spec).__name__}; use the specs of fairness_widgets.mitigations."
        )
    return runner(spec, inputs, models, start)


@one_point
def baseline_points(spec: Baseline, inputs: MitigationInputs, models: SharedModels) -> Fit:
    """The estimator fitted on all training rows, predicting with its own ``predict``."""
    return Fit(hard_predictions(models.full.predict(inputs.X_test)))


#: How each spec is run.
RUNNERS: dict[type[MitigationSpec], Runner] = {
    Baseline: baseline_points,
    ThresholdOptimizer: threshold_optimizer_points,
    ExponentiatedGradient: exponentiated_gradient_points,
    GridSearch: grid_search_points,
    Reweighing: reweighing_points,
    CalibratedEqOdds: calibrated_eq_odds_points,
    RejectOption: reject_option_points,
}
