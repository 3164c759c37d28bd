"""The timeline chart's geometry: dates as stretches of time, the x scale, text widths.

Pure numbers and strings, no SVG: what the drawing (chart.py) needs to place marks and words
so that no label leaves the drawing or covers another, whatever the font.
"""

from __future__ import annotations

import calendar
import itertools
import math
from dataclasses import dataclass

from .values import date_parts

FONT, SMALL, LINE = 15, 13, 19  # label and date font sizes, line height (SVG units)
NARROW_CHARS = frozenset(" !'(),-./:;I[]fijlrt|’")
WIDE_CHARS = frozenset("mwMW@%—")
CUT = 30  # width of the gap drawn where a run of years without events is left out


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
