"""Which flagged slices only inherit their parent's problem.

A slice inside a flagged slice (``a = 1 ∧ b = 2`` inside ``a = 1``) is usually flagged
too; listing it adds nothing unless, within its parent, it is worse than the parent's
other rows. That is tested for every flagged slice and each flagged parent (one-sided
Fisher test within the parent), with Holm's correction over all those comparisons at
level ``fdr``: a flagged parent has many children and some always look worse by chance,
so a child is kept apart only on strong evidence (the family-wise error rate is
controlled; false discovery rate control lets through a share of noise that grows with
the number of real sub-effects, and the listing should rather err towards the shorter
description). A slice is *subsumed* by a flagged parent it is not significantly worse
within; it points at the root of the chain (that parent's own subsumer, if any).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from fairness_widgets.compute.slice_lattice import Combo, ComboCounts
from fairness_widgets.compute.slice_statistics import Worse, fisher_p_value

#: A slice: its feature combination and its row in that combination's counts.
SliceId = tuple[Combo, int]


@dataclass(frozen=True)
class Flagged:
    """What subsumption needs of each counted combination."""

    counts: ComboCounts
    successes: NDArray[np.int64]
    trials: NDArray[np.int64]
    effect: NDArray[np.float64]
    significant: NDArray[np.bool_]


def holm_adjusted(p_values: NDArray[np.float64]) -> NDArray[np.float64]:
    """Holm's step-down adjusted p-values (family-wise error rate).

    Examples
    --------
    >>> holm_adjusted(np.array([0.01, 0.04, 0.03])).round(2)
    array([0.03, 0.06, 0.06])
    """
    m = len(p_values)
    order = np.argsort(p_values, kind="stable")
    stepped = np.maximum.accumulate(p_values[order] * (m - np.arange(m)))
    adjusted = np.empty(m)
    adjusted[order] = np.minimum(stepped, 1.0)
    return adjusted


def subsumed_by(
    combos: Mapping[Combo, Flagged],
    n_levels: Sequence[int],
    *,
    worse: Worse,
    fdr: float,
) -> dict[SliceId, SliceId]:
    """The flagged parent (followed to the root) that subsumes each subsumed flagged slice."""
    children: list[NDArray[np.intp]] = []
    parents: list[tuple[Combo, Combo, NDArray[np.intp]]] = []
    tests: list[tuple[NDArray[np.int64], ...]] = []
    for combo, child in combos.items():
        if len(combo) < 2 or not child.significant.any():
            continue
        rows = np.flatnonzero(child.significant)
        for drop in range(len(combo)):
            parent_combo = combo[:drop] + combo[drop + 1 :]
            parent = combos[parent_combo]
            columns = [column for column in range(len(combo)) if column != drop]
            levels = tuple(n_levels[feature] for feature in parent_combo)
            keys = np.ravel_multi_index(tuple(child.counts.codes[rows][:, columns].T), levels)
            parent_rows = parent.counts.find(np.asarray(keys, dtype=np.int64))
            flagged = parent.significant[parent_rows]
            rows_here, parent_rows = rows[flagged], parent_rows[flagged]
            children.append(rows_here)
            parents.append((combo, parent_combo, parent_rows))
            tests.append(
                (
                    child.successes[rows_here],
                    child.trials[rows_here],
                    parent.successes[parent_rows],
                    parent.trials[parent_rows],
                )
            )
    if not tests:
        return {}
    successes, trials, parent_successes, parent_trials = (
        np.concatenate([test[i] for test in tests]) for i in range(4)
    )
    within = fisher_p_value(successes, trials, parent_successes, parent_trials, worse)
    holm = holm_adjusted(within)
    ends = np.cumsum([len(rows) for rows in children])
    best: dict[SliceId, tuple[float, SliceId]] = {}
    for rows, (combo, parent_combo, parent_rows), adjusted in zip(
        children, parents, np.split(holm, ends[:-1]), strict=True
    ):
        parent_effect = combos[parent_combo].effect[parent_rows]
        for row, parent_row, p_value, effect in zip(rows, parent_rows, adjusted, parent_effect, strict=True):
            key = (combo, int(row))
            if p_value > fdr and (key not in best or effect > best[key][0]):
                best[key] = (float(effect), (parent_combo, int(parent_row)))
    root: dict[SliceId, SliceId] = {}
    for key in sorted(best, key=lambda slice_id: len(slice_id[0])):  # parents before children
        explaining = best[key][1]
        root[key] = root.get(explaining, explaining)
    return root
