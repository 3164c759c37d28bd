"""Read the article, the sources registry, the claims file and the pages; validate them together.

The only module that reads the inputs. It keeps nothing between calls: a build calls
`load_project` once and hands the Project on, so `mkdocs serve` sees fresh files on each rebuild.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import yaml

from .article import parse_article
from .articleinfo import check_notes, check_references, validate_article_info
from .claims import Claim, Source, validate_claims, validate_sources
from .markers import check_pages
from .model import Project, Settings
from .problems import ClaimsError, Problem
from .yamlload import MAX_BYTES, YamlError, decode, load_yaml

_KINDS = {
    "claims": "claim",
    "sources": "source",
    "article_data": "note",
}  # what one entry of each file is called


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


def load_project(settings: Settings, today: dt.date | None = None) -> Project:
    """Load and validate everything; raise ClaimsError listing every problem."""
    today = today or dt.date.today()
    info_data, read_problems = _read_yaml(settings, "article_data")
    info, found = (
        (None, []) if read_problems else validate_article_info(info_data, settings.article_data)
    )
    read_problems += found
    text, found = _read_text(settings.path("article"), settings.article)
    article = parse_article(text or "", *((info.furniture, info.heads) if info else ()))
    pages, more = read_pages(settings)
    source_data, problems = _read_yaml(settings, "sources")
    claim_data, claim_problems = _read_yaml(settings, "claims")
    read_problems += found + more + claim_problems
    sources: dict[str, Source] = {}
    if not problems:
        sources, found = validate_sources(source_data, settings.sources, today)
        problems += found
    claims: list[Claim] = []
    if sources and info and not read_problems:
        claims, ids, found = validate_claims(
            claim_data, settings.claims, article, pages, sources, today, info.article_sources
        )
        problems += found + check_notes(info, article, settings.article_data)
        problems += check_references(info, sources, ids, settings.article_data)
        if ids:  # with no claim named at all, every marker would be reported as unknown
            problems += check_pages(pages, claims, ids, settings.docs_dir, settings.claims)
    problems += read_problems
    if problems:
        raise ClaimsError(problems)
    metas = {name: front_matter(text) for name, text in pages.items()}
    by_id = {c.claim_id: c for c in claims}
    return Project(article, sources, tuple(claims), settings, by_id, metas, info)


_SAFE = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # the same data, parsed by libyaml


def front_matter(text: str) -> dict[str, str]:
    """A page's front-matter title and description (those present), as text.

    "---\ntitle: Was there competition?\n---\n# …" => {"title": "Was there competition?"}
    """
    match = re.match(r"---[ \t]*\n(.*?)\n---[ \t]*\n", text, re.DOTALL)
    try:
        meta = yaml.load(match.group(1), Loader=_SAFE) if match else None
    except yaml.YAMLError:
        return {}
    meta = meta if isinstance(meta, dict) else {}
    return {key: str(meta[key]) for key in ("title", "description") if meta.get(key)}
