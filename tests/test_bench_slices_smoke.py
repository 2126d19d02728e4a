"""benchmarks/bench_slices.py runs end to end on tiny data and writes its report.

Only that it runs and what the report contains are checked: timings are the benchmark's
output, never a test's assertion.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

BENCH_SLICES = Path(__file__).resolve().parents[1] / "benchmarks" / "bench_slices.py"

HEADINGS = (
    "# Slice benchmark: `audit.slices` vs a naive enumeration, SliceLine and aif360 MDSS",
    "## Machine",
    "## Method",
    "## Results",
    "## Where the time goes (`audit.slices` on pandas, last run)",
    "## Planted slices in our ranking",
    "## Our first 10 slices",
    "## Agreement",
    "## Notes",
)


@pytest.fixture
def bench_slices(monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    pytest.importorskip("fairlearn")  # bench_core, which it imports, needs the references
    pytest.importorskip("aif360")
    monkeypatch.syspath_prepend(str(BENCH_SLICES.parent))
    spec = importlib.util.spec_from_file_location("bench_slices", BENCH_SLICES)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, "bench_slices", module)  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def test_bench_slices_writes_its_report(
    bench_slices: ModuleType, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "slices.md"
    argv = ["--rows", "2e4", "--repeats", "1", "--sliceline-rows", "5000", "--out", str(out)]
    assert bench_slices.main(argv) == 0

    report = out.read_text(encoding="utf-8")
    for heading in HEADINGS:
        assert f"\n{heading}\n" in f"\n{report}", heading
    for method in ("`audit.slices` (pandas → numpy)", "`audit.slices` (duckdb)", "naive enumeration"):
        assert f"| {method}" in report, method
    assert "| naive counts equal ours for all" in report
    assert "**no**" not in report  # every agreement check holds
    assert "| c = c0 ∧ d = d1 ∧ e = e2 | 1 |" in report  # the order-3 planted slice ranks first
    assert capsys.readouterr().out.strip() == report.strip()
