"""One value at a time: ids, dates, URLs, pasted text and quotes.

Each check returns a problem sentence or None; the caller adds the file, line and subject.
Pure: no files, no YAML, no MkDocs.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from difflib import get_close_matches
from urllib.parse import urlsplit

from .article import Article, normalise

ID_PATTERN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
DATE_PATTERN = re.compile(r"([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?")  # ASCII: not \d
# Invisible characters that come with pasted text: controls, zero-width and bidi marks, BOMs,
# and the Unicode line and paragraph separators (YAML reads them as line breaks).
INVISIBLE = re.compile(
    r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u00ad\u200b-\u200f\u2028\u2029\u202a-\u202e\u2060-\u2069\ufeff]"
)


def check_text(value: str) -> str | None:
    """Return a problem if a value holds an invisible character, or None.

    "Example\u200b" => "contains an invisible character U+200B (ZERO WIDTH SPACE) at position 8;
    delete it"
    """
    if match := INVISIBLE.search(value):
        char = match.group()
        name = unicodedata.name(char, "a control character")
        where = f"at position {match.start() + 1}"
        return f"contains an invisible character U+{ord(char):04X} ({name}) {where}; delete it"
    return None


def quote_problem(article: Article, quote: str) -> str:
    """Say that a quote is not in the article, and where it stops matching.

    "seized the national Financial" => "quote not found verbatim in the article: '…'; it
    matches only if capitals are ignored"
    """
    text = normalise(quote)
    problem = f"quote not found verbatim in the article: '{_shorten(text, 80)}'"
    if text.lower() in article.flat.lower():
        return f"{problem}; it matches only if capitals are ignored"
    low, high = 0, len(text)  # the longest start of the quote that the article has
    while low < high:
        middle = (low + high + 1) // 2
        low, high = (middle, high) if text[:middle] in article.flat else (low, middle - 1)
    if low >= 20:
        same = _shorten(text[:low], 40, left=True)
        return f"{problem}; it differs from the article after '{same}'"
    return problem


def _shorten(text: str, width: int, left: bool = False) -> str:
    """ "abcdef", 4 => "abc…"; with left=True => "…def" """
    if len(text) <= width:
        return text
    return "…" + text[1 - width :] if left else text[: width - 1] + "…"


def shorten(text: str, limit: int) -> str:
    """Cut text at a word boundary to at most `limit` characters, marking the cut.

    "one two three", 9 => "one two…"
    """
    if len(text) <= limit:
        return text
    return text[: limit - 1].rsplit(" ", 1)[0].rstrip(" ,;:.") + "…"


def closest(value: str, choices, cutoff: float = 0.6) -> str | None:
    """The one "did you mean" rule: the closest choice, or None. "staus", ["status"] => "status" """
    close = get_close_matches(value, sorted(choices), n=1, cutoff=cutoff)
    return close[0] if close else None


def hint(value: str, choices, cutoff: float = 0.6) -> str:
    """ "staus", ["status"] => " (did you mean 'status'?)"; "" when nothing is close"""
    close = closest(value, choices, cutoff)
    return f" (did you mean '{close}'?)" if close else ""


def date_parts(when: str) -> tuple[int, int, int]:
    """The one date parser: a YYYY[-MM[-DD]] date as numbers, a missing part 0 (so a partial
    date sorts first). "2021-03" => (2021, 3, 0); raises ValueError for anything else."""
    match = DATE_PATTERN.fullmatch(when)
    if not match:
        raise ValueError(f"'{when}' is not a date; expected YYYY, YYYY-MM or YYYY-MM-DD")
    year, month, day = (int(g) if g else 0 for g in match.groups())
    return year, month, day


def check_date(value: str, today: dt.date) -> str | None:
    """Return a problem with a YYYY[-MM[-DD]] date, or None.

    "2021-02-30" => "'2021-02-30' is not a real date"
    """
    try:
        year, month, day = date_parts(value)
    except ValueError as err:
        return str(err)
    month, day = month or 1, day or 1
    try:
        first = dt.date(year, month, day)
    except ValueError:
        return f"'{value}' is not a real date"
    if first > today:
        return f"'{value}' is in the future (build date {today.isoformat()})"
    return None


def check_day(value: str, today: dt.date) -> str | None:
    """Return a problem unless a value is a full YYYY-MM-DD date, not in the future.

    "2026-12" => "'2026-12' is not a full date; expected YYYY-MM-DD"
    """
    if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
        return f"'{value}' is not a full date; expected YYYY-MM-DD"
    return check_date(value, today)


def check_url(value: str) -> str | None:
    """Return a problem with a URL unless it is an absolute http(s) URL.

    "javascript:alert(1)" => "URL 'javascript:alert(1)' is not an absolute http(s) URL"
    """
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc or re.search(r"[\s<>\"]", value):
        return f"URL '{value}' is not an absolute http(s) URL"
    return None
