"""Static rendering of the slice explorer: the worst slices' effects as a PNG, and tables."""

from __future__ import annotations

import io
import math

import pandas as pd

from fairness_widgets.compute.metrics import METRICS
from fairness_widgets.compute.slices import Slices
from fairness_widgets.static_charts import html_table, png_img_tag


def slices_png(top: pd.DataFrame, metric: str) -> bytes:
    """Effect (how much worse than the rest) of each slice with its interval."""
    from matplotlib.figure import Figure  # noqa: PLC0415 (only static exports need it)

    figure = Figure(figsize=(8.0, 1.0 + 0.34 * max(len(top), 1)), dpi=100, layout="constrained")
    axes = figure.add_subplot()
    positions = list(range(len(top)))[::-1]
    effects = top["effect"].to_numpy(dtype=float)
    axes.barh(positions, effects, color="#c2571a", height=0.6)
    for position, low, high in zip(positions, top["ci_low"], top["ci_high"], strict=True):
        if math.isfinite(low) and math.isfinite(high):
            axes.plot([low, high], [position, position], color="#222", linewidth=1.5)
    labels = [f"{text} (n={size:,})" for text, size in zip(top["slice"], top["size"], strict=True)]
    axes.set_yticks(positions, labels, parse_math=False, fontsize=8)
    axes.axvline(0, color="#222", linewidth=0.8)
    axes.set_xlabel(f"how much worse than the rest: {METRICS[metric].label.lower()}", parse_math=False)
    if not len(top):
        axes.text(0.5, 0.5, "no significant slice", ha="center", va="center", transform=axes.transAxes)
    axes.spines[["top", "right"]].set_visible(False)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


def _fmt(value: float) -> str:
    return "—" if value is None or not math.isfinite(value) else f"{value:.3f}"


def slices_html(png: bytes, top: pd.DataFrame, result: Slices, findings: pd.DataFrame) -> str:
    """The chart, the significant slices, and the annotated findings."""
    rows = [
        [
            str(row["slice"]),
            f"{int(row['size']):,}",
            _fmt(row["value"]),
            _fmt(row["rest_value"]),
            f"{_fmt(row['effect'])} [{_fmt(row['ci_low'])}, {_fmt(row['ci_high'])}]",
            f"{row['q_value']:.2g}",
        ]
        for row in top.to_dict("records")
    ]
    label = METRICS[result.metric].label.lower()
    html = png_img_tag(png, f"worst slices by {label}") + html_table(
        ["slice", "size", label, "rest", "effect [95% interval]", "q-value"],
        rows,
        f"Significant slices at a false discovery rate of {result.fdr:g} ({result.n_tested:,} tested)",
    )
    if len(findings):
        html += html_table(
            ["slice", "status", "note"],
            [[str(r["slice"]), str(r["status"]), str(r["note"])] for r in findings.to_dict("records")],
            "Findings",
        )
    return html
