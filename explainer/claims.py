"""Plain data → validated, frozen `Source` and `Claim` records, collecting every problem.

The rules of claims and sources: ids, pages, statuses, sources, dates, updates and corrections,
with the generic key and value checks of `records` and single values checked by `values`.
Knows nothing of files, Markdown or MkDocs: the caller passes parsed data and the context.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .article import Article
from .problems import Problem
from .records import Checker
from .standalone import leaning_problem
from .values import ID_PATTERN, check_date, check_day, check_url, hint, quote_problem, shorten
from .yamlload import LINE_KEY, LineList

# The one list of statuses, with the label readers see: the validator, the renderers, the CSS
# class names (factbox__status--<status>) and the schema's enum all come from it.
STATUS_LABELS = {
    "reported": "Reported",
    "alleged": "Allegation",
    "statement": "Statement",
    "confirmed": "Confirmed",
    "disputed": "Disputed",
}
STATUSES = tuple(STATUS_LABELS)
SOURCE_KEYS = {
    "id": True,
    "title": True,
    "publisher": True,
    "date": True,
    "url": True,
    "confidence": True,
    "language": False,
    "kind": False,
    "note": False,
}
CLAIM_KEYS = {
    "id": True,
    "page": True,
    "claim": True,
    "status": True,
    "who": True,
    "when": True,
    "quotes": False,
    "sources": False,
    "note": False,
    "aliases": False,
    "label": False,
    "headline": False,
    "updated": True,
    "corrections": False,
}
CORRECTION_KEYS = {"date": True, "note": True}
LABEL_LIMIT = 40  # characters: the label is drawn on the timeline chart
HEADLINE_LIMIT = 100  # characters: a share title that previews show whole
CONFIDENCES = ("high", "medium")


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
    label: str = ""  # short words for the timeline chart; "" = not labelled there
    updated: str = ""  # YYYY-MM-DD the claim last changed
    corrections: tuple[Correction, ...] = ()
    headline: str = ""  # the claim in a share title's length; "" = the text, shortened

    @property
    def title(self) -> str:
        """What a shared link shows: the headline, or the text cut at a word."""
        return self.headline or shorten(self.text, HEADLINE_LIMIT)


@dataclass(frozen=True)
class Correction:
    """A dated note for readers saying what changed in a claim's substance, and why."""

    date: str
    note: str


def _source_problems(f: dict, today: dt.date):
    """Yield (key, problem) for one source's well-typed fields."""
    if "id" in f and not ID_PATTERN.fullmatch(f["id"]):
        yield "id", "id must be kebab-case (a-z, 0-9, '-')"
    if "url" in f and (problem := check_url(f["url"])):
        yield "url", problem
    if "date" in f and (problem := check_date(f["date"], today)):
        yield "date", problem
    if "confidence" in f and f["confidence"] not in CONFIDENCES:
        choices = ", ".join(CONFIDENCES)
        yield "confidence", f"unknown confidence '{f['confidence']}'; expected one of {choices}"


def validate_sources(
    data: object, path: str, today: dt.date
) -> tuple[dict[str, Source], list[Problem]]:
    """Build the sources registry, keyed by id, and its problems."""
    check, sources = Checker(path), {}
    for entry in check.entries(data, "sources"):
        subject = f"source '{entry.get('id')}'" if isinstance(entry.get("id"), str) else "source"
        f = check.fields(entry, SOURCE_KEYS, subject)
        for key, problem in _source_problems(f, today):
            check.add(check.line_of(entry, key), subject, problem)
        if f.get("id") in sources:
            first = sources[f["id"]].line
            check.add(
                check.line_of(entry, "id"), subject, f"duplicate id, first defined on line {first}"
            )
        elif all(k in f for k in ("id", "title", "publisher", "url", "confidence")):
            sources[f["id"]] = Source(
                f["id"], f["title"], f["publisher"], f.get("date"), f["url"], f["confidence"],
                f.get("kind", ""), f.get("note", ""), entry[LINE_KEY],
            )  # fmt: skip
    return sources, check.problems


def _claim_problems(f: dict, article: Article, pages, sources, today: dt.date, own: frozenset):
    """Yield (key, item index or None, problem) for one claim's well-typed fields."""
    yield from _form_problems(f, pages, today)
    yield from _evidence_problems(f, article, sources, own)
    yield from _wording_problems(f)


def _form_problems(f: dict, pages, today: dt.date):
    """Ids, aliases, page, status and dates."""
    if "id" in f and not ID_PATTERN.fullmatch(f["id"]):
        yield "id", None, "id must be kebab-case (a-z, 0-9, '-'); it becomes the anchor #claim-<id>"
    for index, alias in enumerate(f.get("aliases", ())):
        if not ID_PATTERN.fullmatch(alias):
            yield "aliases", index, f"alias '{alias}' must be kebab-case (a-z, 0-9, '-') like an id"
    for key, value, choices in (
        ("page", f.get("page"), pages),
        ("status", f.get("status"), STATUSES),
    ):
        if value is not None and value not in choices:
            listed = ", ".join(sorted(choices) if key == "page" else choices)
            yield (
                key,
                None,
                f"unknown {key} '{value}'{hint(value, choices)}; expected one of {listed}",
            )
    if "when" in f and (problem := check_date(f["when"], today)):
        yield "when", None, problem
    if "updated" in f and (problem := check_day(f["updated"], today)):
        yield "updated", None, problem


def _evidence_problems(f: dict, article: Article, sources, own: frozenset):
    """Quotes found in the article, known sources, and what each status needs."""
    for index, quote in enumerate(f.get("quotes", ())):
        if article.find(quote) < 0:
            yield "quotes", index, quote_problem(article, quote)
    for index, source_id in enumerate(f.get("sources", ())):
        if source_id not in sources:
            yield "sources", index, f"unknown source '{source_id}'{hint(source_id, sources)}"
    if not f.get("quotes") and not f.get("sources"):
        yield "id", None, "needs at least one quote from the article or one source"
    if f.get("status") == "confirmed" and not set(f.get("sources", ())) - own:
        yield (
            "status",
            None,
            "status 'confirmed' needs at least one outside source (not the article)",
        )
    if f.get("status") == "disputed" and not f.get("note"):
        yield "status", None, "status 'disputed' needs a 'note' saying what is disputed"


def _wording_problems(f: dict):
    """Texts that stand alone (a shared claim is read alone) and fit where they are shown."""
    for key in ("claim", "headline"):
        if key in f and (problem := leaning_problem(f[key])):
            yield key, None, problem if key == "claim" else problem.replace("claim text", key)
    for key, limit, where in (
        ("headline", HEADLINE_LIMIT, ""),
        ("label", LABEL_LIMIT, " fit the chart"),
    ):
        if key in f and len(f[key]) > limit:
            yield key, None, f"{key} is {len(f[key])} characters; at most {limit}{where}"


def _line(entry: dict, key: str, index: int | None) -> int:
    value = entry.get(key)
    if index is not None and isinstance(value, LineList):
        return value.lines[index]
    return Checker.line_of(entry, key)


def _corrections(check: Checker, entry: dict, updated: str | None, subject: str, today: dt.date):
    """Validate a claim's `corrections:` list; return the Correction records (none if any is bad)."""
    data, line = entry.get("corrections"), Checker.line_of(entry, "corrections")
    if "corrections" not in entry:
        return ()
    if not isinstance(data, list) or not data or not all(isinstance(d, dict) for d in data):
        check.add(line, subject, "'corrections' must be a list of entries with 'date' and 'note'")
        return ()
    found, count = [], len(check.problems)
    for item in data:
        f = check.fields(item, CORRECTION_KEYS, f"{subject} correction")
        at = item[LINE_KEY]
        if "date" in f and (problem := check_day(f["date"], today)):
            check.add(Checker.line_of(item, "date"), subject, f"correction {problem}")
        elif "date" in f and updated and f["date"] > updated:
            check.add(
                Checker.line_of(entry, "updated"),
                subject,
                f"updated '{updated}' is earlier than its correction of {f['date']} (line {at})",
            )
        if "date" in f and "note" in f:
            found.append(Correction(f["date"], f["note"]))
    return tuple(found) if len(check.problems) == count else ()


def _note_ids(check: Checker, entry: dict, f: dict, seen: dict[str, int], subject: str) -> None:
    """Record the claim's id and aliases; report one already used, with its first line."""
    for name in (f.get("id"), *f.get("aliases", ())):
        if name in seen:
            first = seen[name]
            check.add(_line(entry, "id", None), subject,
                      f"duplicate id '{name}', first used on line {first}")  # fmt: skip
        elif name:
            seen[name] = entry[LINE_KEY]


def _claim(f: dict, line: int, corrections: tuple[Correction, ...]) -> Claim:
    """The record of a claim whose required fields are all valid."""
    return Claim(
        f["id"], f["page"], f["claim"], f["status"], f["who"], f["when"], f.get("quotes", ()),
        f.get("sources", ()), f.get("note", ""), f.get("aliases", ()), line, f.get("label", ""),
        f.get("updated", ""), corrections, f.get("headline", ""),
    )  # fmt: skip


def validate_claims(
    data: object, path: str, article: Article, pages, sources, today: dt.date,
    article_sources: frozenset = frozenset(),
):  # fmt: skip
    """Build the claims in file order; return (valid claims, every id named, problems).

    `article_sources`: the sources that are the article itself (data/article.yml).
    """
    check, claims, seen, names = Checker(path), [], {}, set()
    for entry in check.entries(data, "claims"):
        line = entry[LINE_KEY]
        subject = f"claim '{entry.get('id')}'" if isinstance(entry.get("id"), str) else "claim"
        names.update([entry["id"]] if isinstance(entry.get("id"), str) else [])
        f = check.fields(entry, CLAIM_KEYS, subject, nested=("corrections",))
        for key, index, problem in _claim_problems(
            f, article, pages, sources, today, article_sources
        ):
            check.add(_line(entry, key, index), subject, problem)
        corrections = _corrections(check, entry, f.get("updated"), subject, today)
        _note_ids(check, entry, f, seen, subject)
        if all(k in f for k, required in CLAIM_KEYS.items() if required):
            claims.append(_claim(f, line, corrections))
    return claims, names, check.problems
