"""End to end: the slice explorer on Adult in a real JupyterLab and Chromium.

The list renders, a click drills down to the numbers Python computes, filters typed in
the browser reach the kernel, and an annotation typed in the browser is readable in Python.
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
df = fw.datasets.load_adult("test").assign(pred=lambda d: d["education_num"] >= 13)
audit = fw.Audit.from_frame(df, y_true="label", y_pred="pred", sensitive=["sex", "race"])
explorer = fw.SliceExplorer(audit, ["age", "marital_status"], max_order=2)
explorer"""
PROBE = """\
print("KERNEL_SEES" + json.dumps({
    "selected": explorer.selected,
    "filters": explorer.filters,
    "visible": explorer.visible()["slice"].tolist(),
    "findings": explorer.findings()[["slice", "status", "note"]].to_dict("records"),
    "drill": explorer.result.drill_down(explorer.selected).set_index("metric")["value"].dropna().to_dict()
        if explorer.selected else {},
}))"""

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_list_drill_down_filters_and_annotation_round_trip(
    browser: Any, tmp_path: Path, artifacts: Path
) -> None:
    root = tmp_path / "root"
    root.mkdir()
    write_notebook(root / "slices-under-test.ipynb", (SETUP, PROBE))
    with jupyter_server("lab", root, tmp_path / "home") as server:
        context = browser.new_context(viewport={"width": 1400, "height": 1200})
        notebook = NotebookPage(context.new_page(), "lab")
        try:
            assert notebook.open(server.notebook_url("slices-under-test.ipynb")) == "python3"
            notebook.run_cell(0)
            widget = notebook.page.locator(".fw-slices")
            widget.wait_for(state="visible")
            rows = widget.locator("tr[data-slice]")
            assert rows.count() > 0
            widget.screenshot(path=str(artifacts / "slices-lab.png"))
            first = rows.first.get_attribute("data-slice")

            # A click drills down: the panel shows the numbers Python computes.
            rows.first.click()
            panel = widget.locator(f'.fw-drilldown[data-slice="{first}"]')
            panel.locator('tr[data-metric="accuracy"]').wait_for(state="visible")
            state = notebook.kernel_json(1)
            assert state["selected"] == first
            for metric in ("accuracy", "selection_rate", "true_positive_rate"):
                cell = panel.locator(f'tr[data-metric="{metric}"] td[data-column="slice"]')
                assert float(cell.get_attribute("data-value")) == pytest.approx(
                    state["drill"][metric], abs=1e-9
                )

            # An annotation typed in the browser is readable in Python.
            widget.locator(".fw-annotation-status").select_option("accepted risk")
            widget.locator(".fw-annotation-note").fill("Known gap; documented in the data sheet.")
            widget.locator(".fw-annotation-note").blur()
            notebook.page.wait_for_timeout(600)
            state = notebook.kernel_json(1)
            assert state["findings"] == [
                {
                    "slice": first,
                    "status": "accepted risk",
                    "note": "Known gap; documented in the data sheet.",
                }
            ]

            # Filters applied in the browser reach the kernel, and the list matches Python's.
            widget.locator(".fw-filter-order").select_option("2")
            notebook.page.wait_for_timeout(600)
            state = notebook.kernel_json(1)
            assert state["filters"]["order"] == 2
            shown = widget.locator("tr[data-slice]").evaluate_all("els => els.map(e => e.dataset.slice)")
            assert shown == state["visible"][: len(shown)]
            assert all(" ∧ " in text for text in shown)
            widget.screenshot(path=str(artifacts / "slices-lab-drilldown.png"))
            assert notebook.errors == [], "\n".join(notebook.errors)
        except Exception:
            notebook.page.screenshot(path=str(artifacts / "failure-slices.png"), full_page=True)
            print(server.log.read_text()[-5000:])
            raise
        finally:
            context.close()
