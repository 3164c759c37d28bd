"""Shared helpers: a copy of the real project in a temp folder, and a strict MkDocs build of it."""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import sys
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# "explainer" too: mkdocs.yml names its hook by a path relative to the config file;
# "includes": the glossary's abbreviations (pymdownx.snippets base_path, mkdocs.yml `watch`).
PROJECT_PARTS = ("mkdocs.yml", "docs", "data", "seeds", "overrides", "schema", "explainer",
                 "includes")


def copy_project(dest: Path) -> Path:
    """Copy what a build reads (config, pages, data, article, theme overrides) into dest."""
    dest.mkdir(parents=True, exist_ok=True)
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


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:  # keep test output readable
        pass


def serve_folder(folder: Path) -> tuple[ThreadingHTTPServer, str]:
    """Serve a folder on 127.0.0.1 on a free port; return (server, base URL)."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


@pytest.fixture(scope="session")
def site_url(built_site: Path):
    """Base URL of the real built site, served on 127.0.0.1 by the test run itself."""
    server, url = serve_folder(built_site)
    yield url
    server.shutdown()


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


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


# --- nginx (issue #8): the real deploy config, deploy/nginx.conf, served on 127.0.0.1 ---------

def load_nginx_local():
    """Import deploy/nginx_local.py (deploy/ is a folder of tools, not a package)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("nginx_local", ROOT / "deploy" / "nginx_local.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def nginx_url(built_site: Path, tmp_path_factory):
    """Base URL of the real built site served by Debian's nginx with deploy/nginx.conf."""
    nginx_local = load_nginx_local()
    if not shutil.which("nginx") and not Path(nginx_local.NGINX).exists():
        pytest.fail("nginx is missing: run scripts/setup --browser as root")
    process, url = nginx_local.start(built_site, tmp_path_factory.mktemp("nginx"))
    yield url
    nginx_local.stop(process)
