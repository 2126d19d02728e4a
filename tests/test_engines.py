"""``Audit.from_frame`` gives the same audit from every dataframe engine.

pandas takes the numpy path (``cells_from_arrays.py``); polars (eager and lazy), pyarrow,
DuckDB, Dask and PySpark take the narwhals path (``engines.py``: one group-by, checks on
the aggregated table). Each engine's audit of the Adult test split is compared with the
pandas audit: the Cells, ``by_group`` with every metric, ``disparities`` (same cells and
same seed give the same bootstrap) and ``calibration``, with binned scores (the default
``resolution=1e-4``), exact scores (``resolution=None``) and hard predictions.

Everything is compared exactly, except sums of float scores (``Cells.score_sum`` and what
is computed from it: the ``ece`` metric and the calibration ``mean_score``). The engines
add the same scores in another order (polars threads, Dask partitions, Spark tasks), which
changes the last bits, and polars' lazy engine does not even add in the same order from
one run to the next; those are compared to ``SUM_RTOL``.

The sensitive columns are plain strings: a pandas categorical keeps its declared category
order (``groups.py``) while the engines sort the values, so a categorical gives the same
numbers under other group codes.

The engines are optional extras: a missing one skips its tests, unless the environment
variable ``CI`` is set, where it fails them.
"""

from __future__ import annotations

import importlib
import os
import re
import warnings
from collections.abc import Iterator
from types import ModuleType
from typing import Any

import numpy as np
import pandas as pd
import pytest

import fairness_widgets as fw
from fairness_widgets.compute.cells import Cells
from fairness_widgets.datasets import load_adult


def import_engine(module: str) -> ModuleType:
    """Import an optional engine: skip without it, but fail when ``CI`` is set."""
    if os.environ.get("CI"):
        return importlib.import_module(module)
    return pytest.importorskip(module)


ENGINES = ("polars", "polars_lazy", "pyarrow", "duckdb", "dask", "spark")
ALL_ENGINES = ("pandas", *ENGINES)
SENSITIVE = ["sex", "race", "age_band"]
REFERENCE = {"sex": "Male", "race": "White"}
MODES: dict[str, dict[str, Any]] = {
    "binned": {"y_score": "score"},
    "exact": {"y_score": "score", "resolution": None},
    "hard": {"y_pred": "pred"},
}
SCORE_MODES = ("binned", "exact")
#: Relative tolerance for sums of float scores added in another order (see the docstring).
SUM_RTOL = 1e-12
#: A threshold other than the audit's, equal to scores in the data and on a 1e-4 bin edge
#: where engines used to disagree: numpy's 0.603 / 1e-4 is 6029.999999999999, polars' 6030.0
#: (it divides by a literal as a multiplication by its reciprocal); the EDGE_TOLERANCE added
#: before flooring (cells.py) puts both in bin 6030.
OTHER_THRESHOLD = 0.603


def _cases(engines: tuple[str, ...], modes: tuple[str, ...]) -> list[Any]:
    return [pytest.param(engine, mode, id=f"{engine}-{mode}") for engine in engines for mode in modes]


def _all_of(*parts: str) -> str:
    """A regex matching text that contains every one of ``parts`` literally, in any order."""
    return "(?s)" + "".join(f"(?=.*{re.escape(part)})" for part in parts)


# --- data --------------------------------------------------------------------------------


def _adult() -> pd.DataFrame:
    """Adult test with a deterministic score and plain-string sensitive columns."""
    adult = load_adult("test")
    rng = np.random.default_rng(20_240_611)
    raw = (
        0.05 * adult["education_num"].to_numpy()
        + 0.006 * adult["hours_per_week"].to_numpy()
        + 0.3 * adult["label"].to_numpy()
        - 0.45
        + rng.normal(0.0, 0.12, len(adult))
    )
    milli = np.clip(np.round(raw * 1000), 0, 1000).astype(np.int64)
    # Scores on the calibration-bin edges (0.1, 0.2, ...) stay: a cell of three 0.7s sums to
    # 2.0999999999999996, and the bin must still be [0.7, 0.8) in every engine.
    score = milli / 1000
    age_band = pd.cut(adult["age"], [0, 24, 39, 59, 200], labels=["17-24", "25-39", "40-59", "60+"])
    return pd.DataFrame(
        {
            "label": adult["label"].to_numpy(dtype=np.int64),
            "income": adult["income"].astype(str).to_numpy(dtype=object),
            "score": score,
            "pred": (adult["education_num"] >= 13).to_numpy(dtype=np.int64),
            "sex": adult["sex"].astype(str).to_numpy(dtype=object),
            "race": adult["race"].astype(str).to_numpy(dtype=object),
            "age_band": age_band.astype(str).to_numpy(dtype=object),
        }
    )


@pytest.fixture(scope="module")
def adult() -> pd.DataFrame:
    data = _adult()
    # The data must exercise what the tests claim to compare.
    assert data[SENSITIVE].map(type).eq(str).all().all()
    assert (data["score"] == 0.5).sum() > 0, "no score on the threshold"
    assert (data["score"] == 0).sum() > 0
    assert (data["score"] == 1).sum() > 0
    assert (data["score"] == OTHER_THRESHOLD).sum() > 10
    assert data["score"].nunique() > 900
    return data


# --- engines -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    import_engine("pyspark")
    from pyspark.sql import SparkSession  # noqa: PLC0415 (optional extra)

    builder = (
        SparkSession.builder.master("local[2]")
        .appName("fairness-widgets-test-engines")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.sql.shuffle.partitions", "2")
    )
    with warnings.catch_warnings():
        # Starting a session imports pyspark.testing, which warns about pandas 3.
        warnings.filterwarnings("ignore", "PySpark does not yet fully support pandas", FutureWarning)
        try:
            session = builder.getOrCreate()
        except Exception as error:  # no Java, no free port: an environment without Spark
            if os.environ.get("CI"):
                raise
            pytest.skip(f"PySpark cannot start a local session: {error}")
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


@pytest.fixture(scope="module")
def duckdb_connection() -> Iterator[Any]:
    duckdb = import_engine("duckdb")
    connection = duckdb.connect()
    yield connection
    connection.close()


def native(engine: str, frame: pd.DataFrame, request: pytest.FixtureRequest, table: Any = None) -> Any:
    """``frame`` as ``engine``'s table; ``table`` is an Arrow version of it to use instead."""
    if engine == "pandas":
        return frame
    if engine == "dask":
        dd = import_engine("dask.dataframe")
        return dd.from_pandas(frame, npartitions=3)
    pa = import_engine("pyarrow")
    if table is None:
        table = pa.Table.from_pandas(frame, preserve_index=False)
    if engine == "pyarrow":
        return table
    if engine in ("polars", "polars_lazy"):
        pl = import_engine("polars")
        eager = pl.from_arrow(table)
        return eager.lazy() if engine == "polars_lazy" else eager
    if engine == "duckdb":
        return request.getfixturevalue("duckdb_connection").from_arrow(table)
    if engine == "spark":
        # From Arrow, not pandas: PySpark's pandas conversion warns about pandas 3.
        return request.getfixturevalue("spark").createDataFrame(table)
    raise AssertionError(f"unknown engine {engine}")


@pytest.fixture(scope="module")
def audits() -> dict[tuple[str, str], fw.Audit]:
    """Audits of the Adult data, built once per (engine, mode) for all the tests."""
    return {}


@pytest.fixture
def audit_of(
    request: pytest.FixtureRequest, adult: pd.DataFrame, audits: dict[tuple[str, str], fw.Audit]
) -> Any:
    def build(engine: str, mode: str) -> fw.Audit:
        if (engine, mode) not in audits:
            audits[engine, mode] = fw.Audit.from_frame(
                native(engine, adult, request), y_true="label", sensitive=SENSITIVE, **MODES[mode]
            )
        return audits[engine, mode]

    return build


# --- comparisons -------------------------------------------------------------------------


def _sorted_cells(cells: Cells) -> dict[str, Any]:
    keys = [cells.y_pred, cells.y_true, *cells.codes.T[::-1]]
    if cells.score is not None:
        keys.insert(0, cells.score)
    order = np.lexsort(keys)
    fields = ("codes", "y_true", "y_pred", "score", "score_sum", "count")
    return {name: None if getattr(cells, name) is None else getattr(cells, name)[order] for name in fields}


def assert_same_cells(actual: Cells, expected: Cells) -> None:
    assert actual.names == expected.names
    assert actual.levels == expected.levels
    assert (actual.threshold, actual.resolution) == (expected.threshold, expected.resolution)
    assert actual.codes.shape == expected.codes.shape, "different number of cells"
    got, want = _sorted_cells(actual), _sorted_cells(expected)
    for name in ("codes", "y_true", "y_pred", "score", "count"):
        if want[name] is None:
            assert got[name] is None, name
        else:
            np.testing.assert_array_equal(got[name], want[name], err_msg=name, strict=True)
    if want["score_sum"] is None:
        assert got["score_sum"] is None
    else:
        np.testing.assert_allclose(got["score_sum"], want["score_sum"], rtol=SUM_RTOL, atol=0)


def assert_same_table(
    actual: pd.DataFrame,
    expected: pd.DataFrame,
    *,
    sum_rows: np.ndarray | None = None,
    sum_columns: tuple[str, ...] = (),
) -> None:
    """Equal column by column, NaN-aware, exactly except ``sum_columns`` in ``sum_rows``."""
    assert list(actual.columns) == list(expected.columns)
    assert len(actual) == len(expected), f"{len(actual)} rows instead of {len(expected)}"
    rows = np.ones(len(expected), dtype=bool) if sum_rows is None else np.asarray(sum_rows)
    for column in expected.columns:
        got, want = actual[column].to_numpy(), expected[column].to_numpy()
        assert got.dtype == want.dtype, column
        if column in sum_columns:
            np.testing.assert_array_equal(got[~rows], want[~rows], err_msg=column)
            np.testing.assert_allclose(got[rows], want[rows], rtol=SUM_RTOL, atol=0, equal_nan=True)
        else:
            np.testing.assert_array_equal(got, want, err_msg=column)


def assert_same_by_group(actual: pd.DataFrame, expected: pd.DataFrame) -> None:
    assert_same_table(
        actual, expected, sum_rows=(expected["metric"] == "ece").to_numpy(), sum_columns=("value",)
    )


# --- the same audit from every engine ----------------------------------------------------

MODE_NAMES = tuple(MODES)


@pytest.mark.parametrize(("engine", "mode"), _cases(ENGINES, MODE_NAMES))
def test_cells_match_pandas(audit_of: Any, engine: str, mode: str) -> None:
    expected = audit_of("pandas", mode)
    assert expected.cells.n_rows == 16_281
    assert_same_cells(audit_of(engine, mode).cells, expected.cells)


@pytest.mark.parametrize(("engine", "mode"), _cases(ENGINES, MODE_NAMES))
def test_by_group_matches_pandas(audit_of: Any, engine: str, mode: str) -> None:
    expected, actual = audit_of("pandas", mode), audit_of(engine, mode)
    assert actual.metrics == expected.metrics
    assert_same_by_group(actual.by_group(list(actual.metrics)), expected.by_group(list(expected.metrics)))


@pytest.mark.parametrize(("engine", "mode"), _cases(ENGINES, SCORE_MODES))
def test_by_group_at_another_threshold_matches_pandas(audit_of: Any, engine: str, mode: str) -> None:
    metrics = ["count", "selection_rate", "true_positive_rate", "false_positive_rate", "f1"]
    expected = audit_of("pandas", mode).by_group(metrics, threshold=OTHER_THRESHOLD)
    assert_same_by_group(audit_of(engine, mode).by_group(metrics, threshold=OTHER_THRESHOLD), expected)


@pytest.mark.parametrize(("engine", "mode"), _cases(ENGINES, MODE_NAMES))
def test_disparities_match_pandas(audit_of: Any, engine: str, mode: str) -> None:
    expected = audit_of("pandas", mode).disparities(reference=REFERENCE)
    actual = audit_of(engine, mode).disparities(reference=REFERENCE)
    assert expected["ci_low"].notna().sum() > 50, "no bootstrap intervals to compare"
    pd.testing.assert_frame_equal(actual, expected, check_exact=True)


@pytest.mark.parametrize(("engine", "mode"), _cases(ENGINES, SCORE_MODES))
def test_calibration_matches_pandas(audit_of: Any, engine: str, mode: str) -> None:
    expected = audit_of("pandas", mode).calibration()
    assert expected["n"].sum() == 7 * 16_281  # every row, once per view
    assert_same_table(audit_of(engine, mode).calibration(), expected, sum_columns=("mean_score",))


# --- string labels -----------------------------------------------------------------------


@pytest.mark.parametrize("mode", ["binned", "hard"])
@pytest.mark.parametrize("engine", ALL_ENGINES)
def test_string_labels_with_pos_label(
    request: pytest.FixtureRequest, adult: pd.DataFrame, audit_of: Any, engine: str, mode: str
) -> None:
    frame = adult.assign(pred_label=np.where(adult["pred"] == 1, ">50K", "<=50K").astype(object))
    prediction = {"y_score": "score"} if mode == "binned" else {"y_pred": "pred_label"}
    strings = fw.Audit.from_frame(
        native(engine, frame, request),
        y_true="income",
        sensitive=SENSITIVE,
        pos_label=">50K",
        **prediction,
    )
    # ">50K" is the positive class: the same audit as pandas' with the 0/1 label.
    numbers = audit_of("pandas", mode)
    assert_same_cells(strings.cells, numbers.cells)
    assert_same_by_group(strings.by_group(list(strings.metrics)), numbers.by_group(list(numbers.metrics)))
    pd.testing.assert_frame_equal(
        strings.disparities(reference=REFERENCE), numbers.disparities(reference=REFERENCE), check_exact=True
    )


# --- missing and bad values --------------------------------------------------------------


@pytest.fixture(scope="module")
def missing_sex(adult: pd.DataFrame) -> pd.DataFrame:
    frame = adult.copy()
    frame.loc[::97, "sex"] = None
    return frame


@pytest.mark.parametrize("engine", ALL_ENGINES)
def test_missing_sensitive_value_raises(
    request: pytest.FixtureRequest, missing_sex: pd.DataFrame, engine: str
) -> None:
    n_missing = int(missing_sex["sex"].isna().sum())
    assert n_missing == 168
    with pytest.raises(ValueError, match=_all_of("'sex'", f"{n_missing:,} missing", "missing='group'")):
        fw.Audit.from_frame(
            native(engine, missing_sex, request), y_true="label", y_score="score", sensitive=SENSITIVE
        )


@pytest.mark.parametrize("engine", ALL_ENGINES)
def test_missing_group(request: pytest.FixtureRequest, missing_sex: pd.DataFrame, engine: str) -> None:
    kwargs: dict[str, Any] = {"y_true": "label", "y_score": "score", "sensitive": SENSITIVE}
    kwargs["missing"] = "group"
    audit = fw.Audit.from_frame(native(engine, missing_sex, request), **kwargs)
    assert audit.cells.levels[0] == ("Female", "Male", "(missing)")
    counts = audit.by_group("count", attributes="sex").set_index("group")["value"]
    expected_counts = missing_sex["sex"].fillna("(missing)").value_counts()
    assert counts.to_dict() == {group: float(n) for group, n in expected_counts.items()}
    assert counts["(missing)"] == 168
    if engine != "pandas":
        assert_same_cells(audit.cells, fw.Audit.from_frame(missing_sex, **kwargs).cells)


@pytest.mark.parametrize("engine", ALL_ENGINES)
def test_missing_labels_raise(request: pytest.FixtureRequest, adult: pd.DataFrame, engine: str) -> None:
    frame = adult.assign(label=adult["label"].astype("float64"))
    frame.loc[::101, "label"] = np.nan
    n_missing = int(frame["label"].isna().sum())
    assert n_missing == 162
    with pytest.raises(ValueError, match=_all_of(f"y_true has {n_missing:,} missing value(s)", "Drop")):
        fw.Audit.from_frame(
            native(engine, frame, request), y_true="label", y_score="score", sensitive=SENSITIVE
        )


def _nan_cases() -> list[Any]:
    cases = []
    for engine in ALL_ENGINES:
        for mode in SCORE_MODES:
            # pandas (and Dask, built from pandas) know no null apart from NaN.
            for kind in ("nan",) if engine in ("pandas", "dask") else ("null", "nan"):
                # Spark floors NaN to 0 and finds NaN >= threshold true: engines.py turns NaN
                # into null first (spark-binned-nan guards that).
                cases.append(pytest.param(engine, mode, kind, id=f"{engine}-{mode}-{kind}"))
    return cases


@pytest.mark.parametrize(("engine", "mode", "kind"), _nan_cases())
def test_missing_scores_raise(
    request: pytest.FixtureRequest, adult: pd.DataFrame, engine: str, mode: str, kind: str
) -> None:
    """A missing score, as a null or as a float NaN (Arrow, polars and Spark keep both)."""
    frame = adult.copy()
    frame.loc[::103, "score"] = np.nan
    n_missing = int(frame["score"].isna().sum())
    assert n_missing == 159
    table = None
    if engine not in ("pandas", "dask"):
        pa = import_engine("pyarrow")
        pc = import_engine("pyarrow.compute")
        table = pa.Table.from_pandas(frame, preserve_index=False)
        if kind == "nan":
            scores = pa.array(frame["score"].to_numpy(), from_pandas=False)
            assert scores.null_count == 0
            assert pc.is_nan(scores).true_count == n_missing
            table = table.set_column(table.schema.get_field_index("score"), "score", scores)
    with pytest.raises(ValueError, match=_all_of(f"y_score has {n_missing:,} missing value(s)", "Drop")):
        fw.Audit.from_frame(
            native(engine, frame, request, table), y_true="label", sensitive=SENSITIVE, **MODES[mode]
        )


@pytest.mark.parametrize("engine", ALL_ENGINES)
def test_score_above_one_raises(request: pytest.FixtureRequest, adult: pd.DataFrame, engine: str) -> None:
    frame = adult.copy()
    frame.loc[5, "score"] = 1.25
    with pytest.raises(ValueError, match=_all_of("y_score", "outside [0, 1]", "max 1.25", "predict_proba")):
        fw.Audit.from_frame(
            native(engine, frame, request), y_true="label", y_score="score", sensitive=SENSITIVE
        )


# --- calibration bins --------------------------------------------------------------------


@pytest.mark.parametrize("mode", SCORE_MODES)
@pytest.mark.parametrize("engine", ALL_ENGINES)
def test_calibration_bin_of_a_score_on_a_bin_edge(
    request: pytest.FixtureRequest, engine: str, mode: str
) -> None:
    """Three rows per cell scored exactly 0.7 belong to the bin [0.7, 0.8), in every engine."""
    frame = pd.DataFrame(
        {
            "label": [0, 0, 0, 1, 1, 1] * 2,
            "score": [0.7] * 12,
            "sex": ["Female"] * 6 + ["Male"] * 6,
        }
    )
    audit = fw.Audit.from_frame(
        native(engine, frame, request), y_true="label", sensitive=["sex"], **MODES[mode]
    )
    table = audit.calibration()
    assert table["n"].tolist() == [6, 6]
    assert table["bin_low"].tolist() == [0.7, 0.7]


# --- the optional-engine import ----------------------------------------------------------


def test_missing_engine_skips_outside_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="fairness_widgets_no_such_engine"):
        import_engine("fairness_widgets_no_such_engine")


def test_missing_engine_fails_on_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CI", "true")
    with pytest.raises(ImportError, match="fairness_widgets_no_such_engine"):
        import_engine("fairness_widgets_no_such_engine")
