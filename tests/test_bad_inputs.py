"""Bad inputs fail early with a ValueError naming the culprit and a fix; odd but valid ones work."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import pytest

import fairness_widgets as fw
from fairness_widgets.compute import group_metrics, prepare_inputs
from fairness_widgets.datasets import load_adult

SEX = ["f", "m", "f", "m", "f", "m"]
Y = [0, 1, 1, 0, 1, 0]


def _all_of(*parts: str) -> str:
    """A regex matching text that contains every one of ``parts`` literally, in any order."""
    return "(?s)" + "".join(f"(?=.*{re.escape(part)})" for part in parts)


@dataclass(frozen=True)
class Case:
    id: str
    kwargs: dict[str, Any]
    message: tuple[str, ...]
    extra: dict[str, Any] = field(default_factory=dict)


def _kwargs(**overrides: Any) -> dict[str, Any]:
    kwargs: dict[str, Any] = {"y_true": Y, "y_pred": Y[::-1], "sensitive": {"sex": SEX}}
    kwargs.update(overrides)
    return {key: value for key, value in kwargs.items() if value is not None}


N_IDS = 1_500

CASES = [
    Case(
        "lengths differ",
        _kwargs(y_pred=Y[:5]),
        ("y_true has 6", "y_pred has 5", "sensitive['sex'] has 6", "Pass the same rows"),
    ),
    Case(
        "lengths differ (scores, sensitive)",
        _kwargs(y_pred=None, y_score=np.linspace(0, 1, 6), sensitive={"sex": SEX[:4]}),
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
        "NaN in y_score",
        _kwargs(y_pred=None, y_score=[0.1, 0.2, np.nan, 0.4, 0.5, 0.6]),
        ("y_score", "1 missing value(s)", "position(s) 2", "Drop those rows"),
    ),
    Case(
        "inf in y_score",
        _kwargs(y_pred=None, y_score=[0.1, np.inf, 0.3, -np.inf, 0.5, 0.6]),
        ("y_score", "2 infinite value(s)", "1, 3", "must be finite"),
    ),
    Case(
        "three label values",
        _kwargs(y_true=[0, 1, 2, 0, 1, 2]),
        ("y_true", "binary", "3 distinct values", "Map it to 0/1"),
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
        "sensitive column with one value",
        _kwargs(sensitive=pd.DataFrame({"sex": SEX, "country": ["DE"] * 6})),
        ("'country'", "single value", "'DE'", "at least two", "Drop this column"),
    ),
    Case(
        "sensitive column with missing values",
        _kwargs(sensitive=pd.DataFrame({"sex": SEX, "race": ["a", "b", None, "a", None, "b"]})),
        ("'race'", "2 missing value(s)", "fillna("),
    ),
    Case(
        "sensitive categorical with missing values",
        _kwargs(sensitive=pd.Series(pd.Categorical(["a", "b", np.nan, "a", "b", "a"]), name="race")),
        ("'race'", "1 missing value(s)", "fillna("),
    ),
    Case(
        "sensitive column with too many levels",
        {
            "y_true": np.arange(N_IDS) % 2,
            "y_pred": np.arange(N_IDS) % 3 == 0,
            "sensitive": pd.DataFrame({"sex": np.arange(N_IDS) % 2, "person_id": np.arange(N_IDS)}),
        },
        ("'person_id'", "1,500 distinct values", "1,000", "Bin it", "pd.cut("),
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
        _kwargs(y_pred=None, y_score=["low", "high", "high", "low", "high", "low"]),
        ("y_score must be numeric", "predict_proba", "pass y_pred= instead"),
    ),
]


def _via_prepare_inputs(kwargs: dict[str, Any]) -> object:
    kwargs = dict(kwargs)
    return prepare_inputs(kwargs.pop("y_true"), **kwargs)


def _via_dashboard(kwargs: dict[str, Any]) -> object:
    kwargs = dict(kwargs)
    return fw.Dashboard(kwargs.pop("y_true"), **kwargs)


ENTRY_POINTS: dict[str, Callable[[dict[str, Any]], object]] = {
    "prepare_inputs": _via_prepare_inputs,
    "Dashboard": _via_dashboard,
}


@pytest.mark.parametrize("entry", list(ENTRY_POINTS))
@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_bad_input_raises_a_helpful_value_error(case: Case, entry: str) -> None:
    with pytest.raises(ValueError, match=_all_of(*case.message)):
        ENTRY_POINTS[entry](case.kwargs)


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_dashboard_raises_the_same_error_as_prepare_inputs(case: Case) -> None:
    with pytest.raises(ValueError, match=_all_of(*case.message)) as from_compute:
        _via_prepare_inputs(case.kwargs)
    with pytest.raises(ValueError, match=_all_of(*case.message)) as from_widget:
        _via_dashboard(case.kwargs)
    assert str(from_widget.value) == str(from_compute.value)


@pytest.mark.parametrize("entry", list(ENTRY_POINTS))
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


def test_dashboard_rejects_a_bad_min_group_size() -> None:
    with pytest.raises(ValueError, match=_all_of("min_group_size", "positive integer", "0")):
        fw.Dashboard(Y, y_pred=Y, sensitive={"sex": SEX}, min_group_size=0)


def test_non_finite_threshold_is_refused() -> None:
    with pytest.raises(ValueError, match=_all_of("threshold", "finite", "nan")):
        prepare_inputs(Y, y_score=np.linspace(0, 1, 6), sensitive={"sex": SEX}, threshold=float("nan"))


# --- odd inputs that must work ----------------------------------------------------------


def test_unicode_group_names() -> None:
    groups = ["Ñandú", "女性", "Ñandú", "女性", "Ñandú", "女性"]
    inputs = prepare_inputs(Y, y_pred=Y, sensitive={"grupo": groups})
    assert inputs.attributes[0].levels == ("Ñandú", "女性")
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
    return group_metrics(prepare_inputs(y_true, sensitive=sensitive, **kwargs))


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
    inputs = prepare_inputs(Y, y_score=[0.2, 0.5, 0.49, 0.51, 1.0, 0.0], sensitive={"sex": SEX})
    assert inputs.y_pred.tolist() == [0, 1, 0, 1, 1, 0]
