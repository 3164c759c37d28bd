"""Accessibility in a real browser: axe-core finds nothing, and the keyboard reaches everything.

axe (npm `axe-core`, pinned) runs on every page of the built site in the light and the dark
scheme, plus the states a page can be put in (search open with results, navigation drawer open
on a phone), with the WCAG 2.0/2.1/2.2 A and AA rules and best practices: zero violations, no
rule disabled. Keyboard: every visible control is reached with Tab, shows a visible focus
indicator, and is never left under the sticky header when focus moves backwards.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from .helpers import DESKTOP, PHONE, axe_violations, one_page_per_template, page_file, page_paths

pytestmark = pytest.mark.browser

SCHEMES = {"light": "default", "dark": "slate"}  # prefers-color-scheme => Material's scheme


def test_axe_finds_no_violation_on_any_page_in_either_scheme(
    browser, site_url, built_site, axe_source
):
    problems, checked = [], 0
    for scheme, material_scheme in SCHEMES.items():
        context = browser.new_context(color_scheme=scheme, viewport=DESKTOP)
        page = context.new_page()
        for path in page_paths(built_site):
            page.goto(site_url + path)
            shown = page.evaluate("document.body.dataset.mdColorScheme")
            assert shown == material_scheme, f"/{path}: {scheme} preference showed scheme {shown}"
            problems += [f"/{path} [{scheme}]: {line}" for line in axe_violations(page, axe_source)]
            checked += 1
        context.close()
    assert checked >= 2 * 2
    assert not problems, f"{len(problems)} axe violations:\n" + "\n".join(problems)


def test_axe_finds_no_violation_with_search_open_or_drawer_open(browser, site_url, axe_source):
    problems = []
    for scheme in SCHEMES:
        context = browser.new_context(color_scheme=scheme, viewport=DESKTOP)
        page = context.new_page()
        page.goto(site_url)
        page.locator(".md-search__input").click()
        page.keyboard.type("Microsoft")
        page.locator(".md-search-result__item").first.wait_for()
        problems += [f"search open [{scheme}]: {v}" for v in axe_violations(page, axe_source)]
        page.set_viewport_size(PHONE)
        page.keyboard.press("Escape")
        page.locator("label.md-header__button[for=__drawer]").click()
        page.locator(".md-sidebar--primary .md-nav__link").first.wait_for()
        problems += [f"drawer open [{scheme}]: {v}" for v in axe_violations(page, axe_source)]
        context.close()
    assert not problems, f"{len(problems)} axe violations:\n" + "\n".join(problems)


# --- Keyboard ------------------------------------------------------------------------------------

CONTROLS = """() => {
  // Tag every visible control with a key; a radio group is one stop, so its radios share one key.
  const sel = 'a[href], button, input:not([type=hidden]), select, textarea, summary, [tabindex]';
  const keys = [...document.querySelectorAll(sel)]
    .filter(e => e.tabIndex >= 0 && !e.disabled && e.checkVisibility({visibilityProperty: true}))
    .map((e, i) => { e.dataset.a11yKey = e.type === 'radio' ? `radio:${e.name}` : `c${i}`;
                     return e.dataset.a11yKey; });
  return [...new Set(keys)];
}"""
FOCUSED = """() => {
  const e = document.activeElement, r = e.getBoundingClientRect();
  if (e === document.body) return {key: 'body'};
  const header = document.querySelector('.md-header').getBoundingClientRect();
  return {key: e.dataset.a11yKey || null, html: e.outerHTML.slice(0, 120), top: r.top,
          bottom: r.bottom, height: r.height, headerBottom: header.bottom,
          viewport: innerHeight, fixed: !!e.closest('.md-header, .md-skip')};
}"""


def tab_walk(page, key: str = "Tab", limit: int = 400) -> list[dict]:
    """Press a key until focus comes back to where it started; return each focused element."""
    seen = []
    for _ in range(limit):
        page.keyboard.press(key)
        focused = page.evaluate(FOCUSED)
        if seen and focused["key"] == seen[0]["key"]:
            return seen
        if focused["key"] != "body":
            seen.append(focused)
    raise AssertionError(f"{key} never came back to the first control in {limit} presses")


def hidden_focus(path: str, key: str, walk: list[dict]) -> list[str]:
    """Name each focus stop drawn under the sticky header or below the viewport."""
    return [
        f"/{path} ({key}): focus at {f['top']:.0f}-{f['bottom']:.0f}px, header ends at "
        f"{f['headerBottom']:.0f}: {f['html']}"
        for f in walk
        if not f["fixed"]
        and f["height"] > 0
        and (f["top"] < f["headerBottom"] - 0.5 or f["bottom"] > f["viewport"] + 0.5)
    ]


def test_tab_reaches_every_control_and_focus_never_hides_under_the_header(
    browser, site_url, built_site
):
    problems = []
    page = browser.new_page(viewport=DESKTOP)
    for path in one_page_per_template(page_paths(built_site)):
        page.goto(site_url + path)
        controls = page.evaluate(CONTROLS)
        forward = tab_walk(page)
        reached = {f["key"] for f in forward}
        for key in controls:
            if key not in reached:
                html = page.locator(f'[data-a11y-key="{key}"]').evaluate("e => e.outerHTML")
                problems.append(f"/{path}: not reached with Tab: {html[:160]}")
        problems += hidden_focus(path, "Tab", forward)
        problems += hidden_focus(path, "Shift+Tab", tab_walk(page, "Shift+Tab"))
    page.close()
    assert not problems, f"{len(problems)} keyboard problems:\n" + "\n".join(problems[:40])


SAMPLE_CONTROLS = {  # a few controls of each kind, tested in Tab order
    "header logo": ".md-header__button.md-logo",
    "colour scheme toggle": "input.md-option",
    "search box": ".md-search__input",
    "site navigation link": ".md-sidebar--primary .md-nav__link[href]",
    "table of contents link": ".md-sidebar--secondary .md-nav__link[href]",
    "claim reference": ".claimref a",
    "fact box source link": ".factbox__sources a",
    "footer link": ".md-footer a",
}
CLIP = """(e) => {
  // A control drawn at zero size (Material's scheme toggle radio) shows focus on a visible label.
  const shown = [e, ...(e.labels || []), e.nextElementSibling].find(x => x && x.offsetWidth);
  const r = shown.getBoundingClientRect();
  return {x: Math.max(r.x - 6, 0), y: Math.max(r.y - 6, 0), width: r.width + 12, height: r.height + 12};
}"""


def focus_changes_pixels(page, handle) -> bool:
    """Compare the control's surroundings focused (as Tab left it) and blurred."""
    clip = handle.evaluate(CLIP)
    focused = page.screenshot(clip=clip, animations="disabled", caret="hide")
    handle.evaluate("e => e.blur()")
    blurred = page.screenshot(clip=clip, animations="disabled", caret="hide")
    handle.evaluate("e => e.focus()")
    return focused != blurred


def invisible_focus(page, kinds: dict[str, str]) -> list[str]:
    """Tab through the page; name each sample control whose focus changes nothing on screen."""
    pending, problems = dict(kinds), []
    for _ in range(400):
        page.keyboard.press("Tab")
        handle = page.evaluate_handle("document.activeElement")
        for name, selector in list(pending.items()):
            if handle.evaluate("(e, s) => e.matches(s)", selector):
                del pending[name]
                if not focus_changes_pixels(page, handle):
                    problems.append(f"{name}: focus not visible")
        if not pending:
            return problems
    return problems + [f"{name}: never focused with Tab" for name in pending]


def factbox_page(site: Path) -> str:
    """The first page (URL path) with a fact box and a claim reference."""
    for path in page_paths(site):
        text = page_file(site, path).read_text()
        if 'class="factbox"' in text and 'class="claimref"' in text:
            return path
    raise AssertionError("no page has both a fact box and a claim reference")


@pytest.mark.parametrize("scheme", SCHEMES)
def test_focus_is_visible_on_a_sample_of_controls(browser, site_url, built_site, scheme):
    page = browser.new_page(viewport=DESKTOP, color_scheme=scheme)
    page.goto(site_url + factbox_page(built_site))
    problems = invisible_focus(page, SAMPLE_CONTROLS)
    page.close()
    assert not problems, "\n".join(problems)
