"""Sharing one page or claim: share-page Markdown, preview texts and alias redirects.

Pure: the caller passes the validated project, page titles and URLs; nothing here reads files
or imports MkDocs. Texts are plain; HTML escaping happens where they are written. The
machine-readable payloads (claims.json, JSON-LD) are in `payloads`.
"""

from __future__ import annotations

import json
import posixpath
from collections.abc import Collection
from dataclasses import dataclass
from html import escape

from . import factbox, values
from .claims import HEADLINE_LIMIT, STATUS_LABELS, Claim, Source
from .factbox import format_when, single_box
from .model import SHARE_DIR, Project, claim_anchor, page_path

TITLE_LIMIT = HEADLINE_LIMIT


def shorten(text: str, limit: int = TITLE_LIMIT) -> str:
    """Cut text at a word boundary to at most `limit` characters, marking the cut.

    "one two three", 9 => "one two…"
    """
    return values.shorten(text, limit)


def share_uri(claim_id: str) -> str:
    """ "x" => "claims/x.md": the docs-relative path of a claim's generated share page."""
    return f"{SHARE_DIR}/{claim_id}.md"


def claim_sources(project: Project, claim: Claim) -> list[Source]:
    """The claim's sources in file order, with the article first when the claim quotes it."""
    ids = ([project.info.text_source] if claim.quotes else []) + list(claim.sources)
    return [project.sources[i] for i in dict.fromkeys(ids) if i in project.sources]


def claim_summary(project: Project, claim: Claim) -> str:
    """One line for previews: status · who · when · sources.

    => "Allegation · An association · March 2021 · Sources: A Weekly, The Daily"
    """
    info = project.info
    original = project.sources.get(info.original_source)
    # The quoted text is a translation: name the outlet that published the article.
    named = [original if s.source_id == info.text_source and original else s
             for s in claim_sources(project, claim)]  # fmt: skip
    publishers = list(dict.fromkeys(s.publisher for s in named))
    label = "Source" if len(publishers) == 1 else "Sources"
    parts = [STATUS_LABELS[claim.status], claim.who, format_when(claim.when)]
    return " · ".join(parts + [f"{label}: {', '.join(publishers)}"])


def _front_matter(**values: object) -> str:
    # JSON strings are valid YAML scalars; values are HTML-escaped because the theme writes
    # the title and description into the page without escaping.
    lines = [f"{key}: {json.dumps(value, ensure_ascii=False)}" for key, value in values.items()]
    return "---\n" + "\n".join(lines) + "\n---\n"


def share_markdown(project: Project, claim: Claim, page_title: str, intro: str = "") -> str:
    """Write the Markdown of a claim's share page: the claim as its heading, what the site is
    (`intro`, the site's one-line description), a link to it in context, its box, and which
    article "the article" is: read alone, as it is when shared, it says what it is about.

    All of it is HTML but the box's marker, so an engine's Markdown changes nothing else: the
    MkDocs adapter writes most share pages without it (`share_html`, explainer/skeleton.py).
    """
    head = _front_matter(**share_meta(project, claim), search={"exclude": True})
    return (
        f"{head}\n{share_top(project, claim, page_title, intro)}\n\n"
        f"<!-- claim {claim.claim_id} -->\n\n{article_line(project)}\n"
    )


def share_meta(project: Project, claim: Claim) -> dict[str, str]:
    """A share page's title and description, HTML-escaped: the theme writes them as they are."""
    return {"title": escape(claim.title), "description": escape(claim_summary(project, claim))}


def share_top(project: Project, claim: Claim, page_title: str, intro: str = "") -> str:
    """A share page above the claim's box: its heading, the site's intro and the context link,
    which points from the share page (claims/<id>/) to the claim on its page."""
    share_dir = page_path(f"{SHARE_DIR}/{claim.claim_id}")
    href = posixpath.relpath(page_path(claim.page) or ".", share_dir)
    href = f"{href}/#{claim_anchor(claim.claim_id)}"
    return (
        f'<h1 class="share__title">{escape(claim.title)}</h1>\n\n'
        + (f'<p class="share__intro">{escape(intro)}</p>\n\n' if intro else "")
        + f'<p><a class="md-button md-button--primary share__context" href="{escape(href)}">'
        f"See this claim in context: “{escape(page_title)}”, claim {project.number(claim)}</a></p>"
    )


def share_html(project: Project, claim: Claim, page_title: str, intro: str, entry: str) -> str:
    """A share page's content as the theme shows it: what `share_markdown` holds, with the
    claim's box made from `entry`, its `<li>` as Markdown rendered it for this page."""
    top = share_top(project, claim, page_title, intro)
    return f"{top}\n{single_box(entry)}{article_line(project)}"


def article_line(project: Project) -> str:
    """Say which article "the article" is, with links: a share page is read on its own.

    => "“The article” is Pub's article of April 2021, “Title”, quoted here in the translation
    published by Other: “Title in translation”." (data/article.yml names the two sources)
    """
    text = project.sources[project.info.text_source]
    original = project.sources.get(project.info.original_source)
    if original is None:
        when = f", {escape(format_when(text.date))}" if text.date else ""
        by = f"{escape(text.publisher)}{when}"
        return f'<p class="share__article">“The article” is {_link(text)}, published by {by}.</p>'
    when = f" of {escape(format_when(original.date))}" if original.date else ""
    return (
        f'<p class="share__article">“The article” is {escape(original.publisher)}’s article{when},'
        f" {_link(original)}, quoted here in the translation published by"
        f" {escape(text.publisher)}: {_link(text)}.</p>"
    )


def _link(source: Source) -> str:
    name, remark = factbox.source_name(source)
    remark = f" ({escape(remark)})" if remark else ""
    return f'<a href="{escape(source.url)}" rel="noreferrer">“{escape(name)}”</a>{remark}'


def share_pages(
    project: Project, titles: dict[str, str], intro: str = "", leave_out: Collection[str] = ()
) -> dict[str, str]:
    """Every claim's share page but those of `leave_out` (claim ids): docs-relative path =>
    Markdown; `titles` maps page => title."""
    return {
        share_uri(c.claim_id): share_markdown(project, c, titles.get(c.page, c.page), intro)
        for c in project.claims
        if c.claim_id not in leave_out
    }


# An old share page sends the visitor on, keeping any #fragment (the script) or not (the meta).
REDIRECT = """<!doctype html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<title>Redirecting…</title>
<link rel="canonical" href="{url}">
<meta name="robots" content="noindex">
<script>var a=location.hash;location.replace("{url}"+a)</script>
<meta http-equiv="refresh" content="0; url={url}">
</head>
<body>
<p>This claim has a new address: <a href="{url}">{url}</a>.</p>
</body>
</html>
"""


def alias_pages(project: Project) -> dict[str, str]:
    """Each alias's old share page, as a redirect to the claim's current one.

    Claim "new" with aliases ("old",) => {"claims/old/index.html": <redirect to "../new/">}
    """
    lang = escape(project.info.language)
    return {
        f"{SHARE_DIR}/{alias}/index.html": REDIRECT.format(
            url=f"../{escape(c.claim_id)}/", lang=lang
        )
        for c in project.claims
        for alias in c.aliases
    }


@dataclass(frozen=True)
class Preview:
    """What a page's link preview says, and which claims' sources it cites."""

    title: str
    description: str
    claims: tuple[Claim, ...]
    cards: tuple[str, ...]  # preview-card names to try in order, e.g. ("claims/x", "index")


def preview(project: Project, name: str, title: str, description: str) -> Preview:
    """The preview of page `name` ("competition", "claims/<id>"), given its own title/summary."""
    claim = project.by_id.get(name.removeprefix(f"{SHARE_DIR}/"))
    if claim is None or not name.startswith(f"{SHARE_DIR}/"):
        return Preview(title, description, tuple(project.page_claims(name)), (name, "index"))
    summary = claim_summary(project, claim)
    return Preview(claim.title, summary, (claim,), (name, claim.page, "index"))
