"""An audit's counts in a file, so that a CI job can gate a model without its rows.

The file holds :attr:`Audit.cells <fairness_widgets.compute.audit.Audit.cells>` (the
counts every metric is computed from) and ``min_group_size``: loading it rebuilds an audit
whose ``by_group()`` and ``disparities()`` equal the original's exactly. Two formats, by
suffix: ``.npz`` (numpy, compact) or anything else as JSON (text, diffable). Loading never
executes anything (no pickle).
"""

from __future__ import annotations

import json
import math
import os
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

from fairness_widgets.compute.audit import Audit
from fairness_widgets.compute.cells import Cells

#: Written in every file; a reader refuses other formats by name.
FORMAT = "fw-audit-counts/1"

_ARRAYS = {
    "codes": np.intp,
    "y_true": np.int8,
    "y_pred": np.int8,
    "score": np.float64,
    "score_sum": np.float64,
    "count": np.int64,
}


def save_audit(audit: Audit, path: str | os.PathLike[str]) -> Path:
    """Write ``audit``'s counts to ``path`` (``.npz``, else JSON), atomically.

    Examples
    --------
    >>> import tempfile, fairness_widgets as fw
    >>> df = fw.datasets.load_german()
    >>> audit = fw.Audit(df["label"], y_pred=df["credit_amount"] < 4000, sensitive=df["sex"])
    >>> path = save_audit(audit, tempfile.mkdtemp() + "/audit.json")
    >>> load_audit(path).disparities().equals(audit.disparities())
    True
    """
    path = Path(path)
    cells = audit.cells
    header: dict[str, Any] = {
        "format": FORMAT,
        "names": list(cells.names),
        "levels": [list(levels) for levels in cells.levels],
        "threshold": cells.threshold,
        "resolution": cells.resolution,
        "min_group_size": audit.min_group_size,
    }
    arrays = {key: getattr(cells, key) for key in _ARRAYS if getattr(cells, key) is not None}
    # A temporary file, then a rename: a crash never leaves half a file at ``path``.
    with tempfile.NamedTemporaryFile("wb", dir=path.parent, prefix=f".{path.name}.", delete=False) as out:
        try:
            if path.suffix == ".npz":
                np.savez_compressed(out, header=np.array(json.dumps(header)), **arrays)
            else:
                # Python's float repr round-trips exactly, so JSON loses nothing.
                body = {**header, **{key: value.tolist() for key, value in arrays.items()}}
                out.write(json.dumps(body, allow_nan=False).encode())
        except BaseException:
            out.close()
            Path(out.name).unlink()
            raise
    Path(out.name).replace(path)
    return path


def load_audit(path: str | os.PathLike[str]) -> Audit:
    """Read an audit written by :func:`save_audit`; a clear ``ValueError`` if it is not one."""
    path = Path(path)
    if path.suffix == ".npz":
        with np.load(path, allow_pickle=False) as data:
            header = _header(json.loads(str(data["header"])), path)
            arrays = {key: data[key] for key in _ARRAYS if key in data.files}
    else:
        try:
            body = json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as error:
            raise ValueError(f"{path} is not JSON ({error}); write it with save_audit().") from error
        header = _header(body, path)
        arrays = {key: np.asarray(body[key]) for key in _ARRAYS if body.get(key) is not None}
    cells = _cells(header, arrays, path)
    return Audit.from_cells(cells, min_group_size=int(header["min_group_size"]))


def _header(body: Any, path: Path) -> dict[str, Any]:
    if not isinstance(body, dict) or body.get("format") != FORMAT:
        found = body.get("format") if isinstance(body, dict) else type(body).__name__
        raise ValueError(
            f"{path} is not an audit file (format {found!r}, expected {FORMAT!r}); "
            "write it with fairness_widgets.gate.save_audit(audit, path)."
        )
    missing = [
        key for key in ("names", "levels", "threshold", "resolution", "min_group_size") if key not in body
    ]
    if missing:
        raise ValueError(f"{path} lacks {missing}; write it again with save_audit().")
    return body


def _cells(header: dict[str, Any], arrays: dict[str, Any], path: Path) -> Cells:
    for key in ("codes", "y_true", "y_pred", "count"):
        if key not in arrays:
            raise ValueError(f"{path} lacks the array {key!r}; write it again with save_audit().")
    typed = {key: np.asarray(value, dtype=_ARRAYS[key]) for key, value in arrays.items()}
    names = tuple(str(name) for name in header["names"])
    levels = tuple(tuple(str(level) for level in column) for column in header["levels"])
    n_cells = typed["count"].shape[0]
    codes = typed["codes"].reshape(n_cells, len(names))
    problems = []
    if len(levels) != len(names):
        problems.append("one list of levels per sensitive column")
    if any(value.shape[0] != n_cells for value in typed.values()):
        problems.append("arrays of one length")
    if (typed["count"] < 0).any():
        problems.append("counts >= 0")
    for key in ("y_true", "y_pred"):
        if not np.isin(typed[key], (0, 1)).all():
            problems.append(f"{key} of 0/1")
    if len(levels) == len(names) and any(
        ((codes[:, j] < 0) | (codes[:, j] >= len(levels[j]))).any() for j in range(len(names))
    ):
        problems.append("group codes within the levels")
    if problems:
        raise ValueError(f"{path} is damaged: expected {', '.join(problems)}.")
    threshold, resolution = header["threshold"], header["resolution"]
    for name, value in (("threshold", threshold), ("resolution", resolution)):
        if value is not None and not (isinstance(value, (int, float)) and math.isfinite(value)):
            raise ValueError(f"{path} has a {name} of {value!r}; expected a number or null.")
    return Cells(
        names=names,
        levels=levels,
        codes=codes,
        y_true=typed["y_true"],
        y_pred=typed["y_pred"],
        score=typed.get("score"),
        score_sum=typed.get("score_sum"),
        count=typed["count"],
        threshold=None if threshold is None else float(threshold),
        resolution=None if resolution is None else float(resolution),
    )
