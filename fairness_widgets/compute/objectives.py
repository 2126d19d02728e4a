"""What a post-processor maximises: accuracy, balanced accuracy, or a business value.

Each objective is linear in every group's true and false positives, so it adds up over
groups: ``value = sum_g (tp_weight * TP_g - fp_weight * FP_g) + constant``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray


@dataclass(frozen=True)
class Objective:
    """A linear objective of the confusion counts, to maximise.

    Attributes
    ----------
    name : str
    tp_weight, fp_weight : float
        Value of one more true positive, cost of one more false positive.
    constant : float
        Value when no one is predicted positive.
    """

    name: str
    tp_weight: float
    fp_weight: float
    constant: float

    def of_counts(
        self, tp: NDArray[np.int64] | NDArray[np.float64], fp: NDArray[np.int64] | NDArray[np.float64]
    ) -> NDArray[np.float64]:
        """The contribution of true and false positive counts (no constant)."""
        return np.asarray(self.tp_weight * tp - self.fp_weight * fp, dtype=np.float64)

    def value_bound(self, positives: float, negatives: float) -> float:
        """No point's value (its counts' contribution, :meth:`of_counts`) exceeds this in
        size: the weights times everyone's counts (1 for accuracy)."""
        return abs(self.tp_weight) * positives + abs(self.fp_weight) * negatives

    def total(self, tp: float, fp: float) -> float:
        return float(self.constant + self.tp_weight * tp - self.fp_weight * fp)


def make_objective(
    name: str, positives: float, negatives: float, *, fp_cost: float = 1.0, fn_cost: float = 1.0
) -> Objective:
    """Build ``"accuracy"``, ``"balanced_accuracy"`` or ``"cost"`` for people with these
    numbers of actual positives and negatives (all groups together).

    ``"cost"`` is minus the mean cost per person, ``fp_cost`` per false positive and
    ``fn_cost`` per false negative (a profit is a negative cost).
    """
    positives, negatives = float(positives), float(negatives)
    n = positives + negatives
    if name == "accuracy":
        return Objective(name, 1.0 / n, 1.0 / n, negatives / n)
    if name == "balanced_accuracy":
        if positives == 0 or negatives == 0:
            raise ValueError("Balanced accuracy needs both actual positives and actual negatives.")
        return Objective(name, 0.5 / positives, 0.5 / negatives, 0.5)
    if name == "cost":
        if not (np.isfinite(fp_cost) and np.isfinite(fn_cost)):
            raise ValueError(f"fp_cost and fn_cost must be finite numbers, got {fp_cost!r} and {fn_cost!r}.")
        # -(fp_cost * FP + fn_cost * (P - TP)) / n
        return Objective(name, fn_cost / n, fp_cost / n, -fn_cost * positives / n)
    raise ValueError(f"objective must be 'accuracy', 'balanced_accuracy' or 'cost', got {name!r}.")
