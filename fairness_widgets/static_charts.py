"""Static renderings (PNG charts, escaped HTML tables) for places where no JavaScript runs:
nbconvert HTML, GitHub, PDF, and the model card's HTML report. Used by widgets and card alike."""

from __future__ import annotations

import base64
import html
import io
import math
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class StaticBar:
    group: str
    value: float | None
    low: float | None
    high: float | None
    small: bool


def bar_chart_png(bars: Sequence[StaticBar], *, title: str, is_rate: bool, reference: float | None) -> bytes:
    """A PNG bar chart (matplotlib, no pyplot state) of one value per group."""
    from matplotlib.figure import Figure  # noqa: PLC0415 (only static exports need it)

    figure = Figure(figsize=(7.0, 0.9 + 0.32 * max(len(bars), 1)), dpi=100, layout="constrained")
    axes = figure.add_subplot()
    positions = list(range(len(bars)))[::-1]
    values = [bar.value if bar.value is not None else 0.0 for bar in bars]
    colours = ["#9db7d5" if bar.small else "#3b6ea8" for bar in bars]
    axes.barh(positions, values, color=colours, hatch=None, height=0.7)
    for position, bar in zip(positions, bars, strict=True):
        if bar.low is not None and bar.high is not None:
            axes.plot([bar.low, bar.high], [position, position], color="#222", linewidth=1.5)
    if reference is not None and math.isfinite(reference):
        axes.axvline(reference, color="#222", linestyle="--", linewidth=1)
    # parse_math=False: a "$" in a group name is text, not the start of a formula.
    axes.set_yticks(
        positions, [f"{bar.group} (small)" if bar.small else bar.group for bar in bars], parse_math=False
    )
    if is_rate:
        axes.set_xlim(0, 1)
    axes.set_title(title, loc="left", fontsize=11, parse_math=False)
    axes.spines[["top", "right"]].set_visible(False)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


def png_img_tag(png: bytes, alt: str) -> str:
    encoded = base64.b64encode(png).decode("ascii")
    return f'<img alt="{html.escape(alt)}" src="data:image/png;base64,{encoded}"/>'


def html_table(header: Sequence[str], rows: Sequence[Sequence[str]], caption: str) -> str:
    """An HTML table with every cell escaped (group names are user data)."""
    head = "".join(f"<th>{html.escape(cell)}</th>" for cell in header)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(cell)}</td>" for cell in row) + "</tr>" for row in rows
    )
    return (
        f'<table class="fw-static-table"><caption>{html.escape(caption)}</caption>'
        f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    )
