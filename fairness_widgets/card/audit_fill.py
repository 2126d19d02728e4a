"""Fill a card from an :class:`~fairness_widgets.Audit`: results, disparities, thresholds, findings.

Everything written here has ``source="computed"``. A refresh drops the previous computed
records and adds new ones, except where a person's record covers the same key. What a
person writes on a computed record (a metric's rationale and decision threshold, a slice
finding's annotation and status, a factor's kind and rationale, a mitigation's rationale)
lives in :data:`HUMAN_FIELDS` and is carried over to the record that replaces it, matched
by the same key. A computed record the new computation no longer produces (a slice that is
no longer flagged) is dropped, unless a person wrote on it: then it stays, with the numbers
of the last computation that produced it. Scalar fields are filled only when empty.

Each interval records the method that produced it (:func:`interval_method`): the Wilson
score interval for rates, a percentile bootstrap of the group counts for derived metrics
(F1, balanced accuracy) and for every disparity; AUC and calibration error get none.
"""

from __future__ import annotations

import hashlib
import json
import math
import platform
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import fields
from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING, Any

from fairness_widgets.card.convert import to_dict
from fairness_widgets.card.schema import (
    SLICE_STATUSES,
    Dataset,
    Disparity,
    EvaluationFactor,
    GroupThreshold,
    Metric,
    Mitigation,
    Result,
    SliceFinding,
    Variation,
)
from fairness_widgets.compute.metrics import METRICS

if TYPE_CHECKING:
    import pandas as pd

    from fairness_widgets.card.model_card import ModelCard

COMPUTED = "computed"
CROSS = " × "
#: Interval methods, as recorded in ``Result.ci_method`` and ``Disparity.ci_method``.
WILSON = "Wilson score interval"
BOOTSTRAP = "percentile bootstrap of group counts"

#: Fields a person writes on records the audit computes: a refresh keeps them.
HUMAN_FIELDS: dict[type[Any], tuple[str, ...]] = {
    Metric: ("higher_is_better", "rationale", "decision_threshold", "decision_threshold_rationale"),
    EvaluationFactor: ("kind", "rationale"),
    Mitigation: ("rationale", "before", "after"),
    SliceFinding: ("annotation", "status"),
}


def interval_method(metric_id: str) -> str:
    """How :meth:`Audit.by_group` bounds ``metric_id``: Wilson, bootstrap, or ``""`` (none)."""
    kind = METRICS[metric_id].kind if metric_id in METRICS else ""
    return {"rate": WILSON, "derived": BOOTSTRAP}.get(kind, "")


def _num(value: Any) -> float | None:
    if value is None:
        return None
    value = float(value)
    return value if math.isfinite(value) else None


def _int(value: Any) -> int | None:
    number = _num(value)
    return None if number is None else int(number)


def _slice(attribute: str, group: str) -> dict[str, str]:
    names, levels = attribute.split(CROSS), str(group).split(CROSS)
    return dict(zip(names, levels, strict=False)) if len(names) == len(levels) else {attribute: str(group)}


def _default(record: Any, name: str) -> Any:
    spec = next(f for f in fields(record) if f.name == name)
    return spec.default_factory() if callable(spec.default_factory) else spec.default


def _carry_human_fields(old: Any, new: Any) -> None:
    """Copy what a person wrote on ``old`` to ``new``, where the computation left it unset."""
    for name in HUMAN_FIELDS.get(type(new), ()):
        if getattr(new, name) == _default(new, name):
            setattr(new, name, getattr(old, name))


def _written_on(record: Any) -> bool:
    """Whether a person wrote any of the record's :data:`HUMAN_FIELDS`."""
    return any(getattr(record, n) != _default(record, n) for n in HUMAN_FIELDS.get(type(record), ()))


def _merge(existing: list[Any], computed: list[Any], key: Callable[[Any], Hashable]) -> list[Any]:
    """Keep others' records; add computed ones whose key no person's record holds.

    A computed record replacing one of the same key keeps its :data:`HUMAN_FIELDS`; one no
    longer computed is dropped unless a person wrote on it.
    """
    kept = [r for r in existing if r.source != COMPUTED]
    taken = {key(r) for r in kept}
    previous = {key(r): r for r in existing if r.source == COMPUTED}
    merged = []
    for record in computed:
        if key(record) in taken:
            continue
        if key(record) in previous:
            _carry_human_fields(previous[key(record)], record)
        merged.append(record)
    produced = {key(r) for r in computed}
    annotated = [r for k, r in previous.items() if k not in produced and k not in taken and _written_on(r)]
    for record in annotated:
        if hasattr(record, "flagged"):  # a slice finding the latest search no longer flags
            record.flagged = False
    return kept + merged + annotated


def fill_from_audit(
    card: ModelCard,
    audit: Any,
    *,
    dataset_id: str = "test",
    split: str = "test",
    metrics: Sequence[str] | None = None,
    reference: Mapping[str, str] | None = None,
    thresholds: Any = None,
    findings: pd.DataFrame | None = None,
    confidence: float = 0.95,
    n_boot: int = 200,
    seed: int = 0,
) -> None:
    """Write what ``audit`` computes into ``card`` (see the module docstring for the rules).

    ``thresholds`` is a :class:`~fairness_widgets.compute.postprocessor.GroupThresholds`
    (or anything with ``to_frame()``) recorded as an applied post-processing mitigation;
    ``findings`` is :meth:`SliceExplorer.findings` output.
    """
    # Group sizes fill the dataset record and the factors, whichever metrics were asked for.
    if metrics is not None and "count" not in metrics:
        metrics = [*metrics, "count"]
    table = audit.by_group(metrics, confidence=confidence, n_boot=n_boot, seed=seed)
    threshold = _num(getattr(audit.cells, "threshold", None))
    rates = table[table["metric"] != "count"]
    overall = audit.overall(metrics)
    total = int(overall.get("count", table[table["metric"] == "count"]["value"].iloc[0]))
    # An overall rate is measured on its denominator (TPR: the positives), not on everyone:
    # the groups of one attribute partition everyone, so their denominators add up to it.
    first = rates[~rates["attribute"].str.contains(CROSS, regex=False)]["attribute"]
    base = rates[rates["attribute"] == first.iloc[0]] if len(first) else rates.iloc[:0]
    overall_n = base.groupby("metric")["n"].sum()

    results = [
        Result(
            metric_id=str(m),
            dataset_id=dataset_id,
            split=split,
            value=_num(v),
            n=_int(overall_n[m]) if m in overall_n.index else total,
            decision_threshold=threshold,
            source=COMPUTED,
        )
        for m, v in overall.items()
        if m != "count"
    ]
    results += [
        Result(
            metric_id=str(row.metric),
            dataset_id=dataset_id,
            split=split,
            slice=_slice(str(row.attribute), str(row.group)),
            value=_num(row.value),
            ci_lower=_num(row.ci_low),
            ci_upper=_num(row.ci_high),
            ci_level=confidence if _num(row.ci_low) is not None else None,
            ci_method=interval_method(str(row.metric)) if _num(row.ci_low) is not None else "",
            n=_int(row.n),
            decision_threshold=threshold,
            source=COMPUTED,
        )
        for row in rates.itertuples()
    ]
    qa = card.quantitative_analysis
    qa.results = _merge(
        qa.results, results, lambda r: (r.metric_id, r.dataset_id, r.split, tuple(sorted(r.slice.items())))
    )

    used = sorted({r.metric_id for r in results})
    card.metrics = _merge(
        card.metrics,
        [
            Metric(
                id=key,
                name=METRICS[key].label,
                definition=METRICS[key].description,
                variation=_variation(key, confidence=confidence, n_boot=n_boot, seed=seed),
                source=COMPUTED,
            )
            for key in used
            if key in METRICS
        ],
        lambda m: m.id,
    )

    gaps = audit.disparities(reference=reference, confidence=confidence, n_boot=n_boot, seed=seed)
    disparities = [
        Disparity(
            metric_id=str(row.measure),
            kind="ratio" if "ratio" in str(row.measure) else "difference",
            reference=str(row.versus),
            attributes=str(row.attribute).split(CROSS),
            value=_num(row.value),
            ci_lower=_num(row.ci_low),
            ci_upper=_num(row.ci_high),
            ci_level=confidence if _num(row.ci_low) is not None else None,
            ci_method=BOOTSTRAP if _num(row.ci_low) is not None else "",
            p_value=_num(row.p_value),
            flag=str(row.flag or ""),
            source=COMPUTED,
        )
        for row in gaps.itertuples()
    ]
    qa.fairness.disparities = _merge(
        qa.fairness.disparities, disparities, lambda d: (d.metric_id, d.reference, tuple(d.attributes))
    )

    counts = table[table["metric"] == "count"]
    single = [v for v in audit.views if CROSS not in v.name]
    factors = [
        EvaluationFactor(
            attribute=view.name,
            groups=[str(g) for g in counts[counts["attribute"] == view.name]["group"]],
            intersect_with=[o.name for o in single if o.name != view.name],
            kind="protected",
            source=COMPUTED,
        )
        for view in single
    ]
    card.factors.evaluation_factors = _merge(card.factors.evaluation_factors, factors, lambda f: f.attribute)

    _fill_dataset(card, dataset_id, split, total=total, views=single, counts=counts)

    if thresholds is not None:
        frame = thresholds.to_frame()
        params = {
            name: value
            for name in ("attribute", "tolerance", "randomised")
            if isinstance(value := getattr(thresholds, name, None), str | int | float | bool)
        }
        mitigation = Mitigation(
            method=f"{type(thresholds).__module__}.{type(thresholds).__name__}",
            stage="post",
            params=params,
            applied=True,
            thresholds=[
                GroupThreshold(
                    attribute=str(r.attribute),
                    group=str(r.group),
                    threshold=_num(r.threshold),
                    weight=_num(r.weight),
                )
                for r in frame.itertuples()
            ],
            source=COMPUTED,
        )
        qa.fairness.mitigations = _merge(qa.fairness.mitigations, [mitigation], lambda m: m.method)

    if findings is not None:
        _fill_findings(card, findings)

    card.versioning.audit_hash = (
        "sha256:"
        + hashlib.sha256(json.dumps(to_dict(results + disparities), sort_keys=True).encode()).hexdigest()
    )
    env = card.versioning.environment
    if not env.python:
        env.python = platform.python_version()
    for package in ("fairness-widgets", "numpy", "pandas"):
        try:
            env.packages.setdefault(package, version(package))
        except PackageNotFoundError:
            continue


def _variation(metric_id: str, *, confidence: float, n_boot: int, seed: int) -> Variation:
    method = interval_method(metric_id)
    if method == BOOTSTRAP:
        return Variation(method=method, resamples=n_boot, level=confidence, seed=seed)
    return Variation(method=method, level=confidence if method else None)


def _fill_dataset(
    card: ModelCard, dataset_id: str, split: str, *, total: int, views: Any, counts: Any
) -> None:
    group_counts = {f"{row.attribute}={row.group}": int(row.value) for row in counts.itertuples()}
    dataset = next((d for d in card.datasets if d.id == dataset_id), None)
    if dataset is None:
        dataset = Dataset(
            id=dataset_id,
            name=dataset_id,
            role=split if split in ("train", "validation", "test") else "evaluation",
            source=COMPUTED,
        )
        card.datasets.append(dataset)
    # Measurements: refreshed on computed records, filled only where empty on a person's.
    computed = dataset.source == COMPUTED
    if computed or dataset.n_rows is None:
        dataset.n_rows = total
    if computed or not dataset.group_counts:
        dataset.group_counts = group_counts
    if computed or not dataset.sensitive_attributes:
        dataset.sensitive_attributes = [v.name for v in views]


#: The slice explorer's statuses (``SliceExplorer.STATUSES``) in the card's words.
EXPLORER_STATUSES = {"accepted risk": "accepted"}


def finding_status(value: Any, slice_: str = "") -> str:
    """A finding's status as the card stores it: one of ``SLICE_STATUSES``."""
    text = str(value or "open").strip().lower()
    status = EXPLORER_STATUSES.get(text, text)
    if status not in SLICE_STATUSES:
        raise ValueError(
            f"findings: the status of slice {slice_!r} is {value!r}; it must be one of "
            f"{', '.join(SLICE_STATUSES)} (or the slice explorer's 'accepted risk')."
        )
    return status


def _fill_findings(card: ModelCard, findings: pd.DataFrame) -> None:
    fairness = card.quantitative_analysis.fairness
    before = {f.slice: f for f in fairness.slice_findings}
    computed = []
    for row in findings.itertuples():
        old = before.get(str(row.slice))
        note, status = str(row.note or ""), finding_status(row.status, str(row.slice))
        # What a person wrote on the card (in the editor) outlives a refresh from an explorer
        # that has nothing to say about it: an empty note, the default status.
        if old is not None and not note:
            note = old.annotation
        if old is not None and status == "open":
            status = old.status
        computed.append(
            SliceFinding(
                slice=str(row.slice),
                metric_id=str(row.metric),
                value=_num(row.value),
                gap=_num(row.effect),
                q_value=_num(row.q_value),
                n=_int(row.size),
                annotation=note,
                status=status,
                source=COMPUTED,
            )
        )
    fairness.slice_findings = _merge(fairness.slice_findings, computed, lambda f: f.slice)
