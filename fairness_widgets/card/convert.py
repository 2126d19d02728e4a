"""Card dataclasses to JSON-ready dicts and back, and the JSON Schema, from the type hints.

Loading is strict: a wrong type or an unknown key raises :class:`CardFormatError` naming
the path (``quantitative_analysis.results[3].value``), so malformed metadata is never
dropped silently. Unknown content belongs in ``extensions``. The one exception is a card
of a newer minor schema version (``ModelCard.from_dict``): its unknown keys are collected
(``unknown=``), to be kept, not refused.
"""

from __future__ import annotations

import dataclasses
import math
import types
import typing
from functools import cache
from typing import Any, TypeVar, Union, get_args, get_origin, get_type_hints

from fairness_widgets.card.schema import choices

T = TypeVar("T")


class CardFormatError(ValueError):
    """A card file or dict does not follow the schema; the message names where."""


@cache
def _hints(cls: type) -> dict[str, Any]:
    return get_type_hints(cls)


def to_dict(obj: Any) -> Any:
    """A dataclass (or list/dict of them) as plain JSON values, every field included."""
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {f.name: to_dict(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
    if isinstance(obj, list | tuple):
        return [to_dict(v) for v in obj]
    if isinstance(obj, dict):
        return {str(k): to_dict(v) for k, v in obj.items()}
    if isinstance(obj, float) and not math.isfinite(obj):
        return None  # JSON has no NaN; "not measured" is null
    return obj


def from_dict(cls: type[T], data: Any, path: str = "", unknown: dict[str, Any] | None = None) -> T:
    """Build ``cls`` from ``data``, checking every type; missing keys take defaults.

    An unknown key raises, unless ``unknown`` is given: then it is left out of the result and
    put in ``unknown`` under its path (``"card.model_details.new_field"``), value verbatim.
    """
    return typing.cast(T, _convert(cls, data, path or cls.__name__, unknown))


def _is_union(tp: Any) -> bool:
    return get_origin(tp) in (Union, types.UnionType)


def _convert(tp: Any, value: Any, path: str, unknown: dict[str, Any] | None = None) -> Any:  # noqa: PLR0911, PLR0912
    if tp is Any:
        return value
    if _is_union(tp):
        args = [a for a in get_args(tp) if a is not type(None)]
        if value is None:
            return None
        return _convert(args[0], value, path, unknown)
    if dataclasses.is_dataclass(tp) and isinstance(tp, type):
        if not isinstance(value, dict):
            raise CardFormatError(f"{path}: expected an object, got {type(value).__name__}.")
        hints = _hints(tp)
        extra = sorted(set(value) - set(hints))
        if extra and unknown is None:
            raise CardFormatError(
                f"{path}: unknown field(s) {extra}; the schema has {sorted(hints)}. "
                "Put custom content under the card's 'extensions'."
            )
        for key in extra:
            typing.cast(dict[str, Any], unknown)[f"{path}.{key}"] = value[key]
        for name in hints:
            allowed = choices(tp, name)
            if allowed and name in value and value[name] not in allowed:
                raise CardFormatError(
                    f"{path}.{name}: {value[name]!r} is not allowed; use one of "
                    f"{', '.join(repr(c) for c in allowed)}."
                )
        return tp(
            **{k: _convert(hints[k], v, f"{path}.{k}", unknown) for k, v in value.items() if k in hints}
        )
    origin = get_origin(tp)
    if origin is list:
        if not isinstance(value, list):
            raise CardFormatError(f"{path}: expected a list, got {type(value).__name__}.")
        (item,) = get_args(tp)
        return [_convert(item, v, f"{path}[{i}]", unknown) for i, v in enumerate(value)]
    if origin is dict:
        if not isinstance(value, dict):
            raise CardFormatError(f"{path}: expected an object, got {type(value).__name__}.")
        _, item = get_args(tp)
        return {str(k): _convert(item, v, f"{path}.{k}", unknown) for k, v in value.items()}
    if tp is bool:
        if not isinstance(value, bool):
            raise CardFormatError(f"{path}: expected true/false, got {value!r}.")
        return value
    if tp is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise CardFormatError(f"{path}: expected an integer, got {value!r}.")
        return value
    if tp is float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise CardFormatError(f"{path}: expected a number, got {value!r}.")
        return float(value)
    if tp is str:
        if not isinstance(value, str):
            raise CardFormatError(f"{path}: expected text, got {value!r}.")
        return value
    raise TypeError(f"{path}: unsupported schema type {tp!r}")  # a bug in the schema, not the data


def json_schema(cls: type) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a card dataclass, for offline validation elsewhere."""
    defs: dict[str, Any] = {}
    root = _schema(cls, defs)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://fairness-widgets.org/schema/fw-card-1.json",
        **defs.pop(cls.__name__),
        "$defs": defs,
    } | ({} if root == {"$ref": f"#/$defs/{cls.__name__}"} else root)


def _choices(cls: type, name: str) -> dict[str, Any]:
    """``{"enum": [...]}`` for a field declared with ``one_of``, else nothing."""
    allowed = choices(cls, name)
    return {"enum": list(allowed)} if allowed else {}


def _schema(tp: Any, defs: dict[str, Any]) -> dict[str, Any]:
    if tp is Any:
        return {}
    if _is_union(tp):
        args = [a for a in get_args(tp) if a is not type(None)]
        return {"anyOf": [_schema(args[0], defs), {"type": "null"}]}
    if dataclasses.is_dataclass(tp) and isinstance(tp, type):
        name = tp.__name__
        if name not in defs:
            defs[name] = {}  # placeholder against recursion
            hints = _hints(tp)
            defs[name] = {
                "type": "object",
                "properties": {k: _schema(v, defs) | _choices(tp, k) for k, v in hints.items()},
                "additionalProperties": False,
            }
            if tp.__doc__ and not tp.__doc__.startswith(f"{name}("):
                defs[name]["description"] = tp.__doc__.strip().splitlines()[0]
        return {"$ref": f"#/$defs/{name}"}
    origin = get_origin(tp)
    if origin is list:
        return {"type": "array", "items": _schema(get_args(tp)[0], defs)}
    if origin is dict:
        return {"type": "object", "additionalProperties": _schema(get_args(tp)[1], defs)}
    simple = {bool: "boolean", int: "integer", float: "number", str: "string"}
    return {"type": simple[tp]}
