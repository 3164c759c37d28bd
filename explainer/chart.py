"""The timeline chart: dates as stretches of time, and the claims drawn on them as an SVG.

Pure: claims in, SVG out, every value escaped. Classes only, no style attributes (the CSP allows
none): the site's CSS colours the drawing for light and dark mode. A partial date stays partial:
"2021-03" is drawn as a span over March 2021. The timeline list is the drawing's text equivalent.
"""

from __future__ import annotations

import calendar
from html import escape

from .claims import ARTICLE_SOURCES, Claim
from .markers import PROMISE_CLAIM
from .project import Project
from .render import format_when

PROMISE_MONTHS = (12, 18, 24)  # "as far as possible" 12 to 18 months; two years at most
FIRST_YEAR, LAST_YEAR = 2019, 2026
WIDTH, LEFT, RIGHT, LEVEL, ROW_GAP = 1000, 20, 980, 15, 48
SHAPES = {  # status → path around (0, 0): shape as well as colour tells statuses apart
    "confirmed": "M-6 0a6 6 0 1 0 12 0a6 6 0 1 0-12 0z",
    "statement": "M-5.5-5.5h11v11h-11z",
    "reported": "M-5 0a5 5 0 1 0 10 0a5 5 0 1 0-10 0z",
    "alleged": "M0-7l7 7-7 7-7-7z",
    "disputed": "M0-7l7 12h-14z",
}


def date_parts(when: str) -> tuple[int, int, int]:
    """ "2021-03" => (2021, 3, 0); a missing part is 0, so a partial date sorts first."""
    parts = [int(p) for p in when.split("-")] + [0, 0]
    return parts[0], parts[1], parts[2]


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


def x_of(year: float) -> float:
    return round(LEFT + (year - FIRST_YEAR) / (LAST_YEAR + 1 - FIRST_YEAR) * (RIGHT - LEFT), 1)


def _levels(claims: list[Claim]) -> list[int]:
    """Stack events whose marks or date spans would overlap: each takes the lowest free level."""
    ends: list[float] = []
    levels = []
    for claim in claims:  # in date order, so spans arrive sorted by their start
        start, end = span(claim.when)
        middle = x_of((start + end) / 2)
        left, right = min(x_of(start), middle - 8), max(x_of(end), middle + 8)
        level = next((i for i, last in enumerate(ends) if left >= last), len(ends))
        ends[level : level + 1] = [right]
        levels.append(level)
    return levels


def _text(x: float, y: float, text: str, cls: str = "label", anchor: str = "start") -> str:
    attributes = f'class="timeline__{cls}" x="{x}" y="{y}" text-anchor="{anchor}"'
    return f"<text {attributes}>{escape(text)}</text>"


def _row(title: str, claims: list[Claim], top: int) -> tuple[str, int]:
    """Draw one row of events under a title; return (SVG, bottom y)."""
    levels, out = _levels(claims), [_text(LEFT, top, title, "row")]
    for claim, level in zip(claims, levels, strict=True):
        start, end = span(claim.when)
        y = top + 20 + level * LEVEL
        out.append(
            f'<g class="timeline__event timeline__event--{claim.status}"'
            f' data-claim="{escape(claim.claim_id)}">'
            f"<title>{escape(f'{format_when(claim.when)}: {claim.text}')}</title>"
            f'<line class="timeline__precision" x1="{x_of(start)}" x2="{x_of(end)}"'
            f' y1="{y}" y2="{y}"/>'
            f'<path class="timeline__mark" transform="translate({x_of((start + end) / 2)} {y})"'
            f' d="{SHAPES[claim.status]}"/></g>'
        )
    return "".join(out), top + 20 + (max(levels, default=0) + 1) * LEVEL


def _promise(letter: Claim, bottom: int) -> str:
    """The promised window, 12–18 months after the letter, and the two-year outer limit."""
    soon, late, limit = (x_of(span(add_months(letter.when, m))[0]) for m in PROMISE_MONTHS)
    sent, band = x_of(span(letter.when)[0]), f'y="28" height="{bottom - 28}"'
    return (
        f'<line class="timeline__wait" x1="{sent}" x2="{soon}" y1="36" y2="36"/>'
        f'<rect class="timeline__window" x="{soon}" {band} width="{round(late - soon, 1)}"/>'
        f'<rect class="timeline__limit" x="{late}" {band} width="{round(limit - late, 1)}"/>'
        f'<line class="timeline__rule" x1="{sent}" x2="{sent}" y1="28" y2="{bottom}"/>'
        + _text(soon, 20, "Promised move: 12–18 months")
        + _text(sent - 4, 44, f"Letter, {format_when(letter.when)}", anchor="end")
        + _text(limit + 4, 44, f"two years at most: {format_when(add_months(letter.when, 24))}")
    )


def render_svg(project: Project, claims: list[Claim]) -> str:
    """Draw the events of FIRST_YEAR–LAST_YEAR on two rows, up to the article and after it."""
    letter = project.by_id.get(PROMISE_CLAIM)
    if letter is None:
        raise KeyError(f"the timeline's promise claim '{PROMISE_CLAIM}' is not in the claims")
    shown = [c for c in claims if FIRST_YEAR <= date_parts(c.when)[0] <= LAST_YEAR]
    dates = [s.date for s in project.sources.values() if s.source_id in ARTICLE_SOURCES and s.date]
    article = max(dates, default="2021-04")
    before, end = _row("Up to the article", [c for c in shown if c.when[:7] <= article], 92)
    after, end = _row(
        "What happened next", [c for c in shown if c.when[:7] > article], end + ROW_GAP
    )
    axis, cut = end + 8, x_of(span(article)[0])
    earlier = sorted({c.when[:4] for c in claims if date_parts(c.when)[0] < FIRST_YEAR})
    height = axis + (52 if earlier else 32)
    years = "".join(
        f'<line class="timeline__grid" x1="{x_of(y)}" x2="{x_of(y)}" y1="50" y2="{axis}"/>'
        + _text(x_of(y + 0.5), axis + 22, str(y), "year", "middle")
        for y in range(FIRST_YEAR, LAST_YEAR + 1)
    )
    note = f"Earlier, in the list only: {', '.join(earlier)}"
    note = _text(LEFT, height - 4, note, "note") if earlier else ""
    return (
        f'<svg class="timeline__svg" viewBox="0 0 {WIDTH} {height}" role="img"'
        ' aria-labelledby="timeline-title" aria-describedby="timeline-desc">'
        f'<title id="timeline-title">Timeline of the story, {FIRST_YEAR} to {LAST_YEAR}</title>'
        f'<desc id="timeline-desc">{len(shown)} dated claims drawn by date, in two rows: up to the'
        " article and after it. A band marks the move promised in the minister's letter, 12 to 18"
        " months later and two years at most. The list below gives every event as text.</desc>"
        f'{years}<line class="timeline__axis" x1="{LEFT}" x2="{RIGHT}" y1="{axis}" y2="{axis}"/>'
        f"{_promise(letter, axis)}"
        f'<line class="timeline__rule timeline__rule--article" x1="{cut}" x2="{cut}"'
        f' y1="50" y2="{axis}"/>'
        f"{_text(cut + 4, 66, f'The article, {format_when(article)}')}{before}{after}{note}</svg>"
    )
