"""Progress of a mitigation run: a one-line text bar, a callback, or nothing."""

from __future__ import annotations

import sys
from collections.abc import Callable
from time import perf_counter
from typing import TextIO

#: ``(done, total, label)``: steps finished so far, all steps, the step now starting.
ProgressCallback = Callable[[int, int, str], None]
BAR_WIDTH = 20


class TextBar:
    """A one-line progress bar rewritten in place on ``stream`` (stderr by default).

    Examples
    --------
    >>> import io
    >>> stream = io.StringIO()
    >>> bar = TextBar(stream)
    >>> bar(1, 4, "GridSearch (DP) λ=0.4")
    >>> stream.getvalue()[:27]
    '\\r[#####...............] 1/4'
    """

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.began = perf_counter()
        self.width = 0

    def __call__(self, done: int, total: int, label: str) -> None:
        filled = BAR_WIDTH * done // max(total, 1)
        bar = "#" * filled + "." * (BAR_WIDTH - filled)
        line = f"[{bar}] {done}/{total} {perf_counter() - self.began:.1f}s {label}"
        self.stream.write("\r" + line.ljust(self.width))
        self.width = len(line)
        if done >= total:
            self.stream.write("\n")
        self.stream.flush()


class Steps:
    """Counts steps and tells ``report`` as each starts, and once more at the end."""

    def __init__(self, total: int, report: ProgressCallback | None) -> None:
        self.total = total
        self.report = report
        self.done = 0

    def start(self, label: str) -> None:
        if self.report is not None:
            self.report(min(self.done, self.total), self.total, label)
        self.done += 1

    def finish(self) -> None:
        if self.report is not None:
            self.report(self.total, self.total, "done")


def progress_callback(progress: bool | ProgressCallback) -> ProgressCallback | None:
    """``True``: a text bar on stderr; ``False``: None; a callable: itself."""
    if isinstance(progress, bool):
        return TextBar() if progress else None
    if callable(progress):
        return progress
    raise TypeError(
        "progress must be True (a text bar on stderr), False (silent) or a callable "
        f"(done: int, total: int, label: str) -> None; got {progress!r}."
    )
