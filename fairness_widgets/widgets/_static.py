"""Paths of the built front-end bundles (made by `npm run build`, shipped in the wheel),
and the static parts every widget adds to its output for viewers that run no JavaScript."""

from __future__ import annotations

from pathlib import Path
from typing import Any

STATIC = Path(__file__).resolve().parent.parent / "static"


def bundle(name: str, suffix: str) -> Path:
    """Return ``static/<name>.<suffix>`` or explain how to build it."""
    path = STATIC / f"{name}.{suffix}"
    if not path.is_file():
        raise FileNotFoundError(
            f"The front-end bundle {path.name} is missing from {STATIC}. In a source "
            "checkout run `npm ci && npm run build` (pip install -e . does this too); "
            "an installed wheel always contains it."
        )
    return path


MimeBundle = tuple[dict[str, Any], dict[str, Any]]


def with_static(shown: Any, static: dict[str, Any]) -> MimeBundle | None:
    """The widget's own mime bundle (``super()._repr_mimebundle_()``) plus ``static``
    (``image/png``, ``text/html``): live front ends pick the widget view; nbconvert, GitHub
    and PDF exports fall back to the static parts."""
    if shown is None:
        return None
    data, metadata = shown if isinstance(shown, tuple) else (shown, {})
    return {**data, **static}, dict(metadata)
