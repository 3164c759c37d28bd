"""Machine-readable claims: the claims.json document and each page's schema.org JSON-LD.

Pure: the caller passes the validated project and absolute URLs; nothing here reads files or
imports MkDocs. The claims.json shape is documented in README, "Machine-readable claims".
"""

from __future__ import annotations

import json

from .claims import Claim, Source
from .model import SHARE_DIR, Project, claim_anchor
from .share import claim_sources

CLAIMS_JSON_VERSION = 1


def _source_record(source: Source) -> dict:
    return {
        "id": source.source_id,
        "title": source.title,
        "publisher": source.publisher,
        "date": source.date,
        "url": source.url,
        "confidence": source.confidence,
        "kind": source.kind or None,
    }


def claim_record(project: Project, claim: Claim, page_url: str, site_url: str) -> dict:
    """One claim of claims.json (shape documented in README, "Machine-readable claims")."""
    anchor = claim_anchor(claim.claim_id)
    return {
        "id": claim.claim_id,
        "aliases": list(claim.aliases),
        "claim": claim.text,
        "headline": claim.title,
        "status": claim.status,
        "who": claim.who,
        "when": claim.when,
        "page": claim.page,
        "page_url": page_url,
        "number": project.number(claim),
        "anchor": anchor,
        "url": f"{page_url}#{anchor}",
        "share_url": f"{site_url}{SHARE_DIR}/{claim.claim_id}/",
        "quotes": [{"text": q, "paragraph": project.paragraph_of(q)} for q in claim.quotes],
        "note": claim.note or None,
        "sources": [_source_record(project.sources[s]) for s in claim.sources],
        "updated": claim.updated or None,
        "corrections": [{"date": c.date, "note": c.note} for c in claim.corrections],
    }


def claims_payload(project: Project, page_urls: dict[str, str], site_url: str) -> dict:
    """The whole claims.json document; `page_urls` maps page name → absolute URL."""
    article = project.sources[project.info.text_source]
    return {
        "version": CLAIMS_JSON_VERSION,
        "site_url": site_url,
        "article": {"id": article.source_id, "title": article.title, "url": article.url},
        "claims": [claim_record(project, c, page_urls[c.page], site_url) for c in project.claims],
    }


def _citation(source: Source) -> dict:
    work = {
        "@type": "CreativeWork",
        "name": source.title,
        "url": source.url,
        "publisher": {"@type": "Organization", "name": source.publisher},
    }
    return work | ({"datePublished": source.date} if source.date else {})


def article_jsonld(
    project: Project,
    claims: list[Claim],
    *,
    title: str,
    description: str,
    url: str,
    site_name: str,
    site_url: str,
) -> dict:
    """Schema.org `Article` for one page: its claims' sources as citations, based on the article."""
    sources = {s.source_id: s for c in claims for s in claim_sources(project, c)}
    text = project.info.text_source
    cited = [s for i, s in sources.items() if i != text]  # that one is isBasedOn
    article = project.sources[text]
    data = {
        "@context": "https://schema.org",
        "@type": "Article",
        "headline": title,
        "description": description,
        "url": url,
        "inLanguage": project.info.language,
        "isPartOf": {"@type": "WebSite", "name": site_name, "url": site_url},
        "isBasedOn": {"@type": "NewsArticle", "name": article.title, "url": article.url},
    }
    return data | ({"citation": [_citation(s) for s in cited]} if cited else {})


def script_json(data: object) -> str:
    """JSON safe inside a `<script>` element: no `<`, `>` or `&` can end or confuse it."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
