"""Phone width: the navigation drawer opens and closes from the keyboard, and its links leave
the Tab order while it is closed (Material's own menu control is a label, not a button)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


@pytest.fixture
def phone(browser, site_url):
    context = browser.new_context(viewport={"width": 375, "height": 800})
    page = context.new_page()
    page.goto(site_url + "tender/")
    yield page
    context.close()


def focused(page) -> str:
    # Material adds a "focus-visible" class to the focused element: keep only the first class.
    return page.evaluate("document.activeElement.classList[0] + '|' + document.activeElement.textContent.trim()")


def test_tab_reaches_a_menu_button_that_opens_and_escape_closes_the_drawer(phone):
    stops = []
    for _ in range(3):
        phone.keyboard.press("Tab")
        stops.append(focused(phone))
    assert "drawer-button|Navigation menu" in stops
    assert not any("md-nav__link" in stop for stop in stops)  # closed drawer is skipped
    while "drawer-button" not in focused(phone):
        phone.keyboard.press("Shift+Tab")
    phone.keyboard.press("Enter")
    assert phone.evaluate("document.getElementById('__drawer').checked")
    assert phone.evaluate("document.querySelector('.md-sidebar--primary').contains(document.activeElement)")
    phone.keyboard.press("Escape")
    assert not phone.evaluate("document.getElementById('__drawer').checked")
    assert focused(phone).startswith("drawer-button")
    assert phone.evaluate("document.querySelector('.md-sidebar--primary').inert")


def test_wide_screens_keep_the_sidebar_usable_and_hide_the_button(browser, site_url):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.goto(site_url + "tender/")
    assert not page.evaluate("document.querySelector('.md-sidebar--primary').inert")
    assert not page.is_visible(".drawer-button")
    context.close()
