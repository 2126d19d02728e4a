"""Static rendering of the trade-off explorer: a PNG frontier chart and an HTML table."""

from __future__ import annotations

import html
import io
import math
from collections.abc import Sequence
from typing import Any

import pandas as pd

from fairness_widgets.compute.postprocessor import GroupThresholds
from fairness_widgets.static_charts import html_table, png_img_tag

_KINDS = {
    "thresholds": ("#3b6ea8", "o", "per-group thresholds"),
    "randomised thresholds": ("#8a5aa8", ".", "randomised thresholds"),
}


def _label(name: str) -> str:
    return name.replace("_", " ")


def tradeoff_png(
    points: Sequence[dict[str, Any]],
    mitigations: Sequence[dict[str, Any]],
    current: dict[str, float],
    constraint: str,
    objective: str,
) -> bytes:
    """The frontier (objective against disparity), reference points, mitigations and the
    current choice, as a PNG (matplotlib, no pyplot state)."""
    from matplotlib.figure import Figure  # noqa: PLC0415 (only static exports need it)

    figure = Figure(figsize=(7.0, 4.2), dpi=100, layout="constrained")
    axes = figure.add_subplot()
    for kind, (colour, marker, label) in _KINDS.items():
        shown = sorted((p for p in points if p["kind"] == kind), key=lambda p: p["disparity"])
        if shown:
            axes.plot(
                [p["disparity"] for p in shown],
                [p["objective"] for p in shown],
                color=colour,
                marker=marker,
                label=label,
                drawstyle="steps-post" if kind == "thresholds" else "default",
            )
    for kind, marker in (("single threshold", "s"), ("unconstrained", "D")):
        for p in points:
            if p["kind"] == kind:
                axes.scatter([p["disparity"]], [p["objective"]], marker=marker, color="#222", zorder=3)
                axes.annotate(
                    kind, (p["disparity"], p["objective"]), xytext=(5, 5), textcoords="offset points"
                )
    curves: dict[str, list[dict[str, Any]]] = {}
    for m in mitigations:
        axes.scatter([m["disparity"]], [m["objective"]], marker="^", color="#c2571a", zorder=3)
        axes.annotate(
            m["label"],
            (m["disparity"], m["objective"]),
            xytext=(5, -10),
            textcoords="offset points",
            fontsize=8,
        )
        if m.get("curve"):
            curves.setdefault(m["curve"], []).append(m)
    for members in curves.values():
        axes.plot([m["disparity"] for m in members], [m["objective"] for m in members], color="#c2571a", lw=1)
    if math.isfinite(current["disparity"]):
        axes.scatter(
            [current["disparity"]],
            [current["objective"]],
            s=160,
            facecolors="none",
            edgecolors="#d62728",
            lw=2,
        )
    axes.set_xlabel(f"disparity ({_label(constraint)})")
    axes.set_ylabel("minus mean cost per person" if objective == "cost" else _label(objective))
    axes.legend(loc="lower right", fontsize=8)
    axes.spines[["top", "right"]].set_visible(False)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


def _thresholds(thresholds: Sequence[float], weights: Sequence[float]) -> str:
    """ "0.4312", "none" (no one predicted positive), or "0.62 × 0.4312 + 0.38 × 0.4410"."""
    shown = ["none" if math.isinf(t) else f"{t:.4g}" for t in thresholds]
    if len(shown) == 1:
        return shown[0]
    return " + ".join(f"{mixing_probability(w)} × {t}" for t, w in zip(shown, weights, strict=True))


def mixing_probability(weight: float) -> str:
    """Two decimals, or as many more (up to four) as it takes not to read 0 or 1, as the
    browser writes it: a mix shown as "1.00 × 0.25 + 0.00 × 0.245" would hide that some
    people get the second threshold."""
    for digits in (2, 3, 4):
        shown = f"{weight:.{digits}f}"
        if 0.0 < float(shown) < 1.0:
            return shown
    if weight <= 0.0 or weight >= 1.0:
        return f"{weight:.2f}"
    return "<0.0001" if weight < 0.5 else ">0.9999"


def _fmt(value: float) -> str:
    return "—" if not math.isfinite(value) else f"{value:.3f}"


def tradeoff_html(
    png: bytes,
    rates: pd.DataFrame,
    current: dict[str, float],
    rule: GroupThresholds,
    mitigations: Sequence[dict[str, Any]] = (),
) -> str:
    """The chart, the current objective and disparity, a row per group, and the other
    methods on the chart (label, parameters, objective, disparity)."""
    rows = [
        [
            str(row["group"]),
            _thresholds(row["thresholds"], row["weights"]),
            f"{row['size']:,}",
            *(
                _fmt(float(row[name]))
                for name in (
                    "selection_rate",
                    "true_positive_rate",
                    "false_positive_rate",
                    "precision",
                    "accuracy",
                )
            ),
        ]
        for row in rates.to_dict("records")
    ]
    summary = (
        f"<p>objective {html.escape(_fmt(current['objective']))}, "
        f"disparity {html.escape(_fmt(current['disparity']))}"
        f"{' (randomised thresholds)' if rule.randomised else ''}</p>"
    )
    header = ["group", "threshold", "n", "selection rate", "TPR", "FPR", "precision", "accuracy"]
    methods = ""
    if mitigations:
        methods = html_table(
            ["method", "parameters", "objective", "disparity"],
            [[m["label"], m["params"], _fmt(m["objective"]), _fmt(m["disparity"])] for m in mitigations],
            "Other methods on the chart (held-out rows)",
        )
    return (
        png_img_tag(png, "accuracy / disparity trade-off")
        + summary
        + html_table(header, rows, f"Per-group thresholds by {rule.attribute}")
        + methods
    )
