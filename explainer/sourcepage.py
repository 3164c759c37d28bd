"""The source page: the article verbatim, paragraph by paragraph, cited passages marked.

Pure: project in, one HTML string out, every value escaped. Paragraphs keep article.py's numbers
as anchors (#para-N); each cited passage is a <mark> followed by links to the claims citing it;
the notes of data/article.yml (slips and other remarks) are marked and explained, never
corrected. Furniture is listed, not shown; the page's words come from data/article.yml too.
"""

from __future__ import annotations

import re
from html import escape
from itertools import pairwise

from .article import Article, Paragraph, normalise
from .articleinfo import Note
from .claims import Claim
from .factbox import render_refs
from .model import Project

_RUNS = re.compile(r"\s+|[^\s…]+|…")  # whitespace runs, the ellipsis, everything else


def raw_offsets(raw: str) -> list[int]:
    """For each character of normalise(raw), the offset in raw of the character it comes from.

    "a  “b”…" => normalise gives 'a "b"...', offsets [0, 1, 3, 4, 5, 6, 6, 6]
    """
    offsets: list[int] = []
    for run in _RUNS.finditer(raw):
        if run.group()[0].isspace():
            if offsets and run.end() < len(raw):  # one space, none at either end
                offsets.append(run.start())
        else:
            offsets += [run.start()] * 3 if run.group() == "…" else range(run.start(), run.end())
    if len(offsets) != len(normalise(raw)):
        raise ValueError(f"cannot map the normalised text back to: {raw[:40]!r}")
    return offsets


Quoted = list[tuple[int, int, Claim]]  # each quote's start and end in Article.flat, its claim


def _quoted(project: Project) -> Quoted:
    """Where every claim's quotes are in the article's normalised body."""
    found = (
        (project.article.find(q), len(normalise(q)), c) for c in project.claims for q in c.quotes
    )
    return [(start, start + length, claim) for start, length, claim in found if start >= 0]


def _passages(paragraph: Paragraph, quoted: Quoted) -> list[tuple[int, int, list[Claim]]]:
    """Merge the paragraph's quoted ranges (raw offsets) into passages with their claims."""
    offsets, ranges = raw_offsets(paragraph.text), []
    for start, end, claim in quoted:
        start, end = start - paragraph.start, end - paragraph.start
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


def _slip_spans(paragraph: Paragraph, slips: tuple[Note, ...]) -> list[tuple[int, int, int]]:
    """Return (start, end, note number) for the notes in a paragraph, raw offsets."""
    found = []
    for number, slip in enumerate(slips, 1):
        start = paragraph.text.find(slip.text)
        if start >= 0:
            found.append((start, start + len(slip.text), number))
    return found


def _covering(spans, at: int):
    return next((span for span in spans if span[0] <= at < span[1]), None)


def render_text(project: Project, paragraph: Paragraph, quoted: Quoted) -> str:
    """Render one body paragraph's text: marks and claim links for passages, note markers."""
    text, slips = paragraph.text, project.info.notes
    passages, spans = _passages(paragraph, quoted), _slip_spans(paragraph, slips)
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


def _slip_ref(number: int, slip: Note) -> str:
    """The label after a note ("slip 3", "note 7"): a link to its explanation, also shown on
    hover and focus."""
    note = escape(slip.explanation)
    return (
        f'<sup class="sourcepage__slipref" id="slip-{number}-ref"><a href="#slip-{number}"'
        f' title="{note}">{slip.kind} {number}<span class="visually-hidden">: {note}</span></a></sup>'
    )


def _paragraph(project: Project, paragraph: Paragraph, quoted: Quoted) -> str:
    anchor = f"para-{paragraph.number}"
    if paragraph.kind in ("title", "head"):
        tag = "h2" if paragraph.kind == "title" else "h3"
        text = escape(paragraph.text)
        return f'<{tag} class="sourcepage__{paragraph.kind}" id="{anchor}">{text}</{tag}>'
    number = (
        f'<a class="sourcepage__number" href="#{anchor}"><span class="visually-hidden">Paragraph'
        f" </span>{paragraph.number}</a> "
    )
    text = render_text(project, paragraph, quoted)
    return f'<p class="sourcepage__para" id="{anchor}">{number}{text}</p>'


def _slip_item(article: Article, number: int, slip: Note) -> str:
    where = next(p.number for p in article.body if slip.text in p.text)
    return (
        f'<li id="slip-{number}"><q>{escape(slip.text)}</q> (<a href="#slip-{number}-ref">'
        f"{slip.kind}, paragraph {where}</a>): {escape(slip.explanation)}</li>"
    )


def render_source_page(project: Project) -> str:
    """Render the whole article block: paragraphs, the furniture left out, and the notes."""
    article, words, notes = project.article, project.info.page_words, project.info.notes
    quoted = _quoted(project)
    shown = "".join(
        _paragraph(project, p, quoted) for p in article.paragraphs if p.kind != "furniture"
    )
    furniture = "".join(
        f"<li><q>{escape(p.text)}</q></li>" for p in article.paragraphs if p.kind == "furniture"
    )
    items = "".join(_slip_item(article, n, s) for n, s in enumerate(notes, 1))
    left_out = (
        '<h2 id="left-out">Lines left out</h2>'
        f'<p>{escape(words["left_out"])}</p><ul class="sourcepage__furniture">{furniture}</ul>'
    ) if furniture else ""  # fmt: skip
    return (
        f'<div class="sourcepage"><div class="sourcepage__article">{shown}</div>{left_out}'
        f'<h2 id="slips">{escape(words["notes_heading"])}</h2>'
        f'<p>{escape(words["notes_intro"])}</p><ol class="sourcepage__slips">{items}</ol></div>'
    )
