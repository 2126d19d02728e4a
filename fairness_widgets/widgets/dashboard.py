"""Dashboard: per-group metrics of a binary classifier, as a live chart and table."""

from __future__ import annotations

import math
from typing import Any

import anywidget
import pandas as pd
import traitlets

from fairness_widgets.compute.audit import Audit
from fairness_widgets.compute.by_group import MIN_GROUP_SIZE
from fairness_widgets.compute.cells import DEFAULT_RESOLUTION
from fairness_widgets.compute.groups import MissingPolicy
from fairness_widgets.compute.metrics import METRICS
from fairness_widgets.static_charts import StaticBar, bar_chart_png, html_table, png_img_tag
from fairness_widgets.widgets._static import bundle, with_static


def _number(value: float) -> float | None:
    """NaN (an undefined rate) travels as null: JSON has no NaN."""
    return None if math.isnan(value) else float(value)


#: What the dashboard offers, in this order (score metrics only for audits with scores).
DASHBOARD_METRICS = (
    "selection_rate",
    "true_positive_rate",
    "false_positive_rate",
    "false_negative_rate",
    "accuracy",
    "precision",
    "base_rate",
    "auc",
    "ece",
    "count",
)


def _tables(frame: pd.DataFrame, min_group_size: int) -> dict[str, list[dict[str, Any]]]:
    """The tidy metric frame as one row per group, per attribute, for the browser."""
    tables: dict[str, list[dict[str, Any]]] = {}
    for attribute, rows in frame.groupby("attribute", sort=False):
        groups = []
        for group, cells in rows.groupby("group", sort=False):
            first = cells.iloc[0]
            groups.append(
                {
                    "group": str(group),
                    "size": int(first["group_size"]),
                    "small": bool(first["group_size"] < min_group_size),
                    "value": {m: _number(v) for m, v in zip(cells["metric"], cells["value"], strict=True)},
                    "ci_low": {m: _number(v) for m, v in zip(cells["metric"], cells["ci_low"], strict=True)},
                    "ci_high": {
                        m: _number(v) for m, v in zip(cells["metric"], cells["ci_high"], strict=True)
                    },
                    "n": {m: int(v) for m, v in zip(cells["metric"], cells["n"], strict=True)},
                }
            )
        tables[str(attribute)] = groups
    return tables


class Dashboard(anywidget.AnyWidget):
    """Per-group metrics of a binary classifier: a bar chart, a table, and selectors.

    Give it an :class:`~fairness_widgets.Audit`, or the audit's inputs directly.

    Parameters
    ----------
    audit_or_y_true : Audit or array-like
        An audit, or the true labels: 0/1 (or two values with ``pos_label``).
    y_pred : array-like, optional
        Predicted labels. Pass this or ``y_score``.
    y_score : array-like, optional
        Scores, predicted positive where ``y_score >= threshold``.
    sensitive : Series, DataFrame, dict or array
        One or more sensitive columns; with two or more, their intersection is shown too.
    threshold : float, default 0.5
        Decision threshold applied to ``y_score``.
    pos_label : optional
        The positive label when labels are not 0/1 (e.g. ``">50K"``).
    missing, resolution
        As for :class:`~fairness_widgets.Audit`.
    min_group_size : int, default 30
        Groups, and rates measured on fewer people than this (e.g. a true positive
        rate on 7 positives), are flagged (hatched) but never hidden.
    metric : str, default "selection_rate"
        Metric shown first; one of :data:`fairness_widgets.compute.METRICS`.
    attribute : str, optional
        Sensitive attribute shown first (default: the first one).

    Examples
    --------
    >>> import fairness_widgets as fw
    >>> df = fw.datasets.load_adult("test")
    >>> dash = fw.Dashboard(df["label"], y_pred=df["age"] > 40, sensitive=df[["sex", "race"]])
    >>> dash.metric, dash.attribute
    ('selection_rate', 'sex')
    >>> audit = fw.Audit(df["label"], y_pred=df["age"] > 40, sensitive=df[["sex", "race"]])
    >>> list(fw.Dashboard(audit).tables)
    ['sex', 'race', 'sex × race']
    """

    _esm = bundle("dashboard", "js")
    _css = bundle("dashboard", "css")

    metric = traitlets.Unicode("selection_rate", help="Metric shown; the browser writes it.").tag(sync=True)
    attribute = traitlets.Unicode("", help="Sensitive attribute shown; the browser writes it.").tag(sync=True)
    selected_group = traitlets.Unicode(
        "", help="Highlighted group ('' for none); the browser writes it."
    ).tag(sync=True)
    metric_options = traitlets.List(traitlets.Dict(), help="Metrics offered: key, label, description.").tag(
        sync=True
    )
    tables = traitlets.Dict(help="Attribute -> one row per group with each metric and interval.").tag(
        sync=True
    )
    overall = traitlets.Dict(help="Metric -> value over all rows (the dashed reference line).").tag(sync=True)
    min_group_size = traitlets.Int(MIN_GROUP_SIZE, help="Groups below this size are flagged.").tag(sync=True)

    def __init__(
        self,
        audit_or_y_true: Any,
        *,
        y_pred: Any = None,
        y_score: Any = None,
        sensitive: Any = None,
        threshold: float = 0.5,
        pos_label: Any = None,
        missing: MissingPolicy = "error",
        resolution: float | None = DEFAULT_RESOLUTION,
        min_group_size: int = MIN_GROUP_SIZE,
        metric: str = "selection_rate",
        attribute: str | None = None,
        **kwargs: Any,
    ) -> None:
        if isinstance(audit_or_y_true, Audit):
            audit = audit_or_y_true
        else:
            if sensitive is None:
                raise ValueError("Pass an Audit, or y_true with sensitive= (and y_pred= or y_score=).")
            audit = Audit(
                audit_or_y_true,
                y_pred=y_pred,
                y_score=y_score,
                sensitive=sensitive,
                threshold=threshold,
                pos_label=pos_label,
                missing=missing,
                resolution=resolution,
                min_group_size=min_group_size,
            )
        self.audit = audit
        shown = [key for key in DASHBOARD_METRICS if key in audit.metrics]
        self._frame = audit.by_group(shown)
        super().__init__(
            metric_options=[
                {
                    "key": key,
                    "label": METRICS[key].label,
                    "description": METRICS[key].description,
                    "is_rate": METRICS[key].is_rate,
                }
                for key in shown
            ],
            tables=_tables(self._frame, audit.min_group_size),
            overall={key: _number(value) for key, value in audit.overall(shown).items()},
            min_group_size=audit.min_group_size,
            **kwargs,
        )
        # Set after the data so the validators below can check against it.
        self.metric = metric
        self.attribute = attribute if attribute is not None else audit.views[0].name

    def by_group(self) -> pd.DataFrame:
        """The tidy table behind the widget: attribute, group, metric, value, interval, n."""
        return self._frame.copy()

    @traitlets.validate("metric")
    def _check_metric(self, proposal: dict[str, Any]) -> str:
        value = str(proposal["value"])
        offered = [option["key"] for option in self.metric_options]
        if value not in offered:
            raise traitlets.TraitError(f"Unknown metric {value!r}; choose one of: {', '.join(offered)}.")
        return value

    @traitlets.validate("attribute")
    def _check_attribute(self, proposal: dict[str, Any]) -> str:
        value = str(proposal["value"])
        if self.tables and value not in self.tables:
            names = ", ".join(repr(name) for name in self.tables)
            raise traitlets.TraitError(f"Unknown sensitive attribute {value!r}; choose one of {names}.")
        return value

    @traitlets.validate("selected_group")
    def _check_group(self, proposal: dict[str, Any]) -> str:
        value = str(proposal["value"])
        groups = [row["group"] for row in self.tables.get(self.attribute, [])]
        if value and value not in groups:
            raise traitlets.TraitError(
                f"{value!r} is not a group of {self.attribute!r}; choose one of {groups} or ''."
            )
        return value

    @traitlets.observe("attribute")
    def _forget_group_of_other_attribute(self, change: dict[str, Any]) -> None:
        groups = [row["group"] for row in self.tables.get(change["new"], [])]
        if self.selected_group not in groups:
            self.selected_group = ""

    def __repr__(self) -> str:
        return (
            f"Dashboard(metric={self.metric!r}, attribute={self.attribute!r}, "
            f"selected_group={self.selected_group!r}, rows={self.audit.cells.n_rows:,})"
        )

    def _repr_mimebundle_(self, **kwargs: Any) -> tuple[dict[str, Any], dict[str, Any]] | None:
        """Add a static chart and table for viewers that run no JavaScript.

        Live front ends pick the widget view; nbconvert, GitHub and PDF exports fall
        back to the ``text/html`` (chart image + table) or ``image/png`` parts.
        """
        png = self._static_png()
        html = png_img_tag(png, self._title()) + self._static_table()
        return with_static(super()._repr_mimebundle_(**kwargs), {"image/png": png, "text/html": html})

    def _title(self) -> str:
        return f"{METRICS[self.metric].label} by {self.attribute}"

    def _static_png(self) -> bytes:
        metric = METRICS[self.metric]
        bars = [
            StaticBar(
                group=row["group"],
                value=row["value"][metric.key],
                low=row["ci_low"][metric.key],
                high=row["ci_high"][metric.key],
                small=row["n"][metric.key] < self.min_group_size,
            )
            for row in self.tables[self.attribute]
        ]
        return bar_chart_png(
            bars, title=self._title(), is_rate=metric.is_rate, reference=self.overall.get(metric.key)
        )

    def _static_table(self) -> str:
        shown = [METRICS[option["key"]] for option in self.metric_options]
        header = ["Group"] + [metric.label for metric in shown]
        rows = []
        for row in self.tables[self.attribute]:
            cells = [row["group"]]
            for metric in shown:
                value = row["value"][metric.key]
                if value is None:
                    cells.append("—")
                elif metric.is_rate:
                    cells.append(f"{value:.1%}")
                else:
                    cells.append(f"{value:,.0f}")
            rows.append(cells)
        return html_table(
            header, rows, caption=f"Metrics by {self.attribute} (95% intervals in the live widget)"
        )
