"""Model Card Toolkit (MCT) JSON, schema v0.0.2: export and import.

MCT's root forbids unknown keys, so what it cannot hold goes to a sidecar dict, saved as
``<name>.fw.json`` beside the MCT file (:func:`save_mct`): criteria, mitigations, slice
findings, sign-offs, versioning, operation, governance, training, and each result's
dataset, split, ``n`` and interval level. Without the sidecar the MCT export is lossy for
exactly those fields. Mappings: summary -> ``overview``, description -> ``documentation``,
datasets -> ``model_parameters.data`` (our dataset record folded into ``description`` in a
fenced ``fw-dataset`` block), results -> ``performance_metrics``, out-of-scope uses and
misuse -> ``limitations`` with ``[out-of-scope]`` / ``[misuse]`` prefixes.

A performance metric holds only what MCT's v0.0.2 schema and its ``PerformanceMetric``
define: ``type``, ``value``, ``slice`` and ``confidence_interval`` (``lower_bound``,
``upper_bound``), every one a string. The slice is ``"sex=F;race=B"`` (left out for the
overall value: MCT reads a metric without a slice as unsliced); a decision threshold, which
MCT has no field for, is written into the type as ``"recall@0.5"`` and read back from it.
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fairness_widgets.card.convert import CardFormatError, from_dict, to_dict
from fairness_widgets.card.files import read_json, write_atomic
from fairness_widgets.card.schema import (
    SCHEMA_VERSION,
    Citation,
    Dataset,
    Graphic,
    License,
    Owner,
    Result,
    Risk,
)

if TYPE_CHECKING:
    from fairness_widgets.card.model_card import ModelCard

MCT_VERSION = "0.0.2"
FENCE = "```fw-dataset"
#: Fields MCT holds in full: left out of the sidecar, read back from MCT.
HELD = (
    "model_details.name",
    "model_details.summary",
    "model_details.description",
    "model_details.version",
    "model_details.references",
    "model_details.citations",
    "model_details.architecture",
    "operation.input_spec",
    "operation.output_interpretation",
    "intended_use.primary_users",
    "intended_use.primary_uses",
    "intended_use.out_of_scope_uses",
    "intended_use.foreseeable_misuse",
    "considerations.limitations",
    "considerations.tradeoffs",
    "considerations.ethical_risks",
    "datasets",
    "quantitative_analysis.results",
)
PREFIXES = {"[out-of-scope] ": "out_of_scope_uses", "[misuse] ": "foreseeable_misuse"}
RESULT_EXTRAS = ("dataset_id", "split", "n", "ci_level", "ci_method", "source")


def _num_text(value: float | None) -> str:
    return "" if value is None else repr(float(value))


def _text_num(value: Any, where: str) -> float | None:
    if value in (None, ""):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise CardFormatError(f"{where}: {value!r} is not a number.") from None
    return number if math.isfinite(number) else None


def _descriptions(items: list[str]) -> list[dict[str, str]]:
    return [{"description": item} for item in items]


def _folded(description: str, record: dict[str, Any]) -> str:
    return f"{description}\n\n{FENCE}\n{json.dumps(record, sort_keys=True)}\n```".strip()


def to_mct(card: ModelCard) -> tuple[dict[str, Any], dict[str, Any]]:
    d, use, cons = card.model_details, card.intended_use, card.considerations
    details: dict[str, Any] = {
        "name": d.name,
        "overview": d.summary,
        "documentation": d.description,
        "owners": [{"name": o.name, "contact": o.contact} for o in d.owners],
        "version": to_dict(d.version),
        "licenses": [
            {"identifier": x.spdx_id} if x.spdx_id else {"custom_text": x.custom_text} for x in d.licenses
        ],
        "references": [{"reference": r} for r in d.references],
        "citations": [{"style": c.style, "citation": c.text} for c in d.citations],
    }
    if d.artifact.uri:
        details["path"] = d.artifact.uri
    data = []
    for x in card.datasets:  # the description ends in our record, as a fenced JSON block
        record = {k: v for k, v in to_dict(x).items() if k not in ("name", "uri", "description")}
        dataset: dict[str, Any] = {"name": x.name}
        if x.uri:  # MCT's link is a URI: an empty one is left out, not written as ""
            dataset["link"] = x.uri
        data.append(
            dataset
            | {
                "sensitive": {"sensitive_data": x.sensitive_attributes},
                "description": _folded(x.description, record),
            }
        )
    metrics = [_performance_metric(r) for r in card.quantitative_analysis.results]
    graphics = [{"name": g.name, "image": g.data_base64} for g in card.quantitative_analysis.graphics]
    mct = {
        "schema_version": MCT_VERSION,
        "model_details": details,
        "model_parameters": {
            "model_architecture": d.architecture,
            "data": data,
            "input_format": card.operation.input_spec,
            "output_format": card.operation.output_interpretation,
        },
        "quantitative_analysis": {"performance_metrics": metrics, "graphics": {"collection": graphics}},
        "considerations": {
            "users": _descriptions(use.primary_users),
            "use_cases": _descriptions(use.primary_uses),
            "limitations": _descriptions(
                cons.limitations
                + [f"[out-of-scope] {u}" for u in use.out_of_scope_uses]
                + [f"[misuse] {u}" for u in use.foreseeable_misuse]
            ),
            "tradeoffs": _descriptions(cons.tradeoffs),
            "ethical_considerations": [to_dict(r) for r in cons.ethical_risks],
        },
    }
    sidecar = card.to_dict()
    for path in HELD:
        *parents, last = path.split(".")
        node = sidecar
        for part in parents:
            node = node[part]
        node.pop(last)
    sidecar["result_extras"] = [
        {k: getattr(r, k) for k in RESULT_EXTRAS} for r in card.quantitative_analysis.results
    ]
    return mct, sidecar


def _performance_metric(r: Result) -> dict[str, Any]:
    kind = r.metric_id if r.decision_threshold is None else f"{r.metric_id}@{_num_text(r.decision_threshold)}"
    metric: dict[str, Any] = {"type": kind, "value": _num_text(r.value)}
    if r.slice:
        metric["slice"] = ";".join(f"{k}={v}" for k, v in r.slice.items())
    if r.ci_lower is not None or r.ci_upper is not None:
        metric["confidence_interval"] = {
            "lower_bound": _num_text(r.ci_lower),
            "upper_bound": _num_text(r.ci_upper),
        }
    return metric


def _metric_type(kind: str, where: str) -> tuple[str, float | None]:
    """``"recall@0.5"`` -> ("recall", 0.5); a type without a numeric ``@`` suffix is kept whole."""
    name, at, threshold = kind.rpartition("@")
    if not at:
        return kind, None
    try:
        return name, _text_num(threshold, where)
    except CardFormatError:
        return kind, None


def sidecar_path(path: Path) -> Path:
    """Where the fields MCT cannot hold go: ``card.mct.json`` -> ``card.mct.fw.json``."""
    return path.with_name(f"{path.stem}.fw.json")


def save_mct(card: ModelCard, path: str | Path) -> tuple[Path, Path]:
    """Write ``path`` (MCT JSON) and its sidecar ``<stem>.fw.json``, both atomically."""
    path = Path(path)
    mct, sidecar = to_mct(card)
    side = sidecar_path(path)
    write_atomic(side, json.dumps(sidecar, indent=2, ensure_ascii=False) + "\n")
    return write_atomic(path, json.dumps(mct, indent=2, ensure_ascii=False) + "\n"), side


def load_mct(cls: type[ModelCard], path: str | Path) -> ModelCard:
    """Read MCT JSON, with its sidecar ``<stem>.fw.json`` when there is one beside it."""
    path = Path(path)
    data = read_json(path, "Model Card Toolkit JSON file")
    side = sidecar_path(path)
    sidecar = read_json(side, "sidecar") if side.exists() else None
    try:
        return from_mct(cls, data, sidecar)
    except CardFormatError as error:
        raise CardFormatError(f"{path}: {error}") from None


def _obj(value: Any, where: str) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise CardFormatError(f"MCT {where} must be an object, got {type(value).__name__}.")
    return value


def _items(value: Any, where: str) -> list[dict[str, Any]]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise CardFormatError(f"MCT {where} must be a list of objects.")
    return value


def from_mct(cls: type[ModelCard], data: dict[str, Any], sidecar: dict[str, Any] | None = None) -> ModelCard:
    data = _obj(data, "root")
    extras: list[dict[str, Any]] = []
    if sidecar is not None:
        sidecar = dict(_obj(sidecar, "sidecar"))
        extras = _items(sidecar.pop("result_extras", []), "sidecar.result_extras")
        sidecar.setdefault("schema_version", SCHEMA_VERSION)
        card = cls.from_dict(sidecar)
    else:
        card = cls()
    d = card.model_details
    details = _obj(data.get("model_details"), "model_details")
    d.name, d.summary = str(details.get("name", "")), str(details.get("overview", ""))
    d.description = str(details.get("documentation", ""))
    if details.get("version"):
        d.version = from_dict(type(d.version), details["version"], "model_details.version")
    d.references = [str(r.get("reference", "")) for r in _items(details.get("references"), "references")]
    d.citations = [
        Citation(style=str(c.get("style", "")), text=str(c.get("citation", "")))
        for c in _items(details.get("citations"), "citations")
    ]
    if sidecar is None:  # the sidecar holds these in full (roles, links); MCT only in part
        d.owners = [
            Owner(name=str(o.get("name", "")), contact=str(o.get("contact", "")))
            for o in _items(details.get("owners"), "owners")
        ]
        d.licenses = [
            License(spdx_id=str(x.get("identifier", "")), custom_text=str(x.get("custom_text", "")))
            for x in _items(details.get("licenses"), "licenses")
        ]
        d.artifact.uri = str(details.get("path", ""))
    params = _obj(data.get("model_parameters"), "model_parameters")
    d.architecture = str(params.get("model_architecture", ""))
    card.operation.input_spec = str(params.get("input_format", ""))
    card.operation.output_interpretation = str(params.get("output_format", ""))
    card.datasets = [
        _dataset(x, i) for i, x in enumerate(_items(params.get("data"), "model_parameters.data"))
    ]

    qa = _obj(data.get("quantitative_analysis"), "quantitative_analysis")
    metrics = _items(qa.get("performance_metrics"), "performance_metrics")
    use_extras = len(extras) == len(metrics)
    results = []
    for i, m in enumerate(metrics):
        where = f"performance_metrics[{i}]"
        ci = _obj(m.get("confidence_interval"), f"{where}.confidence_interval")
        raw = str(m.get("slice") or "")
        parts = [part.split("=", 1) for part in raw.split(";") if part]
        # A toolkit slice name ("sex_Female") is kept whole rather than guessed apart.
        slice_ = dict(parts) if all(len(p) == 2 for p in parts) else {"slice": raw}
        metric_id, threshold = _metric_type(str(m.get("type", "")), where)
        if threshold is None:  # files written before the threshold moved into the type
            threshold = _text_num(m.get("threshold"), where)
        row = {
            "metric_id": metric_id,
            "slice": slice_,
            "value": _text_num(m.get("value"), where),
            "ci_lower": _text_num(ci.get("lower_bound"), where),
            "ci_upper": _text_num(ci.get("upper_bound"), where),
            "decision_threshold": threshold,
            "source": "imported",
        } | (extras[i] if use_extras else {})
        results.append(from_dict(Result, row, where))
    card.quantitative_analysis.results = results
    if sidecar is None:
        graphics = _obj(qa.get("graphics"), "graphics")
        card.quantitative_analysis.graphics = [
            Graphic(name=str(g.get("name", "")), data_base64=str(g.get("image", "")))
            for g in _items(graphics.get("collection"), "graphics.collection")
        ]

    _read_considerations(card, _obj(data.get("considerations"), "considerations"))
    return card


def _read_considerations(card: ModelCard, considerations: dict[str, Any]) -> None:
    use, cons = card.intended_use, card.considerations

    def texts(key: str) -> list[str]:
        return [
            str(x.get("description", "")) for x in _items(considerations.get(key), f"considerations.{key}")
        ]

    use.primary_users, use.primary_uses, cons.tradeoffs = (
        texts("users"),
        texts("use_cases"),
        texts("tradeoffs"),
    )
    use.out_of_scope_uses, use.foreseeable_misuse, cons.limitations = [], [], []
    for text in texts("limitations"):
        prefix = next((p for p in PREFIXES if text.startswith(p)), None)
        if prefix:
            getattr(use, PREFIXES[prefix]).append(text[len(prefix) :])
        else:
            cons.limitations.append(text)
    cons.ethical_risks = [
        Risk(name=str(r.get("name", "")), mitigation_strategy=str(r.get("mitigation_strategy", "")))
        for r in _items(considerations.get("ethical_considerations"), "ethical_considerations")
    ]


def _dataset(x: dict[str, Any], i: int) -> Dataset:
    description = str(x.get("description", ""))
    record: dict[str, Any] = {"source": "imported"}
    match = re.search(re.escape(FENCE) + r"\n(.*?)\n```", description, re.DOTALL)
    if match:
        try:
            record = json.loads(match.group(1))
        except json.JSONDecodeError as error:
            raise CardFormatError(
                f"model_parameters.data[{i}]: the fw-dataset block is not JSON ({error})."
            ) from None
        description = description[: match.start()].rstrip()
    sensitive = _obj(x.get("sensitive"), f"data[{i}].sensitive").get("sensitive_data")
    record |= {"name": str(x.get("name", "")), "uri": str(x.get("link", "")), "description": description}
    if sensitive is not None and not match:
        record["sensitive_attributes"] = sensitive
    record.setdefault("id", record["name"])
    return from_dict(Dataset, record, f"model_parameters.data[{i}]")
