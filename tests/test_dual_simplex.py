"""The compiled dual simplex that re-solves the equalized-odds programmes: the same optima
as HiGHS (or better, within HiGHS's tolerance), answers it cannot vouch for handed to
HiGHS, and its basis inverse."""

from __future__ import annotations

import itertools
from collections.abc import Callable

import numpy as np
import pytest
from numpy.typing import NDArray

from fairness_widgets.compute import box_lp, compiled, dual_simplex, dual_simplex_kernel, hull_search
from fairness_widgets.compute.hull_search import Mixture, equalized_odds_search

pytestmark = pytest.mark.skipif(
    not (compiled.AVAILABLE and box_lp.highspy is not None), reason="needs the [fast] extra"
)

Problem = tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64], NDArray[np.intp]]


def _roc_points(seed: int, n_groups: int, n: int, decimals: int | None) -> Problem:
    """Every group's operating points (tpr, fpr, accuracy value), from noisy scores."""
    rng = np.random.default_rng(seed)
    tprs, fprs, values, offsets = [], [], [], [0]
    for g in range(n_groups):
        size = int(rng.integers(n // 2, n + 1))
        label = rng.random(size) < rng.uniform(0.2, 0.6)
        score = 1 / (
            1 + np.exp(-(rng.uniform(0.5, 2.0) * (2 * label - 1) + 0.1 * g + rng.normal(0, 1, size)))
        )
        if decimals is not None:
            score = np.round(score, decimals)
        order = np.argsort(-score, kind="stable")
        levels = np.unique(-score[order], return_index=True)[1]
        tp = np.concatenate([[0], np.cumsum(label[order])[np.append(levels[1:] - 1, size - 1)]])
        fp = np.concatenate([[0], np.cumsum(~label[order])[np.append(levels[1:] - 1, size - 1)]])
        positives, negatives = max(int(label.sum()), 1), max(int((~label).sum()), 1)
        tprs.append(tp / positives)
        fprs.append(fp / negatives)
        values.append((tp + negatives - fp) / (n_groups * n))
        offsets.append(offsets[-1] + len(tp))
    return np.concatenate(tprs), np.concatenate(fprs), np.concatenate(values), np.array(offsets)


def _epsilons(
    tpr: NDArray[np.float64], fpr: NDArray[np.float64], value: NDArray[np.float64], offsets: NDArray[np.intp]
) -> NDArray[np.float64]:
    best = [a + int(np.argmax(value[a:b])) for a, b in itertools.pairwise(offsets)]
    widest = max(np.ptp(tpr[best]), np.ptp(fpr[best]))
    return np.linspace(0.0, widest * 1.2, 15)


def _solve(
    monkeypatch: pytest.MonkeyPatch,
    problem: Problem,
    *,
    warm: bool,
    patch: Callable[[pytest.MonkeyPatch], None] | None = None,
) -> list[Mixture]:
    tpr, fpr, value, offsets = problem
    with monkeypatch.context() as context:
        context.setattr(compiled, "MIN_POINTS", 0)
        context.setattr(box_lp, "CHAIN_COLUMNS", 0)
        if not warm:  # HiGHS alone, eps = 0 included
            context.setattr(hull_search, "_best_corners_basis", lambda *_: None)
            context.setattr(hull_search, "_equal_rates", lambda *_: None)
        if patch is not None:
            patch(context)
        return equalized_odds_search(tpr, fpr, value, offsets, _epsilons(*problem))


def _rates(mixture: Mixture, problem: Problem) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    tpr, fpr, _, _ = problem
    selection = mixture.selection
    groups = np.repeat(np.arange(len(selection.bounds) - 1), np.diff(selection.bounds))
    share = selection.weight
    n_groups = len(selection.bounds) - 1
    return (
        np.bincount(groups, share * tpr[selection.index], n_groups),
        np.bincount(groups, share * fpr[selection.index], n_groups),
    )


def _check_against_highs(ours: list[Mixture], highs: list[Mixture], problem: Problem) -> None:
    for mine, theirs in zip(ours, highs, strict=True):
        assert mine.epsilon == theirs.epsilon
        # As good as HiGHS's optimum (HiGHS stops within its 1e-7 tolerances).
        assert mine.value >= theirs.value - 1e-9
        assert mine.value <= theirs.value + 2e-7
        tpr, fpr = _rates(mine, problem)
        assert np.ptp(tpr) <= mine.epsilon + 1e-9
        assert np.ptp(fpr) <= mine.epsilon + 1e-9
        weights = np.add.reduceat(mine.selection.weight, mine.selection.bounds[:-1])
        np.testing.assert_allclose(weights, 1.0, atol=1e-12)


@pytest.mark.parametrize(
    ("seed", "n_groups", "n", "decimals"),
    [
        (0, 2, 300, None),
        (1, 5, 2_000, 2),
        (2, 8, 1_000, None),
        (3, 12, 4_000, 3),
        (4, 3, 50, 1),
        (5, 20, 600, None),
    ],
)
def test_the_same_optimum_as_highs_at_every_eps(
    monkeypatch: pytest.MonkeyPatch, seed: int, n_groups: int, n: int, decimals: int | None
) -> None:
    problem = _roc_points(seed, n_groups, n, decimals)
    solved: list[int] = []
    ours = _solve(monkeypatch, problem, warm=True, patch=_counting(solved))
    _check_against_highs(ours, _solve(monkeypatch, problem, warm=False), problem)
    # eps = 0 from the hulls' intersection, every other by the dual simplex: none left to HiGHS.
    assert sum(solved) == len(ours) - 1


def _counting(solved: list[int], max_steps: int | None = None) -> Callable[[pytest.MonkeyPatch], None]:
    """A patch recording how many solves each chain's dual simplex vouched for (and
    capping its steps, if asked)."""
    real = dual_simplex.solve_sequence

    def counted(*args: object) -> int:
        count = int(real(*args))  # type: ignore[arg-type]
        solved.append(count)
        return count

    def patch(context: pytest.MonkeyPatch) -> None:
        context.setattr(dual_simplex, "solve_sequence", counted)
        if max_steps is not None:
            context.setattr(dual_simplex, "MAX_STEPS", max_steps)

    return patch


def test_identical_groups_stay_at_their_best_corner(monkeypatch: pytest.MonkeyPatch) -> None:
    """Groups with the same ROC curve: every eps has each group at its best corner; the
    degenerate start basis (every window row at its bound) gives no trouble."""
    tpr, fpr, value, offsets = _roc_points(7, 1, 800, 2)
    size = offsets[1]
    problem: Problem = (np.tile(tpr, 4), np.tile(fpr, 4), np.tile(value, 4), np.arange(5) * size)
    epsilons = np.array([0.3, 0.1, 0.01])
    solved: list[int] = []
    with monkeypatch.context() as context:
        context.setattr(compiled, "MIN_POINTS", 0)
        _counting(solved)(context)
        ours = equalized_odds_search(*problem, epsilons)
    assert sum(solved) == len(epsilons)
    assert len({round(m.value, 12) for m in ours}) == 1
    for mixture in ours:
        tpr_reached, fpr_reached = _rates(mixture, problem)
        assert np.ptp(tpr_reached) == 0.0
        assert np.ptp(fpr_reached) == 0.0


@pytest.mark.parametrize(
    ("seed", "n_groups", "decimals"), [(20, 2, None), (21, 7, 2), (22, 30, 3), (23, 4, 1)]
)
def test_exactly_equal_odds_from_the_hulls_intersection_is_the_programmes_optimum(
    monkeypatch: pytest.MonkeyPatch, seed: int, n_groups: int, decimals: int | None
) -> None:
    """eps = 0 from the best vertex of the intersection of the ROC hulls: HiGHS's optimum
    of the programme, every group's rates equal, at most three corners a group."""
    problem = _roc_points(seed, n_groups, 1_500, decimals)
    calls: list[object] = []
    real = hull_search._equal_rates

    def spied(*args: object) -> object:
        found = real(*args)  # type: ignore[arg-type]
        calls.append(found)
        return found

    ours = _solve(
        monkeypatch, problem, warm=True, patch=lambda c: c.setattr(hull_search, "_equal_rates", spied)
    )
    assert calls
    assert calls[0] is not None  # solved from the hulls, not left to the programme
    highs = _solve(monkeypatch, problem, warm=False)
    exact = [k for k, mixture in enumerate(ours) if mixture.epsilon == 0.0]
    assert exact
    _check_against_highs([ours[k] for k in exact], [highs[k] for k in exact], problem)
    for k in exact:
        tpr_reached, fpr_reached = _rates(ours[k], problem)
        assert np.ptp(tpr_reached) <= 1e-12
        assert np.ptp(fpr_reached) <= 1e-12
        assert (np.diff(ours[k].selection.bounds) <= 3).all()


def test_answers_it_cannot_vouch_for_go_to_highs(monkeypatch: pytest.MonkeyPatch) -> None:
    """A chain that runs out of steps stops; HiGHS solves the rest of it, to the same optima."""
    problem = _roc_points(11, 6, 2_000, None)
    calls: list[int] = []
    ours = _solve(monkeypatch, problem, warm=True, patch=_counting(calls, max_steps=3))
    _check_against_highs(ours, _solve(monkeypatch, problem, warm=False), problem)
    assert calls
    assert sum(calls) < len(ours)  # some chain did stop short, and HiGHS took over


def test_a_wrong_inverse_is_caught_by_the_check(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every solve is checked from scratch: with a perturbed basis inverse the rows do not
    add up, nothing is vouched for past the widest eps, and HiGHS solves the rest."""
    problem = _roc_points(12, 4, 1_000, None)
    real = dual_simplex.basis_inverse

    def perturbed(*args: object) -> NDArray[np.float64] | None:
        inverse = real(*args)  # type: ignore[arg-type]
        return None if inverse is None else inverse * 1.001

    solved: list[int] = []

    def corrupt(context: pytest.MonkeyPatch) -> None:
        context.setattr(box_lp, "basis_inverse", perturbed)
        _counting(solved)(context)

    ours = _solve(monkeypatch, problem, warm=True, patch=corrupt)
    _check_against_highs(ours, _solve(monkeypatch, problem, warm=False), problem)
    assert solved
    assert max(solved) == 0


def _captured_programme(monkeypatch: pytest.MonkeyPatch, problem: Problem) -> tuple[box_lp.BoxLP, object]:
    """The equalized-odds programme and start basis ``equalized_odds_search`` hands over."""
    captured: dict[str, object] = {}
    real = box_lp.BoxLP.solve_each

    def capture(self: box_lp.BoxLP, b_ubs: list[NDArray[np.float64]], start: object = None) -> object:
        captured.update(programme=self, start=start)
        return real(self, b_ubs, start)  # type: ignore[arg-type]

    _solve(
        monkeypatch,
        problem,
        warm=True,
        patch=lambda context: context.setattr(box_lp.BoxLP, "solve_each", capture),
    )
    programme = captured["programme"]
    assert isinstance(programme, box_lp.BoxLP)
    return programme, captured["start"]


def test_the_basis_inverse_from_the_structural_part_is_the_inverse(monkeypatch: pytest.MonkeyPatch) -> None:
    """Built from the k x k block of the structural columns, it inverts the whole basis."""
    programme, start = _captured_programme(monkeypatch, _roc_points(13, 6, 1_500, None))
    assert isinstance(start, dual_simplex.StartBasis)
    matrix = programme.matrix
    m = matrix.shape[0]
    full = np.hstack([matrix.toarray(), -np.eye(m)])[:, start.basic]
    inverse = dual_simplex.basis_inverse(matrix, start.basic)
    assert inverse is not None
    np.testing.assert_allclose(inverse @ full, np.eye(m), atol=1e-10)
    # A basis that is not one (a row with neither its logical nor a structural column).
    assert dual_simplex.basis_inverse(matrix, start.basic[:-1]) is None


def test_the_inverse_updated_step_by_step_inverts_the_final_basis(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each step updates the inverse only where the pivot row is not zero, and each row's
    length with it: after a chain of solves (many steps) the inverse still inverts the
    basis it ended on, and the kept lengths are the rows' lengths."""
    problem = _roc_points(21, 10, 2_000, None)
    programme, start = _captured_programme(monkeypatch, problem)
    assert isinstance(start, dual_simplex.StartBasis)
    matrix = programme.matrix
    m, n = matrix.shape
    col_lower, col_upper, row_lower, row_upper = programme._bounds()
    lower = np.concatenate([col_lower, row_lower])
    upper = np.concatenate([col_upper, row_upper])
    status = np.full(n + m, dual_simplex_kernel.AT_LOWER, dtype=np.int8)
    status[start.at_upper] = dual_simplex_kernel.AT_UPPER
    status[start.basic] = dual_simplex_kernel.BASIC
    x = np.where(
        status == dual_simplex_kernel.AT_UPPER,
        upper,
        np.where(status == dual_simplex_kernel.AT_LOWER, lower, 0.0),
    )
    basic = start.basic.astype(np.int64)
    inverse = dual_simplex.basis_inverse(matrix, basic)
    assert inverse is not None
    cost = np.concatenate([programme.cost, np.zeros(m)])
    epsilons = _epsilons(*problem)[::-1][:-1]  # widest first, eps = 0 left out
    uppers = np.repeat(epsilons[:, None] / 2.0, 4 * (m // 5), axis=1)
    d = np.zeros(n + m)
    columns = dual_simplex._sparse(matrix, n)
    rows = dual_simplex._sparse(matrix.tocsr(), m)
    lengths = dual_simplex_kernel.row_lengths(inverse)
    dual_simplex_kernel.refresh_dual(d, cost, basic, status, inverse, columns)
    moved = 0
    for k in range(len(uppers)):
        window = slice(n, n + uppers.shape[1])
        upper[window] = uppers[k]
        x[window] = np.where(status[window] == dual_simplex_kernel.AT_UPPER, uppers[k], x[window])
        dual_simplex_kernel.refresh_primal(x, basic, status, inverse, columns)
        before = basic.copy()
        outcome = dual_simplex_kernel.dual_simplex(
            x, d, lower, upper, basic, status, inverse, columns, 500, rows, lengths
        )
        assert outcome == dual_simplex_kernel.OPTIMAL
        moved += int((basic != before).sum())
    assert moved >= 20  # the basis moved a good deal
    full = np.hstack([matrix.toarray(), -np.eye(m)])[:, basic]
    np.testing.assert_allclose(inverse @ full, np.eye(m), atol=1e-9)
    np.testing.assert_allclose(lengths, (inverse**2).sum(axis=1), rtol=1e-8, atol=1e-12)


def test_a_group_with_one_score_level_is_the_diagonal(monkeypatch: pytest.MonkeyPatch) -> None:
    """A group whose scores are all equal has two operating points, (0, 0) and (1, 1): its
    ROC hull is a segment. Exactly equal odds then puts every group on the diagonal, as
    HiGHS's optimum does, and the segment's mixture is of its two ends."""
    tpr, fpr, value, offsets = _roc_points(30, 3, 800, None)
    problem: Problem = (
        np.concatenate([tpr, [0.0, 1.0]]),
        np.concatenate([fpr, [0.0, 1.0]]),
        np.concatenate([value, [0.1, 0.05]]),
        np.concatenate([offsets, [offsets[-1] + 2]]),
    )
    ours, highs = _solve(monkeypatch, problem, warm=True), _solve(monkeypatch, problem, warm=False)
    _check_against_highs(ours, highs, problem)
    exact = next(mixture for mixture in ours if mixture.epsilon == 0.0)
    tpr_reached, fpr_reached = _rates(exact, problem)
    np.testing.assert_allclose(tpr_reached, fpr_reached, atol=1e-12)


def test_without_highspy_scipy_takes_over(monkeypatch: pytest.MonkeyPatch) -> None:
    """numba without highspy: a chain the dual simplex cannot finish goes to SciPy's
    linprog, to the same optima."""
    problem = _roc_points(3, 6, 2_000, None)
    reference = _solve(monkeypatch, problem, warm=True)

    def no_highs(context: pytest.MonkeyPatch) -> None:
        context.setattr(box_lp, "highspy", None)
        context.setattr(dual_simplex, "MAX_STEPS", 2)

    ours = _solve(monkeypatch, problem, warm=True, patch=no_highs)
    for mine, theirs in zip(ours, reference, strict=True):
        assert mine.value == pytest.approx(theirs.value, abs=2e-7)
