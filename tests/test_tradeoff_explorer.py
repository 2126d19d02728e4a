"""TradeoffExplorer in Python: the state the browser gets, the choice it sends back, and
the post-processor and static export made from it (the browser itself: tests/browser)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import traitlets

import fairness_widgets as fw
from fairness_widgets.widgets.tradeoff_explorer import SLIDER_POINTS
from fairness_widgets.widgets.tradeoff_fallback import mixing_probability


@pytest.fixture(scope="module")
def fico() -> pd.DataFrame:
    return fw.datasets.load_fico_people()


@pytest.fixture(scope="module")
def fico_audit(fico: pd.DataFrame) -> fw.Audit:
    return fw.Audit(fico["label"], y_score=fico["score"], sensitive=fico[["race"]])


@pytest.fixture(scope="module")
def exact_audit() -> fw.Audit:
    """Many distinct scores per group: the sliders get a subset of the thresholds."""
    rng = np.random.default_rng(5)
    n = 20_000
    group = rng.choice(["a", "b", "c"], n, p=[0.5, 0.3, 0.2])
    label = (rng.random(n) < np.where(group == "a", 0.3, 0.45)).astype(int)
    score = 1 / (1 + np.exp(-(1.4 * (2 * label - 1) + 0.3 * (group == "b") + rng.normal(0, 1.2, n))))
    return fw.Audit(label, y_score=score, sensitive={"group": group}, resolution=None)


@pytest.mark.parametrize("constraint", ["demographic_parity", "equal_opportunity", "equalized_odds"])
def test_every_frontier_point_selected_reads_back_its_objective_and_disparity(
    exact_audit: fw.Audit, constraint: str
) -> None:
    explorer = fw.TradeoffExplorer(exact_audit, constraint=constraint)
    assert len(explorer.points) == len(explorer.tradeoff.points)
    for row in explorer.tradeoff.points.itertuples():
        explorer.select(int(row.point))
        current = explorer.current()
        assert current["objective"] == pytest.approx(row.objective, abs=1e-12)
        assert current["disparity"] == pytest.approx(row.disparity, abs=1e-12)


def test_sliders_get_a_bounded_subset_that_keeps_every_frontier_threshold(exact_audit: fw.Audit) -> None:
    explorer = fw.TradeoffExplorer(exact_audit)
    operating = explorer.tradeoff.operating_points
    for g, group in enumerate(explorer.groups):
        assert len(group["tp"]) <= SLIDER_POINTS + len(explorer.points) * 2
        assert len(group["tp"]) < np.diff(operating.offsets)[g]  # thinned
        assert group["thresholds"][0] is None  # no one predicted positive
        assert group["tp"][-1] == group["positives"]
        assert group["fp"][-1] == group["negatives"]
        assert np.all(np.diff(group["tp"]) >= 0)
        assert np.all(np.diff(group["fp"]) >= 0)
    for point in explorer.points:
        for g, choice in enumerate(point["choice"]):
            for index, _ in choice:
                assert 0 <= index < len(explorer.groups[g]["tp"])


def test_the_choice_is_a_postprocessor_that_reproduces_the_rates_shown(
    fico: pd.DataFrame, fico_audit: fw.Audit
) -> None:
    explorer = fw.TradeoffExplorer(fico_audit, constraint="equal_opportunity")
    explorer.select(int(explorer.tradeoff.best(0.02)["point"]))
    rule = explorer.postprocessor
    assert rule.randomised
    probability = rule.positive_probability(fico["score"], fico[["race"]])
    shown = explorer.group_rates().set_index("group")
    for race, rows in fico.groupby("race", observed=True):
        p, y = probability[rows.index], rows["label"].to_numpy()
        assert shown.loc[race, "tp"] == pytest.approx(float((p * y).sum()), abs=1e-9)
        assert shown.loc[race, "fp"] == pytest.approx(float((p * (1 - y)).sum()), abs=1e-9)
        assert shown.loc[race, "true_positive_rate"] == pytest.approx(
            float((p * y).sum() / y.sum()), abs=1e-12
        )
    assert set(rule.to_frame().columns) == {"attribute", "group", "threshold", "weight"}


def test_a_slider_choice_from_the_browser_is_validated(fico_audit: fw.Audit) -> None:
    explorer = fw.TradeoffExplorer(fico_audit)
    n_groups = len(explorer.groups)
    explorer.selection = [[[10, 1.0]] for _ in range(n_groups)]
    assert [c[0][1] for c in explorer.choices] == [1.0] * n_groups
    rates = explorer.group_rates()
    for g, group in enumerate(explorer.groups):
        assert rates.loc[g, "tp"] == group["tp"][10]
        assert rates.loc[g, "thresholds"] == (group["thresholds"][10],)
    with pytest.raises(traitlets.TraitError, match="one choice per group"):
        explorer.selection = [[[0, 1.0]]]
    with pytest.raises(traitlets.TraitError, match=r"point indices must be 0\.\."):
        explorer.selection = [[[10_000, 1.0]] for _ in range(n_groups)]
    with pytest.raises(traitlets.TraitError, match="add up to 1"):
        explorer.selection = [[[1, 0.5], [2, 0.2]] for _ in range(n_groups)]
    with pytest.raises(ValueError, match="No point 999"):
        explorer.select(999)


def test_changing_the_constraint_recomputes_the_frontier_and_keeps_the_sliders(fico_audit: fw.Audit) -> None:
    explorer = fw.TradeoffExplorer(fico_audit, constraint="demographic_parity")
    explorer.selection = [[[20 + g, 1.0]] for g in range(len(explorer.groups))]
    before = explorer.group_rates()["tp"].to_numpy()
    explorer.constraint = "equal_opportunity"
    assert explorer.tradeoff.constraint == "equal_opportunity"
    assert explorer.rate_names == ["true_positive_rate"]
    assert explorer.selected_point == -1
    np.testing.assert_array_equal(explorer.group_rates()["tp"].to_numpy(), before)
    explorer.objective = "cost"
    assert explorer.tradeoff.objective == "cost"
    with pytest.raises(traitlets.TraitError, match="Unknown constraint 'parity'"):
        explorer.constraint = "parity"
    with pytest.raises(traitlets.TraitError, match="Unknown objective"):
        explorer.objective = "profit"


def test_costs_set_the_weights_the_browser_scores_with(fico_audit: fw.Audit) -> None:
    explorer = fw.TradeoffExplorer(fico_audit, objective="cost", fp_cost=0.82, fn_cost=0.18)
    weights, n = explorer.weights, fico_audit.cells.n_rows
    assert weights["fp"] == pytest.approx(0.82 / n)
    assert weights["tp"] == pytest.approx(0.18 / n)
    single = explorer.tradeoff.points.set_index("kind").loc["single threshold"]
    # The lender's break-even: lend when the repayment rate at the score is >= 82%.
    chosen = explorer.tradeoff.choices[explorer.tradeoff.choices["point"] == single["point"]]
    fico = fw.datasets.load_fico()
    white = fico[fico["race"] == "White (non-Hispanic)"].set_index("score")
    threshold = float(chosen["threshold"].iloc[0]) * 100
    assert white.loc[threshold, "non_default_rate"] == pytest.approx(0.82, abs=0.06)


def test_static_export_has_a_chart_and_an_escaped_table() -> None:
    rng = np.random.default_rng(0)
    n = 2_000
    group = rng.choice(["<b>x</b>", "y & z"], n)
    label = rng.integers(0, 2, n)
    audit = fw.Audit(label, y_score=np.clip(0.3 * label + 0.7 * rng.random(n), 0, 1), sensitive={"g": group})
    data, _ = fw.TradeoffExplorer(audit)._repr_mimebundle_()
    assert data["image/png"].startswith(b"\x89PNG")
    assert "&lt;b&gt;x&lt;/b&gt;" in data["text/html"]
    assert "<b>x</b>" not in data["text/html"]
    assert "y &amp; z" in data["text/html"]
    assert "application/vnd.jupyter.widget-view+json" in data


def test_labels_and_scores_directly_give_the_same_explorer(fico: pd.DataFrame, fico_audit: fw.Audit) -> None:
    direct = fw.TradeoffExplorer(fico["label"], y_score=fico["score"], sensitive=fico[["race"]])
    pd.testing.assert_frame_equal(direct.tradeoff.points, fico_audit.tradeoff("demographic_parity").points)


def test_bad_inputs_say_what_to_do(fico: pd.DataFrame) -> None:
    with pytest.raises(TypeError, match="needs an Audit built with y_score="):
        fw.TradeoffExplorer(fico["label"])
    with pytest.raises(TypeError, match=r"the labels with y_score= and sensitive="):
        fw.TradeoffExplorer(fico["label"], y_score=fico["score"])
    hard = fw.Audit(fico["label"], y_pred=fico["score"] > 0.5, sensitive=fico[["race"]])
    with pytest.raises(ValueError, match="need scores"):
        fw.TradeoffExplorer(hard)
    audit = fw.Audit(fico["label"], y_score=fico["score"], sensitive=fico[["race"]])
    with pytest.raises(ValueError, match="constraint must be one of"):
        fw.TradeoffExplorer(audit, constraint="parity")


def test_a_constraint_that_cannot_be_computed_is_refused_and_nothing_changes() -> None:
    """A group with no actual positives has no true positive rate: equal opportunity is
    refused with the reason, and the widget keeps showing demographic parity."""
    label = np.array([0, 0, 0, 0, 1, 0, 1, 1])
    score = np.linspace(0.1, 0.9, 8)
    explorer = fw.TradeoffExplorer(label, y_score=score, sensitive={"g": list("aaaabbbb")})
    before = explorer.points
    with pytest.raises(traitlets.TraitError, match="no defined true_positive_rate"):
        explorer.constraint = "equal_opportunity"
    assert explorer.constraint == "demographic_parity"
    assert explorer.tradeoff.constraint == "demographic_parity"
    assert explorer.points == before


def test_the_static_export_never_shows_a_mixed_threshold_with_weight_0_or_1(fico_audit: fw.Audit) -> None:
    """A randomised point can give a group's second threshold a weight of 0.3%: written with
    two decimals as "1.00 × 0.25 + 0.00 × 0.245", the mix would hide those people."""
    explorer = fw.TradeoffExplorer(fico_audit, constraint="equal_opportunity")
    points = explorer.tradeoff.points
    seen_small = 0
    for point in points.index[points["kind"] == "randomised thresholds"]:
        explorer.select(int(point))
        weights = [w for choice in explorer.choices for _, w in choice if len(choice) > 1]
        seen_small += sum(1 for w in weights if w < 0.005 or w > 0.995)
        html = explorer._repr_mimebundle_()[0]["text/html"]
        assert "0.00 ×" not in html
        assert "1.00 ×" not in html
    assert seen_small > 0  # the case this test is about does occur on FICO


@pytest.mark.parametrize(
    ("weight", "shown"),
    [
        (0.5, "0.50"),
        (0.004, "0.004"),
        (0.9968, "0.997"),
        (0.00042, "0.0004"),
        (0.99996, ">0.9999"),
        (4e-5, "<0.0001"),
    ],
)
def test_mixing_probabilities_get_the_digits_they_need(weight: float, shown: str) -> None:
    assert mixing_probability(weight) == shown
