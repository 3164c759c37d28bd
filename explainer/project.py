"""Read the article, the sources registry, the claims file and the pages; validate them together.

The only module that touches files. Results are reused while no input file changed (keyed on
each file's size and mtime), so `mkdocs serve` always sees fresh data.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path

from .article import Article, parse_article
from .claims import Claim, Source, validate_claims, validate_sources
from .markers import check_pages
from .problems import ClaimsError, Problem
from .yamlload import MAX_BYTES, YamlError, load_yaml


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


@dataclass(frozen=True)
class Project:
    article: Article
    sources: dict[str, Source]
    claims: tuple[Claim, ...]
    settings: Settings
    by_id: dict[str, Claim] = field(default_factory=dict)

    def page_claims(self, page: str) -> list[Claim]:
        return [c for c in self.claims if c.page == page]

    def number(self, claim: Claim) -> int:
        """Return the claim's 1-based position in its page's fact box."""
        return self.page_claims(claim.page).index(claim) + 1

    def paragraph_of(self, quote: str) -> int:
        return self.article.paragraph_at(self.article.find(quote)).number


_CACHE: dict[tuple, Project] = {}


def page_texts(settings: Settings) -> dict[str, str]:
    """Map each Markdown page's name (docs-relative, no '.md') to its text."""
    docs = settings.path("docs_dir")
    return {p.relative_to(docs).with_suffix("").as_posix(): p.read_text(encoding="utf-8-sig")
            for p in sorted(docs.rglob("*.md"))}


def _read_yaml(settings: Settings, name: str) -> tuple[object, list[Problem]]:
    path, rel = settings.path(name), getattr(settings, name)
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise YamlError(1, f"file is {size:,} bytes; the limit is {MAX_BYTES:,} bytes")
        return load_yaml(path.read_bytes()), []
    except FileNotFoundError:
        return None, [Problem(rel, 1, rel, "file not found")]
    except YamlError as err:
        return None, [Problem(rel, err.line, rel, err.problem)]


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
    article = parse_article(settings.path("article").read_text(encoding="utf-8"))
    pages = page_texts(settings)
    source_data, problems = _read_yaml(settings, "sources")
    claim_data, read_problems = _read_yaml(settings, "claims")
    sources: dict[str, Source] = {}
    if not problems:
        sources, found = validate_sources(source_data, settings.sources, today)
        problems += found
    claims: list[Claim] = []
    if sources and not read_problems:
        claims, ids, found = validate_claims(claim_data, settings.claims, article, pages, sources, today)
        problems += found + check_pages(pages, claims, ids, settings.docs_dir)
    problems += read_problems
    if problems:
        raise ClaimsError(problems)
    project = Project(article, sources, tuple(claims), settings, {c.claim_id: c for c in claims})
    _CACHE.clear()
    _CACHE[key] = project
    return project
