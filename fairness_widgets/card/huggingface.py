"""Hugging Face model card README.md: export and import.

Layout of what we write:

- YAML front matter: the Hub's keys (``license``, ``language``, ``library_name``,
  ``pipeline_tag``, ``tags``, ``base_model``, ``datasets``, ``metrics``, ``model-index``
  with one result block per dataset and split; a group result is a metric named
  ``"recall (sex=F)"`` whose ``args`` hold ``slice``, ``ci_lower``, ``ci_upper``,
  ``ci_level``, ``n``), then ``fairness_widgets:``, the namespaced key holding every card
  field that neither the Hub keys nor the body hold (criteria, mitigations, sign-offs,
  versioning, governance, operation, datasheets...). Nothing is dropped.
- Markdown body: the Hub template's headings, each holding its text field, then
  "Fairness evaluation", "Human oversight" and "Sign-offs" (regenerated, read-only).

On import, the body and the Hub keys win over the namespaced copy (someone may have edited
the README on the Hub); ``[More Information Needed]`` counts as empty; unknown YAML keys go
to ``extensions["huggingface"]`` and unknown sections to ``extensions["huggingface_sections"]``,
and both are written back on export.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from fairness_widgets.card.convert import CardFormatError, from_dict, to_dict
from fairness_widgets.card.files import previous_path, read_text, write_atomic
from fairness_widgets.card.render import fairness_blocks, render_markdown
from fairness_widgets.card.schema import SCHEMA_VERSION, Dataset, License, Result

if TYPE_CHECKING:
    from fairness_widgets.card.model_card import ModelCard

NAMESPACE = "fairness_widgets"
PLACEHOLDER = "[More Information Needed]"

#: Body sections: heading (lowercase, as in the Hub template), card field, text or list.
SECTIONS: list[tuple[int, str, str, str]] = [
    (3, "Model Description", "model_details.description", "text"),
    (3, "Direct Use", "intended_use.primary_uses", "list"),
    (3, "Out-of-Scope Use", "intended_use.out_of_scope_uses", "list"),
    (2, "Bias, Risks, and Limitations", "considerations.limitations", "list"),
    (3, "Recommendations", "considerations.recommendations", "list"),
    (2, "How to Get Started with the Model", "model_details.instructions_for_use", "text"),
    (3, "Training Procedure", "training.procedure", "text"),
    (4, "Factors", "factors.relevant_factors", "list"),
    (3, "Model Architecture and Objective", "model_details.architecture", "text"),
    (2, "Model Card Contact", "model_details.provider.contact", "text"),
]
#: Parents the template nests those sections under (written so the layout matches the template).
PARENTS = {
    "Direct Use": "Uses",
    "Training Procedure": "Training Details",
    "Factors": "Evaluation",
    "Model Architecture and Objective": "Technical Specifications",
    "Model Description": "Model Details",
}
#: Our regenerated sections: read from the YAML, never from their Markdown.
GENERATED = ("fairness evaluation", "human oversight", "sign-offs")
#: Bullet keys of the template's "Model Description" section.
TEMPLATE_BULLETS = {
    "developed by": "model_details.provider.name",
    "model type": "model_details.model_type",
    "language(s) (nlp)": "model_details.language",
    "license": "model_details.licenses",
    "finetuned from model": "model_details.base_model",
}
HUB_KEYS = (
    "license",
    "license_name",
    "license_link",
    "language",
    "library_name",
    "pipeline_tag",
    "tags",
    "base_model",
    "datasets",
    "metrics",
    "model-index",
    NAMESPACE,
)


def _get(obj: Any, path: str) -> Any:
    for part in path.split("."):
        obj = getattr(obj, part)
    return obj


def _set(obj: Any, path: str, value: Any) -> None:
    *parents, last = path.split(".")
    for part in parents:
        obj = getattr(obj, part)
    setattr(obj, last, value)


def _clear(data: dict[str, Any], path: str) -> None:
    *parents, last = path.split(".")
    for part in parents:
        data = data[part]
    data.pop(last, None)


# ------------------------------------------------------------------ export


def _slice_label(slice_: dict[str, str]) -> str:
    return ", ".join(f"{k}={v}" for k, v in slice_.items())


def _model_index(card: ModelCard) -> list[dict[str, Any]]:
    blocks: dict[tuple[str, str], list[Result]] = {}
    for result in card.quantitative_analysis.results:
        blocks.setdefault((result.dataset_id, result.split), []).append(result)
    datasets = {d.id: d for d in card.datasets}
    entries = []
    for (dataset_id, split), results in blocks.items():
        known = datasets.get(dataset_id)
        dataset: dict[str, Any] = {
            "name": dataset_id,
            "type": (known.hf_hub_id if known else "") or dataset_id,
        }
        if split:
            dataset["split"] = split
        if known and known.sha256:
            dataset["revision"] = known.sha256
        metrics = []
        for r in results:
            args = {
                k: v
                for k, v in to_dict(r).items()
                if k not in ("metric_id", "dataset_id", "split", "value") and v not in (None, "", {})
            }
            metric: dict[str, Any] = {
                "type": r.metric_id,
                "value": r.value,
                "name": f"{r.metric_id} ({_slice_label(r.slice)})" if r.slice else r.metric_id,
            }
            if args:
                metric["args"] = args
            metrics.append(metric)
        task = (
            {"type": card.model_details.task}
            if card.model_details.task
            else {"type": "tabular-classification"}
        )
        entries.append({"task": task, "dataset": dataset, "metrics": metrics})
    return [{"name": card.model_details.name or "model", "results": entries}] if entries else []


def _bullets(items: list[str]) -> str:
    return "\n".join("- " + item.replace("\n", "\n  ") for item in items)


def to_huggingface(card: ModelCard) -> str:  # noqa: PLR0912 (one branch per optional Hub key)
    d = card.model_details
    meta: dict[str, Any] = {}
    if d.licenses:
        first = d.licenses[0]
        if first.spdx_id:
            meta["license"] = first.spdx_id.lower()
        else:
            meta |= {"license": "other", "license_name": "custom", "license_link": first.link}
    for key, value in (
        ("language", d.language),
        ("library_name", d.library_name),
        ("pipeline_tag", d.task),
        ("tags", d.tags),
        ("base_model", d.base_model),
    ):
        if value:
            meta[key] = value
    hub_ids = [x.hf_hub_id for x in card.datasets if x.hf_hub_id]
    if hub_ids:
        meta["datasets"] = hub_ids
    if card.metrics:
        meta["metrics"] = [m.id for m in card.metrics]
    index = _model_index(card)
    if index:
        meta["model-index"] = index
    for key, value in card.extensions.get("huggingface", {}).items():
        meta.setdefault(key, value)

    rest = card.to_dict()
    for path in (
        "model_details.language",
        "model_details.library_name",
        "model_details.task",
        "model_details.tags",
        "model_details.base_model",
        "model_details.name",
        "model_details.summary",
        "quantitative_analysis.results",
        *(s[2] for s in SECTIONS),
    ):
        _clear(rest, path)
    rest["extensions"] = {
        k: v for k, v in rest["extensions"].items() if k not in ("huggingface", "huggingface_sections")
    }
    meta[NAMESPACE] = rest

    front = yaml.safe_dump(meta, sort_keys=False, allow_unicode=True, width=100)
    lines = [f"# Model Card for {d.name or 'model'}", "", d.summary or "", ""]
    written: set[str] = set()
    for level, heading, path, kind in SECTIONS:
        parent = PARENTS.get(heading)
        if parent and parent not in written:
            lines += [f"## {parent}", ""]
            written.add(parent)
        value = _get(card, path)
        text = (_bullets(value) if kind == "list" else value) or PLACEHOLDER
        lines += [f"{'#' * level} {heading}", "", text, ""]
    for heading, text in card.extensions.get("huggingface_sections", {}).items():
        lines += [f"## {heading}", "", text, ""]
    lines += [
        "## Fairness evaluation",
        "",
        "<!-- Generated from the YAML metadata; edit the card, not this. -->",
        "",
        render_markdown(fairness_blocks(card)),
    ]
    lines += [
        "## Human oversight",
        "",
        _bullets([o.measure for o in card.operation.human_oversight]) or PLACEHOLDER,
        "",
        "## Sign-offs",
        "",
    ]
    lines += [
        f"- {s.role}: {s.name}, {s.decision} on {s.signed_at} "
        f"({'valid' if card.is_valid(s) else 'NOT VALID: card edited since'})"
        for s in card.signoffs
    ]
    return f"---\n{front}---\n\n" + "\n".join(lines).rstrip() + "\n"


# ------------------------------------------------------------------ import


def split_front_matter(text: str) -> tuple[dict[str, Any], str]:
    """YAML metadata (safe loader only) and the Markdown body of a README."""
    text = text.lstrip("\ufeff")
    match = re.match(r"^---[ \t]*\r?\n(.*?)\r?\n---[ \t]*(?:\r?\n|$)", text, re.DOTALL)
    if not match and re.match(r"^---[ \t]*\r?\n", text):
        # Opened and never closed: a truncated file, not a README without metadata.
        raise CardFormatError(
            "The README's YAML front matter starts with '---' but has no closing '---' line; "
            "the file may be truncated."
        )
    if not match:
        return {}, text
    try:
        meta = yaml.safe_load(match.group(1)) or {}
    except yaml.YAMLError as error:
        raise CardFormatError(f"The README's YAML front matter is malformed: {error}") from None
    if not isinstance(meta, dict):
        raise CardFormatError(f"The README's YAML front matter is a {type(meta).__name__}, not a mapping.")
    return meta, text[match.end() :]


def _sections(body: str) -> Iterator[tuple[int, str, str]]:
    """(level, heading, text) for every heading, skipping fenced code and HTML comments."""
    body = re.sub(r"<!--.*?-->", "", body, flags=re.DOTALL)
    level, heading, fenced = 0, "", False
    buf: list[str] = []
    for line in body.splitlines():
        if line.lstrip().startswith("```"):
            fenced = not fenced
        match = None if fenced else re.match(r"^(#{1,6})\s+(.*?)\s*#*\s*$", line)
        if match:
            yield level, heading, "\n".join(buf).strip()
            level, heading, buf = len(match.group(1)), match.group(2), []
        else:
            buf.append(line)
    yield level, heading, "\n".join(buf).strip()


def _clean(text: str) -> str:
    return "" if text.strip() in ("", PLACEHOLDER) else text.replace(PLACEHOLDER, "").strip()


def _parse_list(text: str) -> list[str]:
    items: list[str] = []
    for block in re.split(r"\n\s*\n", text):
        lines = block.splitlines()
        if lines and all(re.match(r"^\s*[-*+] ", ln) or ln.startswith("  ") for ln in lines):
            for ln in lines:
                if re.match(r"^\s*[-*+] ", ln):
                    items.append(re.sub(r"^\s*[-*+] ", "", ln))
                elif items:
                    items[-1] += "\n" + ln[2:]
        elif block.strip():
            items.append(block.strip())
    return [i for i in (_clean(i) for i in items) if i]


def _template_bullets(card: ModelCard, text: str) -> str:
    """Read the template's "- **Developed by:** ..." lines; return the rest as description."""
    rest = []
    for line in text.splitlines():
        match = re.match(r"^\s*[-*] \*\*(.+?):?\*\*:?\s*(.*)$", line)
        key = match.group(1).lower().replace("[optional]", "").strip() if match else ""
        if match and key in TEMPLATE_BULLETS:
            value = _clean(match.group(2))
            path = TEMPLATE_BULLETS[key]
            if not value:
                continue
            if path.endswith("licenses"):
                card.model_details.licenses = [License(spdx_id=value)]
            elif path.endswith(("language", "base_model")):
                _set(card, path, [v.strip() for v in value.split(",")])
            else:
                _set(card, path, value)
        elif not (match and not _clean(match.group(2))):
            rest.append(line)
    return "\n".join(rest).strip()


def from_huggingface(cls: type[ModelCard], text: str) -> ModelCard:
    meta, body = split_front_matter(text)
    stored = meta.get(NAMESPACE)
    if stored is not None:
        if not isinstance(stored, dict):
            raise CardFormatError(f"'{NAMESPACE}' in the README's YAML must be a mapping.")
        stored.setdefault("schema_version", SCHEMA_VERSION)
        card = cls.from_dict(stored)
    else:
        card = cls()
    _read_meta(card, meta, imported=stored is None)
    _read_body(card, body)
    return card


def _mappings(value: Any, where: str) -> list[dict[str, Any]]:
    """``value`` as a list of mappings (``None``: none); anything else is a clear error."""
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise CardFormatError(
            f"{where} in the README's YAML must be a list of mappings (key: value), got {value!r}."
        )
    return value


def _mapping(value: Any, where: str) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise CardFormatError(f"{where} in the README's YAML must be a mapping (key: value), got {value!r}.")
    return value


def _names(value: Any, where: str) -> list[str]:
    """A YAML list of names, or one name (``datasets: adult``), as a list of text."""
    if value is None:
        return []
    if isinstance(value, list) and all(isinstance(v, str | int | float) for v in value):
        return [str(v) for v in value]
    if isinstance(value, str | int | float):
        return [str(value)]
    raise CardFormatError(f"{where} in the README's YAML must be a name or a list of names, got {value!r}.")


def _read_meta(card: ModelCard, meta: dict[str, Any], *, imported: bool) -> None:  # noqa: PLR0912
    d = card.model_details
    license_ = meta.get("license")
    if isinstance(license_, str) and license_ != "other":
        if not d.licenses or d.licenses[0].spdx_id.lower() != license_.lower():
            d.licenses = [License(spdx_id=license_)]
    elif license_ == "other" and not d.licenses:
        d.licenses = [
            License(custom_text=str(meta.get("license_name", "")), link=str(meta.get("license_link", "")))
        ]
    for key in ("language", "tags", "base_model"):
        if meta.get(key) is not None:
            setattr(d, key, _names(meta[key], f"'{key}'"))
    d.library_name = str(meta.get("library_name", d.library_name) or "")
    d.task = str(meta.get("pipeline_tag", d.task) or "")
    known = {x.hf_hub_id or x.id for x in card.datasets}
    for hub_id in _names(meta.get("datasets"), "'datasets'"):
        if str(hub_id) not in known:
            card.datasets.append(
                Dataset(id=str(hub_id), name=str(hub_id), hf_hub_id=str(hub_id), source="imported")
            )
    index = _mappings(meta.get("model-index"), "'model-index'")
    results = []
    for i, entry in enumerate(index):
        d.name = d.name or str(entry.get("name", ""))
        for j, block in enumerate(_mappings(entry.get("results"), f"model-index[{i}].results")):
            where = f"model-index[{i}].results[{j}]"
            dataset = _mapping(block.get("dataset"), f"{where}.dataset")
            dataset_id = str(dataset.get("name") or dataset.get("type") or "")
            task = _mapping(block.get("task"), f"{where}.task")
            if imported and not d.task and task.get("type"):
                d.task = str(task["type"])
            for metric in _mappings(block.get("metrics"), f"{where}.metrics"):
                given = metric.get("args")
                args: dict[str, Any] = given if isinstance(given, dict) else {}
                row = {
                    "metric_id": str(metric.get("type", "")),
                    "dataset_id": dataset_id,
                    "split": str(dataset.get("split", "")),
                    "value": metric.get("value"),
                    "source": "imported" if imported else "human",
                }
                row |= {k: v for k, v in args.items() if k in Result.__dataclass_fields__}
                try:
                    results.append(from_dict(Result, row, "model-index.metrics"))
                except CardFormatError:
                    # A Hub metric value can be text ("N/A"): keep it verbatim, never drop it.
                    card.extensions.setdefault("huggingface_unparsed_metrics", []).append(metric)
    if index:
        card.quantitative_analysis.results = results
    extra = {k: v for k, v in meta.items() if k not in HUB_KEYS}
    if extra:
        card.extensions["huggingface"] = extra


def _read_body(card: ModelCard, body: str) -> None:
    by_heading = {h.lower(): (path, kind) for _, h, path, kind in SECTIONS}
    parents = {p.lower() for p in PARENTS.values()} | {
        "uses",
        "evaluation",
        "testing data, factors & metrics",
    }
    unknown: dict[str, str] = {}
    skipping = 0
    for level, heading, text in _sections(body):
        key = heading.lower().replace("[optional]", "").strip()
        if skipping and level > skipping:
            continue
        skipping = level if key in GENERATED else 0
        if level == 0:
            continue
        if level == 1:
            summary = _clean(text)
            if summary:
                card.model_details.summary = summary
            if not card.model_details.name and key.startswith("model card for "):
                card.model_details.name = heading[len("model card for ") :].strip()
            continue
        if key == "model description":
            text = _template_bullets(card, text)  # noqa: PLW2901 (the bullets are read, the rest is text)
        if key in by_heading:
            path, kind = by_heading[key]
            _set(card, path, _parse_list(text) if kind == "list" else _clean(text))
        elif key not in parents and not skipping and _clean(text):
            unknown[heading] = _clean(text)
    if unknown:
        card.extensions["huggingface_sections"] = unknown


# ------------------------------------------------------------------ files


def save_huggingface(card: ModelCard, path: str | Path) -> Path:
    """Write the README.md atomically; the previous file is kept as ``<name>.prev.md``."""
    return write_atomic(path, to_huggingface(card))


def load_huggingface(cls: type[ModelCard], path: str | Path) -> ModelCard:
    """Read a README.md; a missing, binary or malformed file raises naming the file."""
    path = Path(path)
    text = read_text(path, "Hugging Face README.md")
    try:
        return from_huggingface(cls, text)
    except CardFormatError as error:
        prev = previous_path(path)
        hint = f" The previous version is at {prev}." if prev.exists() else ""
        raise CardFormatError(f"{path}: {error}{hint}") from None
