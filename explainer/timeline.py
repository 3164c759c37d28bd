"""The timeline page: every claim in date order as a list, under the chart of the same events.

Pure: project in, HTML out, every value escaped. Each entry is anchored (#t-<claim id>) and links
to its claim; dates are written no more precisely than they are known ("March 2021").
"""

from __future__ import annotations

from html import escape

from .chart import SHAPES, render_chart
from .claims import STATUS_LABELS, Claim
from .factbox import format_when, page_label
from .model import Project, claim_anchor
from .values import date_parts


def in_order(claims: tuple[Claim, ...]) -> list[Claim]:
    """Claims by date, earliest first; ties keep file order."""
    return sorted(claims, key=lambda c: date_parts(c.when))


def render_list(project: Project, claims: list[Claim]) -> str:
    """The text timeline: one anchored entry per claim, linked to the claim in its fact box."""
    items = []
    for claim in claims:
        where = f"{page_label(claim.page)} {project.number(claim)}"
        items.append(
            f'<li class="timeline__entry" id="t-{escape(claim.claim_id)}">'
            f'<time datetime="{escape(claim.when)}">{escape(format_when(claim.when))}</time>: '
            f'<span class="timeline__status timeline__status--{claim.status}">'
            f"{STATUS_LABELS[claim.status]}</span> {escape(claim.text)} "
            f'<a href="/{escape(claim.page)}.md#{claim_anchor(escape(claim.claim_id))}">'
            f"(claim {escape(where)})</a></li>"
        )
    return f'<ol class="timeline__list" id="timeline-list" data-search-exclude="true">{"".join(items)}</ol>'


def render_timeline(project: Project) -> str:
    """Render the timeline block: the drawing, its legend, then the list.

    The drawing and the list stay out of the search index (`data-search-exclude`, Material's
    switch): every claim has its own search entry already, opening at its fact box.
    """
    claims = in_order(project.claims)
    legend = "".join(
        f'<li><svg class="timeline__key timeline__event--{s}" viewBox="-8 -8 16 16"'
        ' aria-hidden="true">'
        f'<path class="timeline__mark" d="{d}"/></svg> {STATUS_LABELS[s]}</li>'
        for s, d in SHAPES.items()
    )
    return (
        '<div class="timeline"><figure class="timeline__figure" data-search-exclude="true">'
        f'{render_chart(project, claims)}<figcaption><ul class="timeline__legend">{legend}'
        f"{_promise_key(project)}</ul>"
        "On the wide chart, a line under a mark shows how precise its date is: a whole year, a"
        f" month, or a day. {_promise_caption(project)}"
        '<a href="#timeline-list">The list of events</a> below is the text version of this chart.'
        "</figcaption></figure>"
        '<h2 id="events-in-date-order">Events in date order</h2>'
        f"{render_list(project, claims)}</div>"
    )


def _promise_claim(project: Project) -> Claim | None:
    promise = project.info.promise
    return project.by_id.get(promise.claim) if promise else None


def _promise_key(project: Project) -> str:
    """The legend's entry for the promise's colour, when there is a promise."""
    if (claim := _promise_claim(project)) is None:
        return ""
    name = escape(claim.label or project.info.promise.label)
    return (
        '<li><svg class="timeline__key timeline__key--promise" viewBox="-8 -8 16 16"'
        ' aria-hidden="true"><rect class="timeline__window" x="-7" y="-7" width="14" height="14"/>'
        f'<rect class="timeline__deadline" x="-2" y="-7" width="4" height="14"/></svg> {name}'
        " and its deadlines</li>"
    )


def _promise_caption(project: Project) -> str:
    """ "In purple: …" — the promise and its deadlines, each with the sources that give it."""
    if (claim := _promise_claim(project)) is None:
        return ""
    name = escape(claim.label or project.info.promise.label)
    return (
        f"In purple: {name} ({escape(format_when(claim.when))}) and the deadlines reported for"
        " it, each figure with the sources that give it. "
    )
