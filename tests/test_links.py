"""Every internal link and #anchor of the built site resolves.

Our own checker over the HTML files, no server: each page's ids are collected, each internal
`href`/`src` is resolved relative to the page's URL and looked up in the site folder. Links to
other hosts are not fetched (tests run offline); absolute links to our own `site_url` are checked
like relative ones.
"""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from .helpers import SITE_URL

LINK_ATTRS = {
    "a": "href",
    "area": "href",
    "link": "href",
    "img": "src",
    "script": "src",
    "source": "src",
    "iframe": "src",
    "video": "src",
    "audio": "src",
}
SKIP_SCHEMES = {"mailto", "tel", "javascript", "data", "blob"}


class _PageParser(HTMLParser):
    """Collect a page's ids and the (line, URL) of every link it makes."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.links: list[tuple[int, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if values.get("id"):
            self.ids.add(values["id"])
        if tag == "a" and values.get("name"):
            self.ids.add(values["name"])
        url = values.get(LINK_ATTRS.get(tag, ""))
        if url is not None:
            self.links.append((self.getpos()[0], url.strip()))
        for candidate in (values.get("srcset") or "").split(","):
            if candidate.strip():
                self.links.append((self.getpos()[0], candidate.split()[0]))


def page_url(site: Path, path: Path) -> str:
    """site/x/index.html => "/x/"; site/404.html => "/404.html" """
    rel = path.relative_to(site).as_posix()
    return "/" + rel.removesuffix("index.html")


def target_file(site: Path, path: str) -> Path | None:
    """Map a URL path to the file a static server would send, or None."""
    candidate = site / unquote(path).lstrip("/")
    if candidate.is_dir():
        candidate = candidate / "index.html"
    return candidate if candidate.is_file() else None


def broken_links(site: Path, base_url: str) -> list[str]:
    """Check every HTML file of `site`; return one line per broken link or anchor."""
    pages = {}
    for path in sorted(site.rglob("*.html")):
        parser = _PageParser()
        parser.feed(path.read_text(encoding="utf-8"))
        pages[path] = parser
    own = urlsplit(base_url)
    problems = []
    for path, parser in pages.items():
        here = urljoin(base_url, page_url(site, path).lstrip("/"))
        for line, link in parser.links:
            url = urlsplit(urljoin(here, link))
            if url.scheme in SKIP_SCHEMES or url.netloc != own.netloc:
                continue
            where = f"{path.relative_to(site)}:{line}: link '{link}'"
            inside = url.path.startswith(own.path)
            target = target_file(site, url.path[len(own.path) :]) if inside else None
            if target is None:
                problems.append(f"{where}: no file for {url.path}")
            elif url.fragment and target.suffix == ".html" and not url.fragment.startswith(":~:"):
                fragment = unquote(url.fragment)
                if fragment != "top" and fragment not in pages[target].ids:
                    problems.append(f"{where}: no id '{fragment}' in {target.relative_to(site)}")
    return problems


def test_built_site_has_no_broken_internal_links_or_anchors(built_site: Path) -> None:
    assert len(list(built_site.rglob("*.html"))) >= 2
    problems = broken_links(built_site, SITE_URL)
    assert not problems, f"{len(problems)} broken links:\n" + "\n".join(problems)
