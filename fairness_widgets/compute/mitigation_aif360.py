"""aif360's mitigations, each turned into points: test-row positive probabilities.

The post-processors are aif360's classic ones on ``BinaryLabelDataset`` (the
scikit-learn-API ``PostProcessingMeta`` fails on scikit-learn >= 1.6). The datasets
hold only what they need: the label, the score and a 0/1 float "privileged" column,
so no string column ever reaches aif360 (its datasets break on pandas 3 strings).
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from fairness_widgets.compute.mitigation_inputs import MitigationInputs, SharedModels
from fairness_widgets.compute.mitigation_specs import (
    REJECT_OPTION_METRICS,
    CalibratedEqOdds,
    RejectOption,
    Reweighing,
)
from fairness_widgets.compute.mitigation_steps import Fit, hard_predictions, one_point
from fairness_widgets.compute.reference_libraries import import_reference

#: Column of aif360 datasets: 1.0 for the privileged group, 0.0 for everyone else.
PRIVILEGED = "privileged"
_GROUPS = {"privileged_groups": [{PRIVILEGED: 1.0}], "unprivileged_groups": [{PRIVILEGED: 0.0}]}


@one_point
def reweighing_points(spec: Reweighing, inputs: MitigationInputs, models: SharedModels) -> Fit:
    """The estimator refitted on all training rows with aif360's reweighing weights."""
    preprocessing = import_reference("aif360.sklearn.preprocessing")
    # aif360's scikit-learn API reads the groups from the index of X.
    frame = pd.DataFrame(index=pd.Index(inputs.groups_train, name=inputs.attribute))
    _, weights = preprocessing.Reweighing(prot_attr=inputs.attribute).fit_transform(frame, inputs.y_train)
    model = inputs.fresh().fit(inputs.X_train, inputs.y_train, **{str(inputs.sample_weight_name): weights})
    return Fit(hard_predictions(model.predict(inputs.X_test)))


def privileged_group(chosen: str | None, inputs: MitigationInputs) -> str:
    """The group aif360 treats as privileged: ``chosen``, or the highest base rate in training."""
    if chosen is not None:
        if chosen not in inputs.levels:
            raise ValueError(
                f"privileged={chosen!r} is not a group of {inputs.attribute}; pass one of "
                f"{list(inputs.levels)}."
            )
        return chosen
    rates = pd.Series(inputs.y_train).groupby(inputs.groups_train).mean()
    return str(rates.idxmax())


def binary_label_datasets(
    y: NDArray[np.int64], privileged: NDArray[np.bool_], score: NDArray[np.float64]
) -> tuple[Any, Any]:
    """aif360 datasets of the true labels, and of the scores (labels at 0.5)."""
    datasets = import_reference("aif360.datasets")
    frame = pd.DataFrame({PRIVILEGED: privileged.astype(np.float64), "label": y.astype(np.float64)})
    truth = datasets.BinaryLabelDataset(
        df=frame,
        label_names=["label"],
        protected_attribute_names=[PRIVILEGED],
        favorable_label=1.0,
        unfavorable_label=0.0,
    )
    predicted = truth.copy(deepcopy=True)
    predicted.scores = score.reshape(-1, 1)
    predicted.labels = (score >= 0.5).astype(np.float64).reshape(-1, 1)
    return truth, predicted


def _scores(models: SharedModels, features: Any) -> NDArray[np.float64]:
    """Positive-class scores of the estimator fitted on the training part of the split."""
    score: NDArray[np.float64] = models.split.model.predict_proba(features)[:, 1]
    return score


def _validation_datasets(privileged: str, models: SharedModels) -> tuple[Any, Any]:
    split = models.split
    score = _scores(models, split.X_validation)
    return binary_label_datasets(split.y_validation, split.groups_validation == privileged, score)


@one_point
def calibrated_eq_odds_points(spec: CalibratedEqOdds, inputs: MitigationInputs, models: SharedModels) -> Fit:
    """Mixing rates fitted on the validation split; the expected prediction on the test rows."""
    postprocessing = import_reference("aif360.algorithms.postprocessing")
    privileged = privileged_group(spec.privileged, inputs)
    fitted = postprocessing.CalibratedEqOddsPostprocessing(
        cost_constraint=spec.cost_constraint, seed=inputs.seed, **_GROUPS
    ).fit(*_validation_datasets(privileged, models))
    score = _scores(models, inputs.X_test)
    probability = calibrated_eq_odds_probability(
        fitted, score, inputs.groups_test == privileged, spec.threshold
    )
    chosen = (
        f"privileged={privileged}; mixing rates {fitted.priv_mix_rate:.3g} (privileged), "
        f"{fitted.unpriv_mix_rate:.3g} (others)"
    )
    return Fit(probability, chosen, _mixing_note(fitted))


def _mixing_note(fitted: Any) -> str:
    """Say so when a mixing rate exceeds 1: aif360 neither clips nor warns."""
    rate = max(fitted.priv_mix_rate, fitted.unpriv_mix_rate)
    if rate <= 1:
        return ""
    side = "privileged group" if fitted.priv_mix_rate > 1 else "other groups"
    base = fitted.base_rate_priv if fitted.priv_mix_rate > 1 else fitted.base_rate_unpriv
    return (
        f"aif360's mixing rate for the {side} is {rate:.3g} > 1: mixing cannot equalise the costs, "
        f"so every score there is replaced by the base rate {base:.3g}."
    )


def calibrated_eq_odds_probability(
    fitted: Any, score: NDArray[np.float64], privileged: NDArray[np.bool_], threshold: float
) -> NDArray[np.float64]:
    """The probability that aif360's ``predict`` says yes to each person.

    ``predict`` replaces a person's score by their side's base rate when a uniform draw
    is ``<=`` the side's mixing rate, then thresholds. Mixing rates above 1 happen
    (aif360 does not clip them) and mean everyone on that side gets the base rate.
    """
    mix = np.where(privileged, fitted.priv_mix_rate, fitted.unpriv_mix_rate).clip(0.0, 1.0)
    base = np.where(privileged, fitted.base_rate_priv, fitted.base_rate_unpriv)
    return np.asarray((1.0 - mix) * (score >= threshold) + mix * (base >= threshold), dtype=np.float64)


@one_point
def reject_option_points(spec: RejectOption, inputs: MitigationInputs, models: SharedModels) -> Fit:
    """Threshold and margin fitted on the validation split, applied to the test rows."""
    postprocessing = import_reference("aif360.algorithms.postprocessing")
    privileged = privileged_group(spec.privileged, inputs)
    roc = postprocessing.RejectOptionClassification(
        low_class_thresh=spec.low_class_thresh,
        high_class_thresh=spec.high_class_thresh,
        num_class_thresh=spec.num_class_thresh,
        num_ROC_margin=spec.num_roc_margin,
        metric_name=REJECT_OPTION_METRICS[spec.metric][0],
        metric_ub=spec.bound,
        metric_lb=-spec.bound,
        **_GROUPS,
    )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        roc.fit(*_validation_datasets(privileged, models))
    note = ""
    if any("Unable to satisy" in str(warning.message) for warning in caught):
        note = (
            f"aif360 found no threshold and margin with the metric within ±{spec.bound:g} on the "
            "validation rows; it kept the one with the lowest (most negative) metric."
        )
    _, test = binary_label_datasets(
        inputs.y_test, inputs.groups_test == privileged, _scores(models, inputs.X_test)
    )
    probability = hard_predictions(roc.predict(test).labels)
    chosen = (
        f"privileged={privileged}; chose threshold={roc.classification_threshold:.4g}, "
        f"margin={roc.ROC_margin:.4g}"
    )
    return Fit(probability, chosen, note)
