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
# `data-search-exclude`) and the list under the fact box's heading (emptied by add_claims).
# Under MkDocs they are held back while Material's search plugin reads the page (`hold_back`,
# `put_back`): it parses every tag it is given, some 60% of its time on this site, only to
# skip them. Held only where the plugin would make nothing of them: whole blocks without a
# heading or a nested element of their own name, in pages without comments or scripts.
HOLD = True  # tests/test_search_hold.py turns it off to compare whole sites
# Where such blocks are (plain text: str.find is many times faster than a regex over a page),
# then their start tags, read where found.
_EXCLUDED, _FACT_BOX_LIST = 'data-search-exclude="true"', '</h2><ol class="factbox__list">'
_HELD_TAG = re.compile(r"<(ol|figure)\s[^<>]*>")
_FACT_BOX_HEADING = '<h2 id="fact-box"'  # render_factbox's, with the toc's permalink inside
# Any case, spelt out (IGNORECASE is several times slower).
_COMMENT_OR_SCRIPT = re.compile(r"<!--|<[sS][cC][rR][iI][pP][tT]")
_HEADING = re.compile(r"<[hH][1-6][\s>]")
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


def _element_end(html: str, tag: str, start: int) -> tuple[int, bool] | None:
    """Where the element whose start tag ends at `start` ends (after its end tag), and whether
    it holds an element of its own name; None if it is not closed."""
    opening, depth, at, nested = re.compile(rf"<{tag}[\s>]|</{tag}>"), 1, start, False
    while depth:
        found = opening.search(html, at)
        if found is None:
            return None
        opens = not found.group(0).startswith("</")
        depth, nested, at = depth + (1 if opens else -1), nested or opens, found.end()
    return at, nested


def _all(html: str, text: str) -> list[int]:
    """Where `text` is in `html`: 'abab', 'b' => [1, 3]."""
    found, at = [], html.find(text)
    while at >= 0:
        found.append(at)
        at = html.find(text, at + 1)
    return found


def hold_back(html: str) -> tuple[str, list[str]]:
    """The page with each block the index never takes replaced by a comment, and the blocks.

    '<p>a</p><ol data-search-exclude="true">…</ol>' => ('<p>a</p><!--explainer-held:0-->',
    ['<ol data-search-exclude="true">…</ol>']). A page with a comment or a script is returned
    whole; a block with a heading or a nested element of its own name stays where it is.
    """
    if _COMMENT_OR_SCRIPT.search(html):
        return html, []
    parts, held, done = [], [], 0
    for text, found in sorted((t, at) for t in (_EXCLUDED, _FACT_BOX_LIST) for at in _all(html, t)):
        if text == _FACT_BOX_LIST:
            at = found + len("</h2>")
            if html.rfind("<h2", 0, at) != html.rfind(_FACT_BOX_HEADING, 0, at):
                continue  # a list under another heading: the plugin indexes it
        else:
            at = html.rfind("<", 0, found)
        tag = _HELD_TAG.match(html, at)
        if at < done or tag is None or tag.end() < found + len(text):
            continue  # inside a block already held, or not in an <ol> or <figure> start tag
        block = _element_end(html, tag.group(1), tag.end())
        if block is None:
            return html, []
        end, nested = block
        if nested or _HEADING.search(html, tag.end(), end):
            continue
        parts += [html[done:at], _HELD_MARK.format(len(held))]
        held.append(html[at:end])
        done = end
    return "".join(parts) + html[done:], held


def put_back(html: str, held: list[str]) -> str:
    """Undo hold_back after Material's search plugin has read the page, with the blocks as it
    leaves what it reads: without their data-search-* attributes. Raises ValueError when the
    marks are not each there once (something between the two changed them)."""
    found = [int(m.group(1)) for m in _HELD_MARK_RE.finditer(html)]
    if found != list(range(len(held))):
        raise ValueError(f"{len(held)} blocks held back from search, {len(found)} marks found")
    return _HELD_MARK_RE.sub(lambda m: _as_searched(held[int(m.group(1))]), html)


def _as_searched(block: str) -> str:
    """A block without its data-search-* attributes (the expression tries every character of a
    block; the plain search skips the fact-box lists, which have none)."""
    return _SEARCH_ATTRIBUTE.sub("", block) if "data-search-" in block else block
