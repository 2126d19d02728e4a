"""A linear programme re-solved for a sequence of row bounds from a dual feasible basis the
caller knows (see :mod:`~fairness_widgets.compute.dual_simplex_kernel`)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy import sparse

from fairness_widgets.compute.dual_simplex_kernel import AT_LOWER, AT_UPPER, BASIC, Sparse, solve_sequence

#: Dual simplex steps one solve may take before the rest are left to HiGHS (HiGHS's own
#: re-solves of the equalized-odds programmes take 0-30 steps, 110 for eps = 0).
MAX_STEPS = 500


@dataclass(frozen=True)
class StartBasis:
    """A basis over the structural columns then one logical variable per row: the
    variables that are basic (one per row), and the nonbasic ones at their upper bound
    (the others at their lower)."""

    basic: NDArray[np.int64]
    at_upper: NDArray[np.int64]


def basis_inverse(matrix: sparse.csc_matrix, basic: NDArray[np.int64]) -> NDArray[np.float64] | None:
    """The inverse of the basis matrix (columns of ``[A, -I]``), by position, or None if
    singular. Only the structural part is inverted: with ``k`` structural columns basic,
    the rows whose logical is not basic (``k`` of them) give a ``k x k`` system, and each
    basic logical's row follows from it."""
    m, n = matrix.shape
    structural = np.flatnonzero(basic < n)
    logical = np.flatnonzero(basic >= n)
    logical_rows = basic[logical] - n
    free = np.ones(m, dtype=bool)
    free[logical_rows] = False
    rows = np.flatnonzero(free)
    if len(rows) != len(structural):
        return None
    columns = _dense_columns(matrix, basic[structural])  # m x k
    try:
        square = np.linalg.inv(columns[rows]) if len(rows) else np.zeros((0, 0))
    except np.linalg.LinAlgError:
        return None
    inverse = np.zeros((m, m))
    inverse[np.ix_(structural, rows)] = square
    inverse[np.ix_(logical, rows)] = columns[logical_rows] @ square
    inverse[logical, logical_rows] = -1.0
    return inverse


def _dense_columns(matrix: sparse.csc_matrix, chosen: NDArray[np.int64]) -> NDArray[np.float64]:
    """The ``chosen`` columns of a compressed-column matrix as a dense array, read from
    its arrays (scipy's column slicing costs ~0.1 ms of checks on a 200-row matrix)."""
    starts = matrix.indptr[chosen]
    lengths = matrix.indptr[chosen + 1] - starts
    which = np.repeat(np.arange(len(chosen)), lengths)
    at = np.arange(int(lengths.sum())) + np.repeat(starts - (np.cumsum(lengths) - lengths), lengths)
    dense = np.zeros((matrix.shape[0], len(chosen)))
    np.add.at(dense, (matrix.indices[at], which), matrix.data[at])  # (duplicates add, as scipy)
    return dense


def solve_each_from(
    matrix: sparse.csc_matrix,
    cost: NDArray[np.float64],
    bounds: tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]],
    *,
    start: StartBasis,
    inverse: NDArray[np.float64],
    first_row_uppers: NDArray[np.float64],
    rows: sparse.csr_matrix,
) -> list[tuple[NDArray[np.float64], float]]:
    """The optimum for each row of ``first_row_uppers`` (upper bounds of the first rows;
    the other bounds as ``bounds``: columns' lower and upper, rows' lower and upper) in
    turn, each from the basis the one before left, the first from ``start`` (which must be
    dual feasible; ``inverse``: its :func:`basis_inverse`, updated in place; ``rows``: the
    matrix by rows). Stops at the first it cannot vouch for: the list may be
    short."""
    m, n = matrix.shape
    col_lower, col_upper, row_lower, row_upper = bounds
    lower = np.concatenate([col_lower, row_lower]).astype(np.float64)
    upper = np.concatenate([col_upper, row_upper]).astype(np.float64)
    status = np.full(n + m, AT_LOWER, dtype=np.int8)
    status[start.at_upper] = AT_UPPER
    status[start.basic] = BASIC
    nonbasic = status != BASIC
    if not np.isfinite(np.where(status == AT_UPPER, upper, lower)[nonbasic]).all():
        return []
    x = np.where(status == AT_UPPER, upper, np.where(status == AT_LOWER, lower, 0.0))
    full_cost = np.concatenate([cost, np.zeros(m)]).astype(np.float64)
    uppers = np.ascontiguousarray(first_row_uppers, dtype=np.float64)
    solutions = np.empty((len(uppers), n))
    objectives = np.empty(len(uppers))
    solved = solve_sequence(
        x,
        np.zeros(n + m),
        full_cost,
        lower,
        upper,
        start.basic.astype(np.int64),
        status,
        inverse,
        _sparse(matrix, n),
        uppers,
        solutions,
        objectives,
        MAX_STEPS,
        _sparse(rows, m),
    )
    return [(solutions[k], float(objectives[k])) for k in range(solved)]


def _sparse(matrix: sparse.csc_matrix | sparse.csr_matrix, count: int) -> Sparse:
    """A compressed matrix as the kernels take it (``count``: its columns, or rows)."""
    return (
        count,
        matrix.indptr.astype(np.int32),
        matrix.indices.astype(np.int32),
        matrix.data.astype(np.float64),
    )
