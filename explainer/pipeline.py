"""Everything a build derives from the claims, for any engine: files to add, pages to finish.

Engine-neutral: no MkDocs, no Zensical. An engine's adapter loads the project once
(`project.load_project`), then calls these with that same object:

- before the build, `generated_files` gives the share pages (Markdown, rendered by the engine
  with the explainer's extension), `claims.json` and the alias redirect pages; an adapter that
  can render one share page with slots may write the others itself (`share_page_outside`);
- for every built HTML page, `finish_page` adds the link-preview tags and hands the light/dark
  toggle to explainer.js (`palette.py`); theme pages such as 404.html get `finish_template`;
- after the build, `finish_site` adds the claims to the search index and draws the preview
  cards (cached in build/cards/).

The Content-Security-Policy is the last step of all (`csp.add_policy`), since it hashes the
final HTML. `site_files` runs the per-page and after-build steps over a built folder, for
engines without hooks.
"""

from __future__ import annotations

import json
import re
from collections.abc import Collection
from pathlib import Path

from . import cards, csp, headtags, palette, payloads, search, share, skeleton
from .factbox import page_label
from .headtags import Site
from .model import SHARE_DIR, Project, claim_anchor


class PipelineError(Exception):
    """A problem with the built site that stops the build; the message names the file."""


def generated_files(
    project: Project, site: Site, leave_out: Collection[str] = (), made: dict | None = None
) -> dict[str, str]:
    """Site-relative path => content of every file the claims add to the site; `leave_out`:
    claims whose share page an adapter makes otherwise (or not at all); `made`: what
    `site_wide_files` gave for this project and site, if it was made ahead."""
    files = share.share_pages(project, page_titles(project), site.description, leave_out)
    files.update(site_wide_files(project, site) if made is None else made)
    return files


def generated_paths(project: Project, share_pages: bool = True) -> set[str]:
    """The paths of `generated_files` (every share page's, with `share_pages`), found without
    making the files: where no file of docs/ may be."""
    paths = {"claims.json", CSS, JS, *share.alias_pages(project)}
    return paths | ({share.share_uri(c.claim_id) for c in project.claims} if share_pages else set())


def site_wide_files(project: Project, site: Site) -> dict[str, str]:
    """claims.json, the alias redirect pages and the explainer's CSS and JS."""
    urls = {page: site.page_url(page) for page in page_titles(project)}
    payload = payloads.claims_payload(project, urls, site.url)
    files = {"claims.json": json.dumps(payload, ensure_ascii=False, indent=1) + "\n"}
    files.update(share.alias_pages(project))
    files.update(own_assets())
    return files


def page_titles(project: Project) -> dict[str, str]:
    """The title of every page with claims, as share pages name it."""
    return {page: page_title(project, page) for page in {c.page for c in project.claims}}


def page_title(project: Project, page: str) -> str:
    """A page's title as share pages name it."""
    # The home page's title is the site's name; its claims are "Overview" claims everywhere.
    return page_label(page) if page == "index" else project.titles.get(page, page_label(page))


def share_content(project: Project, site: Site, claim_id: str, entry: str | None) -> str:
    """A share page's content, from its claim's `<li>` as Markdown rendered it for the share
    page (`skeleton.entries`, moved there by `skeleton.rebase`); None if none was found."""
    claim = project.by_id[claim_id]
    if entry is None:
        raise PipelineError(f"{share.share_uri(claim_id)}: the claim's fact-box entry is missing")
    title = page_title(project, claim.page)
    return share.share_html(project, claim, title, site.description, entry)


# What makes a page's fact-box entries unfit to move: Markdown of its own that marks up their
# text (an abbreviation defined on the page, a snippet it includes).
_PAGE_MARKUP = re.compile(r"^\s*\*\[|--8<--", re.MULTILINE)


def movable_share_pages(project: Project, sources: dict[str, str]) -> list[str]:
    """The claims whose share pages an adapter may write outside the engine, in claim order.

    `sources`: the Markdown of every page the build converts, by docs-relative path. Left to
    the engine: the first claim's share page (the one the others are made from), those of claims
    whose page is not built or has markup of its own (`_PAGE_MARKUP`), and any share page a page
    links to (the engine checks such links against the pages it builds).
    """
    linked = {m.group(1) for text in sources.values() for m in _SHARE_LINK.finditer(text)}

    def fit(page: str) -> bool:
        text = sources.get(f"{page}.md")
        return text is not None and not _PAGE_MARKUP.search(text)

    pages = {page for page in project.pages if fit(page)}
    return [c.claim_id for c in project.claims[1:] if c.page in pages and c.claim_id not in linked]


_SHARE_LINK = re.compile(rf"{SHARE_DIR}/([^/\s#)\]]+)\.md")


def share_page_outside(
    project: Project, site: Site, frame: str, claim_id: str, url: str, canonical_url: str,
    entries: dict[str, tuple[str, str]],
) -> str:  # fmt: skip
    """The finished share page of `claim_id`, at `url` (site-relative), written without the
    engine: `frame`, the theme's rendering of another share page with slots (`skeleton`), filled
    with this page's values. Its claim's `<li>` comes from `entries` (element id => (URL of the
    page it was rendered for, the `<li>`)), moved to this page."""
    entry = None
    if (found := entries.get(claim_anchor(claim_id))) is not None:
        entry_url, html = found
        entry = skeleton.refocus(skeleton.rebase(html, entry_url, url))
    values = {
        **share.share_meta(project, project.by_id[claim_id]),
        "canonical_url": canonical_url,
        "content": share_content(project, site, claim_id, entry),
    }
    try:
        html = skeleton.fill_values(frame, values)
    except ValueError as err:
        raise PipelineError(f"{share.share_uri(claim_id)}: {err}") from None
    return finish_page(html, f"{SHARE_DIR}/{claim_id}", project, site)


ASSETS = Path(__file__).with_name("assets")  # the explainer's CSS and JS, shipped in the package
CSS, JS = "assets/explainer.css", "assets/explainer.js"  # where they go in every site
CARD_CACHE = "build/cards"  # drawn preview cards by content hash, under the project folder
SHARE_CACHE = "build/share-pages"  # secured share pages (MkDocs adapter; explainer/pagecache.py)
COMPRESSED_CACHE = "build/compressed"  # explainer/optimize.py's compressions, likewise


def missing_assets(css: list, js: list) -> tuple[list[str], list[str]]:
    """The explainer's stylesheet and script a site's extra_css/extra_javascript still lack.

    ([], ["assets/explainer.js"]) => (["assets/explainer.css"], [])
    """
    return ([CSS] if CSS not in map(str, css) else []), ([JS] if JS not in map(str, js) else [])


def own_assets() -> dict[str, str]:
    """The explainer's stylesheet and script, which every site built with it needs."""
    return {site: (ASSETS / Path(site).name).read_text(encoding="utf-8") for site in (CSS, JS)}


def is_share_page(path: str) -> bool:
    """ "claims/x.md" => True: a generated share page (left out of a live preview)."""
    return path.startswith(f"{SHARE_DIR}/") and path.endswith(".md")


def share_claim(path: str) -> str:
    """ "claims/x.md" => "x": the claim whose share page it is."""
    return path.removeprefix(f"{SHARE_DIR}/").removesuffix(".md")


def finish_page(html: str, page: str, project: Project, site: Site) -> str:
    """Add a built page's link-preview tags, pointing at its card (written by `finish_site`);
    hand its light/dark toggle to explainer.js."""
    names = headtags.card_names(project, page)
    card = headtags.pick_card(names, lambda path: cards.has_card(project, path))
    if card is None:  # every page of docs/ has a card, "index" too
        raise PipelineError(f"{page}: no preview card; the page has no front matter and no index")
    html = finish_template(html)
    return headtags.add_head_tags(
        html, headtags.head_tags(project, page, html, site, site.url + card)
    )


def finish_template(html: str) -> str:
    """A theme page that is not a page of the site (404.html): its light/dark toggle only."""
    return palette.take_toggle(html)


def finish_site(
    site_dir: Path, project: Project, site: Site, cache: Path | None, keys: dict | None = None
) -> None:
    """After the build: the search entries and the preview cards (`keys`: `cards.card_keys`
    for this project and site, if made ahead)."""
    finish_index(site_dir, project)
    try:
        cards.write_cards(project, site, site_dir, cache, keys)
    except cards.CardError as err:
        raise PipelineError(str(err)) from None


def card_files(project: Project, site: Site) -> set[str]:
    """The preview cards `finish_site` writes, relative to their folder: {"index.png", …}."""
    return {f"{name}.png" for name in cards.card_specs(project, site)}


def finish_index(site_dir: Path, project: Project) -> None:
    """Add the claims to the search index the search plugin wrote, if there is one."""
    for path in (site_dir / search.INDEX, site_dir / search.ZENSICAL_INDEX):
        if path.is_file():
            text = search.rewrite_index(path.read_text("utf-8"), project)
            path.write_text(text, encoding="utf-8")


def is_page(html: str) -> bool:
    """A themed page (not a redirect stub): it has a <head> and no refresh."""
    return "</head>" in html and 'http-equiv="refresh"' not in html


def site_files(site_dir: Path, project: Project, site: Site, cache: Path | None) -> list[str]:
    """Finish a site built without hooks: search entries, cards, preview tags, then the CSP.

    Return the CSP problems (`path:line: …`); an empty list means every page is secured.
    """
    finish_site(site_dir, project, site, cache)
    problems, memo = [], {}
    for path in sorted(site_dir.rglob("*.html")):
        rel = path.relative_to(site_dir).as_posix()
        html = path.read_text(encoding="utf-8")
        if is_page(html) and rel != "404.html":
            html = finish_page(html, headtags.page_name(rel), project, site)
        else:
            html = finish_template(html)
        html, found = csp.add_policy(html, memo=memo)
        problems += [f"{rel}:{problem}" for problem in found]
        path.write_text(html, encoding="utf-8")
    return problems
