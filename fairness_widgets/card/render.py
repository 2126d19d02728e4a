"""The card as Markdown and as a self-contained HTML report.

Both are drawn from one list of blocks, so they show the same content. HTML escapes every
string that came from the card (user text is data, never markup); charts are inline
``data:`` images, so the file needs nothing else.
"""

from __future__ import annotations

import base64
import binascii
import html
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from fairness_widgets.card.model_card import ModelCard

Block = tuple[Any, ...]
SAFE_MIME = ("image/png", "image/jpeg", "image/gif", "image/webp")


def fmt(value: Any) -> str:
    """Numbers to 4 significant digits, None as an empty cell."""
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


def slice_name(slice_: dict[str, str]) -> str:
    return ", ".join(f"{k}={v}" for k, v in slice_.items()) or "overall"


def ci_text(lower: float | None, upper: float | None) -> str:
    return "" if lower is None or upper is None else f"[{fmt(lower)}, {fmt(upper)}]"


def ci_heading(levels: list[float | None]) -> str:
    """``"95% CI"`` when every interval has that level, else ``"CI (level)"``."""
    known = {level for level in levels if level is not None}
    return f"{next(iter(known)):.0%} CI" if len(known) == 1 else "CI"


def ci_cell(lower: float | None, upper: float | None, level: float | None, several: bool) -> str:
    text = ci_text(lower, upper)
    return f"{text} ({level:.0%})" if text and several and level is not None else text


def results_table(card: ModelCard) -> Block:
    results = card.quantitative_analysis.results
    levels = [r.ci_level for r in results if r.ci_lower is not None]
    several = len(set(levels)) > 1
    rows = [
        [
            r.metric_id,
            r.dataset_id,
            r.split,
            slice_name(r.slice),
            fmt(r.value),
            ci_cell(r.ci_lower, r.ci_upper, r.ci_level, several),
            r.ci_method,
            fmt(r.n),
        ]
        for r in results
    ]
    header = ["metric", "dataset", "split", "group", "value", ci_heading(levels), "interval method", "n"]
    return ("table", header, rows)


def group_charts(card: ModelCard) -> list[Block]:
    """One ``("chart", title, png)`` block per metric of the per-group results.

    A bar per group with its interval as a whisker, drawn by matplotlib (no pyplot state;
    group names are drawn with ``parse_math=False`` since they are user data). Only the HTML
    report shows them; Markdown keeps the table alone.
    """
    from fairness_widgets.static_charts import StaticBar, bar_chart_png  # noqa: PLC0415

    per_metric: dict[tuple[str, str, str], list[Any]] = {}
    for r in card.quantitative_analysis.results:
        if r.slice:
            per_metric.setdefault((r.metric_id, r.dataset_id, r.split), []).append(r)
    several = len({(d, s) for _, d, s in per_metric}) > 1
    names = {m.id: m.name for m in card.metrics if m.name}
    out: list[Block] = []
    for (metric_id, dataset_id, split), rows in per_metric.items():
        bars = [
            StaticBar(group=slice_name(r.slice), value=r.value, low=r.ci_lower, high=r.ci_upper, small=False)
            for r in rows
        ]
        bounds = [x for r in rows for x in (r.value, r.ci_lower, r.ci_upper) if x is not None]
        where = f" ({dataset_id}, {split})" if several else ""
        title = f"{names.get(metric_id, metric_id)} by group{where}"
        png = bar_chart_png(
            bars, title=title, is_rate=bool(bounds) and all(0 <= x <= 1 for x in bounds), reference=None
        )
        out.append(("chart", title, png))
    return out


def fairness_blocks(card: ModelCard, *, charts: bool = False) -> list[Block]:
    fairness = card.quantitative_analysis.fairness
    out: list[Block] = [("h", 3, "Results by group"), results_table(card)]
    if charts:
        out += group_charts(card)
    if fairness.disparities:
        out += [
            ("h", 3, "Disparities"),
            (
                "table",
                [
                    "measure",
                    "attributes",
                    "versus",
                    "value",
                    ci_heading([d.ci_level for d in fairness.disparities if d.ci_lower is not None]),
                    "interval method",
                    "p",
                    "flag",
                ],
                [
                    [
                        d.metric_id,
                        " × ".join(d.attributes),
                        d.reference,
                        fmt(d.value),
                        ci_text(d.ci_lower, d.ci_upper),
                        d.ci_method,
                        fmt(d.p_value),
                        d.flag,
                    ]
                    for d in fairness.disparities
                ],
            ),
        ]
    if fairness.criteria:
        out += [
            ("h", 3, "Criteria"),
            (
                "table",
                ["rule", "expression", "threshold", "value", "passed"],
                [
                    [c.rule_id, c.expression, fmt(c.threshold), fmt(c.value), fmt(c.passed)]
                    for c in fairness.criteria
                ],
            ),
        ]
    for m in fairness.mitigations:
        out += [
            ("h", 3, f"Mitigation: {m.method}"),
            ("p", f"Stage: {m.stage}; applied: {m.applied}. {m.rationale}"),
        ]
        if m.thresholds:
            out.append(
                (
                    "table",
                    ["attribute", "group", "threshold", "weight"],
                    [[t.attribute, t.group, fmt(t.threshold), fmt(t.weight)] for t in m.thresholds],
                )
            )
    if fairness.slice_findings:
        out += [
            ("h", 3, "Slice findings"),
            (
                "table",
                ["slice", "metric", "value", "gap", "q", "n", "status", "note"],
                [
                    [
                        f.slice,
                        f.metric_id,
                        fmt(f.value),
                        fmt(f.gap),
                        fmt(f.q_value),
                        fmt(f.n),
                        f.status if f.flagged else f"{f.status} (no longer flagged)",
                        f.annotation,
                    ]
                    for f in fairness.slice_findings
                ],
            ),
        ]
    if fairness.groups_at_risk:
        out += [
            ("h", 3, "Groups at risk"),
            (
                "table",
                ["group", "harms", "likelihood", "severity", "mitigation"],
                [
                    [g.group, g.harms, g.likelihood, g.severity, g.mitigation_strategy]
                    for g in fairness.groups_at_risk
                ],
            ),
        ]
    return out


def blocks(card: ModelCard, *, charts: bool = False) -> list[Block]:
    d, use, cons, op = card.model_details, card.intended_use, card.considerations, card.operation
    out: list[Block] = [
        ("h", 1, f"Model card: {d.name or '(unnamed)'}"),
        ("p", d.summary),
        ("p", d.description),
    ]
    out += [
        ("h", 2, "Model details"),
        (
            "ul",
            [
                f"{k}: {v}"
                for k, v in [
                    ("Version", d.version.name),
                    ("Provider", d.provider.name),
                    ("Type", d.model_type),
                    ("Task", d.task),
                    ("Architecture", d.architecture),
                    ("License", ", ".join(x.spdx_id or x.custom_text for x in d.licenses)),
                    ("Owners", ", ".join(f"{o.name} ({o.role})" for o in d.owners)),
                ]
                if v
            ],
        ),
    ]
    out += [
        ("h", 2, "Intended use"),
        (
            "ul",
            [f"Primary use: {u}" for u in use.primary_uses]
            + [f"Primary user: {u}" for u in use.primary_users]
            + [f"Out of scope: {u}" for u in use.out_of_scope_uses]
            + [f"Foreseeable misuse: {u}" for u in use.foreseeable_misuse],
        ),
        ("p", use.deployment_context),
    ]
    out += [
        ("h", 2, "Factors"),
        (
            "ul",
            [f"{f.attribute}: {', '.join(f.groups)}" for f in card.factors.evaluation_factors]
            + card.factors.relevant_factors,
        ),
    ]
    out += [
        ("h", 2, "Metrics"),
        (
            "table",
            ["id", "name", "definition", "interval method", "decision threshold", "rationale"],
            [
                [m.id, m.name, m.definition, m.variation.method, fmt(m.decision_threshold), m.rationale]
                for m in card.metrics
            ],
        ),
    ]
    out += [
        ("h", 2, "Data"),
        (
            "table",
            ["id", "role", "rows", "sha256", "description"],
            [[x.id, x.role, fmt(x.n_rows), x.sha256, x.description] for x in card.datasets],
        ),
    ]
    out += [("h", 2, "Training"), ("p", card.training.procedure)]
    out += [("h", 2, "Quantitative analyses"), *fairness_blocks(card, charts=charts)]
    out += [("img", g) for g in card.quantitative_analysis.graphics]
    out += [
        ("h", 2, "Ethical considerations"),
        (
            "ul",
            [f"{r.name}: {r.mitigation_strategy}" for r in cons.ethical_risks]
            + [f"Residual: {r.risk} ({r.acceptance_rationale})" for r in cons.residual_risks],
        ),
    ]
    out += [
        ("h", 2, "Caveats and recommendations"),
        ("ul", cons.limitations + cons.tradeoffs),
        ("ul", cons.recommendations),
    ]
    out += [
        ("h", 2, "Human oversight"),
        (
            "ul",
            [
                f"{o.measure} (by {o.implemented_by}); override: {o.override_procedure}; "
                f"stop: {o.stop_procedure}"
                for o in op.human_oversight
            ],
        ),
    ]
    status = card.signoff_status()
    out += [
        ("h", 2, "Sign-offs"),
        (
            "table",
            ["role", "name", "decision", "signed at", "valid"],
            [
                [*map(str, row[:4]), "yes" if row[4] else "NO: card edited since"]
                for row in status.itertuples(index=False)
            ],
        ),
        ("p", f"Content hash: {card.content_hash}"),
    ]
    return out


def _md_cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def to_markdown(card: ModelCard) -> str:
    return render_markdown(blocks(card))


def render_markdown(items: list[Block]) -> str:
    lines: list[str] = []
    for block in items:
        kind = block[0]
        if kind == "h":
            lines += [f"{'#' * block[1]} {block[2]}", ""]
        elif kind == "p" and block[1]:
            lines += [block[1], ""]
        elif kind == "ul" and block[1]:
            lines += [f"- {item}" for item in block[1]] + [""]
        elif kind == "table" and block[2]:
            lines.append("| " + " | ".join(block[1]) + " |")
            lines.append("|" + "---|" * len(block[1]))
            lines += ["| " + " | ".join(_md_cell(str(c)) for c in row) + " |" for row in block[2]]
            lines.append("")
        elif kind == "img":
            graphic = block[1]
            lines += [f"![{graphic.alt_text or graphic.name}]({_data_uri(graphic)})", ""]
    return "\n".join(lines).rstrip() + "\n"


def _data_uri(graphic: Any) -> str:
    if graphic.mime not in SAFE_MIME:
        return ""
    try:
        base64.b64decode(graphic.data_base64, validate=True)
    except (binascii.Error, ValueError):
        return ""  # not base64: never let it into an attribute
    return f"data:{graphic.mime};base64,{graphic.data_base64}"


CSS = """body{font-family:system-ui,sans-serif;max-width:60em;margin:2em auto;padding:0 1em;color:#222}
table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ccc;padding:.2em .5em;text-align:left}
th{background:#f4f4f4}.hash{font-family:monospace;color:#555}"""


def to_html(card: ModelCard) -> str:
    esc = html.escape
    parts = [
        f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{esc(card.model_details.name)}</title>"
        f"<style>{CSS}</style></head><body>"
    ]
    for block in blocks(card, charts=True):
        kind = block[0]
        if kind == "h":
            parts.append(f"<h{block[1]}>{esc(block[2])}</h{block[1]}>")
        elif kind == "p" and block[1]:
            parts.append("".join(f"<p>{esc(para)}</p>" for para in block[1].split("\n\n")))
        elif kind == "ul" and block[1]:
            parts.append("<ul>" + "".join(f"<li>{esc(item)}</li>" for item in block[1]) + "</ul>")
        elif kind == "table" and block[2]:
            head = "".join(f"<th>{esc(h)}</th>" for h in block[1])
            body = "".join(
                "<tr>" + "".join(f"<td>{esc(str(c))}</td>" for c in row) + "</tr>" for row in block[2]
            )
            parts.append(f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")
        elif kind == "chart":
            encoded = base64.b64encode(block[2]).decode("ascii")
            parts.append(
                f"<figure><img src='data:image/png;base64,{encoded}' alt='{esc(block[1], quote=True)}'>"
                f"<figcaption>{esc(block[1])}; whiskers: confidence interval</figcaption></figure>"
            )
        elif kind == "img" and _data_uri(block[1]):
            g = block[1]
            parts.append(
                f"<figure><img src='{_data_uri(g)}' alt='{esc(g.alt_text or g.name, quote=True)}'>"
                f"<figcaption>{esc(g.description)}</figcaption></figure>"
            )
    parts.append("</body></html>")
    return "\n".join(parts)
