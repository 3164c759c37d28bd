"""Read the article, the sources registry, the claims file and the pages; validate them together.

The only module that touches files. Results are reused while no input file changed (keyed on
each file's size and mtime), so `mkdocs serve` always sees fresh data.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from .article import Article, parse_article
from .claims import Claim, Source, validate_claims, validate_sources
from .markers import check_pages
from .problems import ClaimsError, Problem
from .yamlload import MAX_BYTES, YamlError, decode, load_yaml


@dataclass(frozen=True)
class Settings:
    """Where the inputs are, relative to `base_dir` (the folder holding mkdocs.yml)."""

    base_dir: Path
    claims: str = "data/claims.yml"
    sources: str = "data/sources.yml"
    article: str = "seeds/000_2cbf70e41ac90a36.txt"
    docs_dir: str = "docs"
    source_page: str = ""  # docs-relative page showing the article, e.g. "source.md"; "" = none

    def path(self, name: str) -> Path:
        return self.base_dir / getattr(self, name)

    @classmethod
    def from_options(cls, base_dir: Path, options: dict) -> Settings:
        """Build settings from the extension's mkdocs.yml options, ignoring unrelated ones.

        (Path("."), {"claims": "c.yml", "base_dir": "x"}) => Settings(Path("."), claims="c.yml")
        """
        names = ("claims", "sources", "article", "docs_dir", "source_page")
        return cls(base_dir, **{n: options[n] for n in names if n in options})


@dataclass(frozen=True)
class Project:
    article: Article
    sources: dict[str, Source]
    claims: tuple[Claim, ...]
    settings: Settings
    by_id: dict[str, Claim] = field(default_factory=dict)
    _pages: dict[str, tuple[Claim, ...]] = field(init=False, repr=False, compare=False)
    _numbers: dict[str, int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Indexed once: every fact box, reference and share page asks for these, and a scan of
        # all claims per question made the build quadratic in the number of claims.
        pages: dict[str, list[Claim]] = {}
        for claim in self.claims:
            pages.setdefault(claim.page, []).append(claim)
        numbers = {c.claim_id: n for cs in pages.values() for n, c in enumerate(cs, 1)}
        object.__setattr__(self, "_pages", {page: tuple(cs) for page, cs in pages.items()})
        object.__setattr__(self, "_numbers", numbers)

    def page_claims(self, page: str) -> list[Claim]:
        return list(self._pages.get(page, ()))

    def number(self, claim: Claim) -> int:
        """Return the claim's 1-based position in its page's fact box."""
        return self._numbers[claim.claim_id]

    def paragraph_of(self, quote: str) -> int:
        return self.article.paragraph_at(self.article.find(quote)).number


_CACHE: dict[tuple, Project] = {}
_KINDS = {"claims": "claim", "sources": "source"}  # what one entry of each file is called


def _read_bytes(path: Path, rel: str) -> tuple[bytes | None, list[Problem]]:
    """Read one input file (size-limited), or say why it cannot be read."""
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:  # checked before reading: a 50 MB paste is refused at once
            limit = f"file is {size:,} bytes; the limit is {MAX_BYTES:,} bytes"
            return None, [Problem(rel, 1, rel, limit)]
        return path.read_bytes(), []
    except FileNotFoundError:
        return None, [Problem(rel, 1, rel, "file not found")]
    except OSError as err:
        return None, [Problem(rel, 1, rel, f"cannot read the file: {err.strerror}")]


def _read_text(path: Path, rel: str) -> tuple[str | None, list[Problem]]:
    """Read one input file as UTF-8 text (a BOM is allowed), or say why it cannot be."""
    raw, problems = _read_bytes(path, rel)
    try:
        return (None if raw is None else decode(raw)), problems
    except YamlError as err:
        return None, [Problem(rel, err.line, rel, err.problem)]


def read_pages(settings: Settings) -> tuple[dict[str, str], list[Problem]]:
    """Map each page's name (docs-relative, no '.md') to its text; list unreadable pages."""
    docs, pages, problems = settings.path("docs_dir"), {}, []
    for path in sorted(docs.rglob("*.md")):
        name = path.relative_to(docs).with_suffix("").as_posix()
        text, found = _read_text(path, f"{settings.docs_dir}/{name}.md")
        pages[name], problems = text or "", problems + found
    return pages, problems


def _entry_at(raw: bytes, line: int) -> str | None:
    """Return the id of the list entry holding a line: the last `- id: …` at or above it."""
    above = "\n".join(raw.decode("utf-8", "replace").splitlines()[:line])
    ids = re.findall(r"(?m)^[ \t]*- +id: *[\"']?([^\"'\s#]+)", above)
    return ids[-1] if ids else None


def _read_yaml(settings: Settings, name: str) -> tuple[object, list[Problem]]:
    path, rel = settings.path(name), getattr(settings, name)
    raw, problems = _read_bytes(path, rel)
    if raw is None:
        return None, problems
    try:
        return load_yaml(raw), []
    except YamlError as err:  # bad bytes or bad YAML: name the entry the line falls in
        entry = _entry_at(raw, err.line)
        subject = f"{_KINDS[name]} '{entry}'" if entry else rel
        return None, [Problem(rel, err.line, subject, err.problem)]


def _fingerprint(settings: Settings) -> tuple:
    paths = [settings.path(n) for n in ("claims", "sources", "article")]
    paths += sorted(settings.path("docs_dir").rglob("*.md"))
    stats = [(str(p), st.st_size, st.st_mtime_ns) for p in paths if (st := _stat(p))]
    return (settings, dt.date.today(), tuple(stats))


def _stat(path: Path) -> os.stat_result | None:
    try:
        return path.stat()
    except OSError:
        return None


def load_project(settings: Settings, today: dt.date | None = None) -> Project:
    """Load and validate everything; raise ClaimsError listing every problem."""
    key = _fingerprint(settings)
    if today is None and key in _CACHE:
        return _CACHE[key]
    today = today or dt.date.today()
    text, read_problems = _read_text(settings.path("article"), settings.article)
    article = parse_article(text or "")
    pages, found = read_pages(settings)
    source_data, problems = _read_yaml(settings, "sources")
    claim_data, claim_problems = _read_yaml(settings, "claims")
    read_problems += found + claim_problems
    sources: dict[str, Source] = {}
    if not problems:
        sources, found = validate_sources(source_data, settings.sources, today)
        problems += found
    claims: list[Claim] = []
    if sources and not read_problems:
        claims, ids, found = validate_claims(
            claim_data, settings.claims, article, pages, sources, today
        )
        problems += found
        if ids:  # with no claim named at all, every marker would be reported as unknown
            problems += check_pages(pages, claims, ids, settings.docs_dir, settings.claims)
    problems += read_problems
    if problems:
        raise ClaimsError(problems)
    project = Project(article, sources, tuple(claims), settings, {c.claim_id: c for c in claims})
    _CACHE.clear()
    _CACHE[key] = project
    return project
