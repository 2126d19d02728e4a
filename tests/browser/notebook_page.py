"""Drive a notebook open in JupyterLab 4 or Notebook 7 through the app's own API.

Cells are run with the ``notebook:run-cell`` command only once the kernel is idle:
keystrokes sent before the kernel is ready are silently dropped.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nbformat
from playwright.sync_api import ConsoleMessage, Error, Locator, Page

TIMEOUT_MS = 60_000

# Errors the front ends raise on a plain notebook with no widget at all, so not ours.
# Each entry: (front end, message, script the error comes from). Keep this list short
# and exact; remove an entry when the upstream release no longer raises it.
UPSTREAM_ERRORS = (
    # Notebook 7.6.5: its shortcuts plugin reads the schema of a plugin missing from the
    # settings registry on startup (seen with an empty notebook, no extension installed).
    ("notebook", "Cannot read properties of undefined (reading 'schema')", "/static/notebook/notebook_core."),
)

_WAIT_FOR_KERNEL = """
async () => {
  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
  const deadline = Date.now() + 60000;
  let panel = null;
  while (Date.now() < deadline) {
    panel = window.jupyterapp?.shell?.currentWidget;
    if (panel && panel.sessionContext && panel.content) break;
    await sleep(200);
  }
  if (!panel || !panel.sessionContext) throw new Error("no notebook panel");
  await panel.context.ready;
  await panel.sessionContext.ready;
  while (Date.now() < deadline) {
    const kernel = panel.sessionContext.session?.kernel;
    if (kernel && kernel.status === "idle") return kernel.name;
    await sleep(200);
  }
  throw new Error("kernel never became idle");
}
"""

_RUN_CELL = """
async (index) => {
  const app = window.jupyterapp;
  const panel = app.shell.currentWidget;
  panel.content.activeCellIndex = index;
  await app.commands.execute("notebook:run-cell");
  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
  const deadline = Date.now() + 120000;
  // run-cell resolves when the reply arrives; outputs and comm traffic may trail it.
  while (Date.now() < deadline) {
    const cell = panel.content.widgets[index];
    const kernel = panel.sessionContext.session?.kernel;
    if (cell.model.executionCount !== null && kernel.status === "idle") return cell.model.executionCount;
    await sleep(100);
  }
  throw new Error("cell " + index + " did not finish");
}
"""

_CELL_COUNT = "() => window.jupyterapp.shell.currentWidget.content.widgets.length"


@dataclass
class NotebookPage:
    """A notebook page plus every browser console error seen on it."""

    page: Page
    frontend: str
    errors: list[str] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.page.set_default_timeout(TIMEOUT_MS)
        self.page.on("console", self._on_console)
        self.page.on("pageerror", self._on_page_error)

    def _on_console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.errors.append(f"console error: {message.text} ({message.location.get('url', '')})")

    def _on_page_error(self, error: Error) -> None:
        stack = error.stack or ""
        for frontend, message, script in UPSTREAM_ERRORS:
            if frontend == self.frontend and error.message == message and script in stack.split("\n", 2)[1]:
                self.ignored.append(error.message)
                return
        self.errors.append(f"page error: {error.message}\n{stack}")

    def open(self, url: str) -> str:
        """Open ``url`` and return the kernel name once the kernel is idle."""
        self.page.goto(url, wait_until="domcontentloaded")
        kernel: str = self.page.evaluate(_WAIT_FOR_KERNEL)
        return kernel

    def cell_count(self) -> int:
        count: int = self.page.evaluate(_CELL_COUNT)
        return count

    def run_cell(self, index: int) -> None:
        self.page.evaluate(_RUN_CELL, index)

    def run_all(self) -> None:
        for index in range(self.cell_count()):
            self.run_cell(index)

    def cell(self, index: int) -> Locator:
        return self.page.locator(".jp-Notebook .jp-Cell").nth(index)

    def output_text(self, index: int) -> str:
        return "\n".join(self.cell(index).locator(".jp-OutputArea-output").all_inner_texts())

    def kernel_json(self, index: int) -> Any:
        """Run a probe cell that prints ``PROBE_MARK`` + JSON, and return the JSON."""
        self.run_cell(index)
        return json.loads(self.output_text(index).split(PROBE_MARK, 1)[1].splitlines()[0])


#: What a probe cell prints before its JSON (see :meth:`NotebookPage.kernel_json`).
PROBE_MARK = "KERNEL_SEES"


def write_notebook(path: Path, sources: tuple[str, ...]) -> None:
    """A notebook of these code cells, with a kernelspec: without one JupyterLab waits for
    the user to pick a kernel and never starts one."""
    notebook = nbformat.v4.new_notebook(
        metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}}
    )
    notebook.cells = [nbformat.v4.new_code_cell(source) for source in sources]
    nbformat.write(notebook, path)
