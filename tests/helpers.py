"""What the tests share: the project copied, built and checked in a temporary folder, file edits,
the built site's pages, a static server, polling with a deadline, `mkdocs serve`, the browser.

Plain functions and classes, one definition each; the fixtures built on them are in conftest.py.
Nothing here imports Playwright: the fast tier (`scripts/test --fast`) runs without a browser.
"""

from __future__ import annotations

import datetime as dt
import functools
import importlib.util
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Self
from urllib.parse import urlsplit

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
ZENSICAL_VENV = ROOT / ".venv-zensical"  # scripts/setup installs Zensical here
# "explainer" too: mkdocs.yml names its hook by a path relative to the config file;
# "includes": the glossary's abbreviations (pymdownx.snippets base_path, mkdocs.yml `watch`).
PROJECT_PARTS = (
    "mkdocs.yml",
    "docs",
    "data",
    "seeds",
    "overrides",
    "schema",
    "explainer",
    "includes",
)
# The site's public address (mkdocs.yml `site_url`); BaseLoader: mkdocs.yml has !!python tags.
SITE_URL = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=yaml.BaseLoader)[
    "site_url"
]


# --- The project: copied, built, checked, edited ---------------------------------------------


def subprocess_env() -> dict[str, str]:
    """The environment for a build or check: this one as it is now (a test may have set
    SOURCE_DATE_EPOCH), without MkDocs' banner and without bytecode files in the copies."""
    return {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONDONTWRITEBYTECODE": "1"}


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
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site), *extra],
        cwd=project, env=subprocess_env(), capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip


def run_check(project: Path, *args: str) -> subprocess.CompletedProcess:
    """Run `python -m explainer.check` in a project folder, as an editor or pre-commit does."""
    return subprocess.run(
        [sys.executable, "-m", "explainer.check", *args],
        cwd=project, env=subprocess_env(), capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip


def reaped(pid: int) -> bool:
    """Whether a child process of this one has ended and been waited for (no zombie left)."""
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        return True
    return False


def problem_lines(output: str) -> list[str]:
    """The `path:line: subject: problem` lines of a command's output."""
    return [line for line in output.splitlines() if re.match(r"[^\s:]+:\d+: ", line)]


def load_real_project(root: Path = ROOT):
    """The project in a folder (the real one by default), loaded and validated as builds do."""
    from explainer.check import settings_from_file
    from explainer.project import load_project

    return load_project(settings_from_file(root / "mkdocs.yml"))


def edit(path: Path, old: str | re.Pattern, new: str, *, count: int = 1,
         atomic: bool = False) -> None:  # fmt: skip
    """Replace the first `count` matches of `old` (text or regex) in a file; fail if there are
    fewer. `atomic` saves as many editors do: a new file renamed over the old one."""
    text = path.read_text(encoding="utf-8")
    if isinstance(old, re.Pattern):
        changed, found = old.subn(new, text, count=count)
    else:
        changed, found = text.replace(old, new, count), min(text.count(old), count)
    assert found == count, f"{path.name}: {old!r} found {found} times, not {count}; update the test"
    if atomic:
        swap = path.with_name(path.name + ".swp")
        swap.write_text(changed, encoding="utf-8")
        os.replace(swap, path)
    else:
        path.write_text(changed, encoding="utf-8")


def rename_claim(project: Path, old: str, new: str) -> None:
    """Rename a claim as the README says: the new id, the old one kept under `aliases`, and
    every reference to it in the pages changed."""
    edit(project / "data/claims.yml", f"  - id: {old}\n", f"  - id: {new}\n    aliases: [{old}]\n")
    for page in (project / "docs").rglob("*.md"):
        text = page.read_text(encoding="utf-8")
        page.write_text(text.replace(f"ref {old} ", f"ref {new} "), encoding="utf-8")


# --- Snippet projects: the real article with two small sources ------------------------------

TODAY = dt.date(2026, 11, 28)
SOURCES_YAML = b"""sources:
  - id: article-en
    title: "The article"
    publisher: "geeky.news"
    date: null
    url: "https://geeky.news/a"
    confidence: high
  - id: outside
    title: "Outside"
    publisher: "Pub"
    date: "2021-04-14"
    url: "https://example.org/x"
    confidence: medium
"""


@functools.cache
def real_article():
    """The real article, parsed as the build does (it never changes during a run)."""
    return load_real_project().article


def make_project(claims_yaml: str, sources_yaml: bytes = SOURCES_YAML):
    """A project from YAML snippets: the real article, the pages index and tender, no settings
    but the source page, and the article facts of an English article with no notes."""
    from explainer.articleinfo import ArticleInfo
    from explainer.claims import validate_claims, validate_sources
    from explainer.project import Project, Settings
    from explainer.yamlload import load_yaml

    sources, problems = validate_sources(load_yaml(sources_yaml), "s", TODAY)
    claims, _, more = validate_claims(
        load_yaml(claims_yaml.encode()), "c", real_article(), {"index", "tender"}, sources, TODAY
    )
    assert problems + more == []
    info = ArticleInfo("en", "article-en", "", (), (), (), {}, None)
    settings = Settings(Path("."), source_page="source.md")
    by_id = {c.claim_id: c for c in claims}
    return Project(real_article(), sources, tuple(claims), settings, by_id, info=info)


# --- The built site ----------------------------------------------------------------------------


def snapshot(site: Path) -> dict[str, bytes]:
    """Map every file of a built site (its path relative to the site) to its bytes."""
    return {
        p.relative_to(site).as_posix(): p.read_bytes()
        for p in sorted(site.rglob("*"))
        if p.is_file()
    }


def page_paths(site: Path) -> list[str]:
    """Every HTML file of a built site as the path a browser asks for: "", "about/", "404.html"."""
    return [
        p.relative_to(site).as_posix().removesuffix("index.html")
        for p in sorted(site.rglob("*.html"))
    ]


def page_file(site: Path, path: str) -> Path:
    """The file a static server sends for a page path ("" => index.html)."""
    return site / path if path.endswith(".html") else site / path / "index.html"


def one_page_per_template(paths: list[str]) -> list[str]:
    """Every top-level page, and the first page of each folder of generated pages."""
    chosen: dict[str, str] = {}
    for path in paths:
        chosen.setdefault(path if path.count("/") <= 1 else path.split("/")[0], path)
    return list(chosen.values())


class _SiteHandler(SimpleHTTPRequestHandler):
    """Serve a folder quietly, answering missing paths with its 404.html as web servers do."""

    def log_message(self, *args) -> None:
        pass

    def send_error(self, code, message=None, explain=None):
        page = Path(self.directory) / "404.html"
        if code != 404 or not page.is_file():
            return super().send_error(code, message, explain)
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
        return None


def serve_folder(folder: Path) -> tuple[ThreadingHTTPServer, str]:
    """Serve a folder on 127.0.0.1 on a free port; return (server, base URL)."""
    handler = functools.partial(_SiteHandler, directory=str(folder))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


def load_module(path: str):
    """Import a tool of the project by its path, e.g. "scripts/update_anchors.py" (scripts/ and
    deploy/ are folders of tools, not packages)."""
    name = Path(path).stem
    spec = importlib.util.spec_from_file_location(name, ROOT / path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def load_nginx_local():
    """deploy/nginx_local.py: runs Debian's nginx with deploy/nginx.conf on 127.0.0.1."""
    return load_module("deploy/nginx_local.py")


# --- Waiting for a condition, never for a fixed time -------------------------------------------


def wait_for(what: str, check: Callable[[], object], timeout: float = 90,
             gone: Callable[[], bool] = lambda: False,
             details: Callable[[], str] = lambda: "") -> float:  # fmt: skip
    """Poll `check()` until it is true; return the seconds it took. Fail at the deadline, or as
    soon as `gone()` says the process it waits on has exited, adding `details()` (a log). An
    OSError from `check()` counts as not yet (a server not listening yet)."""
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        if gone():
            pytest.fail(f"the process exited while waiting for {what}:\n{details()}")
        try:
            if check():
                return time.monotonic() - start
        except OSError:
            pass
        time.sleep(0.1)  # the polling interval, not a wait for anything
    pytest.fail(f"timed out after {timeout} s waiting for {what}:\n{details()}")


class MkDocsServer:
    """`mkdocs serve` on a free 127.0.0.1 port, in its own process group, its output in a file."""

    def __init__(self, project: Path, log: Path) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.log_path, self.url = log, f"http://127.0.0.1:{self.port}/"
        with log.open("wb") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "mkdocs", "serve", "--dev-addr", f"127.0.0.1:{self.port}"],
                cwd=project, env=subprocess_env(), stdout=out, stderr=subprocess.STDOUT,
                start_new_session=True,
            )  # fmt: skip

    def page(self, path: str = "") -> str:
        """GET a page; a server stuck on a failed rebuild would time out here."""
        with urllib.request.urlopen(self.url + path, timeout=20) as response:
            return response.read().decode("utf-8")

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def wait_for(self, what: str, check: Callable[[], object]) -> float:
        """Poll until check() is true; fail with the end of the server's log if it never is."""
        return wait_for(
            what, check, gone=lambda: self.process.poll() is not None,
            details=lambda: self.log()[-3000:],
        )  # fmt: skip

    def stop(self) -> None:
        for sig in (signal.SIGTERM, signal.SIGKILL):
            try:
                os.killpg(self.process.pid, sig)
                self.process.wait(timeout=20)
                return
            except ProcessLookupError:
                return
            except subprocess.TimeoutExpired:
                continue


# --- The browser (Playwright objects are passed in; nothing here imports Playwright) ------------

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 375, "height": 740}
LOCAL_HOSTS = {"127.0.0.1"}
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => window.__cspViolations.push(
  `${e.effectiveDirective} blocked ${e.blockedURI || "?"} in ${e.sourceFile}:${e.lineNumber}`));
"""
POLICY_WORDS = (
    "Content Security Policy",
    "Content-Security-Policy",
    "Permissions-Policy",
    "Refused to",
)


class Recorder:
    """A browser context with one page, recording what a page of the site must never do.

    `problems`: console errors and policy messages, script errors, failed requests, HTTP errors
    and requests to any host but 127.0.0.1 (aborted: tests stay offline), each prefixed with
    `path`, the page being looked at; `violations()`: the page's Content-Security-Policy
    violations. Use it as a context manager, which closes the context.
    """

    def __init__(self, browser, **context_options) -> None:
        self.context = browser.new_context(**context_options)
        self.context.add_init_script(script=RECORD_VIOLATIONS)
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.path = ""
        self.problems: list[str] = []
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda error: self.add(f"script error: {error}"))
        self.page.on("requestfailed", self._failed)
        self.page.on(
            "response", lambda r: r.status >= 400 and self.add(f"HTTP {r.status}: {r.url}")
        )

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc) -> None:
        self.context.close()

    def add(self, line: str) -> None:
        self.problems.append(f"/{self.path}: {line}")

    def violations(self) -> list[str]:
        return self.page.evaluate("window.__cspViolations")

    def _route(self, route) -> None:
        url = urlsplit(route.request.url)
        if url.scheme in ("http", "https") and url.hostname not in LOCAL_HOSTS:
            self.add(f"request to another host: {route.request.url}")
            route.abort()
        else:
            route.continue_()

    def _console(self, message) -> None:
        if message.type == "error" or any(word in message.text for word in POLICY_WORDS):
            self.add(f"console {message.type}: {message.text}")

    def _failed(self, request) -> None:
        # ERR_ABORTED is a request cut short by the next navigation (or by _route, which
        # records it itself), not a failure of the site.
        if request.failure != "net::ERR_ABORTED":
            self.add(f"failed request: {request.url} ({request.failure})")


# axe-core (npm, pinned): WCAG 2.0/2.1/2.2 A and AA plus best practices, no rule disabled.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
RUN_AXE = """async (tags) => {
  const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}});
  return result.violations.map(v => v.nodes.map(n =>
    `${v.id} (${v.impact}): ${n.target.join(' ')}: ${n.failureSummary.replace(/\\s+/g, ' ')}`
  )).flat();
}"""
# Colours mid-fade are not the real ones: wait until every finite animation has ended.
SETTLED = """() => document.getAnimations().every(a => a.playState !== 'running'
  || a.effect.getComputedTiming().iterations === Infinity)"""


def axe_violations(page, axe_source: str) -> list[str]:
    """Inject axe into the page (through the DevTools protocol, so no CSP applies) and run it."""
    page.wait_for_function(SETTLED, timeout=10_000)
    page.evaluate(axe_source)
    return page.evaluate(RUN_AXE, AXE_TAGS)


def wait_for_scroll_to_settle(page) -> None:
    """Wait until the page has not scrolled for two animation frames (a scroll to a #fragment,
    smooth or not, has ended)."""
    page.evaluate("""() => new Promise(done => {
      let last = null, still = 0;
      const frame = () => {
        still = scrollY === last ? still + 1 : 0;
        last = scrollY;
        still >= 2 ? done() : requestAnimationFrame(frame);
      };
      requestAnimationFrame(frame);
    })""")
