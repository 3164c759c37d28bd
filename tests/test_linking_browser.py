"""Made for linking, in a real browser: claim links land unobscured and highlighted, copy-link
buttons copy the absolute URL and can be reached by keyboard, and the 404 page helps.

Debian's Chromium through Playwright (conftest's `browser`), at a desktop and a phone width,
on the real site served on 127.0.0.1.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from .helpers import (
    SITE_URL,
    copy_project,
    load_real_project,
    rename_claim,
    run_build,
    serve_folder,
    wait_for_scroll_to_settle,
)

pytestmark = pytest.mark.browser

VIEWPORTS = {"desktop": (1280, 800), "phone": (375, 667)}


def claims_to_visit() -> list[tuple[str, str]]:
    """The first and last claim of every page: (page URL path, claim id)."""
    project = load_real_project()
    chosen = []
    for page in dict.fromkeys(c.page for c in project.claims):
        claims = project.page_claims(page)
        path = "" if page == "index" else f"{page}/"
        chosen += [(path, c.claim_id) for c in dict.fromkeys([claims[0], claims[-1]])]
    return chosen


@pytest.fixture(params=list(VIEWPORTS), ids=list(VIEWPORTS))
def page(request, browser):
    """A fresh page at one viewport, allowed to use the clipboard."""
    width, height = VIEWPORTS[request.param]
    context = browser.new_context(
        viewport={"width": width, "height": height},
        permissions=["clipboard-read", "clipboard-write"],
    )
    tab = context.new_page()
    errors = []
    tab.on("pageerror", lambda error: errors.append(error))
    yield tab
    context.close()
    assert errors == []


def assert_lands_on(tab, anchor: str, claim_selector: str) -> None:
    """The claim is below the sticky header, inside the viewport, and highlighted."""
    tab.wait_for_load_state("load")
    wait_for_scroll_to_settle(tab)  # the browser's own scroll to the fragment
    header = tab.locator(".md-header").bounding_box()
    box = tab.locator(claim_selector).bounding_box()
    viewport = tab.viewport_size["height"]
    margin = tab.locator(claim_selector).evaluate(
        "e => parseFloat(getComputedStyle(e).scrollMarginTop)"
    )
    assert box["y"] >= header["y"] + header["height"] - 0.5, (anchor, box, header)
    if box["height"] <= viewport - margin:  # short enough to be shown whole
        assert box["y"] + box["height"] <= viewport + 0.5, (anchor, box, viewport)
    else:  # taller than the screen: its start is in view
        assert box["y"] < viewport / 2, (anchor, box)
    style = tab.locator(claim_selector).evaluate(
        "e => [getComputedStyle(e).outlineStyle, getComputedStyle(e).backgroundColor]"
    )
    assert style[0] == "solid" and style[1] not in ("rgba(0, 0, 0, 0)", "transparent"), style


@pytest.mark.parametrize("path, claim_id", claims_to_visit())
def test_claim_link_lands_unobscured_and_highlighted(page, site_url: str, path: str, claim_id: str):
    page.goto(f"{site_url}{path}#claim-{claim_id}")
    assert page.locator(f"#claim-{claim_id}").evaluate("e => e.matches(':target')")
    assert_lands_on(page, claim_id, f"#claim-{claim_id}")


def test_copy_link_copies_the_absolute_url_and_announces_it(page, site_url: str):
    page.goto(f"{site_url}competition/")
    for button, url in [
        ("#what-anticor-alleges .linkctl__copy", f"{SITE_URL}competition/#what-anticor-alleges"),
        (
            "#claim-anticor-ugap-route .linkctl__copy",
            f"{SITE_URL}competition/#claim-anticor-ugap-route",
        ),
    ]:
        control = page.locator(button)
        control.scroll_into_view_if_needed()
        control.click()
        expect(page.locator(".linkctl-status")).to_contain_text("Link copied")
        assert page.evaluate("navigator.clipboard.readText()") == url
        status = page.locator(".linkctl-status")
        assert (
            status.get_attribute("aria-live") == "polite"
            and status.get_attribute("role") == "status"
        )
        assert status.text_content() == f"Link copied: {url}"
        page.evaluate("document.querySelector('.linkctl-status').textContent = ''")


def test_link_controls_are_visible_without_hover_and_big_enough(page, site_url: str):
    page.goto(f"{site_url}tender/")
    page.mouse.move(0, 0)
    controls = page.evaluate("""() => [...document.querySelectorAll(
        ".md-content h2 .headerlink, .md-content h3 .headerlink, .md-content .linkctl__copy, " +
        ".md-content .linkctl__link, .md-content .linkctl__share")].map(e => {
            const box = e.getBoundingClientRect();
            return [e.className, box.width, box.height, getComputedStyle(e).opacity,
                    e.checkVisibility({visibilityProperty: true})];
        })""")
    headings = page.locator(".md-content h2[id], .md-content h3[id]").count()
    claims = page.locator(".factbox__claim").count()
    assert len(controls) == 2 * headings + 3 * claims > 0
    for name, width, height, opacity, visible in controls:
        assert width >= 24 and height >= 24 and opacity == "1" and visible, (name, width, height)


# Runs after every DOMContentLoaded listener of the document (Material's and ours), in the same
# task: what the page holds when that long task ends.
AT_DOMCONTENTLOADED = """window.__atLoad = null;
addEventListener('DOMContentLoaded', () => {
  window.__atLoad = document.querySelectorAll('.linkctl__copy').length;
});"""


def test_link_controls_are_added_after_the_domcontentloaded_task(browser, site_url: str):
    """Issue #14: the copy buttons are added in a task of their own, not in the one where
    Material's script sets up the page, so a phone's main thread never holds both at once."""
    context = browser.new_context()
    context.add_init_script(AT_DOMCONTENTLOADED)
    tab = context.new_page()
    tab.goto(site_url + "competition/")
    expect(tab.locator(".linkctl__copy").first).to_be_attached()
    assert tab.evaluate("window.__atLoad") == 0
    assert tab.locator(".linkctl__copy").count() > 5
    context.close()


def test_keyboard_reaches_and_operates_copy_link(page, site_url: str):
    page.goto(f"{site_url}competition/")
    target = "how-the-contract-was-awarded"
    for _ in range(60):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            "[document.activeElement.classList.contains('linkctl__copy'),"
            " document.activeElement.getAttribute('data-anchor')]"
        )
        if focused == [True, target]:
            break
    else:
        pytest.fail("Tab never reached the first section's Copy link button")
    page.keyboard.press("Enter")
    expect(page.locator(".linkctl-status")).to_contain_text("Link copied")
    assert page.evaluate("navigator.clipboard.readText()") == f"{SITE_URL}competition/#{target}"


def test_share_page_links_back_to_the_claim_in_context(page, site_url: str):
    page.goto(f"{site_url}claims/anticor-ugap-route/")
    page.locator(".share__context").click()
    page.wait_for_url(f"{site_url}competition/#claim-anticor-ugap-route")
    assert_lands_on(page, "in context", "#claim-anticor-ugap-route")


@pytest.fixture(scope="module")
def renamed_site(tmp_path_factory):
    """The project with a claim renamed (old id kept as an alias), built and served."""
    project = copy_project(tmp_path_factory.mktemp("renamed") / "project")
    rename_claim(project, "anticor-ugap-route", "ugap-route-renamed")
    result = run_build(project)
    assert result.returncode == 0, result.stderr
    server, url = serve_folder(project / "site")
    yield url
    server.shutdown()


def test_old_claim_link_still_lands_on_the_renamed_claim(page, renamed_site: str):
    page.goto(f"{renamed_site}competition/#claim-anticor-ugap-route")
    assert_lands_on(page, "alias", "#claim-ugap-route-renamed")
    page.goto(f"{renamed_site}claims/anticor-ugap-route/")
    page.wait_for_url(f"{renamed_site}claims/ugap-route-renamed/")


def test_404_page_searches_and_lists_the_pages(page, site_url: str):
    missing = f"{site_url}no/such/page/"  # the test server answers it with 404.html
    response = page.goto(missing)
    assert response.status == 404
    links = page.locator(".notfound__pages a")
    assert links.count() >= 7
    links.nth(1).click()
    page.wait_for_load_state()
    assert page.url.startswith(site_url) and page.url != missing
    page.goto(missing)
    page.fill("#notfound-query", "Gaia-X")
    page.press("#notfound-query", "Enter")
    expect(page.locator(".md-search__input")).to_have_value("Gaia-X")
    assert page.url.startswith(site_url)
