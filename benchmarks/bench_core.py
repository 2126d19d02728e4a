"""Benchmark of the computation core against fairlearn and aif360, in one run.

    python benchmarks/bench_core.py                      # 1e5 and 1e6 rows; slow references estimated
    python benchmarks/bench_core.py --rows 1e5 1e6 1e7   # our side measured at 1e7 too
    python benchmarks/bench_core.py --no-skip-slow       # run every reference in full (long)

Synthetic data from a seeded numpy generator: three sensitive columns (sex 2 x race 5 x
age band 4 = 40 intersectional groups), binary labels, scores in (0, 1) and hard
predictions (score >= 0.5). Measured on the same rows:

1. fairlearn ``MetricFrame`` (5 metrics, the 3 columns as sensitive features, 40 groups);
2. ``Audit`` + ``by_group`` (the same 5 metrics) from object, categorical, integer and
   pandas ``str`` columns, for the 40-group intersection and for every view;
3. the floor: one ``np.bincount`` of a precomputed combined key, then the 5 metrics;
4. bootstrap intervals (ours: 1,000 resamples of the counts; fairlearn: ``n_boot=100``);
5. five ``aif360.sklearn.metrics`` functions against ``Audit.disparities`` for one attribute.

Times are ``time.perf_counter`` wall times: best of ``--repeats`` for anything whose first
run takes under a second, a single run otherwise. Peak extra memory is measured in a
separate run under ``tracemalloc``. The report (Markdown) goes to ``--out`` and stdout;
progress goes to stderr.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime
import gc
import importlib.metadata
import logging
import math
import os
import platform
import pstats
import subprocess
import sys
import time
import tracemalloc
import warnings
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from fairlearn.metrics import (
    MetricFrame,
    count,
    false_positive_rate,
    selection_rate,
    true_positive_rate,
)
from sklearn.metrics import accuracy_score

from fairness_widgets import Audit
from fairness_widgets.compute.bootstrap import resample_counts
from fairness_widgets.compute.cells import DEFAULT_RESOLUTION
from fairness_widgets.compute.cells_from_arrays import cells_from_inputs
from fairness_widgets.compute.groups import attribute_from_column, sensitive_columns
from fairness_widgets.compute.inputs import prepare_inputs
from fairness_widgets.compute.labels import binary_labels

# aif360 logs (through the root logger) that optional extras are missing when imported.
logging.disable(logging.WARNING)
from aif360.sklearn import metrics as aif_metrics  # noqa: E402

logging.disable(logging.NOTSET)

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUT = ROOT / "benchmarks" / "results" / "core.md"

#: Sensitive columns: levels and their shares of the rows.
SENSITIVE: dict[str, tuple[tuple[str, ...], tuple[float, ...]]] = {
    "sex": (("Female", "Male"), (0.5, 0.5)),
    "race": (("White", "Black", "Asian", "Hispanic", "Other"), (0.6, 0.14, 0.12, 0.09, 0.05)),
    "age_band": (("18-29", "30-44", "45-59", "60+"), (0.22, 0.3, 0.28, 0.2)),
}
N_GROUPS = math.prod(len(levels) for levels, _ in SENSITIVE.values())
CROSS = " × "
CROSS_VIEW = CROSS.join(SENSITIVE)

#: Our metric keys and fairlearn's functions, in the same order.
OUR_METRICS = ["selection_rate", "true_positive_rate", "false_positive_rate", "accuracy", "count"]
FAIRLEARN_METRICS: dict[str, Callable[..., Any]] = {
    "selection_rate": selection_rate,
    "true_positive_rate": true_positive_rate,
    "false_positive_rate": false_positive_rate,
    "accuracy": accuracy_score,
    "count": count,
}
DERIVED_METRICS = ["f1", "balanced_accuracy"]

#: Input kinds: how the sensitive columns are stored.
INPUTS = {
    "object": "strings (object dtype)",
    "category": "pandas categorical",
    "int": "integer codes (int64)",
    "str": "pandas `str` dtype (pandas 3 default)",
}

#: Reference runs predicted to take longer than this are skipped with --skip-slow.
SLOW_SECONDS = 60.0
#: A measurement is repeated (best of --repeats) until this much time has been spent on it.
REPEAT_BUDGET_SECONDS = 10.0
#: Size of the run that predicts a reference's cost when no smaller size was measured.
CALIBRATION_ROWS = 100_000
#: Row count at which the requirements are checked.
REQUIREMENT_ROWS = 1_000_000
OUR_BOOT = 1_000
FAIRLEARN_BOOT = 100
FAIRLEARN_BOOT_QUICK = 5
BOOT_LIMIT_SECONDS = 0.1
PROFILE_RUNS = 3

FAIRLEARN = "fairlearn MetricFrame"
OURS_CROSS = "Audit + by_group, 40 groups"
OURS_ALL = "Audit + by_group, all 7 views"
OURS_SCORES = "Audit(y_score=) + by_group, 40 groups"
FLOOR = "floor: np.bincount of a precomputed key + 5 metrics"
RESAMPLE = f"resample_counts((40, 4), n_boot={OUR_BOOT:,}) alone"
DISPARITIES = f"audit.disparities(40 groups, n_boot={OUR_BOOT:,})"
DERIVED = f"audit.by_group(f1, balanced_accuracy; 40 groups, n_boot={OUR_BOOT:,})"
END_TO_END = f"Audit + by_group(5 metrics + f1 + balanced_accuracy; 40 groups, n_boot={OUR_BOOT:,})"
FAIRLEARN_BOOTSTRAP = (
    f"fairlearn MetricFrame(5 metrics, n_boot={FAIRLEARN_BOOT}, ci_quantiles=[0.025, 0.975])"
)
AIF360 = "aif360: 5 functions (sex, priv_group='Male')"
OURS_AIF = f"Audit(sex column) + disparities('sex', n_boot={OUR_BOOT:,})"
OURS_AIF_BUILT = f"disparities('sex', n_boot={OUR_BOOT:,}) on a built 3-column audit"
AIF360_MEASURES = {
    "statistical_parity_difference": "others vs Male",
    "disparate_impact_ratio": "others vs Male",
    "average_odds_difference": "others vs Male",
    "equal_opportunity_difference": "others vs Male",
    "generalized_entropy_index": "individuals",
}


_STARTED = time.perf_counter()


def log(message: str) -> None:
    print(f"{time.perf_counter() - _STARTED:7.1f} s  {message}", file=sys.stderr, flush=True)


@contextmanager
def quiet() -> Iterator[None]:
    """Silence the warnings of the reference libraries (empty groups at small sizes)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield


# --------------------------------------------------------------------------- data


@dataclass
class Data:
    """Synthetic rows: group codes per sensitive column, labels, scores, predictions."""

    codes: dict[str, np.ndarray]
    y_true: np.ndarray
    y_score: np.ndarray
    y_pred: np.ndarray
    key: np.ndarray  # group * 4 + 2 * y_true + y_pred, for the floor
    frames: dict[str, pd.DataFrame] = field(default_factory=dict, repr=False)

    @property
    def n_rows(self) -> int:
        return len(self.y_true)

    def sensitive(self, kind: str) -> pd.DataFrame:
        """The three sensitive columns stored as ``kind`` (built once, then cached)."""
        if kind not in self.frames:
            self.frames[kind] = self._frame(kind)
        return self.frames[kind]

    def _frame(self, kind: str) -> pd.DataFrame:
        if kind == "int":
            return pd.DataFrame(dict(self.codes))
        if kind == "category":
            return pd.DataFrame(
                {
                    name: pd.Categorical.from_codes(codes, categories=list(SENSITIVE[name][0]))
                    for name, codes in self.codes.items()
                }
            )
        if kind == "str":
            return self.sensitive("object").astype("str")
        return pd.DataFrame(
            {
                name: pd.Series(np.asarray(SENSITIVE[name][0], dtype=object)[codes], dtype=object)
                for name, codes in self.codes.items()
            }
        )

    def head(self, n_rows: int) -> Data:
        return Data(
            codes={name: codes[:n_rows] for name, codes in self.codes.items()},
            y_true=self.y_true[:n_rows],
            y_score=self.y_score[:n_rows],
            y_pred=self.y_pred[:n_rows],
            key=self.key[:n_rows],
        )


def make_data(n_rows: int, seed: int) -> Data:
    """Seeded rows whose base rate and scores differ between groups."""
    rng = np.random.default_rng(seed)
    codes = {
        name: rng.choice(len(levels), size=n_rows, p=shares).astype(np.int64)
        for name, (levels, shares) in SENSITIVE.items()
    }
    sex, race, age = codes["sex"], codes["race"], codes["age_band"]
    group = (sex * len(SENSITIVE["race"][0]) + race) * len(SENSITIVE["age_band"][0]) + age
    base_rate = 0.3 + 0.1 * sex - 0.03 * race + 0.04 * age
    y_true = (rng.random(n_rows) < base_rate).astype(np.int64)
    logit = 1.2 * (2 * y_true - 1) + 0.25 * sex - 0.1 * race + rng.normal(0.0, 1.3, n_rows)
    y_score = 1.0 / (1.0 + np.exp(-logit))
    y_pred = (y_score >= 0.5).astype(np.int64)
    key = (group * 4 + 2 * y_true + y_pred).astype(np.intp)
    return Data(codes=codes, y_true=y_true, y_score=y_score, y_pred=y_pred, key=key)


# --------------------------------------------------------------------------- measuring


@dataclass
class Measure:
    """A time (seconds) or a peak (bytes per row), measured or estimated."""

    value: float
    runs: int = 1
    note: str = ""  # non-empty: an estimate, and how it was made

    @property
    def estimated(self) -> bool:
        return bool(self.note)


def time_best(run: Callable[[], Any], repeats: int) -> tuple[Measure, Any]:
    """Best wall time of up to ``repeats`` runs, stopping once REPEAT_BUDGET_SECONDS are spent."""
    best, runs, spent, value = math.inf, 0, 0.0, None
    while runs < repeats and spent < REPEAT_BUDGET_SECONDS:
        value = None
        gc.collect()
        start = time.perf_counter()
        value = run()
        elapsed = time.perf_counter() - start
        best, runs, spent = min(best, elapsed), runs + 1, spent + elapsed
    return Measure(best, runs), value


def peak_memory(run: Callable[[], Any]) -> tuple[int, float]:
    """Peak bytes allocated (tracemalloc) while ``run`` runs, and its wall time."""
    gc.collect()
    tracemalloc.start()
    try:
        start_bytes, _ = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        start = time.perf_counter()
        run()
        elapsed = time.perf_counter() - start
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return max(peak - start_bytes, 0), elapsed


def memory_per_row(run: Callable[[], Any], n_rows: int) -> Measure:
    peak, _ = peak_memory(run)
    return Measure(peak / n_rows)


@dataclass
class Scaling:
    """What each reference run cost so far: predicts the next one, or stands in for it."""

    seconds: dict[str, tuple[int, float]] = field(default_factory=dict)
    measured: dict[str, tuple[int, float]] = field(default_factory=dict)

    def predict(self, key: str, n_rows: int) -> float | None:
        if key not in self.seconds:
            return None
        rows, seconds = self.seconds[key]
        return seconds * n_rows / rows


@dataclass
class Settings:
    repeats: int
    skip_slow: bool


def reference(
    key: str,
    data: Data,
    run: Callable[[Data], Any],
    scaling: Scaling,
    settings: Settings,
    *,
    memory: bool = False,
) -> tuple[Measure, Any]:
    """Time (or peak memory per row of) a reference run on ``data``.

    With ``skip_slow``, a run predicted (linearly from a smaller measured run, or from a
    calibration run on the first CALIBRATION_ROWS rows) to take over SLOW_SECONDS is
    replaced by an estimate: time linear in rows, or the bytes per row measured smaller.
    """
    n_rows = data.n_rows
    if settings.skip_slow and key not in scaling.seconds and n_rows > CALIBRATION_ROWS:
        log(f"    calibrating {key} on {CALIBRATION_ROWS:,} rows")
        _measure_reference(key, data.head(CALIBRATION_ROWS), run, scaling, repeats=1, memory=memory)
    predicted = scaling.predict(key, n_rows)
    if settings.skip_slow and predicted is not None and predicted > SLOW_SECONDS:
        rows, value = scaling.measured[key]
        log(f"    {key}: predicted {predicted:.0f} s > {SLOW_SECONDS:.0f} s, estimated")
        if memory:
            note = f"estimate: {value:,.0f} B/row as measured at {rows:,} rows (skipped: ~{predicted:.0f} s)"
            return Measure(value, 0, note), None
        note = (
            f"estimate: {fmt_time(value)} measured at {rows:,} rows, scaled linearly to {n_rows:,} rows"
            f" (skipped: ~{predicted:.0f} s)"
        )
        return Measure(predicted, 0, note), None
    return _measure_reference(key, data, run, scaling, repeats=settings.repeats, memory=memory)


def _measure_reference(
    key: str, data: Data, run: Callable[[Data], Any], scaling: Scaling, *, repeats: int, memory: bool
) -> tuple[Measure, Any]:
    if memory:
        peak, elapsed = peak_memory(partial(run, data))
        measure, value = Measure(peak / data.n_rows), None
    else:
        measure, value = time_best(partial(run, data), repeats)
        elapsed = measure.value
    scaling.seconds[key] = (data.n_rows, elapsed)
    scaling.measured[key] = (data.n_rows, measure.value)
    return measure, value


# --------------------------------------------------------------------------- the runs


def run_metricframe(data: Data, kind: str, n_boot: int | None = None) -> MetricFrame:
    with quiet():
        return MetricFrame(
            metrics=FAIRLEARN_METRICS,
            y_true=data.y_true,
            y_pred=data.y_pred,
            sensitive_features=data.sensitive(kind),
            n_boot=n_boot,
            ci_quantiles=[0.025, 0.975] if n_boot else None,
            random_state=0 if n_boot else None,
        )


def audit_of(data: Data, kind: str, *, scores: bool = False) -> Audit:
    if scores:
        return Audit(data.y_true, y_score=data.y_score, sensitive=data.sensitive(kind))
    return Audit(data.y_true, y_pred=data.y_pred, sensitive=data.sensitive(kind))


def ours_by_group(data: Data, kind: str, attributes: list[str] | None, scores: bool = False) -> pd.DataFrame:
    return audit_of(data, kind, scores=scores).by_group(OUR_METRICS, attributes=attributes)


def floor_metrics(key: np.ndarray, n_groups: int) -> dict[str, np.ndarray]:
    """One bincount, then the 5 metrics from the (tn, fp, fn, tp) counts of each group."""
    counts = np.bincount(key, minlength=4 * n_groups).reshape(n_groups, 4)
    tn, fp, fn, tp = counts.T
    total = counts.sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        return {
            "counts": counts,
            "selection_rate": (fp + tp) / total,
            "true_positive_rate": tp / (tp + fn),
            "false_positive_rate": fp / (fp + tn),
            "accuracy": (tn + tp) / total,
            "count": total,
        }


def run_aif360(y_true: pd.Series, y_pred: np.ndarray) -> dict[str, float]:
    pair = {"prot_attr": "sex", "priv_group": "Male"}
    with quiet():
        return {
            "statistical_parity_difference": aif_metrics.statistical_parity_difference(
                y_true, y_pred, **pair
            ),
            "disparate_impact_ratio": aif_metrics.disparate_impact_ratio(y_true, y_pred, **pair),
            "average_odds_difference": aif_metrics.average_odds_difference(y_true, y_pred, **pair),
            "equal_opportunity_difference": aif_metrics.equal_opportunity_difference(y_true, y_pred, **pair),
            "generalized_entropy_index": aif_metrics.generalized_entropy_error(y_true, y_pred),
        }


def ours_aif360(data: Data) -> pd.DataFrame:
    audit = Audit(data.y_true, y_pred=data.y_pred, sensitive=data.sensitive("object")[["sex"]])
    return audit.disparities(attributes="sex", reference={"sex": "Male"}, n_boot=OUR_BOOT)


def end_to_end_bootstrap(data: Data) -> pd.DataFrame:
    return audit_of(data, "object").by_group(
        OUR_METRICS + DERIVED_METRICS, attributes=[CROSS_VIEW], n_boot=OUR_BOOT
    )


# --------------------------------------------------------------------------- agreement


def fairlearn_gap(frame: MetricFrame, table: pd.DataFrame) -> float:
    """Largest |ours - fairlearn| over groups x metrics (NaN where both are undefined)."""
    ours = table.pivot_table(index="group", columns="metric", values="value", aggfunc="first", dropna=False)
    theirs = frame.by_group.copy()
    theirs.index = [CROSS.join(str(part) for part in index) for index in theirs.index]
    theirs = theirs.reindex(index=ours.index, columns=OUR_METRICS).astype(np.float64)
    a = ours[OUR_METRICS].to_numpy(dtype=np.float64)
    b = theirs.to_numpy(dtype=np.float64)
    if (np.isnan(a) != np.isnan(b)).any():
        return math.inf
    both = ~np.isnan(a)
    return float(np.max(np.abs(a[both] - b[both]), initial=0.0))


def aif360_gap(theirs: dict[str, float], table: pd.DataFrame) -> float:
    gaps = []
    for measure, versus in AIF360_MEASURES.items():
        row = table[(table["measure"] == measure) & (table["versus"] == versus)]
        gaps.append(abs(float(row["value"].iloc[0]) - float(theirs[measure])))
    return max(gaps)


def floor_gap(floor: dict[str, np.ndarray], table: pd.DataFrame) -> float:
    ours = table.pivot_table(index="group", columns="metric", values="value", aggfunc="first", dropna=False)
    levels = [list(levels) for levels, _ in SENSITIVE.values()]
    names = [CROSS.join(parts) for parts in _product(levels)]
    observed = floor["count"] > 0
    gaps = []
    for metric in OUR_METRICS:
        mine = np.asarray(floor[metric], dtype=np.float64)[observed]
        theirs = ours[metric].reindex([n for n, seen in zip(names, observed, strict=True) if seen])
        gaps.append(np.nanmax(np.abs(mine - theirs.to_numpy(dtype=np.float64)), initial=0.0))
    return float(max(gaps))


def _product(levels: list[list[str]]) -> list[tuple[str, ...]]:
    combos: list[tuple[str, ...]] = [()]
    for column in levels:
        combos = [(*combo, level) for combo in combos for level in column]
    return combos


# --------------------------------------------------------------------------- profiling


def _where(filename: str, function: str) -> str:
    if filename == "~":
        return function.strip("<>").replace("built-in method ", "")
    path = filename.replace(os.sep, "/")
    root = str(ROOT).replace(os.sep, "/") + "/"
    if "/site-packages/" in path:
        path = path.split("/site-packages/", 1)[1]
    elif path.startswith(root):
        path = path[len(root) :]
    elif "/lib/python" in path:  # the standard library
        path = path.split("/lib/python", 1)[1].split("/", 1)[-1]
    return f"{path}:{function}"


def profile_table(run: Callable[[], Any], runs: int = PROFILE_RUNS, limit: int = 14) -> str:
    """cProfile of ``run``: our functions by cumulative time, with their costliest callees."""
    profiler = cProfile.Profile()
    for _ in range(runs):
        gc.collect()
        profiler.enable()
        run()
        profiler.disable()
    entries = pstats.Stats(profiler).stats  # type: ignore[attr-defined]
    callees: dict[tuple[str, int, str], list[tuple[float, tuple[str, int, str]]]] = {}
    for callee, (*_, callers) in entries.items():
        for caller, edge in callers.items():
            callees.setdefault(caller, []).append((edge[3], callee))
    ours = [
        (stats[3], stats[2], stats[1], key)
        for key, stats in entries.items()
        # Comprehensions are listed as callees of the function they run in.
        if f"{os.sep}fairness_widgets{os.sep}" in key[0] and not key[2].startswith("<")
    ]
    lines = [
        "| our function (file:function) | calls per run | cumulative ms per run | own ms per run "
        "| costliest callees (ms per run) |",
        "|---|---:|---:|---:|---|",
    ]
    for cumulative, own, calls, key in sorted(ours, reverse=True)[:limit]:
        top = sorted(callees.get(key, []), reverse=True)[:3]
        inside = "; ".join(
            f"`{_chain(callee, entries, callees)}` {ms / runs * 1e3:.1f}"
            for ms, callee in top
            if ms / runs >= 2e-4
        )
        lines.append(
            f"| `{_where(key[0], key[2])}` | {calls / runs:g} | {cumulative / runs * 1e3:.1f} "
            f"| {own / runs * 1e3:.1f} | {inside} |"
        )
    return "\n".join(lines)


def _chain(
    key: tuple[str, int, str],
    entries: dict[tuple[str, int, str], Any],
    callees: dict[tuple[str, int, str], list[tuple[float, tuple[str, int, str]]]],
) -> str:
    """A library callee, followed down while one child takes most of its time (-> argsort)."""
    names = [_where(key[0], key[2])]
    if f"{os.sep}fairness_widgets{os.sep}" in key[0]:
        return names[0]
    for _ in range(3):
        children = sorted(callees.get(key, []), reverse=True)
        if not children or children[0][0] < 0.6 * entries[key][3]:
            break
        key = children[0][1]
        names.append(_where(key[0], key[2]).rsplit("/", 1)[-1])
    return " → ".join(names)


def phase_table(data: Data, kind: str, repeats: int) -> str:
    """Wall time and peak memory of each step of Audit + by_group, without a profiler."""
    frame = data.sensitive(kind)
    prepare = partial(prepare_inputs, data.y_true, y_pred=data.y_pred, sensitive=frame)
    inputs = prepare()
    count_cells = partial(cells_from_inputs, inputs, DEFAULT_RESOLUTION)
    cells = count_cells()
    columns = sensitive_columns(frame)

    def labels() -> list[np.ndarray]:
        return [binary_labels(data.y_true, "y_true"), binary_labels(data.y_pred, "y_pred")]

    def factorise() -> list[Any]:
        return [attribute_from_column(name, column) for name, column in columns.items()]

    def tables() -> pd.DataFrame:
        return Audit.from_cells(cells).by_group(OUR_METRICS, attributes=[CROSS_VIEW])

    package = "fairness_widgets/compute/"
    steps: list[tuple[str, Callable[[], Any]]] = [
        (f"{package}inputs.py:prepare_inputs, all of it", prepare),
        (f"· {package}labels.py:binary_labels, y_true and y_pred", labels),
        (f"· {package}groups.py:attribute_from_column, 3 columns", factorise),
        (f"{package}cells_from_arrays.py:cells_from_inputs (key, bincount)", count_cells),
        (f"{package}audit.py:Audit.by_group (views, 40 groups, intervals)", tables),
    ]
    lines = ["| step (file:function) | time (best) | peak extra memory |", "|---|---:|---:|"]
    for name, run in steps:
        measure, _ = time_best(run, repeats)
        memory = memory_per_row(run, data.n_rows)
        lines.append(f"| `{name}` | {fmt_time(measure.value)} | {fmt_memory(memory, data.n_rows)} |")
    kept = inputs.y_true.nbytes + inputs.y_pred.nbytes + sum(a.codes.nbytes for a in inputs.attributes)
    lines += [
        "",
        f"`prepare_inputs` keeps {kept / data.n_rows:.0f} B/row (labels as int8, group codes as "
        f"{inputs.attributes[0].codes.dtype}) alive while `cells_from_inputs` runs: the Audit's peak is "
        "the larger of prepare_inputs' peak and that plus cells_from_inputs' peak.",
    ]
    return "\n".join(lines)


# --------------------------------------------------------------------------- results


@dataclass
class Result:
    section: str
    rows: int
    name: str
    kind: str = ""
    time: Measure | None = None
    memory: Measure | None = None


@dataclass
class Check:
    requirement: str
    measured: str
    met: bool | None  # None: not measured in this run


@dataclass
class Benchmark:
    settings: Settings
    kinds: list[str]
    boot_rows: int
    results: list[Result] = field(default_factory=list)
    agreement: list[tuple[int, str, float]] = field(default_factory=list)
    profiles: list[tuple[str, str]] = field(default_factory=list)
    scaling: Scaling = field(default_factory=Scaling)

    def add(self, result: Result) -> Result:
        self.results.append(result)
        return result

    def find(self, section: str, rows: int, name: str, kind: str = "") -> Result | None:
        for result in self.results:
            if (result.section, result.rows, result.name, result.kind) == (section, rows, name, kind):
                return result
        return None

    # ---- 1-3: group metrics

    def group_metrics(self, data: Data) -> None:
        rows, settings = data.n_rows, self.settings
        for kind in self.kinds:
            data.sensitive(kind)
            log(f"  [{rows:,}] {FAIRLEARN} from {kind} columns")
            run = partial(run_metricframe, kind=kind)
            timing, frame = reference(f"fairlearn:{kind}", data, run, self.scaling, settings)
            memory, _ = reference(f"fairlearn:{kind}:memory", data, run, self.scaling, settings, memory=True)
            self.add(Result("group", rows, FAIRLEARN, kind, timing, memory))
            log(f"  [{rows:,}] ours from {kind} columns")
            variants: list[tuple[str, Callable[[], Any]]] = [
                (OURS_CROSS, partial(ours_by_group, data, kind, [CROSS_VIEW])),
                (OURS_ALL, partial(ours_by_group, data, kind, None)),
            ]
            if kind == "object":
                variants.append((OURS_SCORES, partial(ours_by_group, data, kind, [CROSS_VIEW], True)))
            for name, run_ours in variants:
                timing, table = time_best(run_ours, settings.repeats)
                self.add(Result("group", rows, name, kind, timing, memory_per_row(run_ours, rows)))
                if name == OURS_CROSS and frame is not None:
                    gap = fairlearn_gap(frame, table)
                    self.agreement.append((rows, f"by_group vs MetricFrame, {kind} columns", gap))
        log(f"  [{rows:,}] floor")
        run_floor = partial(floor_metrics, data.key, N_GROUPS)
        timing, floor = time_best(run_floor, settings.repeats)
        self.add(Result("group", rows, FLOOR, "int key", timing, memory_per_row(run_floor, rows)))
        table = ours_by_group(data, "int", [CROSS_VIEW])
        self.agreement.append((rows, "floor (plain numpy) vs by_group, int columns", floor_gap(floor, table)))

    # ---- 4: bootstrap

    def bootstrap(self, data: Data) -> None:
        rows, repeats = data.n_rows, self.settings.repeats
        log(f"  [{rows:,}] bootstrap (ours)")
        matrix = floor_metrics(data.key, N_GROUPS)["counts"]
        audit = audit_of(data, "object")
        for name, run in (
            (RESAMPLE, partial(resample_counts, matrix, OUR_BOOT, 0)),
            (DISPARITIES, partial(audit.disparities, attributes=[CROSS_VIEW], n_boot=OUR_BOOT)),
            (DERIVED, partial(audit.by_group, DERIVED_METRICS, attributes=[CROSS_VIEW], n_boot=OUR_BOOT)),
            (END_TO_END, partial(end_to_end_bootstrap, data)),
        ):
            timing, _ = time_best(run, repeats)
            self.add(Result("bootstrap", rows, name, "", timing))
        if rows == self.boot_rows:
            self.add(Result("bootstrap", rows, FAIRLEARN_BOOTSTRAP, "object", self.fairlearn_bootstrap(data)))

    def fairlearn_bootstrap(self, data: Data) -> Measure:
        if not self.settings.skip_slow:
            log(f"  [{data.n_rows:,}] fairlearn bootstrap, n_boot={FAIRLEARN_BOOT} (slow)")
            measure, _ = time_best(partial(run_metricframe, data, "object", FAIRLEARN_BOOT), 1)
            return measure
        log(f"  [{data.n_rows:,}] fairlearn bootstrap, n_boot={FAIRLEARN_BOOT_QUICK} (to extrapolate)")
        base, _ = time_best(partial(run_metricframe, data, "object"), 1)
        quick, _ = time_best(partial(run_metricframe, data, "object", FAIRLEARN_BOOT_QUICK), 1)
        per_resample = max(quick.value - base.value, 0.0) / FAIRLEARN_BOOT_QUICK
        note = (
            f"estimate: MetricFrame took {fmt_time(base.value)} without bootstrap and "
            f"{fmt_time(quick.value)} with n_boot={FAIRLEARN_BOOT_QUICK}, i.e. {fmt_time(per_resample)} "
            f"per resample; {fmt_time(base.value)} + {FAIRLEARN_BOOT} x {fmt_time(per_resample)}"
        )
        return Measure(base.value + FAIRLEARN_BOOT * per_resample, 0, note)

    # ---- 5: aif360

    def aif360(self, data: Data) -> None:
        rows = data.n_rows
        log(f"  [{rows:,}] aif360 vs disparities")
        index = pd.MultiIndex.from_frame(data.sensitive("object"))
        y_true = pd.Series(data.y_true, index=index, name="y_true")

        def run(rows_used: Data) -> dict[str, float]:
            labels = y_true if rows_used.n_rows == rows else y_true.iloc[: rows_used.n_rows]
            return run_aif360(labels, rows_used.y_pred)

        timing, theirs = reference("aif360", data, run, self.scaling, self.settings)
        self.add(Result("aif360", rows, AIF360, "object", timing))
        timing, table = time_best(partial(ours_aif360, data), self.settings.repeats)
        self.add(Result("aif360", rows, OURS_AIF, "object", timing))
        audit = audit_of(data, "object")
        built = partial(audit.disparities, attributes="sex", reference={"sex": "Male"}, n_boot=OUR_BOOT)
        timing, _ = time_best(built, self.settings.repeats)
        self.add(Result("aif360", rows, OURS_AIF_BUILT, "object", timing))
        if theirs is not None:
            self.agreement.append(
                (rows, "disparities vs aif360 (5 measures, sex)", aif360_gap(theirs, table))
            )

    # ---- requirements and profiles

    def checks(self, rows: int = REQUIREMENT_ROWS) -> list[Check]:
        checks = []
        for kind, target in (("object", 100), ("str", 100), ("category", 1000), ("int", 1000)):
            if kind in self.kinds:
                checks.append(self._speed_check(rows, kind, target))
        checks += self._bootstrap_checks()
        checks += [self._memory_check(rows, kind) for kind in self.kinds]
        return checks

    def _pair(self, rows: int, kind: str) -> tuple[Result | None, Result | None]:
        return self.find("group", rows, FAIRLEARN, kind), self.find("group", rows, OURS_CROSS, kind)

    def _speed_check(self, rows: int, kind: str, target: int) -> Check:
        text = f"{rows:,} rows, 40 groups, from {INPUTS[kind]}: >= {target:,}x faster than MetricFrame"
        theirs, ours = self._pair(rows, kind)
        if theirs is None or ours is None or theirs.time is None or ours.time is None:
            return Check(text, f"not measured (needs --rows {_short(rows)})", None)
        ratio = theirs.time.value / ours.time.value
        measured = f"{fmt_measure_time(theirs.time)} / {fmt_time(ours.time.value)} = {fmt_ratio(ratio)}"
        return Check(text, measured, ratio >= target)

    def _memory_check(self, rows: int, kind: str) -> Check:
        text = f"{rows:,} rows, from {INPUTS[kind]}: peak extra memory <= 1/10 of MetricFrame's"
        theirs, ours = self._pair(rows, kind)
        if theirs is None or ours is None or theirs.memory is None or ours.memory is None:
            return Check(text, f"not measured (needs --rows {_short(rows)})", None)
        ratio = theirs.memory.value / max(ours.memory.value, 1e-9)
        estimate = " (MetricFrame's estimated)" if theirs.memory.estimated else ""
        measured = f"{theirs.memory.value:,.0f} / {ours.memory.value:,.0f} B/row = 1/{ratio:.1f}{estimate}"
        return Check(text, measured, ratio >= 10)

    def _bootstrap_checks(self) -> list[Check]:
        checks = []
        for name in (RESAMPLE, DISPARITIES, DERIVED):
            found = [r for r in self.results if r.section == "bootstrap" and r.name == name and r.time]
            text = f"{name}: < {BOOT_LIMIT_SECONDS:g} s at any row count"
            if not found:
                checks.append(Check(text, "not measured", None))
                continue
            worst = max(found, key=lambda r: r.time.value if r.time else 0.0)
            assert worst.time is not None
            measured = f"slowest {fmt_time(worst.time.value)} (at {worst.rows:,} rows)"
            checks.append(Check(text, measured, worst.time.value < BOOT_LIMIT_SECONDS))
        return checks

    def profile(self, data: Data, force: bool) -> None:
        """Where the time and memory go in our code, for every failed requirement."""
        rows = data.n_rows
        failed = {check.requirement for check in self.checks(rows) if check.met is False}
        for kind in self.kinds:
            if force or any(f"from {INPUTS[kind]}:" in requirement for requirement in failed):
                log(f"  [{rows:,}] profiling Audit + by_group from {kind} columns")
                run = partial(ours_by_group, data, kind, [CROSS_VIEW])
                body = (
                    f"Steps, timed without a profiler (best of {self.settings.repeats}):\n\n"
                    f"{phase_table(data, kind, self.settings.repeats)}\n\n"
                    f"cProfile, {PROFILE_RUNS} runs (the profiler adds overhead; totals are higher "
                    f"than above):\n\n{profile_table(run)}"
                )
                self.profiles.append(
                    (f"Audit + by_group (40 groups) from {INPUTS[kind]}, {rows:,} rows", body)
                )
        if force or any(requirement.startswith(DISPARITIES) for requirement in failed):
            log(f"  [{rows:,}] profiling disparities")
            audit = audit_of(data, "object")
            run = partial(audit.disparities, attributes=[CROSS_VIEW], n_boot=OUR_BOOT)
            self.profiles.append((f"{DISPARITIES}, {rows:,} rows", profile_table(run)))


# --------------------------------------------------------------------------- report


def fmt_time(seconds: float) -> str:
    if not math.isfinite(seconds):
        return "—"
    if seconds < 1e-3:
        return f"{seconds * 1e6:.0f} µs"
    if seconds < 1.0:
        return f"{seconds * 1e3:.3g} ms"
    return f"{seconds:.3g} s" if seconds < 100 else f"{seconds:,.0f} s"


def fmt_measure_time(measure: Measure) -> str:
    return f"≈ {fmt_time(measure.value)} (est.)" if measure.estimated else fmt_time(measure.value)


def fmt_ratio(ratio: float) -> str:
    if not math.isfinite(ratio):
        return "—"
    if ratio >= 100:
        return f"{ratio:,.0f}×"
    return f"{ratio:.1f}×" if ratio >= 1 else f"{ratio:.2f}×"


def fmt_memory(measure: Measure, n_rows: int) -> str:
    total = measure.value * n_rows / 2**20
    text = f"{measure.value:,.1f} B/row ({total:,.1f} MiB)"
    return f"≈ {text} (est.)" if measure.estimated else text


def fmt_runs(measure: Measure) -> str:
    return "est." if measure.estimated else str(measure.runs)


def _ratio(reference: Measure | None, ours: Measure | None, minimum: float = 0.0) -> str:
    if reference is None or ours is None or ours.value <= minimum:
        return "—"
    text = fmt_ratio(reference.value / ours.value)
    return f"≈ {text}" if reference.estimated else text


def load_average() -> str:
    """1, 5 and 15 minute load averages: other work on the machine skews every timing."""
    try:
        return ", ".join(f"{load:.2f}" for load in os.getloadavg())
    except OSError:
        return "unknown"


def busy_warning(load_at_start: str) -> list[str]:
    """A warning when other work competed for the CPUs while the benchmark ran."""
    try:
        loads = [float(load_at_start.split(",", maxsplit=1)[0]), os.getloadavg()[0]]
    except (OSError, ValueError):
        return []
    cpus = os.cpu_count() or 1
    # At the end the benchmark itself counts for about 1.
    others = max(loads[0], loads[1] - 1.0)
    if others <= cpus / 2:
        return []
    return [
        f"**Warning:** other work kept about {others:.1f} of the {cpus} CPUs busy (1-minute load average): "
        "the timings below are inflated and noisier than on a quiet machine.",
        "",
    ]


def machine_info() -> list[tuple[str, str]]:
    cpu = platform.processor() or platform.machine()
    memory = ""
    try:
        info = Path("/proc/cpuinfo").read_text(encoding="utf-8")
        cpu = next(
            line.split(":", 1)[1].strip() for line in info.splitlines() if line.startswith("model name")
        )
        meminfo = Path("/proc/meminfo").read_text(encoding="utf-8").splitlines()[0]
        memory = f"{int(meminfo.split()[1]) / 2**20:.1f} GiB"
    except (OSError, StopIteration, ValueError, IndexError):
        pass
    versions = []
    for package in ("fairness-widgets", "numpy", "pandas", "pyarrow", "scikit-learn", "fairlearn", "aif360"):
        try:
            versions.append(f"{package} {importlib.metadata.version(package)}")
        except importlib.metadata.PackageNotFoundError:
            versions.append(f"{package} (not installed)")
    return [
        ("date", datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")),
        ("CPU", f"{os.cpu_count()} logical CPUs, {cpu}"),
        ("memory", memory or "unknown"),
        ("OS", platform.platform()),
        ("Python", f"{platform.python_implementation()} {platform.python_version()}"),
        ("packages", ", ".join(versions)),
        ("commit", git_commit()),
    ]


def git_commit() -> str:
    """The commit measured, and whether fairness_widgets/ differs from it (read-only git calls)."""
    try:
        commit = _git("rev-parse", "--short", "HEAD")
        changed = _git("--no-optional-locks", "status", "--porcelain", "--", "fairness_widgets")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return f"{commit} + uncommitted changes in fairness_widgets/" if changed else commit


def _git(*args: str) -> str:
    done = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=True)
    return done.stdout.strip()


def report_head(
    title: str,
    command: str,
    *,
    machine: list[tuple[str, str]],
    load_at_start: str,
    method: Sequence[str],
    checks: Sequence[Check],
    command_note: str = "",
) -> list[str]:
    """The sections every benchmark report opens with: title, command, machine (with the
    load at start and end), method, and the requirements met or not."""
    met = {True: "yes", False: "**NO**", None: "not measured"}
    return [
        f"# {title}",
        "",
        f"Command: `{command}`{command_note}.",
        "",
        "## Machine",
        "",
        "| | |",
        "|---|---|",
        *(f"| {name} | {value} |" for name, value in machine),
        f"| load average (1, 5, 15 min) | {load_at_start} at start; {load_average()} at end |",
        "",
        *busy_warning(load_at_start),
        "## Method",
        "",
        *method,
        "",
        "## Requirements",
        "",
        "| requirement | measured | met |",
        "|---|---|---|",
        *(f"| {check.requirement} | {check.measured} | {met[check.met]} |" for check in checks),
    ]


def render(bench: Benchmark, argv: Sequence[str], machine: list[tuple[str, str]], load_at_start: str) -> str:
    mode = "on (slow references estimated)" if bench.settings.skip_slow else "off (every reference run)"
    lines = report_head(
        "Core benchmark: fairness_widgets vs fairlearn and aif360",
        f"python benchmarks/bench_core.py {' '.join(argv)}",
        machine=machine,
        load_at_start=load_at_start,
        method=METHOD,
        checks=bench.checks(),
        command_note=f" (--skip-slow {mode})",
    )
    lines += ["", *group_section(bench), "", *bootstrap_section(bench), "", *aif360_section(bench), ""]
    lines += agreement_section(bench)
    if bench.profiles:
        lines += ["", "## Where the time goes (profile of our code)", ""]
        for title, body in bench.profiles:
            lines += [f"### {title}", "", body, ""]
    lines += ["", *notes_section(bench)]
    return "\n".join(lines).rstrip() + "\n"


METHOD = [
    f"- Data: seeded numpy (`default_rng`), sensitive columns sex (2) x race (5) x age band (4) = "
    f"{N_GROUPS} intersectional groups of unequal size (smallest 0.5% of the rows), binary labels "
    "whose base rate differs by group, scores in (0, 1) and hard predictions `score >= 0.5`.",
    "- Like for like: fairlearn and ours get the same rows, the same hard predictions and the same "
    "three columns stored the same way (object, categorical, int64 or pandas `str`); 5 metrics: "
    "selection rate, true and false positive rates, accuracy, count. Ours also computes a Wilson "
    "interval for each rate; MetricFrame computes none.",
    "- Time: `time.perf_counter` wall time, the best of `--repeats` runs (default 5), fewer once "
    f"{REPEAT_BUDGET_SECONDS:g} s have been spent on one measurement: slow reference runs run once "
    "(column *runs*). Inputs are built before timing; each of our runs builds a new `Audit` from "
    "the rows.",
    "- Memory: peak extra memory in a separate run under `tracemalloc` (allocations made during the "
    "call: Python objects and numpy buffers, which numpy reports to tracemalloc), as bytes per row. "
    "Memory allocated by Arrow (pandas `str` columns) is invisible to tracemalloc, so `str` figures "
    "are lower bounds for both libraries.",
    f"- Slow references (predicted > {SLOW_SECONDS:g} s, linearly from a smaller run) are not run with "
    "--skip-slow: their time is scaled linearly, their memory taken per row from the smaller run; "
    "such figures are marked ≈ / est. and explained under Notes.",
    "- Ratios are reference time / our time (higher is better for us).",
]


def group_section(bench: Benchmark) -> list[str]:
    lines = [
        f"## Group metrics: 5 metrics, {N_GROUPS} intersectional groups",
        "",
        "| rows | input | what | time | runs | fairlearn time / this | peak extra memory "
        "| fairlearn memory / this |",
        "|---:|---|---|---:|---:|---:|---:|---:|",
    ]
    for result in (r for r in bench.results if r.section == "group"):
        kind = "int" if result.name == FLOOR else result.kind
        theirs = bench.find("group", result.rows, FAIRLEARN, kind)
        assert result.time is not None
        assert result.memory is not None
        memory_ratio = "—"  # the floor allocates 160 counts, whatever the rows
        if theirs is not None and theirs.memory is not None and result.name != FLOOR:
            memory_ratio = _ratio(theirs.memory, result.memory)
        lines.append(
            f"| {result.rows:,} | {INPUTS.get(result.kind, result.kind)} | {result.name} "
            f"| {fmt_measure_time(result.time)} | {fmt_runs(result.time)} "
            f"| {_ratio(theirs.time if theirs else None, result.time)} "
            f"| {fmt_memory(result.memory, result.rows)} | {memory_ratio} |"
        )
    lines += [
        "",
        "Ratios on the floor row are against MetricFrame from integer columns (its fastest input); "
        f"'all 7 views' computes {len(SENSITIVE)} single columns and every intersection "
        "(2 + 5 + 4 + 10 + 8 + 20 + 40 = 89 groups), MetricFrame the 40 groups only; "
        "the `y_score` row bins scores at 1e-4 (MetricFrame still gets hard predictions).",
    ]
    return lines


def bootstrap_section(bench: Benchmark) -> list[str]:
    lines = [
        f"## Bootstrap intervals ({N_GROUPS} groups)",
        "",
        f"| rows | what | time | runs | < {BOOT_LIMIT_SECONDS:g} s | fairlearn time / this |",
        "|---:|---|---:|---:|---|---:|",
    ]
    theirs = bench.find("bootstrap", bench.boot_rows, FAIRLEARN_BOOTSTRAP, "object")
    for result in (r for r in bench.results if r.section == "bootstrap"):
        assert result.time is not None
        is_reference = result.name == FAIRLEARN_BOOTSTRAP
        limited = not is_reference and result.name != END_TO_END
        limit = _yes(result.time.value < BOOT_LIMIT_SECONDS) if limited else ""
        ratio = _ratio(theirs.time, result.time) if theirs and result.rows == bench.boot_rows else ""
        lines.append(
            f"| {result.rows:,} | {result.name} | {fmt_measure_time(result.time)} | {fmt_runs(result.time)} "
            f"| {limit} | {ratio} |"
        )
    lines += [
        "",
        f"fairlearn resamples the rows {FAIRLEARN_BOOT} times (a MetricFrame per resample), from string "
        f"(object) columns, at {bench.boot_rows:,} rows; ours draws {OUR_BOOT:,} multinomial replicates "
        "of each group's 4 counts, whatever the row count: ours does 10x the resamples. Ratios compare "
        f"each of our rows at {bench.boot_rows:,} rows to that one fairlearn run. `disparities` bootstraps "
        "every disparity measure (and adds p-values); `by_group` bootstraps F1 and balanced accuracy "
        "(rates get Wilson intervals).",
    ]
    return lines


def _yes(condition: bool) -> str:
    return "yes" if condition else "**NO**"


def aif360_section(bench: Benchmark) -> list[str]:
    lines = [
        "## aif360 vs disparities (one attribute: sex, reference group Male)",
        "",
        "| rows | what | time | runs | aif360 time / this |",
        "|---:|---|---:|---:|---:|",
    ]
    for result in (r for r in bench.results if r.section == "aif360"):
        assert result.time is not None
        theirs = bench.find("aif360", result.rows, AIF360, "object")
        lines.append(
            f"| {result.rows:,} | {result.name} | {fmt_measure_time(result.time)} | {fmt_runs(result.time)} "
            f"| {_ratio(theirs.time if theirs else None, result.time)} |"
        )
    lines += [
        "",
        "aif360: `statistical_parity_difference`, `disparate_impact_ratio`, `average_odds_difference`, "
        "`equal_opportunity_difference` (prot_attr='sex' read from a MultiIndex of the 3 columns, "
        "built before timing, priv_group='Male') and `generalized_entropy_error`, called in turn. "
        f"Ours computes 16 measures with {OUR_BOOT:,}-resample intervals and p-values in one call.",
    ]
    return lines


def agreement_section(bench: Benchmark) -> list[str]:
    lines = [
        "## Agreement (the benchmarked calls compute the same numbers)",
        "",
        "| rows | comparison | max absolute difference |",
        "|---:|---|---:|",
    ]
    lines += [f"| {rows:,} | {what} | {gap:.2e} |" for rows, what, gap in bench.agreement]
    return lines


def notes_section(bench: Benchmark) -> list[str]:
    notes = []
    for result in bench.results:
        for label, measure in (("time", result.time), ("memory", result.memory)):
            if measure is not None and measure.estimated:
                kind = f" from {result.kind} columns" if result.kind else ""
                notes.append(f"- {result.name}{kind}, {result.rows:,} rows, {label}: {measure.note}.")
    if not notes:
        notes = ["- Every figure was measured; none is an estimate."]
    return ["## Notes (estimates)", "", *notes]


# --------------------------------------------------------------------------- main


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--rows", nargs="+", type=_row_count, default=[100_000, 1_000_000], help="row counts (1e5 1e6)"
    )
    parser.add_argument(
        "--skip-slow",
        action=argparse.BooleanOptionalAction,
        default=True,
        help=f"estimate reference runs that would take over ~{SLOW_SECONDS:g} s (default: on)",
    )
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="Markdown report path")
    parser.add_argument("--repeats", type=int, default=5, help="best of N for fast runs (5)")
    parser.add_argument(
        "--boot-rows", type=_row_count, default=100_000, help="rows of the fairlearn bootstrap run (1e5)"
    )
    parser.add_argument("--inputs", nargs="+", choices=list(INPUTS), default=list(INPUTS))
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--profile", action="store_true", help="profile our code even if all is met")
    args = parser.parse_args(argv)
    if args.repeats < 1:
        parser.error("--repeats must be at least 1")
    return args


def _short(rows: int) -> str:
    """``1e6`` for a power of ten, else the number."""
    power = math.log10(rows)
    return f"1e{power:.0f}" if power.is_integer() else str(rows)


def _row_count(text: str) -> int:
    value = float(text)
    if not value.is_integer() or value < 100:
        raise argparse.ArgumentTypeError(f"row counts are whole numbers >= 100, got {text!r}")
    return int(value)


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    args = parse_args(argv)
    # Move the imported libraries' objects out of the collector's way: each gc.collect()
    # between measurements then takes microseconds instead of ~0.1 s.
    gc.freeze()
    try:
        return run_benchmark(args, argv)
    finally:
        gc.unfreeze()


def run_benchmark(args: argparse.Namespace, argv: list[str]) -> int:
    """Every measurement, then the report (to ``args.out`` and stdout)."""
    # Taken before measuring: the commit is the code that was imported.
    machine, load_at_start = machine_info(), load_average()
    bench = Benchmark(Settings(args.repeats, args.skip_slow), list(args.inputs), args.boot_rows)
    group_rows = sorted(set(args.rows))
    profile_rows = REQUIREMENT_ROWS if REQUIREMENT_ROWS in group_rows else group_rows[-1]
    for rows in sorted(set(group_rows) | {args.boot_rows}):
        log(f"{rows:,} rows: generating data")
        data = make_data(rows, args.seed)
        if rows in group_rows:
            bench.group_metrics(data)
        bench.bootstrap(data)
        if rows in group_rows:
            bench.aif360(data)
        if rows == profile_rows:
            bench.profile(data, force=args.profile)
        del data
        gc.collect()
    report = render(bench, argv, machine, load_at_start)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(report, encoding="utf-8")
    print(report)
    log(f"report written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
