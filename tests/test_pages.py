"""The generated pages: the article verbatim, the timeline and the glossary's abbreviations.

Pure renderers are tested on the real data; the built site (conftest's `built_site`) is read as
a browser would read it; one extra build proves that editing a claim's date moves it.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree
from dataclasses import replace
from html import escape, unescape
from html.parser import HTMLParser
from pathlib import Path

import pytest

from explainer.article import normalise
from explainer.chartlayout import add_months, span
from explainer.values import date_parts
from explainer.markers import check_pages, find_markers
from explainer.sourcepage import raw_offsets, render_source_page
from explainer.timeline import in_order, render_list, render_timeline

from .helpers import ROOT, copy_project, edit, run_build


class Elements(HTMLParser):
    """Every element of a page as (tag, attributes, text inside it), in document order."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[list] = []
        self.open: list[list] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs) -> None:
        entry = [tag, dict(attrs), ""]
        self.found.append(entry)
        if tag not in ("br", "img", "input", "meta", "link", "hr", "path", "line", "rect"):
            self.open.append(entry)

    def handle_endtag(self, tag) -> None:
        while self.open and self.open.pop()[0] != tag:
            pass

    def handle_data(self, data) -> None:
        for entry in self.open:
            entry[2] += data

    def by_id(self, anchor: str) -> list:
        return next(e for e in self.found if e[1].get("id") == anchor)

    def all(self, tag: str, cls: str | None = None) -> list[list]:
        return [
            e
            for e in self.found
            if e[0] == tag and (cls is None or cls in e[1].get("class", "").split())
        ]


def page(site: Path, name: str) -> str:
    return (site / name / "index.html").read_text(encoding="utf-8")


# --- Markers --------------------------------------------------------------------------------------


def test_bare_markers_take_no_name_and_appear_once_per_page():
    markers, loose = find_markers("<!-- article -->\n<!-- timeline x -->\n<!-- article -->\n")
    assert [(m.verb, m.arg, m.line) for m in markers] == [("article", "", 1), ("article", "", 3)]
    assert loose == [(2, "marker 'timeline' takes no name, e.g. <!-- timeline -->")]
    problems = check_pages({"source": "<!-- article -->\n\n<!-- article -->\n"}, [], set(), "docs")
    assert [str(p) for p in problems] == [
        "docs/source.md:3: marker 'article': second <!-- article --> marker; the first is on line 1"
    ]


# --- Source page: pure ----------------------------------------------------------------------------


def test_raw_offsets_map_the_normalised_text_back():
    raw = "a  “b”… c"
    offsets = raw_offsets(raw)
    assert normalise(raw) == 'a "b"... c'
    assert offsets == [0, 1, 3, 4, 5, 6, 6, 6, 7, 8]


def test_notes_must_be_found_exactly_once(real):
    from explainer.articleinfo import Note, check_notes

    assert check_notes(real.info, real.article, "data/article.yml") == []
    bad = (Note("She adds", "slip", "x", 3), Note("Microsoft", "slip", "y", 4),
           Note("No such words", "note", "z", 5))  # fmt: skip
    problems = check_notes(replace(real.info, notes=bad), real.article, "data/article.yml")
    assert [str(p) for p in problems] == [
        "data/article.yml:4: note 'Microsoft': found 7 times in the article; expected exactly once",
        "data/article.yml:5: note 'No such words': not found in the article; expected exactly once",
    ]


def paragraph_html(html: str, number: int) -> str:
    """The inside of one rendered paragraph, without its number and its labels (<sup>)."""
    inner = re.search(rf'<p class="sourcepage__para" id="para-{number}">(.*?)</p>', html).group(1)
    return re.sub(r"<sup .*?</sup>|<a class=\"sourcepage__number\".*?</a> ", "", inner)


def text_of(html: str) -> str:
    return unescape(re.sub(r"<[^>]+>", "", html))


def test_source_page_shows_every_paragraph_verbatim_but_the_furniture(real):
    html = render_source_page(real)
    etree.fromstring(html)  # well-formed, as the Markdown extension needs
    doc = Elements(html)
    for paragraph in real.article.paragraphs:
        if paragraph.kind == "furniture":
            assert paragraph.text not in doc.all("div", "sourcepage__article")[0][2]
            continue
        tag, _, text = doc.by_id(f"para-{paragraph.number}")
        assert tag == {"title": "h2", "head": "h3", "body": "p"}[paragraph.kind]
        shown = text if tag != "p" else text_of(paragraph_html(html, paragraph.number))
        assert shown == paragraph.text, paragraph.number
    furniture = [p.text for p in real.article.paragraphs if p.kind == "furniture"]
    assert len(furniture) == 3 and [e[2] for e in doc.all("q")][:3] == furniture


def test_every_quote_is_marked_and_linked_to_its_claim(real):
    html = render_source_page(real)
    for claim in real.claims:
        for quote in claim.quotes:
            number = real.paragraph_of(quote)
            body = paragraph_html(html, number).replace(
                '</mark><mark class="sourcepage__mark">', ""
            )
            marks = [
                text_of(m) for m in re.findall(r'<mark class="sourcepage__mark">(.*?)</mark>', body)
            ]
            assert any(normalise(quote) in normalise(m) for m in marks), (claim.claim_id, quote)
            full = re.search(rf'id="para-{number}">(.*?)</p>', html).group(1)
            assert f'href="/{claim.page}.md#claim-{claim.claim_id}"' in full, claim.claim_id


def test_slips_are_marked_in_place_and_explained(real):
    html = render_source_page(real)
    runs = re.sub(r"</?mark[^>]*>|<sup .*?</sup>", "", html).replace(
        '</span><span class="sourcepage__slip">', ""
    )
    for number, slip in enumerate(real.info.notes, 1):
        assert f'<span class="sourcepage__slip">{escape(slip.text)}</span>' in runs, slip.text
        assert f'id="slip-{number}-ref"><a href="#slip-{number}"' in html
        assert f'<li id="slip-{number}"><q>{escape(slip.text)}</q>' in html
    assert "monthsThe" in text_of(runs)  # marked, never corrected


def test_source_page_escapes_claim_text(real):
    hostile = replace(real.claims[2], text='<b>&"x')
    html = render_source_page(replace(real, claims=(hostile, *real.claims[3:])))
    # The article page names a reference briefly; the claim shows only in its tooltip, escaped
    # for its whole trip (factbox._tooltip).
    assert "<b>" not in html and "&amp;lt;b&amp;gt;&amp;amp;&quot;x" in html
    etree.fromstring(html)


# --- Timeline: pure -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "when, parts, start, end",
    [
        ("2021", (2021, 0, 0), 2021.0, 2022.0),
        ("2021-07", (2021, 7, 0), 2021.5, 2021 + 7 / 12),
        ("2020-11-19", (2020, 11, 19), 2020 + (10 + 18 / 30) / 12, 2020 + (10 + 19 / 30) / 12),
    ],
)
def test_dates_keep_their_precision(when, parts, start, end):
    assert date_parts(when) == parts
    assert span(when) == pytest.approx((start, end))


def test_promise_months_are_added_at_the_same_precision():
    assert [add_months("2020-11-19", m) for m in (12, 18, 24)] == [
        "2021-11-19",
        "2022-05-19",
        "2022-11-19",
    ]
    assert add_months("2020-11", 2) == "2021-01" and add_months("2020", 12) == "2021"
    assert add_months("2020-08-31", 6) == "2021-02-28"  # no 31 February


def test_list_is_in_date_order_with_partial_dates_as_words(real):
    claims = in_order(real.claims)
    keys = [date_parts(c.when) for c in claims]
    assert keys == sorted(keys) and len(claims) == len(real.claims)
    html = render_list(real, claims)
    etree.fromstring(html)
    entries = re.findall(
        r'<li class="timeline__entry" id="t-([a-z0-9-]+)"><time datetime="([^"]+)">([^<]+)</time>',
        html,
    )
    assert [e[0] for e in entries] == [c.claim_id for c in claims]
    words = {when: text for _, when, text in entries}
    assert words["2021-03"] == "March 2021" and words["2019"] == "2019"
    assert words["2020-11-19"] == "19 November 2020"


def test_timeline_svg_is_valid_accessible_and_unstyled(real):
    html = render_timeline(real)
    svg_text = re.search(r"<svg class=\"timeline__svg\".*?</svg>", html, re.DOTALL).group(0)
    svg = etree.fromstring(svg_text.replace("<svg ", '<svg xmlns="http://www.w3.org/2000/svg" ', 1))
    assert svg.get("role") == "img"
    ns = "{http://www.w3.org/2000/svg}"
    assert svg.find(f"{ns}title").get("id") == svg.get("aria-labelledby")
    assert svg.find(f"{ns}desc").get("id") == svg.get("aria-describedby")
    assert "list below" in svg.find(f"{ns}desc").text and 'id="timeline-list"' in html
    assert not [e for e in svg.iter() if "style" in e.attrib or e.tag == f"{ns}style"]
    drawn = {e.get("data-claim") for e in svg.iter(f"{ns}g")} - {None}
    assert drawn == {c.claim_id for c in real.claims}  # the years come from the data


def test_timeline_window_is_drawn_from_the_letters_date(real):
    svg = render_timeline(real)
    letter = real.by_id["veran-new-solution-timeframe"]
    assert letter.when == "2020-11-19"
    # Each figure with the sources that give it, never one merged deadline (issue #11).
    assert "Within 12–18 months (ChannelNews)" in svg and "November 2021 – May 2022" in svg
    assert "Within two years (Mediapart, Conseil d&#x27;État)" in svg and "November 2022" in svg
    assert "at most" not in svg


# --- The built site -------------------------------------------------------------------------------


def test_new_pages_are_in_the_navigation(built_site: Path):
    links = {e[1].get("href") for e in Elements(page(built_site, ".")).all("a")}
    assert {"timeline/", "source/", "glossary/"} <= links


def test_built_source_page_anchors_and_back_links(built_site: Path, real):
    source = Elements(page(built_site, "source"))
    for paragraph in real.article.paragraphs:
        ids = [e for e in source.found if e[1].get("id") == f"para-{paragraph.number}"]
        assert len(ids) == (0 if paragraph.kind == "furniture" else 1), paragraph.number
    for claim in real.claims:  # each claim's quotes link to their paragraph on the source page
        html = page(built_site, "." if claim.page == "index" else claim.page)
        for quote in claim.quotes:
            assert f'source/#para-{real.paragraph_of(quote)}"' in html, claim.claim_id
    refs = [e[1]["href"] for e in source.all("a") if "#claim-" in e[1].get("href", "")]
    assert refs and all(re.fullmatch(r"\.\./([a-z-]+/)?#claim-[a-z0-9-]+", r) for r in refs)
    assert "left out" in source.by_id("left-out")[2].lower()


def test_built_timeline_lists_every_claim_in_order(built_site: Path, real):
    html = page(built_site, "timeline")
    order = re.findall(r'id="t-([a-z0-9-]+)"', html)
    assert order == [c.claim_id for c in in_order(real.claims)]
    assert "<abbr" not in re.search(r"<svg[^>]*timeline__svg.*?</svg>", html, re.DOTALL).group(0)


def test_abbreviations_get_tooltips_in_prose_and_fact_boxes(built_site: Path):
    for name in (".", "competition", "glossary", "source"):
        doc = Elements(page(built_site, name))
        abbrs = doc.all("abbr")
        assert abbrs and all(e[1].get("title") for e in abbrs), name
        focusable = [e[2] for e in abbrs if e[1].get("tabindex") == "0"]
        assert len(focusable) == len(set(focusable)), name  # one tab stop per term
    index = page(built_site, ".")
    box = index[index.index('class="factbox"') :]
    assert '<abbr tabindex="0" title="Parquet national financier' in index
    assert "<abbr" in box and 'id="claim-anticor-referral-pnf"' in box
    glossary = Elements(page(built_site, "glossary"))
    assert glossary.by_id("pnf")[0] == "dt" and glossary.by_id("secnumcloud")[0] == "dt"


def test_abbreviation_entries_are_separate_blocks():
    # As one block of lines, Python-Markdown re-tests the rest of the block for every entry:
    # the same HTML, a millisecond more per page (mkdocs.yml, BENCHMARKS.md issue #14).
    text = (ROOT / "includes" / "abbreviations.md").read_text(encoding="utf-8")
    blocks = [b for b in text.split("\n\n") if b.strip()]
    assert len(blocks) > 10 and all(b.strip().count("\n") == 0 for b in blocks), blocks


@pytest.mark.browser
def test_abbreviation_tooltip_opens_on_keyboard_focus(browser, site_url: str):
    tab = browser.new_page()
    tab.goto(site_url + "glossary/")
    abbr = tab.locator("abbr[tabindex='0']", has_text="PNF").first
    title = abbr.get_attribute("title")
    assert tab.locator("[role=tooltip]").count() == 0  # none is built before it is needed
    abbr.focus()
    tip = tab.locator(".explainer-tip[role=tooltip]")
    tip.wait_for(state="visible", timeout=5000)
    assert tip.inner_text() == title and "National Financial Prosecutor" in title
    assert abbr.get_attribute("aria-describedby") == tip.get_attribute("id")
    assert abbr.get_attribute("title") is None  # no second, native tooltip while it shows
    tab.keyboard.press("Escape")  # dismissable (WCAG 1.4.13)
    assert tip.count() == 0 and abbr.get_attribute("title") == title
    assert abbr.get_attribute("aria-describedby") is None
    tab.close()


@pytest.mark.browser
@pytest.mark.parametrize("width", [375, 1280])
def test_reference_tooltip_shows_on_hover_stays_hoverable_and_inside_the_viewport(
    browser, site_url: str, width: int
):
    tab = browser.new_page(viewport={"width": width, "height": 800})
    tab.goto(site_url + "what-next/")
    refs = tab.locator(".claimref a[title]")
    assert refs.count() > 5
    _check_tooltips(tab, [refs.first, refs.last])  # near either edge of the text
    tab.goto(site_url + "source/")  # the article page's translation notes have one too
    _check_tooltips(tab, [tab.locator(".sourcepage__slipref a[title]").first])
    tab.close()


def _check_tooltips(tab, refs) -> None:
    for ref in refs:
        ref.scroll_into_view_if_needed()
        title = ref.get_attribute("title")
        ref.hover()
        tip = tab.locator(".explainer-tip")
        tip.wait_for(state="visible", timeout=5000)
        assert tip.inner_text() == title
        box, view = tip.bounding_box(), tab.viewport_size
        assert box["x"] >= 0 and box["x"] + box["width"] <= view["width"], (box, view)
        tab.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2, steps=5)
        tab.wait_for_timeout(500)  # longer than the hide delay: hovering the tip keeps it
        assert tip.is_visible()
        tab.mouse.move(0, view["height"] - 1)
        tip.wait_for(state="detached", timeout=5000)
        assert ref.get_attribute("title") == title


@pytest.mark.slow
def test_editing_a_claims_date_moves_it_in_the_timeline(tmp_path: Path, real):
    project = copy_project(tmp_path / "project")
    old = '    when: "2021-04"\n    quotes:\n      - "Currently, 42 projects are supported."'
    edit(project / "data" / "claims.yml", old, old.replace("2021-04", "2025-09"))
    result = run_build(project, tmp_path / "site")
    assert result.returncode == 0, result.stderr
    html = (tmp_path / "site" / "timeline" / "index.html").read_text(encoding="utf-8")
    order = re.findall(r'id="t-([a-z0-9-]+)"', html)
    before = [c.claim_id for c in in_order(real.claims)]
    assert order != before and sorted(order) == sorted(before)
    later = [c.claim_id for c in in_order(real.claims) if date_parts(c.when) > (2025, 9, 0)]
    assert order[-len(later) - 1 :] == ["hdh-42-projects", *later]
    assert '<time datetime="2025-09">September 2025</time>' in html
    def x_of(claim_id: str) -> float:
        mark = re.search(rf'data-claim="{claim_id}".*?translate\(([\d.]+) ', html, re.DOTALL)
        return float(mark.group(1))

    # Drawn between the events of 1 July 2025 and 5 February 2026, where its new date falls.
    assert x_of("neuder-tender-2025") < x_of("hdh-42-projects") < x_of("ugap-nuage-public-2026")
