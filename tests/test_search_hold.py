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
    with (project / "docs" / "tender.md").open("a", encoding="utf-8") as page:
        page.write("\n<!--explainer-held:0-->\n")  # read whole: nothing held on this page
    holds = _counting_holds(monkeypatch)
    held = _build(project, tmp_path / "held")
    taken = sum(holds)
    monkeypatch.setattr(search, "HOLD", False)
    holds.clear()
    whole = _build(project, tmp_path / "whole")
    assert holds == []
    # Every fact box list of the pages, and the timeline's drawing and list.
    names = [k for k in whole if k.endswith(".html") and not k.startswith(("claims/", "tender/"))]
    pages = [whole[name].decode() for name in names]
    blocks = ('<ol class="factbox__list">', '<figure class="timeline__figure">', 'timeline__list"')
    assert taken == sum(page.count(block) for page in pages for block in blocks) >= 7
    assert held.keys() == whole.keys()
    assert [name for name in held if held[name] != whole[name]] == []


FACT_BOX = (
    '<section class="factbox"><h2 id="fact-box">Fact box<a class="headerlink" href="#fact-box">'
    '&para;</a></h2><ol class="factbox__list"><li><p>a claim</p></li></ol></section>'
)
PAGE = (
    '<h2 id="a">A</h2><p>text</p>' + FACT_BOX + '<p>between</p><figure class="timeline__figure"'
    ' data-search-exclude="true"><svg><g></g></svg></figure><p>end</p>'
)


def test_hold_back_takes_out_whole_blocks_and_put_back_returns_them_as_search_leaves_them():
    page, held = search.hold_back(PAGE)
    assert page == (
        '<h2 id="a">A</h2><p>text</p><section class="factbox"><h2 id="fact-box">Fact box'
        '<a class="headerlink" href="#fact-box">&para;</a></h2><!--explainer-held:0--></section>'
        "<p>between</p><!--explainer-held:1--><p>end</p>"
    )
    assert held == [
        '<ol class="factbox__list"><li><p>a claim</p></li></ol>',
        '<figure class="timeline__figure" data-search-exclude="true"><svg><g></g></svg></figure>',
    ]
    assert search.put_back(page, held) == PAGE.replace(' data-search-exclude="true"', "")


@pytest.mark.parametrize(
    "block",
    [
        '<ol class="factbox__list"><li>under no fact-box heading: indexed</li></ol>',
        '<h2 id="b">B</h2><ol class="factbox__list"><li>under another heading</li></ol>',
        '<ol data-search-exclude="true"><li><h3 id="c">a heading inside</h3></li></ol>',
        '<ol data-search-exclude="true"><li><ol><li>nested</li></ol></li></ol>',
    ],
)
def test_blocks_the_search_plugin_would_read_otherwise_stay(block):
    page = f"<p>a</p>{block}<p>b</p>"
    assert search.hold_back(page) == (page, [])


@pytest.mark.parametrize(
    "page",
    [
        '<ol data-search-exclude="true"><li>never closed</li>',
        '<p><!--explainer-held:0--></p><ol data-search-exclude="true"></ol>',  # a mark of its own
        '<script>var x = 1;</script><ol data-search-exclude="true"></ol>',
        "<p><!-- a comment --></p>" + FACT_BOX,
    ],
)
def test_hold_back_leaves_pages_it_cannot_read_safely_whole(page):
    assert search.hold_back(page) == (page, [])


@pytest.mark.parametrize("marks", ["", "<!--explainer-held:0-->" * 2, "<!--explainer-held:1-->"])
def test_put_back_refuses_marks_that_changed(marks):
    with pytest.raises(ValueError, match="1 blocks held back from search"):
        search.put_back(f"<p>{marks}</p>", ["<ol></ol>"])
