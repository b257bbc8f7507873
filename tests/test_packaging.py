"""The two README commands install what they need and no more: `make run` the package's
runtime dependencies, `make test` the `dev` extra as well."""

from __future__ import annotations

import subprocess
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _dry_run(target: str) -> str:
    """The commands `make TARGET` would run in a fresh checkout (no virtualenv yet)."""
    result = subprocess.run(
        ["make", "--dry-run", "--always-make", target, "VENV=/nonexistent/venv"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout


def test_make_run_installs_only_the_runtime_dependencies():
    commands = _dry_run("run")
    assert "pip install --quiet -e ." in commands
    assert "[dev]" not in commands


def test_make_test_installs_the_test_extra():
    assert "pip install --quiet -e '.[dev]'" in _dry_run("test")


def test_no_test_tool_is_a_runtime_dependency():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    runtime = {dep.split("==")[0].split("[")[0].lower() for dep in project["dependencies"]}
    test_only = {"pytest", "pytest-django", "playwright", "pandas", "datasets", "schemathesis"}
    assert runtime.isdisjoint(test_only)
