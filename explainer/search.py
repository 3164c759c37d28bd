"""The search index: one result per claim, so a result opens the page at that claim.

Material's search splits a page at its headings; a whole fact box is one section, so a word of
one claim led to the box's heading, screens above the claim. Given the index the search plugin
wrote (`search/search_index.json`, the same shape under MkDocs and Zensical), this adds an entry
per claim (location `page/#claim-<id>`, title the claim) right after its page's entries, and
empties the box's own entry, whose text the claims' entries now carry (the index is fetched on
every first page load). Pure: index data in, index data out.
"""

from __future__ import annotations

import json
from html import escape

from .claims import STATUS_LABELS
from .factbox import format_when
from .model import Project, claim_anchor, page_path

INDEX = "search/search_index.json"  # where Material's search plugin writes it (MkDocs)
ZENSICAL_INDEX = "search.json"  # where Zensical writes it, with "items" for "docs"
FACTBOX = "#fact-box"  # the id of render_factbox's heading


def claim_entries(project: Project, url: str, page: str) -> list[dict]:
    """Search entries for a page's claims: title the claim, text its status, who, when, quotes."""
    entries = []
    for claim in project.page_claims(page):
        quotes = "".join(f"<p>“{escape(q)}”</p>" for q in claim.quotes)
        meta = f"{STATUS_LABELS[claim.status]}: {claim.who}, {format_when(claim.when)}"
        entries.append(
            {
                "location": f"{url}#{claim_anchor(claim.claim_id)}",
                "title": escape(claim.text),
                "text": f"<p>{escape(meta)}</p>{quotes}",
            }
        )
    return entries


def add_claims(docs: list[dict], project: Project, urls: dict[str, str]) -> list[dict]:
    """Insert each page's claim entries after the last entry of that page (else at the end);
    empty the text of the fact box entries, which the claim entries replace."""
    result = [{**d, "text": ""} if d["location"].endswith(FACTBOX) else d for d in docs]
    for page in sorted({c.page for c in project.claims}):
        url = urls[page]
        last = max(
            (i for i, d in enumerate(result) if d["location"].split("#")[0] == url), default=None
        )
        at = len(result) if last is None else last + 1
        extra = {
            k: result[last][k] for k in ("path", "tags") if last is not None and k in result[last]
        }
        result[at:at] = [entry | extra for entry in claim_entries(project, url, page)]
    return result


def rewrite_index(text: str, project: Project) -> str:
    """Return the search index JSON text with the claims added (compact, as the plugin writes)."""
    index = json.loads(text)
    key = "items" if "items" in index else "docs"  # Zensical's search.json says "items"
    urls = {page: page_path(page) for page in {c.page for c in project.claims}}
    index[key] = add_claims(index[key], project, urls)
    return json.dumps(index, separators=(",", ":"), ensure_ascii=key == "docs")
