"""explainer.js under Material's instant navigation (`navigation.instant`), in a real browser.

With the feature on, Material swaps the page's content without reloading, so a script that runs
once at load would miss every page after the first. A copy of the project with the feature added
to mkdocs.yml is built and served on 127.0.0.1 (its site_url set to that address). After a click
on a navigation link, and after the Back button, the new page must have been shown in the same
document, with the copy-link controls on each heading and claim exactly once, share links and
copied links pointing at the new page, the phone drawer kept out of the Tab order when closed,
and no console error or policy violation.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from .helpers import (
    DESKTOP,
    PHONE,
    SITE_URL,
    Recorder,
    copy_project,
    edit,
    load_real_project,
    run_build,
    serve_folder,
)
from .test_material_contract import JS, js_contract

pytestmark = pytest.mark.browser

MATERIAL = js_contract(JS.read_text(encoding="utf-8"))  # the selectors explainer.js relies on
# For each heading and claim of the page's content: how many copy buttons and permalinks it has.
CONTROLS = """(content) => {
  const root = document.querySelector(content);
  const count = (e, sel) => e.querySelectorAll(sel).length;
  return {
    headings: [...root.querySelectorAll('h2[id], h3[id]')].map(h =>
      `${h.id}: ${count(h, '.linkctl__copy')} copy, ${count(h, '.headerlink')} permalink`),
    claims: [...root.querySelectorAll('.factbox__claim[id]')].map(c =>
      `${c.id}: ${count(c, '.linkctl__copy')} copy, ${count(c, '.linkctl__link')} permalink`),
  };
}"""
# True once the page at `path` is shown with its claim `claim` and every control in place.
SHOWN = """([path, claim, content]) => {
  const root = document.querySelector(content);
  return location.pathname.endsWith(path) && root && root.querySelector('#' + claim)
    && [...root.querySelectorAll('h2[id], h3[id], .factbox__claim[id]')]
      .every(e => e.querySelector('.linkctl__copy'));
}"""


def pages_with_claims() -> tuple[tuple[str, str], tuple[str, str]]:
    """The home page and another page with claims, each as (URL path, id of its first claim)."""
    project = load_real_project()
    other = next(c.page for c in project.claims if c.page != "index")
    return ("", project.page_claims("index")[0].claim_id), (
        f"{other}/",
        project.page_claims(other)[0].claim_id,
    )


@pytest.fixture(scope="module")
def instant_url(tmp_path_factory):
    """The real site with `navigation.instant` on, served on 127.0.0.1 at its `site_url`:
    Material only intercepts links to the addresses in its sitemap, matched with their port."""
    project = copy_project(tmp_path_factory.mktemp("instant") / "project")
    site = project / "site"
    site.mkdir()
    server, url = serve_folder(site)  # serves whatever the folder holds when asked
    config = project / "mkdocs.yml"
    edit(config, "  features:\n", "  features:\n    - navigation.instant\n")
    edit(config, f"site_url: {SITE_URL}\n", f"site_url: {url}\n")
    result = run_build(project, site)
    assert result.returncode == 0, result.stderr
    yield url
    server.shutdown()


def show(tab, path: str, claim: str) -> None:
    """Wait until the page at `path` is shown and decorated; fail naming what is missing."""
    try:
        tab.wait_for_function(SHOWN, arg=[path, f"claim-{claim}", MATERIAL["content"]],
                              timeout=15_000)  # fmt: skip
    except PlaywrightTimeoutError as error:
        controls = tab.evaluate(CONTROLS, MATERIAL["content"])
        pytest.fail(f"/{path} never showed claim {claim} with all its controls: {error}\n"
                    f"at {tab.url}: {controls}")  # fmt: skip


def assert_controls_once(tab, path: str) -> None:
    controls = tab.evaluate(CONTROLS, MATERIAL["content"])
    lines = controls["headings"] + controls["claims"]
    assert controls["headings"] and controls["claims"], f"/{path}: nothing decorated: {controls}"
    wrong = [line for line in lines if not line.endswith(": 1 copy, 1 permalink")]
    assert wrong == [], f"/{path}: controls not exactly once:\n" + "\n".join(wrong)
    once = tab.evaluate("""() => ({drawer: document.querySelectorAll('.drawer-button').length,
                                   status: document.querySelectorAll('.linkctl-status').length})""")
    assert once == {"drawer": 1, "status": 1}, f"/{path}: {once}"


def test_instant_navigation_decorates_each_new_page_once(browser, instant_url):
    (first, first_claim), (path, claim) = pages_with_claims()
    with Recorder(browser, viewport=DESKTOP, permissions=["clipboard-write"]) as rec:
        tab = rec.page
        rec.path = first
        tab.goto(instant_url + first)
        show(tab, first, first_claim)
        assert_controls_once(tab, first)
        tab.evaluate("window.__sameDocument = true")  # a full reload would drop it

        rec.path = path
        drawer = MATERIAL["drawer"]  # at this width, the sidebar of the site's pages
        tab.locator(f'{drawer} a[href$="/{path}"], {drawer} a[href="{path}"]').first.click()
        show(tab, path, claim)
        assert tab.evaluate("window.__sameDocument === true"), "the click reloaded the page"
        assert_controls_once(tab, path)
        dialog = tab.locator(MATERIAL["searchDialog"])
        assert dialog.get_attribute("aria-label") == "Search"

        shares = tab.eval_on_selector_all(".linkctl__share", "links => links.map(a => a.href)")
        assert shares and all(s.startswith(f"{instant_url}claims/") for s in shares), shares[:3]
        heading = tab.locator(f"{MATERIAL['content']} h2[id]").first
        heading.locator(".linkctl__copy").click()
        expected = f"{instant_url}{path}#{heading.get_attribute('id')}"
        status = tab.locator(".linkctl-status")
        status.filter(has_text=expected).wait_for()
        assert status.text_content() == f"Link copied: {expected}"

        rec.path = first
        tab.go_back()
        show(tab, first, first_claim)
        assert tab.evaluate("window.__sameDocument === true"), "Back reloaded the page"
        assert_controls_once(tab, first)
        assert rec.problems == [] and rec.violations() == [], rec.problems + rec.violations()


def test_instant_navigation_from_the_phone_drawer_leaves_the_new_drawer_inert(browser, instant_url):
    (first, first_claim), (path, claim) = pages_with_claims()
    with Recorder(browser, viewport=PHONE) as rec:
        tab = rec.page
        rec.path = first
        tab.goto(instant_url + first)
        show(tab, first, first_claim)
        tab.evaluate("window.__sameDocument = true")
        tab.locator(".drawer-button").focus()
        tab.keyboard.press("Enter")
        drawer = MATERIAL["drawer"]
        assert tab.evaluate("d => document.querySelector(d).inert === false", drawer)

        rec.path = path
        tab.locator(f'{drawer} a[href$="/{path}"], {drawer} a[href="{path}"]').first.click()
        show(tab, path, claim)
        assert tab.evaluate("window.__sameDocument === true"), "the click reloaded the page"
        # Material closes the drawer after navigating; the new drawer must leave the Tab order.
        tab.wait_for_function("d => document.querySelector(d).inert === true", arg=drawer)
        assert tab.locator(".drawer-button").get_attribute("aria-expanded") == "false"
        assert_controls_once(tab, path)
        assert rec.problems == [] and rec.violations() == [], rec.problems + rec.violations()
