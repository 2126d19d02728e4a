"""End to end: the model-card editor in a real JupyterLab and Chromium.

Typing in a field autosaves the card (read back from the file by the kernel), and hostile
text in a Markdown field is shown as text: nothing runs, no image with a handler appears.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.browser.jupyter_server import jupyter_server
from tests.browser.notebook_page import NotebookPage, write_notebook

HOSTILE = "<img src=x onerror=alert(1)> <script>alert(2)</script>"
SETUP = f"""\
import json
import fairness_widgets as fw
card = fw.ModelCard()
card.model_details.name = "credit-v3"
card.model_details.description = {HOSTILE!r}
editor = fw.ModelCardEditor(card, "card.json")
editor"""
PROBE = """\
saved = fw.ModelCard.load("card.json")
print("KERNEL_SEES" + json.dumps({
    "summary": saved.model_details.summary,
    "status": editor.status,
    "completeness": editor.completeness,
    "html": saved.to_html(),
}))"""

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_typing_autosaves_and_hostile_text_runs_nothing(
    browser: Any, tmp_path: Path, artifacts: Path
) -> None:
    root = tmp_path / "root"
    root.mkdir()
    write_notebook(root / "card-under-test.ipynb", (SETUP, PROBE))
    with jupyter_server("lab", root, tmp_path / "home") as server:
        context = browser.new_context(viewport={"width": 1400, "height": 1200})
        notebook = NotebookPage(context.new_page(), "lab")
        dialogs: list[str] = []

        def on_dialog(dialog: Any) -> None:
            dialogs.append(dialog.message)
            dialog.dismiss()

        notebook.page.on("dialog", on_dialog)
        try:
            assert notebook.open(server.notebook_url("card-under-test.ipynb")) == "python3"
            notebook.run_cell(0)
            widget = notebook.page.locator(".fw-card-editor")
            widget.wait_for(state="visible")
            before = float(widget.locator(".fw-completeness").get_attribute("data-value") or "nan")
            assert widget.locator('li[data-missing="model_details.summary"]').count() == 1

            # The hostile description is shown as text, and nothing in the widget can run.
            preview = widget.locator('.fw-preview[data-path="model_details.description"]')
            preview.wait_for(state="visible")
            assert "<img src=x onerror=alert(1)>" in preview.inner_text()
            assert "<script>alert(2)</script>" in preview.inner_text()
            assert widget.locator("img").count() == 0
            assert widget.locator("script").count() == 0
            handlers = widget.evaluate(
                "root => [...root.querySelectorAll('*')].flatMap(e => e.getAttributeNames())"
                ".filter(name => name.toLowerCase().startsWith('on'))"
            )
            assert handlers == []

            # Typing in a field autosaves: the kernel reads it back from the file.
            summary = widget.locator('textarea[data-path="model_details.summary"]')
            summary.click()
            summary.press_sequentially("Ranks credit applications.", delay=20)
            widget.locator('.fw-save-status[data-conflict="false"]').wait_for()
            notebook.page.wait_for_timeout(1000)
            state = notebook.kernel_json(1)
            assert state["summary"] == "Ranks credit applications."
            assert state["status"]["conflict"] is False
            assert state["completeness"] > before
            assert widget.locator('li[data-missing="model_details.summary"]').count() == 0
            assert "&lt;img src=x onerror=alert(1)&gt;" in state["html"]
            assert "<script>alert(2)" not in state["html"]

            widget.screenshot(path=str(artifacts / "card-editor-lab.png"))
            notebook.page.wait_for_timeout(500)
            assert dialogs == []
            assert notebook.errors == [], "\n".join(notebook.errors)
        except Exception:
            notebook.page.screenshot(path=str(artifacts / "failure-card-editor.png"), full_page=True)
            print(server.log.read_text()[-5000:])
            raise
        finally:
            context.close()
