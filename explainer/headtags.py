"""Link-preview tags for a built page: Open Graph, Twitter card and JSON-LD, added to its <head>.

Engine-neutral and pure: HTML text in, HTML text out. The page's own title, description and
canonical URL are read from the HTML the theme wrote (Material writes all three), so MkDocs,
ProperDocs and Zensical pages get the same tags from the same function.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import escape, unescape

from . import payloads, share
from .model import Project, page_path

CARDS = "assets/cards"  # preview cards, 1200×630 PNG, under the site root
MARK = '<meta property="og:type"'  # present once the tags are in
_TITLE = re.compile(r"<title>(.*?)</title>", re.DOTALL)
_DESCRIPTION = re.compile(r'<meta name="description" content="([^"]*)"')
_CANONICAL = re.compile(r'<link rel="canonical" href="([^"]*)"')


@dataclass(frozen=True)
class Site:
    """What every page's tags share: the site's name and absolute URL (ending in '/')."""

    name: str
    url: str
    description: str = ""

    def page_url(self, page: str) -> str:
        """ "index" => site URL; "claims/x" => site URL + "claims/x/" (directory URLs)."""
        return self.url + page_path(page)


def page_name(dest_path: str) -> str:
    """A built file's page name: "competition/index.html" => "competition"; "index.html" => "index" """
    name = dest_path.removesuffix(".html").removesuffix("index").rstrip("/")
    return name or "index"


def read_head(html: str, site: Site) -> tuple[str, str, str]:
    """Return the page's (title, description, canonical URL) as plain text, from its <head>.

    Material's <title> is "Page - Site" (the home page's is the site name alone).
    """
    title = unescape(m.group(1).strip()) if (m := _TITLE.search(html)) else site.name
    title = title.removesuffix(f" - {site.name}") or site.name
    description = unescape(m.group(1)) if (m := _DESCRIPTION.search(html)) else site.description
    canonical = unescape(m.group(1)) if (m := _CANONICAL.search(html)) else ""
    return title, description, canonical


def head_tags(project: Project, page: str, html: str, site: Site, card: str) -> str:
    """The preview tags of page `page` ("competition", "claims/<id>"); `card` is its image URL."""
    title, description, url = read_head(html, site)
    view = share.preview(project, page, title, description)
    url = url or site.page_url(page)
    data = payloads.article_jsonld(project, list(view.claims), title=view.title, url=url,
                                   description=view.description, site_name=site.name,
                                   site_url=site.url)  # fmt: skip
    values = {
        "og:type": "website" if page == "index" else "article",
        "og:site_name": site.name, "og:title": view.title, "og:description": view.description,
        "og:url": url, "og:image": card, "og:image:type": "image/png",
        "og:image:width": "1200", "og:image:height": "630", "og:image:alt": view.title,
    }  # fmt: skip
    tags = [f'<meta property="{k}" content="{escape(v)}">' for k, v in values.items()]
    tags.append('<meta name="twitter:card" content="summary_large_image">')
    tags.append(f'<script type="application/ld+json">{payloads.script_json(data)}</script>')
    return "".join(tags)


def add_head_tags(html: str, tags: str) -> str:
    """Insert the tags just before </head>; a page that has them already is returned unchanged."""
    if MARK in html or "</head>" not in html:
        return html
    at = html.index("</head>")
    return html[:at] + tags + html[at:]


def pick_card(names: tuple[str, ...], exists) -> str | None:
    """The path of the first preview card that `exists(path)`: ("claims/x", "index") =>
    "assets/cards/claims/x.png" when that card is there, else "assets/cards/index.png"."""
    paths = [f"{CARDS}/{name}.png" for name in names]
    return next((p for p in paths if exists(p)), None)


def card_names(project: Project, page: str) -> tuple[str, ...]:
    """The cards to try for a page, most specific first."""
    return share.preview(project, page, "", "").cards
