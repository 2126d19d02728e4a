"""Start an isolated JupyterLab 4 or Notebook 7 server on 127.0.0.1 for browser tests."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

Frontend = Literal["lab", "notebook"]


@dataclass(frozen=True)
class Server:
    frontend: Frontend
    base_url: str
    root: Path
    log: Path

    def notebook_url(self, name: str) -> str:
        if self.frontend == "lab":
            return f"{self.base_url}/lab/tree/{name}?reset"
        return f"{self.base_url}/notebooks/{name}"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _isolated_env(home: Path, frontend: Frontend) -> dict[str, str]:
    env = dict(os.environ)
    for name in (
        "JUPYTER_CONFIG_DIR",
        "JUPYTER_RUNTIME_DIR",
        "JUPYTERLAB_WORKSPACES_DIR",
        "JUPYTERLAB_SETTINGS_DIR",
    ):
        path = home / name.lower()
        path.mkdir(parents=True, exist_ok=True)
        env[name] = str(path)
    # No "would you like news?" toast: it would cover the page and try the network.
    if frontend == "lab":
        notification = Path(env["JUPYTERLAB_SETTINGS_DIR"]) / "@jupyterlab" / "apputils-extension"
        notification.mkdir(parents=True, exist_ok=True)
        (notification / "notification.jupyterlab-settings").write_text(json.dumps({"fetchNews": "false"}))
    env["PYTHONUNBUFFERED"] = "1"
    return env


@contextmanager
def jupyter_server(frontend: Frontend, root: Path, home: Path, timeout: float = 90.0) -> Iterator[Server]:
    """Run ``jupyter lab`` / ``jupyter notebook`` serving ``root`` until the block exits."""
    port = _free_port()
    app = "JupyterNotebookApp" if frontend == "notebook" else "LabApp"
    command = [
        sys.executable,
        "-m",
        "jupyter",
        frontend,
        "--no-browser",
        "--allow-root",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        f"--ServerApp.root_dir={root}",
        "--IdentityProvider.token=",
        "--ServerApp.password=",
        f"--{app}.expose_app_in_browser=True",
    ]
    if frontend == "lab":
        # The extension manager would query PyPI from the page; nothing here needs it.
        command.append("--LabApp.extension_manager=readonly")
    home.mkdir(parents=True, exist_ok=True)
    log = home / f"jupyter-{frontend}.log"
    with log.open("w") as log_handle:
        process = subprocess.Popen(
            command, stdout=log_handle, stderr=subprocess.STDOUT, env=_isolated_env(home, frontend), cwd=root
        )
        base_url = f"http://127.0.0.1:{port}"
        try:
            _wait_until_up(base_url, process, log, timeout)
            yield Server(frontend=frontend, base_url=base_url, root=root, log=log)
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)


def _wait_until_up(base_url: str, process: subprocess.Popen[bytes], log: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"Jupyter exited with code {process.returncode}:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(f"{base_url}/api/status", timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.3)
    raise RuntimeError(f"Jupyter did not answer within {timeout:.0f} s:\n{log.read_text()[-3000:]}")
