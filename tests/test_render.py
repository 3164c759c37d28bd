"""Rendering: a golden fact box, escaping of hostile values, and the Markdown extension end to end."""

from __future__ import annotations

import textwrap
import xml.etree.ElementTree as etree
from pathlib import Path

from html.parser import HTMLParser

import markdown

from explainer.factbox import format_when, render_factbox, render_ref

from .helpers import SOURCES_YAML, make_project

HOSTILE = """\
claims:
  - id: x
    page: index
    claim: "<script>alert(1)</script> & <img src=x onerror=alert(2)> {: onclick=\\"alert(3)\\"} *em*"
    status: disputed
    who: "A \\"quoted\\" <b>body</b>"
    when: "2020-06"
    updated: "2026-11-28"
    quotes: ["In a prototyping phase"]
    sources: [evil]
    note: "x < y & z > w"
"""
EVIL_SOURCE = b"""  - id: evil
    title: "T <i>&amp;</i> \\"q\\""
    publisher: "P & Q"
    date: "2020"
    url: "https://example.org/?a=1&b='2'"
    confidence: high
"""


def parse_tags(html: str) -> list[tuple[str, dict]]:
    """Every start tag in the HTML with its attributes, as a browser's tokenizer sees them."""
    found = []
    parser = HTMLParser()
    parser.handle_starttag = lambda tag, attrs: found.append((tag, dict(attrs)))
    parser.feed(html)
    return found


MINIMAL_ARTICLE_YML = """\
language: en
sources: {text: article-en}
source_page: {notes_heading: Notes, notes_intro: Notes on the text.}
"""


def test_format_when_is_no_more_precise_than_the_data():
    assert [format_when(w) for w in ("2021", "2021-03", "2020-06-23", None)] == [
        "2021", "March 2021", "23 June 2020", "date not known"]


def test_golden_factbox():
    project = make_project(textwrap.dedent("""\
        claims:
          - id: poupard
            page: tender
            claim: "Poupard defended the choice."
            status: statement
            who: "Guillaume Poupard (ANSSI)"
            when: "2020-06-23"
            updated: "2026-11-28"
            quotes: ["In a prototyping phase"]
            sources: [article-en, outside]
            aliases: [old-poupard]
        """), SOURCES_YAML)
    assert render_factbox(project, "tender") == (
        '<section class="factbox" aria-labelledby="fact-box" data-claim-prefix="claim-" data-share-dir="claims/">'
        '<h2 id="fact-box">Fact box: the claims behind this page</h2><ol class="factbox__list">'
        '<li class="factbox__claim factbox__claim--statement" id="claim-poupard" value="1">'
        '<span class="factbox__alias" id="claim-old-poupard"></span>'
        '<p class="factbox__text">Poupard defended the choice.</p><dl class="factbox__meta">'
        '<div><dt>Status</dt><dd><span class="factbox__status factbox__status--statement">Statement</span></dd></div>'
        "<div><dt>Who</dt><dd>Guillaume Poupard (ANSSI)</dd></div>"
        '<div><dt>When</dt><dd><time datetime="2020-06-23">23 June 2020</time></dd></div></dl>'
        '<blockquote class="factbox__quote"><p>“In a prototyping phase”</p></blockquote>'
        '<p class="factbox__cite">— the article, <a href="/source.md#para-9">paragraph 9</a></p>'
        '<p class="factbox__label">Sources</p><ul class="factbox__sources">'
        '<li><a href="https://example.org/x" rel="noreferrer">Outside</a> — Pub, 14 April 2021'
        ' <span class="factbox__confidence">(confidence: medium)</span></li></ul>'
        '<p class="factbox__updated">Updated <time datetime="2026-11-28">28 November 2026</time></p>'
        "</li></ol></section>"
    )


def test_hostile_values_are_escaped_and_well_formed():
    project = make_project(HOSTILE, SOURCES_YAML + EVIL_SOURCE)
    html = render_factbox(project, "index") + render_ref(project, project.claims[0], "tender")
    for raw in ("<script>", "<img", "<b>", "<i>", "&b='2'", "x < y"):
        assert raw not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;img src=x onerror=alert(2)&gt;" in html
    assert 'href="https://example.org/?a=1&amp;b=&#x27;2&#x27;"' in html
    assert "A &quot;quoted&quot; &lt;b&gt;body&lt;/b&gt;" in html
    etree.fromstring(f"<div>{html}</div>")  # well-formed: the extension parses it as XML


def test_extension_output_keeps_hostile_text_inert(tmp_path):
    """Through Python-Markdown: no tag, attribute or emphasis comes from the data."""
    project = make_project(HOSTILE, SOURCES_YAML + EVIL_SOURCE)
    for part in ("docs", "data", "seeds"):
        (tmp_path / part).mkdir()
    (tmp_path / "seeds/a.txt").write_text(
        (Path(__file__).parent.parent / "seeds/000_2cbf70e41ac90a36.txt").read_text(encoding="utf-8"))
    (tmp_path / "data/claims.yml").write_text(HOSTILE)
    (tmp_path / "data/sources.yml").write_bytes(SOURCES_YAML + EVIL_SOURCE)
    (tmp_path / "data/article.yml").write_text(MINIMAL_ARTICLE_YML)
    page = "# Home\n\nSee.<!-- ref x -->\n\n<!-- factbox index -->\n"
    (tmp_path / "docs/index.md").write_text(page)
    (tmp_path / "docs/tender.md").write_text("# T\n")
    html = markdown.markdown(page, extensions=["attr_list", "toc", "explainer.mdext"], extension_configs={
        "explainer.mdext": {"base_dir": str(tmp_path), "article": "seeds/a.txt"}})
    assert project.claims[0].claim_id == "x"
    tags = parse_tags(html)
    assert not {"script", "img", "em", "b", "i"} & {tag for tag, _ in tags}
    assert not [name for _, attrs in tags for name in attrs if name.startswith("on")]
    assert html.count('id="claim-x"') == 1 and 'href="#claim-x"' in html
