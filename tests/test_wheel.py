"""The wheel built from a clean checkout carries the JS bundle and the data, and its
widget imports in a new virtual environment with no Node.js or npm on the PATH."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.slow

IN_NEW_VENV = """
import shutil
assert shutil.which("npm") is None and shutil.which("node") is None, "npm must not be reachable"
import fairness_widgets as fw
assert fw.__file__.find("site-packages") > 0, fw.__file__
df = fw.datasets.load_adult("test")
dash = fw.Dashboard(df["label"], y_pred=df["age"] > 40, sensitive=df[["sex", "race"]])
assert "application/vnd.jupyter.widget-view+json" in dash._repr_mimebundle_()[0]
assert len(dash._esm) > 10_000 and "render" in dash._esm
fico = fw.datasets.load_fico_people()
explorer = fw.TradeoffExplorer(fico["label"], y_score=fico["score"], sensitive=fico[["race"]])
assert "fw-tradeoff" in explorer._esm and explorer.postprocessor.rules
print("OK", fw.__version__, len(df))
"""


def _clean_checkout(destination: Path) -> Path:
    """Copy only the files git tracks: no node_modules, no built bundle."""
    listed = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, check=True, capture_output=True, text=True
    ).stdout.split("\0")
    for name in filter(None, listed):
        source = ROOT / name
        if source.is_file():
            target = destination / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    return destination


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if shutil.which("npm") is None:
        pytest.fail("Building the wheel needs npm (Node.js); scripts/test installs it.")
    source = _clean_checkout(tmp_path_factory.mktemp("checkout"))
    assert not (source / "fairness_widgets" / "static").exists()
    dist = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "build", "--outdir", str(dist), str(source)],
        check=True,
        capture_output=True,
        text=True,
        timeout=900,
    )
    wheels = list(dist.glob("fairness_widgets-*.whl"))
    assert len(wheels) == 1, list(dist.iterdir())
    return wheels[0]


def test_wheel_contains_bundle_and_data(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for required in (
        "fairness_widgets/static/dashboard.js",
        "fairness_widgets/static/dashboard.css",
        "fairness_widgets/static/tradeoff.js",
        "fairness_widgets/static/tradeoff.css",
        "fairness_widgets/static/slices.js",
        "fairness_widgets/static/slices.css",
        "fairness_widgets/static/card_editor.js",
        "fairness_widgets/static/card_editor.css",
        "fairness_widgets/datasets/data/adult/adult.data.gz",
        "fairness_widgets/datasets/data/adult/adult.test.gz",
        "fairness_widgets/datasets/data/adult/adult.names",
        "fairness_widgets/datasets/data/german/german.data.gz",
        "fairness_widgets/datasets/data/german/codes.json",
        "fairness_widgets/datasets/data/fico/transrisk_cdf_by_race_ssa.csv",
        "fairness_widgets/datasets/data/LICENSES.md",
        "fairness_widgets/py.typed",
    ):
        assert required in names, f"{required} missing from {wheel.name}"
    for widget, root in (
        ("dashboard", "fw-dashboard"),
        ("tradeoff", "fw-tradeoff"),
        ("slices", "fw-slices"),
        ("card_editor", "fw-card-editor"),
    ):
        bundle = zipfile.ZipFile(wheel).read(f"fairness_widgets/static/{widget}.js").decode()
        assert root in bundle  # the real bundle, built from js/src
    assert not any(name.startswith(("js/", "node_modules/", "tests/")) for name in names)


def test_wheel_installs_and_imports_without_npm(wheel: Path, tmp_path: Path) -> None:
    environment = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(environment)
    python = environment / "bin" / "python"
    subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", str(wheel)],
        check=True,
        capture_output=True,
        text=True,
        timeout=900,
    )
    # Only the new environment and the basic system tools: no node, no npm.
    env = {key: value for key, value in os.environ.items() if not key.startswith(("NODE", "NPM", "PYTHON"))}
    env["PATH"] = f"{environment / 'bin'}:/usr/bin:/bin"
    if shutil.which("npm", path=env["PATH"]) is not None:
        env["PATH"] = str(environment / "bin")
    result = subprocess.run(
        [str(python), "-c", IN_NEW_VENV],
        check=False,
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    version = json.loads((ROOT / "package.json").read_text())["version"]
    assert result.stdout.startswith(f"OK {version} 16281")
