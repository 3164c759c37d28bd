"""Fixtures: a copy of the real project, the real site built once, its servers, the browser.

The helpers they use live in tests/helpers.py. Markers (pyproject.toml) sort the tests into
tiers; a test that takes the `browser`, `axe_source` or `nginx_url` fixture gets the `browser` or
`nginx` marker here even if its module forgot it, so `scripts/test --fast` never starts them.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

# Also imported from here by older test modules: ROOT, copy_project, run_build, serve_folder,
# load_nginx_local. New code imports them from tests.helpers.
from .helpers import (
    CHROMIUM,
    CHROMIUM_ARGS,
    ROOT,
    copy_project,
    load_nginx_local,
    load_real_project,
    run_build,
    serve_folder,
)

MARKED_FIXTURES = {"browser": "browser", "axe_source": "browser", "nginx_url": "nginx"}


@pytest.hookimpl(tryfirst=True)  # before `-m` deselects by marker
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test that uses Chromium or nginx through a fixture."""
    for item in items:
        names = {mark.name for mark in item.iter_markers()}
        for fixture, mark in MARKED_FIXTURES.items():
            if fixture in getattr(item, "fixturenames", ()) and mark not in names:
                item.add_marker(mark)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A fresh copy of the real project."""
    return copy_project(tmp_path / "project")


@pytest.fixture(scope="session")
def real():
    """The real project, loaded and validated."""
    return load_real_project()


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> Path:
    """The real site, built once per test session with --strict."""
    dest = copy_project(tmp_path_factory.mktemp("real") / "project")
    result = run_build(dest, dest / "site")
    assert result.returncode == 0, result.stderr
    return dest / "site"


@pytest.fixture(scope="session")
def site_url(built_site: Path):
    """Base URL of the real built site, served on 127.0.0.1 by the test run itself."""
    server, url = serve_folder(built_site)
    yield url
    server.shutdown()


@pytest.fixture(scope="session")
def browser(tmp_path_factory):
    """Debian's Chromium driven by Playwright (no `playwright install`); temp files kept in pytest's tmp."""
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run scripts/setup --browser as root")
    os.environ["TMPDIR"] = str(tmp_path_factory.mktemp("chromium-tmp"))
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def axe_source() -> str:
    """axe-core's script (npm, pinned in package-lock.json)."""
    axe = ROOT / "node_modules" / "axe-core" / "axe.min.js"
    if not axe.is_file():
        pytest.fail(f"{axe} is missing: run scripts/setup --browser (npm ci)")
    return axe.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def nginx_url(built_site: Path, tmp_path_factory):
    """Base URL of the real built site served by Debian's nginx with deploy/nginx.conf."""
    nginx_local = load_nginx_local()
    if not shutil.which("nginx") and not Path(nginx_local.NGINX).exists():
        pytest.fail("nginx is missing: run scripts/setup --browser as root")
    process, url = nginx_local.start(built_site, tmp_path_factory.mktemp("nginx"))
    yield url
    nginx_local.stop(process)
