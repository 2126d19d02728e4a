"""The data of a mitigation run, checked once; and the estimator fits that methods share.

Every method is measured on the same test rows. Methods that fit on scores of rows the
model never saw (aif360's post-processors) use one seeded validation split of the
training rows, stratified by group and label, never the test rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from fairness_widgets.compute.labels import as_column, binary_labels
from fairness_widgets.compute.mitigation_specs import MitigationSpec
from fairness_widgets.compute.reference_libraries import import_reference

#: Share of the training rows held out to fit post-processors on, by default.
DEFAULT_VALIDATION_SIZE = 0.3


@dataclass(frozen=True)
class MitigationInputs:
    """Checked inputs: 0/1 labels, groups as strings, a seeded unfitted estimator.

    Attributes
    ----------
    estimator : estimator
        A clone of the user's estimator with ``random_state`` set to ``seed`` wherever
        it was None (its own steps included); never fitted itself (see :meth:`fresh`).
    attribute : str
        Name of the sensitive attribute.
    levels : tuple of str
        The groups, sorted.
    sample_weight_name : str
        The fit parameter that takes sample weights (``"<last step>__sample_weight"``
        for a Pipeline).
    """

    estimator: Any
    X_train: Any
    y_train: NDArray[np.int64]
    groups_train: NDArray[np.object_]
    X_test: Any
    y_test: NDArray[np.int64]
    groups_test: NDArray[np.object_]
    attribute: str
    levels: tuple[str, ...]
    seed: int
    validation_size: float
    sample_weight_name: str | None

    def fresh(self) -> Any:
        """An unfitted copy of the estimator, to fit."""
        return import_reference("sklearn.base").clone(self.estimator)


@dataclass(frozen=True)
class ValidationSplit:
    """The estimator fitted on the training part; the held-out validation rows."""

    model: Any
    X_validation: Any
    y_validation: NDArray[np.int64]
    groups_validation: NDArray[np.object_]


class SharedModels:
    """Estimator fits shared by the methods: made on first use, at most once each."""

    def __init__(self, inputs: MitigationInputs) -> None:
        self.inputs = inputs

    @cached_property
    def full(self) -> Any:
        """The estimator fitted on all training rows (Baseline; ThresholdOptimizer's)."""
        inputs = self.inputs
        return inputs.fresh().fit(inputs.X_train, inputs.y_train)

    @cached_property
    def split(self) -> ValidationSplit:
        """The estimator fitted on the training part of the seeded validation split."""
        inputs = self.inputs
        selection = import_reference("sklearn.model_selection")
        x_fit, x_validation, y_fit, y_validation, _, g_validation = selection.train_test_split(
            inputs.X_train,
            inputs.y_train,
            inputs.groups_train,
            test_size=inputs.validation_size,
            random_state=inputs.seed,
            stratify=_strata(inputs.y_train, inputs.groups_train),
        )
        model = inputs.fresh().fit(x_fit, y_fit)
        return ValidationSplit(
            model, x_validation, np.asarray(y_validation), np.asarray(g_validation, dtype=object)
        )


def _strata(y: NDArray[np.int64], groups: NDArray[np.object_]) -> NDArray[np.object_] | None:
    """Group x label when every such cell can be split, else the label, else nothing."""
    for key in (groups + "|" + y.astype(str), y.astype(str).astype(object)):
        if pd.Series(key).value_counts().min() >= 2:
            return key
    return None


def check_inputs(
    estimator: Any,
    X_train: Any,  # noqa: N803 (scikit-learn's name)
    y_train: Any,
    X_test: Any,  # noqa: N803
    y_test: Any,
    *,
    sensitive_train: Any,
    sensitive_test: Any,
    seed: int,
    validation_size: float,
    pos_label: Any = None,
) -> MitigationInputs:
    """Check every input once, with errors that name the argument and the fix."""
    _check_seed(seed)
    if not isinstance(validation_size, float) or not 0 < validation_size < 1:
        raise ValueError(f"validation_size must be a fraction in (0, 1), e.g. 0.3; got {validation_size!r}.")
    y_fit = _labels(y_train, "y_train", pos_label, X_train, "X_train")
    y_check = _labels(y_test, "y_test", pos_label, X_test, "X_test")
    groups_train, name = _groups(sensitive_train, "sensitive_train", len(y_fit))
    groups_test, _ = _groups(sensitive_test, "sensitive_test", len(y_check))
    levels = sorted(set(groups_train))
    if len(levels) < 2:
        raise ValueError(
            f"sensitive_train has a single group ({levels[0]!r}); mitigations compare groups, so "
            "pass an attribute with at least two."
        )
    unseen = sorted(set(groups_test) - set(levels))
    if unseen:
        raise ValueError(
            f"sensitive_test has group(s) {unseen[:5]} that sensitive_train never has; the "
            "mitigations cannot treat them. Drop those test rows or merge the groups."
        )
    for labels, where in ((y_fit, "y_train"), (y_check, "y_test")):
        if len(np.unique(labels)) < 2:
            raise ValueError(f"{where} holds a single class; mitigations need positives and negatives.")
    return MitigationInputs(
        estimator=_seeded_clone(estimator, seed),
        X_train=X_train,
        y_train=y_fit,
        groups_train=groups_train,
        X_test=X_test,
        y_test=y_check,
        groups_test=groups_test,
        attribute=name,
        levels=tuple(levels),
        seed=seed,
        validation_size=validation_size,
        sample_weight_name=sample_weight_name(estimator),
    )


def _check_seed(seed: Any) -> None:
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or not 0 <= seed < 2**32:
        raise ValueError(f"seed must be a whole number in [0, 2**32); got {seed!r}.")


def _n_rows(features: Any) -> int:
    shape = getattr(features, "shape", None)
    return int(shape[0]) if shape is not None and len(shape) else len(features)


def _labels(y: Any, name: str, pos_label: Any, features: Any, features_name: str) -> NDArray[np.int64]:
    labels = binary_labels(y, name, pos_label).astype(np.int64)
    if _n_rows(features) != len(labels):
        raise ValueError(
            f"{features_name} has {_n_rows(features):,} rows but {name} has {len(labels):,}; "
            "pass the same rows."
        )
    return labels


def _groups(values: Any, name: str, n: int) -> tuple[NDArray[np.object_], str]:
    column = as_column(values, name)
    if len(column) != n:
        raise ValueError(f"{name} has {len(column):,} rows but the labels have {n:,}; pass the same rows.")
    missing = column.isna().to_numpy()
    if missing.any():
        raise ValueError(
            f"{name} has {int(missing.sum())} missing value(s) (first at row position "
            f"{int(np.flatnonzero(missing)[0])}); drop those rows or fill them (e.g. 'unknown')."
        )
    named = isinstance(values, (pd.Series, pd.DataFrame)) and column.name is not None
    attribute = str(column.name) if named else "sensitive"
    return column.astype(str).to_numpy(dtype=object), attribute


def _seeded_clone(estimator: Any, seed: int) -> Any:
    """A clone with every ``random_state`` that was None set to ``seed``."""
    if not hasattr(estimator, "fit") or not hasattr(estimator, "get_params"):
        raise TypeError(
            f"estimator must be an unfitted scikit-learn classifier or Pipeline (with fit and "
            f"get_params); got {type(estimator).__name__}."
        )
    clone = import_reference("sklearn.base").clone(estimator)
    unset = {
        key: seed
        for key, value in clone.get_params(deep=True).items()
        if value is None and (key == "random_state" or key.endswith("__random_state"))
    }
    return clone.set_params(**unset)


def sample_weight_name(estimator: Any) -> str | None:
    """How to pass sample weights to ``estimator.fit`` (a Pipeline's last step), or None."""
    pipeline = import_reference("sklearn.pipeline").Pipeline
    validation = import_reference("sklearn.utils.validation")
    if isinstance(estimator, pipeline):
        step, last = estimator.steps[-1]
        inner = sample_weight_name(last)
        return None if inner is None else f"{step}__{inner}"
    return "sample_weight" if validation.has_fit_parameter(estimator, "sample_weight") else None


def check_capabilities(methods: Sequence[MitigationSpec], inputs: MitigationInputs) -> None:
    """Refuse, before any fit, a method the estimator cannot serve."""
    kind = type(inputs.estimator).__name__
    for spec in methods:
        if spec.needs_scores and not hasattr(inputs.estimator, "predict_proba"):
            raise ValueError(
                f"{spec.label} post-processes probability scores, but {kind} has no predict_proba. "
                "Use a classifier with predict_proba, or wrap it in "
                "sklearn.calibration.CalibratedClassifierCV, or drop this method."
            )
        privileged = getattr(spec, "privileged", None)
        if privileged is not None and privileged not in inputs.levels:
            raise ValueError(
                f"{spec.label}: privileged={privileged!r} is not a group of {inputs.attribute}; pass "
                f"one of {list(inputs.levels)}."
            )
        if spec.needs_sample_weight and inputs.sample_weight_name is None:
            raise ValueError(
                f"{spec.label} refits the estimator with sample weights, but {kind}.fit takes no "
                "sample_weight. Use an estimator that does (e.g. LogisticRegression), or drop this method."
            )
