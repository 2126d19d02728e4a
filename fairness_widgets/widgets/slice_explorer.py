"""SliceExplorer: the slices where a model does worst, a heat map of two-feature crosses,
drill-down to every metric of a slice, and annotations of findings."""

from __future__ import annotations

import math
from typing import Any

import anywidget
import pandas as pd
import traitlets

from fairness_widgets.compute.audit import Audit
from fairness_widgets.compute.metrics import METRICS, Counts
from fairness_widgets.compute.slice_features import AND
from fairness_widgets.compute.slices import Slices
from fairness_widgets.widgets._static import bundle, with_static
from fairness_widgets.widgets.slice_fallback import slices_html, slices_png

#: Annotation statuses, in the order offered.
STATUSES = ("open", "accepted risk", "mitigated")
#: Slices sent to the browser at most (the best ranked; the rest stay in Python).
MAX_SLICES = 2_000
#: Rate metrics a slice search can rank by.
SLICE_METRICS = (
    "accuracy",
    "selection_rate",
    "true_positive_rate",
    "false_positive_rate",
    "false_negative_rate",
    "precision",
    "base_rate",
)


def _number(value: Any) -> float | None:
    if value is None or pd.isna(value):
        return None
    number = float(value)
    return number if math.isfinite(number) else None


class SliceExplorer(anywidget.AnyWidget):
    """Find the slices (crosses of feature values) where the metric is worst, honestly.

    A ranked list of slices with effect, interval, size and false-discovery-rate
    adjusted significance; filters by order, size, significance and text (in the
    browser); a heat map of any two counted features; a click drills down to every
    metric of the slice against the rest; and each finding can be annotated with a
    status and a note, readable in Python (:meth:`findings`) for the model card.

    Parameters
    ----------
    audit : Audit
        The audit (its labels and predictions are what is sliced).
    features : list of str or table, optional
        As for :meth:`Audit.slices`: columns besides the sensitive ones.
    metric : str, default "accuracy"
        The rate to rank slices by; the browser can change it.
    **search
        Passed on to :meth:`Audit.slices` (max_order, min_support, fdr, n_bins, ...).

    Examples
    --------
    >>> import fairness_widgets as fw
    >>> df = fw.datasets.load_adult("test").assign(pred=lambda d: d["education_num"] >= 13)
    >>> audit = fw.Audit.from_frame(df, y_true="label", y_pred="pred", sensitive=["sex", "race"])
    >>> explorer = fw.SliceExplorer(audit, ["age", "marital_status"], max_order=2)
    >>> explorer.selected = explorer.slices[0]["id"]  # as a click in the list does
    >>> explorer.drilldown["rows"][0]["metric"]
    'selection_rate'
    >>> explorer.annotate(explorer.selected, "accepted risk", "known; see the data sheet")
    >>> explorer.findings()[["status", "note"]].iloc[0].tolist()
    ['accepted risk', 'known; see the data sheet']
    """

    _esm = bundle("slices", "js")
    _css = bundle("slices", "css")

    metric = traitlets.Unicode(
        "accuracy", help="The metric slices are ranked by; the browser writes it."
    ).tag(sync=True)
    metric_options = traitlets.List(traitlets.Dict()).tag(sync=True)
    fdr = traitlets.Float(0.05).tag(sync=True)
    max_order = traitlets.Int(3).tag(sync=True)
    slices = traitlets.List(traitlets.Dict(), help="Ranked slices, worst first.").tag(sync=True)
    filters = traitlets.Dict(
        {"order": None, "min_size": 0, "significant_only": True, "search": ""},
        help="The list's filters; the browser writes them.",
    ).tag(sync=True)
    heatmap_features = traitlets.List(traitlets.Unicode()).tag(sync=True)
    heat_rows = traitlets.Unicode("", help="Heat map row feature; the browser writes it.").tag(sync=True)
    heat_cols = traitlets.Unicode("", help="Heat map column feature; the browser writes it.").tag(sync=True)
    heatmap = traitlets.Dict().tag(sync=True)
    selected = traitlets.Unicode("", help="The slice drilled into ('' for none); the browser writes it.").tag(
        sync=True
    )
    drilldown = traitlets.Dict().tag(sync=True)
    annotations = traitlets.Dict(help="Slice -> {status, note}; the browser writes it.").tag(sync=True)

    #: A search for a newly proposed metric, computed before the metric is accepted.
    _pending: Slices | None = None

    def __init__(
        self, audit: Audit, features: Any = None, *, metric: str = "accuracy", **search: Any
    ) -> None:
        if not isinstance(audit, Audit):
            raise TypeError(
                f"SliceExplorer needs an Audit (got {type(audit).__name__}); e.g. "
                "fw.SliceExplorer(fw.Audit.from_frame(df, y_true='label', y_pred='pred', sensitive=['sex']), "
                "features=['age', 'education'])."
            )
        self.audit = audit
        self._features = features
        self._search = search
        self._result = audit.slices(features, metric=metric, **search)
        super().__init__(
            metric=metric,
            metric_options=[{"key": key, "label": METRICS[key].label} for key in SLICE_METRICS],
            fdr=self._result.fdr,
            max_order=self._result.max_order,
        )
        self._publish()

    # ----------------------------------------------------------------- Python API

    @property
    def result(self) -> Slices:
        """The slice search shown (``.table``, ``.significant``, ``.drill_down``, ``.cross``)."""
        return self._result

    def visible(self) -> pd.DataFrame:
        """The slices the list shows with the browser's current filters."""
        table = self._result.table
        rule: dict[str, Any] = dict(self.filters)
        keep = table["size"] >= int(rule.get("min_size") or 0)
        if rule.get("order"):
            keep &= table["order"] == int(rule["order"])
        if rule.get("significant_only", True):
            keep &= table["significant"]
        if rule.get("search"):
            keep &= table["slice"].str.contains(str(rule["search"]), case=False, regex=False)
        return table[keep].reset_index(drop=True)

    def findings(self) -> pd.DataFrame:
        """The annotated slices with their statistics: what goes into a model card."""
        rows = []
        table = self._result.table.set_index("slice")
        for name, annotation in self.annotations.items():
            row = table.loc[name] if name in table.index else None
            rows.append(
                {
                    "slice": name,
                    "status": annotation["status"],
                    "note": annotation["note"],
                    "metric": self._result.metric,
                    "value": None if row is None else row["value"],
                    "rest_value": None if row is None else row["rest_value"],
                    "effect": None if row is None else row["effect"],
                    "q_value": None if row is None else row["q_value"],
                    "size": None if row is None else row["size"],
                }
            )
        return pd.DataFrame(
            rows,
            columns=["slice", "status", "note", "metric", "value", "rest_value", "effect", "q_value", "size"],
        )

    def annotate(self, slice_: str, status: str = "open", note: str = "") -> None:
        """Record a finding, as the browser's status and note fields do."""
        self.annotations = {**self.annotations, slice_: {"status": status, "note": note}}

    # ----------------------------------------------------------------- state

    def _publish(self) -> None:
        result = self._result
        predicates = {
            predicate: (feature.name, feature.labels[level])
            for feature in result.features
            for level, predicate in enumerate(feature.predicates)
        }
        rows = result.table.head(MAX_SLICES)
        crosses = result.crosses
        names = sorted(
            {name for pair in crosses for name in pair}, key=[f.name for f in result.features].index
        )
        with self.hold_sync():
            self.fdr = result.fdr
            self.max_order = result.max_order
            self.slices = [
                {
                    "id": str(row["slice"]),
                    "text": str(row["slice"]),
                    "predicates": [
                        {"feature": predicates[part][0], "value": predicates[part][1]}
                        for part in _parts(str(row["slice"]))
                        if part in predicates
                    ],
                    "order": int(row["order"]),
                    "size": int(row["size"]),
                    "value": _number(row["value"]),
                    "rest_value": _number(row["rest_value"]),
                    "effect": _number(row["effect"]),
                    "ci_low": _number(row["ci_low"]),
                    "ci_high": _number(row["ci_high"]),
                    "p_value": _number(row["p_value"]),
                    "q_value": _number(row["q_value"]),
                    "significant": bool(row["significant"]),
                }
                for row in rows.to_dict("records")
            ]
            self.heatmap_features = names
            if crosses and (self.heat_rows, self.heat_cols) not in crosses + [(b, a) for a, b in crosses]:
                self.heat_rows, self.heat_cols = crosses[0]
            self._send_heatmap()
            if self.selected and self.selected not in set(result.table["slice"]):
                self.selected = ""
            self._send_drilldown()

    def _send_heatmap(self) -> None:
        if not self.heat_rows or not self.heat_cols or self.heat_rows == self.heat_cols:
            self.heatmap = {}
            return
        try:
            cross = self._result.cross(self.heat_rows, self.heat_cols)
        except ValueError as error:
            self.heatmap = {
                "row_feature": self.heat_rows,
                "col_feature": self.heat_cols,
                "message": str(error),
            }
            return
        features = {feature.name: feature for feature in self._result.features}
        rows = [label for label in features[self.heat_rows].labels if label in set(cross[self.heat_rows])]
        cols = [label for label in features[self.heat_cols].labels if label in set(cross[self.heat_cols])]
        where = {
            (r, c): i
            for i, (r, c) in enumerate(zip(cross[self.heat_rows], cross[self.heat_cols], strict=True))
        }
        value, size = cross["value"].to_numpy(dtype=float), cross["size"].to_numpy(dtype=int)
        values = [[_number(value[where[r, c]]) if (r, c) in where else None for c in cols] for r in rows]
        sizes = [[int(size[where[r, c]]) if (r, c) in where else 0 for c in cols] for r in rows]
        overall = Counts.from_matrix(self._result.overall[None, :])
        self.heatmap = {
            "row_feature": self.heat_rows,
            "col_feature": self.heat_cols,
            "rows": rows,
            "cols": cols,
            "values": values,
            "sizes": sizes,
            "rest_value": _number(METRICS[self._result.metric].values(overall)[0]),
        }

    def _send_drilldown(self) -> None:
        if not self.selected:
            self.drilldown = {}
            return
        table = self._result.drill_down(self.selected)
        self.drilldown = {
            "id": self.selected,
            "text": self.selected,
            "rows": [
                {
                    "metric": str(row["metric"]),
                    "label": str(row["label"]),
                    "slice": _number(row["value"]),
                    "rest": _number(row["rest_value"]),
                    "difference": _number(row["difference"]),
                    "ci_low": _number(row["difference_ci_low"]),
                    "ci_high": _number(row["difference_ci_high"]),
                    "slice_n": int(row["n"]),
                    "rest_n": int(row["rest_n"]),
                }
                for row in table.to_dict("records")
            ],
        }

    @traitlets.validate("metric")
    def _check_metric(self, proposal: dict[str, Any]) -> str:
        value = str(proposal["value"])
        if value not in SLICE_METRICS:
            raise traitlets.TraitError(f"Unknown metric {value!r}; choose one of {', '.join(SLICE_METRICS)}.")
        if getattr(self, "_result", None) is not None and value != self._result.metric:
            try:
                self._pending = self.audit.slices(self._features, metric=value, **self._search)
            except ValueError as error:
                raise traitlets.TraitError(f"Cannot rank slices by {value}: {error}") from error
        return value

    @traitlets.observe("metric")
    def _recompute(self, change: dict[str, Any]) -> None:
        pending = getattr(self, "_pending", None)
        if pending is None:
            return
        self._result, self._pending = pending, None
        self._publish()

    @traitlets.observe("heat_rows", "heat_cols")
    def _heat(self, change: dict[str, Any]) -> None:
        if getattr(self, "_result", None) is not None:
            self._send_heatmap()

    @traitlets.validate("selected")
    def _check_selected(self, proposal: dict[str, Any]) -> str:
        value = str(proposal["value"])
        if value and getattr(self, "_result", None) is not None:
            try:
                self._result.counts_of(value)
            except ValueError as error:
                raise traitlets.TraitError(str(error)) from error
        return value

    @traitlets.observe("selected")
    def _drill(self, change: dict[str, Any]) -> None:
        if getattr(self, "_result", None) is not None:
            self._send_drilldown()

    @traitlets.validate("annotations")
    def _check_annotations(self, proposal: dict[str, Any]) -> dict[str, dict[str, str]]:
        checked = {}
        for name, annotation in dict(proposal["value"]).items():
            status = str(annotation.get("status", "open"))
            if status not in STATUSES:
                raise traitlets.TraitError(
                    f"Annotation of {name!r}: status must be one of {', '.join(STATUSES)}, got {status!r}."
                )
            checked[str(name)] = {"status": status, "note": str(annotation.get("note", ""))}
        return checked

    # ----------------------------------------------------------------- static export

    def _repr_mimebundle_(self, **kwargs: Any) -> tuple[dict[str, Any], dict[str, Any]] | None:
        """The live widget, plus a PNG of the worst slices and an HTML table for exports."""
        top = self._result.significant.head(15)
        png = slices_png(top, self._result.metric)
        html = slices_html(png, top, self._result, self.findings())
        return with_static(super()._repr_mimebundle_(**kwargs), {"image/png": png, "text/html": html})


def _parts(text: str) -> list[str]:
    return [part.strip() for part in text.split(AND.strip())]
