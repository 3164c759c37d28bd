"""MkDocs hook: one search result per claim, so a result opens the page at that claim.

Material's search splits a page at its headings; a whole fact box is one section, so a word of
one claim led to the box's heading, screens above the claim. After the search plugin has written
`search/search_index.json`, this adds an entry per claim (location `page/#claim-<id>`, title the
claim) right after its page's entries, and empties the box's own entry, whose text the claims'
entries now carry (the index is fetched on every first page load). MkDocs-only glue.
"""

from __future__ import annotations

import json
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING

from mkdocs.plugins import event_priority
from mkdocs.structure.files import File

from explainer.mkdocs_hook import settings_from
from explainer.project import Project, load_project
from explainer.render import STATUS_LABELS, format_when

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig

INDEX = Path("search") / "search_index.json"
FACTBOX = "#fact-box"  # the id of render_factbox's heading


def claim_entries(project: Project, url: str, page: str) -> list[dict]:
    """Search entries for a page's claims: title the claim, text its status, who, when, quotes."""
    entries = []
    for claim in project.page_claims(page):
        quotes = "".join(f"<p>“{escape(q)}”</p>" for q in claim.quotes)
        meta = f"{STATUS_LABELS[claim.status]}: {claim.who}, {format_when(claim.when)}"
        entries.append(
            {
                "location": f"{url}#claim-{claim.claim_id}",
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
        result[at:at] = claim_entries(project, url, page)
    return result


def page_url(config: MkDocsConfig, page: str) -> str:
    """The page's URL as the search index writes it: "competition" => "competition/"; "index" => "" """
    url = File(f"{page}.md", config.docs_dir, config.site_dir, config.use_directory_urls).url
    return "" if url == "./" else url


@event_priority(-50)  # after Material's search plugin (priority 0) has written its index
def on_post_build(config: MkDocsConfig) -> None:
    """Add the claims to the search index written by the search plugin, if there is one."""
    path = Path(config.site_dir) / INDEX
    if not path.is_file():
        return
    project = load_project(settings_from(config))  # validated in on_config already
    urls = {page: page_url(config, page) for page in {c.page for c in project.claims}}
    index = json.loads(path.read_text(encoding="utf-8"))
    index["docs"] = add_claims(index["docs"], project, urls)
    path.write_text(json.dumps(index, separators=(",", ":")), encoding="utf-8")
