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
other page is rendered in full, as usual. tests/test_skeleton.py builds the site both ways and
compares every share page byte for byte.

Duck-typed on MkDocs' Page (and ProperDocs'); nothing here imports a site generator.
"""

from __future__ import annotations

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
    out = skeleton
    for name, value in values(page).items():
        out = out.replace(token(name), value)
    return out
