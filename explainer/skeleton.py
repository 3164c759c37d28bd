"""One themed share page, many: the theme renders one share page with slots, the rest are filled in.

Every claim has a share page, and rendering a page through Material's templates costs about as
much as all the claims layer's own work: with 61 share pages it was most of the build. Share
pages differ from each other only in four values the theme writes as they are, unfiltered:
the title (`page.meta.title`), the description (`page.meta.description`), the canonical URL and
the content. So the adapter renders the theme once with slots in place of those four values
(`SlotPage`) and fills that skeleton for every share page (`fill`).

A page is filled only if everything else the theme reads from it is the same as for the page
the skeleton was rendered from (`shape`): its depth, its other front matter, its table of
contents, no previous or next page, no edit link, whether its content has its own <h1>. Any
other page is rendered in full, as usual. The MkDocs adapter goes further and builds only the
first share page through the engine, writing the others itself (below). tests/test_skeleton.py
builds the site these ways and in full, and compares every share page byte for byte.

Duck-typed on MkDocs' Page (and ProperDocs'); nothing here imports a site generator.
"""

from __future__ import annotations

import posixpath
import re

# Write share pages outside the engine where it can (the MkDocs adapter: all but the first, and
# `pipeline.movable_share_pages` says which); tests turn it off to have the engine build all.
OUTSIDE = True
TEMPLATE = "explainer/share-body.html"  # what a filled page renders instead: its content alone
BODY = "{{ page.content }}"  # that template's text
MARK = "\x02explainer-slot:"  # control characters no page text or theme ever writes


def token(name: str) -> str:
    """A slot's mark in the skeleton."""
    return f"{MARK}{name}\x03"


def values(page) -> dict[str, str]:
    """The four values of a page, as the theme writes them."""
    return {
        "title": page.meta["title"],
        "description": page.meta["description"],
        "canonical_url": page.canonical_url,
        "content": page.content,
    }


def shape(page) -> tuple | None:
    """What else the theme reads from a page, or None if the page cannot be filled.

    Two pages with the same shape render the same around their four values.
    """
    meta = dict(page.meta)
    if not all(isinstance(meta.get(k), str) for k in ("title", "description")):
        return None  # the theme would write page.title (filtered) instead: render in full
    if not (page.canonical_url and isinstance(page.content, str)):
        return None
    if any(MARK in value for value in values(page).values()):
        return None  # a value holding a slot mark would be filled twice
    others = {k: v for k, v in meta.items() if k not in ("title", "description")}
    return (
        page.url.count("/"),
        repr(sorted(others.items())),
        tuple(str(item) for item in page.toc),
        page.previous_page is None and page.next_page is None,
        page.edit_url,
        page.is_homepage,
        page.parent is None,
        "<h1" in page.content,
    )


class SlotPage:
    """A page whose four values are slots: the theme renders it into the skeleton.

    Everything else is the real page's, so the skeleton is exactly that page's rendering.
    """

    def __init__(self, page) -> None:
        self._page = page
        self.meta = {**page.meta, "title": token("title"), "description": token("description")}
        self.title = token("title")
        self.canonical_url = token("canonical_url")
        # The theme adds an <h1> of its own when the content has none: keep its choice.
        h1 = "<h1>" if "<h1" in page.content else ""
        self.content = f"{h1}{token('content')}"

    def __getattr__(self, name: str):
        return getattr(self._page, name)


def skeleton_of(rendered: str, slot_page: SlotPage) -> str:
    """The theme's rendering of a SlotPage, with the content slot reduced to its token."""
    return rendered.replace(slot_page.content, token("content"))


def fill(skeleton: str, page) -> str:
    """The page as the theme would have written it: the skeleton with the page's values."""
    return fill_values(skeleton, values(page))


def fill_values(skeleton: str, page_values: dict[str, str]) -> str:
    """The skeleton with four values (`values`), none of which may hold a slot mark."""
    out = skeleton
    for name, value in page_values.items():
        if MARK in value:  # data cannot hold control characters; a theme or plugin might
            raise ValueError(f"{name}: holds the skeleton's slot mark")
        out = out.replace(token(name), value)
    return out


# --- Share pages outside the engine --------------------------------------------------------------
# The MkDocs adapter builds one share page through the engine (Markdown, plugins, theme) and
# writes the others itself: the skeleton filled with each page's four values. Their content is
# `share.share_html`, whose one Markdown-made part, the claim's <li>, comes from the fact box of
# the claim's own page, as Markdown rendered it there (abbreviations, links), moved to the share
# page: its links made relative to the share page (`rebase`), its abbreviations' tab stops set as
# on a page of its own (`refocus`). tests/test_skeleton.py builds the site both ways and
# compares every share page byte for byte.

_ENTRY = re.compile(r'<li class="factbox__claim[^"]*" id="([^"]+)"')
_LI = re.compile(r"<(/?)li[\s>]")
_URL_ATTRIBUTE = re.compile(r' (href|src)="([^"]*)"')
_NOT_RELATIVE = re.compile(r"[a-zA-Z][a-zA-Z0-9+.-]*:|/")  # a scheme, "//host" or "/path"
_ABBR_OR_LINK = re.compile(r'<abbr (?:tabindex="0" )?title="[^"]*">([^<]*)</abbr>|<(/?)a[\s>]')
_FOCUSABLE = '<abbr tabindex="0" '


def entries(content: str) -> dict[str, str]:
    """Each fact-box entry of a rendered page: its element id => the whole `<li>…</li>`."""
    found = {}
    for start in _ENTRY.finditer(content):
        depth = 0
        for tag in _LI.finditer(content, start.start()):
            depth += -1 if tag.group(1) else 1
            if depth == 0:
                found[start.group(1)] = content[
                    start.start() : content.index(">", tag.end() - 1) + 1
                ]
                break
    return found


def _folder(url: str) -> str:
    """The folder a site-relative URL's links are relative to: "a/b/" => "a/b", "a/b.html" => "a"."""
    return url.rstrip("/") if url.endswith("/") else posixpath.dirname(url)


def rebase(html: str, from_url: str, to_url: str) -> str:
    """Make the relative links of HTML written for the page at `from_url` right for the page at
    `to_url` (site-relative URLs, "" for the home page): ("../source/#p", "tender/", "claims/x/")
    => "../../source/#p". Links with a scheme, a host or an absolute path stay as they are."""

    def moved(m: re.Match) -> str:
        name, url = m.groups()
        if _NOT_RELATIVE.match(url):
            return m.group(0)
        path, sep, fragment = url.partition("#")
        target = posixpath.join(_folder(from_url), path) if path else from_url
        folder = target.endswith("/") or posixpath.basename(target) in ("", ".", "..")
        relative = posixpath.relpath(posixpath.normpath(target or "."), _folder(to_url) or ".")
        relative = "" if relative == "." and not folder else relative + ("/" if folder else "")
        return f' {name}="{relative}{sep}{fragment}"'

    return _URL_ATTRIBUTE.sub(moved, html)


def refocus(html: str) -> str:
    """Give the first <abbr> of each term a tab stop, and no other, none inside a link: what
    explainer/mdext.py's AbbrFocusTreeprocessor does for a page, for HTML moved to another."""
    seen: set[str] = set()
    in_link = 0

    def focus(m: re.Match) -> str:
        nonlocal in_link
        if m.group(2) is not None:  # <a …> or </a>
            in_link += -1 if m.group(2) else 1
            return m.group(0)
        plain = m.group(0).replace(_FOCUSABLE, "<abbr ", 1)
        if in_link or m.group(1) in seen:
            return plain
        seen.add(m.group(1))
        return plain.replace("<abbr ", _FOCUSABLE, 1)

    return _ABBR_OR_LINK.sub(focus, html)
