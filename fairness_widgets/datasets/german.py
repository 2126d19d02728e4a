"""UCI Statlog German Credit.

Source: Hofmann, UCI Machine Learning Repository, "Statlog (German Credit Data)".
Licence: CC BY 4.0. Shipped gzipped inside the package; loading never touches the network.
"""

from __future__ import annotations

import gzip
import json

import pandas as pd

from fairness_widgets.datasets._files import as_categorical, data_file

#: The 20 attributes in file order (snake case of the UCI documentation), then the label.
COLUMNS: tuple[str, ...] = (
    "status",
    "duration_months",
    "credit_history",
    "purpose",
    "credit_amount",
    "savings",
    "present_employment",
    "installment_rate",
    "status_sex",
    "other_debtors",
    "present_residence",
    "property",
    "age",
    "installment_plans",
    "housing",
    "number_credits",
    "job",
    "people_liable",
    "telephone",
    "foreign_worker",
    "credit",
)
#: The documented row count.
ROWS = 1_000


def _codes() -> dict[str, dict[str, object]]:
    text = data_file("german", "codes.json").read_text(encoding="utf-8")
    codes: dict[str, dict[str, object]] = json.loads(text)
    return codes


def load_german() -> pd.DataFrame:
    """Load the Statlog German Credit data (1,000 applicants) shipped with the package.

    Coded values (``A11``, ``A93``, ...) are replaced by their documented meanings.

    Returns
    -------
    pandas.DataFrame
        The 20 attributes (numeric ones as int64, coded ones as categoricals,
        ``telephone`` and ``foreign_worker`` as bool), ``credit`` (categorical
        ``"good"``/``"bad"``), and two derived columns: ``sex`` (``"female"`` /
        ``"male"``, taken from ``status_sex``, attribute 9) and ``label`` (1 for good
        credit, 0 for bad). Sensitive attributes commonly audited: ``sex``, ``age``
        and ``foreign_worker``.

    Examples
    --------
    >>> import fairness_widgets as fw
    >>> df = fw.datasets.load_german()
    >>> len(df), int(df["label"].sum())
    (1000, 700)
    """
    with data_file("german", "german.data.gz").open("rb") as raw, gzip.open(raw, "rt") as text:
        frame = pd.read_csv(text, sep=" ", header=None, names=list(COLUMNS), dtype=str)
    codes = _codes()
    for column in COLUMNS:
        mapping = codes.get(column)
        if mapping is None:
            frame[column] = frame[column].astype("int64")
        elif all(isinstance(value, bool) for value in mapping.values()):
            frame[column] = frame[column].map(mapping).astype(bool)
        else:
            meanings = [str(value).strip() for value in mapping.values()]
            decoded = frame[column].map({code: str(v).strip() for code, v in mapping.items()})
            frame[column] = as_categorical(decoded.rename(column), meanings)
    frame["sex"] = as_categorical(
        frame["status_sex"].astype(str).str.split(":").str[0].str.strip().rename("sex"),
        ["female", "male"],
    )
    frame["label"] = (frame["credit"] == "good").astype("int64")
    return frame
