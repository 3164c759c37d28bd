"""The source page: the article verbatim, paragraph by paragraph, cited passages marked.

Pure: project in, one HTML string out, every value escaped. Paragraphs keep article.py's numbers
as anchors (#para-N); each cited passage is a <mark> followed by links to the claims citing it;
the slips listed in SLIPS are marked and explained, never corrected. Furniture is listed, not shown.
"""

from __future__ import annotations

from html import escape
from itertools import pairwise

from .article import Article, Paragraph, normalise
from .claims import Claim
from .model import Project
from .render import render_refs
from .slips import SLIPS, Slip, check_slips


def raw_offsets(raw: str) -> list[int]:
    """For each character of normalise(raw), the offset in raw of the character it comes from.

    "a  “b”…" => normalise gives 'a "b"...', offsets [0, 1, 3, 4, 5, 6, 6, 6]
    """
    out, offsets = "", []
    for index, char in enumerate(raw):
        mapped = " " if char.isspace() else normalise(char)
        if mapped == " " and (not out or out.endswith(" ")):
            continue
        out += mapped
        offsets += [index] * len(mapped)
    while out.endswith(" "):
        out, offsets = out[:-1], offsets[:-1]
    if out != normalise(raw):
        raise ValueError(f"cannot map the normalised text back to: {raw[:40]!r}")
    return offsets


def _passages(project: Project, paragraph: Paragraph) -> list[tuple[int, int, list[Claim]]]:
    """Merge the paragraph's quoted ranges (raw offsets) into passages with their claims."""
    offsets, ranges = raw_offsets(paragraph.text), []
    for claim in project.claims:
        for quote in claim.quotes:
            start = project.article.find(quote) - paragraph.start
            end = start + len(normalise(quote))
            if 0 <= start and end <= len(offsets):
                ranges.append((offsets[start], offsets[end - 1] + 1, claim))
    passages: list[tuple[int, int, list[Claim]]] = []
    for start, end, claim in sorted(ranges, key=lambda r: r[:2]):
        if passages and start < passages[-1][1]:
            last = passages[-1]
            claims = last[2] + ([claim] if claim not in last[2] else [])
            passages[-1] = (last[0], max(last[1], end), claims)
        else:
            passages.append((start, end, [claim]))
    return passages


def _slip_spans(paragraph: Paragraph, slips: tuple[Slip, ...]) -> list[tuple[int, int, int]]:
    """Return (start, end, slip number) for the slips in a paragraph, raw offsets."""
    found = []
    for number, slip in enumerate(slips, 1):
        start = paragraph.text.find(slip.snippet)
        if start >= 0:
            found.append((start, start + len(slip.snippet), number))
    return found


def _covering(spans, at: int):
    return next((span for span in spans if span[0] <= at < span[1]), None)


def render_text(project: Project, paragraph: Paragraph, slips: tuple[Slip, ...] = SLIPS) -> str:
    """Render one body paragraph's text: marks and claim links for passages, slip markers."""
    text = paragraph.text
    passages, spans = _passages(project, paragraph), _slip_spans(paragraph, slips)
    cuts = sorted({0, len(text), *(bound for item in [*passages, *spans] for bound in item[:2])})
    html = []
    for start, end in pairwise(cuts):
        piece = escape(text[start:end])
        passage, slip = _covering(passages, start), _covering(spans, start)
        if slip:
            piece = f'<span class="sourcepage__slip">{piece}</span>'
        html.append(f'<mark class="sourcepage__mark">{piece}</mark>' if passage else piece)
        if slip and slip[1] == end:
            html.append(_slip_ref(slip[2], slips[slip[2] - 1]))
        if passage and passage[1] == end:
            html.append(render_refs(project, passage[2], brief=True))
    return "".join(html)


def _slip_ref(number: int, slip: Slip) -> str:
    """The label after a slip: a link to its explanation, which also shows on hover and focus."""
    note = escape(slip.explanation)
    return (
        f'<sup class="sourcepage__slipref" id="slip-{number}-ref"><a href="#slip-{number}"'
        f' title="{note}">slip {number}<span class="visually-hidden">: {note}</span></a></sup>'
    )


def _paragraph(project: Project, paragraph: Paragraph, slips: tuple[Slip, ...]) -> str:
    anchor = f"para-{paragraph.number}"
    if paragraph.kind in ("title", "head"):
        tag = "h2" if paragraph.kind == "title" else "h3"
        text = escape(paragraph.text)
        return f'<{tag} class="sourcepage__{paragraph.kind}" id="{anchor}">{text}</{tag}>'
    number = (
        f'<a class="sourcepage__number" href="#{anchor}"><span class="visually-hidden">Paragraph'
        f" </span>{paragraph.number}</a> "
    )
    text = render_text(project, paragraph, slips)
    return f'<p class="sourcepage__para" id="{anchor}">{number}{text}</p>'


def _slip_item(article: Article, number: int, slip: Slip) -> str:
    where = next(p.number for p in article.body if slip.snippet in p.text)
    return (
        f'<li id="slip-{number}"><q>{escape(slip.snippet)}</q> (<a href="#slip-{number}-ref">'
        f"paragraph {where}</a>): {escape(slip.explanation)}</li>"
    )


def render_source_page(project: Project, slips: tuple[Slip, ...] = SLIPS) -> str:
    """Render the whole article block: paragraphs, the furniture left out, and the slips."""
    article = project.article
    if problems := check_slips(article, slips):
        raise ValueError("; ".join(problems))
    shown = "".join(
        _paragraph(project, p, slips) for p in article.paragraphs if p.kind != "furniture"
    )
    furniture = "".join(
        f"<li><q>{escape(p.text)}</q></li>" for p in article.paragraphs if p.kind == "furniture"
    )
    items = "".join(_slip_item(article, n, s) for n, s in enumerate(slips, 1))
    return (
        f'<div class="sourcepage"><div class="sourcepage__article">{shown}</div>'
        '<h2 id="left-out">Lines left out</h2>'
        "<p>The copy of the article ends with lines from the web page around it, not part of the"
        " article. They are left out above by an explicit list in the site's code, not"
        " silently:</p>"
        f'<ul class="sourcepage__furniture">{furniture}</ul>'
        '<h2 id="slips">Slips in the English text</h2>'
        "<p>The English text reads as a machine translation. These passages are shown above exactly"
        " as published, marked, and explained here; none is corrected.</p>"
        f'<ol class="sourcepage__slips">{items}</ol></div>'
    )
