"""Results of a mitigation run: per point, per group, the expected confusion counts on
the test rows; any constraint's disparity and any objective are computed from them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from fairness_widgets.compute.expected_counts import expected_counts, objective_and_disparity

#: Columns describing each point, in ``points`` and at the front of ``table()``.
POINT_COLUMNS = ("point", "label", "method", "params", "curve")


@dataclass(frozen=True)
class MethodPoint:
    """One fitted predictor of a method, as its test-row positive probabilities.

    Attributes
    ----------
    curve : str or None
        Shared by the points of one sweep (GridSearch), else None.
    positive_probability : ndarray
        Each test row's probability of a positive prediction (0/1 unless randomised).
    seconds : float
        Wall time of the step that made the point (a shared estimator fit is counted by
        the first step that needs it).
    note : str
        What the library warned about, if anything (e.g. a bound it could not meet).
    """

    label: str
    method: str
    params: str
    curve: str | None
    positive_probability: NDArray[np.float64]
    seconds: float
    note: str = ""


@dataclass(frozen=True)
class MitigationResults:
    """Mitigations measured on the same test rows, as per-group expected counts.

    Attributes
    ----------
    attribute : str
        The sensitive attribute.
    levels : tuple of str
        Its groups.
    seed : int
    points : DataFrame
        One row per point: ``point``, ``label``, ``method``, ``params``, ``curve``,
        ``seconds``, ``note``.
    counts : DataFrame
        Tidy: one row per (point, group) with ``size``, ``positives``, ``negatives`` and
        the expected ``tp``, ``fp``, ``fn``, ``tn`` on the test rows.
    """

    attribute: str
    levels: tuple[str, ...]
    seed: int
    points: pd.DataFrame
    counts: pd.DataFrame

    def table(
        self,
        constraint: str = "demographic_parity",
        objective: str = "accuracy",
        *,
        fp_cost: float = 1.0,
        fn_cost: float = 1.0,
    ) -> pd.DataFrame:
        """Each point's objective and disparity, as :meth:`~fairness_widgets.Audit.tradeoff`
        defines them, so mitigations sit on the same axes as its frontier.

        Parameters
        ----------
        constraint : {"demographic_parity", "equal_opportunity", "equalized_odds", "predictive_parity"}
            ``disparity`` is the largest gap between groups of its rate(s).
        objective : {"accuracy", "balanced_accuracy", "cost"}
        fp_cost, fn_cost : float
            Costs of ``"cost"`` (its value is minus the mean cost per person).

        Returns
        -------
        DataFrame
            ``point``, ``label``, ``method``, ``params``, ``curve``, ``objective``,
            ``disparity``, ``accuracy``, ``n_<group>`` (test rows of each group),
            ``seconds`` and ``note``.
        """
        rows = []
        for point, counts in self.counts.groupby("point", sort=True):
            value, disparity = objective_and_disparity(
                counts, constraint, objective, fp_cost=fp_cost, fn_cost=fn_cost
            )
            correct = float(counts["tp"].sum() + counts["tn"].sum())
            row = {"point": point, "objective": value, "disparity": disparity}
            row["accuracy"] = correct / float(counts["size"].sum())
            row |= {f"n_{group}": int(n) for group, n in zip(counts["group"], counts["size"], strict=True)}
            rows.append(row)
        measured = pd.DataFrame(rows)
        table = self.points[list(POINT_COLUMNS)].merge(measured, on="point")
        table = table.merge(self.points[["point", "seconds", "note"]], on="point")
        table.attrs = {"constraint": constraint, "objective": objective}
        return table

    def __repr__(self) -> str:
        sizes = self.counts[self.counts["point"] == 0].set_index("group")["size"]
        groups = ", ".join(f"{group} {int(n):,}" for group, n in sizes.items())
        header = (
            f"MitigationResults({len(self.points)} points on {int(sizes.sum()):,} test rows; "
            f"{self.attribute}: {groups}; seed {self.seed})"
        )
        table = self.table()[["label", "accuracy", "disparity", "seconds"]]
        table = table.rename(columns={"disparity": "DP disparity"})
        return header + "\n" + table.to_string(index=False, float_format=lambda x: f"{x:.3f}")


def collect_results(
    points: Sequence[MethodPoint],
    *,
    y_true: NDArray[np.int64],
    groups: NDArray[np.object_],
    levels: Sequence[str],
    attribute: str,
    seed: int,
) -> MitigationResults:
    """Turn each point's test-row probabilities into per-group expected counts."""
    frames = []
    for index, point in enumerate(points):
        counts = expected_counts(y_true, point.positive_probability, groups, levels)
        frames.append(counts.assign(point=index, label=point.label))
    counts = pd.concat(frames, ignore_index=True)
    counts = counts[["point", "label", *counts.columns[:-2]]]
    described = pd.DataFrame(
        [
            {
                "point": index,
                "label": point.label,
                "method": point.method,
                "params": point.params,
                "curve": point.curve,
                "seconds": point.seconds,
                "note": point.note,
            }
            for index, point in enumerate(points)
        ]
    )
    return MitigationResults(attribute, tuple(levels), seed, described, counts)
