"""Plain data → validated, frozen `Source` and `Claim` records, collecting every problem.

Checks shapes, ids, pages, statuses, dates, URLs and that every quote is in the article.
Knows nothing of files, Markdown or MkDocs: the caller passes parsed data and the context.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from difflib import get_close_matches
from urllib.parse import urlsplit

from .article import Article, normalise
from .problems import Problem
from .yamlload import KEY_LINES, LINE_KEY, LineList

STATUSES = ("reported", "alleged", "statement", "confirmed", "disputed")
ARTICLE_SOURCES = frozenset({"article-en", "article-fr"})
ID_PATTERN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
DATE_PATTERN = re.compile(r"([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?")  # ASCII: not \d
SOURCE_KEYS = {"id": True, "title": True, "publisher": True, "date": True, "url": True,
               "confidence": True, "language": False, "kind": False, "note": False}
CLAIM_KEYS = {"id": True, "page": True, "claim": True, "status": True, "who": True, "when": True,
              "quotes": False, "sources": False, "note": False, "aliases": False}
CONFIDENCES = ("high", "medium")
LIST_KEYS = ("quotes", "sources", "aliases")
# Invisible characters that come with pasted text: controls, zero-width and bidi marks, BOMs.
INVISIBLE = re.compile(
    r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]"
)


@dataclass(frozen=True)
class Source:
    source_id: str
    title: str
    publisher: str
    date: str | None
    url: str
    confidence: str
    kind: str
    note: str
    line: int


@dataclass(frozen=True)
class Claim:
    claim_id: str
    page: str
    text: str
    status: str
    who: str
    when: str
    quotes: tuple[str, ...]
    sources: tuple[str, ...]
    note: str
    aliases: tuple[str, ...]
    line: int


def check_text(value: str) -> str | None:
    """Return a problem if a value holds an invisible character, or None.

    "Anticor\u200b" => "contains an invisible character U+200B (ZERO WIDTH SPACE) at position 8;
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
    return "…" + text[1 - width:] if left else text[: width - 1] + "…"


def _hint(value: str, choices) -> str:
    close = get_close_matches(value, list(choices), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def check_date(value: str, today: dt.date) -> str | None:
    """Return a problem with a YYYY[-MM[-DD]] date, or None.

    "2021-02-30" => "'2021-02-30' is not a real date"
    """
    match = DATE_PATTERN.fullmatch(value)
    if not match:
        return f"'{value}' is not a date; expected YYYY, YYYY-MM or YYYY-MM-DD"
    year, month, day = (int(g) if g else 1 for g in match.groups())
    try:
        first = dt.date(year, month, day)
    except ValueError:
        return f"'{value}' is not a real date"
    if first > today:
        return f"'{value}' is in the future (build date {today.isoformat()})"
    return None


def check_url(value: str) -> str | None:
    """Return a problem with a URL unless it is an absolute http(s) URL.

    "javascript:alert(1)" => "URL 'javascript:alert(1)' is not http(s)"
    """
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc or re.search(r"[\s<>\"]", value):
        return f"URL '{value}' is not an absolute http(s) URL"
    return None


class _Checker:
    """Collects problems for one file while records are built."""

    def __init__(self, path: str) -> None:
        self.path, self.problems = path, []

    def add(self, line: int, subject: str, problem: str) -> None:
        self.problems.append(Problem(self.path, line, subject, problem))

    @staticmethod
    def line_of(entry: dict, key: str) -> int:
        return entry.get(KEY_LINES, {}).get(key, entry[LINE_KEY])

    def entries(self, data: object, top_key: str) -> list[dict]:
        if data is None:
            self.add(1, self.path, f"the file is empty; expected a '{top_key}:' list")
            return []
        if not isinstance(data, dict) or not isinstance(data.get(top_key), list):
            line = data.get(LINE_KEY, 1) if isinstance(data, dict) else 1
            self.add(line, self.path, f"expected a mapping with a '{top_key}:' list")
            return []
        extra = sorted(str(k) for k in data if k not in (top_key, LINE_KEY, KEY_LINES))
        if extra:
            self.add(data[LINE_KEY], self.path, f"unknown top-level key '{extra[0]}'")
        good = [e for e in data[top_key] if isinstance(e, dict)]
        if len(good) != len(data[top_key]):
            self.add(data[LINE_KEY], self.path, f"every '{top_key}' entry must be a mapping")
        if not data[top_key]:
            self.add(data[LINE_KEY], self.path, f"the '{top_key}' list is empty")
        return good

    def fields(self, entry: dict, keys: dict, subject: str) -> dict:
        """Check keys and that values are non-empty strings or lists of them."""
        out, meant = {}, set()
        for key in sorted(set(entry) - set(keys) - {LINE_KEY, KEY_LINES}, key=str):
            meant.update(get_close_matches(str(key), list(keys), n=1, cutoff=0.6))
            self.add(self.line_of(entry, key), subject, f"unknown key '{key}'{_hint(str(key), keys)}")
        for key, required in keys.items():
            value, line = entry.get(key), self.line_of(entry, key)
            if value is None:
                # A misspelt key is reported once, as unknown, not again as missing.
                if required and key not in meant and (key != "date" or key not in entry):
                    hint = " (use null when it is not known)" if key == "date" else ""
                    self.add(line, subject, f"missing required key '{key}'{hint}")
                elif not required and key in entry:  # only a source's date may be null
                    self.add(line, subject, f"'{key}' is empty; give it a value or delete the line")
            elif (clean := self.value(key, value, line, subject)) is not None:
                out[key] = clean
        return out

    def value(self, key: str, value: object, line: int, subject: str) -> str | tuple | None:
        """Return a field's value stripped, or None after adding its problem."""
        listed = key in LIST_KEYS
        strings = isinstance(value, list) and all(isinstance(v, str) and v.strip() for v in value)
        if isinstance(value, list) and not listed:
            self.add(line, subject, f"'{key}' must be a non-empty string, not a list")
        elif isinstance(value, list) and not (value and strings):
            self.add(line, subject, f"'{key}' must be a list of non-empty strings")
        elif isinstance(value, list):
            lines = getattr(value, "lines", [line] * len(value))
            bad = [(n, p) for n, v in zip(lines, value) if (p := check_text(v))]
            for item_line, problem in bad:
                self.add(item_line, subject, f"'{key}' {problem}")
            return None if bad else tuple(v.strip() for v in value)
        elif not isinstance(value, str) or not value.strip():
            kind = "a list of non-empty strings" if listed else "a non-empty string"
            self.add(line, subject, f"'{key}' must be {kind}")
        elif listed:
            self.add(line, subject, f"'{key}' must be a list, e.g. [{value!r}]")
        elif problem := check_text(value):
            self.add(line, subject, f"'{key}' {problem}")
        else:
            return value.strip()
        return None


def validate_sources(data: object, path: str, today: dt.date) -> tuple[dict[str, Source], list[Problem]]:
    """Build the sources registry, keyed by id, and its problems."""
    check, sources = _Checker(path), {}
    for entry in check.entries(data, "sources"):
        line = entry[LINE_KEY]
        subject = f"source '{entry.get('id')}'" if isinstance(entry.get("id"), str) else "source"
        f = check.fields(entry, SOURCE_KEYS, subject)
        at = lambda key: check.line_of(entry, key)  # noqa: E731
        if "id" in f and not ID_PATTERN.fullmatch(f["id"]):
            check.add(at("id"), subject, "id must be kebab-case (a-z, 0-9, '-')")
        if f.get("id") in sources:
            check.add(at("id"), subject, f"duplicate id, first defined on line {sources[f['id']].line}")
        if "url" in f and (problem := check_url(f["url"])):
            check.add(at("url"), subject, problem)
        if "date" in f and (problem := check_date(f["date"], today)):
            check.add(at("date"), subject, problem)
        if "confidence" in f and f["confidence"] not in CONFIDENCES:
            check.add(at("confidence"), subject,
                      f"unknown confidence '{f['confidence']}'; expected one of {', '.join(CONFIDENCES)}")
        if all(k in f for k in ("id", "title", "publisher", "url", "confidence")) and f["id"] not in sources:
            sources[f["id"]] = Source(f["id"], f["title"], f["publisher"], f.get("date"), f["url"],
                                      f["confidence"], f.get("kind", ""), f.get("note", ""), line)
    return sources, check.problems


def _claim_problems(f: dict, article: Article, pages, sources, today: dt.date):
    """Yield (key, item index or None, problem) for one claim's well-typed fields."""
    if "id" in f and not ID_PATTERN.fullmatch(f["id"]):
        yield "id", None, "id must be kebab-case (a-z, 0-9, '-'); it becomes the anchor #claim-<id>"
    for index, alias in enumerate(f.get("aliases", ())):
        if not ID_PATTERN.fullmatch(alias):
            yield "aliases", index, f"alias '{alias}' must be kebab-case (a-z, 0-9, '-') like an id"
    if "page" in f and f["page"] not in pages:
        choices = ", ".join(sorted(pages))
        yield "page", None, f"unknown page '{f['page']}'{_hint(f['page'], pages)}; expected one of {choices}"
    if "status" in f and f["status"] not in STATUSES:
        choices = ", ".join(STATUSES)
        yield "status", None, f"unknown status '{f['status']}'{_hint(f['status'], STATUSES)}; expected one of {choices}"
    if "when" in f and (problem := check_date(f["when"], today)):
        yield "when", None, problem
    for index, quote in enumerate(f.get("quotes", ())):
        if article.find(quote) < 0:
            yield "quotes", index, quote_problem(article, quote)
    for index, source_id in enumerate(f.get("sources", ())):
        if source_id not in sources:
            yield "sources", index, f"unknown source '{source_id}'{_hint(source_id, sources)}"
    if not f.get("quotes") and not f.get("sources"):
        yield "id", None, "needs at least one quote from the article or one source"
    if f.get("status") == "confirmed" and not set(f.get("sources", ())) - ARTICLE_SOURCES:
        yield "status", None, "status 'confirmed' needs at least one outside source (not the article)"
    if f.get("status") == "disputed" and not f.get("note"):
        yield "status", None, "status 'disputed' needs a 'note' saying what is disputed"


def _line(entry: dict, key: str, index: int | None) -> int:
    value = entry.get(key)
    if index is not None and isinstance(value, LineList):
        return value.lines[index]
    return _Checker.line_of(entry, key)


def validate_claims(data: object, path: str, article: Article, pages, sources, today: dt.date):
    """Build the claims in file order; return (valid claims, every id named, problems)."""
    check, claims, seen, names = _Checker(path), [], {}, set()
    for entry in check.entries(data, "claims"):
        line = entry[LINE_KEY]
        subject = f"claim '{entry.get('id')}'" if isinstance(entry.get("id"), str) else "claim"
        names.update([entry["id"]] if isinstance(entry.get("id"), str) else [])
        f = check.fields(entry, CLAIM_KEYS, subject)
        for key, index, problem in _claim_problems(f, article, pages, sources, today):
            check.add(_line(entry, key, index), subject, problem)
        for name in (f.get("id"), *f.get("aliases", ())):
            if name in seen:
                check.add(_line(entry, "id", None), subject, f"duplicate id '{name}', first used on line {seen[name]}")
            elif name:
                seen[name] = line
        if all(k in f for k, required in CLAIM_KEYS.items() if required):
            claims.append(Claim(f["id"], f["page"], f["claim"], f["status"], f["who"], f["when"],
                                f.get("quotes", ()), f.get("sources", ()), f.get("note", ""),
                                f.get("aliases", ()), line))
    return claims, names, check.problems
