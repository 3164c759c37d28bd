"""The package is `ruff format`-clean and `ruff check`-clean under pyproject.toml's [tool.ruff]
(issue #13), and keeps to the house layout: imports only point down, nothing in the core
imports a site generator."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import ROOT

RUFF = [sys.executable, "-m", "ruff"]
# The glue that may import MkDocs or run an engine; everything else is the engine-neutral core.
GLUE = {"mkdocs_hooks.py", "mkdocs_csp.py", "mdext.py", "zensical_build.py", "check.py"}


@pytest.mark.parametrize("command", [["format", "--check", "--diff"], ["check"]])
def test_the_package_is_ruff_clean(command: list[str]):
    result = subprocess.run(
        [*RUFF, *command, "explainer"], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_reads_its_settings_from_pyproject():
    result = subprocess.run(
        [*RUFF, "check", "--show-settings", "explainer/model.py"],
        cwd=ROOT, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert f'Settings path: "{ROOT / "pyproject.toml"}"' in result.stdout


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_the_core_imports_no_site_generator():
    core = [p for p in (ROOT / "explainer").glob("*.py") if p.name not in GLUE]
    assert len(core) > 15
    for path in core:
        assert not imported_modules(path) & {"mkdocs", "zensical", "properdocs", "markdown"}, path
