"""Blocks held back from Material's search plugin (explainer/search.py, hold_back and put_back):
the plugin is spared parsing what it would only skip, and the site it writes is byte for byte
the same, search index included.

The build runs in this process, so that the test can turn the hold off (search.HOLD).
"""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config

from explainer import search

from .helpers import ROOT, copy_project, snapshot


def _build(project: Path, site: Path) -> dict[str, bytes]:
    config = load_config(str(project / "mkdocs.yml"), site_dir=str(site), strict=True)
    logging.getLogger("mkdocs").setLevel(logging.WARNING)
    build(config)
    return snapshot(site)


def _counting_holds(monkeypatch) -> list[int]:
    """Record how many blocks each call of search.hold_back takes out."""
    counts: list[int] = []
    original = search.hold_back

    def counted(html):
        page, held = original(html)
        counts.append(len(held))
        return page, held

    monkeypatch.setattr(search, "hold_back", counted)
    return counts


def test_the_site_is_the_same_with_blocks_held_back_from_search(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764547200")  # one sitemap date for both builds
    project = copy_project(tmp_path / "project")
    (ROOT / "build").mkdir(exist_ok=True)
    (project / "build").symlink_to(ROOT / "build")  # cards are cached by content hash
    holds = _counting_holds(monkeypatch)
    held = _build(project, tmp_path / "held")
    taken = sum(holds)
    monkeypatch.setattr(search, "HOLD", False)
    holds.clear()
    whole = _build(project, tmp_path / "whole")
    assert holds == []
    # Every fact box list of the pages, and the timeline's drawing and list.
    pages = [v.decode() for k, v in whole.items() if k.endswith(".html") and "claims/" not in k]
    blocks = ('<ol class="factbox__list">', '<figure class="timeline__figure">', 'timeline__list"')
    assert taken == sum(page.count(block) for page in pages for block in blocks) >= 8
    assert held.keys() == whole.keys()
    assert [name for name in held if held[name] != whole[name]] == []


PAGE = (
    '<h2 id="a">A</h2><p>text</p><ol class="factbox__list"><li><ol><li>nested</li></ol>'
    '</li></ol><p>between</p><figure class="timeline__figure" data-search-exclude="true">'
    '<figure data-search-exclude="true"><svg></svg></figure></figure><p>end</p>'
)


def test_hold_back_takes_out_whole_blocks_and_put_back_returns_them_as_search_leaves_them():
    page, held = search.hold_back(PAGE)
    assert page == (
        '<h2 id="a">A</h2><p>text</p><!--explainer-held:0--><p>between</p>'
        "<!--explainer-held:1--><p>end</p>"
    )
    assert held[0].endswith("nested</li></ol></li></ol>")
    assert held[1].endswith("</svg></figure></figure>")
    assert search.put_back(page, held) == PAGE.replace(' data-search-exclude="true"', "")


@pytest.mark.parametrize(
    "page",
    [
        '<ol class="factbox__list"><li>never closed</li>',
        '<p><!--explainer-held:0--></p><ol class="factbox__list"></ol>',  # a mark of its own
        '<ol class="other"><li>not held</li></ol>',
    ],
)
def test_hold_back_leaves_pages_it_cannot_read_safely_whole(page):
    assert search.hold_back(page) == (page, [])
