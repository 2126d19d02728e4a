"""End to end: the trade-off explorer on FICO in a real JupyterLab and Chromium.

Moving a slider must show, for that group, the counts and rates Python computes for the
threshold; clicking a frontier point must set every slider and reach the kernel.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.browser.jupyter_server import jupyter_server
from tests.browser.notebook_page import NotebookPage, write_notebook

SETUP = """\
import json
import fairness_widgets as fw
fico = fw.datasets.load_fico_people()
audit = fw.Audit(fico["label"], y_score=fico["score"], sensitive=fico[["race"]])
explorer = fw.TradeoffExplorer(audit, constraint="equal_opportunity")
explorer"""
PROBE = """\
rates = explorer.group_rates()
print("KERNEL_SEES" + json.dumps({
    "selected_point": explorer.selected_point,
    "selection": explorer.selection,
    "rates": rates.drop(columns=["thresholds", "weights"]).to_dict("records"),
    "thresholds": [list(t) for t in rates["thresholds"]],
    "current": explorer.current(),
}))"""
ADULT = """\
from sklearn.compose import make_column_transformer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler
from fairness_widgets import mitigations as mit
train, test = fw.datasets.load_adult("train"), fw.datasets.load_adult("test")
numeric, categorical = ["age", "education_num", "hours_per_week"], ["occupation", "relationship"]
features = numeric + categorical
model = make_pipeline(make_column_transformer((StandardScaler(), numeric), (OneHotEncoder(), categorical)),
                      LogisticRegression(max_iter=1000)).fit(train[features], train["label"])
scores = model.predict_proba(test[features])[:, 1]
results = fw.run_mitigations(
    model, train[features], train["label"], test[features], test["label"],
    sensitive_train=train["sex"], sensitive_test=test["sex"],
    methods=[mit.Baseline(), mit.ThresholdOptimizer(), mit.GridSearch(grid_size=5)], seed=0, progress=False)
audit = fw.Audit(test["label"], y_score=scores, sensitive=test[["sex"]])
adult = fw.TradeoffExplorer(audit, mitigations=results)
shown = results.table("demographic_parity")[["label", "params", "objective", "disparity"]]
print("KERNEL_SEES" + json.dumps(shown.to_dict("records")))
adult"""
RATES = ("selection_rate", "true_positive_rate", "false_positive_rate", "precision", "accuracy")
GROUP = "Black"

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _dom_row(widget: Any, group: str) -> dict[str, float]:
    row = widget.locator(f'tr[data-group="{group}"]')
    values = {name: row.locator(f'td[data-rate="{name}"]').get_attribute("data-value") for name in RATES}
    values |= {
        name: row.locator(f'td[data-count="{name}"]').get_attribute("data-value")
        for name in ("tp", "fp", "fn", "tn")
    }
    return {name: float(value) for name, value in values.items()}


def _move_slider(widget: Any, group: str, index: int) -> None:
    widget.locator(f'input.fw-slider[data-group="{group}"]').evaluate(
        """(el, index) => {
            el.value = String(index);
            el.dispatchEvent(new Event("input", { bubbles: true }));
            el.dispatchEvent(new Event("change", { bubbles: true }));
        }""",
        index,
    )


def test_slider_rates_match_python_and_a_frontier_click_sets_the_sliders(
    browser: Any, tmp_path: Path, artifacts: Path
) -> None:
    root = tmp_path / "root"
    root.mkdir()
    write_notebook(root / "tradeoff-under-test.ipynb", (SETUP, PROBE, ADULT))
    with jupyter_server("lab", root, tmp_path / "home") as server:
        context = browser.new_context(viewport={"width": 1400, "height": 1200})
        notebook = NotebookPage(context.new_page(), "lab")
        try:
            assert notebook.open(server.notebook_url("tradeoff-under-test.ipynb")) == "python3"
            notebook.run_cell(0)
            widget = notebook.page.locator(".fw-tradeoff")
            widget.wait_for(state="visible")
            assert widget.locator("tbody > tr[data-group]").count() == 4
            assert widget.locator("input.fw-slider").count() == 4
            widget.screenshot(path=str(artifacts / "tradeoff-lab.png"))

            # A slider moves: the row shows what Python computes for that threshold.
            _move_slider(widget, GROUP, 120)
            shown = _dom_row(widget, GROUP)
            notebook.page.wait_for_timeout(400)  # the browser saves at most every 250 ms
            state = notebook.kernel_json(1)
            assert state["selected_point"] == -1
            python = next(row for row in state["rates"] if row["group"] == GROUP)
            for name, value in shown.items():
                assert value == pytest.approx(python[name], abs=1e-9), name
            summary = widget.locator('[data-summary="disparity"]').get_attribute("data-value")
            assert float(summary) == pytest.approx(state["current"]["disparity"], abs=1e-9)

            # A frontier point is clicked: every slider moves to its thresholds.
            points = widget.locator('g.fw-point[data-kind="randomised thresholds"]')
            target = points.nth(points.count() // 2)
            point_id = int(target.get_attribute("data-point"))
            target.click()
            notebook.page.wait_for_timeout(300)
            state = notebook.kernel_json(1)
            assert state["selected_point"] == point_id
            for g, choice in enumerate(state["selection"]):
                heaviest = max(choice, key=lambda pair: pair[1])[0]
                group = state["rates"][g]["group"]
                slider = widget.locator(f'input.fw-slider[data-group="{group}"]')
                assert int(slider.input_value()) == heaviest, group
                row = _dom_row(widget, group)
                assert row["true_positive_rate"] == pytest.approx(
                    state["rates"][g]["true_positive_rate"], abs=1e-9
                )
            objective = widget.locator('[data-summary="objective"]').get_attribute("data-value")
            assert float(objective) == pytest.approx(state["current"]["objective"], abs=1e-12)
            widget.screenshot(path=str(artifacts / "tradeoff-lab-point.png"))

            # Mitigations from fairlearn on the same axes, each labelled with its name,
            # parameters, accuracy and disparity on the held-out rows.
            expected = notebook.kernel_json(2)
            adult = notebook.page.locator(".fw-tradeoff").nth(1)
            adult.wait_for(state="visible")
            marks = adult.locator("g.fw-mitigation")
            assert marks.count() == len(expected) == 7  # baseline, ThresholdOptimizer, 5 GridSearch
            titles = marks.evaluate_all("els => els.map(e => e.querySelector('title').textContent)")
            rows = adult.locator("details.fw-mitigation-list tr[data-mitigation]")
            for index, method in enumerate(expected):
                assert method["label"] in titles[index]
                cells = rows.nth(index).locator("td").all_text_contents()
                assert cells[0] == method["label"]
                assert cells[2] == method["params"]
                assert float(cells[3].rstrip("%")) == pytest.approx(100 * method["objective"], abs=0.06)
                assert float(cells[4]) == pytest.approx(method["disparity"], abs=0.0006)
            assert adult.locator("path.fw-mitigation-curve").count() == 1  # the GridSearch sweep
            adult.locator("details.fw-mitigation-list summary").click()
            adult.screenshot(path=str(artifacts / "tradeoff-lab-mitigations.png"))
            assert notebook.errors == [], "\n".join(notebook.errors)
        except Exception:
            notebook.page.screenshot(path=str(artifacts / "failure-tradeoff.png"), full_page=True)
            print(server.log.read_text()[-5000:])
            raise
        finally:
            context.close()
