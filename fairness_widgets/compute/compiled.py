"""Optional compiled kernels: numba when it is installed (``pip install fairness-widgets[fast]``).

numba pins the numpy releases it supports, so it is an extra, never a requirement: every
kernel has a numpy path that gives the same numbers, and the package installs and works
without it. The kernels pay off on large inputs only (they compile once per machine, then
load from numba's cache: about 0.25 s a process), so callers ask :func:`worth_compiling`
with the problem size: a small problem takes the numpy path until a large one has loaded
the kernels, then the kernels too (2-4x faster there, and nothing more to load).

Set the environment variable ``FAIRNESS_WIDGETS_COMPILED=0`` to turn the kernels off.
The kernels release the GIL, so independent calls (runs of groups, parts of the cells,
shares of the allowed disparities) run on several cores: ``FAIRNESS_WIDGETS_THREADS``
sets how many (default: the cores, at most 4; 1 runs everything in the calling thread).
"""

from __future__ import annotations

import importlib
import itertools
import os
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from functools import partial
from types import ModuleType
from typing import Any, TypeVar, cast

import numpy as np
from numpy.typing import NDArray

F = TypeVar("F", bound=Callable[..., Any])
T = TypeVar("T")
R = TypeVar("R")

#: Below this many operating points the numpy path is fast enough (and never compiles)...
MIN_POINTS = 20_000
#: ...until the kernels have been loaded for a larger problem: from then on problems of at
#: least this many points use them too (FICO's 793 points: 4.5 -> 2.3 ms a frontier).
MIN_POINTS_LOADED = 200
_loaded = False
#: Points per thread worth a hand-off of a pass over groups (below it, one run).
RUN_POINTS = 100_000
#: Below this many operating points a frontier's searches stay on one thread: handing
#: work to another costs more than the second core gives (1e6 rows in 100 bins, 4,040
#: points: demographic parity 5.9 ms on two threads, 4.6 ms on one).
THREAD_POINTS = 20_000


def _import_numba() -> ModuleType | None:
    try:
        return importlib.import_module("numba")
    except ImportError:  # the [fast] extra is not installed
        return None


numba = _import_numba()

#: Whether numba imported (the kernels can run).
AVAILABLE = numba is not None
#: Switched off by ``FAIRNESS_WIDGETS_COMPILED=0`` (or by tests comparing both paths).
ENABLED = os.environ.get("FAIRNESS_WIDGETS_COMPILED", "1").strip().lower() not in ("0", "false", "no", "off")


def _compiled(function: F, **options: object) -> F:
    """``function`` compiled by numba with ``options`` besides the kernels' own (lazily, on
    first call; cached on disk, or per process where no cache folder is writable), or
    unchanged without numba."""
    if numba is None:
        return function
    options = {"nogil": True, "error_model": "numpy", **options}
    try:
        return cast(F, numba.njit(cache=True, **options)(function))
    except RuntimeError:  # no writable cache folder (read-only install, no home): compile per process
        return cast(F, numba.njit(cache=False, **options)(function))


def kernel(function: F) -> F:
    """Compile ``function`` with numba (lazily, on first call; cached on disk, or per
    process where no cache folder is writable) when numba is installed; otherwise return
    it unchanged (then :func:`worth_compiling` is False and nothing calls it)."""
    return _compiled(function)


def summing_kernel(function: F) -> F:
    """:func:`kernel` for a sum of products (a dot product): the compiler may add the terms
    in any order, so it adds them several at a time (SIMD); the last bits of the result
    may differ from adding them in turn."""
    return _compiled(function, fastmath={"reassoc", "contract"})


def worth_compiling(n_points: int) -> bool:
    """Use the compiled kernels for a problem of ``n_points`` operating points? Yes from
    :data:`MIN_POINTS` on; once that has been answered yes in this process (the kernels are
    loaded, or about to be), from :data:`MIN_POINTS_LOADED` on. Both paths give the same
    numbers; only the time differs."""
    global _loaded  # noqa: PLW0603 (once per process: the kernels stay loaded)
    if not (AVAILABLE and ENABLED):
        return False
    if n_points >= MIN_POINTS:
        _loaded = True
        return True
    return _loaded and n_points >= MIN_POINTS_LOADED


def _thread_count() -> int:
    setting = os.environ.get("FAIRNESS_WIDGETS_THREADS", "").strip()
    if setting:
        try:
            return max(int(setting), 1)
        except ValueError:
            raise ValueError(
                f"FAIRNESS_WIDGETS_THREADS must be a whole number of threads (1 or more); got {setting!r}."
            ) from None
    return max(min(os.cpu_count() or 1, 4), 1)


#: How many threads :func:`map_threads` uses.
THREADS = _thread_count()
_pool: ThreadPoolExecutor | None = None


def _shared_pool() -> ThreadPoolExecutor:
    """The threads beside the calling one: one fewer than :data:`THREADS`, so that no more
    threads run than there are cores (tasks queue instead of taking turns on a core). A
    caller that wants a result of a task not begun yet takes it back and runs it itself
    (:func:`_here_or_there`), so no thread waits on a queued task, and a task may hand
    work on (the caller runs it when no pool thread is free). 1e6 rows, 40 groups, against
    as many threads as :data:`THREADS` in the pool, paired in one process, at the median:
    at 1e-4 demographic parity -0.30, equal opportunity -0.24, predictive parity -0.13,
    equalized odds -0.05 ms; exact scores -1.4, -1.5, +0.6 and +0.4 ms (12 pairs)."""
    global _pool  # noqa: PLW0603 (one pool per process, made on first use)
    if _pool is None:
        _pool = ThreadPoolExecutor(max(THREADS - 1, 1), thread_name_prefix="fairness-widgets")
    return _pool


def _here_or_there(task: Future[T], call: Callable[[], T]) -> T:
    """The result of ``task`` (``call`` submitted to the pool): ``call()`` run here if the
    pool has not begun it (taken back), else the task's result when it ends."""
    return call() if task.cancel() else task.result()


def threads_for(n_points: int) -> int:
    """How many threads a problem of ``n_points`` operating points is worth (see
    :data:`THREAD_POINTS`)."""
    return THREADS if n_points >= THREAD_POINTS else 1


def map_threads(function: Callable[[T], R], items: Iterable[T]) -> list[R]:
    """``[function(item) for item in items]``, spread over :data:`THREADS` threads, the
    first item on this one (worth it only when ``function`` is a kernel that releases the
    GIL). Results keep the order of ``items``; the first error is raised."""
    work = list(items)
    if THREADS == 1 or len(work) < 2:
        return [function(item) for item in work]
    # The first item here, the others on the pool: this thread would only wait, and a
    # pool thread takes a while to wake.
    others = [_shared_pool().submit(function, item) for item in work[1:]]
    try:
        first = function(work[0])
    except BaseException:
        for other in others:
            other.cancel()
        raise
    rest = zip(others, work[1:], strict=True)
    return [first, *(_here_or_there(other, partial(function, item)) for other, item in rest)]


def together(first: Callable[[], T], second: Callable[[], R]) -> tuple[T, R]:
    """``(first(), second())``, ``second`` on another thread while ``first`` runs on this
    one (with more than one thread; worth it when both are kernels that free the GIL)."""
    here, there = map_threads(lambda call: call(), [first, second])
    return cast(T, here), cast(R, there)


def group_cuts(offsets: NDArray[np.intp], n_points: int) -> list[int]:
    """Where :func:`group_runs` cuts the groups: run ``k`` is groups ``cuts[k] ..
    cuts[k + 1] - 1``."""
    n_runs = max(min(THREADS, n_points // RUN_POINTS, len(offsets) - 1), 1)
    targets = offsets[-1] * np.arange(1, n_runs) / n_runs
    cuts: list[int] = np.unique(
        np.concatenate([[0], np.searchsorted(offsets, targets), [len(offsets) - 1]])
    ).tolist()
    return cuts


def group_runs(offsets: NDArray[np.intp], n_points: int) -> list[NDArray[np.intp]]:
    """The groups (``offsets`` cuts the flat points into them) in consecutive runs of about
    equal points, one per thread at most and at least ``RUN_POINTS`` points each; each
    run is given by its offsets (``offsets[a : b + 1]``)."""
    return [offsets[a : b + 1] for a, b in itertools.pairwise(group_cuts(offsets, n_points))]


def _hands_off(n_points: int) -> bool:
    """Is a problem of ``n_points`` worth handing to another thread? With more than one
    thread, the kernels (which release the GIL) and :data:`THREAD_POINTS` or more."""
    return threads_for(n_points) > 1 and worth_compiling(n_points)


def beside_in_runs(
    function: Callable[[NDArray[np.intp]], T],
    combine: Callable[[list[T]], R],
    offsets: NDArray[np.intp],
    n_points: int,
) -> Callable[[], R]:
    """Start a pass over groups on the other threads and return a call that waits for its
    result (or raises its error): ``function(run)`` for each run of groups
    (:func:`group_runs`) as its own task, then ``combine`` of their results in order, as
    one more. The combining task waits only for tasks queued before it, which are
    running or done by the time it starts: the pool never waits on itself.

    This pays with more than one thread and a problem of ``n_points`` large enough for
    the kernels (which release the GIL; the numpy path mostly holds it) and for a
    hand-off (:data:`THREAD_POINTS`). Otherwise it all
    runs here on the first call of the returned one; either way once, and every call
    returns that one result."""
    if not _hands_off(n_points):
        return _once(lambda: combine([function(offsets)]))
    pool = _shared_pool()
    runs = group_runs(offsets, n_points)
    parts = [pool.submit(function, run) for run in runs]
    combined = pool.submit(lambda: combine([part.result() for part in parts]))

    def here() -> R:  # (the combining task not begun: neither have some parts)
        made = [_here_or_there(part, partial(function, run)) for part, run in zip(parts, runs, strict=True)]
        return combine(made)

    return _once(lambda: _here_or_there(combined, here))


def offered(call: Callable[[], T], n_points: int) -> Callable[[], T]:
    """Offer ``call`` to another thread and return a call for its result: if no thread
    has taken it by then (the pool busy with earlier tasks), it runs here instead. With
    one thread, or a problem of ``n_points`` too small to hand off, it runs here."""
    if not _hands_off(n_points):
        return call
    task = _shared_pool().submit(call)
    return partial(_here_or_there, task, call)


def beside(call: Callable[[], T], n_points: int) -> Callable[[], T]:
    """Start ``call`` on another thread and return a call that waits for its result (or
    raises its error). With one thread, or a problem of ``n_points`` too small to hand
    off (:func:`_hands_off`), ``call`` runs here on the first call of the returned one;
    either way once."""
    if not _hands_off(n_points):
        return _once(call)
    task = _shared_pool().submit(call)
    return _once(partial(_here_or_there, task, call))


def _once(call: Callable[[], T]) -> Callable[[], T]:
    """``call`` made once, whichever threads ask and when: the first to ask makes it, the
    others wait for that result (or error)."""
    lock = threading.Lock()
    made: list[T] = []

    def result() -> T:
        with lock:
            if not made:
                made.append(call())
            return made[0]

    return result
