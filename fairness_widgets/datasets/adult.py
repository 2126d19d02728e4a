"""UCI Adult (census income, 1994).

Source: Dua & Graff, UCI Machine Learning Repository, "Adult" (Becker & Kohavi, 1996).
Licence: CC BY 4.0. Shipped gzipped inside the package; loading never touches the network.
"""

from __future__ import annotations

import gzip
from typing import Literal

import pandas as pd

from fairness_widgets.datasets._files import as_categorical, data_file

#: Column names as in ``adult.names``, in snake case, in file order.
COLUMNS: tuple[str, ...] = (
    "age",
    "workclass",
    "fnlwgt",
    "education",
    "education_num",
    "marital_status",
    "occupation",
    "relationship",
    "race",
    "sex",
    "capital_gain",
    "capital_loss",
    "hours_per_week",
    "native_country",
    "income",
)
NUMERIC_COLUMNS: tuple[str, ...] = (
    "age",
    "fnlwgt",
    "education_num",
    "capital_gain",
    "capital_loss",
    "hours_per_week",
)
#: The documented row counts of the two files.
ROWS = {"train": 32_561, "test": 16_281}
_FILES = {"train": "adult.data.gz", "test": "adult.test.gz"}


def documented_levels() -> dict[str, list[str]]:
    """Return the levels of each categorical column as documented in ``adult.names``.

    Using the documented levels (not the levels seen in one file) gives the train and
    test splits identical categorical dtypes.
    """
    text = data_file("adult", "adult.names").read_text(encoding="utf-8")
    levels: dict[str, list[str]] = {"income": ["<=50K", ">50K"]}
    for line in text.splitlines():
        name, sep, rest = line.partition(":")
        column = name.strip().replace("-", "_")
        if not sep or column not in COLUMNS or "continuous" in rest:
            continue
        levels[column] = [value.strip() for value in rest.strip().rstrip(".").split(",")]
    return levels


def load_adult(split: Literal["train", "test"] = "train") -> pd.DataFrame:
    """Load the UCI Adult census-income data shipped with the package.

    Parameters
    ----------
    split : {"train", "test"}
        ``"train"`` is ``adult.data`` (32,561 rows), ``"test"`` is ``adult.test``
        (16,281 rows).

    Returns
    -------
    pandas.DataFrame
        The 15 documented columns in snake case (numeric columns as int64, the others
        as categoricals with the levels documented in ``adult.names``; ``"?"`` becomes
        a missing value) plus ``label``: 1 where ``income`` is ``">50K"``, else 0.
        Sensitive attributes commonly audited: ``sex``, ``race``, ``age``,
        ``native_country``, ``marital_status``.

    Examples
    --------
    >>> import fairness_widgets as fw
    >>> df = fw.datasets.load_adult()
    >>> len(df), df["label"].mean().round(3)
    (32561, np.float64(0.241))
    """
    if split not in _FILES:
        raise ValueError(f"split must be 'train' or 'test', got {split!r}.")
    with data_file("adult", _FILES[split]).open("rb") as raw, gzip.open(raw, "rt") as text:
        frame = pd.read_csv(
            text,
            header=None,
            names=list(COLUMNS),
            skipinitialspace=True,
            na_values="?",
            # The test file opens with a comment line ("|1x3 Cross validator").
            skiprows=1 if split == "test" else 0,
            dtype=dict.fromkeys(NUMERIC_COLUMNS, "int64") | {"income": "str"},
        )
    # Labels in the test file end with a period (">50K.").
    frame["income"] = frame["income"].str.rstrip(".")
    for column, levels in documented_levels().items():
        frame[column] = as_categorical(frame[column], levels)
    frame["label"] = (frame["income"] == ">50K").astype("int64")
    return frame
