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

from .helpers import (
    DESKTOP,
    PHONE,
    ROOT,
    Recorder,
    one_page_per_template,
    page_file,
    page_paths,
)

SEARCH_INDEX = "**/search/search_index.json"


@pytest.mark.browser
@pytest.mark.parametrize("server", ["site_url", pytest.param("nginx_url", marks=pytest.mark.nginx)])
def test_every_page_loads_cleanly_and_only_from_127_0_0_1(browser, built_site, server, request):
    """Through the plain static server and through nginx with the deploy config (CSP, gzip)."""
    site_url = request.getfixturevalue(server)
    paths = page_paths(built_site)
    heads = one_page_per_template(paths)
    for scheme in ("light", "dark"):
        with Recorder(browser, color_scheme=scheme, viewport=DESKTOP) as recorder:
            for path in paths if scheme == "light" else heads:
                recorder.path = f"{path} [{scheme}]"
                if path in heads:
                    # Pages of one template make the same late request, search's index (from
                    # its worker): wait for it once per template.
                    with recorder.page.expect_response(SEARCH_INDEX):
                        recorder.page.goto(site_url + path)
                else:
                    recorder.page.goto(site_url + path)
        assert not recorder.problems, "\n".join(recorder.problems)
    assert len(paths) >= 2


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


@pytest.mark.browser
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


# --- Colour scheme --------------------------------------------------------------------------------


def scheme_of(page) -> str:
    return page.evaluate("document.body.dataset.mdColorScheme")


@pytest.mark.browser
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


@pytest.mark.browser
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


@pytest.mark.browser
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_on_a_phone_the_navigation_drawer_opens_and_leads_to_a_page(browser, site_url, scheme):
    page = browser.new_page(viewport=PHONE, color_scheme=scheme)
    page.goto(site_url)
    drawer = page.locator(".md-sidebar--primary")
    assert drawer.bounding_box()["x"] + drawer.bounding_box()["width"] <= 0, "drawer starts open"
    page.locator("label.md-header__button[for=__drawer]").click()
    page.wait_for_function(
        "() => document.querySelector('.md-sidebar--primary').getBoundingClientRect().left >= 0"
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
