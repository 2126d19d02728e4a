"""Largest value in many index ranges of one array at once, in constant time per range.

Values are cut into blocks of ``BLOCK`` entries. A range inside a few blocks reads a
small sparse table over the entries; a longer range reads the running maximum from its
start to its block's end, from its block's start to its end, and a sparse table over the
whole blocks in between. Building costs a few passes over the values.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

#: Entries per block (a power of two).
BLOCK = 32
#: Ranges of at most this many entries read the entry-level table (widths 1 .. _SHORT).
_SHORT = 2 * BLOCK


def _sparse_table(values: NDArray[np.float64], max_width: int) -> NDArray[np.float64]:
    """``table[j, i]``: the largest of ``values[i : i + 2**j]`` (widths up to max_width;
    entries past the end are -inf)."""
    n = len(values)
    levels = 1 + int(np.log2(max(min(max_width, n), 1)))
    table = np.full((levels, n), -np.inf)
    table[0] = values
    for j in range(1, levels):
        width = 1 << (j - 1)
        np.maximum(table[j - 1, : n - width], table[j - 1, width:], out=table[j, : n - width])
    return table


def _floor_log2(n: NDArray[np.intp]) -> NDArray[np.intp]:
    return (np.frexp(n.astype(np.float64))[1] - 1).astype(np.intp)


def _query(table: NDArray[np.float64], lo: NDArray[np.intp], hi: NDArray[np.intp]) -> NDArray[np.float64]:
    level = _floor_log2(hi - lo + 1)
    flat = table.ravel()
    width = table.shape[1]
    row = level * width
    result: NDArray[np.float64] = np.maximum(flat[row + lo], flat[row + hi - (1 << level) + 1])
    return result


class RangeMax:
    """``range_max(lo, hi)``: the largest of ``values[lo : hi + 1]`` for arrays of ranges."""

    def __init__(self, values: NDArray[np.float64]) -> None:
        n_blocks = max(-(-len(values) // BLOCK), 1)
        padded = np.full(n_blocks * BLOCK, -np.inf)
        padded[: len(values)] = values
        blocks = padded.reshape(n_blocks, BLOCK)
        self.values = values
        self.head = np.maximum.accumulate(blocks, axis=1).ravel()  # block start .. i
        self.tail = np.maximum.accumulate(blocks[:, ::-1], axis=1)[:, ::-1].ravel()  # i .. block end
        self.short = _sparse_table(padded, _SHORT)
        self.whole = _sparse_table(self.head[BLOCK - 1 :: BLOCK], n_blocks)

    def __call__(self, lo: NDArray[np.intp], hi: NDArray[np.intp]) -> NDArray[np.float64]:
        """Needs ``0 <= lo <= hi < len(values)``."""
        result = np.empty(len(lo))
        short = hi - lo < _SHORT
        if short.any():
            result[short] = _query(self.short, lo[short], hi[short])
        long = ~short
        if long.any():
            lo_l, hi_l = lo[long], hi[long]
            edges = np.maximum(self.tail[lo_l], self.head[hi_l])
            inner_lo, inner_hi = lo_l // BLOCK + 1, hi_l // BLOCK - 1  # at least one block apart
            result[long] = np.maximum(edges, _query(self.whole, inner_lo, inner_hi))
        return result
