"""Compiled sweep over window starts: the best window of width eps whose start lies in a
short interval [a, b], exactly, reading each point in reach once.

As the start s moves from a to b, a point enters the window [s, s + eps] when s + eps
reaches its rate and leaves when s passes it (each within ``tolerance``, as the windows of
:mod:`window_search_kernel` are). The summed best of the groups only rises as a point
enters, so the best window starts at a or where a point enters. The sweep keeps each
group's best point (the first of its largest value) and their sum: an entering point
replaces its group's best only if larger (it comes after the others); a leaving one
that was its group's best makes the group search what is left (a range-max query).
Events come in order of position from a heap over every group's entering and leaving
points, entering before leaving at one position (both are in the window there).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from fairness_widgets.compute.compiled import kernel
from fairness_widgets.compute.window_search_kernel import Searchable, first_at, range_argmax


@kernel
def _position(rate: NDArray[np.float64], i: int, stream: int, epsilon: float, tolerance: float) -> float:
    """Where point ``i``'s event in ``stream`` falls: it enters (even stream) once the
    window's top reaches its rate, and leaves (odd) once the start has passed it."""
    found: float = rate[i] - epsilon - tolerance if (stream & 1) == 0 else rate[i] + tolerance
    return found


@kernel
def _before(key: float, stream: int, other_key: float, other_stream: int) -> bool:
    """Does event (key, stream) come before the other? By position; entering first."""
    return key < other_key or (key == other_key and (stream & 1) < (other_stream & 1))


@kernel
def _push(keys: NDArray[np.float64], streams: NDArray[np.int64], size: int, key: float, stream: int) -> int:
    """Add an event to the heap of ``size``; the new size."""
    i = size
    while i > 0:
        parent = (i - 1) >> 1
        if not _before(key, stream, keys[parent], streams[parent]):
            break
        keys[i], streams[i] = keys[parent], streams[parent]
        i = parent
    keys[i], streams[i] = key, stream
    return size + 1


@kernel
def _replace_first(
    keys: NDArray[np.float64], streams: NDArray[np.int64], size: int, key: float, stream: int
) -> None:
    """Put an event in the place of the heap's first and sift it down."""
    i = 0
    while True:
        child = 2 * i + 1
        if child >= size:
            break
        if child + 1 < size and _before(keys[child + 1], streams[child + 1], keys[child], streams[child]):
            child += 1
        if not _before(keys[child], streams[child], key, stream):
            break
        keys[i], streams[i] = keys[child], streams[child]
        i = child
    keys[i], streams[i] = key, stream


@kernel
def sweep(
    points: Searchable,
    epsilon: float,
    start_low: float,
    start_high: float,
    known: NDArray[np.intp],
    tolerance: float,
    found: float,
    value_tolerance: float,
    chosen: NDArray[np.intp],
    max_events: int,
) -> tuple[bool, float, float, bool]:
    """The best window of width ``epsilon`` with its start in [start_low, start_high]
    that beats ``found`` (by more than ``value_tolerance``), given ``known``: each group's
    best in a window holding all of these. Returns (swept: False, without a search, when
    more than ``max_events`` points would enter or leave; the best value; its start;
    whether it beat ``found``, in which case ``chosen`` holds its picks)."""
    rate, value, offsets, best, where, _, buckets, _ = points
    n_groups = len(offsets) - 1
    # The heap of next events (position, stream: ``2 g`` group g's entering points,
    # ``2 g + 1`` its leaving ones), each stream's next point and end, each group's best.
    keys = np.empty(2 * n_groups)
    streams = np.empty(2 * n_groups, dtype=np.int64)
    cursor = np.empty(2 * n_groups, dtype=np.int64)
    stop = np.empty(2 * n_groups, dtype=np.int64)
    current = np.empty(n_groups, dtype=np.int64)
    low_edge = start_low - tolerance
    high_edge = np.nextafter(start_low + epsilon + tolerance, np.inf)
    last_edge = np.nextafter(start_high + epsilon + tolerance, np.inf)
    events = 0
    for g in range(n_groups):
        start, end = offsets[g], offsets[g + 1]
        lo = first_at(rate, buckets, g, start, end, low_edge)
        hi = first_at(rate, buckets, g, lo, end, high_edge)  # the window is [lo, hi)
        cursor[2 * g], stop[2 * g] = hi, first_at(rate, buckets, g, hi, end, last_edge)
        cursor[2 * g + 1], stop[2 * g + 1] = lo, first_at(rate, buckets, g, lo, end, start_high - tolerance)
        events += stop[2 * g] - hi + stop[2 * g + 1] - lo
        k = known[g]
        current[g] = k if lo <= k < hi else (range_argmax(value, best, where, lo, hi - 1) if lo < hi else -1)
    if events > max_events:
        return False, found, start_low, False
    empty = 0
    total = 0.0
    size = 0
    for g in range(n_groups):
        if current[g] < 0:
            empty += 1
        else:
            total += value[current[g]]
        for stream in (2 * g, 2 * g + 1):
            if cursor[stream] < stop[stream]:
                size = _push(
                    keys, streams, size, _position(rate, cursor[stream], stream, epsilon, tolerance), stream
                )
    out_low = start_low
    improved = False
    position = start_low
    while True:
        # The window at ``position`` (all entering there are in): a better total?
        if empty == 0 and total > found + 0.5 * value_tolerance:
            exact = 0.0  # summed in group order, as every other total
            for g in range(n_groups):
                exact += value[current[g]]
            if exact > found + value_tolerance:
                found, out_low, improved = exact, position, True
                for g in range(n_groups):
                    chosen[g] = current[g]
        # The next position's events: leaving ones here first, then those entering there.
        entered = False
        while size > 0:
            key, stream = keys[0], streams[0]
            if entered and (key != position or (stream & 1) == 1):
                break  # the window at ``position`` is complete
            g = stream >> 1
            i = cursor[stream]
            cursor[stream] = i + 1
            if i + 1 < stop[stream]:
                _replace_first(
                    keys, streams, size, _position(rate, i + 1, stream, epsilon, tolerance), stream
                )
            else:
                size -= 1
                _replace_first(keys, streams, size, keys[size], streams[size])
            k = current[g]
            if (stream & 1) == 0:  # i enters, after every point of its group in the window
                if k < 0:
                    current[g], empty, total = i, empty - 1, total + value[i]
                elif value[i] > value[k]:
                    current[g], total = i, total + value[i] - value[k]
                position, entered = key, True
            elif k == i:  # the group's best leaves: the best of the rest, if any
                window_end = cursor[2 * g]
                if i + 1 < window_end:
                    k = range_argmax(value, best, where, i + 1, window_end - 1)
                    current[g], total = k, total + value[k] - value[i]
                else:
                    current[g], empty, total = -1, empty + 1, total - value[i]
        if not entered:
            return True, found, out_low, improved
