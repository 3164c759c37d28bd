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
# The toggle is explainer.js's: the build takes it from Material's script (explainer/palette.py),
# whose start-up restyled the whole page several times (issue #14). It must behave as Material's.


def scheme_of(page) -> str:
    return page.evaluate("document.body.dataset.mdColorScheme")


TOGGLE = """() => ({
  scheme: document.body.dataset.mdColorScheme,
  media: document.body.dataset.mdColorMedia,
  shown: [...document.querySelectorAll('.md-header__option label')].map(l => !l.hidden),
  themeColor: document.querySelector('meta[name=theme-color]')?.content,
  colorScheme: document.querySelector('meta[name=color-scheme]')?.content ?? null,
  header: getComputedStyle(document.querySelector('.md-header')).backgroundColor,
  switching: document.body.hasAttribute('data-md-color-switching'),
  saved: JSON.parse(localStorage.getItem(new URL(__md_scope).pathname + '.__palette')),
  focused: document.activeElement.id,
})"""
# From the page's first byte: each change that makes the browser restyle the whole page.
WATCH_RESTYLES = """window.__restyles = [];
new MutationObserver(records => records.forEach(record => {
  if (record.attributeName === 'data-md-color-switching' && record.target === document.body)
    window.__restyles.push(record.target.hasAttribute(record.attributeName) ? 'switching' : 'done');
  for (const node of record.addedNodes)
    if (node.nodeName === 'META' && node.name === 'color-scheme') window.__restyles.push('meta');
})).observe(document, {subtree: true, childList: true, attributes: true});"""


def toggle_state(page) -> dict:
    page.wait_for_function("document.querySelector('meta[name=theme-color]')")
    state = page.evaluate(TOGGLE)
    rgb = [int(n) for n in re.findall(r"\d+", state.pop("header"))[:3]]
    assert state["themeColor"] == "#" + "".join(f"{n:02x}" for n in rgb), state
    return state


def saved_palette(index: int) -> dict:
    media, scheme = [("(prefers-color-scheme: light)", "default"),
                     ("(prefers-color-scheme: dark)", "slate")][index]  # fmt: skip
    return {"index": index,
            "color": {"media": media, "scheme": scheme, "primary": "indigo", "accent": "indigo"}}  # fmt: skip


@pytest.mark.browser
def test_the_toggle_restyles_nothing_as_a_page_loads(browser, site_url, built_site):
    """Material's toggle marked every element as switching colours and added a color-scheme
    meta on every load; ours changes the page only when the colours differ from what it shows."""
    paths = [p for p in page_paths(built_site) if "factbox" in page_file(built_site, p).read_text()]
    for system in ("light", "dark"):
        context = browser.new_context(color_scheme=system, viewport=DESKTOP)
        context.add_init_script(WATCH_RESTYLES)
        page = context.new_page()
        page.goto(site_url + paths[0])  # first visit: the page's HTML shows the light colours
        state = toggle_state(page)
        restyles = page.evaluate("window.__restyles")
        if system == "light":
            assert restyles == [], restyles
            assert state["colorScheme"] is None, state
        else:  # the system's dark option replaces the light colours, as with Material
            page.wait_for_function("!document.body.hasAttribute('data-md-color-switching')")
            restyles = page.evaluate("window.__restyles")
            assert restyles == ["switching", "meta", "done"], restyles
            assert state["colorScheme"] == "dark", state
        index = {"light": 0, "dark": 1}[system]
        assert state["saved"] == saved_palette(index), state
        assert state["scheme"] == {"light": "default", "dark": "slate"}[system], state
        page.goto(site_url + paths[1])  # the choice is applied before the first paint
        toggle_state(page)
        assert page.evaluate("window.__restyles") == ([] if system == "light" else ["meta"])
        context.close()


@pytest.mark.browser
def test_the_colour_toggle_switches_scheme_and_is_remembered(browser, site_url, built_site):
    other = next(p for p in page_paths(built_site) if p and not p.endswith(".html"))
    context = browser.new_context(color_scheme="light", viewport=DESKTOP)
    page = context.new_page()
    page.goto(site_url)
    state = toggle_state(page)
    assert (state["scheme"], state["shown"], state["media"]) == (
        "default", [True, False], "(prefers-color-scheme: light)")  # fmt: skip
    page.locator("label[title='Switch to dark mode']:visible").click()
    state = toggle_state(page)
    assert (state["scheme"], state["shown"], state["colorScheme"]) == (
        "slate",
        [False, True],
        "dark",
    )
    assert state["saved"] == saved_palette(1)
    page.wait_for_function("!document.body.hasAttribute('data-md-color-switching')")
    page.goto(site_url + other)
    assert scheme_of(page) == "slate", "the dark scheme was forgotten on the next page"
    assert toggle_state(page)["shown"] == [False, True], "the next page shows the wrong icon"
    page.reload()
    assert scheme_of(page) == "slate", "the dark scheme was forgotten on reload"
    page.locator("label[title='Switch to light mode']:visible").click()
    state = toggle_state(page)
    assert (state["scheme"], state["shown"], state["colorScheme"]) == (
        "default",
        [True, False],
        "light",
    )
    page.goto(site_url)
    assert scheme_of(page) == "default"
    context.close()


@pytest.mark.browser
def test_the_colour_toggle_works_from_the_keyboard(browser, site_url):
    """Tab reaches the toggle; Enter switches to the other scheme (as with Material's toggle)
    and never submits its form; the arrow keys move between the options like any radio group."""
    context = browser.new_context(color_scheme="light", viewport=DESKTOP)
    page = context.new_page()
    page.goto(site_url)
    toggle_state(page)
    page.evaluate(
        "window.__submits = 0; addEventListener('submit', () => window.__submits++, true)"
    )
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.name") == "__palette":
            break
    else:
        pytest.fail("Tab never reached the light/dark toggle")
    for expected in (("slate", "__palette_1", [False, True]), ("default", "__palette_0", [True, False])):
        page.keyboard.press("Enter")
        state = toggle_state(page)
        assert (state["scheme"], state["focused"], state["shown"]) == expected
    page.keyboard.press("ArrowRight")
    state = toggle_state(page)
    assert (state["scheme"], state["saved"]) == ("slate", saved_palette(1))
    assert page.evaluate("window.__submits") == 0
    assert page.url.rstrip("/") == site_url.rstrip("/"), "the form was submitted"
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
