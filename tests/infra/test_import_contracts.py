"""Which way imports point (docs/architecture.md), held by import-linter's contracts in
``pyproject.toml``: apps import only the apps below them, and nothing but URL
configuration imports an app's API or page modules."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


ROOTS = (
    "learnhub",
    "accounts",
    "partnerships",
    "notifications",
    "grants",
    "consent",
    "pulse",
    "rhythm",
    "evidence",
    "demo",
)


def _lint_imports(cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    command = [str(Path(sys.executable).with_name("lint-imports")), "--no-cache"]
    return subprocess.run(  # noqa: S603 - our own tool, fixed arguments
        command,
        cwd=cwd,
        env={**os.environ, "PYTHONPATH": str(cwd)},
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def test_every_import_contract_is_kept() -> None:
    result = _lint_imports()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 3 kept, 0 broken." in result.stdout


def test_an_import_that_runs_back_up_breaks_the_contract(tmp_path: Path) -> None:
    # A copy of the apps (the source tree is never touched), with one arrow reversed.
    for package in ROOTS:
        shutil.copytree(ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("*.pyc"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    (tmp_path / "partnerships" / "probe.py").write_text(
        "from evidence.models import Evidence  # noqa: F401\n"
    )
    result = _lint_imports(cwd=tmp_path)
    assert result.returncode == 1
    assert "Apps import only the apps below them BROKEN" in result.stdout
    assert "partnerships.probe -> evidence.models" in result.stdout


def test_the_diagram_in_the_architecture_page_is_the_layers_contract() -> None:
    """docs/architecture.md draws the layers left to right; the contract lists them top
    down. A layer added, removed or moved in one and not the other fails here."""
    import tomllib

    contracts = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    layers = next(c["layers"] for c in contracts["contracts"] if c["type"] == "layers")
    page = (ROOT / "docs" / "architecture.md").read_text()
    section = page.split("## Which way imports point", 1)[1]
    diagram = section.split("```", 2)[1].strip()
    assert diagram.split(" -> ") == layers
