"""Hostile and broken input, one fixture each (tests/fixtures/hostile/*.yml), through real builds.

Every broken fixture must make both the check command and `mkdocs build --strict` fail with the
one exact `path:line:` message it names, print no traceback, and leave an already built `site/`
byte for byte as it was. Markup in the data must instead build and stay inert text.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import time
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

from .fixtures.harness import apply, expected, load_specs, tree_state
from .helpers import copy_project, problem_lines, run_build, run_check, serve_folder

pytestmark = pytest.mark.slow

SPECS = load_specs()
BROKEN = [s for s in SPECS if not s.accept]
ACCEPTED = [s for s in SPECS if s.accept]
EDIT_KEYS = ("file", "entry", "find", "with", "content", "encoding", "bom", "newline")


@pytest.fixture(scope="session")
def baseline(tmp_path_factory) -> Path:
    """A copy of the real project with its site already built into project/site."""
    project = copy_project(tmp_path_factory.mktemp("baseline") / "project")
    result = run_build(project)
    assert result.returncode == 0, result.stderr
    return project


def fresh_copy(baseline: Path, dest: Path) -> Path:
    """Copy the baseline project, built site included, keeping file times (shutil.copy2)."""
    return Path(shutil.copytree(baseline, dest / "project"))


def assert_no_traceback(*results) -> None:
    for result in results:
        assert "Traceback" not in result.stdout + result.stderr


def test_there_are_at_least_25_distinct_fixtures():
    assert len(BROKEN) >= 25
    edits = {repr(sorted((k, v) for k, v in s.data.items() if k in EDIT_KEYS)) for s in SPECS}
    assert len(edits) == len(SPECS), "two fixtures make the same edit"
    assert all(s.about.strip() for s in SPECS)


@dataclass(frozen=True)
class Outcome:
    """What one broken fixture did: the message it must give, both runs, the site before/after."""

    want: str
    check: subprocess.CompletedProcess
    build: subprocess.CompletedProcess
    site_before: dict
    site_after: dict


def run_broken(spec, baseline: Path, dest: Path) -> Outcome:
    project = fresh_copy(baseline, dest)
    site_before = tree_state(project / "site")
    want = expected(spec, project, apply(spec, project))
    check = run_check(project)
    build = run_build(project, project / "site")
    return Outcome(want, check, build, site_before, tree_state(project / "site"))


@pytest.fixture(scope="session")
def broken_runs(baseline, tmp_path_factory, request) -> dict[str, Future]:
    """Run the selected broken fixtures, one subprocess per CPU at a time: name → Outcome."""
    root = tmp_path_factory.mktemp("broken")
    selected = {
        item.callspec.params["spec"].name
        for item in request.session.items
        if item.originalname == "test_broken_input_fails_with_one_message_and_keeps_the_site"
    }
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        return {
            s.name: pool.submit(run_broken, s, baseline, root / s.name)
            for s in BROKEN
            if s.name in selected
        }


@pytest.mark.parametrize("spec", BROKEN, ids=lambda s: s.name)
def test_broken_input_fails_with_one_message_and_keeps_the_site(spec, broken_runs):
    run = broken_runs[spec.name].result()
    assert_no_traceback(run.check, run.build)
    assert (run.check.returncode, problem_lines(run.check.stderr)) == (1, [run.want])
    assert run.build.returncode != 0
    assert problem_lines(run.build.stdout + run.build.stderr) == [run.want]
    assert run.site_after == run.site_before


@pytest.mark.parametrize("spec", ACCEPTED, ids=lambda s: s.name)
def test_accepted_input_builds_and_renders_as_text(spec, baseline, tmp_path):
    project, site = fresh_copy(baseline, tmp_path), tmp_path / "site"
    apply(spec, project)
    check = run_check(project)
    build = run_build(project, site)
    assert_no_traceback(check, build)
    assert (check.returncode, build.returncode) == (0, 0), check.stderr + build.stderr
    html = (site / spec.data.get("page", "index.html")).read_text(encoding="utf-8")
    assert all(text in html for text in spec.data.get("shows", []))
    assert not any(text in html for text in spec.data.get("lacks", []))
    if spec.data.get("same_as_real"):
        real = baseline / "site"
        pages = sorted(p.relative_to(site) for p in site.rglob("*.html"))
        assert pages == sorted(p.relative_to(real) for p in real.rglob("*.html"))
        for page in pages:
            assert (site / page).read_bytes() == (real / page).read_bytes(), page


def test_huge_file_is_refused_quickly_with_its_size(baseline, tmp_path):
    project = fresh_copy(baseline, tmp_path)
    site_before = tree_state(project / "site")
    claims = project / "data/claims.yml"
    real = claims.read_bytes()
    claims.write_bytes(real + b"\n# padding\n" * (50_000_000 // 11))  # ~50 MB, never committed
    size = claims.stat().st_size
    limit = f"file is {size:,} bytes; the limit is 2,000,000 bytes"
    want = f"data/claims.yml:1: data/claims.yml: {limit}"
    start = time.monotonic()
    check = run_check(project)
    elapsed = time.monotonic() - start
    build = run_build(project, project / "site")
    assert_no_traceback(check, build)
    assert (check.returncode, problem_lines(check.stderr)) == (1, [want])
    assert elapsed < 3, f"the check took {elapsed:.1f} s on a 50 MB file"
    assert build.returncode != 0 and problem_lines(build.stderr) == [want]
    assert tree_state(project / "site") == site_before


MARKUP = next(s for s in ACCEPTED if s.name == "markup-in-claim-text")


@pytest.fixture(scope="module")
def markup_site(baseline, tmp_path_factory):
    """The site built from a claim text holding <script> and onerror=, served on 127.0.0.1."""
    project = fresh_copy(baseline, tmp_path_factory.mktemp("markup"))
    apply(MARKUP, project)
    assert run_build(project, project / "site").returncode == 0
    server, url = serve_folder(project / "site")
    yield url
    server.shutdown()


def _without_csp(route) -> None:
    """Serve the page without its Content-Security-Policy, so escaping alone must keep it inert."""
    response = route.fetch()
    body = response.body()
    if "html" in response.headers.get("content-type", ""):
        body = re.sub(rb'<meta http-equiv="Content-Security-Policy"[^>]*>', b"", body)
    route.fulfill(response=response, body=body)


@pytest.mark.browser
def test_markup_in_claim_text_never_runs_in_the_browser(browser, markup_site):
    payload = "<img src=x onerror=alert('img')>"
    page = browser.new_page()
    page.route(markup_site + "**", _without_csp)
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    tooltips = []
    for path in ("", "competition/"):
        page.goto(markup_site + path, wait_until="load")
        for ref in page.locator('a[href$="#claim-anticor-referral-pnf"]').all()[:2]:
            ref.hover()  # explainer.js shows the title in a tooltip, as text
            tooltips.append(page.locator(".explainer-tip").inner_text(timeout=10_000))
            page.keyboard.press("Escape")
    page.goto(markup_site, wait_until="load")
    page.fill("input.md-search__input", "onerror")  # search results show the claim's text too
    # A result is drawn at once: when it shows, any element the markup could make is there.
    page.locator(".md-search-result__item").first.wait_for(timeout=30_000)
    scripts = page.eval_on_selector_all("script", "els => els.map(e => e.textContent)")
    claim = page.locator("#claim-anticor-referral-pnf .factbox__text")
    assert claim.inner_text().startswith(f"<script>alert('claim')</script>{payload}")
    assert not any("alert(" in s for s in scripts)
    assert page.locator("img[src='x'], [onerror]").count() == 0
    assert tooltips and all("<script>alert('claim')</script><img src=x" in t for t in tooltips)
    assert dialogs == []
    # Control: the same markup, inserted as HTML into this page, does fire a dialog.
    with page.expect_event("dialog"):
        page.evaluate("html => document.body.insertAdjacentHTML('beforeend', html)", payload)
    assert dialogs == ["img"]
    page.close()
