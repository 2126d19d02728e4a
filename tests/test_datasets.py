"""The packaged datasets: sizes, names, dtypes, labels, and that loading needs no network."""

from __future__ import annotations

import re
import socket

import numpy as np
import pandas as pd
import pytest

from fairness_widgets.datasets import load_adult, load_fico, load_german
from fairness_widgets.datasets._files import as_categorical

ADULT_COLUMNS = [
    "age",
    "workclass",
    "fnlwgt",
    "education",
    "education_num",
    "marital_status",
    "occupation",
    "relationship",
    "race",
    "sex",
    "capital_gain",
    "capital_loss",
    "hours_per_week",
    "native_country",
    "income",
    "label",
]
SNAKE_CASE = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$")


@pytest.fixture(scope="module")
def adult_train() -> pd.DataFrame:
    return load_adult("train")


@pytest.fixture(scope="module")
def adult_test() -> pd.DataFrame:
    return load_adult("test")


@pytest.fixture(scope="module")
def german() -> pd.DataFrame:
    return load_german()


@pytest.fixture(scope="module")
def fico() -> pd.DataFrame:
    return load_fico()


# --- no network -------------------------------------------------------------------------


class NetworkUsedError(AssertionError):
    """Raised by the guarded socket functions: the code under test tried the network."""


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """Make every outgoing connection fail loudly, and record the attempts."""
    attempts: list[object] = []

    def refuse(*args: object, **kwargs: object) -> None:
        attempts.append(args)
        raise NetworkUsedError(f"network access attempted: {args!r}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    return attempts


def test_network_guard_really_blocks(no_network: list[object]) -> None:
    # Without this the no-network test below could pass with a guard that guards nothing.
    with pytest.raises(NetworkUsedError):
        socket.create_connection(("127.0.0.1", 9))
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock, pytest.raises(NetworkUsedError):
        sock.connect(("127.0.0.1", 9))
    assert len(no_network) == 2


def test_all_loaders_work_without_network(no_network: list[object]) -> None:
    frames = {
        "adult train": load_adult("train"),
        "adult test": load_adult("test"),
        "german": load_german(),
        "fico": load_fico(),
    }
    assert {name: len(frame) for name, frame in frames.items()} == {
        "adult train": 32_561,
        "adult test": 16_281,
        "german": 1_000,
        "fico": 792,
    }
    assert no_network == []


# --- Adult ------------------------------------------------------------------------------


def test_adult_row_counts(adult_train: pd.DataFrame, adult_test: pd.DataFrame) -> None:
    assert len(adult_train) == 32_561
    assert len(adult_test) == 16_281


def test_adult_columns_are_the_documented_ones_in_snake_case(adult_train: pd.DataFrame) -> None:
    assert list(adult_train.columns) == ADULT_COLUMNS
    assert all(SNAKE_CASE.match(column) for column in adult_train.columns)


def test_adult_sex_and_race_are_categoricals_with_documented_levels(
    adult_train: pd.DataFrame, adult_test: pd.DataFrame
) -> None:
    for frame in (adult_train, adult_test):
        assert isinstance(frame["sex"].dtype, pd.CategoricalDtype)
        assert isinstance(frame["race"].dtype, pd.CategoricalDtype)
        assert list(frame["sex"].cat.categories) == ["Female", "Male"]
        assert list(frame["race"].cat.categories) == [
            "White",
            "Asian-Pac-Islander",
            "Amer-Indian-Eskimo",
            "Other",
            "Black",
        ]
        # Every person has a sex and a race: no value was dropped by the categorical cast.
        assert frame["sex"].notna().all()
        assert frame["race"].notna().all()


def test_adult_numeric_columns_are_int64(adult_train: pd.DataFrame) -> None:
    for column in ["age", "fnlwgt", "education_num", "capital_gain", "capital_loss", "hours_per_week"]:
        assert adult_train[column].dtype == np.dtype("int64"), column


def test_adult_train_and_test_have_identical_dtypes(
    adult_train: pd.DataFrame, adult_test: pd.DataFrame
) -> None:
    assert list(adult_train.columns) == list(adult_test.columns)
    for column in adult_train.columns:
        train_dtype, test_dtype = adult_train[column].dtype, adult_test[column].dtype
        assert train_dtype == test_dtype, column
        if isinstance(train_dtype, pd.CategoricalDtype):
            # Same categories in the same order, even where one split lacks a level
            # (Holand-Netherlands occurs only in the training file).
            assert list(train_dtype.categories) == list(test_dtype.categories), column
    assert "Holand-Netherlands" in set(adult_train["native_country"].dropna())
    assert "Holand-Netherlands" not in set(adult_test["native_country"].dropna())


def test_adult_unknowns_are_missing_values_not_question_marks(adult_train: pd.DataFrame) -> None:
    for column in ["workclass", "occupation", "native_country"]:
        assert adult_train[column].isna().sum() > 0, column
        assert "?" not in list(adult_train[column].cat.categories)


@pytest.mark.parametrize("split", ["train", "test"])
def test_adult_label_is_0_1_and_matches_income(split: str) -> None:
    frame = load_adult(split)  # type: ignore[arg-type]
    assert frame["label"].dtype == np.dtype("int64")
    assert set(frame["label"].unique()) == {0, 1}
    assert frame["income"].notna().all()
    expected = (frame["income"].astype(str) == ">50K").astype("int64")
    pd.testing.assert_series_equal(frame["label"], expected, check_names=False)


def test_adult_test_labels_have_no_trailing_period(adult_test: pd.DataFrame) -> None:
    incomes = adult_test["income"].astype(str)
    assert not incomes.str.endswith(".").any()
    assert set(incomes.unique()) == {"<=50K", ">50K"}
    # The published counts of adult.test.
    assert incomes.value_counts().to_dict() == {"<=50K": 12_435, ">50K": 3_846}


def test_adult_train_base_rate(adult_train: pd.DataFrame) -> None:
    assert int(adult_train["label"].sum()) == 7_841
    assert adult_train["label"].mean() == pytest.approx(7_841 / 32_561, rel=0, abs=1e-15)


def test_adult_bad_split_names_the_allowed_values() -> None:
    with pytest.raises(ValueError, match=r"(?s)(?=.*'train')(?=.*'test')(?=.*'bad')"):
        load_adult("bad")  # type: ignore[arg-type]


# --- German credit ----------------------------------------------------------------------


def test_german_rows_and_label(german: pd.DataFrame) -> None:
    assert len(german) == 1_000
    assert int(german["label"].sum()) == 700
    assert set(german["label"].unique()) == {0, 1}
    expected = (german["credit"].astype(str) == "good").astype("int64")
    pd.testing.assert_series_equal(german["label"], expected, check_names=False)


def test_german_columns_are_snake_case(german: pd.DataFrame) -> None:
    assert all(SNAKE_CASE.match(column) for column in german.columns), list(german.columns)
    assert {"status_sex", "sex", "credit", "label", "age", "foreign_worker"} <= set(german.columns)


def test_german_sex_is_derived_from_status_sex(german: pd.DataFrame) -> None:
    assert isinstance(german["sex"].dtype, pd.CategoricalDtype)
    assert list(german["sex"].cat.categories) == ["female", "male"]
    assert german["sex"].notna().all()
    from_status = german["status_sex"].astype(str).str.split(":").str[0].str.strip()
    assert (german["sex"].astype(str) == from_status).all()
    # A92 ("female : divorced/separated/married") is the only female code in the data.
    assert german["sex"].value_counts().to_dict() == {"male": 690, "female": 310}
    assert set(german.loc[german["sex"] == "female", "status_sex"].astype(str)) == {
        "female : divorced/separated/married"
    }


def test_german_codes_are_decoded(german: pd.DataFrame) -> None:
    assert german["status"].notna().all()
    assert not german["status"].astype(str).str.match(r"^A\d+$").any()
    assert german["telephone"].dtype == np.dtype(bool)
    assert german["foreign_worker"].dtype == np.dtype(bool)


# --- FICO -------------------------------------------------------------------------------


def test_fico_shape(fico: pd.DataFrame) -> None:
    assert len(fico) == 792
    assert list(fico.columns) == ["race", "score", "cdf", "non_default_rate", "group_size"]
    assert isinstance(fico["race"].dtype, pd.CategoricalDtype)
    assert fico["race"].notna().all()
    sizes = fico.groupby("race", observed=True).size()
    assert len(sizes) == 4
    assert (sizes == 198).all()
    assert fico.groupby("race", observed=True)["score"].nunique().eq(198).all()


def test_fico_cdf_is_a_cdf(fico: pd.DataFrame) -> None:
    for race, group in fico.groupby("race", observed=True):
        rows = group.sort_values("score")
        cdf = rows["cdf"].to_numpy()
        assert np.all(np.diff(cdf) >= 0), race
        assert cdf[-1] == pytest.approx(1.0, abs=1e-12), race
        assert 0.0 <= cdf[0] < 0.01, race


def test_fico_rates_are_fractions(fico: pd.DataFrame) -> None:
    for column in ["cdf", "non_default_rate"]:
        assert fico[column].between(0.0, 1.0).all(), column
        # Divided by 100: a percentage left as is would exceed 1 somewhere.
        assert fico[column].max() <= 1.0


def test_fico_group_sizes(fico: pd.DataFrame) -> None:
    sizes = fico.groupby("race", observed=True)["group_size"].agg(["min", "max"])
    assert (sizes["min"] == sizes["max"]).all()
    assert sizes["min"].to_dict() == {
        "White (non-Hispanic)": 133_165,
        "Black": 18_274,
        "Hispanic": 14_702,
        "Asian": 7_906,
    }


def test_fico_non_default_rate_rises_with_score(fico: pd.DataFrame) -> None:
    # TransRisk: a higher score means a better credit risk, so more people repay.
    for race, group in fico.groupby("race", observed=True):
        rows = group.sort_values("score")
        rate = rows["non_default_rate"].to_numpy()
        assert rate[-1] > 0.95, race
        assert rate[0] < 0.2, race
        # The report's figures dip by up to 0.07 points here and there; nothing more.
        assert np.all(np.diff(rate) >= -0.005), race


# --- as_categorical ---------------------------------------------------------------------


def test_as_categorical_keeps_known_values_and_missing() -> None:
    values = pd.Series(["b", "a", None, "b"], name="colour")
    result = as_categorical(values, ["a", "b", "c"])
    assert list(result.cat.categories) == ["a", "b", "c"]
    assert result.isna().tolist() == [False, False, True, False]
    assert result.astype(object).tolist()[:2] == ["b", "a"]


def test_as_categorical_refuses_unknown_values() -> None:
    values = pd.Series(["a", "b", "zebra", "a"], name="colour")
    with pytest.raises(ValueError, match=r"(?s)(?=.*'colour')(?=.*'zebra')(?=.*documented levels)"):
        as_categorical(values, ["a", "b"])
