"""Disparity measures between groups, with bootstrap intervals and significance tests.

Definitions follow the reference libraries so that their users can trust the numbers:

* between groups (fairlearn): ``difference`` = largest minus smallest group value,
  ``ratio`` = smallest over largest; equalized odds takes the worse of the true and
  false positive rates;
* against a reference group (aif360, ``priv_group``): every other group pooled
  ("unprivileged") minus, or over, the reference ("privileged") group;
* generalized entropy and Theil indexes of benefits (aif360).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from fairness_widgets.compute.bootstrap import DEFAULT_BOOTSTRAP, percentile_interval, resample_counts
from fairness_widgets.compute.cells import Cells
from fairness_widgets.compute.groups import CROSS, Attribute
from fairness_widgets.compute.inequality import between_group_generalized_entropy, generalized_entropy
from fairness_widgets.compute.metrics import METRICS, Counts
from fairness_widgets.compute.significance import bonferroni, homogeneity_p_value
from fairness_widgets.compute.views import confusion

#: The four-fifths (80%) rule of the US EEOC Uniform Guidelines on adverse impact.
FOUR_FIFTHS = 0.8
FOUR_FIFTHS_FLAG = "fails the four-fifths rule"

COLUMNS = [
    "attribute",
    "measure",
    "versus",
    "value",
    "ci_low",
    "ci_high",
    "p_value",
    "lowest_group",
    "highest_group",
    "flag",
    "definition",
]

#: Named between-group measures: (measure, metric, statistic, definition).
BETWEEN_GROUPS: tuple[tuple[str, str, str, str], ...] = (
    (
        "demographic_parity_difference",
        "selection_rate",
        "difference",
        "largest minus smallest selection rate (fairlearn)",
    ),
    (
        "demographic_parity_ratio",
        "selection_rate",
        "ratio",
        "smallest over largest selection rate (fairlearn); the four-fifths rule asks >= 0.8",
    ),
    (
        "equal_opportunity_difference",
        "true_positive_rate",
        "difference",
        "largest minus smallest true positive rate (fairlearn)",
    ),
    (
        "equal_opportunity_ratio",
        "true_positive_rate",
        "ratio",
        "smallest over largest true positive rate (fairlearn)",
    ),
    (
        "predictive_parity_difference",
        "precision",
        "difference",
        "largest minus smallest precision (positive predictive value)",
    ),
    ("predictive_parity_ratio", "precision", "ratio", "smallest over largest precision"),
    ("accuracy_difference", "accuracy", "difference", "largest minus smallest accuracy"),
)


def _rates(metric: str, matrix: NDArray[np.int64]) -> NDArray[np.float64]:
    return METRICS[metric].values(Counts.from_matrix(matrix))


def _spread(values: NDArray[np.float64], statistic: str) -> NDArray[np.float64]:
    """Between-group difference or ratio over the last axis, ignoring undefined groups."""
    high = np.fmax.reduce(values, axis=-1)
    low = np.fmin.reduce(values, axis=-1)
    if statistic == "difference":
        return np.asarray(high - low, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(high > 0, low / np.where(high > 0, high, 1), np.nan)


def _rate_test(metric: str, matrix: NDArray[np.int64]) -> float:
    definition = METRICS[metric]
    counts = Counts.from_matrix(matrix)
    assert definition.numerator is not None
    return homogeneity_p_value(definition.numerator(counts), definition.denominator(counts))


@dataclass(frozen=True)
class _Row:
    attribute: str
    measure: str
    versus: str
    value: float
    interval: tuple[float, float]
    p_value: float
    lowest_group: str = ""
    highest_group: str = ""
    flag: str = ""
    definition: str = ""

    def record(self) -> dict[str, Any]:
        return {
            "attribute": self.attribute,
            "measure": self.measure,
            "versus": self.versus,
            "value": self.value,
            "ci_low": self.interval[0],
            "ci_high": self.interval[1],
            "p_value": self.p_value,
            "lowest_group": self.lowest_group,
            "highest_group": self.highest_group,
            "flag": self.flag,
            "definition": self.definition,
        }


def _extremes(view: Attribute, values: NDArray[np.float64]) -> tuple[str, str]:
    if not np.isfinite(values).any():
        return "", ""
    return view.levels[int(np.nanargmin(values))], view.levels[int(np.nanargmax(values))]


def _interval(replicates: NDArray[np.float64], confidence: float) -> tuple[float, float]:
    low, high = percentile_interval(replicates[:, None], confidence)
    return float(low[0]), float(high[0])


def _between_groups(
    view: Attribute, matrix: NDArray[np.int64], draws: NDArray[np.int64], confidence: float
) -> list[_Row]:
    rows = []
    for measure, metric, statistic, definition in BETWEEN_GROUPS:
        values = _rates(metric, matrix)
        value = float(_spread(values, statistic))
        low, high = _extremes(view, values)
        flag = ""
        if measure == "demographic_parity_ratio" and value < FOUR_FIFTHS:
            flag = FOUR_FIFTHS_FLAG
        rows.append(
            _Row(
                view.name,
                measure,
                "between groups",
                value,
                _interval(_spread(_rates(metric, draws), statistic), confidence),
                _rate_test(metric, matrix),
                low,
                high,
                flag,
                definition,
            )
        )
    tpr, fpr = _rates("true_positive_rate", matrix), _rates("false_positive_rate", matrix)
    p_value = bonferroni(_rate_test("true_positive_rate", matrix), _rate_test("false_positive_rate", matrix))
    draws_tpr, draws_fpr = _rates("true_positive_rate", draws), _rates("false_positive_rate", draws)
    for statistic, combine, text in (
        ("difference", np.fmax, "the larger of the true and false positive rate differences (fairlearn)"),
        ("ratio", np.fmin, "the smaller of the true and false positive rate ratios (fairlearn)"),
    ):
        parts = (_spread(tpr, statistic), _spread(fpr, statistic))
        worse = tpr if (parts[0] >= parts[1]) == (statistic == "difference") else fpr
        low, high = _extremes(view, worse)
        rows.append(
            _Row(
                view.name,
                f"equalized_odds_{statistic}",
                "between groups",
                float(combine(*parts)),
                _interval(combine(_spread(draws_tpr, statistic), _spread(draws_fpr, statistic)), confidence),
                p_value,
                low,
                high,
                "",
                text,
            )
        )
    rows.append(
        _Row(
            view.name,
            "between_group_generalized_entropy",
            "between groups",
            float(between_group_generalized_entropy(matrix)),
            _interval(between_group_generalized_entropy(draws), confidence),
            float("nan"),
            definition="generalized entropy (alpha=2) of benefits replaced by group means (aif360)",
        )
    )
    return rows


def _pooled(matrix: NDArray[np.int64], reference: int) -> NDArray[np.int64]:
    """Counts of the reference group and of every other group pooled: (..., 2, 4)."""
    rest = matrix.sum(axis=-2) - matrix[..., reference, :]
    return np.stack([rest, matrix[..., reference, :]], axis=-2)


def _against_reference(
    view: Attribute, reference: int, matrix: NDArray[np.int64], draws: NDArray[np.int64], confidence: float
) -> list[_Row]:
    pair, pair_draws = _pooled(matrix, reference), _pooled(draws, reference)
    versus = f"others vs {view.levels[reference]}"

    def gap(metric: str, counts: NDArray[np.int64], statistic: str) -> NDArray[np.float64]:
        rates = _rates(metric, counts)
        if statistic == "difference":
            return rates[..., 0] - rates[..., 1]
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(
                rates[..., 1] > 0, rates[..., 0] / np.where(rates[..., 1] > 0, rates[..., 1], 1), np.nan
            )

    rows = []
    for measure, metric, statistic, definition in (
        (
            "statistical_parity_difference",
            "selection_rate",
            "difference",
            "selection rate of the others minus the reference group's (aif360)",
        ),
        (
            "disparate_impact_ratio",
            "selection_rate",
            "ratio",
            "selection rate of the others over the reference group's (aif360); four-fifths rule: >= 0.8",
        ),
        (
            "equal_opportunity_difference",
            "true_positive_rate",
            "difference",
            "true positive rate of the others minus the reference group's (aif360)",
        ),
    ):
        value = float(gap(metric, pair, statistic))
        flag = FOUR_FIFTHS_FLAG if measure == "disparate_impact_ratio" and value < FOUR_FIFTHS else ""
        rows.append(
            _Row(
                view.name,
                measure,
                versus,
                value,
                _interval(gap(metric, pair_draws, statistic), confidence),
                _rate_test(metric, pair),
                flag=flag,
                definition=definition,
            )
        )
    average = (
        gap("true_positive_rate", pair, "difference") + gap("false_positive_rate", pair, "difference")
    ) / 2
    average_draws = (
        gap("true_positive_rate", pair_draws, "difference")
        + gap("false_positive_rate", pair_draws, "difference")
    ) / 2
    rows.append(
        _Row(
            view.name,
            "average_odds_difference",
            versus,
            float(average),
            _interval(average_draws, confidence),
            bonferroni(_rate_test("true_positive_rate", pair), _rate_test("false_positive_rate", pair)),
            definition="mean of the others' false and true positive rate differences to the reference "
            "(aif360)",
        )
    )
    return rows


def _largest_gaps(view: Attribute, matrix: NDArray[np.int64], min_group_size: int) -> list[_Row]:
    """Largest gap between two subgroups that each have ``min_group_size`` people measured."""
    rows = []
    for metric in ("selection_rate", "true_positive_rate", "false_positive_rate", "precision"):
        definition = METRICS[metric]
        counts = Counts.from_matrix(matrix)
        values = np.where(definition.denominator(counts) >= min_group_size, definition.values(counts), np.nan)
        eligible = int(np.isfinite(values).sum())
        if eligible < 2:
            continue
        low_index, high_index = int(np.nanargmin(values)), int(np.nanargmax(values))
        pair = matrix[[low_index, high_index]]
        pairs = eligible * (eligible - 1) // 2
        rows.append(
            _Row(
                view.name,
                f"largest_subgroup_gap:{metric}",
                f"among groups with n >= {min_group_size}",
                float(values[high_index] - values[low_index]),
                (float("nan"), float("nan")),
                min(1.0, pairs * _rate_test(metric, pair)),
                view.levels[low_index],
                view.levels[high_index],
                definition=f"largest minus smallest {definition.label.lower()} among subgroups measured "
                f"on at least {min_group_size} people; p-value Bonferroni-corrected for the {pairs} pairs",
            )
        )
    return rows


def _reference_index(view: Attribute, matrix: NDArray[np.int64], reference: Mapping[str, str] | None) -> int:
    """The reference group of ``view``: given by the user (crossed for intersections) or
    else the largest group."""
    if reference:
        parts = view.name.split(CROSS)
        if all(part in reference for part in parts):
            wanted = CROSS.join(str(reference[part]) for part in parts)
            if wanted not in view.levels:
                raise ValueError(
                    f"Reference group {wanted!r} does not occur in {view.name!r}; its groups are "
                    f"{list(view.levels)}."
                )
            return view.levels.index(wanted)
    return int(np.argmax(matrix.sum(axis=1)))


def disparity_table(
    cells: Cells,
    views: Sequence[Attribute],
    *,
    threshold: float | None = None,
    reference: Mapping[str, str] | None = None,
    min_group_size: int = 30,
    confidence: float = 0.95,
    n_boot: int = DEFAULT_BOOTSTRAP,
    seed: int | None = 0,
) -> pd.DataFrame:
    """Tidy disparity table; see :meth:`Audit.disparities`."""
    rows: list[_Row] = []
    for view in views:
        matrix = confusion(view, cells, threshold)
        draws = resample_counts(matrix, n_boot, seed)
        rows += _between_groups(view, matrix, draws, confidence)
        rows += _against_reference(view, _reference_index(view, matrix, reference), matrix, draws, confidence)
    finest = max(views, key=lambda view: len(view.name.split(CROSS)))
    if len(finest.name.split(CROSS)) > 1:
        rows += _largest_gaps(finest, confusion(finest, cells, threshold), min_group_size)
    everyone = confusion(views[0], cells, threshold).sum(axis=0)
    everyone_draws = resample_counts(everyone[None, :], n_boot, seed)[:, 0, :]
    for measure, alpha in (("generalized_entropy_index", 2.0), ("theil_index", 1.0)):
        rows.append(
            _Row(
                "(all rows)",
                measure,
                "individuals",
                float(generalized_entropy(everyone, alpha)),
                _interval(generalized_entropy(everyone_draws, alpha), confidence),
                float("nan"),
                definition=f"generalized entropy (alpha={alpha:g}) of benefits y_pred - y_true + 1 (aif360)",
            )
        )
    return pd.DataFrame([row.record() for row in rows], columns=COLUMNS)
