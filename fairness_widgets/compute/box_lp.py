"""One linear programme solved for a sequence of right-hand sides, warm-started.

``min c @ x`` subject to ``A_ub @ x <= b`` and ``A_eq @ x = 1`` with bounds on ``x``, for
several ``b`` in a row (the equalized-odds frontier changes only the allowed disparity).
With ``highspy`` (the [fast] extra) the model is passed to HiGHS once and each new ``b``
re-solved from the previous optimal basis (a few simplex iterations); without it, SciPy's
``linprog`` (the same HiGHS, from scratch) solves each one. Given a basis that is dual
feasible for every ``b`` (and the compiled kernels), the compiled dual simplex of
:mod:`~fairness_widgets.compute.dual_simplex` re-solves them first, for a tenth of a
HiGHS run each.
"""

from __future__ import annotations

import importlib
import os
import threading
from functools import cached_property
from types import ModuleType

import numpy as np
from numpy.typing import NDArray
from scipy import sparse
from scipy.optimize import linprog

from fairness_widgets.compute import compiled
from fairness_widgets.compute.dual_simplex import StartBasis, basis_inverse, solve_each_from


def _import_highspy() -> ModuleType | None:
    try:
        return importlib.import_module("highspy")
    except ImportError:
        return None


highspy = _import_highspy()
#: Programmes with at least this many columns are solved on several threads (see
#: :meth:`BoxLP.solve_each`); smaller ones gain less than a second model costs.
CHAIN_COLUMNS = 500

#: A solution (the optimal ``x`` and ``c @ x``), or why there is none.
Solved = tuple[NDArray[np.float64], float] | str
_banner_shown = False
_banner_lock = threading.Lock()


def _quiet_highs() -> object:
    """A HiGHS instance that logs nothing. HiGHS prints its banner on the first instance
    of a process, from C, before any option can be set: silence that one at the file
    descriptor (where there is one to silence)."""
    global _banner_shown  # noqa: PLW0603 (once per process)
    assert highspy is not None
    # Chains on several threads may ask at once: the first instance is made alone.
    with _banner_lock:
        if _banner_shown:
            solver = highspy.Highs()
        else:
            _banner_shown = True
            try:
                saved, null = os.dup(1), os.open(os.devnull, os.O_WRONLY)
            except OSError:  # no standard output to silence (a windowed process)
                solver = highspy.Highs()
            else:
                try:
                    os.dup2(null, 1)
                    solver = highspy.Highs()
                finally:
                    os.dup2(saved, 1)
                    os.close(saved)
                    os.close(null)
    solver.setOptionValue("output_flag", False)
    return solver


class BoxLP:
    """The programme with fixed ``cost``, constraint ``matrix`` and bounds; :meth:`solve`
    takes the ``b_ub`` of the moment. The matrix's first ``n_ub`` rows are the ``<= b_ub``
    rows, the others equalities ``= 1``."""

    def __init__(
        self,
        cost: NDArray[np.float64],
        matrix: sparse.csc_matrix,
        n_ub: int,
        lower: NDArray[np.float64],
        upper: NDArray[np.float64],
    ) -> None:
        self.cost, self.matrix, self.n_ub, self.lower, self.upper = cost, matrix, n_ub, lower, upper
        # Switched off with the compiled kernels (FAIRNESS_WIDGETS_COMPILED=0).
        self.uses_highs = highspy is not None and compiled.ENABLED

    @cached_property
    def model(self) -> object | None:
        """The programme as HiGHS takes it (made when first needed), None without HiGHS."""
        return self._model() if self.uses_highs else None

    @cached_property
    def solver(self) -> object | None:
        """A HiGHS instance holding the model, None without HiGHS."""
        return None if self.model is None else self._solver(self.model)

    def _model(self) -> object:
        assert highspy is not None
        matrix = self.matrix
        model = highspy.HighsLp()
        model.num_col_, model.num_row_ = matrix.shape[1], matrix.shape[0]
        model.col_cost_ = self.cost
        model.col_lower_, model.col_upper_, model.row_lower_, model.row_upper_ = self._bounds()
        model.a_matrix_.format_ = highspy.MatrixFormat.kColwise
        model.a_matrix_.num_col_, model.a_matrix_.num_row_ = matrix.shape[1], matrix.shape[0]
        model.a_matrix_.start_ = matrix.indptr
        model.a_matrix_.index_ = matrix.indices
        model.a_matrix_.value_ = matrix.data
        return model

    @staticmethod
    def _solver(model: object) -> object:
        """A HiGHS instance holding its own copy of ``model``, set up for warm re-solves."""
        solver = _quiet_highs()
        # Rates lie in [0, 1] and the costs are of one scale: HiGHS's scaling and presolve
        # only add time here (21 warm-started solves: 32 -> 21 ms on 2,600 columns).
        solver.setOptionValue("presolve", "off")  # type: ignore[attr-defined]
        solver.setOptionValue("simplex_scale_strategy", 0)  # type: ignore[attr-defined]
        # Warm-started solves of a few iterations: HiGHS's worker threads cost more than
        # they give (a re-solve with nothing to do: 0.6 -> 0.26 ms on 2,600 columns).
        solver.setOptionValue("threads", 1)  # type: ignore[attr-defined]
        solver.passModel(model)  # type: ignore[attr-defined]
        return solver

    def solve_each(self, b_ubs: list[NDArray[np.float64]], start: StartBasis | None = None) -> list[Solved]:
        """:meth:`solve` for each ``b_ub`` in turn, each from the basis of one before.

        Given a ``start`` basis that is dual feasible for every ``b_ub`` (and the compiled
        kernels loaded), they are re-solved in turn from it by the compiled dual simplex
        (:mod:`~fairness_widgets.compute.dual_simplex`: a few steps of about 15 us each,
        where a HiGHS run costs 0.3-0.5 ms whatever its steps). HiGHS re-solves the rest
        from where that could not vouch for its answer, or all of them: with a programme
        of at least ``CHAIN_COLUMNS`` columns dealt out in turn to one chain per thread
        (every k-th), each re-solving its own copy of the model (HiGHS frees the GIL while
        it solves).
        """
        warm = start is not None and compiled.worth_compiling(self.matrix.shape[1])
        inverse = basis_inverse(self.matrix, start.basic) if warm and start is not None else None
        done: list[Solved] = []
        if b_ubs and start is not None and inverse is not None:
            # One chain: it walks nearly the whole way from the start basis to the last
            # b_ub, so a second one would save little (and the caller has other work for
            # the other core).
            found = solve_each_from(
                self.matrix,
                self.cost,
                self._bounds(),
                start=start,
                inverse=inverse,
                first_row_uppers=np.array(b_ubs),
                rows=self._rows,
            )
            done = list(found)
        return [*done, *self._highs_chains(b_ubs[len(done) :])]

    def _highs_chains(self, b_ubs: list[NDArray[np.float64]]) -> list[Solved]:
        """:meth:`solve` for each ``b_ub``: by HiGHS, in one chain per thread when the
        programme has at least ``CHAIN_COLUMNS`` columns; by SciPy without it. (HiGHS's
        model is made here, when first needed: none when the dual simplex solved all.)"""
        if not b_ubs:
            return []
        chains = 1
        if self.model is not None and self.matrix.shape[1] >= CHAIN_COLUMNS:
            chains = max(min(compiled.THREADS, len(b_ubs)), 1)
        if chains == 1:
            return [self.solve(b_ub) for b_ub in b_ubs]
        model = self.model

        def chain(k: int) -> list[Solved]:
            solver = self.solver if k == 0 else self._solver(model)
            return [self._highs_solve(solver, b_ub) for b_ub in b_ubs[k::chains]]

        solved: list[Solved] = [""] * len(b_ubs)
        for k, results in enumerate(compiled.map_threads(chain, range(chains))):
            solved[k::chains] = results
        return solved

    def _bounds(
        self,
    ) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
        """The columns' and rows' lower and upper bounds (the first rows' upper: 0, set
        by each solve)."""
        n_eq = self.matrix.shape[0] - self.n_ub
        row_lower = np.concatenate([np.full(self.n_ub, -np.inf), np.ones(n_eq)])
        row_upper = np.concatenate([np.zeros(self.n_ub), np.ones(n_eq)])
        return self.lower, self.upper, row_lower, row_upper

    def solve(self, b_ub: NDArray[np.float64]) -> Solved:
        """The optimal ``x`` and ``c @ x``, or why there is none."""
        if self.solver is None:
            rows = self._rows
            result = linprog(
                self.cost,
                A_ub=rows[: self.n_ub],
                b_ub=b_ub,
                A_eq=rows[self.n_ub :],
                b_eq=np.ones(rows.shape[0] - self.n_ub),
                bounds=np.column_stack([self.lower, self.upper]),
                method="highs",
            )
            return (np.asarray(result.x), float(result.fun)) if result.status == 0 else str(result.message)
        return self._highs_solve(self.solver, b_ub)

    @cached_property
    def _rows(self) -> sparse.csr_matrix:
        """The matrix by rows, for SciPy's ``linprog`` and the dual simplex (made once)."""
        return self.matrix.tocsr()

    def _highs_solve(self, solver: object, b_ub: NDArray[np.float64]) -> Solved:
        assert highspy is not None
        n_ub = self.n_ub
        rows = np.arange(n_ub, dtype=np.int32)
        solver.changeRowsBounds(n_ub, rows, np.full(n_ub, -np.inf), np.asarray(b_ub, dtype=np.float64))  # type: ignore[attr-defined]
        solver.run()  # type: ignore[attr-defined]
        status = solver.getModelStatus()  # type: ignore[attr-defined]
        if status != highspy.HighsModelStatus.kOptimal:
            return str(solver.modelStatusToString(status))  # type: ignore[attr-defined]
        x = np.asarray(solver.getSolution().col_value, dtype=np.float64)  # type: ignore[attr-defined]
        return x, float(solver.getInfo().objective_function_value)  # type: ignore[attr-defined]
