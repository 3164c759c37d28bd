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
import re
from html import escape

from .claims import STATUS_LABELS
from .factbox import format_when
from .model import Project, claim_anchor, page_path

INDEX = "search/search_index.json"  # where Material's search plugin writes it (MkDocs)
ZENSICAL_INDEX = "search.json"  # where Zensical writes it, with "items" for "docs"
FACTBOX = "#fact-box"  # the id of render_factbox's heading

# Blocks whose text never reaches the index: the timeline's drawing and list (Material's
# `data-search-exclude`) and the fact box lists (emptied by add_claims). Under MkDocs they are
# held back while Material's search plugin reads the page (`hold_back`, `put_back`): it parses
# every tag it is given, a third of its time on this site, to skip them. Off in tests (HOLD).
HOLD = True
_HELD_START = re.compile(
    r'<(ol|figure)\s[^>]*?(?:data-search-exclude="true"|class="factbox__list")[^>]*>'
)
_HELD_MARK = "<!--explainer-held:{}-->"
_HELD_MARK_RE = re.compile(r"<!--explainer-held:(\d+)-->")
# What Material's search plugin removes from every page it indexes, after reading it.
_SEARCH_ATTRIBUTE = re.compile(r'\s?data-search-\w+="[^"]+"')


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


def _element_end(html: str, tag: str, start: int) -> int | None:
    """Where the element whose start tag ends at `start` ends (after its end tag), counting
    nested elements of the same name; None if it is not closed."""
    opening, depth, at = re.compile(rf"<{tag}[\s>]|</{tag}>"), 1, start
    while depth:
        found = opening.search(html, at)
        if found is None:
            return None
        depth += -1 if found.group(0).startswith("</") else 1
        at = found.end()
    return at


def hold_back(html: str) -> tuple[str, list[str]]:
    """The page with each block the index never takes replaced by a comment, and the blocks.

    '<p>a</p><ol class="factbox__list">…</ol>' => ('<p>a</p><!--explainer-held:0-->', ['<ol…</ol>'])
    A page holding such a comment already, or a block left open, is returned whole.
    """
    if _HELD_MARK_RE.search(html):
        return html, []
    parts, held, done = [], [], 0
    for start in _HELD_START.finditer(html):
        if start.start() < done:
            continue  # inside a block already held
        end = _element_end(html, start.group(1), start.end())
        if end is None:
            return html, []
        parts += [html[done : start.start()], _HELD_MARK.format(len(held))]
        held.append(html[start.start() : end])
        done = end
    return "".join(parts) + html[done:], held


def put_back(html: str, held: list[str]) -> str:
    """Undo hold_back after Material's search plugin has read the page, with the blocks as it
    leaves what it reads: without their data-search-* attributes."""
    return _HELD_MARK_RE.sub(lambda m: _SEARCH_ATTRIBUTE.sub("", held[int(m.group(1))]), html)
