"""Optional compiled kernels: numba when it is installed (``pip install fairness-widgets[fast]``).

numba pins the numpy releases it supports, so it is an extra, never a requirement: every
kernel has a numpy path that gives the same numbers, and the package installs and works
without it. The kernels pay off on large inputs only (they compile once per machine, then
load from numba's cache), so callers ask :func:`worth_compiling` with the problem size.

Set the environment variable ``FAIRNESS_WIDGETS_COMPILED=0`` to turn the kernels off.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable
from types import ModuleType
from typing import Any, TypeVar, cast

F = TypeVar("F", bound=Callable[..., Any])

#: Below this many operating points the numpy path is fast enough (and never compiles).
MIN_POINTS = 20_000


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


def kernel(function: F) -> F:
    """Compile ``function`` with numba (lazily, on first call; cached on disk, or per
    process where no cache folder is writable) when numba is installed; otherwise return
    it unchanged (then :func:`worth_compiling` is False and nothing calls it)."""
    if numba is None:
        return function
    options = {"nogil": True, "error_model": "numpy"}
    try:
        return cast(F, numba.njit(cache=True, **options)(function))
    except RuntimeError:  # no writable cache folder (read-only install, no home): compile per process
        return cast(F, numba.njit(cache=False, **options)(function))


def worth_compiling(n_points: int) -> bool:
    """Use the compiled kernels for a problem of ``n_points`` operating points?"""
    return AVAILABLE and ENABLED and n_points >= MIN_POINTS
