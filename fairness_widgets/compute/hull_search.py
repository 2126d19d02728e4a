"""Best randomised per-group thresholds: mixing two thresholds reaches every rate between.

Mixing two operating points moves rate and value along the segment between them, so a
group can reach its upper concave hull of (rate, value). With a concave value per group,
"every rate within eps" is solved exactly (Hardt, Price & Srebro, 2016, for eps = 0): for
a window start s, each group's best is its hull at the rate nearest its peak in
[s, s + eps]; that is concave in s, and so is the sum over groups, so a binary search
over the breakpoints (hull corners, and corners minus eps) finds the best start, for
every eps at once. Equalized odds (two rates at once) is a small linear programme over
the corners of each group's ROC hull.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

import numpy as np
from numpy.typing import NDArray
from scipy import sparse

from fairness_widgets.compute import equal_rates_kernel as equal_rates
from fairness_widgets.compute import hull_search_kernel as kernels
from fairness_widgets.compute.box_lp import BoxLP, Solved
from fairness_widgets.compute.compiled import beside_in_runs, together, worth_compiling
from fairness_widgets.compute.convex_hulls import hull_corners, joined_runs, upper_hulls, upper_hulls_of_run
from fairness_widgets.compute.dual_simplex import StartBasis
from fairness_widgets.compute.hull_envelopes_kernel import Envelopes, envelopes, summed_hulls
from fairness_widgets.compute.roc_chains_kernel import upper_hulls_among
from fairness_widgets.compute.selection import Selection


@dataclass(frozen=True)
class Mixture:
    """The best randomised choice for one eps: per group, operating points and the
    probability of each."""

    epsilon: float
    value: float
    selection: Selection


#: The compiled searches' arguments: the hull, the sorted breakpoints, the epsilons, the
#: lowest start per eps and the highest start.
KernelArguments = tuple[Envelopes, NDArray[np.float64], NDArray[np.float64], NDArray[np.float64], float]


class Hulls:
    """Every group's upper hull of (rate, value) in flat arrays, searchable by
    ``2 * group + rate`` (rates lie in [0, 1])."""

    def __init__(
        self,
        rate: NDArray[np.float64],
        value: NDArray[np.float64],
        offsets: NDArray[np.intp],
        corners: list[NDArray[np.intp]] | None = None,
    ):
        """``corners``: each group's upper hull (flat indices), if already found."""
        # The searches below are small; compile them when the points were many.
        self.use_kernels = worth_compiling(len(rate))
        if corners is None:
            corners = upper_hulls(rate, value, offsets)
        self.corners = np.concatenate(corners)
        lengths = np.array([len(c) for c in corners])
        if (lengths == 0).any():
            raise ValueError("Every group needs at least one operating point with a defined rate.")
        self.start = np.concatenate([[0], np.cumsum(lengths)])[:-1]
        self.last = self.start + lengths - 1
        self.x, self.v = rate[self.corners], value[self.corners]
        self.band = 2.0 * np.arange(len(lengths))
        self.key = self.x + np.repeat(self.band, lengths)
        #: Each group's best corner (the first of its largest value), and its rate.
        self.peak_corner = _first_highest_of_runs(self.v, self.start, lengths)
        self.peak = self.x[self.peak_corner]
        #: The summed hull value of a window as two functions of one rate (see hull_envelopes_kernel).
        self.envelopes = envelopes(
            self.x, self.v, self.start, self.last, self.peak_corner, compiled=self.use_kernels
        )
        self._best_starts: dict[bytes, tuple[NDArray[np.intp], NDArray[np.float64]]] = {}
        self._best_start_of: dict[float, float] = {}  # per eps, for the kernels
        self.base = np.unique(np.concatenate([self.x, self.peak]))  # sorted, distinct

    @classmethod
    def from_chains(
        cls,
        rate: NDArray[np.float64],
        value: NDArray[np.float64],
        offsets: NDArray[np.intp],
        chains: tuple[NDArray[np.intp], NDArray[np.intp]],
    ) -> Hulls:
        """The hulls from each group's candidate points (flat indices in order of rate and
        the groups' offsets into them; every corner among them): a view's kept ROC upper
        chains, where :mod:`~fairness_widgets.compute.roc_chains_kernel` says they hold."""
        corners, ends = upper_hulls_among(rate, value, *chains)
        return cls(rate, value, offsets, [corners[ends[g] : ends[g + 1]] for g in range(len(offsets) - 1)])

    @classmethod
    def beside(
        cls, rate: NDArray[np.float64], value: NDArray[np.float64], offsets: NDArray[np.intp]
    ) -> Callable[[], Hulls]:
        """Start building the hulls on the other threads, the groups in runs (one per
        thread), and return a call that waits for them (see ``compiled.beside_in_runs``)."""

        def built(runs: list[list[NDArray[np.intp]]]) -> Hulls:
            return cls(rate, value, offsets, joined_runs(runs))

        return beside_in_runs(partial(upper_hulls_of_run, rate, value), built, offsets, len(rate))

    def _kernel_arguments(self, epsilons: NDArray[np.float64]) -> KernelArguments:
        lowest = float(self.x[self.start].max()) - epsilons
        highest = float(self.x[self.last].min())
        return (self.envelopes, self.base, epsilons, lowest, highest)

    def best_start_values(self, epsilons: NDArray[np.float64]) -> NDArray[np.float64]:
        """Per eps, the window start with the largest summed hull value."""
        epsilons = np.ascontiguousarray(epsilons, dtype=np.float64)
        if self.use_kernels:  # remembered per eps (the window and randomised searches share many)
            missing = np.array([e for e in epsilons if float(e) not in self._best_start_of])
            if len(missing):
                self._check_overlap(missing)
                found = kernels.best_starts(*self._kernel_arguments(missing))
                self._best_start_of.update(zip(missing.tolist(), found.tolist(), strict=True))
            return np.array([self._best_start_of[float(e)] for e in epsilons])
        index, candidates = self.best_starts(epsilons)
        return candidates[np.arange(len(epsilons)), index]

    def _check_overlap(self, epsilons: NDArray[np.float64]) -> None:
        low = float(self.x[self.start].max())
        high = float(self.x[self.last].min())
        if low - epsilons.min() > high + 1e-12:
            raise ValueError(f"No randomised thresholds keep every group's rate within {epsilons.min():g}.")

    def segment(self, target: NDArray[np.float64]) -> tuple[NDArray[np.intp], NDArray[np.float64]]:
        """For targets (groups x anything), the hull segment [j, j + 1] holding each, and
        how far along it (0 at corner j; single-corner hulls give j, 0)."""
        shape = target.shape
        flat = (target + self.band.reshape((-1,) + (1,) * (target.ndim - 1))).ravel()
        j = np.searchsorted(self.key, flat, side="right") - 1
        start = np.repeat(self.start, target.size // len(self.start))
        last = np.repeat(self.last, target.size // len(self.start))
        j = np.clip(j, start, np.maximum(last - 1, start))
        following = np.minimum(j + 1, last)
        width = self.x[following] - self.x[j]
        along = np.where(width > 0, (target.ravel() - self.x[j]) / np.where(width > 0, width, 1.0), 0.0)
        return j.reshape(shape), np.clip(along, 0.0, 1.0).reshape(shape)

    def value_along(self, j: NDArray[np.intp], along: NDArray[np.float64]) -> NDArray[np.float64]:
        """The hull's value ``along`` the way through segment [j, j + 1] (see :meth:`segment`)."""
        following = np.minimum(j + 1, self.last.reshape((-1,) + (1,) * (j.ndim - 1)))
        value: NDArray[np.float64] = self.v[j] + along * (self.v[following] - self.v[j])
        return value

    def totals(self, starts: NDArray[np.float64], epsilon: NDArray[np.float64]) -> NDArray[np.float64]:
        """Sum over groups of the best (randomised) value with rate in [s, s + eps]; starts
        have shape (epsilons, candidates)."""
        return summed_hulls(self.envelopes, starts, epsilon)

    def candidates(self, epsilons: NDArray[np.float64]) -> NDArray[np.float64]:
        """Per eps (rows), the sorted window starts where the summed hull value bends:
        hull corners and peaks, and the same minus eps. Repeats are moved to the end (as
        copies of the last start), so the row reads as non-increasing after its peak."""
        self._check_overlap(epsilons)
        low = float(self.x[self.start].max())
        high = float(self.x[self.last].min())
        base = np.concatenate([self.x, self.peak])
        lowest = (low - epsilons)[:, None]
        shifted = base - epsilons[:, None]
        rows = np.concatenate([np.broadcast_to(base, shifted.shape), shifted], axis=1)
        rows = np.sort(np.clip(np.concatenate([rows, lowest], axis=1), lowest, high), axis=1)
        repeated = np.zeros(rows.shape, dtype=bool)
        repeated[:, 1:] = rows[:, 1:] == rows[:, :-1]
        rows[repeated] = high
        rows.sort(axis=1)
        return rows

    def best_starts(self, epsilons: NDArray[np.float64]) -> tuple[NDArray[np.intp], NDArray[np.float64]]:
        """Per eps, the index into :meth:`candidates` of the best window start, and the
        candidates: the summed hull value is concave in the start, so binary search.
        Remembered per ``epsilons`` (the window search and the randomised search ask both)."""
        known = self._best_starts.get(epsilons.tobytes())
        if known is not None:
            return known
        candidates = self.candidates(epsilons)
        lo = np.zeros(len(epsilons), dtype=np.intp)
        hi = np.full(len(epsilons), candidates.shape[1] - 1, dtype=np.intp)
        rows = np.arange(len(epsilons))
        while (lo < hi).any():
            mid = (lo + hi) // 2
            pair = candidates[rows[:, None], np.stack([mid, np.minimum(mid + 1, hi)], axis=1)]
            total = self.totals(pair, epsilons)
            falling = total[:, 1] <= total[:, 0]
            hi = np.where(falling, mid, hi)
            lo = np.where(falling, lo, mid + 1)
        self._best_starts[epsilons.tobytes()] = (lo, candidates)
        return lo, candidates

    def starts_reaching(
        self, epsilons: NDArray[np.float64], level: NDArray[np.float64]
    ) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """Per eps, an interval of window starts outside which the summed hull value is
        below ``level`` (the hull bounds every deterministic choice, so no better
        deterministic window starts outside it)."""
        if self.use_kernels:
            epsilons = np.ascontiguousarray(epsilons, dtype=np.float64)
            self._check_overlap(epsilons)
            level = np.ascontiguousarray(level, dtype=np.float64)
            best_start = self.best_start_values(epsilons)
            reach: tuple[NDArray[np.float64], NDArray[np.float64]] = kernels.starts_reaching(
                *self._kernel_arguments(epsilons), best_start, level
            )
            return reach
        best, candidates = self.best_starts(epsilons)
        rows = np.arange(len(epsilons))
        last = candidates.shape[1] - 1

        def first_reaching(lo: NDArray[np.intp], hi: NDArray[np.intp], rising: bool) -> NDArray[np.intp]:
            # On [lo, hi] the value only rises (or only falls): find where it crosses level.
            while (lo < hi).any():
                mid = (lo + hi + (0 if rising else 1)) // 2
                reached = self.totals(candidates[rows, mid][:, None], epsilons)[:, 0] >= level
                if rising:
                    hi, lo = np.where(reached, mid, hi), np.where(reached, lo, mid + 1)
                else:
                    lo, hi = np.where(reached, mid, lo), np.where(reached, hi, mid - 1)
            return lo

        left = first_reaching(np.zeros(len(rows), dtype=np.intp), best.copy(), rising=True)
        right = first_reaching(best.copy(), np.full(len(rows), last, dtype=np.intp), rising=False)
        # The value is linear between candidates: widen to the neighbours to be safe.
        return candidates[rows, np.maximum(left - 1, 0)], candidates[rows, np.minimum(right + 1, last)]


def _first_highest_of_runs(
    values: NDArray[np.float64], starts: NDArray[np.intp], lengths: NDArray[np.intp]
) -> NDArray[np.intp]:
    """Per run ``starts[i] .. + lengths[i]`` (consecutive, none empty), the index of its
    first largest value, as ``np.argmax`` gives it (no loop over the runs)."""
    tops = np.flatnonzero(values == np.repeat(np.maximum.reduceat(values, starts), lengths))
    run = np.searchsorted(starts, tops, side="right") - 1
    first = np.ones(len(tops), dtype=bool)
    first[1:] = run[1:] != run[:-1]
    found: NDArray[np.intp] = tops[first]
    return found


def given_or_built(
    hulls: Hulls | Callable[[], Hulls] | None,
    rate: NDArray[np.float64],
    value: NDArray[np.float64],
    offsets: NDArray[np.intp],
) -> Hulls:
    """The hulls of these points: ``hulls`` itself, its result when it is a call (being
    built on another thread), or built here when none were given."""
    if hulls is None:
        return Hulls(rate, value, offsets)
    return hulls() if callable(hulls) else hulls


def hull_search(hulls: Hulls, epsilons: NDArray[np.float64]) -> list[Mixture]:
    """For each eps, the randomised choice maximising the summed value with all groups'
    (expected) rates within eps of each other. Points are flat indices."""
    epsilons = np.asarray(epsilons, dtype=np.float64)
    # An eps no mixture can meet (every group's reachable rates must overlap) is left out.
    widest_gap = float(hulls.x[hulls.start].max() - hulls.x[hulls.last].min())
    epsilons = epsilons[epsilons >= widest_gap - 1e-12]
    if len(epsilons) == 0:
        return []
    best = hulls.best_start_values(epsilons)
    target = np.clip(hulls.peak[:, None], best, best + epsilons)  # groups x epsilons
    j, along = hulls.segment(target)
    value_at = hulls.value_along(j, along).sum(axis=0)
    # Each group mixes corner j and j + 1 (weights 1 - along, along), or takes one corner
    # alone where along is 0 or 1 (or j is its last corner): as one array per eps, cut by group.
    last = hulls.last[:, None]
    alone = (along <= 0.0) | (j == last) | (along >= 1.0)
    sole = np.where((along >= 1.0) & (j != last), j + 1, j)
    pair = np.stack([np.where(alone, sole, j), j + 1], axis=-1)  # groups x eps x 2
    share = np.stack([np.where(alone, 1.0, 1.0 - along), along], axis=-1)
    keep = np.ones(pair.shape, dtype=bool)
    keep[..., 1] = ~alone
    bounds = np.zeros((len(epsilons), len(hulls.start) + 1), dtype=np.intp)
    np.cumsum(keep.sum(axis=2).T, axis=1, out=bounds[:, 1:])
    # Per eps, group after group: eps-major copies of the (groups x eps x 2) arrays.
    used = keep.transpose(1, 0, 2)
    points = hulls.corners[pair.transpose(1, 0, 2)[used]]
    weights = share.transpose(1, 0, 2)[used]
    ends = np.concatenate([[0], np.cumsum(bounds[:, -1])])
    return [
        Mixture(
            float(epsilon),
            float(value_at[e]),
            Selection(points[ends[e] : ends[e + 1]], weights[ends[e] : ends[e + 1]], bounds[e]),
        )
        for e, epsilon in enumerate(epsilons)
    ]


def equalized_odds_search(
    tpr: NDArray[np.float64],
    fpr: NDArray[np.float64],
    value: NDArray[np.float64],
    offsets: NDArray[np.intp],
    epsilons: NDArray[np.float64],
    *,
    corners: NDArray[np.intp] | None = None,
) -> list[Mixture]:
    """Randomised choice maximising the summed value with every group's true and false
    positive rates within eps of each other: a linear programme per eps, re-solved from
    each group's best corner by the compiled dual simplex (HiGHS where that cannot vouch
    for its answer, or without the kernels; SciPy without highspy). ``corners``: those
    of each group's ROC hull (sorted flat indices), if known."""
    flat = hull_corners(fpr, tpr, offsets) if corners is None else corners
    n_groups, n_weights = len(offsets) - 1, len(flat)
    group = np.searchsorted(offsets, flat, side="right") - 1
    if (np.bincount(group, minlength=n_groups) == 0).any():
        raise ValueError(
            "Equalized odds needs every group's true and false positive rates, so positives and "
            "negatives in every group: leave out or merge the groups without them."
        )
    # Variables: the weights of every group's corners, then the two window centres (tpr,
    # fpr). Rows, G each: mean tpr - tpr centre <= eps / 2, and minus it; the same for
    # fpr; then each group's weights add up to 1.
    t, f = tpr[flat], fpr[flat]
    values = np.stack([t, -t, f, -f, np.ones(n_weights)], axis=1).ravel()
    rows = (group[:, None] + n_groups * np.arange(5)).ravel()
    band = np.arange(n_groups)
    centre_rows = np.concatenate([band, band + n_groups, band + 2 * n_groups, band + 3 * n_groups])
    centre_values = np.repeat([-1.0, 1.0, -1.0, 1.0], n_groups)
    nonzero = values != 0.0
    counts = np.concatenate([nonzero.reshape(n_weights, 5).sum(axis=1), [2 * n_groups, 2 * n_groups]])
    indptr = np.concatenate([[0], np.cumsum(counts)])
    matrix = sparse.csc_matrix(
        (
            np.concatenate([values[nonzero], centre_values]),
            np.concatenate([rows[nonzero], centre_rows]),
            indptr,
        ),
        shape=(5 * n_groups, n_weights + 2),
    )
    cost = -np.concatenate([value[flat], np.zeros(2)])
    lower = np.zeros(n_weights + 2)
    upper = np.concatenate([np.full(n_weights, np.inf), np.ones(2)])
    programme = BoxLP(cost, matrix, 4 * n_groups, lower, upper)
    # Widest eps first: its answer is each group's best corner or near it, and each
    # narrower one starts from the basis before (21 eps: 620 -> 300 simplex iterations).
    mixtures: dict[int, Mixture] = {}
    widest_first = np.argsort(-np.asarray(epsilons), kind="stable")
    # eps = 0 from the hulls' intersection (the programme's longest re-solve, 120 steps),
    # on another thread while the programme solves the others.
    exact = [int(k) for k in widest_first if epsilons[k] <= 0.0] if worth_compiling(n_weights) else []
    start = _best_corners_basis(value[flat], t, f, group, n_groups)

    def programme_part(order: NDArray[np.intp]) -> list[Solved]:
        return programme.solve_each([np.full(4 * n_groups, float(epsilons[k]) / 2.0) for k in order], start)

    solving = np.array([k for k in widest_first if int(k) not in exact], dtype=np.intp)
    each, common = together(
        lambda: programme_part(solving),
        lambda: _equal_rates(value[flat], t, f, group, n_groups) if exact else None,
    )
    if common is not None:
        equal = _selections(flat, group, common[1][None, :], n_groups)[0]
        for k in exact:
            mixtures[k] = Mixture(float(epsilons[k]), common[0], equal)
    elif exact:  # rounding left no common point: the programme solves eps = 0 too
        exact_order = np.array(exact, dtype=np.intp)
        solving, each = np.concatenate([solving, exact_order]), [*each, *programme_part(exact_order)]
    for k, solved in zip(solving, each, strict=True):
        if isinstance(solved, str):
            raise ValueError(
                f"Equalized odds within {float(epsilons[k]):g} could not be solved ({solved}): leave "
                "that allowed disparity out of epsilons, or set FAIRNESS_WIDGETS_COMPILED=0 to solve "
                "each one from scratch with SciPy."
            )
    solutions = [solved for solved in each if not isinstance(solved, str)]
    weights = np.array([x[:n_weights] for x, _ in solutions]).reshape(len(solutions), n_weights)
    for k, (_, minimum), selection in zip(
        solving, solutions, _selections(flat, group, weights, n_groups), strict=True
    ):
        mixtures[int(k)] = Mixture(float(epsilons[k]), float(-minimum), selection)
    return [mixtures[k] for k in range(len(epsilons))]


def _selections(
    flat: NDArray[np.intp], group: NDArray[np.intp], weights: NDArray[np.float64], n_groups: int
) -> list[Selection]:
    """Per row of ``weights``, the corners (``flat``, by group) with a weight, each group's
    weights adding to 1: all rows in one pass (20 rows at a time cost what one did)."""
    # Row by row, corners in order (so by group); np.nonzero of 2-d arrays is 10x slower.
    row, used = np.divmod(np.flatnonzero(weights > 1e-12), weights.shape[1])
    share = weights[row, used]
    cell = row * n_groups + group[used]
    share /= np.bincount(cell, share, len(weights) * n_groups)[cell]
    bounds = np.zeros((len(weights), n_groups + 1), dtype=np.intp)
    np.cumsum(
        np.bincount(cell, minlength=len(weights) * n_groups).reshape(-1, n_groups), axis=1, out=bounds[:, 1:]
    )
    ends = np.concatenate([[0], np.cumsum(bounds[:, -1])])
    index = flat[used]
    return [
        Selection(index[a:b], share[a:b], bounds[r])
        for r, (a, b) in enumerate(itertools.pairwise(ends.tolist()))
    ]


def _equal_rates(
    value: NDArray[np.float64],
    tpr: NDArray[np.float64],
    fpr: NDArray[np.float64],
    group: NDArray[np.intp],
    n_groups: int,
) -> tuple[float, NDArray[np.float64]] | None:
    """Exactly equal true and false positive rates (eps = 0): the best vertex of the
    intersection of the groups' ROC hulls (the corners given by group) and each corner's
    weight there, or None if rounding left no point every group can reach (the programme
    then solves it)."""
    counts = np.bincount(group, minlength=n_groups)
    centre_f = np.bincount(group, fpr, n_groups) / counts
    centre_t = np.bincount(group, tpr, n_groups) / counts
    angle = np.arctan2(tpr - centre_t[group], fpr - centre_f[group])
    order = np.lexsort((angle, group))  # each group's corners counter-clockwise
    offsets = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
    polygon_f, polygon_t = fpr[order], tpr[order]
    vertices = np.empty((2, 2 * len(order) + 8))
    count = equal_rates.common_polygon(polygon_f, polygon_t, offsets, vertices)
    xs, ys = vertices[0, :count], vertices[1, :count]
    ordered = np.zeros(len(order))
    if not count or equal_rates.best_vertex(polygon_f, polygon_t, offsets, value[order], xs, ys, ordered) < 0:
        return None
    weight = np.empty(len(order))
    weight[order] = ordered
    # Every group's rates at the common point, to rounding.
    for rate in (tpr, fpr):
        reached = np.bincount(group, weight * rate, n_groups)
        if np.ptp(reached) > 1e-12:
            return None
    return float(weight @ value), weight


def _best_corners_basis(
    value: NDArray[np.float64],
    tpr: NDArray[np.float64],
    fpr: NDArray[np.float64],
    group: NDArray[np.intp],
    n_groups: int,
) -> StartBasis:
    """A basis of the equalized-odds programme that is dual feasible for every eps (and
    optimal for a wide one, but where a centre would leave [0, 1]): each group's best
    corner (weight 1), both window centres, and every window row's logical but two. The
    centres sit with the highest best tpr and the highest best fpr at their window's top,
    so those two rows are at their bound; the duals of all window rows are 0, and every
    corner's reduced cost is its group's best value minus its own (>= 0)."""
    n_weights = len(value)
    # Each group's first best corner (the corners come group after group, none empty).
    bounds = np.searchsorted(group, np.arange(n_groups + 1))
    best = _first_highest_of_runs(value, bounds[:-1], np.diff(bounds))
    top_tpr, top_fpr = int(np.argmax(tpr[best])), int(np.argmax(fpr[best]))
    n_cols = n_weights + 2
    window_rows = np.arange(4 * n_groups)
    at_bound = np.array([top_tpr, 2 * n_groups + top_fpr])
    logicals = n_cols + np.delete(window_rows, at_bound)  # (two rows, never the same)
    basic = np.concatenate([best, [n_weights, n_weights + 1], logicals]).astype(np.int64)
    return StartBasis(basic=basic, at_upper=(n_cols + at_bound).astype(np.int64))
