"""End to end: the quickstart notebook in a real JupyterLab 4 / Notebook 7 and Chromium.

The widget must render, a click in the browser must reach the kernel, and a value set in
Python must redraw the browser. Any browser console error fails the test.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import nbformat
import pytest

from tests.browser.jupyter_server import Frontend, jupyter_server
from tests.browser.notebook_page import NotebookPage

QUICKSTART = Path(__file__).resolve().parents[2] / "notebooks" / "01-quickstart.ipynb"
PROBE = (
    'print("KERNEL_SEES", dashboard.metric, dashboard.attribute, dashboard.selected_group or "-", sep="|")'
)
SET_FROM_PYTHON = 'dashboard.metric = "true_positive_rate"\ndashboard.attribute = "sex × race"'

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _notebook_with_probes(root: Path) -> tuple[str, int, int]:
    """Copy the quickstart into ``root`` with a probe cell and a setter cell appended."""
    notebook = nbformat.read(QUICKSTART, as_version=4)
    notebook.cells.append(nbformat.v4.new_code_cell(PROBE))
    notebook.cells.append(nbformat.v4.new_code_cell(SET_FROM_PYTHON))
    name = "quickstart-under-test.ipynb"
    nbformat.write(notebook, root / name)
    count = len(notebook.cells)
    return name, count - 2, count - 1


@pytest.mark.parametrize("frontend", ["lab", "notebook"])
def test_quickstart_dashboard_round_trip(
    frontend: Frontend, browser: Any, tmp_path: Path, artifacts: Path
) -> None:
    root = tmp_path / "root"
    root.mkdir()
    name, probe_cell, setter_cell = _notebook_with_probes(root)
    with jupyter_server(frontend, root, tmp_path / "home") as server:
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        notebook = NotebookPage(context.new_page(), frontend)
        try:
            assert notebook.open(server.notebook_url(name)) == "python3"
            for index in range(probe_cell):
                notebook.run_cell(index)

            # The widget rendered: a chart with one bar per sex.
            widget = notebook.page.locator(".fw-dashboard")
            widget.wait_for(state="visible")
            bars = widget.locator("svg.fw-chart .fw-bar")
            assert bars.count() == 2
            assert sorted(bars.evaluate_all("els => els.map(e => e.dataset.key)")) == ["Female", "Male"]
            assert widget.locator(".fw-title").inner_text() == "Selection rate by sex"
            widget.screenshot(path=str(artifacts / f"dashboard-{frontend}.png"))

            # Browser -> kernel: pick another metric and click a bar.
            widget.locator(".fw-metric-select").select_option("false_positive_rate")
            assert widget.locator(".fw-title").inner_text() == "False positive rate by sex"
            widget.locator('.fw-bar[data-key="Female"] .fw-bar-rect').click()
            notebook.run_cell(probe_cell)
            seen = notebook.output_text(probe_cell)
            assert "KERNEL_SEES|false_positive_rate|sex|Female" in seen, seen

            # Kernel -> browser: set values in Python, the DOM follows.
            notebook.run_cell(setter_cell)
            title = widget.locator(".fw-title")
            notebook.page.wait_for_function(
                "el => el.textContent === 'True positive rate by sex × race'", arg=title.element_handle()
            )
            assert widget.locator(".fw-metric-select").input_value() == "true_positive_rate"
            assert widget.locator(".fw-attribute-select").input_value() == "sex × race"
            assert widget.locator("svg.fw-chart .fw-bar").count() == 10
            # Every intersectional group has positives in Adult test, so each bar has an interval.
            assert widget.locator("svg.fw-chart .fw-whisker").count() == 10
            widget.screenshot(path=str(artifacts / f"dashboard-{frontend}-intersection.png"))

            assert notebook.errors == [], "\n".join(notebook.errors)
        except Exception:
            notebook.page.screenshot(path=str(artifacts / f"failure-{frontend}.png"), full_page=True)
            print(server.log.read_text()[-5000:])
            raise
        finally:
            context.close()
