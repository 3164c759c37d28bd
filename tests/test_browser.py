"""The built site in a real browser (Debian's Chromium through Playwright), served on 127.0.0.1.

Every page loads without a console error, a failed request or any request to another host;
search finds a claim by one of its words and the result opens the page at that claim; the
light/dark toggle works and is remembered across pages and reloads; on a 375 px phone the
navigation drawer opens and no fact box is wider than the screen. Pages are discovered from
the built site, so new pages are covered without editing this file.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

from .conftest import ROOT

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 375, "height": 740}
LOCAL_HOSTS = {"127.0.0.1"}


def page_paths(site: Path) -> list[str]:
    """Every HTML file of the built site as the path a browser asks for: "", "about/", "404.html"."""
    paths = (p.relative_to(site).as_posix() for p in sorted(site.rglob("*.html")))
    return [p.removesuffix("index.html") for p in paths]


class Recorder:
    """Collect console errors, page errors, failed requests and requests to other hosts."""

    def __init__(self, context) -> None:
        self.problems: list[str] = []
        self.path = ""
        context.route("**/*", self.route)

    def route(self, route) -> None:
        url = urlsplit(route.request.url)
        if url.scheme in ("http", "https") and url.hostname not in LOCAL_HOSTS:
            self.problems.append(f"/{self.path}: request to another host: {route.request.url}")
            route.abort()
        else:
            route.continue_()

    def watch(self, page) -> None:
        page.on("console", lambda m: m.type == "error" and self.add(f"console error: {m.text}"))
        page.on("pageerror", lambda e: self.add(f"script error: {e}"))
        page.on("requestfailed", self.failed)
        page.on("response", lambda r: r.status >= 400 and self.add(f"HTTP {r.status}: {r.url}"))

    def failed(self, request) -> None:
        # ERR_ABORTED is a request cut short by the next navigation (or by route() above, which
        # records it itself), not a failure of the site.
        if request.failure != "net::ERR_ABORTED":
            self.add(f"failed request: {request.url} ({request.failure})")

    def add(self, line: str) -> None:
        self.problems.append(f"/{self.path}: {line}")


def family_heads(paths: list[str]) -> set[str]:
    """Every top-level page and the first page of each folder of generated pages."""
    heads: dict[str, str] = {}
    for path in paths:
        heads.setdefault(path if path.count("/") <= 1 else path.split("/")[0], path)
    return set(heads.values())


@pytest.mark.parametrize("server", ["site_url", "nginx_url"])
def test_every_page_loads_cleanly_and_only_from_127_0_0_1(browser, built_site, server, request):
    """Through the plain static server and through nginx with the deploy config (CSP, gzip)."""
    site_url = request.getfixturevalue(server)
    paths = page_paths(built_site)
    heads = family_heads(paths)
    for scheme in ("light", "dark"):
        context = browser.new_context(color_scheme=scheme, viewport=DESKTOP)
        recorder = Recorder(context)
        page = context.new_page()
        recorder.watch(page)
        for path in paths if scheme == "light" else sorted(heads):
            recorder.path = f"{path} [{scheme}]"
            # Pages of one template make the same late requests (search): wait for them once.
            page.goto(site_url + path, wait_until="networkidle" if path in heads else "load")
        context.close()
        assert not recorder.problems, "\n".join(recorder.problems)
    assert len(paths) >= 2


def test_recorder_catches_other_hosts_errors_and_missing_files(browser, site_url):
    context = browser.new_context(bypass_csp=True)  # else the CSP stops the request first
    recorder = Recorder(context)
    page = context.new_page()
    recorder.watch(page)
    page.goto(site_url)
    page.evaluate("""() => {
        const img = new Image(); img.src = 'https://fonts.googleapis.com/x.png';
        console.error('boom');
        return fetch('/no-such-file.css').catch(() => null);
    }""")
    page.wait_for_timeout(300)
    context.close()
    text = "\n".join(recorder.problems)
    assert "request to another host: https://fonts.googleapis.com/x.png" in text
    assert "console error: boom" in text
    assert re.search(r"HTTP 404: http://127\.0\.0\.1:\d+/no-such-file\.css", text)


# --- Search ---------------------------------------------------------------------------------------


def distinctive_word(claims: list[dict]) -> tuple[str, dict]:
    """A long word found in exactly one claim's text and in no other claim's: (word, claim)."""
    words = {c["id"]: set(re.findall(r"[A-Za-z]{8,}", c["claim"])) for c in claims}
    counts = Counter(w.lower() for ws in words.values() for w in ws)
    for claim in claims:
        for word in sorted(words[claim["id"]]):
            if counts[word.lower()] == 1:
                return word, claim
    raise AssertionError("no claim has a word of its own")


def test_search_finds_a_claim_and_the_result_opens_the_page_at_that_claim(browser, site_url):
    claims = yaml.safe_load((ROOT / "data" / "claims.yml").read_text(encoding="utf-8"))["claims"]
    word, claim = distinctive_word(claims)
    page = browser.new_page(viewport=DESKTOP)
    page.goto(site_url)
    page.locator(".md-search__input").click()  # `fill` would leave the dialog closed
    page.keyboard.type(word)
    result = page.locator(".md-search-result__link", has=page.locator("mark")).first
    result.wait_for()
    assert word.lower() in result.inner_text().lower()
    result.click()
    page.wait_for_load_state()
    target = page.locator(f"#claim-{claim['id']}")
    assert urlsplit(page.url).path.rstrip("/").endswith(claim["page"].removesuffix("index"))
    box = target.bounding_box()
    header = page.locator(".md-header").bounding_box()
    assert box and header["height"] <= box["y"] < DESKTOP["height"], (
        f"after the click on '{word}', claim {claim['id']} is at y={box and box['y']}, off screen"
    )
    page.close()


def test_distinctive_word_is_unique_to_one_claim():
    claims = [
        {"id": "a", "claim": "Microsoft hosted the platform."},
        {"id": "b", "claim": "Microsoft hosted it; Anticor complained."},
    ]
    assert distinctive_word(claims) == ("platform", claims[0])


# --- Colour scheme --------------------------------------------------------------------------------


def scheme_of(page) -> str:
    return page.evaluate("document.body.dataset.mdColorScheme")


def test_the_colour_toggle_switches_scheme_and_is_remembered(browser, site_url, built_site):
    other = next(p for p in page_paths(built_site) if p and not p.endswith(".html"))
    context = browser.new_context(color_scheme="light", viewport=DESKTOP)
    page = context.new_page()
    page.goto(site_url)
    assert scheme_of(page) == "default"
    page.locator("label[title='Switch to dark mode']:visible").click()
    assert scheme_of(page) == "slate"
    page.goto(site_url + other)
    assert scheme_of(page) == "slate", "the dark scheme was forgotten on the next page"
    page.reload()
    assert scheme_of(page) == "slate", "the dark scheme was forgotten on reload"
    page.locator("label[title='Switch to light mode']:visible").click()
    page.goto(site_url)
    assert scheme_of(page) == "default"
    context.close()


# --- Phone ----------------------------------------------------------------------------------------

OVERFLOW = """() => [...document.querySelectorAll('.factbox, .factbox *')]
  .filter(e => { const r = e.getBoundingClientRect();
                 return r.width > 0 && (r.right > innerWidth + 0.5 || r.left < -0.5); })
  .map(e => e.outerHTML.slice(0, 100))
  .concat(document.documentElement.scrollWidth > innerWidth ? ['the page scrolls sideways'] : [])"""


def pages_with_factbox(site: Path) -> list[str]:
    return [p for p in page_paths(site) if 'class="factbox' in page_file(site, p).read_text()]


def page_file(site: Path, path: str) -> Path:
    return site / path if path.endswith(".html") else site / path / "index.html"


def test_on_a_phone_fact_boxes_fit_the_screen(browser, site_url, built_site):
    paths = pages_with_factbox(built_site)
    assert paths, "no page shows a fact box"
    page = browser.new_page(viewport=PHONE)
    problems = []
    for path in paths:
        page.goto(site_url + path)
        problems += [f"/{path}: wider than the screen: {html}" for html in page.evaluate(OVERFLOW)]
    page.close()
    assert not problems, "\n".join(problems)


def test_overflow_check_notices_a_wide_fact_box(browser):
    page = browser.new_page(viewport=PHONE)
    page.set_content('<div class="factbox"><p style="width: 600px">wide</p></div>')
    assert page.evaluate(OVERFLOW)[0].startswith('<p style="width: 600px">')
    page.close()


def wait_until(page, condition: str, timeout_ms: int = 5000) -> None:
    """Poll a JavaScript condition (wait_for_function evaluates strings, which the CSP forbids)."""
    for _ in range(timeout_ms // 50):
        if page.evaluate(f"() => {condition}"):
            return
        page.wait_for_timeout(50)
    raise AssertionError(f"still false after {timeout_ms} ms: {condition}")


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_on_a_phone_the_navigation_drawer_opens_and_leads_to_a_page(browser, site_url, scheme):
    page = browser.new_page(viewport=PHONE, color_scheme=scheme)
    page.goto(site_url)
    drawer = page.locator(".md-sidebar--primary")
    assert drawer.bounding_box()["x"] + drawer.bounding_box()["width"] <= 0, "drawer starts open"
    page.locator("label.md-header__button[for=__drawer]").click()
    wait_until(
        page, "document.querySelector('.md-sidebar--primary').getBoundingClientRect().left >= 0"
    )
    link = drawer.locator(".md-nav__list > .md-nav__item > a.md-nav__link[href]").nth(1)
    assert link.is_visible()
    href = link.get_attribute("href")
    link.click()
    page.wait_for_load_state()
    assert urlsplit(page.url).path.endswith(href.strip("./").split("#")[0])
    page.close()


def test_search_index_has_one_entry_per_claim_at_its_anchor(built_site):
    claims = yaml.safe_load((ROOT / "data" / "claims.yml").read_text(encoding="utf-8"))["claims"]
    index = json.loads((built_site / "search" / "search_index.json").read_text(encoding="utf-8"))
    locations = [doc["location"] for doc in index["docs"]]
    for claim in claims:
        page = "" if claim["page"] == "index" else f"{claim['page']}/"
        assert locations.count(f"{page}#claim-{claim['id']}") == 1, claim["id"]
    boxes = [doc for doc in index["docs"] if doc["location"].endswith("#fact-box")]
    assert boxes and all(doc["text"] == "" for doc in boxes), "fact box text is indexed twice"
