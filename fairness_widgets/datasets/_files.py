"""Locate the data files shipped inside the package (no network, ever)."""

from __future__ import annotations

from importlib.resources import files
from importlib.resources.abc import Traversable

import pandas as pd


def data_file(*parts: str) -> Traversable:
    """Return the packaged file ``datasets/data/<parts...>``.

    Raises
    ------
    FileNotFoundError
        If the file is missing, which means the installation is incomplete.
    """
    path = files("fairness_widgets.datasets").joinpath("data", *parts)
    if not path.is_file():
        raise FileNotFoundError(
            f"The dataset file {'/'.join(parts)!r} is missing from the installed "
            "fairness_widgets package. Reinstall it (pip install --force-reinstall "
            "fairness-widgets); the data ships inside the wheel."
        )
    return path


def as_categorical(values: pd.Series, levels: list[str]) -> pd.Series:
    """Cast ``values`` to a categorical with exactly ``levels``, losing nothing.

    ``pd.Categorical`` silently turns values outside ``levels`` into missing values;
    this refuses instead, so a changed file can never drop data unnoticed.
    """
    unknown = set(values.dropna().unique()) - set(levels)
    if unknown:
        raise ValueError(
            f"Column {values.name!r} holds values outside its documented levels: "
            f"{sorted(map(str, unknown))}. The packaged data file does not match its "
            "documentation; reinstall fairness_widgets."
        )
    return values.astype(pd.CategoricalDtype(levels))
