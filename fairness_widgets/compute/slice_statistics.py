"""Statistics of a slice against the rest: exact p-values, intervals, false discovery rate.

A slice's metric is a rate, ``successes / trials`` (e.g. correct predictions / people),
and so is the rest's. Conditioning on the totals, the slice's successes follow a
hypergeometric law when the slice is no different from the rest: Fisher's exact test,
exact for small slices too, where the normal approximation is most wrong in the tail a
search looks at. The same law bounds the best p-value any sub-slice could reach, which
is what lets the lattice search prune without ever dropping a slice that could be
significant.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from fairness_widgets.compute.hypergeometric import hypergeom_cdf, hypergeom_sf
from fairness_widgets.compute.intervals import wilson_interval

#: Which side of a metric is the harm: a lower accuracy, a higher false positive rate.
#: ``"either"`` tests both sides (two-sided).
Worse = Literal["lower", "higher", "either"]
#: Benjamini-Hochberg (independent or positively dependent tests) or Benjamini-Yekutieli
#: (any dependence, at a cost of a factor ``sum(1/i)``).
FdrMethod = Literal["bh", "by"]

Floats = NDArray[np.float64]


def _as_arrays(*values: ArrayLike) -> list[NDArray[np.int64]]:
    return [np.asarray(value, dtype=np.int64) for value in values]


def fisher_p_value(
    successes: ArrayLike, trials: ArrayLike, total_successes: ArrayLike, total_trials: ArrayLike, worse: Worse
) -> Floats:
    """Exact p-value that a slice is worse than the rest (one-sided Fisher test).

    ``"lower"``: the chance of so few successes among ``trials`` people drawn at random
    from everyone (``total_successes`` of ``total_trials``); ``"higher"``: of so many.
    ``"either"`` doubles the smaller of the two (capped at 1).

    Examples
    --------
    >>> fisher_p_value([2], [10], 50, 100, "lower").round(4)  # scipy's fisher_exact "less"
    array([0.0458])
    """
    k, n, big_k, big_n = _as_arrays(successes, trials, total_successes, total_trials)
    if worse == "lower":
        return hypergeom_cdf(k, big_n, big_k, n)
    if worse == "higher":
        return hypergeom_sf(k - 1, big_n, big_k, n)
    lower = fisher_p_value(k, n, total_successes, total_trials, "lower")
    higher = fisher_p_value(k, n, total_successes, total_trials, "higher")
    return np.minimum(1.0, 2.0 * np.minimum(lower, higher))


def _extreme_child(
    successes: NDArray[np.int64], failures: NDArray[np.int64], trials: NDArray[np.int64], min_support: int
) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.bool_]]:
    """The sub-slice with the fewest successes that a slice allows, when a sub-slice holds at
    most ``successes`` successes, ``failures`` failures and ``trials`` people (a slice's own
    counts, or the smallest of those of several slices it lies in), and at least
    ``min_support`` people. Returns its successes, its size, and whether it exists.

    Along that edge the one-sided "lower" p-value falls while the sub-slice can take only
    failures and rises once it must take successes; the effect does the same. So both are
    most extreme at ``failures`` people (or ``min_support``, or the most it can hold).
    """
    most = np.minimum(trials, successes + failures)
    size = np.clip(failures, min_support, np.maximum(most, min_support))
    return np.maximum(size - failures, 0), size, most >= min_support


def _mirrored(
    successes: ArrayLike, failures: ArrayLike, total_successes: int, total_trials: int, worse: Worse
) -> tuple[NDArray[np.int64], NDArray[np.int64], int]:
    """For ``"higher"``, successes are the harm: swap them with failures."""
    k, f = _as_arrays(successes, failures)
    if worse == "higher":
        return f, k, total_trials - total_successes
    return k, f, total_successes


def best_child_p_value(
    successes: ArrayLike,
    failures: ArrayLike,
    trials: ArrayLike,
    total_successes: int,
    total_trials: int,
    *,
    min_support: int,
    worse: Worse,
) -> Floats:
    """The smallest p-value any sub-slice of at least ``min_support`` people could have,
    when it holds at most ``successes`` successes, ``failures`` failures and ``trials``
    people: a lower bound, exact for Fisher's test (see :func:`_extreme_child`); 1 where
    no such sub-slice fits.

    A slice whose bound exceeds the false discovery rate has no descendant that could be
    flagged, so the search need not extend it.

    Examples
    --------
    A slice of 100 people with 5 failures (everyone: 800 successes of 1,000) has at best
    a sub-slice of 10 people with those 5 failures:

    >>> best_child_p_value([95], [5], [100], 800, 1000, min_support=10, worse="lower").round(4)
    array([0.0321])
    """
    if worse == "either":
        args = (successes, failures, trials, total_successes, total_trials)
        lower = best_child_p_value(*args, min_support=min_support, worse="lower")
        higher = best_child_p_value(*args, min_support=min_support, worse="higher")
        return np.minimum(1.0, 2.0 * np.minimum(lower, higher))
    k, f, harmless = _mirrored(successes, failures, total_successes, total_trials, worse)
    child_k, child_n, fits = _extreme_child(k, f, np.asarray(trials, dtype=np.int64), min_support)
    return np.where(fits, fisher_p_value(child_k, child_n, harmless, total_trials, "lower"), 1.0)


def best_child_effect(
    successes: ArrayLike,
    failures: ArrayLike,
    trials: ArrayLike,
    total_successes: int,
    total_trials: int,
    *,
    min_support: int,
    worse: Worse,
) -> Floats:
    """The largest effect (rest rate minus slice rate, for ``"lower"``) any sub-slice of at
    least ``min_support`` people could have, as :func:`best_child_p_value`: an upper bound;
    -inf where no such sub-slice fits.

    Examples
    --------
    >>> best_child_effect([95], [5], [100], 800, 1000, min_support=10, worse="lower").round(3)
    array([0.303])
    """
    if worse == "either":
        args = (successes, failures, trials, total_successes, total_trials)
        lower = best_child_effect(*args, min_support=min_support, worse="lower")
        higher = best_child_effect(*args, min_support=min_support, worse="higher")
        return np.maximum(lower, higher)
    k, f, harmless = _mirrored(successes, failures, total_successes, total_trials, worse)
    child_k, child_n, fits = _extreme_child(k, f, np.asarray(trials, dtype=np.int64), min_support)
    with np.errstate(divide="ignore", invalid="ignore"):
        rest = (harmless - child_k) / (total_trials - child_n)
        effect = rest - child_k / child_n
    return np.where(fits & (child_n < total_trials), effect, -np.inf)


def newcombe_interval(
    successes_1: ArrayLike,
    trials_1: ArrayLike,
    successes_2: ArrayLike,
    trials_2: ArrayLike,
    confidence: float = 0.95,
) -> tuple[Floats, Floats]:
    """Newcombe's hybrid score interval for ``p1 - p2`` of two independent proportions.

    Built from the two Wilson intervals (Newcombe 1998, method 10): it keeps close to its
    nominal coverage for small groups and rates near 0 or 1, where the Wald interval does
    not. NaN where either group is empty.

    Examples
    --------
    >>> low, high = newcombe_interval([56], [70], [48], [80])  # Newcombe's example
    >>> round(float(low[0]), 4), round(float(high[0]), 4)
    (0.0524, 0.3339)
    """
    k1, n1, k2, n2 = (
        np.asarray(value, dtype=np.float64) for value in (successes_1, trials_1, successes_2, trials_2)
    )
    low_1, high_1 = wilson_interval(k1, n1, confidence)
    low_2, high_2 = wilson_interval(k2, n2, confidence)
    with np.errstate(divide="ignore", invalid="ignore"):
        p1, p2 = k1 / n1, k2 / n2
    difference = p1 - p2
    low = difference - np.sqrt((p1 - low_1) ** 2 + (high_2 - p2) ** 2)
    high = difference + np.sqrt((high_1 - p1) ** 2 + (p2 - low_2) ** 2)
    return low, high


def q_values(p_values: ArrayLike, family_size: int | None = None, method: FdrMethod = "bh") -> Floats:
    """False discovery rate adjusted p-values (q-values): Benjamini-Hochberg or -Yekutieli.

    A slice is significant at false discovery rate ``fdr`` when its q-value is at most
    ``fdr``. ``family_size`` is the number of hypotheses in the family when only some
    of their p-values are known: the others count as tests that were not rejected (their
    p-values are known to exceed every threshold), which makes the q-values larger, never
    smaller.

    Examples
    --------
    >>> q_values([0.01, 0.04, 0.03, 0.5]).round(3)
    array([0.04 , 0.053, 0.053, 0.5  ])
    >>> q_values([0.01], family_size=4).round(3)
    array([0.04])
    """
    p = np.asarray(p_values, dtype=np.float64)
    m = len(p) if family_size is None else family_size
    if m < len(p):
        raise ValueError(f"family_size ({m:,}) is smaller than the number of p-values ({len(p):,}).")
    if len(p) == 0:
        return p.copy()
    scale = float(m)
    if method == "by":
        scale *= float(np.sum(1.0 / np.arange(1, m + 1)))
    order = np.argsort(p, kind="stable")
    ranked = p[order] * scale / np.arange(1, len(p) + 1)
    # q_(i) = min over j >= i of p_(j) m / j: a running minimum from the largest p-value.
    ranked = np.minimum.accumulate(ranked[::-1])[::-1]
    q = np.empty_like(p)
    q[order] = np.minimum(ranked, 1.0)
    return q
