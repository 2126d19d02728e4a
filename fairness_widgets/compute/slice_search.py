"""``Audit.slices``: check the settings, count the lattice, test and rank the slices."""

from __future__ import annotations

import math
from typing import Any

from fairness_widgets.compute.groups import MissingPolicy
from fairness_widgets.compute.metrics import METRICS, Metric
from fairness_widgets.compute.mitigation_progress import ProgressCallback, Steps, progress_callback
from fairness_widgets.compute.slice_features import DEFAULT_BINS
from fairness_widgets.compute.slice_lattice import SearchSettings, search_lattice, successes_and_trials
from fairness_widgets.compute.slice_rows import RowSource
from fairness_widgets.compute.slice_sources import slice_counter
from fairness_widgets.compute.slice_statistics import FdrMethod, Worse
from fairness_widgets.compute.slices import Slices, slice_table

#: The side of each rate that harms the people in a slice. A positive prediction is taken
#: to be the favourable outcome (approved, hired), as in aif360's favorable label; pass
#: ``worse=`` when it is the other way round (flagged for fraud).
WORSE: dict[str, Worse] = {
    "selection_rate": "lower",
    "true_positive_rate": "lower",
    "false_positive_rate": "higher",
    "false_negative_rate": "higher",
    "true_negative_rate": "lower",
    "accuracy": "lower",
    "precision": "lower",
    "negative_predictive_value": "lower",
    "false_discovery_rate": "higher",
    "false_omission_rate": "higher",
    "base_rate": "either",
}
#: Rates a slice search can test: a count of successes among a count of people.
SLICE_METRICS = tuple(key for key, metric in METRICS.items() if metric.kind == "rate")


def check_metric(metric: str) -> Metric:
    if metric not in SLICE_METRICS:
        raise ValueError(
            f"metric={metric!r} cannot be searched for slices; choose a rate: {', '.join(SLICE_METRICS)}."
        )
    return METRICS[metric]


def _check_int(name: str, value: Any, lowest: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < lowest:
        raise ValueError(f"{name} must be an integer of at least {lowest}, got {value!r}.")
    return value


def _check_fraction(name: str, value: Any, *, allow_zero: bool = False) -> float:
    number = isinstance(value, (int, float)) and not isinstance(value, bool)
    if not number or not ((value >= 0 if allow_zero else value > 0) and value < 1):
        bounds = "[0, 1)" if allow_zero else "(0, 1)"
        raise ValueError(f"{name} must be a number in {bounds}, got {value!r}.")
    return float(value)


def check_min_support(min_support: Any) -> None:
    """Refuse a min_support that is neither a count of people nor a fraction of them."""
    if isinstance(min_support, float) and 0 < min_support < 1:
        return
    if isinstance(min_support, bool) or not isinstance(min_support, int) or min_support < 1:
        raise ValueError(
            "min_support must be a number of people (an integer >= 1) or a fraction of them "
            f"in (0, 1), got {min_support!r}."
        )


def resolve_min_support(min_support: int | float, metric: Metric, total: int) -> int:
    """A count of people, or a fraction of those the metric is measured on, as a count."""
    check_min_support(min_support)
    count = max(1, math.ceil(min_support * total)) if isinstance(min_support, float) else min_support
    if count >= total:
        raise ValueError(
            f"min_support={min_support!r} asks for slices of at least {count:,} people, but "
            f"{metric.label.lower()} is measured on {total:,} people in all: no slice smaller "
            "than everyone can qualify. Lower it, e.g. min_support=30, or a fraction such as 0.01."
        )
    return count


def find_slices(
    rows: RowSource | None,
    features: Any = None,
    *,
    metric: str = "accuracy",
    worse: Worse | None = None,
    max_order: int = 3,
    min_support: int | float = 30,
    fdr: float = 0.05,
    fdr_method: FdrMethod = "bh",
    min_effect: float = 0.0,
    n_bins: int = DEFAULT_BINS,
    missing: MissingPolicy = "error",
    include_sensitive: bool = True,
    confidence: float = 0.95,
    progress: bool | ProgressCallback = False,
) -> Slices:
    """Search the slices of ``rows``; see :meth:`Audit.slices`."""
    rate = check_metric(metric)
    side = WORSE[metric] if worse is None else worse
    if side not in ("lower", "higher", "either"):
        raise ValueError(f"worse must be 'lower', 'higher', 'either' or None (the metric's), got {worse!r}.")
    _check_int("max_order", max_order, 1)
    _check_int("n_bins", n_bins, 2)
    fdr = _check_fraction("fdr", fdr)
    confidence = _check_fraction("confidence", confidence)
    min_effect = _check_fraction("min_effect", min_effect, allow_zero=True)
    if fdr_method not in ("bh", "by"):
        raise ValueError(
            f"fdr_method must be 'bh' (Benjamini-Hochberg) or 'by' (Benjamini-Yekutieli), got {fdr_method!r}."
        )
    if missing not in ("error", "group"):
        raise ValueError(f"missing must be 'error' or 'group', got {missing!r}.")
    check_min_support(min_support)

    steps = Steps(2 + max_order, progress_callback(progress))
    steps.start("reading the features")
    counter = slice_counter(
        rows, features, include_sensitive=include_sensitive, n_bins=n_bins, missing=missing
    )
    single = counter.count([(0,)])[0]
    _, trials = successes_and_trials(rate, single.matrix.sum(axis=0)[None, :])
    support = resolve_min_support(min_support, rate, int(trials[0]))
    settings = SearchSettings(
        metric=rate, worse=side, min_support=support, max_order=max_order, fdr=fdr, min_effect=min_effect
    )
    lattice = search_lattice(counter, settings, steps.start)
    steps.start("testing and ranking")
    table, stats, n_tested, family_size = slice_table(
        lattice,
        counter.features,
        metric=rate,
        worse=side,
        min_support=support,
        fdr=fdr,
        fdr_method=fdr_method,
        confidence=confidence,
    )
    steps.finish()
    return Slices(
        table=table,
        metric=metric,
        worse=side,
        fdr=fdr,
        fdr_method=fdr_method,
        min_support=support,
        max_order=max_order,
        n_tested=n_tested,
        family_size=family_size,
        features=counter.features,
        confidence=confidence,
        combinations_counted=tuple(lattice.counted_per_level),
        combinations_skipped=tuple(lattice.skipped_per_level),
        overall=single.matrix.sum(axis=0),
        stats=stats,
    )
