"""FICO TransRisk scores by race: the data of Hardt, Price & Srebro (2016).

Source: US Federal Reserve, "Report to the Congress on Credit Scoring and Its Effects on
the Availability and Affordability of Credit" (2007). Licence: US government work, public
domain. Shipped inside the package; loading never touches the network.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from fairness_widgets.datasets._files import data_file

#: The four groups of the report, with the report's spelling tidied.
GROUPS: dict[str, str] = {
    "Non- Hispanic white": "White (non-Hispanic)",
    "Black": "Black",
    "Hispanic": "Hispanic",
    "Asian": "Asian",
}


def _read(name: str) -> pd.DataFrame:
    with data_file("fico", name).open("r", encoding="utf-8") as handle:
        return pd.read_csv(handle)


def load_fico() -> pd.DataFrame:
    """Load the FICO TransRisk score distributions and repayment rates by race.

    Returns
    -------
    pandas.DataFrame
        One row per (race, score) for 198 score points 0-100 and 4 groups (792 rows):
        ``race`` (categorical), ``score``, ``cdf`` (fraction of the group at or below
        the score, 0-1), ``non_default_rate`` (fraction of the group at that score who
        did not default, 0-1; rises with the score) and ``group_size`` (people of the
        group in the report's sample).
        The report gives percentages, and default rather than non-default rates;
        both are converted here.

    Examples
    --------
    >>> import fairness_widgets as fw
    >>> fico = fw.datasets.load_fico()
    >>> fico.groupby("race", observed=True)["group_size"].first().to_dict()["Black"]
    18274
    """
    cdf = _read("transrisk_cdf_by_race_ssa.csv").melt("Score", var_name="race", value_name="cdf")
    # The report's "performance" table is the percentage of each score band that
    # defaulted (98.5% at score 0, under 1% at 100); Hardt et al. use 100 minus it.
    performance = _read("transrisk_performance_by_race_ssa.csv").melt(
        "Score", var_name="race", value_name="default_rate"
    )
    totals = _read("totals.csv").drop(columns="Kind").melt(var_name="race", value_name="group_size")
    frame = cdf.merge(performance, on=["Score", "race"], validate="one_to_one").merge(
        totals, on="race", validate="many_to_one"
    )
    frame = frame.rename(columns={"Score": "score"})
    frame["race"] = pd.Categorical(frame["race"].map(GROUPS), categories=list(GROUPS.values()))
    frame["cdf"] = frame["cdf"] / 100.0
    frame["non_default_rate"] = 1.0 - frame["default_rate"] / 100.0
    frame["group_size"] = frame["group_size"].astype("int64")
    return frame[["race", "score", "cdf", "non_default_rate", "group_size"]]


def load_fico_people() -> pd.DataFrame:
    """The FICO report's sample as one row per person: race, score and repayment.

    The report gives, per race, the share of people at each score and the share of
    them who did not default. Multiplying by the group's sample size and rounding to
    whole people gives a data set with the same distributions, as Hardt, Price &
    Srebro (2016) used it.

    Returns
    -------
    pandas.DataFrame
        ``race`` (categorical), ``score`` (the TransRisk score divided by 100, in
        [0, 1], higher is safer) and ``label`` (1: did not default).

    Examples
    --------
    >>> import fairness_widgets as fw
    >>> people = fw.datasets.load_fico_people()
    >>> people.groupby("race", observed=True).size().to_dict()["Black"]
    18274
    """
    fico = load_fico()
    share = fico.groupby("race", observed=True)["cdf"].diff().fillna(fico["cdf"]).clip(lower=0.0)
    expected = share.to_numpy() * fico["group_size"].to_numpy()
    people = _round_within(expected, fico["race"].cat.codes.to_numpy(), fico["group_size"].to_numpy())
    repaid = np.round(people * fico["non_default_rate"].to_numpy()).astype(np.int64)
    rows = np.repeat(np.arange(len(fico)), people)
    label = np.concatenate(
        [np.r_[np.ones(r, np.int8), np.zeros(n - r, np.int8)] for n, r in zip(people, repaid, strict=True)]
    )
    return pd.DataFrame(
        {
            "race": fico["race"].to_numpy()[rows],
            "score": fico["score"].to_numpy()[rows] / 100.0,
            "label": label,
        }
    )


def _round_within(
    expected: NDArray[np.float64], group: NDArray[np.integer], total: NDArray[np.integer]
) -> NDArray[np.int64]:
    """Whole numbers close to ``expected`` that add up to each group's ``total``
    (largest remainders first)."""
    whole = np.floor(expected).astype(np.int64)
    for g in np.unique(group):
        rows = np.flatnonzero(group == g)
        short = int(total[rows[0]] - whole[rows].sum())
        if short > 0:
            by_remainder = rows[np.argsort(-(expected[rows] - whole[rows]), kind="stable")]
            whole[by_remainder[:short]] += 1
    return whole
