"""Paths of the built front-end bundles (made by `npm run build`, shipped in the wheel)."""

from __future__ import annotations

from pathlib import Path

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
