"""End to end: the model-card editor in a real JupyterLab and Chromium.

Typing in a field autosaves the card (read back from the file by the kernel), and hostile
text in a Markdown field is shown as text: nothing runs, no image with a handler appears. A
number box refuses "12,5" with a message naming the field (the file keeps no value, the box
keeps the text), then takes 12.5; a computed metric's rationale and flag, and a slice
finding's status (a drop-down) and note, are editable.
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
from fairness_widgets.card.schema import Metric, SliceFinding
card = fw.ModelCard()
card.model_details.name = "credit-v3"
card.metrics.append(Metric(id="true_positive_rate", name="True positive rate", source="computed"))
card.quantitative_analysis.fairness.slice_findings.append(
    SliceFinding(slice="age=<25", metric_id="recall", gap=-0.2, q_value=0.01, n=80, source="computed")
)
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
TYPED_PROBE = """\
saved = fw.ModelCard.load("card.json")
print("KERNEL_SEES" + json.dumps({
    "co2_kg": saved.training.compute.co2_kg,
    "rationale": saved.metrics[0].rationale,
    "higher_is_better": saved.metrics[0].higher_is_better,
    "finding": [saved.quantitative_analysis.fairness.slice_findings[0].status,
                saved.quantitative_analysis.fairness.slice_findings[0].annotation],
}))"""

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_typing_autosaves_and_hostile_text_runs_nothing(
    browser: Any, tmp_path: Path, artifacts: Path
) -> None:
    root = tmp_path / "root"
    root.mkdir()
    write_notebook(root / "card-under-test.ipynb", (SETUP, PROBE, TYPED_PROBE, TYPED_PROBE))
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

            # A bad number: a message naming the field, nothing saved, the text kept as typed.
            co2 = widget.locator('input[data-path="training.compute.co2_kg"]')
            co2.click()
            co2.press_sequentially("12,5", delay=20)
            co2.press("Tab")
            error = widget.locator('.fw-field-error[data-path="training.compute.co2_kg"]')
            error.wait_for(state="visible")
            assert error.inner_text() == (
                'Compute: CO2 emitted (kg) must be a number, e.g. 12.5; got "12,5". It was not saved.'
            )
            notebook.page.wait_for_timeout(1000)
            assert notebook.kernel_json(2)["co2_kg"] is None
            assert co2.input_value() == "12,5"

            co2.fill("12.5")
            co2.press("Tab")
            error.wait_for(state="hidden")
            rationale = widget.locator('textarea[data-path="metrics[0].rationale"]')
            rationale.fill("Missed repayers are the harm regulators ask about.")
            rationale.press("Tab")
            widget.locator('input[data-path="metrics[0].higher_is_better"]').check()
            finding = "quantitative_analysis.fairness.slice_findings[0]"
            status = widget.locator(f'select[data-path="{finding}.status"]')
            assert status.locator("option").all_inner_texts() == ["open", "accepted", "mitigated"]
            status.select_option("mitigated")
            note = widget.locator(f'textarea[data-path="{finding}.annotation"]')
            note.fill("Per-group thresholds since v3.")
            note.press("Tab")
            notebook.page.wait_for_timeout(1000)
            assert notebook.kernel_json(3) == {
                "co2_kg": 12.5,
                "rationale": "Missed repayers are the harm regulators ask about.",
                "higher_is_better": True,
                "finding": ["mitigated", "Per-group thresholds since v3."],
            }

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
