"""Mitigations through one interface: the same numbers as fairlearn and aif360 called
directly on the same split and seed, placed on the axes of Audit.tradeoff exactly."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import pytest
from fairlearn.postprocessing import ThresholdOptimizer
from fairlearn.reductions import DemographicParity, ExponentiatedGradient, GridSearch
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.compose import make_column_transformer
from sklearn.ensemble import RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler
from sklearn.svm import LinearSVC
from sklearn.utils.validation import check_is_fitted

import fairness_widgets as fw
from fairness_widgets import mitigations as mit
from fairness_widgets.compute.expected_counts import expected_counts, objective_and_disparity
from tests.reference_setup import NUMERIC, adult_model, import_quietly

aif_datasets = import_quietly("aif360.datasets")
aif_post = import_quietly("aif360.algorithms.postprocessing")
aif_pre = import_quietly("aif360.algorithms.preprocessing")

pytestmark = [
    pytest.mark.filterwarnings("ignore::DeprecationWarning:fairlearn"),
    # Adult makes aif360's calibrated equalized odds mix a whole group (tested below).
    pytest.mark.filterwarnings("ignore:CalibratedEqOdds.*mixing rate:UserWarning"),
]

CATEGORICAL = ("workclass", "marital_status", "occupation", "relationship")
FEATURES = [*NUMERIC, *CATEGORICAL]
SEED = 0
WEIGHT = "logisticregression__sample_weight"
LEVELS = ["Female", "Male"]
METHODS = [
    mit.Baseline(),
    mit.ThresholdOptimizer(constraint="demographic_parity"),
    mit.ExponentiatedGradient(constraint="demographic_parity", eps=0.01),
    mit.GridSearch(constraint="demographic_parity", grid_size=7),
    mit.Reweighing(),
    mit.CalibratedEqOdds(cost_constraint="weighted"),
    mit.RejectOption(metric="statistical_parity"),
]


def _pipeline() -> Pipeline:
    return make_pipeline(
        make_column_transformer(
            (StandardScaler(), list(NUMERIC)), (OneHotEncoder(handle_unknown="ignore"), list(CATEGORICAL))
        ),
        LogisticRegression(max_iter=1_000),
    )


def _seeded() -> Pipeline:
    """What the runner fits: the pipeline with its unset random_state set to the seed."""
    return clone(_pipeline()).set_params(logisticregression__random_state=SEED)


class Data:
    """Adult: a seeded subsample of train (speed: the point is parity, not accuracy), all of test."""

    def __init__(self) -> None:
        train = fw.datasets.load_adult("train").sample(n=6_000, random_state=1).reset_index(drop=True)
        test = fw.datasets.load_adult("test")
        self.X, self.y, self.s = train[FEATURES], train["label"], train["sex"]
        self.X_test, self.y_test, self.s_test = test[FEATURES], test["label"], test["sex"]
        self.groups = self.s.astype(str).to_numpy(dtype=object)
        self.groups_test = self.s_test.astype(str).to_numpy(dtype=object)

    def run(self, methods: list[mit.MitigationSpec], **kwargs: Any) -> mit.MitigationResults:
        options: dict[str, Any] = {"seed": SEED, "progress": False} | kwargs
        estimator = options.pop("estimator", _pipeline())
        return fw.run_mitigations(
            estimator,
            self.X,
            self.y,
            self.X_test,
            self.y_test,
            sensitive_train=self.s,
            sensitive_test=self.s_test,
            methods=methods,
            **options,
        )

    def counts(self, probability: Any) -> pd.DataFrame:
        return expected_counts(
            self.y_test.to_numpy(), np.asarray(probability, dtype=float).ravel(), self.groups_test, LEVELS
        )


@pytest.fixture(scope="module")
def data() -> Data:
    return Data()


@pytest.fixture(scope="module")
def results(data: Data) -> mit.MitigationResults:
    return data.run(METHODS)


def _ours(results: mit.MitigationResults, label: str) -> pd.DataFrame:
    return results.counts[results.counts["label"] == label].reset_index(drop=True)


def _same_counts(ours: pd.DataFrame, theirs: pd.DataFrame) -> None:
    assert list(ours["group"]) == list(theirs["group"])
    for column in ("size", "positives", "negatives"):
        assert ours[column].tolist() == theirs[column].tolist(), column
    for column in ("tp", "fp", "fn", "tn"):
        np.testing.assert_allclose(ours[column], theirs[column], rtol=0, atol=1e-9, err_msg=column)


# --- (objective, disparity) agree with tradeoff's definitions --------------------------


@pytest.fixture(scope="module")
def adult_scores() -> tuple[pd.DataFrame, np.ndarray]:
    test = fw.datasets.load_adult("test")
    return test, adult_model(CATEGORICAL).predict_proba(test[FEATURES])[:, 1]


@pytest.mark.parametrize(
    "constraint", ["demographic_parity", "equal_opportunity", "equalized_odds", "predictive_parity"]
)
@pytest.mark.parametrize("objective", ["accuracy", "balanced_accuracy", "cost"])
def test_counts_give_tradeoffs_objective_and_disparity(
    adult_scores: tuple[pd.DataFrame, np.ndarray], constraint: str, objective: str
) -> None:
    test, score = adult_scores
    audit = fw.Audit(test["label"], y_score=score, sensitive=test[["sex"]], resolution=None)
    tradeoff = audit.tradeoff(constraint, objective, fp_cost=1.0, fn_cost=3.0)
    groups = test["sex"].astype(str).to_numpy(dtype=object)
    kinds = set()
    for _, point in tradeoff.points.iterrows():
        probability = tradeoff.postprocessor(point).positive_probability(score, test[["sex"]])
        counts = expected_counts(test["label"].to_numpy(), probability, groups, LEVELS)
        value, disparity = objective_and_disparity(counts, constraint, objective, fp_cost=1.0, fn_cost=3.0)
        assert value == pytest.approx(point["objective"], rel=0, abs=1e-9)
        assert disparity == pytest.approx(point["disparity"], rel=0, abs=1e-9)
        kinds.add(point["kind"])
    assert constraint == "equalized_odds" or "thresholds" in kinds
    assert constraint == "predictive_parity" or "randomised thresholds" in kinds


# --- each method equals its library called directly ------------------------------------


def test_baseline_is_the_estimator_fitted_on_all_training_rows(
    data: Data, results: mit.MitigationResults
) -> None:
    model = _seeded().fit(data.X, data.y)
    _same_counts(_ours(results, "Baseline"), data.counts(model.predict(data.X_test)))


def test_threshold_optimizer_matches_fairlearn_default(data: Data, results: mit.MitigationResults) -> None:
    optimizer = ThresholdOptimizer(estimator=_seeded(), constraints="demographic_parity")  # prefit=False
    optimizer.fit(data.X, data.y, sensitive_features=data.s)
    expected = optimizer._pmf_predict(data.X_test, sensitive_features=data.s_test)[:, 1]
    assert ((expected > 0) & (expected < 1)).any()  # randomised: counts are expectations
    _same_counts(_ours(results, "ThresholdOptimizer (DP)"), data.counts(expected))


def test_exponentiated_gradient_matches_fairlearn(data: Data, results: mit.MitigationResults) -> None:
    mitigator = ExponentiatedGradient(_seeded(), DemographicParity(), eps=0.01, sample_weight_name=WEIGHT)
    mitigator.fit(data.X, data.y, sensitive_features=data.s)
    expected = mitigator._pmf_predict(data.X_test)[:, 1]
    _same_counts(_ours(results, "ExponentiatedGradient (DP, eps=0.01)"), data.counts(expected))


def test_grid_search_curve_is_every_model_of_fairlearns_grid(
    data: Data, results: mit.MitigationResults
) -> None:
    search = GridSearch(_seeded(), DemographicParity(), grid_size=7, sample_weight_name=WEIGHT)
    search.fit(data.X, data.y, sensitive_features=data.s)
    curve = results.points[results.points["curve"] == "GridSearch (DP)"]
    assert len(curve) == len(search.predictors_) == 7
    # fairlearn puts the multiplier on one group (which one depends on the row order).
    vectors = search.lambda_vecs_
    lambdas = (vectors.xs("+", level="sign") - vectors.xs("-", level="sign")).sum()
    for (_, point), predictor, lam in zip(curve.iterrows(), search.predictors_, lambdas, strict=True):
        assert point["label"] == f"GridSearch (DP) λ={lam + 0.0:.3g}"
        _same_counts(_ours(results, point["label"]), data.counts(predictor.predict(data.X_test)))


def _binary_label_dataset(y: Any, privileged: np.ndarray, score: np.ndarray | None = None) -> Any:
    frame = pd.DataFrame({"sex": privileged.astype(float), "label": np.asarray(y, dtype=float)})
    dataset = aif_datasets.BinaryLabelDataset(
        df=frame, label_names=["label"], protected_attribute_names=["sex"]
    )
    if score is not None:
        dataset.scores = score.reshape(-1, 1)
        dataset.labels = (score >= 0.5).astype(float).reshape(-1, 1)
    return dataset


PRIVILEGED = [{"sex": 1.0}]
UNPRIVILEGED = [{"sex": 0.0}]


def test_reweighing_matches_aif360s_classic_reweighing(data: Data, results: mit.MitigationResults) -> None:
    dataset = _binary_label_dataset(data.y, data.groups == "Male")
    weights = aif_pre.Reweighing(UNPRIVILEGED, PRIVILEGED).fit_transform(dataset).instance_weights
    model = _seeded().fit(data.X, data.y, **{WEIGHT: weights})
    _same_counts(_ours(results, "Reweighing"), data.counts(model.predict(data.X_test)))


@pytest.fixture(scope="module")
def validation(data: Data) -> tuple[Any, Any, Pipeline]:
    """The split the runner documents: 30 % of training rows, seeded, stratified by group x label."""
    strata = data.groups + "|" + data.y.astype(str).to_numpy(dtype=object)
    x_fit, x_val, y_fit, y_val, _, g_val = train_test_split(
        data.X, data.y, data.groups, test_size=0.3, random_state=SEED, stratify=strata
    )
    model = _seeded().fit(x_fit, y_fit)
    score = model.predict_proba(x_val)[:, 1]
    return (
        _binary_label_dataset(y_val, g_val == "Male"),
        _binary_label_dataset(y_val, g_val == "Male", score),
        model,
    )


def _test_dataset(data: Data, model: Pipeline) -> Any:
    score = model.predict_proba(data.X_test)[:, 1]
    return _binary_label_dataset(data.y_test, data.groups_test == "Male", score)


def test_reject_option_matches_aif360(
    data: Data, results: mit.MitigationResults, validation: tuple[Any, Any, Pipeline]
) -> None:
    truth, scored, model = validation
    roc = aif_post.RejectOptionClassification(
        UNPRIVILEGED,
        PRIVILEGED,
        num_class_thresh=20,
        num_ROC_margin=20,
        metric_name="Statistical parity difference",
    ).fit(truth, scored)
    predicted = roc.predict(_test_dataset(data, model)).labels
    _same_counts(_ours(results, "RejectOption (SPD)"), data.counts(predicted))


@pytest.mark.parametrize("cost_constraint", ["weighted", "fpr", "fnr"])
def test_calibrated_eq_odds_is_the_expectation_of_aif360s_draws(
    data: Data, validation: tuple[Any, Any, Pipeline], cost_constraint: str
) -> None:
    truth, scored, model = validation
    fitted = aif_post.CalibratedEqOddsPostprocessing(
        UNPRIVILEGED, PRIVILEGED, cost_constraint=cost_constraint, seed=SEED
    ).fit(truth, scored)
    test = _test_dataset(data, model)
    draws = [fitted.predict(test).labels.ravel()]
    ours = _ours(
        data.run([mit.CalibratedEqOdds(cost_constraint=cost_constraint)]),
        f"CalibratedEqOdds ({cost_constraint})",
    )
    # aif360 draws with np.random.seed(seed): our seed reaches it. Where the draw cannot
    # change a prediction (mixing rate 0 or >= 1, or score and base rate on one side of
    # 0.5), every draw equals our probability; elsewhere the mean of many draws does.
    mixing = max(fitted.priv_mix_rate, fitted.unpriv_mix_rate)
    if 0 < mixing < 1:
        for seed in range(1, 300):
            fitted.seed = seed
            draws.append(fitted.predict(test).labels.ravel())
    mean = data.counts(np.mean(draws, axis=0))
    spread = np.sqrt(ours["size"].to_numpy()) / np.sqrt(len(draws))  # sd of a mean count is at most this
    for column in ("tp", "fp"):
        assert (np.abs(ours[column] - mean[column]) <= 1e-9 + 4 * spread).all(), (column, ours, mean)
    if not 0 < mixing < 1:
        _same_counts(ours, data.counts(draws[0]))


def test_calibrated_eq_odds_in_the_shared_run(data: Data, results: mit.MitigationResults) -> None:
    alone = _ours(data.run([mit.CalibratedEqOdds()]), "CalibratedEqOdds (weighted)")
    _same_counts(_ours(results, "CalibratedEqOdds (weighted)"), alone)


# --- seeds, progress, results -----------------------------------------------------------


def test_same_seed_same_numbers_and_estimator_untouched(data: Data) -> None:
    forest = RandomForestClassifier(n_estimators=5, max_depth=6)
    estimator = make_pipeline(
        make_column_transformer(
            (StandardScaler(), list(NUMERIC)), (OneHotEncoder(handle_unknown="ignore"), list(CATEGORICAL))
        ),
        forest,
    )
    methods = [mit.Baseline(), mit.ThresholdOptimizer(), mit.CalibratedEqOdds(), mit.RejectOption()]
    first, again = (data.run(methods, estimator=estimator, seed=7) for _ in range(2))
    pd.testing.assert_frame_equal(first.counts, again.counts, check_exact=True)
    columns = ["label", "params", "objective", "disparity", "accuracy"]
    pd.testing.assert_frame_equal(first.table()[columns], again.table()[columns], check_exact=True)
    other = data.run(methods, estimator=estimator, seed=8)
    assert not np.array_equal(first.counts["tp"], other.counts["tp"])  # the seed reaches the forest
    assert forest.random_state is None
    with pytest.raises(Exception, match="not fitted"):
        check_is_fitted(estimator)


def test_progress_callback_counts_every_grid_point(data: Data) -> None:
    calls: list[tuple[int, int, str]] = []
    data.run([mit.Baseline(), mit.GridSearch(grid_size=3)], progress=lambda *call: calls.append(call))
    assert [done for done, _, _ in calls] == [0, 1, 2, 3, 4]
    assert {total for _, total, _ in calls} == {4}
    assert [label for _, _, label in calls] == [
        "Baseline",
        "GridSearch (DP) λ=-2",
        "GridSearch (DP) λ=0",
        "GridSearch (DP) λ=2",
        "done",
    ]


def test_progress_bar_on_stderr_or_silent(data: Data, capsys: pytest.CaptureFixture[str]) -> None:
    data.run([mit.Baseline()], progress=True)
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("\r[")
    assert "1/1" in captured.err
    assert captured.err.endswith("\n")
    data.run([mit.Baseline()], progress=False)
    assert capsys.readouterr() == ("", "")


def test_results_print_and_tabulate(results: mit.MitigationResults) -> None:
    text = repr(results)
    assert text.startswith("MitigationResults(13 points on 16,281 test rows; sex: Female 5,421, Male 10,860")
    assert "ThresholdOptimizer (DP)" in text
    assert "GridSearch (DP) λ=0.667" in text
    assert list(results.counts.columns) == [
        "point", "label", "group", "size", "positives", "negatives", "tp", "fp", "fn", "tn",
    ]  # fmt: skip
    table = results.table("equalized_odds", "cost", fp_cost=1.0, fn_cost=5.0)
    assert {"label", "method", "params", "curve", "objective", "disparity", "accuracy"} <= set(table.columns)
    assert table[["n_Female", "n_Male"]].drop_duplicates().to_numpy().tolist() == [[5421, 10860]]
    assert table.attrs == {"constraint": "equalized_odds", "objective": "cost"}
    assert (table["curve"] == "GridSearch (DP)").sum() == 7
    assert table.loc[table["label"] == "Baseline", "curve"].isna().all()
    # accuracy is the "accuracy" objective, whatever objective the table shows
    accuracy = results.table(objective="accuracy")
    np.testing.assert_allclose(accuracy["objective"], accuracy["accuracy"], atol=1e-12)
    # a randomised post-processor meets demographic parity (in expectation) on the test rows too
    dp = results.table("demographic_parity").set_index("label")
    assert dp.loc["ThresholdOptimizer (DP)", "disparity"] < dp.loc["Baseline", "disparity"] / 3


def test_imports_stay_lazy() -> None:
    code = (
        "import sys, fairness_widgets as fw; from fairness_widgets import mitigations; "
        "print(sorted(m for m in ('fairlearn', 'aif360', 'sklearn') if m in sys.modules))"
    )
    found = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert found.stdout.strip() == "[]"  # the reference libraries load only when a method runs


def test_library_caveats_become_notes_and_warnings(data: Data, results: mit.MitigationResults) -> None:
    notes = results.points.set_index("label")["note"]
    # On Adult, aif360's mixing rate for women exceeds 1 (it neither clips nor warns).
    assert "mixing rate for the other groups is" in notes["CalibratedEqOdds (weighted)"]
    assert notes["Baseline"] == ""
    impossible = mit.RejectOption(bound=0.0, num_class_thresh=1, num_roc_margin=1)
    with pytest.warns(UserWarning, match="found no threshold and margin"):
        alone = data.run([impossible])
    assert "lowest (most negative) metric" in alone.points["note"].iloc[0]


def test_quiet_import_leaves_logging_as_it_was() -> None:
    code = (
        "import logging; from fairness_widgets.compute.reference_libraries import import_reference; "
        "import_reference('aif360.algorithms.postprocessing'); print(len(logging.root.handlers))"
    )
    found = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert (found.stdout.strip(), found.stderr) == ("0", "")


# --- bad input ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (
            lambda: mit.ThresholdOptimizer(constraint="parity"),
            "constraint must be one of 'demographic_parity'",
        ),
        (
            lambda: mit.ExponentiatedGradient(constraint="predictive_parity"),
            "no mitigation for predictive parity",
        ),
        (lambda: mit.ThresholdOptimizer(constraint="equalized_odds", tol=0.05), "tol is not supported"),
        (lambda: mit.ExponentiatedGradient(eps=-1), "eps must be a number in"),
        (lambda: mit.GridSearch(grid_size=0), "grid_size must be a whole number"),
        (lambda: mit.CalibratedEqOdds(cost_constraint="both"), "cost_constraint must be one of"),
        (lambda: mit.RejectOption(metric="disparate_impact"), "metric must be one of"),
        (lambda: mit.RejectOption(low_class_thresh=0.6, high_class_thresh=0.4), "must be below"),
        (lambda: mit.Baseline(name=""), "name must be a non-empty string"),
    ],
)
def test_specs_refuse_bad_parameters(make: Callable[[], object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        make()


def test_name_overrides_the_label() -> None:
    spec = mit.ExponentiatedGradient(eps=0.05, name="EG loose")
    assert (spec.label, mit.ExponentiatedGradient(eps=0.05).label) == (
        "EG loose",
        "ExponentiatedGradient (DP, eps=0.05)",
    )
    with pytest.raises(AttributeError):
        spec.eps = 0.1  # type: ignore[misc]  # frozen: safe to share and to hash
    assert hash(spec) == hash(mit.ExponentiatedGradient(eps=0.05, name="EG loose"))


class _NoProba(BaseEstimator, ClassifierMixin):  # type: ignore[misc]
    def fit(self, X: Any, y: Any, sample_weight: Any = None) -> _NoProba:  # noqa: N803
        return self


def _call(data: Data, **changes: Any) -> None:
    arguments: dict[str, Any] = {
        "estimator": _pipeline(),
        "X_train": data.X,
        "y_train": data.y,
        "X_test": data.X_test,
        "y_test": data.y_test,
        "sensitive_train": data.s,
        "sensitive_test": data.s_test,
        "methods": [mit.Baseline()],
        "progress": False,
    } | changes
    estimator = arguments.pop("estimator")
    fw.run_mitigations(estimator, **arguments)


@pytest.mark.parametrize(
    ("changes", "error", "message"),
    [
        ({"y_train": np.zeros(10)}, ValueError, "X_train has 6,000 rows but y_train has 10"),
        ({"X_test": np.zeros((10, 3))}, ValueError, "X_test has 10 rows but y_test has 16,281"),
        (
            {"sensitive_test": ["Male"] * 10},
            ValueError,
            "sensitive_test has 10 rows but the labels have 16,281",
        ),
        ({"sensitive_train": np.repeat("Male", 6_000)}, ValueError, "single group"),
        (
            {"sensitive_test": np.repeat("Other", 16_281)},
            ValueError,
            r"group\(s\) \['Other'\] that sensitive_train",
        ),
        ({"sensitive_train": np.where(np.arange(6_000) == 3, None, "a")}, ValueError, "missing value"),
        ({"y_train": np.tile([0, 1, 2], 2_000)}, ValueError, "must be binary"),
        ({"y_test": np.zeros(16_281, dtype=int)}, ValueError, "y_test holds a single class"),
        ({"methods": [mit.Baseline(), mit.Baseline()]}, ValueError, "Two methods have the label 'Baseline'"),
        ({"methods": ["ThresholdOptimizer"]}, TypeError, "methods must be a non-empty list of specs"),
        ({"methods": []}, TypeError, "methods must be a non-empty list of specs"),
        ({"progress": "yes"}, TypeError, "progress must be True"),
        ({"seed": -1}, ValueError, "seed must be a whole number"),
        ({"validation_size": 1.5}, ValueError, "validation_size must be a fraction"),
        ({"estimator": "logistic"}, TypeError, "estimator must be an unfitted scikit-learn classifier"),
        (
            {"estimator": LinearSVC(), "methods": [mit.CalibratedEqOdds()]},
            ValueError,
            r"CalibratedEqOdds \(weighted\) post-processes probability scores, but LinearSVC has no "
            "predict_proba",
        ),
        (
            {"estimator": _NoProba(), "methods": [mit.RejectOption()]},
            ValueError,
            "has no predict_proba",
        ),
        (
            {
                "estimator": make_pipeline(StandardScaler(), KNeighborsClassifier()),
                "methods": [mit.GridSearch()],
            },
            ValueError,
            "refits the estimator with sample weights, but Pipeline.fit takes no sample_weight",
        ),
        (
            {"methods": [mit.CalibratedEqOdds(privileged="male")]},
            ValueError,
            r"privileged='male' is not a group of sex; pass one of \['Female', 'Male'\]",
        ),
    ],
)
def test_bad_inputs_name_the_problem_and_the_fix(
    data: Data, changes: dict[str, Any], error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        _call(data, **changes)


@pytest.mark.parametrize(
    ("module", "method"),
    [
        ("fairlearn.postprocessing", mit.ThresholdOptimizer()),
        ("aif360.algorithms.postprocessing", mit.RejectOption()),
    ],
)
def test_missing_reference_library_says_how_to_install(
    data: Data, monkeypatch: pytest.MonkeyPatch, module: str, method: mit.MitigationSpec
) -> None:
    monkeypatch.setitem(sys.modules, module, None)  # makes the import fail
    with pytest.raises(ImportError, match=r"pip install 'fairness-widgets\[reference\]'"):
        _call(data, methods=[method])
