"""The two README commands install what they need and no more: `make run` the package's
runtime dependencies, `make test` the `dev` extra as well."""

from __future__ import annotations

import subprocess
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _dry_run(target: str, *variables: str) -> str:
    """The commands `make TARGET` would run in a fresh checkout (no virtualenv yet)."""
    result = subprocess.run(
        ["make", "--dry-run", "--always-make", target, "VENV=/nonexistent/venv", *variables],
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


def _venv_line(*variables: str) -> str:
    return next(line for line in _dry_run("install", *variables).splitlines() if "-m venv" in line)


def test_the_environment_is_made_with_the_distributions_python_where_it_can_be():
    """/usr/bin/python3.11 (Debian's, built with PGO and LTO) when it can make a virtual
    environment; else the first python3.11 on PATH."""
    debian = Path("/usr/bin/python3.11")
    distribution = (
        debian.exists()
        and subprocess.run([debian, "-c", "import ensurepip"], capture_output=True).returncode == 0
    )
    on_path = subprocess.run(
        ["sh", "-c", "command -v python3.11 || command -v python3"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()

    expected = "/usr/bin/python3.11" if distribution else on_path
    assert _venv_line().startswith(f"{expected} -m venv ")
    # A machine without it (or whose one cannot make an environment) takes PATH's.
    assert _venv_line("DISTRIBUTION_PYTHON=").startswith(f"{on_path} -m venv ")
