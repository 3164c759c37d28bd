"""The timeline chart: every claim on a time axis, the key events named in words, as inline SVG.

Pure: project in, SVG out, every value escaped, no style attributes (the CSP allows none): the
site's CSS colours it for light and dark mode and shows one of two drawings, wide (time runs
across, one key event per row) or narrow (time runs down, for phones). Label widths are
estimated generously, so labels never overlap in any font. The timeline list is the text version.
"""

from __future__ import annotations

import math
from html import escape

from .chartlayout import FONT, LINE, SMALL, Scale, make_scale, span, text_width, wrap
from .chartrows import Row, claim_row, key_rows, year_range
from .claims import Claim
from .model import Project

SHAPES = {  # status → path around (0, 0): shape as well as colour tells statuses apart
    "confirmed": "M-6 0a6 6 0 1 0 12 0a6 6 0 1 0-12 0z",
    "statement": "M-5.5-5.5h11v11h-11z",
    "reported": "M-5 0a5 5 0 1 0 10 0a5 5 0 1 0-10 0z",
    "alleged": "M0-7l7 7-7 7-7-7z",
    "disputed": "M0-7l7 12h-14z",
}


def _text(x: float, y: float, text: str, cls: str, size: int = FONT, anchor: str = "") -> str:
    anchor = f' text-anchor="{anchor}"' if anchor else ""
    return (
        f'<text class="timeline__{cls}" x="{x}" y="{y}" font-size="{size}"{anchor}>'
        f"{escape(text)}</text>"
    )


def _mark(row: Row, x1: float, x2: float, y: float) -> str:
    """A claim's shape over a line as long as its date is precise; a bar for the others."""
    if row.kind == "deadline":
        width = max(round(x2 - x1, 1), 4)
        return (
            f'<rect class="timeline__deadline" x="{x1}" y="{y - 6}" width="{width}" height="12"/>'
        )
    if row.kind == "article":
        return f'<rect class="timeline__article" x="{x1 - 2}" y="{y - 8}" width="4" height="16"/>'
    middle = round((x1 + x2) / 2, 1)
    return (
        f'<line class="timeline__precision" x1="{x1}" x2="{x2}" y1="{y}" y2="{y}"/>'
        f'<path class="timeline__mark" transform="translate({middle} {y})" d="{SHAPES[row.kind]}"/>'
    )


def _group(row: Row, body: str) -> str:
    """Wrap a row's drawing in a group carrying its kind, claim id and hover text."""
    data = f' data-claim="{escape(row.claim_id)}"' if row.claim_id else ""
    title = f"<title>{escape(row.title)}</title>" if row.title else ""
    promise = " timeline__event--promise" if row.promise else ""
    kind = f"timeline__event timeline__event--{row.kind}{promise}"
    return f'<g class="{kind}"{data}>{title}{body}</g>'


def row_lines(row: Row, width: float, dated: bool) -> list[tuple[str, str, int]]:
    """A row's words as (text, class, size) lines no wider than width: label, then date.

    (Row "The article", April 2021; 400, True) => [("The article", "label", 15),
    ("April 2021", "date", 13)]
    """
    lines = [(t, "label", FONT) for t in wrap(row.text, width, FONT)]
    if dated:
        lines += [(t, "date", SMALL) for t in wrap(row.date, width, SMALL)]
    return lines


# --- The wide chart: time runs across, each named row on its own line above all the claims ---

WIDE, LEFT, RIGHT, ROW_GAP, LEVEL = 800, 12, 788, 6, 9


def _wide_place(row: Row, scale: Scale) -> tuple[float, str, list[tuple[str, str, int]]]:
    """Put a row's words right of its mark if they fit, else left, else wrapped on the wider side.

    A claim's date is shown by the axis, so only the article's and deadlines' are written.
    """
    x1, x2, dated = scale.x(row.start), scale.x(row.end), not row.claim_id
    after = round(max(x2, (x1 + x2) / 2 + 7) + 7, 1)
    before = round(min(x1, (x1 + x2) / 2 - 7) - 7, 1)
    lines = row_lines(row, math.inf, dated)
    need = max(text_width(text, size) for text, _, size in lines)
    if need <= RIGHT - after:
        return after, "start", lines
    if need <= before - LEFT:
        return before, "end", lines
    if RIGHT - after >= before - LEFT:
        return after, "start", row_lines(row, RIGHT - after, dated)
    return before, "end", row_lines(row, before - LEFT, dated)


def _wide_row(row: Row, scale: Scale, top: float) -> tuple[str, float]:
    """Draw one named row from top; return (SVG, the next row's top)."""
    x, anchor, lines = _wide_place(row, scale)
    body = _mark(row, scale.x(row.start), scale.x(row.end), top + LINE / 2)
    for i, (text, cls, size) in enumerate(lines):
        body += _text(x, round(top + 14 + i * LINE, 1), text, cls, size, anchor)
    return _group(row, body), top + len(lines) * LINE + ROW_GAP


def _guide(row: Row, scale: Scale, top: float, axis: float) -> str:
    """A deadline's or the article's line (or band) from its row down to the axis."""
    x1, x2 = scale.x(row.start), scale.x(row.end)
    if row.kind == "deadline" and x2 > x1:
        return (
            f'<rect class="timeline__window" x="{x1}" y="{top}" width="{round(x2 - x1, 1)}"'
            f' height="{round(axis - top, 1)}"/>'
        )
    cls = "limit" if row.kind == "deadline" else "rule"
    return f'<line class="timeline__{cls}" x1="{x1}" x2="{x1}" y1="{top}" y2="{axis}"/>'


def _levels(claims: list[Claim], scale: Scale) -> list[int]:
    """Stack claims whose marks or date spans would overlap: each takes the lowest free level."""
    ends: list[float] = []
    levels = []
    for claim in claims:  # in date order, so spans arrive sorted by their start
        start, end = (scale.x(t) for t in span(claim.when))
        middle = (start + end) / 2
        left, right = min(start, middle - 4), max(end, middle + 4)
        level = next((i for i, last in enumerate(ends) if left >= last), len(ends))
        ends[level : level + 1] = [right]
        levels.append(level)
    return levels


def _strip(claims: list[Claim], scale: Scale, top: float, promise: str) -> tuple[str, float]:
    """Every claim as a small mark over its date's span, stacked; return (SVG, bottom).

    `promise`: the id of the promise's claim ("" for none), drawn in the promise's colour.
    """
    out = [_text(LEFT, top + 14, f"All {len(claims)} claims, by date", "heading")]
    levels = _levels(claims, scale)
    for claim, level in zip(claims, levels, strict=True):
        x1, x2 = (scale.x(t) for t in span(claim.when))
        y, middle = top + 32 + level * LEVEL, round((x1 + x2) / 2, 1)
        out.append(
            _group(
                claim_row(claim, "", claim.claim_id == promise),
                f'<line class="timeline__precision" x1="{x1}" x2="{x2}" y1="{y}" y2="{y}"/>'
                f'<path class="timeline__mark" transform="translate({middle} {y}) scale(.65)"'
                f' d="{SHAPES[claim.status]}"/>',
            )
        )
    return "".join(out), top + 32 + max(levels, default=0) * LEVEL + 10


def _axis(scale: Scale, top: float, axis: float) -> str:
    """Year lines from top to the axis, year numbers under it, and a break where years are cut."""
    edges = sorted(
        {round(x, 1) for left in scale.lefts.values() for x in (left, left + scale.year)}
    )
    out = [
        f'<line class="timeline__grid" x1="{x}" x2="{x}" y1="{top}" y2="{axis}"/>' for x in edges
    ]
    for year, left in scale.lefts.items():
        out.append(
            f'<line class="timeline__axis" x1="{round(left, 1)}" x2="{round(left + scale.year, 1)}"'
            f' y1="{axis}" y2="{axis}"/>'
            + _text(round(left + scale.year / 2, 1), axis + 20, str(year), "year", SMALL, "middle")
        )
    for first, last, x in scale.cuts:
        out.append(
            f'<path class="timeline__cut" d="M{x - 9} {axis + 6}l6-12M{x + 3} {axis + 6}l6-12">'
            f"<title>{first}–{last}: no events, left out</title></path>"
        )
    return "".join(out)


def render_wide(project: Project, claims: list[Claim], ids: str = "timeline") -> str:
    """The wide chart: named rows, then every claim stacked on a strip, then the years."""
    rows = key_rows(project, claims)
    scale = make_scale(year_range(claims, rows), LEFT, RIGHT)
    top, drawn, tops = 34.0, [], []
    for row in rows:
        tops.append(top)
        svg, top = _wide_row(row, scale, top)
        drawn.append(svg)
    promise = project.info.promise.claim if project.info.promise else ""
    strip, axis = _strip(claims, scale, top + 8, promise)
    guides = "".join(
        _guide(r, scale, t, axis) for r, t in zip(rows, tops, strict=True) if not r.claim_id
    )
    height = round(axis + 30)
    return _svg(
        (WIDE, height),
        ids,
        _description(project, claims, rows, scale.cuts),
        _axis(scale, 24, axis)
        + guides
        + _text(LEFT, 16, "Key events", "heading")
        + "".join(drawn)
        + strip,
    )


# --- The narrow chart, for phones: time runs down, one named row under the other ---------------

NARROW, SPINE, INDENT = 360, 12, 30


def _narrow_row(row: Row, top: float) -> tuple[str, float]:
    """Draw one row from top, its date over its label; return (SVG, the next row's top)."""
    lines = row_lines(row, NARROW - INDENT - 4, dated=True)
    lines = [line for line in lines if line[1] == "date"] + [
        line for line in lines if line[1] == "label"
    ]
    half = 5 if row.kind == "deadline" else 0
    body, y = _mark(row, SPINE - half, SPINE + half, top + 8), top
    for text, cls, size in lines:
        y += 17 if cls == "date" else LINE
        body += _text(INDENT, y - 5, text, cls, size)
    if row.kind == "deadline":
        body = (
            f'<rect class="timeline__highlight" x="0" y="{top - 4}" width="{NARROW}"'
            f' height="{y - top + 8}"/>' + body
        )
    return _group(row, body), y + 14


def render_narrow(project: Project, claims: list[Claim], ids: str = "timeline-narrow") -> str:
    """The narrow chart: the named rows one under the other on a line from top to bottom."""
    rows = key_rows(project, claims)
    top, drawn, marks, promise = 10.0, [], [], []
    for row in rows:
        marks.append(top + 8)
        if row.promise or row.kind == "deadline":
            promise.append(top + 8)
        svg, top = _narrow_row(row, top)
        drawn.append(svg)
    spine = (
        f'<line class="timeline__axis" x1="{SPINE}" x2="{SPINE}" y1="{marks[0]}" y2="{marks[-1]}"/>'
    )
    if len(promise) > 1:
        spine += (f'<line class="timeline__wait" x1="{SPINE}" x2="{SPINE}"'
                  f' y1="{min(promise)}" y2="{max(promise)}"/>')  # fmt: skip
    words = _description(project, claims, rows, None)
    return _svg((NARROW, round(top)), ids, words, spine + "".join(drawn))


# --- Both charts ----------------------------------------------------------------------------------


def _description(
    project: Project, claims: list[Claim], rows: list[Row], cuts: tuple | None
) -> tuple[str, str]:
    """The chart's accessible name and description: (title, desc). cuts=None: the narrow chart.

    => ("Timeline of the story, 2002 to 2026", "61 dated claims drawn by date, with 15 key
    events named above. Years without events are left out: 2003 to 2007, 2009 to 2017. …")
    """
    years, named = year_range(claims, rows), sum(1 for r in rows if r.claim_id)
    if cuts is None:
        what = f"{named} key events of the {len(claims)} dated claims, one per row in date order"
    else:
        what = f"{len(claims)} dated claims drawn by date, with {named} key events named above"
    if cuts:
        what += ". Years without events are left out: "
        what += ", ".join(f"{a} to {b}" for a, b, _ in cuts)
    letter = next((r for r in rows if r.promise), None)
    deadlines = "; ".join(f"{r.text}: {r.date}" for r in rows if r.kind == "deadline")
    promise = (
        f" Deadlines of the promise of {letter.date}: {deadlines}." if letter and deadlines else ""
    )
    return (
        f"Timeline of the story, {min(years)} to {max(years)}",
        f"{what}.{promise} The list below gives every event as text.",
    )


def _svg(size: tuple[int, int], ids: str, words: tuple[str, str], body: str) -> str:
    """An accessible SVG image: named by its title, described by its desc."""
    return (
        f'<svg class="timeline__svg" viewBox="0 0 {size[0]} {size[1]}" role="img"'
        f' aria-labelledby="{ids}-title" aria-describedby="{ids}-desc">'
        f'<title id="{ids}-title">{escape(words[0])}</title>'
        f'<desc id="{ids}-desc">{escape(words[1])}</desc>{body}</svg>'
    )


def render_chart(project: Project, claims: list[Claim]) -> str:
    """Both drawings of the claims in date order; the CSS shows the one that fits the screen."""
    return (
        f'<div class="timeline__chart timeline__chart--wide">{render_wide(project, claims)}</div>'
        f'<div class="timeline__chart timeline__chart--narrow">{render_narrow(project, claims)}'
        "</div>"
    )
