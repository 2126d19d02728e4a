"""Fill a card from an :class:`~fairness_widgets.Audit`: results, disparities, thresholds, findings.

Everything written here has ``source="computed"``. A refresh drops the previous computed
records and adds new ones, except where a person's record covers the same key; slice
findings keep a person's annotation and status; scalar fields are filled only when empty.
"""

from __future__ import annotations

import hashlib
import json
import math
import platform
from collections.abc import Mapping, Sequence
from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING, Any

from fairness_widgets.card.convert import to_dict
from fairness_widgets.card.schema import (
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


def _merge(existing: list[Any], computed: list[Any], key: Any) -> list[Any]:
    """Keep others' records; add computed ones whose key no person's record holds."""
    kept = [r for r in existing if r.source != COMPUTED]
    taken = {key(r) for r in kept}
    return kept + [r for r in computed if key(r) not in taken]


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
    table = audit.by_group(metrics, confidence=confidence, n_boot=n_boot, seed=seed)
    threshold = _num(getattr(audit.cells, "threshold", None))
    rates = table[table["metric"] != "count"]
    overall = audit.overall(metrics)
    total = int(overall.get("count", table[table["metric"] == "count"]["value"].iloc[0]))

    results = [
        Result(
            metric_id=str(m),
            dataset_id=dataset_id,
            split=split,
            value=_num(v),
            n=total,
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
            ci_method="wilson or count bootstrap" if _num(row.ci_low) is not None else "",
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
                variation=Variation(
                    method="Wilson interval; bootstrap of counts",
                    resamples=n_boot,
                    level=confidence,
                    seed=seed,
                ),
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
        mitigation = Mitigation(
            method=f"{type(thresholds).__module__}.{type(thresholds).__name__}",
            stage="post",
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


def _fill_findings(card: ModelCard, findings: pd.DataFrame) -> None:
    fairness = card.quantitative_analysis.fairness
    before = {f.slice: f for f in fairness.slice_findings}
    computed = []
    for row in findings.itertuples():
        old = before.get(str(row.slice))
        note, status = str(row.note or ""), str(row.status or "open")
        if old is not None and old.annotation and not note:
            note, status = old.annotation, old.status  # a person's note outlives a refresh
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
