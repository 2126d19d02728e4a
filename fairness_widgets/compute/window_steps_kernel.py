"""Compiled exact sweep over window starts, one group at a time: the best window of width
eps whose start lies in [a, b].

As the start s moves from a to b, a point enters the window [s, s + eps] at position
``rate - eps - tolerance`` and leaves after ``rate + tolerance`` (so a window whose top
is a point holds it despite rounding; both in at a position where one enters and the
other leaves). Each group's best value in the window is a step function of s; the sum of
them rises only where a point enters, so the best start is a or an entering position.

Each group is swept alone, and only where its best can change:

- below its peak (its best point of all never enters), its best in the window is its
  best up to the window's top point (the running bests) while that is inside: it
  changes only where a new running best enters;
- above its peak (the peak has left), its best from the window's first point on: it
  changes only where that best leaves;
- otherwise, or where the running best leaves before a larger point enters, a monotone
  queue (values falling from its head) gives its best as its points enter and its head
  leaves; points in the window at every start are a floor under it, one range-max query;
- a group whose best point of all is in every window is a constant.

The groups' changes (position, kind, step) go to one list; a counting sort by position,
then an insertion sort of the nearly sorted whole, puts them in order, and one pass adds
them up. A branch and bound over intervals of starts reads every group again at every
level: 1e6 rows at 1e-4, 40 groups, the narrowest eps on one core took 1.1-1.3 ms by
branch and bound, 0.44-0.6 ms with a queue for every group (every point entering and
leaving), 0.16 ms as here.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from fairness_widgets.compute.compiled import kernel
from fairness_widgets.compute.window_search_kernel import Searchable, range_argmax

#: Kinds of change: a point entered (the step counts at its position) or left (it counts
#: just after its position).
_ENTER = 0
_LEAVE = 1
#: A rate this close to a search's target is bisected on the exact positions instead.
_NEAR = 1e-9


@kernel
def _enters_at(rate: float, epsilon: float, tolerance: float) -> float:
    """Where a point of ``rate`` enters the window (its start from there on holds it)."""
    position: float = rate - epsilon - tolerance
    return position


@kernel
def _first_past(
    rate: NDArray[np.float64],
    buckets: NDArray[np.intp],
    g: int,
    entering: tuple[bool, float, float],
    position: float,
    strict: bool,
) -> int:
    """Group ``g``'s first point whose position (where it enters, if ``entering[0]``, for
    eps ``entering[1]`` and tolerance ``entering[2]``; else where it leaves) is past
    ``position`` (> if strict, else >=; the group's end if none), compared exactly as the
    sweep compares positions: the bucket index narrows the search to rates near it."""
    enters, epsilon, tolerance = entering
    n_buckets = buckets.shape[1] - 2
    target = position + epsilon + tolerance if enters else position - tolerance
    low_bucket = int(min(max(np.floor((target - _NEAR) * n_buckets), 0.0), n_buckets))
    high_bucket = int(min(max(np.floor((target + _NEAR) * n_buckets), 0.0), n_buckets))
    lo = buckets[g, low_bucket]
    hi = max(lo, buckets[g, high_bucket + 1])
    while lo < hi:
        mid = (lo + hi) >> 1
        moved = _enters_at(rate[mid], epsilon, tolerance) if enters else rate[mid] + tolerance
        if moved > position or (not strict and moved == position):
            hi = mid
        else:
            lo = mid + 1
    return int(lo)


@kernel
def group_sweep(
    points: Searchable,
    epsilon: float,
    start_low: float,
    start_high: float,
    tolerance: float,
    found: float,
    found_low: float,
    value_tolerance: float,
    chosen: NDArray[np.intp],
    max_events: int,
) -> tuple[bool, float, float, bool]:
    """The best window of width ``epsilon`` with its start in [start_low, start_high],
    given one already found (value ``found``, start ``found_low``). Returns (swept: False,
    with no search, when the sweep would read more than ``max_events`` points; the best
    value; its start; whether it beat the one found by more than ``value_tolerance``, in
    which case ``chosen`` holds each group's pick)."""
    rate, value, offsets, _, peak, buckets, running = points
    n_groups = len(offsets) - 1
    a, b = start_low, max(start_high, start_low)
    # Each group's points: in the window at a from ``first_in`` to ``first_entering``;
    # entering in (a, b] up to ``entered_by_b``; leaving in [a, b) up to ``left_by_b``.
    reach = np.empty((4, n_groups), dtype=np.intp)
    by_entry = (True, epsilon, tolerance)
    by_exit = (False, epsilon, tolerance)
    events = 0  # entering and leaving points: room for the changes
    reads = 0  # of which the sweep reads (running bests: one side only)
    constant = 0.0
    for g in range(n_groups):
        top = peak[g]
        if _enters_at(rate[top], epsilon, tolerance) <= a and rate[top] + tolerance >= b:
            reach[0, g] = -1  # its best of all is in every window
            constant += value[top]
            continue
        reach[0, g] = _first_past(rate, buckets, g, by_exit, a, False)
        reach[1, g] = _first_past(rate, buckets, g, by_entry, a, True)
        reach[2, g] = _first_past(rate, buckets, g, by_entry, b, True)
        reach[3, g] = _first_past(rate, buckets, g, by_exit, b, False)
        entering, leaving = reach[2, g] - reach[1, g], reach[3, g] - reach[0, g]
        events += entering + leaving
        if len(running) and _enters_at(rate[top], epsilon, tolerance) > b:
            reads += entering
        elif len(running) and rate[top] + tolerance < a:
            reads += leaving
        else:
            reads += entering + leaving
    if reads > max_events:
        return False, found, found_low, False
    changes = (np.empty(events + 1), np.empty(events + 1), np.empty(events + 1, dtype=np.int8))
    queue = np.empty(events + 1, dtype=np.intp)
    n = 0
    total = constant
    empty = 0
    for g in range(n_groups):
        if reach[0, g] < 0:
            continue
        top = peak[g]
        done = -1
        initial = -np.inf
        if (
            len(running) and _enters_at(rate[top], epsilon, tolerance) > b
        ):  # the peak never enters: a rising curve
            done, initial = _rising(points, reach[:, g], epsilon, tolerance, b, changes, n)
        elif len(running) and rate[top] + tolerance < a:  # the peak has left: a falling curve
            done, initial = _falling(points, g, reach[:, g], epsilon, tolerance, b, changes, n)
        if done < 0:
            done, initial = _queued(points, reach[:, g], epsilon, tolerance, b, changes, n, queue)
        n = done
        if initial == -np.inf:
            empty += 1
        else:
            total += initial
    position, step, kind = changes
    # The changes in order of position (entering before leaving at one position): a
    # counting sort into cells, then an insertion sort of the nearly sorted whole.
    order = _by_position(position, kind, n, a, b)
    best_total = total if empty == 0 else -np.inf
    best_start = a
    for k in range(n):
        c = order[k]
        how = kind[c]
        total += step[c]
        if how >= 4:
            empty += 1
        elif how >= 2:
            empty -= 1
        if (how & 1) == _ENTER and empty == 0:
            if k + 1 < n:
                following = order[k + 1]
                if (kind[following] & 1) == _ENTER and position[following] == position[c]:
                    continue  # the window at this position is not complete yet
            if total > best_total:
                best_total, best_start = total, position[c]
    if best_total == -np.inf or best_total <= found + 0.5 * value_tolerance:
        return True, found, found_low, False
    exact = _picks_at(points, best_start, epsilon, tolerance, chosen)
    if exact > found + value_tolerance:
        return True, exact, best_start, True
    return True, found, found_low, False


#: Each change of a group's best: its position, its step (the new best less the old; the
#: new best where the group had none; minus the old where it has none left) and its kind
#: (``_ENTER`` or ``_LEAVE``; + 2 where the group had no point before, + 4 where it has
#: none after).
Changes = tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.int8]]


@kernel
def _rising(
    points: Searchable,
    reach: NDArray[np.intp],
    epsilon: float,
    tolerance: float,
    b: float,
    changes: Changes,
    n: int,
) -> tuple[int, float]:
    """A group's changes where all its points in reach (``reach``: see :func:`group_sweep`)
    lie below its peak: its best in the window is its best up to the window's top point
    (``running``) while that is still inside, so it changes only where a new running best
    enters. Returns (the changes written, up to; the group's best at a), or (-1, -inf)
    where the best up to the top leaves before a larger one enters (the queue then takes
    the group)."""
    rate, value, _, _, _, _, running = points
    position, step, kind = changes
    first_in, in_at_a, entering_end = reach[0], reach[1], reach[2]
    if in_at_a <= first_in:
        return -1, -np.inf
    current = running[in_at_a - 1]
    if current < first_in:
        return -1, -np.inf
    initial = value[current]
    for i in range(in_at_a, entering_end):
        if running[i] == i:
            at = _enters_at(rate[i], epsilon, tolerance)
            if rate[current] + tolerance < at:
                return -1, -np.inf  # it left before i entered
            position[n], step[n], kind[n] = at, value[i] - value[current], _ENTER
            n += 1
            current = i
    if rate[current] + tolerance < b:
        return -1, -np.inf
    return n, initial


@kernel
def _falling(
    points: Searchable,
    g: int,
    reach: NDArray[np.intp],
    epsilon: float,
    tolerance: float,
    b: float,
    changes: Changes,
    n: int,
) -> tuple[int, float]:
    """Group ``g``'s changes where all its points in reach lie above its peak: its best in
    the window is its best from the window's first point on (``running``) once that has
    entered, so it changes only where that best leaves (to the best after it). Returns as
    :func:`_rising` does."""
    rate, value, offsets, _, _, _, running = points
    position, step, kind = changes
    first_in, in_at_a = reach[0], reach[1]
    if in_at_a <= first_in:
        return -1, -np.inf
    current = running[first_in]
    if current >= in_at_a:
        return -1, -np.inf
    initial = value[current]
    end = offsets[g + 1]
    while True:
        at = rate[current] + tolerance
        if at >= b:
            return n, initial
        following = current + 1
        if following >= end:
            return -1, -np.inf
        following = running[following]
        if _enters_at(rate[following], epsilon, tolerance) > at:
            return -1, -np.inf  # the next best has not entered when this one leaves
        if value[following] != value[current]:
            position[n], step[n], kind[n] = at, value[following] - value[current], _LEAVE
            n += 1
        current = following


@kernel
def _queued(
    points: Searchable,
    reach: NDArray[np.intp],
    epsilon: float,
    tolerance: float,
    b: float,
    changes: Changes,
    n: int,
    queue: NDArray[np.intp],
) -> tuple[int, float]:
    """A group's changes from a monotone queue of its points (values falling from its
    head, the best): the points entering in order of rate, and its head leaving (no other
    point leaves while it is the best). Points in the window at a that never leave are a
    floor under the best, one range-max query. Returns as :func:`_rising` does, never -1."""
    rate, value, _, best, _, _, _ = points
    position, step, kind = changes
    first_in, in_at_a, entering_end, leaving_end = reach[0], reach[1], reach[2], reach[3]
    stay_from = max(first_in, leaving_end)
    floor = value[range_argmax(value, best, stay_from, in_at_a - 1)] if stay_from < in_at_a else -np.inf
    # The queue at a: from the right, each point above every later one (and the floor).
    tail = 0
    above = floor
    for i in range(min(in_at_a, leaving_end) - 1, first_in - 1, -1):
        if value[i] > above:
            queue[tail] = i
            tail += 1
            above = value[i]
    for k in range(tail // 2):
        queue[k], queue[tail - 1 - k] = queue[tail - 1 - k], queue[k]
    head = 0
    initial = max(floor, value[queue[head]]) if tail > head else floor
    current = initial
    entering = in_at_a
    while True:
        enters_at = _enters_at(rate[entering], epsilon, tolerance) if entering < entering_end else np.inf
        leaves_at = rate[queue[head]] + tolerance if tail > head else np.inf
        if leaves_at >= b:
            leaves_at = np.inf  # it leaves after the last start
        if enters_at == np.inf and leaves_at == np.inf:
            return n, initial
        if enters_at <= leaves_at:
            v = value[entering]
            if v > floor:
                while tail > head and value[queue[tail - 1]] <= v:
                    tail -= 1
                queue[tail] = entering
                tail += 1
            entering += 1
            at, how = enters_at, _ENTER
        else:
            head += 1
            at, how = leaves_at, _LEAVE
        now = max(floor, value[queue[head]]) if tail > head else floor
        if now != current:
            position[n] = at
            if current == -np.inf:
                kind[n], step[n] = how + 2, now
            elif now == -np.inf:
                kind[n], step[n] = how + 4, -current
            else:
                kind[n], step[n] = how, now - current
            n += 1
            current = now


@kernel
def _picks_at(
    points: Searchable, start: float, epsilon: float, tolerance: float, chosen: NDArray[np.intp]
) -> float:
    """Each group's best point in the window at ``start`` as the sweep has it (entered:
    ``rate - epsilon - tolerance <= start``; not left: ``rate + tolerance >= start``), to
    ``chosen``; their values summed in group order."""
    rate, value, offsets, best, peak, buckets, _ = points
    total = 0.0
    for g in range(len(offsets) - 1):
        top = peak[g]
        if _enters_at(rate[top], epsilon, tolerance) <= start and rate[top] + tolerance >= start:
            chosen[g] = top
        else:
            lo = _first_past(rate, buckets, g, (False, epsilon, tolerance), start, False)
            hi = _first_past(rate, buckets, g, (True, epsilon, tolerance), start, True)
            chosen[g] = range_argmax(value, best, lo, hi - 1)
        total += value[chosen[g]]
    return total


@kernel
def _by_position(
    position: NDArray[np.float64], kind: NDArray[np.int8], n: int, low: float, high: float
) -> NDArray[np.intp]:
    """The first ``n`` changes' indices in order of position, entering (even kind) before
    leaving at one position; positions lie in [low, high]."""
    cells = 1
    while cells < n:
        cells *= 2
    scale = cells / (high - low) if high > low else 0.0
    count = np.zeros(cells + 1, dtype=np.intp)
    cell = np.empty(n, dtype=np.intp)
    for k in range(n):
        c = min(max(int((position[k] - low) * scale), 0), cells - 1)
        cell[k] = c
        count[c + 1] += 1
    for c in range(cells):
        count[c + 1] += count[c]
    order = np.empty(n, dtype=np.intp)
    for k in range(n):
        c = cell[k]
        order[count[c]] = k
        count[c] += 1
    for k in range(1, n):
        moving = order[k]
        at, how = position[moving], (kind[moving] & 1)
        j = k
        while j > 0:
            previous = order[j - 1]
            if position[previous] < at or (position[previous] == at and (kind[previous] & 1) <= how):
                break
            order[j] = previous
            j -= 1
        order[j] = moving
    return order
