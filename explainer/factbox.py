"""Fact boxes and what is built from claims alike: one claim, a page's fact box, inline
references, the corrections log, and the words (dates, page labels, source names) they share.

Every data value goes through `html.escape` and the output is well-formed XML, so the Markdown
extension can parse it into its element tree. Links to pages are docs-absolute `/page.md#…`
paths, which the site generator rewrites per page. Nothing here reads files.
"""

from __future__ import annotations

import datetime as dt
from html import escape

from .claims import STATUS_LABELS, Claim, Source
from .model import ANCHOR_PREFIX, SHARE_DIR, Project, claim_anchor
from .values import date_parts, shorten


def format_when(when: str | None) -> str:
    """Write a partial ISO date as words, no more precise than it is.

    "2021-03" => "March 2021"; "2020-06-23" => "23 June 2020"; None => "date not known"
    """
    if not when:
        return "date not known"
    year, month, day = date_parts(when)
    if not month:
        return str(year)
    name = dt.date(year, month, 1).strftime("%B")
    return f"{day} {name} {year}" if day else f"{name} {year}"


def page_label(page: str) -> str:
    """ "data-sovereignty" => "Data sovereignty"; "index" => "Overview" """
    return "Overview" if page == "index" else page.replace("-", " ").capitalize()


# How the sources registry marks a title it could not see (its header explains both).
FROM_ADDRESS, NOT_SHOWN = "(title from the address)", "(title not shown)"


def source_name(source: Source) -> tuple[str, str]:
    """A source's title for readers, and a remark when the registry did not see the title.

    "a-b-c (title from the address)" => ("a b c", "title taken from its web address");
    "(title not shown)" by "Pub" => ("Pub page", "title not known")
    """
    title = source.title.strip()
    if title == NOT_SHOWN:
        return f"{source.publisher} page", "title not known"
    if title.endswith(FROM_ADDRESS):
        words = title.removesuffix(FROM_ADDRESS).strip()
        words = words.replace("-", " ") if " " not in words else words
        return words, "title taken from its web address"
    return title, ""


def _source_item(source: Source) -> str:
    date = escape(format_when(source.date))
    name, remark = source_name(source)
    remark = f' <span class="factbox__remark">({escape(remark)})</span>' if remark else ""
    return (
        f'<li><a href="{escape(source.url)}" rel="noreferrer">{escape(name)}</a>{remark}'
        f" — {escape(source.publisher)}, {date}"
        f' <span class="factbox__confidence">(confidence: {escape(source.confidence)})</span></li>'
    )


def _quote(project: Project, quote: str) -> str:
    number = project.paragraph_of(quote)
    where = f"paragraph {number}"
    page = project.settings.source_page
    cite = f'<a href="/{escape(page)}#para-{number}">{where}</a>' if page else where
    return (
        f'<blockquote class="factbox__quote"><p>“{escape(quote)}”</p></blockquote>'
        f'<p class="factbox__cite">— the article, {cite}</p>'
    )


def render_claim(project: Project, claim: Claim) -> str:
    """Render one claim as an `<li id="claim-…">` of its page's fact box."""
    status = claim.status
    aliases = "".join(
        f'<span class="factbox__alias" id="{claim_anchor(escape(a))}"></span>'
        for a in claim.aliases
    )
    quotes = "".join(_quote(project, q) for q in claim.quotes)
    note = (
        f'<p class="factbox__note"><strong>Caveat:</strong> {escape(claim.note)}</p>'
        if claim.note
        else ""
    )
    outside = [
        project.sources[s]
        for s in claim.sources
        if s not in project.info.article_sources or not claim.quotes
    ]
    sources = "".join(_source_item(s) for s in outside)
    sources = (
        f'<p class="factbox__label">Sources</p><ul class="factbox__sources">{sources}</ul>'
        if sources
        else ""
    )
    return (
        f'<li class="factbox__claim factbox__claim--{status}" id="{claim_anchor(escape(claim.claim_id))}"'
        f' value="{project.number(claim)}">{aliases}'
        f'<p class="factbox__text">{escape(claim.text)}</p>'
        f'<dl class="factbox__meta">'
        f'<div><dt>Status</dt><dd><span class="factbox__status factbox__status--{status}">'
        f"{STATUS_LABELS[status]}</span></dd></div>"
        f"<div><dt>Who</dt><dd>{escape(claim.who)}</dd></div>"
        f'<div><dt>When</dt><dd><time datetime="{escape(claim.when)}">{escape(format_when(claim.when))}</time></dd></div>'
        f"</dl>{quotes}{note}{sources}{_history(claim)}</li>"
    )


def _history(claim: Claim) -> str:
    """ "Updated 1 December 2026", then each correction note, newest first."""
    if not claim.updated:
        return ""
    day = f'<time datetime="{claim.updated}">{format_when(claim.updated)}</time>'
    notes = "".join(
        f'<li><strong>Correction, <time datetime="{c.date}">{format_when(c.date)}</time>:</strong>'
        f" {escape(c.note)}</li>"
        for c in sorted(claim.corrections, key=lambda c: c.date, reverse=True)
    )
    notes = f'<ul class="factbox__corrections">{notes}</ul>' if notes else ""
    return f'<p class="factbox__updated">Updated {day}</p>{notes}'


def render_corrections(project: Project) -> str:
    """The corrections log: every correction of every claim, newest first, linked to its claim."""
    entries = [(c, n, claim) for n, claim in enumerate(project.claims) for c in claim.corrections]
    entries.sort(key=lambda e: (e[0].date, -e[1]), reverse=True)  # same day: file order
    items = []
    for correction, _, claim in entries:
        where = f"{page_label(claim.page)}, claim {project.number(claim)}"
        link = f"/{escape(claim.page)}.md#{claim_anchor(escape(claim.claim_id))}"
        items.append(
            f'<li class="corrections__entry"><p><time datetime="{correction.date}">'
            f"{format_when(correction.date)}</time> · <strong>{escape(where)}</strong></p>"
            f'<p class="corrections__note">{escape(correction.note)}</p>'
            f'<p class="corrections__claim">The claim now: <a href="{link}">'
            f"{escape(shorten(claim.text, 90))}</a></p></li>"
        )
    if not items:
        return '<p class="corrections__none">No correction has been made yet.</p>'
    return f'<ul class="corrections__list">{"".join(items)}</ul>'


def _js_data() -> str:
    """What explainer.js needs to know to build a claim's links: read from the page, never
    written twice."""
    return f' data-claim-prefix="{ANCHOR_PREFIX}" data-share-dir="{SHARE_DIR}/"'


def render_factbox(project: Project, page: str) -> str:
    """Render a page's fact box: a headed, numbered list of its claims."""
    items = "".join(render_claim(project, c) for c in project.page_claims(page))
    return (
        f'<section class="factbox" aria-labelledby="fact-box"{_js_data()}>'
        '<h2 id="fact-box">Fact box: the claims behind this page</h2>'
        f'<ol class="factbox__list">{items}</ol></section>'
    )


def render_single(project: Project, claim: Claim) -> str:
    """Render one claim alone, as on its share page."""
    return single_box(render_claim(project, claim))


def single_box(item: str) -> str:
    """The box around one claim's `<li>` on its share page."""
    return f'<section class="factbox factbox--single"{_js_data()}><ol class="factbox__list">{item}</ol></section>'


# --- Hostile input (issue #5): a title that explainer.js shows as a tooltip --------------------


def _tooltip(text: str) -> str:
    """Escape a title for its trip: this XML is parsed, and Python-Markdown's serializer leaves
    entity-like text (`&lt;`) as it is, so the text is escaped once for each. The browser's
    title is then the exact text, which explainer.js shows as text (never as HTML). Quotes are
    escaped only for the XML.

    "<b>" => "&amp;lt;b&amp;gt;" (the browser's title and the tooltip are "<b>")
    """
    return escape(escape(text, quote=False))


def _ref_link(project: Project, claim: Claim, page: str | None, brief: bool) -> str:
    number = project.number(claim)
    # A no-break space: "What next 13" never breaks across two lines.
    label = f"{number}" if claim.page == page else f"{page_label(claim.page)}\u00a0{number}"
    status = STATUS_LABELS[claim.status]
    preview = f"{status}: {claim.text}"
    tooltip = _tooltip(shorten(preview, 70) if brief else preview)
    page_path = "" if claim.page == page else f"/{escape(claim.page)}.md"
    # The name holds the visible label whole (WCAG 2.5.3, label in name): "claim Tender 3".
    where = f"claim {label}"
    return (
        f'<a href="{page_path}#{claim_anchor(escape(claim.claim_id))}" title="{tooltip}"'
        f' aria-label="{escape(where)} ({status})">{escape(label)}</a>'
    )


def render_refs(
    project: Project, claims: list[Claim], page: str | None = None, brief: bool = False
) -> str:
    """Render inline references to claims: one superscript bracket, the claim on hover and focus.

    Same page: "[3, 4]"; another page: "[Tender 3]". A screen reader hears "claim 3
    (Allegation)"; the claim itself is one activation away. `brief`: where references follow
    many short passages (the article page), the tooltip is cut short too.
    """
    ordered = sorted(dict.fromkeys(claims), key=lambda c: ref_order(project, c, page))
    links = ", ".join(_ref_link(project, claim, page, brief) for claim in ordered)
    return f'<sup class="claimref">[{links}]</sup>'


def ref_order(project: Project, claim: Claim, page: str | None) -> tuple:
    """References in a bracket: this page's claims first, by number, then other pages'."""
    return (claim.page != page, claim.page, project.number(claim))


def render_ref(project: Project, claim: Claim, page: str | None = None) -> str:
    """Render one inline reference; the extension merges neighbours into one bracket."""
    return render_refs(project, [claim], page)
