"""The explainer's model: where the inputs are (Settings) and the validated data (Project).

Pure and immutable: nothing here reads files or imports a site generator. `project.load_project`
builds a Project once per build; everything that renders receives that same object.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .article import Article
from .articleinfo import ArticleInfo
from .claims import Claim, Source

EXTENSION = "explainer.mdext"  # the Markdown extension's name in mkdocs.yml
ANCHOR_PREFIX = "claim-"  # a claim's anchor on its page: #claim-<id>
SHARE_DIR = "claims"  # a claim's share page: claims/<id>/ (the JS reads both from the page)


def page_path(page: str) -> str:
    """A page's URL path under the site, with directory URLs: "competition" => "competition/";
    "index" => ""; "claims/x" => "claims/x/"."""
    return "" if page == "index" else page.removesuffix("/index") + "/"


def claim_anchor(claim_id: str) -> str:
    """ "x" => "claim-x": the id of a claim's element, and its link's fragment."""
    return f"{ANCHOR_PREFIX}{claim_id}"


OPTION_HELP = {  # the extension's path options in mkdocs.yml, relative to its folder
    "claims": "The claims file",
    "sources": "The sources registry",
    "article": "The article's text (the seed)",
    "article_data": "What the code needs to know about the article",
    "docs_dir": "The pages folder, scanned for markers",
    "source_page": "Docs-relative page showing the article, for quote links",
}
OPTIONS = tuple(OPTION_HELP)


@dataclass(frozen=True)
class Settings:
    """Where the inputs are, relative to `base_dir` (the folder holding mkdocs.yml)."""

    base_dir: Path
    claims: str = "data/claims.yml"
    sources: str = "data/sources.yml"
    article: str = "seeds/article.txt"  # the article's text; mkdocs.yml names the real file
    article_data: str = "data/article.yml"  # what the code needs to know about the article
    docs_dir: str = "docs"
    source_page: str = ""  # docs-relative page showing the article, e.g. "source.md"; "" = none

    def path(self, name: str) -> Path:
        return self.base_dir / getattr(self, name)

    @classmethod
    def from_options(cls, base_dir: Path, options: dict) -> Settings:
        """Build settings from the extension's mkdocs.yml options, ignoring unrelated ones.

        (Path("."), {"claims": "c.yml", "base_dir": "x"}) => Settings(Path("."), claims="c.yml")
        """
        return cls(base_dir, **{n: options[n] for n in OPTIONS if n in options})


@dataclass(frozen=True)
class Project:
    article: Article
    sources: dict[str, Source]
    claims: tuple[Claim, ...]
    settings: Settings
    by_id: dict[str, Claim] = field(default_factory=dict)
    pages: dict[str, dict[str, str]] = field(default_factory=dict)  # page => front matter
    info: ArticleInfo | None = None  # data/article.yml
    _pages: dict[str, tuple[Claim, ...]] = field(init=False, repr=False, compare=False)
    _numbers: dict[str, int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Indexed once: every fact box, reference and share page asks for these, and a scan of
        # all claims per question made the build quadratic in the number of claims.
        pages: dict[str, list[Claim]] = {}
        for claim in self.claims:
            pages.setdefault(claim.page, []).append(claim)
        numbers = {c.claim_id: n for cs in pages.values() for n, c in enumerate(cs, 1)}
        object.__setattr__(self, "_pages", {page: tuple(cs) for page, cs in pages.items()})
        object.__setattr__(self, "_numbers", numbers)

    @property
    def titles(self) -> dict[str, str]:
        """Page => its front-matter title, for the pages that have one."""
        return {page: meta["title"] for page, meta in self.pages.items() if meta.get("title")}

    def page_claims(self, page: str) -> list[Claim]:
        return list(self._pages.get(page, ()))

    def number(self, claim: Claim) -> int:
        """Return the claim's 1-based position in its page's fact box."""
        return self._numbers[claim.claim_id]

    def paragraph_of(self, quote: str) -> int:
        return self.article.paragraph_at(self.article.find(quote)).number
