"""Made for linking: permanent anchors, the anchor manifest, redirects, previews, share pages.

Build-level: the real site (`built_site`) and copies of the project with a renamed heading, a
renamed claim or a moved page. The browser half is tests/test_linking_browser.py.
"""

from __future__ import annotations

import json
import re
import subprocess
from html import escape
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml
from mkdocs.utils.meta import get_data
from PIL import Image

from explainer import payloads, share
from explainer.factbox import format_when

from .helpers import (
    ROOT,
    SITE_URL,
    edit,
    load_module,
    load_real_project,
    make_project,
    rename_claim,
    run_build,
)

HEADING = re.compile(r"^(#{2,3})(?!#)\s+(.*?)\s*$")
EXPLICIT_ID = re.compile(r"\{\s*:?[^}]*#[\w-]+[^}]*\}\s*$")


anchors = load_module("scripts/update_anchors.py")


# --- 1. Permanent anchors: every h2/h3 written with an explicit {#id} -------------------------


def heading_problems(text: str, path: str) -> list[str]:
    """Every h2/h3 without an explicit id, as `path:line: heading '…': problem`."""
    problems, fenced, previous = [], False, ""
    body_start = text.find("\n---", 3) + 4 if text.startswith("---") else 0
    offset = text.count("\n", 0, body_start)
    for number, line in enumerate(text[body_start:].splitlines(), start=offset + 1):
        if line.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
        elif not fenced and (match := HEADING.match(line)) and not EXPLICIT_ID.search(line):
            problems.append(
                f"{path}:{number}: heading '{match.group(2)}': no explicit id; "
                "end it with {#a-permanent-id}"
            )
        elif not fenced and re.fullmatch(r"(=+|-+)\s*", line) and previous.strip():
            problems.append(
                f"{path}:{number}: heading '{previous.strip()}': underlined heading; "
                "write '## Words {#a-permanent-id}'"
            )
        previous = "" if fenced else line
    return problems


def test_every_h2_and_h3_has_an_explicit_id():
    project = load_real_project()
    problems = []
    for path in sorted((ROOT / "docs").rglob("*.md")):
        rel = path.relative_to(ROOT).as_posix()
        problems += heading_problems(path.read_text(encoding="utf-8"), rel)
    for claim in project.claims:  # the generated share pages
        text = share.share_markdown(project, claim, "Page")
        problems += heading_problems(text, f"(generated) {share.share_uri(claim.claim_id)}")
    assert problems == [], "\n".join(problems)


# --- 2. Anchors never break: the manifest, renames and moved pages ----------------------------


def test_every_listed_anchor_still_resolves(built_site: Path):
    lost = sorted(e for e in anchors.read_manifest() if not anchors.resolves(built_site, e))
    assert anchors.read_manifest(), "tests/anchors.txt is missing or empty"
    assert lost == [], (
        "links people may have shared no longer land (keep the old id as an "
        "alias, or add a redirect):\n" + "\n".join(lost)
    )


def test_every_public_anchor_is_listed(built_site: Path):
    new = sorted(anchors.collect(built_site) - anchors.read_manifest())
    assert new == [], (
        "new anchors are not in tests/anchors.txt; run "
        "`.venv/bin/python scripts/update_anchors.py`:\n" + "\n".join(new)
    )


def build_ok(project: Path) -> Path:
    result = run_build(project)
    assert result.returncode == 0, result.stderr
    return project / "site"


@pytest.mark.slow
def test_renamed_heading_keeps_its_old_anchor(project: Path):
    edit(
        project / "docs/competition.md",
        "## What Anticor alleges {#what-anticor-alleges}",
        '## What Anticor alleges <span id="what-anticor-alleges"></span> {#anticor-allegations}',
    )
    site = build_ok(project)
    assert anchors.resolves(site, "/competition/#anticor-allegations")
    assert anchors.resolves(site, "/competition/#what-anticor-alleges")


@pytest.mark.slow
def test_renamed_claim_keeps_its_old_links(project: Path):
    old, new = "anticor-ugap-route", "anticor-ugap-claim"
    rename_claim(project, old, new)
    site = build_ok(project)
    for entry in (f"/competition/#claim-{old}", f"/claims/{old}/", f"/claims/{old}/#claim-{old}"):
        assert anchors.resolves(site, entry), entry
    redirect = (site / f"claims/{old}/index.html").read_text(encoding="utf-8")
    assert f'content="0; url=../{new}/"' in redirect
    lost = sorted(e for e in anchors.read_manifest() if not anchors.resolves(site, e))
    assert lost == []
    record = next(
        c for c in json.loads((site / "claims.json").read_text())["claims"] if c["id"] == new
    )
    assert record["aliases"] == [old]


@pytest.mark.slow
def test_moved_page_old_url_redirects(project: Path):
    (project / "docs/about.md").rename(project / "docs/about-site.md")
    edit(project / "mkdocs.yml", ": about.md\n", ": about-site.md\n")
    for page in (project / "docs").glob("*.md"):
        page.write_text(
            page.read_text(encoding="utf-8").replace("(about.md", "(about-site.md"),
            encoding="utf-8",
        )
    edit(project / "mkdocs.yml", "redirect_maps: {}", "redirect_maps: {about.md: about-site.md}")
    site = build_ok(project)
    assert anchors.resolves(site, "/about-site/#labels")
    assert anchors.resolves(site, "/about/#labels")
    html = (site / "about/index.html").read_text(encoding="utf-8")
    assert '<meta http-equiv="refresh" content="0; url=../about-site/">' in html
    lost = sorted(e for e in anchors.read_manifest() if not anchors.resolves(site, e))
    assert lost == []


# --- 4. Link previews on every page -----------------------------------------------------------


class _Head(HTMLParser):
    """Collect a page's meta tags, canonical link, JSON-LD blocks and links."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.meta: dict[str, str] = {}
        self.canonical = ""
        self.jsonld: list[str] = []
        self.links: list[dict] = []
        self._in_jsonld = False

    def handle_starttag(self, tag: str, attrs: list) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "meta" and ("property" in a or "name" in a):
            self.meta[a.get("property") or a["name"]] = a.get("content", "")
        elif tag == "link" and a.get("rel") == "canonical":
            self.canonical = a["href"]
        elif tag == "script" and a.get("type") == "application/ld+json":
            self._in_jsonld = True
            self.jsonld.append("")
        elif tag == "a":
            self.links.append(a)

    def handle_data(self, data: str) -> None:
        if self._in_jsonld:
            self.jsonld[-1] += data

    def handle_endtag(self, tag: str) -> None:
        self._in_jsonld = False if tag == "script" else self._in_jsonld


def head_of(site: Path, path: str) -> _Head:
    parser = _Head()
    parser.feed(anchors.html_file(site, path).read_text(encoding="utf-8"))
    return parser


def test_every_page_has_preview_tags_with_absolute_urls(built_site: Path):
    paths = anchors.page_paths(built_site)
    assert len(paths) > len(load_real_project().claims)  # the pages and every share page
    for path in paths:
        head = head_of(built_site, path)
        meta = head.meta
        assert head.canonical == SITE_URL + path.lstrip("/"), path
        assert meta["og:url"] == head.canonical, path
        assert meta["og:type"] == ("website" if path == "/" else "article"), path
        assert meta["og:site_name"] == "The Health Data Hub explainer", path
        assert meta["og:title"].strip() and meta["og:image:alt"] == meta["og:title"], path
        assert meta["og:description"] == meta["description"] != "", path
        assert meta["twitter:card"] == "summary_large_image", path
        assert meta["og:image"].startswith(SITE_URL + "assets/cards/"), path
        with Image.open(built_site / meta["og:image"][len(SITE_URL) :]) as image:
            assert (image.format, image.size) == ("PNG", (1200, 630)), path


def test_page_previews_use_each_page_own_summary(built_site: Path):
    for page in sorted((ROOT / "docs").glob("*.md")):
        name = page.stem
        front = yaml.safe_load(page.read_text(encoding="utf-8").split("---", 2)[1])
        meta = head_of(built_site, "/" if name == "index" else f"/{name}/").meta
        assert (meta["og:title"], meta["og:description"]) == (front["title"], front["description"])
        assert meta["og:image"] == f"{SITE_URL}assets/cards/{name}.png"


def test_every_page_has_article_json_ld(built_site: Path):
    project = load_real_project()
    article_url = project.sources["article-en"].url
    for path in anchors.page_paths(built_site):
        head = head_of(built_site, path)
        assert len(head.jsonld) == 1, path
        data = json.loads(head.jsonld[0])
        assert (data["@type"], data["url"], data["isBasedOn"]["url"]) == (
            "Article",
            head.canonical,
            article_url,
        ), path
    competition = json.loads(head_of(built_site, "/competition/").jsonld[0])
    cited = {c["url"] for c in competition["citation"]}
    expected = {
        project.sources[s].url
        for c in project.page_claims("competition")
        for s in c.sources
        if s != "article-en"
    }
    assert expected and cited == expected


# --- 5. Per-claim share pages -----------------------------------------------------------------


def test_every_claim_has_a_share_page(built_site: Path):
    project = load_real_project()
    menu = (built_site / "index.html").read_text(encoding="utf-8")
    assert "claims/" not in re.sub(
        r"<article.*?</article>", "", menu, flags=re.DOTALL
    )  # not in nav
    index = json.loads((built_site / "search/search_index.json").read_text(encoding="utf-8"))
    assert not [d["location"] for d in index["docs"] if d["location"].startswith("claims/")]
    for claim in project.claims:
        path = f"/claims/{claim.claim_id}/"
        html = anchors.html_file(built_site, path).read_text(encoding="utf-8")
        meta = head_of(built_site, path)
        assert meta.meta["og:title"] == claim.title
        assert meta.meta["og:description"] == share.claim_summary(project, claim)
        assert meta.meta["og:image"] == f"{SITE_URL}assets/cards/claims/{claim.claim_id}.png"
        assert f'id="claim-{claim.claim_id}"' in html
        context = [a for a in meta.links if "share__context" in a.get("class", "")]
        page = "" if claim.page == "index" else f"{claim.page}/"
        assert [a["href"] for a in context] == [f"../../{page}#claim-{claim.claim_id}"]
        assert "md-button--primary" in context[0]["class"]


# --- 6. Machine-readable claims ---------------------------------------------------------------


def test_claims_json_lists_exactly_the_claims_of_the_data_file(built_site: Path):
    data = yaml.safe_load((ROOT / "data/claims.yml").read_text(encoding="utf-8"))["claims"]
    sources = {
        s["id"]: s
        for s in yaml.safe_load((ROOT / "data/sources.yml").read_text(encoding="utf-8"))["sources"]
    }
    payload = json.loads((built_site / "claims.json").read_text(encoding="utf-8"))
    assert payload["version"] == payloads.CLAIMS_JSON_VERSION == 1
    assert payload["article"]["url"] == sources["article-en"]["url"]
    assert [c["id"] for c in payload["claims"]] == [c["id"] for c in data]
    for record, entry in zip(payload["claims"], data):
        page = "" if entry["page"] == "index" else f"{entry['page']}/"
        assert record["claim"] == entry["claim"] and record["status"] == entry["status"]
        assert (record["who"], record["when"]) == (entry["who"], str(entry["when"]))
        assert record["page_url"] == SITE_URL + page
        assert (
            record["url"]
            == f"{SITE_URL}{page}#claim-{entry['id']}"
            == (f"{record['page_url']}#{record['anchor']}")
        )
        assert [q["text"] for q in record["quotes"]] == entry.get("quotes", [])
        assert [s["url"] for s in record["sources"]] == [
            sources[s]["url"] for s in entry.get("sources", [])
        ]
        assert anchors.resolves(built_site, record["url"][len(SITE_URL) - 1 :])
        assert anchors.resolves(built_site, record["share_url"][len(SITE_URL) - 1 :])


# --- 4. Preview cards: drawn at build time, never committed --------------------------------


def test_the_build_draws_a_card_for_every_page_and_claim(built_site: Path):
    project = load_real_project()
    cards_dir = built_site / "assets" / "cards"
    found = {p.relative_to(cards_dir).with_suffix("").as_posix() for p in cards_dir.rglob("*.png")}
    pages = {p.relative_to(ROOT / "docs").with_suffix("").as_posix() for p in (ROOT / "docs").rglob("*.md")}
    assert found == pages | {f"claims/{c.claim_id}" for c in project.claims}
    with Image.open(cards_dir / "competition.png") as image:
        assert image.size == (1200, 630)


@pytest.mark.slow
def test_cards_are_reproducible_and_cached(tmp_path: Path):
    from explainer import cards
    from explainer.headtags import Site

    project = load_real_project()
    site = Site("Site", "https://example.org/")
    assert cards.write_cards(project, site, tmp_path / "a", tmp_path / "cache") == len(cards.card_specs(project, site))
    assert cards.write_cards(project, site, tmp_path / "b", tmp_path / "cache") == 0  # all cached
    fresh = cards.png(cards.card_specs(project, site)["index"], "Site")
    assert (tmp_path / "a" / "assets/cards/index.png").read_bytes() == fresh
    assert (tmp_path / "b" / "assets/cards/index.png").read_bytes() == fresh


@pytest.mark.slow
def test_a_card_drawn_over_a_linked_one_leaves_the_cache_as_it_was(tmp_path: Path):
    from explainer import cards
    from explainer.headtags import Site

    project, site = load_real_project(), Site("Site", "https://example.org/")
    cache, out = tmp_path / "cache", tmp_path / "site"
    cards.write_cards(project, site, out, cache)
    cards.write_cards(project, site, out, cache)  # every card from the cache, into the same site
    index = out / "assets/cards/index.png"
    before = {p.name: p.read_bytes() for p in cache.iterdir()}
    assert any(p.stat().st_ino == index.stat().st_ino for p in cache.iterdir()), "a hard link"
    renamed = Site("Another name", "https://example.org/")  # every card is drawn anew
    assert cards.write_cards(project, renamed, out, cache) == len(cards.card_specs(project, site))
    assert all((cache / name).read_bytes() == data for name, data in before.items())
    assert index.read_bytes() == cards.png(cards.card_specs(project, renamed)["index"], "Another name")


@pytest.mark.parametrize("cache", [False, True])
def test_a_missing_font_is_a_clear_build_problem(tmp_path: Path, monkeypatch, cache: bool):
    from explainer import cards, pipeline
    from explainer.headtags import Site

    monkeypatch.setattr(cards, "FONTS", tmp_path / "no-fonts")
    site = Site("Site", "https://example.org/")
    with pytest.raises(pipeline.PipelineError, match=r"DejaVuSans(-Bold)?\.ttf: missing; install Debian's fonts-dejavu-core"):
        pipeline.finish_site(tmp_path / "site", load_real_project(), site, tmp_path / "c" if cache else None)


def test_no_generated_image_is_tracked_in_docs():
    tracked = subprocess.run(["git", "ls-files", "docs"], cwd=ROOT, capture_output=True, text=True)
    assert [f for f in tracked.stdout.split() if f.endswith(".png")] == []


# --- 7. The 404 page --------------------------------------------------------------------------


def test_404_page_offers_search_and_every_page(built_site: Path):
    html = (built_site / "404.html").read_text(encoding="utf-8")
    assert re.search(r'<form class="notfound__search" role="search" [^>]*action="/"', html)
    assert re.search(r'<input id="notfound-query" type="search" name="q"', html)
    links = {a["href"] for a in head_of(built_site, "/404.html").links}
    pages = {
        "/" + p.relative_to(ROOT / "docs").with_suffix("").as_posix() + "/"
        for p in (ROOT / "docs").glob("*.md")
    }
    assert {"/" if p == "/index/" else p for p in pages} <= links


# --- The pure helpers (explainer/share.py) ----------------------------------------------------

HOSTILE = """\
claims:
  - id: new-id
    page: tender
    claim: 'A "quoted" <b>claim</b> & more --- : [x]'
    status: statement
    who: "Guillaume Poupard (ANSSI)"
    when: "2020-06-23"
    updated: "2026-11-28"
    quotes: ["In a prototyping phase"]
    sources: [outside]
    aliases: [old-id]
"""


def test_shorten_cuts_at_a_word():
    assert share.shorten("one two three", 9) == "one two…"
    assert share.shorten("short", 9) == "short"


def test_share_markdown_escapes_the_claim_and_links_to_it_in_context():
    project = make_project(HOSTILE)
    claim = project.claims[0]
    text = share.share_markdown(project, claim, 'Tender <i>"x"</i>')
    body, front = get_data(text)  # MkDocs' own front-matter reader
    assert front["title"] == escape(claim.text)
    assert front["description"] == escape(
        f"Statement · Guillaume Poupard (ANSSI) · {format_when('2020-06-23')} · Sources: geeky.news, Pub"
    )
    assert front["search"] == {"exclude": True}
    assert "<b>" not in text and "<i>" not in text
    assert 'href="../../tender/#claim-new-id"' in body and "<!-- claim new-id -->" in body
    assert "“Tender &lt;i&gt;&quot;x&quot;&lt;/i&gt;”" in body
    pages = share.alias_pages(project)
    assert list(pages) == ["claims/old-id/index.html"]
    assert '<link rel="canonical" href="../new-id/">' in pages["claims/old-id/index.html"]


def test_script_json_cannot_close_its_script_element():
    text = payloads.script_json({"a": "</script><script>alert(1)</script> & <!--"})
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text) == {"a": "</script><script>alert(1)</script> & <!--"}
