"""Shared helpers: a copy of the real project in a temp folder, and a strict MkDocs build of it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PROJECT_PARTS = ("mkdocs.yml", "docs", "data", "seeds", "overrides", "schema")


def copy_project(dest: Path) -> Path:
    """Copy what a build reads (config, pages, data, article, theme overrides) into dest."""
    for part in PROJECT_PARTS:
        src = ROOT / part
        if src.is_dir():
            shutil.copytree(src, dest / part)
        elif src.exists():
            shutil.copy2(src, dest / part)
    return dest


def run_build(project: Path, site: Path | None = None, *extra: str) -> subprocess.CompletedProcess:
    """Run `mkdocs build --strict` on a project folder in a subprocess, as users do."""
    site = site or project / "site"
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONDONTWRITEBYTECODE": "1"}
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site), *extra],
        cwd=project, env=env, capture_output=True, text=True, timeout=300,
    )


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A fresh copy of the real project."""
    return copy_project(tmp_path / "project")


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> Path:
    """The real site, built once per test session with --strict."""
    dest = copy_project(tmp_path_factory.mktemp("real") / "project")
    result = run_build(dest, dest / "site")
    assert result.returncode == 0, result.stderr
    return dest / "site"
