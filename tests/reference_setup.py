"""Shared by the parity tests: a small real model on Adult, and a quiet aif360 import."""

from __future__ import annotations

from functools import cache
from types import ModuleType

from sklearn.compose import make_column_transformer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from fairness_widgets.compute.reference_libraries import import_reference
from fairness_widgets.datasets import load_adult

NUMERIC = ("age", "education_num", "capital_gain", "capital_loss", "hours_per_week")


@cache
def adult_model(categorical: tuple[str, ...]) -> Pipeline:
    """A logistic regression on Adult train (numeric columns + one-hot ``categorical``),
    fitted once per test session for each set of columns."""
    train = load_adult("train")
    features = [*NUMERIC, *categorical]
    return make_pipeline(
        make_column_transformer(
            (StandardScaler(), list(NUMERIC)),
            (OneHotEncoder(handle_unknown="ignore"), list(categorical)),
        ),
        LogisticRegression(max_iter=1_000),
    ).fit(train[features], train["label"])


def import_quietly(module: str) -> ModuleType:
    """Import without the warnings aif360 logs on the root logger about optional extras
    (the package's own lazy import of its reference libraries)."""
    return import_reference(module)
