"""One pipeline, any engine (issue #12): one load per build, no state kept, quiet builds,
ProperDocs byte-identical but for the generator tag, and installs locked with hashes."""

from __future__ import annotations

import gzip
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from explainer.check import settings_from_file
from explainer.project import load_project

from .helpers import ROOT, copy_project, edit, run_build, snapshot

# Each load is written down in a file: it may happen in the build's second process (prefetch.py).
COUNT_LOADS = """
import os, sys
import explainer.project as project
real = project.load_project
def counted(*args, **kwargs):
    with open(sys.argv[2], "a") as loads:
        loads.write(f"{os.getpid()}\\n")
    return real(*args, **kwargs)
project.load_project = counted
from mkdocs.__main__ import cli
cli(["build", "--strict", "--site-dir", sys.argv[1]], standalone_mode=False)
"""


@pytest.mark.slow
def test_a_build_loads_the_project_once(project: Path):
    loads = project / "loads.txt"
    result = subprocess.run(
        [sys.executable, "-c", COUNT_LOADS, str(project / "site"), str(loads)],
        cwd=project, capture_output=True, text=True, timeout=300,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert len(loads.read_text().splitlines()) == 1
    assert len(list((project / "site" / "claims").glob("*/index.html"))) > 50


def test_loading_keeps_nothing_between_calls(project: Path):
    settings = settings_from_file(project / "mkdocs.yml")
    first = load_project(settings)
    claims = project / "data" / "claims.yml"
    edit(claims, "status: confirmed", "status: reported")
    second = load_project(settings)
    assert first is not second
    assert [c.status for c in first.claims] != [c.status for c in second.claims]


def test_the_package_has_no_module_level_cache():
    for path in (ROOT / "explainer").glob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"lru_cache|functools\.cache\b|^_CACHE", text, re.M), path.name


def test_mkdocs_yml_names_at_most_two_hook_files():
    hooks = yaml.safe_load((ROOT / "mkdocs.yml").read_text())["hooks"]
    assert hooks == ["explainer/mkdocs_hooks.py", "explainer/mkdocs_csp.py"]


@pytest.mark.slow
def test_a_newcomers_build_prints_no_banner_and_no_warning(tmp_path: Path):
    project = copy_project(tmp_path / "project")
    env = {k: v for k, v in os.environ.items() if "MKDOCS_2_WARNING" not in k}
    env["NO_MKDOCS_2_WARNING"] = "1"  # what scripts/serve sets, the documented switch
    assert 'export NO_MKDOCS_2_WARNING=1' in (ROOT / "scripts" / "serve").read_text()
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict"],
        cwd=project, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "WARNING" not in output
    for banner in ("end of life", "ProperDocs", "MkDocs 2.0", "│"):
        assert banner not in output


GENERATOR = re.compile(rb'<meta name="generator" content="[^"]*">')


@pytest.mark.slow
def test_properdocs_builds_the_same_site_but_for_the_generator_tag(tmp_path):
    project = copy_project(tmp_path / "project")
    # One build date for both (the sitemap's <lastmod>): a run across midnight must not differ.
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "SOURCE_DATE_EPOCH": "1764547200"}
    engines = {"mkdocs": [sys.executable, "-m", "mkdocs"],
               "pd": [str(Path(sys.executable).with_name("properdocs"))]}  # fmt: skip
    for name, engine in engines.items():
        result = subprocess.run(
            [*engine, "build", "--strict", "-f", "mkdocs.yml", "-d", str(tmp_path / name)],
            cwd=project, capture_output=True, text=True, timeout=300, env=env,
        )  # fmt: skip
        assert result.returncode == 0, result.stderr
    # sitemap.xml.gz holds its build time in the gzip header: compare what it holds.
    mkdocs, proper = (
        {n: gzip.decompress(b) if n.endswith(".gz") else b for n, b in snapshot(site).items()}
        for site in (tmp_path / "mkdocs", tmp_path / "pd")
    )
    assert sorted(proper) == sorted(mkdocs)
    differ = [name for name in mkdocs if mkdocs[name] != proper[name]]
    assert differ and all(name.endswith(".html") for name in differ)  # the tag is there
    for name in differ:
        assert GENERATOR.sub(b"", mkdocs[name]) == GENERATOR.sub(b"", proper[name]), name
        assert b"ProperDocs" in GENERATOR.search(proper[name]).group()


@pytest.mark.slow
def test_a_refused_edit_leaves_the_last_good_site(project: Path):
    assert run_build(project).returncode == 0
    before = snapshot(project / "site")
    edit(project / "data" / "claims.yml", "status: confirmed", "status: confirmd")
    assert run_build(project).returncode == 1
    assert snapshot(project / "site") == before


# --- Reproducible installs --------------------------------------------------------------------


def requirement_names(path: Path) -> dict[str, str | None]:
    """Name => pinned version (None when unpinned) of a requirements file's lines."""
    found = {}
    for line in path.read_text().splitlines():
        line = line.split("#")[0].strip()
        if match := re.match(r"([A-Za-z0-9_.-]+)\s*(?:==\s*([^\s;,]+))?", line):
            found[match.group(1).lower().replace("_", "-")] = match.group(2)
    return found


def locked(path: Path) -> dict[str, str]:
    return {m[0].lower(): m[1] for m in re.findall(r"(?m)^([A-Za-z0-9_.-]+)==(\S+) \\$", path.read_text())}


@pytest.mark.parametrize(
    ("inputs", "lock"),
    [
        (("requirements.txt", "requirements-test.txt"), "requirements.lock"),
        (("requirements-zensical.txt",), "requirements-zensical.lock"),
    ],
)
def test_the_lock_holds_every_requirement_with_hashes(inputs, lock):
    pins = locked(ROOT / lock)
    for name in inputs:
        for package, version in requirement_names(ROOT / name).items():
            assert package in pins, f"{name}: {package} is not in {lock}; run scripts/lock"
            assert version in (None, pins[package]), f"{name}: {package}=={version}, {lock} has {pins[package]}"
    text = (ROOT / lock).read_text()
    assert text.count("==") == len(pins) and text.count("--hash=sha256:") >= len(pins)


def test_installs_require_the_hashes():
    setup = (ROOT / "scripts" / "setup").read_text()
    zensical = (ROOT / "scripts" / "zensical-build").read_text()
    assert "--require-hashes \\\n    -r requirements.lock" in setup
    assert '--require-hashes -r "$lock"' in zensical and "lock=requirements-zensical.lock" in zensical
