"""A catalogue of bad inputs: each fails early with a ValueError naming the culprit and a
fix, or has a documented behaviour (tested here); none gives a wrong number.

Every case goes through each entry point it applies to: ``prepare_inputs``, ``Audit``
and ``Dashboard`` for arrays; ``Audit.from_frame`` for a pandas DataFrame (the numpy row
pass) and for a polars DataFrame (the engines path, which checks the aggregated table).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import polars as pl
import pytest

import fairness_widgets as fw
from fairness_widgets import Audit
from fairness_widgets.compute.groups import MISSING_GROUP
from fairness_widgets.compute.inputs import prepare_inputs
from fairness_widgets.compute.metrics import COUNT_METRICS
from fairness_widgets.datasets import load_adult

SEX = ["f", "m", "f", "m", "f", "m"]
Y = [0, 1, 1, 0, 1, 0]
N_IDS = 10_000


def _all_of(*parts: str) -> str:
    """A regex matching text that contains every one of ``parts`` literally, in any order."""
    return "(?s)" + "".join(f"(?=.*{re.escape(part)})" for part in parts)


# --- arrays: prepare_inputs, Audit, Dashboard ---------------------------------------------

ARRAYS = ("prepare_inputs", "Audit", "Dashboard")


@dataclass(frozen=True)
class Case:
    id: str
    kwargs: dict[str, Any]
    message: tuple[str, ...]
    #: Entry points that take these arguments.
    entries: tuple[str, ...] = ARRAYS
    extra: dict[str, Any] = field(default_factory=dict)


def _kwargs(**overrides: Any) -> dict[str, Any]:
    kwargs: dict[str, Any] = {"y_true": Y, "y_pred": Y[::-1], "sensitive": {"sex": SEX}}
    kwargs.update(overrides)
    return {key: value for key, value in kwargs.items() if value is not None}


def _scores(**overrides: Any) -> dict[str, Any]:
    return _kwargs(y_pred=None, **{"y_score": np.linspace(0, 1, 6), **overrides})


CASES = [
    Case(
        "lengths differ",
        _kwargs(y_pred=Y[:5]),
        ("y_true has 6", "y_pred has 5", "sensitive['sex'] has 6", "Pass the same rows"),
    ),
    Case(
        "lengths differ (scores, sensitive)",
        _scores(sensitive={"sex": SEX[:4]}),
        ("y_true has 6", "y_score has 6", "sensitive['sex'] has 4", "Pass the same rows"),
    ),
    Case(
        "NaN in y_true",
        _kwargs(y_true=[0, np.nan, 1, np.nan, 1, 0]),
        ("y_true", "2 missing value(s)", "1, 3", "Drop those rows"),
    ),
    Case(
        "None in y_true",
        _kwargs(y_true=pd.Series([0, 1, None, 0, 1, 0], dtype="Int64")),
        ("y_true", "1 missing value(s)", "Drop those rows"),
    ),
    Case(
        "None in a plain list y_true",
        _kwargs(y_true=[0, 1, None, 0, 1, 0]),
        ("y_true", "1 missing value(s)", "position(s) 2", "Drop those rows"),
    ),
    Case(
        "NaN in y_pred",
        _kwargs(y_pred=[0.0, 1.0, np.nan, 0.0, 1.0, 0.0]),
        ("y_pred", "1 missing value(s)", "position(s) 2", "Drop those rows"),
    ),
    Case(
        "NaN in y_score",
        _scores(y_score=[0.1, 0.2, np.nan, 0.4, 0.5, 0.6]),
        ("y_score", "1 missing value(s)", "position(s) 2", "Drop those rows"),
    ),
    Case(
        "inf in y_score",
        _scores(y_score=[0.1, np.inf, 0.3, -np.inf, 0.5, 0.6]),
        ("y_score", "2 infinite value(s)", "1, 3", "must be finite"),
    ),
    Case(
        "y_score outside [0, 1]",
        _scores(y_score=[0.1, 1.5, 0.3, -0.2, 0.5, 0.6]),
        ("y_score has 2 value(s) outside [0, 1]", "min -0.2, max 1.5", "predict_proba", "expit", "y_pred="),
    ),
    Case(
        "decision_function scores",
        _scores(y_score=[-3.2, 1.1, 0.4, -0.7, 2.5, -1.0]),
        ("y_score has 5 value(s) outside [0, 1]", "decision_function", "expit"),
    ),
    Case(
        "three label values",
        _kwargs(y_true=[0, 1, 2, 0, 1, 2]),
        ("y_true", "binary", "3 distinct values", "Map it to 0/1"),
    ),
    Case(
        "three prediction values",
        _kwargs(y_pred=[0, 1, 2, 0, 1, 2]),
        ("y_pred", "binary", "3 distinct values", "Map it to 0/1"),
    ),
    Case(
        "string labels without pos_label",
        _kwargs(y_true=["no", "yes", "yes", "no", "yes", "no"]),
        ("y_true", "'no', 'yes'", "not 0/1", "pos_label="),
    ),
    Case(
        "pos_label not present",
        _kwargs(y_true=["no", "yes", "yes", "no", "yes", "no"], y_pred=["no"] * 6, pos_label="maybe"),
        ("pos_label='maybe'", "does not occur in y_true", "'no', 'yes'", "Pass one of those values"),
    ),
    Case(
        "pos_label with a third label",
        _kwargs(y_true=["no", "yes", "maybe", "no", "yes", "no"], pos_label="yes"),
        ("y_true must be binary", "3 distinct values", "y_true == 'yes'"),
    ),
    Case(
        "sensitive column with one value",
        _kwargs(sensitive=pd.DataFrame({"sex": SEX, "country": ["DE"] * 6})),
        ("'country'", "single value", "'DE'", "at least two", "Drop this column"),
    ),
    Case(
        "sensitive column with missing values",
        _kwargs(sensitive=pd.DataFrame({"sex": SEX, "race": ["a", "b", None, "a", None, "b"]})),
        ("'race'", "2 missing value(s)", "fillna(", "missing='group'", "'(missing)'"),
    ),
    Case(
        "sensitive column with None group names",
        _kwargs(sensitive={"race": ["a", None, "b", None, "a", "b"]}),
        ("'race'", "2 missing value(s)", "fillna(", "missing='group'"),
    ),
    Case(
        "sensitive categorical with missing values",
        _kwargs(sensitive=pd.Series(pd.Categorical(["a", "b", np.nan, "a", "b", "a"]), name="race")),
        ("'race'", "1 missing value(s)", "fillna("),
    ),
    Case(
        "sensitive column with 10,000 levels",
        {
            "y_true": np.arange(N_IDS) % 2,
            "y_pred": np.arange(N_IDS) % 3 == 0,
            "sensitive": pd.DataFrame({"sex": np.arange(N_IDS) % 2, "person_id": np.arange(N_IDS)}),
        },
        ("'person_id'", "10,000 distinct values", "1,000", "Bin it", "pd.cut("),
    ),
    Case(
        "both y_pred and y_score",
        _kwargs(y_score=np.linspace(0, 1, 6)),
        ("exactly one of y_pred=", "y_score="),
    ),
    Case(
        "neither y_pred nor y_score",
        _kwargs(y_pred=None),
        ("exactly one of y_pred=", "y_score="),
    ),
    Case(
        "empty inputs",
        {"y_true": [], "y_pred": [], "sensitive": pd.DataFrame({"sex": pd.Series([], dtype=str)})},
        ("empty", "0 rows", "at least one row"),
    ),
    Case(
        "empty sensitive",
        _kwargs(sensitive={}),
        ("sensitive is empty", "at least one sensitive column"),
    ),
    Case(
        "2-D y_true",
        _kwargs(y_true=np.zeros((6, 2))),
        ("y_true", "one-dimensional", "(6, 2)", "one value per row"),
    ),
    Case(
        "DataFrame with 2 columns as y_true",
        _kwargs(y_true=pd.DataFrame({"label": Y, "income": Y})),
        ("y_true must be one column", "2 columns", "label, income", "df['label']"),
    ),
    Case(
        "duplicate sensitive column names",
        _kwargs(sensitive=pd.DataFrame([[s, s] for s in SEX], columns=["sex", "sex"])),
        ("duplicate column names", "'sex', 'sex'", "its own name"),
    ),
    Case(
        "y_score of strings",
        _scores(y_score=["low", "high", "high", "low", "high", "low"]),
        ("y_score must be numeric", "predict_proba", "pass y_pred= instead"),
    ),
    Case("threshold NaN", _scores(threshold=float("nan")), ("threshold", "finite", "nan")),
    Case("threshold inf", _scores(threshold=float("inf")), ("threshold", "finite", "inf")),
    Case("threshold string", _scores(threshold="0.5"), ("threshold must be a number", "'0.5'")),
    Case(
        "missing policy unknown",
        _kwargs(missing="drop"),
        ("missing must be 'error' or 'group'", "'drop'"),
        entries=("prepare_inputs", "Audit"),
    ),
    *(
        Case(
            f"resolution {value!r}",
            _scores(resolution=value),
            ("resolution must be None", "(0, 0.5]", "1e-4", f"got {value!r}"),
            entries=("Audit",),
        )
        for value in (0, 2, "x", -1e-4)
    ),
    *(
        Case(
            f"min_group_size {value!r}",
            _kwargs(min_group_size=value),
            ("min_group_size must be a positive integer", f"got {value!r}"),
            entries=("Audit", "Dashboard"),
        )
        for value in (0, -5, 2.5, True)
    ),
]


def _via_prepare_inputs(kwargs: dict[str, Any]) -> object:
    kwargs = dict(kwargs)
    return prepare_inputs(kwargs.pop("y_true"), **kwargs)


def _via_audit(kwargs: dict[str, Any]) -> object:
    kwargs = dict(kwargs)
    return Audit(kwargs.pop("y_true"), **kwargs)


def _via_dashboard(kwargs: dict[str, Any]) -> object:
    kwargs = dict(kwargs)
    return fw.Dashboard(kwargs.pop("y_true"), **kwargs)


ENTRY_POINTS: dict[str, Callable[[dict[str, Any]], object]] = {
    "prepare_inputs": _via_prepare_inputs,
    "Audit": _via_audit,
    "Dashboard": _via_dashboard,
}

CASE_ENTRIES = [
    pytest.param(case, entry, id=f"{case.id}-{entry}") for case in CASES for entry in case.entries
]


def test_the_catalogue_is_large() -> None:
    assert len({case.id for case in CASES}) == len(CASES) >= 25


@pytest.mark.parametrize(("case", "entry"), CASE_ENTRIES)
def test_bad_input_raises_a_helpful_value_error(case: Case, entry: str) -> None:
    with pytest.raises(ValueError, match=_all_of(*case.message)):
        ENTRY_POINTS[entry](case.kwargs)


@pytest.mark.parametrize("case", [case for case in CASES if len(case.entries) > 1], ids=lambda case: case.id)
def test_every_entry_point_raises_the_same_error(case: Case) -> None:
    messages = set()
    for entry in case.entries:
        with pytest.raises(ValueError, match=_all_of(*case.message)) as error:
            ENTRY_POINTS[entry](case.kwargs)
        messages.add(str(error.value))
    assert len(messages) == 1


@pytest.mark.parametrize("entry", ARRAYS)
@pytest.mark.parametrize(
    ("values", "message"),
    [
        # numpy turns [str, nan] into strings, so NaN becomes a group called "nan".
        (["a", np.nan, "b", "b", "a", np.nan], ("'race'", "2 missing value(s)", "fillna(")),
        # ... and [1, "1"] into ["1", "1"], silently merging two distinct values.
        ([1, "1", 2, 2, 1, "1"], ("'race'", "print the same", ".astype(str)")),
    ],
    ids=["NaN among strings", "1 and '1'"],
)
def test_sensitive_plain_list_is_checked_like_a_series(
    entry: str, values: list[Any], message: tuple[str, ...]
) -> None:
    # The same column as a pandas Series is refused with this message (see CASES).
    with pytest.raises(ValueError, match=_all_of(*message)):
        _via_prepare_inputs(_kwargs(sensitive={"race": pd.Series(values, dtype=object)}))
    with pytest.raises(ValueError, match=_all_of(*message)):
        ENTRY_POINTS[entry](_kwargs(sensitive={"race": values}))


# --- tables: Audit.from_frame on pandas (numpy row pass) and polars (engines path) ----------

ENGINES = ("pandas", "polars")


def _table(columns: dict[str, Any], engine: str) -> Any:
    if engine == "pandas":
        return pd.DataFrame(columns)
    return pl.DataFrame(columns, strict=False)


@dataclass(frozen=True)
class FrameCase:
    id: str
    columns: dict[str, Any]
    kwargs: dict[str, Any]
    message: tuple[str, ...]


def _columns(**overrides: Any) -> dict[str, Any]:
    return {"label": Y, "pred": Y[::-1], "score": list(np.linspace(0, 1, 6)), "sex": SEX} | overrides


HARD = {"y_true": "label", "y_pred": "pred", "sensitive": ["sex"]}
SOFT = {"y_true": "label", "y_score": "score", "sensitive": ["sex"]}

FRAME_CASES = [
    FrameCase(
        "NaN labels",
        _columns(label=[0, np.nan, 1, np.nan, 1, 0]),
        HARD,
        ("y_true has 2 missing value(s) (NaN/None)", "Drop those rows"),
    ),
    FrameCase(
        "None labels",
        _columns(label=[0, 1, None, 0, 1, 0]),
        HARD,
        ("y_true has 1 missing value(s) (NaN/None)", "Drop those rows"),
    ),
    FrameCase(
        "None predictions",
        _columns(pred=[0, 1, None, 0, 1, 0]),
        HARD,
        ("y_pred has 1 missing value(s) (NaN/None)", "Drop those rows"),
    ),
    FrameCase(
        "NaN scores",
        _columns(score=[0.1, 0.2, np.nan, 0.4, 0.5, 0.6]),
        SOFT,
        ("y_score has 1 missing value(s) (NaN/None)", "Drop", "before auditing"),
    ),
    FrameCase(
        "None scores",
        _columns(score=[0.1, 0.2, None, None, 0.5, 0.6]),
        SOFT,
        ("y_score has 2 missing value(s) (NaN/None)", "Drop", "before auditing"),
    ),
    FrameCase(
        "inf scores",
        _columns(score=[0.1, np.inf, 0.3, -np.inf, 0.5, 0.6]),
        SOFT,
        ("y_score has", "infinite value", "must be finite", "model output"),
    ),
    FrameCase(
        "scores outside [0, 1]",
        _columns(score=[0.1, 1.5, 0.3, -0.2, 0.5, 0.6]),
        SOFT,
        ("y_score has", "outside [0, 1]", "min -0.2, max 1.5", "predict_proba", "y_pred="),
    ),
    FrameCase(
        "three label values",
        _columns(label=[0, 1, 2, 0, 1, 2]),
        HARD,
        ("y_true must be binary", "3 distinct values", "Map it to 0/1"),
    ),
    FrameCase(
        "string labels without pos_label",
        _columns(label=["no", "yes", "yes", "no", "yes", "no"]),
        HARD,
        ("y_true holds the labels", "'no'", "'yes'", "not 0/1", "pos_label="),
    ),
    FrameCase(
        "pos_label not present",
        _columns(label=["no", "yes", "yes", "no", "yes", "no"], pred=["no", "yes"] * 3),
        HARD | {"pos_label": "maybe"},
        ("pos_label='maybe' does not occur in y_true", "'no'", "'yes'", "Pass one of those values"),
    ),
    FrameCase(
        "empty table",
        {"label": pd.Series([], dtype="int64"), "pred": pd.Series([], dtype="int64"), "sex": []},
        HARD,
        ("empty (0 rows)", "at least one row"),
    ),
    FrameCase(
        "sensitive column with one value",
        _columns(country=["DE"] * 6),
        HARD | {"sensitive": ["sex", "country"]},
        ("Sensitive column 'country' has a single value ('DE')", "at least two", "Drop this column"),
    ),
    FrameCase(
        "sensitive column with 10,000 levels",
        {"label": np.arange(N_IDS) % 2, "pred": np.arange(N_IDS) % 3 == 0, "person_id": np.arange(N_IDS)},
        HARD | {"sensitive": ["person_id"]},
        ("'person_id' has 10,000 distinct values", "1,000", "Bin it", "pd.cut("),
    ),
    FrameCase(
        "sensitive column with missing values",
        _columns(race=["a", "b", None, "a", None, "b"]),
        HARD | {"sensitive": ["sex", "race"]},
        ("Sensitive column 'race' has 2 missing value(s)", "fillna(", "missing='group'", "'(missing)'"),
    ),
    FrameCase(
        "y_true column does not exist",
        _columns(),
        HARD | {"y_true": "income"},
        ("y_true='income' is not a column", "'label', 'pred', 'score', 'sex'"),
    ),
    FrameCase(
        "y_score column does not exist",
        _columns(),
        SOFT | {"y_score": "proba"},
        ("y_score='proba' is not a column", "'label', 'pred', 'score', 'sex'"),
    ),
    FrameCase(
        "sensitive column does not exist",
        _columns(),
        HARD | {"sensitive": ["sex", "gender"]},
        ("sensitive[1]='gender' is not a column", "'label', 'pred', 'score', 'sex'"),
    ),
    FrameCase(
        "both y_pred and y_score",
        _columns(),
        HARD | {"y_score": "score"},
        ("Pass exactly one of y_pred= or y_score=",),
    ),
    FrameCase(
        "neither y_pred nor y_score", _columns(), {"y_true": "label", "sensitive": ["sex"]}, ("exactly one",)
    ),
    FrameCase("no sensitive column", _columns(), HARD | {"sensitive": []}, ("sensitive is empty",)),
    FrameCase(
        "threshold NaN", _columns(), SOFT | {"threshold": float("nan")}, ("threshold must be a finite", "nan")
    ),
    FrameCase("threshold string", _columns(), SOFT | {"threshold": "0.5"}, ("threshold must be a number",)),
    *(
        FrameCase(
            f"resolution {value!r}",
            _columns(),
            SOFT | {"resolution": value},
            ("resolution must be None", "(0, 0.5]", f"got {value!r}"),
        )
        for value in (0, 2, "x")
    ),
    FrameCase(
        "min_group_size 0",
        _columns(),
        HARD | {"min_group_size": 0},
        ("min_group_size must be a positive integer", "got 0"),
    ),
    FrameCase(
        "missing policy unknown",
        _columns(),
        HARD | {"missing": "drop"},
        ("missing must be 'error' or 'group'",),
    ),
]

FRAME_CASE_ENGINES = [
    pytest.param(case, engine, id=f"{case.id}-{engine}") for case in FRAME_CASES for engine in ENGINES
]


def test_the_frame_catalogue_is_large() -> None:
    assert len({case.id for case in FRAME_CASES}) == len(FRAME_CASES) >= 25


# engines.py casts the predictions of the missing scores to int8 before refusing them.
@pytest.mark.filterwarnings("ignore:invalid value encountered in cast:RuntimeWarning")
@pytest.mark.parametrize(("case", "engine"), FRAME_CASE_ENGINES)
def test_bad_table_raises_a_helpful_value_error(case: FrameCase, engine: str) -> None:
    data = _table(case.columns, engine)
    with pytest.raises(ValueError, match=_all_of(*case.message)):
        Audit.from_frame(data, **case.kwargs)


@pytest.mark.parametrize(
    "engine",
    [
        "pandas",
        "polars",
    ],
)
def test_string_scores_in_a_table(engine: str) -> None:
    data = _table(_columns(score=["low", "high", "high", "low", "high", "low"]), engine)
    with pytest.raises(ValueError, match=_all_of("y_score must be numeric", "y_pred=")):
        Audit.from_frame(data, **SOFT)


@pytest.mark.parametrize("data", [[[0, 1, "f"]], {"label": [0, 1]}, np.zeros((2, 3)), "adult.csv"])
def test_unsupported_data_names_the_supported_engines(data: Any) -> None:
    message = ("data must be", "pandas, polars or pyarrow", "DuckDB", "Dask or PySpark", type(data).__name__)
    with pytest.raises(ValueError, match=_all_of(*message)):
        Audit.from_frame(data, **HARD)


# --- bad arguments to an audit's methods ------------------------------------------------


@pytest.fixture(scope="module")
def hard() -> Audit:
    # Every sex and race occurs, but no "f × b".
    return Audit(Y, y_pred=Y[::-1], sensitive={"sex": SEX, "race": ["a", "b", "a", "b", "a", "a"]})


@pytest.fixture(scope="module")
def soft() -> Audit:
    return Audit(Y, y_score=np.linspace(0, 1, 6), sensitive={"sex": SEX})


METHOD_CASES: list[tuple[str, str, Callable[[Audit], object], tuple[str, ...]]] = [
    (
        "unknown metric",
        "hard",
        lambda a: a.by_group(["recall"]),
        ("Unknown metric 'recall'", "choose one of: selection_rate", "true_positive_rate"),
    ),
    (
        "unknown metric in overall",
        "hard",
        lambda a: a.overall("tpr"),
        ("Unknown metric 'tpr'", "choose one of"),
    ),
    (
        "AUC without scores",
        "hard",
        lambda a: a.by_group(["auc"]),
        ("Metric 'auc' needs scores", "hard predictions", "y_score="),
    ),
    (
        "calibration error without scores",
        "hard",
        lambda a: a.overall(["ece"]),
        ("Metric 'ece' needs scores", "y_score="),
    ),
    ("calibration table without scores", "hard", lambda a: a.calibration(), ("need scores", "y_score=")),
    (
        "other threshold without scores",
        "hard",
        lambda a: a.by_group(threshold=0.3),
        ("hard predictions", "no scores to threshold", "y_score="),
    ),
    (
        "unknown attribute",
        "hard",
        lambda a: a.by_group(attributes=["age"]),
        ("Unknown sensitive attribute 'age'", "'sex', 'race', 'sex × race'"),
    ),
    (
        "unknown attribute in disparities",
        "hard",
        lambda a: a.disparities(attributes="sex × age"),
        ("Unknown sensitive attribute 'sex × age'", "'sex × race'"),
    ),
    (
        "unknown reference group",
        "hard",
        lambda a: a.disparities(reference={"sex": "x"}),
        ("Reference group 'x' does not occur in 'sex'", "['f', 'm']"),
    ),
    (
        "unknown crossed reference group",
        "hard",
        lambda a: a.disparities(reference={"sex": "f", "race": "b"}),
        ("Reference group 'f × b' does not occur in 'sex × race'", "'f × a', 'm × a', 'm × b'"),
    ),
    (
        "threshold NaN in by_group",
        "soft",
        lambda a: a.by_group(threshold=float("nan")),
        ("threshold must be a finite number", "nan"),
    ),
    (
        "confidence out of (0, 1)",
        "soft",
        lambda a: a.by_group(confidence=95),
        ("confidence must be strictly between 0 and 1", "95"),
    ),
    ("no bootstrap resamples", "soft", lambda a: a.disparities(n_boot=0), ("n_boot must be a positive", "0")),
    (
        "negative allowed disparity",
        "soft",
        lambda a: a.tradeoff("demographic_parity", epsilons=[0.1, -0.05, float("nan")]),
        ("epsilons must be finite and non-negative", "e.g. [0, 0.02, 0.05]", "[-0.05, nan]"),
    ),
]


@pytest.mark.parametrize(
    ("audit", "call", "message"),
    [pytest.param(audit, call, message, id=name) for name, audit, call, message in METHOD_CASES],
)
def test_bad_method_argument_raises_a_helpful_value_error(
    request: pytest.FixtureRequest, audit: str, call: Callable[[Audit], object], message: tuple[str, ...]
) -> None:
    with pytest.raises(ValueError, match=_all_of(*message)):
        call(request.getfixturevalue(audit))


def test_threshold_string_in_by_group(soft: Audit) -> None:
    with pytest.raises(ValueError, match=_all_of("threshold must be a number", "'0.3'")):
        soft.by_group(threshold="0.3")  # type: ignore[arg-type]


# --- documented behaviour: odd inputs that must work, with the right numbers ---------------


def _from(source: str, columns: dict[str, Any], **kwargs: Any) -> Audit:
    """An audit of ``columns`` (label, pred or score, then sensitive columns) by one path."""
    sensitive = [name for name in columns if name not in ("label", "pred", "score")]
    prediction = {"y_pred": "pred"} if "pred" in columns else {"y_score": "score"}
    if source == "arrays":
        arrays = {key: columns[value] for key, value in prediction.items()}
        return Audit(
            columns["label"], sensitive={name: columns[name] for name in sensitive}, **arrays, **kwargs
        )
    return Audit.from_frame(
        _table(columns, source), y_true="label", sensitive=sensitive, **prediction, **kwargs
    )


SOURCES = ("arrays", "pandas", "polars")


@pytest.mark.parametrize("source", SOURCES)
def test_group_with_one_class_has_undefined_rates_not_an_error(source: str) -> None:
    # Group "b" has no positives: its true positive rate is undefined (NaN), never 0.
    columns = {
        "label": [1, 0, 1, 0, 0, 0],
        "pred": [1, 1, 0, 1, 0, 0],
        "group": ["a", "a", "a", "b", "b", "b"],
    }
    table = _from(source, columns).by_group(
        ["true_positive_rate", "false_positive_rate", "balanced_accuracy"]
    )
    values = table.set_index(["group", "metric"])
    b_tpr = values.loc[("b", "true_positive_rate")]
    assert np.isnan(b_tpr["value"])
    assert b_tpr["n"] == 0
    assert np.isnan(b_tpr["ci_low"])
    assert b_tpr["small"]
    assert np.isnan(values.loc[("b", "balanced_accuracy"), "value"])
    assert values.loc[("b", "false_positive_rate"), "value"] == pytest.approx(1 / 3)
    assert values.loc[("a", "true_positive_rate"), "value"] == 0.5


@pytest.mark.parametrize("source", SOURCES)
def test_missing_group_makes_a_missing_group(source: str) -> None:
    race = ["a", None, "b", None, "a", "b"]
    columns = {"label": Y, "pred": [1, 1, 0, 0, 1, 0], "race": race}
    with pytest.raises(ValueError, match=_all_of("'race' has 2 missing value(s)", "missing='group'")):
        _from(source, columns)
    table = _from(source, columns, missing="group").by_group(["count", "selection_rate"], attributes="race")
    filled = [MISSING_GROUP if value is None else value for value in race]
    expected = _from("arrays", columns | {"race": filled}).by_group(["count", "selection_rate"])
    assert set(table["group"]) == {"a", "b", MISSING_GROUP}
    rates = table.set_index(["group", "metric"])["value"]
    assert rates[(MISSING_GROUP, "count")] == 2
    assert rates[(MISSING_GROUP, "selection_rate")] == 0.5
    pd.testing.assert_series_equal(rates, expected.set_index(["group", "metric"])["value"].loc[rates.index])


@pytest.mark.parametrize("source", SOURCES)
def test_none_is_missing_but_the_string_none_is_a_group(source: str) -> None:
    columns = {"label": Y, "pred": Y, "team": ["None", None, "None", "x", None, "x"]}
    with pytest.raises(ValueError, match=_all_of("'team' has 2 missing value(s)")):
        _from(source, columns)
    counts = _from(source, columns, missing="group").by_group(["count"]).set_index("group")["value"]
    assert counts.to_dict() == {"None": 2.0, "x": 2.0, MISSING_GROUP: 2.0}


@pytest.mark.parametrize("source", SOURCES)
def test_unicode_group_names_everywhere(source: str) -> None:
    columns = {"label": Y, "pred": Y, "grupo": ["Ñandú", "女性"] * 3, "sex": ["f", "f", "f", "m", "m", "m"]}
    audit = _from(source, columns)
    table = audit.by_group(["count", "base_rate"]).set_index(["attribute", "group", "metric"])["value"]
    # Y at the Ñandú rows is 0, 1, 1; at the 女性 rows 1, 0, 0.
    assert table[("grupo", "Ñandú", "base_rate")] == pytest.approx(2 / 3)
    assert table[("grupo", "女性", "base_rate")] == pytest.approx(1 / 3)
    assert {group for attribute, group, _ in table.index if attribute == "grupo × sex"} == {
        "Ñandú × f",
        "女性 × f",
        "Ñandú × m",
        "女性 × m",
    }


def test_dashboard_of_arrays_accepts_missing_group() -> None:
    widget = fw.Dashboard(Y, y_pred=Y, sensitive={"race": ["a", None, "b", None, "a", "b"]}, missing="group")
    assert {row["group"] for row in widget.tables["race"]} == {"a", "b", MISSING_GROUP}


def test_string_labels_with_no_positive_prediction() -> None:
    y_true = ["no", "yes", "yes", "no", "yes", "no"]
    audit = Audit(y_true, y_pred=["no"] * 6, sensitive={"sex": SEX}, pos_label="yes")
    assert audit.overall(["selection_rate", "base_rate"]).to_dict() == {
        "selection_rate": 0.0,
        "base_rate": 0.5,
    }


def test_all_zero_predictions_are_accepted() -> None:
    audit = Audit(Y, y_pred=[0] * 6, sensitive={"sex": SEX})
    overall = audit.overall(["selection_rate", "true_positive_rate", "precision"])
    assert overall["selection_rate"] == 0
    assert overall["true_positive_rate"] == 0
    assert np.isnan(overall["precision"])  # no positive prediction to be precise about


def test_unicode_group_names() -> None:
    groups = ["Ñandú", "女性", "Ñandú", "女性", "Ñandú", "女性"]
    inputs = prepare_inputs(Y, y_pred=Y, sensitive={"grupo": groups})
    assert inputs.attributes[0].levels == ("Ñandú", "女性")
    assert Audit(Y, y_pred=Y, sensitive={"grupo": groups}).views[0].levels == ("Ñandú", "女性")
    widget = fw.Dashboard(Y, y_pred=Y, sensitive={"grupo": groups})
    rows = widget.tables["grupo"]
    assert [row["group"] for row in rows] == ["Ñandú", "女性"]
    assert [row["size"] for row in rows] == [3, 3]
    # Y at the Ñandú rows is 0, 1, 1; at the 女性 rows 1, 0, 0.
    assert rows[0]["value"]["base_rate"] == pytest.approx(2 / 3)
    assert rows[1]["value"]["base_rate"] == pytest.approx(1 / 3)
    assert set(widget.by_group()["group"]) == {"Ñandú", "女性"}


def test_unicode_group_names_in_the_intersection() -> None:
    widget = fw.Dashboard(
        Y, y_pred=Y, sensitive={"grupo": ["Ñandú", "女性"] * 3, "sex": ["f", "f", "f", "m", "m", "m"]}
    )
    assert set(widget.tables) == {"grupo", "sex", "grupo × sex"}
    assert {row["group"] for row in widget.tables["grupo × sex"]} == {
        "Ñandú × f",
        "女性 × f",
        "Ñandú × m",
        "女性 × m",
    }


@pytest.fixture(scope="module")
def adult_test() -> pd.DataFrame:
    return load_adult("test")


def _frame(y_true: Any, sensitive: Any, **kwargs: Any) -> pd.DataFrame:
    return Audit(y_true, sensitive=sensitive, **kwargs).by_group(list(COUNT_METRICS))


def test_boolean_labels_equal_0_1_labels(adult_test: pd.DataFrame) -> None:
    old = adult_test["age"] > 40
    reference = _frame(adult_test["label"], adult_test["sex"], y_pred=old.astype(int))
    as_bools = _frame(adult_test["label"].astype(bool), adult_test["sex"], y_pred=old)
    pd.testing.assert_frame_equal(as_bools, reference)
    as_numpy_bools = _frame(
        adult_test["label"].to_numpy(dtype=bool), adult_test["sex"], y_pred=old.to_numpy()
    )
    pd.testing.assert_frame_equal(as_numpy_bools, reference)


def test_string_labels_with_pos_label(adult_test: pd.DataFrame) -> None:
    old = adult_test["age"] > 40
    reference = _frame(adult_test["label"], adult_test["race"], y_pred=old.astype(int))
    predicted = np.where(old, ">50K", "<=50K")
    # income is categorical; pass it as is and as plain strings.
    for y_true in (adult_test["income"], adult_test["income"].astype(str).to_numpy()):
        result = _frame(y_true, adult_test["race"], y_pred=predicted, pos_label=">50K")
        pd.testing.assert_frame_equal(result, reference)
    # The other label as positive flips every rate: pos_label is honoured, not guessed.
    flipped = _frame(adult_test["income"], adult_test["race"], y_pred=predicted, pos_label="<=50K")
    base = flipped[flipped["metric"] == "base_rate"]["value"].to_numpy()
    np.testing.assert_allclose(
        base, 1 - reference[reference["metric"] == "base_rate"]["value"].to_numpy(), atol=1e-12
    )


def test_y_score_with_threshold_equals_thresholded_y_pred(adult_test: pd.DataFrame) -> None:
    score = (adult_test["age"] - 17) / 73.0
    threshold = (40 - 17) / 73.0  # age exactly 40 is on the threshold: predicted positive
    assert (score == threshold).sum() > 100
    from_scores = _frame(adult_test["label"], adult_test[["sex", "race"]], y_score=score, threshold=threshold)
    from_pred = _frame(
        adult_test["label"], adult_test[["sex", "race"]], y_pred=(score >= threshold).astype(int)
    )
    pd.testing.assert_frame_equal(from_scores, from_pred)
    strict = _frame(adult_test["label"], adult_test[["sex", "race"]], y_pred=(score > threshold).astype(int))
    assert not from_scores["value"].equals(strict["value"])


def test_default_threshold_is_one_half() -> None:
    score = [0.2, 0.5, 0.49, 0.51, 1.0, 0.0]
    inputs = prepare_inputs(Y, y_score=score, sensitive={"sex": SEX})
    assert inputs.y_pred.tolist() == [0, 1, 0, 1, 1, 0]
    assert Audit(Y, y_score=score, sensitive={"sex": SEX}).overall("selection_rate")["selection_rate"] == 0.5
