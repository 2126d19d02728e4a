"""Every threshold of every group: the operating points a post-processor can choose from.

The cells are sorted once by score (descending), then split by group with a stable
counting sort, so each group's levels come out descending; lowering the threshold past
one score level at a time adds that level's positives and negatives. Point ``k`` of a
group predicts positive every score ``>= thresholds[k]`` (point 0: no one).

All groups live in flat arrays (``offsets`` marks where each starts), so the searches
over thresholds are vectorised over groups rather than looping over them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from fairness_widgets.compute.binned_points_kernel import (
    GroupHistogram,
    fits,
    group_histogram,
    histogram_points,
)
from fairness_widgets.compute.cells import Cells
from fairness_widgets.compute.compiled import worth_compiling
from fairness_widgets.compute.groups import Attribute
from fairness_widgets.compute.operating_points_kernel import compiled_operating_points


@dataclass(frozen=True)
class GroupCurve:
    """Operating points of one group, from predicting no one to predicting everyone.

    Attributes
    ----------
    group : str
    thresholds : ndarray
        ``thresholds[k]``: predict positive when score >= it; ``inf`` at k = 0.
    tp, fp : ndarray of int64
        True and false positives at each point.
    positives, negatives : int
        Actual positives and negatives of the group.
    """

    group: str
    thresholds: NDArray[np.float64]
    tp: NDArray[np.int64]
    fp: NDArray[np.int64]
    positives: int
    negatives: int

    @property
    def size(self) -> int:
        return self.positives + self.negatives


@dataclass(frozen=True)
class OperatingPoints:
    """The operating points of all groups, concatenated group after group.

    Attributes
    ----------
    groups : tuple of str
    offsets : ndarray of intp, shape (n_groups + 1,)
        Group ``g``'s points are ``offsets[g]:offsets[g + 1]`` of the flat arrays.
    thresholds, tp, fp : ndarray
        As in :class:`GroupCurve`, all groups one after the other.
    overall_thresholds, overall_tp, overall_fp : ndarray
        The same for everyone pooled (one threshold for all groups): all the pooled
        points, or when built for an objective only the leading point and the best one.
    """

    groups: tuple[str, ...]
    offsets: NDArray[np.intp]
    thresholds: NDArray[np.float64]
    tp: NDArray[np.int64]
    fp: NDArray[np.int64]
    overall_thresholds: NDArray[np.float64]
    overall_tp: NDArray[np.int64]
    overall_fp: NDArray[np.int64]

    #: Every point's record (threshold bits, tp, fp), when the compiled pass built them
    #: (``thresholds``, ``tp`` and ``fp`` are then its columns).
    records: NDArray[np.int64] | None = field(default=None, repr=False, compare=False)

    @property
    def counts(self) -> NDArray[np.int64]:
        """One row per point: (unused, tp, fp), C-ordered (the compiled kernels read it)."""
        if self.records is not None:
            return self.records
        counts = np.zeros((len(self.tp), 3), dtype=np.int64)
        counts[:, 1], counts[:, 2] = self.tp, self.fp
        return counts

    @property
    def n_groups(self) -> int:
        return len(self.groups)

    @property
    def group_of_point(self) -> NDArray[np.intp]:
        """The group index of each flat point."""
        return np.repeat(np.arange(self.n_groups), np.diff(self.offsets))

    @property
    def positives(self) -> NDArray[np.int64]:
        """Actual positives per group (the true positives at each group's last point)."""
        return self.tp[self.offsets[1:] - 1]

    @property
    def negatives(self) -> NDArray[np.int64]:
        return self.fp[self.offsets[1:] - 1]

    @property
    def sizes(self) -> NDArray[np.int64]:
        return self.positives + self.negatives

    def curve(self, group: int) -> GroupCurve:
        """Group ``group``'s points (views of the flat arrays, no copy)."""
        part = slice(self.offsets[group], self.offsets[group + 1])
        tp, fp = self.tp[part], self.fp[part]
        return GroupCurve(self.groups[group], self.thresholds[part], tp, fp, int(tp[-1]), int(fp[-1]))

    @property
    def curves(self) -> list[GroupCurve]:
        return [self.curve(g) for g in range(self.n_groups)]


def _small_int(codes: NDArray[np.integer], n_groups: int) -> NDArray[np.integer]:
    """Codes in the narrowest integer type, so that a stable sort of them is a radix sort."""
    return codes.astype(np.int16) if n_groups < 2**15 else codes


def view_histogram(view: Attribute, cells: Cells) -> GroupHistogram | None:
    """``view``'s per-group histogram as operating points, where the compiled pass takes a
    table of counts per group and bin (binned scores, numba installed, a table not much
    larger than the cells); None where it does not."""
    if cells.score is None or cells.resolution is None:
        return None
    if not worth_compiling(len(cells.count)) or not fits(cells, view.n_groups):
        return None
    return group_histogram(view, cells)


def operating_points(
    view: Attribute,
    cells: Cells,
    weights: tuple[float, float] | None = None,
    *,
    histogram: GroupHistogram | None = None,
) -> OperatingPoints:
    """The operating points of each group of ``view`` (needs scores).

    With ``weights`` (of true and false positives in an objective), the pooled points are
    cut to the leading one and the best for ``weights[0] * tp - weights[1] * fp``, and
    large inputs go through a compiled pass (when numba is installed: a table of counts
    per group and bin for binned scores, else one pass over the cells in score order);
    otherwise one sort of the cells. ``histogram``, the view's from
    :func:`view_histogram` if kept, spares the pass over the cells.
    """
    if cells.score is None:
        raise ValueError(
            "Trade-offs need scores to move thresholds; this audit was given hard predictions. "
            "Build it with y_score= (e.g. model.predict_proba(X)[:, 1])."
        )
    if weights is not None and worth_compiling(len(cells.count)):
        if histogram is None:
            histogram = view_histogram(view, cells)
        if histogram is not None:
            found = histogram_points(histogram, *weights)
        else:
            found = compiled_operating_points(view, cells, *weights)
        return OperatingPoints(tuple(view.levels), *found)
    descending = np.argsort(-cells.score)
    all_positives = cells.count * cells.y_true
    all_negatives = cells.count - all_positives
    score = cells.score[descending]
    overall = _cumulate(
        score, all_positives[descending], all_negatives[descending], np.zeros(len(score), dtype=np.intp), 1
    )
    codes = view.codes[descending]
    order = descending[np.argsort(_small_int(codes, view.n_groups), kind="stable")]
    points = _cumulate(
        cells.score[order], all_positives[order], all_negatives[order], view.codes[order], view.n_groups
    )
    pooled = slice(None)
    if weights is not None:  # the leading point and the first best (as the compiled pass)
        value = weights[0] * overall[2] - weights[1] * overall[3]
        best = int(np.argmax(value))
        pooled = slice(0, 2) if best else slice(0, 1)
        overall = (overall[0], overall[1][[0, best]], overall[2][[0, best]], overall[3][[0, best]])
    return OperatingPoints(
        groups=tuple(view.levels),
        offsets=points[0],
        thresholds=points[1],
        tp=points[2],
        fp=points[3],
        overall_thresholds=overall[1][pooled],
        overall_tp=overall[2][pooled],
        overall_fp=overall[3][pooled],
    )


def _cumulate(
    score: NDArray[np.float64],
    positives: NDArray[np.int64],
    negatives: NDArray[np.int64],
    group: NDArray[np.integer],
    n_groups: int,
) -> tuple[NDArray[np.intp], NDArray[np.float64], NDArray[np.int64], NDArray[np.int64]]:
    """Flat operating points from cells sorted by (group, score descending).

    Cells of equal score in a group merge into one level; each group gets a leading
    point that predicts no one.
    """
    new_level = np.ones(len(score), dtype=bool)
    new_level[1:] = (score[1:] != score[:-1]) | (group[1:] != group[:-1])
    starts = np.flatnonzero(new_level)
    level_group = group[starts]
    if len(starts) == len(score):  # every cell its own level (no reduceat: slow on tiny runs)
        level_pos, level_neg = positives, negatives
    else:
        level_pos = np.add.reduceat(positives, starts) if len(starts) else np.zeros(0, np.int64)
        level_neg = np.add.reduceat(negatives, starts) if len(starts) else np.zeros(0, np.int64)
    levels_per_group = np.bincount(level_group, minlength=n_groups)
    offsets = np.zeros(n_groups + 1, dtype=np.intp)
    np.cumsum(levels_per_group + 1, out=offsets[1:])
    # Level j of group g sits at flat position j + g + 1 (one leading point per group).
    position = np.arange(len(starts)) + level_group + 1
    n_points = int(offsets[-1])
    thresholds = np.full(n_points, np.inf)
    thresholds[position] = score[starts]
    tp = np.zeros(n_points, dtype=np.int64)
    fp = np.zeros(n_points, dtype=np.int64)
    tp[position] = level_pos
    fp[position] = level_neg
    np.cumsum(tp, out=tp)
    np.cumsum(fp, out=fp)
    # Restart the running sums at every group: subtract what the earlier groups added.
    first = offsets[:-1]
    tp -= np.repeat(tp[first], levels_per_group + 1)
    fp -= np.repeat(fp[first], levels_per_group + 1)
    return offsets, thresholds, tp, fp


def group_curves(view: Attribute, cells: Cells) -> list[GroupCurve]:
    """The operating points of each group of ``view``, one curve per group."""
    return operating_points(view, cells).curves
