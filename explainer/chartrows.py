"""The timeline chart's named rows: the labelled claims, the article, the promise's deadlines.

Pure: project in, rows out, in date order. Each row says what the drawing writes and where in
time it sits; chart.py draws them.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from .articleinfo import Promise
from .chartlayout import add_months, span
from .claims import Claim
from .factbox import format_when
from .model import Project
from .values import date_parts


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
