"""FICO TransRisk scores by race: the data of Hardt, Price & Srebro (2016).

Source: US Federal Reserve, "Report to the Congress on Credit Scoring and Its Effects on
the Availability and Affordability of Credit" (2007). Licence: US government work, public
domain. Shipped inside the package; loading never touches the network.
"""

from __future__ import annotations

import pandas as pd

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
