"""Saving and loading card JSON: atomic, keeping the previous version, clear errors."""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from datetime import datetime, timezone
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fairness_widgets.card.convert import CardFormatError

if TYPE_CHECKING:
    from fairness_widgets.card.model_card import ModelCard


def _package_version() -> str:
    try:
        return version("fairness-widgets")
    except PackageNotFoundError:
        return "(version unknown)"


def previous_path(path: Path) -> Path:
    """Where the version before the last save is kept: ``card.json`` -> ``card.prev.json``."""
    return path.with_name(f"{path.stem}.prev{path.suffix or '.json'}")


def write_atomic(path: str | Path, text: str) -> Path:
    """Write ``text`` to a temporary file beside ``path``, fsync, keep the old file, rename.

    A crash at any point leaves either the old file or the new one, never a truncated one.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        if path.exists():
            # A hard link (or copy) keeps the old version without a moment with no file at `path`.
            prev = previous_path(path)
            with contextlib.suppress(FileNotFoundError):
                prev.unlink()
            try:
                os.link(path, prev)
            except OSError:
                prev.write_bytes(path.read_bytes())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    with contextlib.suppress(OSError):  # make the rename itself durable where the OS allows
        dir_fd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
    return path


def save_card(card: ModelCard, path: str | Path) -> Path:
    """Stamp ``updated`` and write the card's JSON atomically."""
    card.updated = datetime.now(timezone.utc).isoformat(timespec="seconds")
    data: dict[str, Any] = card.to_dict()
    data["content_hash"] = card.content_hash  # for readers without our code; ignored on load
    data["written_by"] = f"fairness-widgets {_package_version()}"  # named in load errors
    return write_atomic(path, json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False) + "\n")


def read_text(path: Path, what: str) -> str:
    """The file's UTF-8 text; a missing or binary file raises naming ``path`` and ``what``."""
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise FileNotFoundError(f"No {what} at {path}.") from None
    except UnicodeDecodeError as error:
        raise CardFormatError(f"{path} is not UTF-8 text ({error}); is it a {what}?") from None


def read_json(path: Path, what: str) -> Any:
    """The file's JSON; an empty, truncated or malformed file raises naming the file, where
    it breaks, and the previous version when one was kept."""
    text = read_text(path, what)
    if not text.strip():
        raise CardFormatError(f"{path} is empty. {_prev_hint(path)}".rstrip())
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        truncated = error.pos >= len(text.rstrip()) - 1
        problem = "truncated (it ends mid-way)" if truncated else "not valid JSON"
        raise CardFormatError(
            f"{path} is {problem}: {error.msg} at line {error.lineno}, column {error.colno}. "
            f"{_prev_hint(path)}".rstrip()
        ) from None


def load_card(cls: type[ModelCard], path: str | Path) -> ModelCard:
    """Read and check a card file; every failure names the file and what is wrong."""
    path = Path(path)
    data = read_json(path, "model card JSON file")
    if isinstance(data, dict):
        data.pop("content_hash", None)
    try:
        card = cls.from_dict(data)
    except CardFormatError as error:
        raise CardFormatError(f"{path}: {error}") from None
    return card


def _prev_hint(path: Path) -> str:
    prev = previous_path(path)
    return f"The previous version is at {prev}." if prev.exists() else ""
