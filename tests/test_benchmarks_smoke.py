"""benchmarks/bench_core.py and bench_tradeoff.py run end to end on tiny data and write their reports.

Only that it runs and what the report contains are checked: timings are the benchmark's
output, never a test's assertion.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

BENCH_CORE = Path(__file__).resolve().parents[1] / "benchmarks" / "bench_core.py"

HEADINGS = (
    "# Core benchmark: fairness_widgets vs fairlearn and aif360",
    "## Machine",
    "## Method",
    "## Requirements",
    "## Group metrics: 5 metrics, 40 intersectional groups",
    "## Bootstrap intervals (40 groups)",
    "## aif360 vs disparities (one attribute: sex, reference group Male)",
    "## Agreement (the benchmarked calls compute the same numbers)",
    "## Where the time goes (profile of our code)",
    "## Notes (estimates)",
)


@pytest.fixture
def bench_core(monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    pytest.importorskip("fairlearn")
    pytest.importorskip("aif360")
    spec = importlib.util.spec_from_file_location("bench_core", BENCH_CORE)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, "bench_core", module)  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def test_bench_core_writes_its_report(
    bench_core: ModuleType, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "report.md"
    argv = ["--rows", "2000", "--boot-rows", "2000", "--repeats", "1", "--inputs", "object", "int"]
    assert bench_core.main([*argv, "--skip-slow", "--profile", "--out", str(out)]) == 0

    report = out.read_text(encoding="utf-8")
    for heading in HEADINGS:
        assert f"\n{heading}\n" in f"\n{report}", heading
    # One row per measurement, and the same report on stdout.
    for name in ("fairlearn MetricFrame", "Audit + by_group, 40 groups", "floor: np.bincount"):
        assert f"| {name}" in report, name
    assert "resample_counts((40, 4), n_boot=1,000) alone" in report
    assert "aif360: 5 functions" in report
    assert "not measured (needs --rows 1e6)" in report  # the requirements are checked at 1e6 rows
    assert capsys.readouterr().out.strip() == report.strip()


def test_row_counts_accept_scientific_notation(bench_core: ModuleType) -> None:
    args = bench_core.parse_args(["--rows", "1e5", "2e3", "--out", "x.md"])
    assert args.rows == [100_000, 2_000]
    assert args.skip_slow  # the default invocation estimates the slow reference runs
    assert not bench_core.parse_args(["--no-skip-slow"]).skip_slow


BENCH_TRADEOFF = BENCH_CORE.with_name("bench_tradeoff.py")

TRADEOFF_HEADINGS = (
    "# Trade-off benchmark: frontier vs one argsort, fairlearn ThresholdOptimizer, slider updates",
    "## Machine",
    "## Method",
    "## Requirements",
    "## Frontier: `audit.tradeoff`, 20,000 rows, 40 groups",
    "## Where the time goes: demographic-parity frontier, scores exact",
    "## Where the time goes: demographic-parity frontier, scores binned at 1e-4",
    "## Where the time goes: equalized-odds frontier, scores binned at 1e-4",
    "## fairlearn ThresholdOptimizer vs our exact frontier (40 groups)",
    "## Browser: slider updates in JupyterLab",
)


@pytest.fixture
def bench_tradeoff(bench_core: ModuleType, monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    # bench_tradeoff imports bench_core (registered by the fixture above) from its own folder.
    monkeypatch.syspath_prepend(str(BENCH_TRADEOFF.parent))
    spec = importlib.util.spec_from_file_location("bench_tradeoff", BENCH_TRADEOFF)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, "bench_tradeoff", module)
    spec.loader.exec_module(module)
    return module


def test_bench_tradeoff_writes_its_report(
    bench_tradeoff: ModuleType, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "tradeoff.md"
    argv = ["--rows", "2e4", "--repeats", "1", "--skip-browser", "--fairlearn-rows", "5000"]
    assert bench_tradeoff.main([*argv, "--out", str(out)]) == 0

    report = out.read_text(encoding="utf-8")
    for heading in TRADEOFF_HEADINGS:
        assert f"\n{heading}\n" in f"\n{report}", heading
    # The yardstick, every score mode x constraint, the parts, and fairlearn on its subsample.
    assert "| `np.argsort(scores)` (the yardstick, one thread) |" in report
    for mode in ("exact", "1e-4", "1e-3", "1e-2"):
        for constraint in ("demographic_parity", "equal_opportunity", "predictive_parity", "equalized_odds"):
            assert f"| {mode} | `tradeoff('{constraint}')` |" in report, (mode, constraint)
    assert "| deterministic thresholds (`window_search`, given the hulls) |" in report
    # (read from the kept ROC chains where the view's histogram is kept: not at this size)
    assert "| upper hulls per group (`Hulls`) |" in report
    assert "one linear programme per other allowed disparity" in report
    assert "| 5,000 | demographic_parity (demographic_parity) |" in report
    assert "| 5,000 | true_positive_rate_parity (equal_opportunity) |" in report
    # The requirements are checked at 1e6 rows; the browser section was skipped.
    assert "not measured (needs --rows 1e6)" in report
    assert "not measured (--skip-browser)" in report
    for mode in ("1e-4, the default", "1e-3", "1e-2"):  # histogram mode, at each resolution
        assert (
            f"| Histogram frontier (resolution {mode}), 1,000,000 rows, 40 groups, equalized_odds, from "
            "the view's per-group score counts" in report
        )
    # Binned frontiers also report the view's first trade-off (which builds its histogram).
    assert "| the view's first (builds its histogram) |" in report
    assert capsys.readouterr().out.strip() == report.strip()


@pytest.mark.parametrize(
    ("stalls", "met"),
    [([], True), ([46.1], True), ([46.1, 20.0, 17.0, 30.0], True), ([46.1, 20.0, 17.0, 30.0, 16.5], False)],
)
def test_the_slider_check_leaves_out_the_longest_update_in_every_50(
    bench_tradeoff: ModuleType, stalls: list[float], met: bool
) -> None:
    """As Interaction to Next Paint counts a page's interactions: of 200 updates, the
    longest 4 are left out and the fifth must be under a frame; every stall is listed."""
    run = bench_tradeoff.BrowserRun(
        groups=50,
        points=[502, 524],
        moves=200,
        updates=[0.6] * (200 - len(stalls)) + stalls,
        with_layout=[1.0] * 200,
        chromium="test",
    )
    bench = bench_tradeoff.Benchmark(rows=1_000_000, repeats=1, browser=run)
    check = bench._browser_check()
    assert check.met is met
    assert f"{len(stalls)} over 16 ms" in check.measured
    for stall in stalls:
        assert f"{stall:.1f}" in check.measured
