"""One point of a trade-off as every group's choice: operating points and probabilities.

Kept flat (group after group, ``bounds`` marking each group's run), so a frontier of
dozens of points over dozens of groups is a few arrays, not thousands of small ones.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

#: One group's choice: flat operating-point indices and the probability of each.
Pick = tuple[NDArray[np.intp], NDArray[np.float64]]


@dataclass(frozen=True)
class Selection:
    """Every group's choice at one point.

    Attributes
    ----------
    index : ndarray of intp
        Flat operating-point indices, group after group.
    weight : ndarray of float64
        The probability each is applied (a group's add up to 1).
    bounds : ndarray of intp, shape (n_groups + 1,)
        Group ``g``'s choice is ``index[bounds[g] : bounds[g + 1]]``.
    """

    index: NDArray[np.intp]
    weight: NDArray[np.float64]
    bounds: NDArray[np.intp]

    @classmethod
    def one_each(cls, points: NDArray[np.intp]) -> Selection:
        """One point per group (flat indices, in group order), each with probability 1."""
        index = np.asarray(points, dtype=np.intp)
        return cls(index, np.ones(len(index)), np.arange(len(index) + 1))

    @property
    def picks(self) -> list[Pick]:
        """Each group's choice (views, no copy)."""
        return [(self.index[a:b], self.weight[a:b]) for a, b in itertools.pairwise(self.bounds.tolist())]
