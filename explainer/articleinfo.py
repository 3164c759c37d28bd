"""What the explainer needs to know about its article, from data/article.yml, validated.

Nothing about a particular article is written in the package: which sources are the article
(the text quoted and the original it translates), its language, the scraped page's furniture
and section heads, the passages the source page marks and explains, the words of the source
page, and the commitment the timeline draws with its deadlines. Pure: parsed data in, a frozen
`ArticleInfo` and every problem out; cross-checks against the article text, the sources and the
claims are separate functions, called once those are known.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .article import Article
from .problems import Problem
from .records import Checker
from .values import hint
from .yamlload import LINE_KEY

KEYS = {
    "language": True, "sources": True, "furniture": False, "heads": False, "notes": False,
    "source_page": True, "promise": False,
}  # fmt: skip
SOURCE_KEYS = {"text": True, "original": False}
NOTE_KEYS = {"text": True, "kind": True, "explanation": True}
NOTE_KINDS = ("slip", "note")  # slip: a translation slip; note: a remark that is not a slip
PAGE_KEYS = {"left_out": False, "notes_heading": True, "notes_intro": True}
PROMISE_KEYS = {"claim": True, "label": True, "deadlines": True}
DEADLINE_KEYS = {"months": True, "words": True, "sources": True}
NESTED = ("sources", "notes", "source_page", "promise")


@dataclass(frozen=True)
class Note:
    """A passage of the article, verbatim and found exactly once, marked and explained."""

    text: str
    kind: str
    explanation: str
    line: int


@dataclass(frozen=True)
class Deadline:
    """One reported deadline of the promise, in months after it, with the sources giving it."""

    months: tuple[int, int]  # (earliest, latest): (12, 18) for "12–18 months"
    words: str
    sources: tuple[str, ...]


@dataclass(frozen=True)
class Promise:
    """A dated commitment (a claim) whose deadlines the timeline draws."""

    claim: str
    label: str
    deadlines: tuple[Deadline, ...]
    line: int


@dataclass(frozen=True)
class ArticleInfo:
    language: str
    text_source: str  # the source whose text the seed file holds, quoted word for word
    original_source: str  # the original it translates; "" when the text is the original
    furniture: tuple[str, ...]
    heads: tuple[str, ...]
    notes: tuple[Note, ...]
    page_words: dict[str, str]  # left_out, notes_heading, notes_intro
    promise: Promise | None
    line: int = 1  # the line of its 'sources' key, where a problem with them is reported

    @property
    def article_sources(self) -> frozenset[str]:
        """The sources that are the article itself (a claim needs another to be confirmed)."""
        return frozenset({self.text_source, self.original_source} - {""})


def _mapping(check: Checker, data: object, key: str, line: int) -> dict | None:
    value = data.get(key) if isinstance(data, dict) else None
    if value is not None and not isinstance(value, dict):
        check.add(line, "article", f"'{key}' must be a mapping")
        return None
    return value


def _notes(check: Checker, items: object, line: int) -> tuple[Note, ...]:
    if items is None:
        return ()
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        check.add(line, "article", "'notes' must be a list of entries with text, kind, explanation")
        return ()
    notes = []
    for item in items:
        f = check.fields(item, NOTE_KEYS, "note")
        if "kind" in f and f["kind"] not in NOTE_KINDS:
            check.add(Checker.line_of(item, "kind"), "note", f"unknown kind '{f['kind']}'"
                      f"{hint(f['kind'], NOTE_KINDS)}; expected one of {', '.join(NOTE_KINDS)}")  # fmt: skip
        elif len(f) == len(NOTE_KEYS):
            notes.append(Note(f["text"], f["kind"], f["explanation"], item[LINE_KEY]))
    return tuple(notes)


def _deadline(check: Checker, item: dict) -> Deadline | None:
    f = check.fields(item, DEADLINE_KEYS, "promise deadline")
    months = f.get("months", ())
    if months and (len(months) != 2 or not all(re.fullmatch(r"[0-9]{1,3}", m) for m in months)):
        check.add(Checker.line_of(item, "months"), "promise deadline",
                  "'months' must be two whole numbers, earliest and latest, e.g. [12, 18]")  # fmt: skip
        return None
    if len(f) < len(DEADLINE_KEYS):
        return None
    low, high = int(months[0]), int(months[1])
    return Deadline((low, high), f["words"], f["sources"])


def _promise(check: Checker, data: dict | None, line: int) -> Promise | None:
    if data is None:
        return None
    f = check.fields(data, PROMISE_KEYS, "promise", nested=("deadlines",))
    items = data.get("deadlines")
    if not isinstance(items, list) or not items or not all(isinstance(i, dict) for i in items):
        check.add(Checker.line_of(data, "deadlines"), "promise",
                  "'deadlines' must be a list of entries with months, words, sources")  # fmt: skip
        return None
    deadlines = [_deadline(check, item) for item in items]
    if None in deadlines or len(f) < 2:
        return None
    return Promise(f["claim"], f["label"], tuple(deadlines), data[LINE_KEY])


def validate_article_info(data: object, path: str) -> tuple[ArticleInfo | None, list[Problem]]:
    """Build the ArticleInfo from data/article.yml's parsed data; None if anything is wrong."""
    check = Checker(path)
    if not isinstance(data, dict):
        check.add(1, path, "expected a mapping with 'language', 'sources' and 'source_page'")
        return None, check.problems
    f = check.fields(data, KEYS, "article", nested=NESTED)
    top = data[LINE_KEY]
    sources = _mapping(check, data, "sources", top)
    words = _mapping(check, data, "source_page", top)
    for key, value in (("sources", sources), ("source_page", words)):
        if value is None and key not in data:
            check.add(top, "article", f"missing required key '{key}'")
    sources = check.fields(sources, SOURCE_KEYS, "article sources") if sources else {}
    words = check.fields(words, PAGE_KEYS, "article source_page") if words else {}
    notes = _notes(check, data.get("notes"), Checker.line_of(data, "notes"))
    promise = _promise(check, _mapping(check, data, "promise", top), top)
    if check.problems:
        return None, check.problems
    info = ArticleInfo(f["language"], sources["text"], sources.get("original", ""),
                       f.get("furniture", ()), f.get("heads", ()), notes, words, promise,
                       Checker.line_of(data, "sources"))  # fmt: skip
    return info, []


def check_notes(info: ArticleInfo, article: Article, path: str) -> list[Problem]:
    """Each note's text must occur exactly once in the article's body."""
    problems = []
    for note in info.notes:
        count = sum(p.text.count(note.text) for p in article.body)
        if count != 1:
            where = "not found" if count == 0 else f"found {count} times"
            problems.append(Problem(path, note.line, f"note '{note.text}'",
                                    f"{where} in the article; expected exactly once"))  # fmt: skip
    return problems


def check_references(info: ArticleInfo, sources, claim_ids, path: str) -> list[Problem]:
    """The article's sources, and the promise's claim and sources, must exist."""
    problems = []
    for source_id in (info.text_source, info.original_source, *_promise_sources(info)):
        if source_id and source_id not in sources:
            problems.append(Problem(path, info.line, "article",
                                    f"unknown source '{source_id}'{hint(source_id, sources)}"))  # fmt: skip
    if info.promise and claim_ids and info.promise.claim not in claim_ids:
        claim = info.promise.claim
        problems.append(Problem(path, info.promise.line, "promise",
                                f"unknown claim '{claim}'{hint(claim, claim_ids)}"))  # fmt: skip
    return problems


def _promise_sources(info: ArticleInfo) -> list[str]:
    return [s for d in info.promise.deadlines for s in d.sources] if info.promise else []
