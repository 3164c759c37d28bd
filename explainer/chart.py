"""The timeline chart: every claim on a time axis, the key events named in words, as inline SVG.

Pure: project in, SVG out, every value escaped, no style attributes (the CSP allows none): the
site's CSS colours it for light and dark mode and shows one of two drawings, wide (time runs
across, one key event per row) or narrow (time runs down, for phones). Label widths are
estimated generously, so labels never overlap in any font. The timeline list is the text version.
"""

from __future__ import annotations

import calendar
import itertools
import math
import re
from dataclasses import dataclass
from html import escape

from .articleinfo import Promise
from .claims import Claim
from .model import Project
from .render import format_when
from .values import date_parts

SHAPES = {  # status → path around (0, 0): shape as well as colour tells statuses apart
    "confirmed": "M-6 0a6 6 0 1 0 12 0a6 6 0 1 0-12 0z",
    "statement": "M-5.5-5.5h11v11h-11z",
    "reported": "M-5 0a5 5 0 1 0 10 0a5 5 0 1 0-10 0z",
    "alleged": "M0-7l7 7-7 7-7-7z",
    "disputed": "M0-7l7 12h-14z",
}
FONT, SMALL, LINE = 15, 13, 19  # label and date font sizes, line height (SVG units)
NARROW_CHARS = frozenset(" !'(),-./:;I[]fijlrt|’")
WIDE_CHARS = frozenset("mwMW@%—")
CUT = 30  # width of the gap drawn where a run of years without events is left out


@dataclass(frozen=True)
class Row:
    """One named line of the chart: a key event, the article, or a deadline of the promise."""

    start: float  # fractional years, as `span` gives them
    end: float
    date: str  # the date in words
    text: str  # the label
    kind: str  # the claim's status, or "article" or "deadline"
    claim_id: str = ""
    title: str = ""  # the claim's full text, shown on hover
    promise: bool = False  # the claim of the promise whose deadlines are drawn


@dataclass(frozen=True)
class Scale:
    """Where each drawn year starts on the x axis; runs of empty years are cut out."""

    lefts: dict[int, float]
    year: float  # the width of one year
    cuts: tuple[tuple[int, int, float], ...]  # (first year, last year, x) of each cut

    def x(self, when: float) -> float:
        """2021.5 => the middle of 2021; 2009.0 => the end of 2008 when 2009 is cut out."""
        year = math.floor(when)
        if year not in self.lefts:
            year -= 1
        return round(self.lefts[year] + (when - year) * self.year, 1)


def span(when: str) -> tuple[float, float]:
    """Return the stretch of time a date covers, in fractional years.

    "2021" => (2021.0, 2022.0); "2021-07" => (2021.5, 2021.583…); a day is one day long.
    """
    year, month, day = date_parts(when)
    if not month:
        return float(year), year + 1.0
    if not day:
        return year + (month - 1) / 12, year + month / 12
    days = calendar.monthrange(year, month)[1]
    start = year + (month - 1 + (day - 1) / days) / 12
    return start, start + 1 / 12 / days


def add_months(when: str, months: int) -> str:
    """ "2020-11-19" + 18 => "2022-05-19"; keeps the date's precision."""
    year, month, day = date_parts(when)
    total = year * 12 + (month or 1) - 1 + months
    year, month = (total // 12, total % 12 + 1) if month else (total // 12, 0)
    day = min(day, calendar.monthrange(year, month)[1]) if day else 0  # 31 Aug + 6 => 28 Feb
    return "-".join(f"{n:0{w}d}" for n, w in ((year, 4), (month, 2), (day, 2)) if n)


def text_width(text: str, size: float, bold: bool = False) -> float:
    """Estimate a text's width generously: at least what DejaVu Sans, a wide font, needs.

    ("Treaty II", 10) => 47.2; bold is 15 % wider: ("Treaty II", 10, True) => 54.3
    """
    em = sum(
        0.4 if c in NARROW_CHARS else 1.0 if c in WIDE_CHARS else 0.8 if c.isupper() else 0.64
        for c in text
    )
    return round(em * size * (1.15 if bold else 1), 1)


def _pieces(word: str, width: float, size: float) -> list[str]:
    """Cut a word too wide for a line into pieces that fit: ("WWWW", 25, 10) => ["WW", "WW"]."""
    pieces = [""]
    for char in word:
        if pieces[-1] and text_width(pieces[-1] + char, size) > width:
            pieces.append("")
        pieces[-1] += char
    return pieces


def wrap(text: str, width: float, size: float) -> list[str]:
    """Break a text at spaces into lines no wider than width (a longer word is cut).

    ("Court of appeal ruling", 100, 10) => ["Court of appeal", "ruling"]
    """
    lines: list[str] = []
    for word in text.split():
        if lines and text_width(f"{lines[-1]} {word}", size) <= width:
            lines[-1] += f" {word}"
        else:
            lines += _pieces(word, width, size)
    return lines or [""]


def _empty_runs(years: set[int]) -> list[tuple[int, int]]:
    """Runs of two or more years without events: {2008, 2018, 2020} => [(2009, 2017)]."""
    ordered = sorted(years)
    return [(a + 1, b - 1) for a, b in itertools.pairwise(ordered) if b - a > 2]


def make_scale(years: set[int], left: float, right: float) -> Scale:
    """Give every year from the first to the last the same width, cutting out empty runs.

    ({2008, 2018, 2019}, 0, 100) => 2008 at 0, a cut (2009–2017), 2018 and 2019 after it.
    """
    runs = _empty_runs(years)
    drawn = max(years) - min(years) + 1 - sum(b - a + 1 for a, b in runs)
    size = (right - left - CUT * len(runs)) / drawn
    lefts, cuts, x, year = {}, [], float(left), min(years)
    while year <= max(years):
        run = next((r for r in runs if r[0] == year), None)
        if run:
            cuts.append((*run, round(x + CUT / 2, 1)))
            x, year = x + CUT, run[1] + 1
        else:
            lefts[year], x, year = x, x + size, year + 1
    return Scale(lefts, size, tuple(cuts))


def _publisher(project: Project, source_id: str) -> str:
    """A source's publisher, without a bracketed remark: "Sénat (record)" => "Sénat"."""
    source = project.sources.get(source_id)
    return re.sub(r"\s*\(.*\)$", "", source.publisher) if source else source_id


def deadline_rows(project: Project, letter: Claim, promise: Promise) -> list[Row]:
    """One row per deadline of the promise (data/article.yml) whose sources the claim cites.

    The sources may disagree on the deadline, so each row names the sources of its figure: a
    letter of "2020-11-19" citing a source of "12–18 months" by Pub => a row "Within 12–18
    months (Pub)" dated "19 November 2021 – 19 May 2022".
    """
    rows = []
    for deadline in promise.deadlines:
        (low, high), figure = deadline.months, deadline.words
        cited = set(letter.sources) | (project.info.article_sources if letter.quotes else set())
        names = [_publisher(project, s) for s in deadline.sources if s in cited]
        if not names:
            continue
        first, last = add_months(letter.when, low), add_months(letter.when, high)
        # Months, not days: "within 12 months" of a dated letter names no day.
        date = format_when(first[:7])
        if low != high:
            date = f"{date} – {format_when(last[:7])}"
        text = f"Within {figure} ({', '.join(names)})"
        rows.append(Row(span(first)[0], span(last)[0], date, text, "deadline"))
    return rows


def claim_row(claim: Claim, label: str, promise: bool = False) -> Row:
    """A claim's row: its date's span, its label, and its full text for hovering."""
    when = format_when(claim.when)
    title = f"{when}: {claim.text}"
    return Row(*span(claim.when), when, label, claim.status, claim.claim_id, title, promise)


def article_row(project: Project) -> Row | None:
    """The article's row, dated by its sources in the registry; None when none has a date.

    An original of "2021-04" by Pub => Row "The article (Pub)", April 2021
    """
    own = project.info.article_sources
    dated = [s for s in project.sources.values() if s.source_id in own and s.date]
    latest = max(dated, key=lambda s: s.date, default=None)
    if latest is None:
        return None
    text = f"The article ({_publisher(project, latest.source_id)})"
    return Row(*span(latest.date), format_when(latest.date), text, "article")


def key_rows(project: Project, claims: list[Claim]) -> list[Row]:
    """The named rows in date order: labelled claims (and the letter), the article, deadlines."""
    promise = project.info.promise
    letter = project.by_id.get(promise.claim) if promise else None
    rows = [
        claim_row(c, c.label or promise.label, c is letter)
        for c in claims
        if c.label or c is letter
    ]
    rows += [row for row in [article_row(project)] if row]
    rows += deadline_rows(project, letter, promise) if letter else []
    return sorted(rows, key=lambda r: r.start)


def year_range(claims: list[Claim], rows: list[Row]) -> set[int]:
    """Every year holding a claim or a named row: the chart's range comes from the data."""
    return {date_parts(c.when)[0] for c in claims} | {math.floor(r.start) for r in rows}


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
    spine = f'<line class="timeline__axis" x1="{SPINE}" x2="{SPINE}" y1="{marks[0]}" y2="{marks[-1]}"/>'
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
    promise = f" Deadlines of the promise of {letter.date}: {deadlines}." if letter and deadlines else ""
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
