"""The README's set-up commands stay true: CI runs the same test command, and `.[test]` installs all
that the tests import (a fresh machine runs `bash scripts/bootstrap --test && python3 -m pytest`)."""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib import metadata
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def _setup_commands() -> list[str]:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    section = text.split("## Set-up", 1)[1].split("\n## ", 1)[0]
    return [block.strip() for block in re.findall(r"```sh\n(.*?)```", section, flags=re.DOTALL)]


def test_readme_gives_two_commands_and_ci_runs_the_test_one_in_a_fresh_venv() -> None:
    """One command runs the kiosk, one runs the tests; .ci/run runs the latter verbatim in a new venv."""
    commands = _setup_commands()
    assert len(commands) == 2 and "kiosk run" in commands[0] and "pytest" in commands[1]
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert commands[1] in ci.splitlines()
    venv_at = ci.index("-m venv")
    assert venv_at < ci.index(commands[1])  # the test command runs inside the fresh environment


def _requirement_names(requirements: list[str]) -> set[str]:
    return {re.split(r"[\s<>=!~;\[]", r, maxsplit=1)[0].lower().replace("_", "-") for r in requirements}


def test_the_test_extra_installs_every_package_the_tests_import() -> None:
    """Every third-party module imported under tests/ (and PyInstaller, which the packaging test runs)
    comes from a distribution in the project's dependencies or its `test` extra."""
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    extras = project["optional-dependencies"]
    allowed = _requirement_names(project["dependencies"]) | _requirement_names(extras["test"])
    modules = {"PyInstaller"}
    for path in (REPO / "tests").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                modules |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                modules.add(node.module.split(".")[0])
    local = {f.stem for folder in ("benchmarks", "packaging", "scripts") for f in (REPO / folder).glob("*.py")}
    third_party = {m for m in modules
                   if m not in sys.stdlib_module_names and m not in local and m not in ("kiosk", "tests", "pytestqt")}
    owners = metadata.packages_distributions()
    missing = {}
    for module in sorted(third_party):
        dists = {d.lower().replace("_", "-") for d in owners.get(module, [])}
        if not dists & allowed and not any(_provided_by(d, allowed) for d in dists):
            missing[module] = sorted(dists) or ["(not installed)"]
    assert not missing, f"imported by tests but not in [test] or dependencies: {missing}"


def _provided_by(dist: str, allowed: set[str]) -> bool:
    """``dist`` is installed as a requirement of an allowed distribution (shiboken6 for PySide6, …)."""
    for name in allowed:
        try:
            requires = metadata.requires(name) or []
        except metadata.PackageNotFoundError:
            continue
        if dist in _requirement_names([r for r in requires if "extra ==" not in r]):
            return True
    return False
