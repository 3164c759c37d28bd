"""Zensical parity: the project's Zensical build carries the whole site, page for page.

Builds a copy of the project through the project's Zensical adapter (`python -m
explainer.zensical_build`, what scripts/zensical-build runs, in .venv-zensical) and compares it
with the MkDocs build: page by page (claim anchors, fact-box texts, claim links, heading ids and
the whole text of the article), every claim's share page, claims.json, the alias redirects, the
link-preview tags and a CSP on every page. Theme markup, search index format and sitemap differ
by design (README, "Engines").
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import markdown
import pytest
from markdown.preprocessors import Preprocessor

from explainer import palette
from explainer.check import settings_from_file
from explainer.mdext import relative_href

from .helpers import ROOT, ZENSICAL_VENV, copy_project, load_real_project, run_build

ANSI = re.compile(r"\x1b\[[0-9;]*m")
PROBLEM = re.compile(r"^\S+:\d+: .+$", re.MULTILINE)


def run_zensical(project: Path) -> subprocess.CompletedProcess:
    """Build a project folder with Zensical, as scripts/zensical-build does."""
    python = ZENSICAL_VENV / "bin" / "python"
    if not python.exists():
        pytest.fail(
            f"{python} is missing: run scripts/setup (or scripts/zensical-build --install-only)"
        )
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", "NO_COLOR": "1"}
    # `-m` puts the project folder first on sys.path, so the copy's explainer package is used.
    result = subprocess.run(
        [str(python), "-m", "explainer.zensical_build", "mkdocs.yml"],
        check=False,
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    result.stdout, result.stderr = ANSI.sub("", result.stdout), ANSI.sub("", result.stderr)
    return result


class PageFacts(HTMLParser):
    """Collect what must not depend on the site generator from one built page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.claim_ids: set[str] = set()
        self.heading_ids: list[str] = []
        self.boxes: list[str] = []
        self.claim_links: list[str] = []
        self.text: list[str] = []
        self.article = 0
        self.box_depth = 0
        self.ref_depth = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:
        attr = dict(attrs)
        classes = (attr.get("class") or "").split()
        if (attr.get("id") or "").startswith("claim-"):
            self.claim_ids.add(attr["id"])
        if tag == "article":
            self.article += 1
        if self.article and re.fullmatch(r"h[1-6]", tag) and attr.get("id"):
            self.heading_ids.append(attr["id"])
        if tag == "section" and (self.box_depth or "factbox" in classes):
            self.box_depth += 1
            if self.box_depth == 1:
                self.boxes.append("")
        if tag == "sup" and (self.ref_depth or "claimref" in classes):
            self.ref_depth += 1
        if tag == "a" and (self.box_depth or self.ref_depth):
            self.claim_links.append(attr.get("href") or "")

    def handle_endtag(self, tag: str) -> None:
        # Only tags that always have an end tag are counted, so void elements cannot unbalance.
        if tag == "article" and self.article:
            self.article -= 1
        if tag == "section" and self.box_depth:
            self.box_depth -= 1
        if tag == "sup" and self.ref_depth:
            self.ref_depth -= 1

    def handle_data(self, data: str) -> None:
        if self.article:
            self.text.append(data)
        if self.box_depth:
            self.boxes[-1] += data

    def facts(self) -> dict:
        boxes = [" ".join(text.split()) for text in self.boxes]
        return {
            "claim ids": sorted(self.claim_ids),
            "heading ids": self.heading_ids,
            "fact boxes": boxes,
            "claim links": self.claim_links,
            "article text": " ".join("".join(self.text).split()),
        }


def page_facts(site: Path, page: Path) -> dict:
    """Read one page's facts from a built site (directory URLs: a.md → a/index.html)."""
    url = page.with_suffix("") if page.stem != "index" else page.parent
    parser = PageFacts()
    parser.feed((site / url / "index.html").read_text(encoding="utf-8"))
    return parser.facts()


def site_facts(site: Path) -> dict[str, dict]:
    pages = sorted(p.relative_to(ROOT / "docs") for p in (ROOT / "docs").rglob("*.md"))
    return {page.as_posix(): page_facts(site, page) for page in pages}


@pytest.fixture(scope="session")
def zensical_site(tmp_path_factory) -> Path:
    """The real project built once by Zensical."""
    project = copy_project(tmp_path_factory.mktemp("zensical") / "project")
    result = run_zensical(project)
    assert result.returncode == 0, result.stdout + result.stderr
    return project / "site"


@pytest.mark.zensical
def test_zensical_build_matches_mkdocs_page_by_page(built_site: Path, zensical_site: Path):
    mkdocs, zensical = site_facts(built_site), site_facts(zensical_site)
    for page in mkdocs:
        assert zensical[page] == mkdocs[page], page


@pytest.mark.zensical
def test_zensical_build_shows_every_claim_and_no_marker(zensical_site: Path):
    project = load_real_project()
    expected = {f"claim-{name}" for c in project.claims for name in (c.claim_id, *c.aliases)}
    found = set().union(*(facts["claim ids"] for facts in site_facts(zensical_site).values()))
    assert expected and found == expected
    for page in zensical_site.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert "⟦" not in text and "<!-- factbox" not in text and "<!-- ref" not in text, page


def break_claims(project: Path) -> None:
    """Misspell the first claim's status, as an editor might."""
    claims = project / "data" / "claims.yml"
    text = claims.read_text(encoding="utf-8")
    claims.write_text(re.sub(r"(\n\s+status: )(\w+)", r"\1\2x", text, count=1), encoding="utf-8")


@pytest.mark.zensical
def test_bad_claims_fail_zensical_with_the_mkdocs_message(project: Path, tmp_path: Path):
    break_claims(project)
    zensical = run_zensical(project)
    mkdocs = run_build(project, tmp_path / "mkdocs-site")
    assert mkdocs.returncode == 1 and zensical.returncode == 1
    problems = PROBLEM.findall(zensical.stderr)
    assert problems and problems == PROBLEM.findall(mkdocs.stdout + mkdocs.stderr)
    assert "unknown status" in problems[0]
    assert "Traceback" not in zensical.stdout + zensical.stderr


@pytest.mark.zensical
def test_script_checks_data_before_touching_the_site(project: Path):
    run = {"capture_output": True, "text": True, "timeout": 300}
    # The copy borrows the real venv; bring it up to date from the real project first, so the
    # copy's script never reinstalls into it (with the temporary folder as the package).
    install = [str(ROOT / "scripts" / "zensical-build"), "--install-only"]
    assert subprocess.run(install, check=False, **run).returncode == 0
    shutil.copytree(ROOT / "scripts", project / "scripts")
    for name in ("pyproject.toml", "requirements-zensical.lock"):
        shutil.copy2(ROOT / name, project / name)
    (project / ".venv-zensical").symlink_to(ZENSICAL_VENV)
    script = [str(project / "scripts" / "zensical-build")]
    assert subprocess.run(script, check=False, **run).returncode == 0
    pages = sorted((project / "site").rglob("index.html"))
    break_claims(project)
    failed = subprocess.run(script, check=False, **run)
    assert failed.returncode == 1 and "unknown status" in failed.stderr
    assert pages and sorted((project / "site").rglob("index.html")) == pages


@pytest.mark.parametrize(
    ("href", "page", "expected"),
    [
        ("/tender.md#claim-x", "index.md", "tender.md#claim-x"),
        ("/index.md#claim-x", "sub/page.md", "../index.md#claim-x"),
        ("/a/b.md", "a/c.md", "b.md"),
        ("#claim-x", "sub/page.md", "#claim-x"),
        ("https://example.org/a.md", "index.md", "https://example.org/a.md"),
        ("//example.org/a.md", "index.md", "//example.org/a.md"),
        ("/assets/x.css", "index.md", "/assets/x.css"),
    ],
)
def test_relative_href(href: str, page: str, expected: str):
    assert relative_href(href, page) == expected


class _FakeContext(Preprocessor):
    """Stands in for the preprocessor Zensical registers with the page being converted."""

    def __init__(self, md, path: str) -> None:
        super().__init__(md)
        self.page = type("Page", (), {"path": path})()

    def run(self, lines: list[str]) -> list[str]:
        return lines


ARTICLE_PATH = settings_from_file(ROOT / "mkdocs.yml").article


def convert_ref(context_path: str | None) -> tuple[str, str]:
    """Convert a page holding one reference to another page's claim; return (claim page, HTML)."""
    claim = load_real_project().claims[0]
    md = markdown.Markdown(
        extensions=["explainer.mdext"],
        extension_configs={"explainer.mdext": {"base_dir": str(ROOT), "article": ARTICLE_PATH}},
    )
    if context_path is not None:
        md.preprocessors.register(_FakeContext(md, context_path), "rendering_context", 0)
    return claim.page, md.convert(f"Text. <!-- ref {claim.claim_id} -->")


def test_links_stay_docs_absolute_outside_zensical():
    page, html = convert_ref(None)
    assert f'href="/{page}.md#claim-' in html


def test_links_become_page_relative_under_zensical():
    page, html = convert_ref("sub/page.md")
    assert f'href="../{page}.md#claim-' in html


# --- The full feature set under Zensical (issue #12) ------------------------------------------

OG = re.compile(r'<meta property="(og:[a-z:_]+)" content="([^"]*)">')
JSONLD = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.DOTALL)
CSP_META = re.compile(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)">')


def share_pages(site: Path) -> list[str]:
    return sorted(p.parent.name for p in (site / "claims").glob("*/index.html"))


@pytest.mark.zensical
def test_zensical_makes_a_share_page_for_every_claim(built_site: Path, zensical_site: Path):
    project = load_real_project()
    assert share_pages(zensical_site) == sorted(c.claim_id for c in project.claims)
    for name in share_pages(built_site):
        page = Path("claims") / name / "index.html"
        assert page_facts(zensical_site, page.parent) == page_facts(built_site, page.parent), name


@pytest.mark.zensical
def test_zensical_writes_the_same_claims_json(built_site: Path, zensical_site: Path):
    mkdocs = json.loads((built_site / "claims.json").read_text(encoding="utf-8"))
    assert json.loads((zensical_site / "claims.json").read_text(encoding="utf-8")) == mkdocs


@pytest.mark.zensical
def test_zensical_pages_carry_the_same_preview_tags(built_site: Path, zensical_site: Path):
    pages = [p.relative_to(built_site) for p in built_site.rglob("index.html")]
    assert len(pages) > 60
    for page in pages:
        mkdocs = (built_site / page).read_text(encoding="utf-8")
        zensical = (zensical_site / page).read_text(encoding="utf-8")
        if 'http-equiv="refresh"' in mkdocs:
            continue
        assert OG.findall(zensical) == OG.findall(mkdocs), page
        assert JSONLD.findall(zensical) == JSONLD.findall(mkdocs), page


@pytest.mark.zensical
def test_every_zensical_page_has_a_csp_that_allows_its_inline_scripts(zensical_site: Path):
    from explainer import csp

    pages = sorted(zensical_site.rglob("*.html"))
    assert len(pages) > 60
    for page in pages:
        html = page.read_text(encoding="utf-8")
        match = CSP_META.search(html)
        assert match, page
        for script in csp.find_inline(CSP_META.sub("", html)).scripts:
            assert csp.source_hash(script) in match.group(1), page


@pytest.mark.zensical
def test_zensical_writes_alias_redirects(project: Path):
    claims = project / "data" / "claims.yml"
    text = claims.read_text(encoding="utf-8")
    claims.write_text(
        text.replace("  - id: anticor-referral-pnf\n", "  - id: anticor-referral-pnf\n    aliases: [old-referral]\n", 1),
        encoding="utf-8",
    )
    result = run_zensical(project)
    assert result.returncode == 0, result.stderr
    redirect = (project / "site" / "claims" / "old-referral" / "index.html").read_text()
    assert '<meta http-equiv="refresh" content="0; url=../anticor-referral-pnf/">' in redirect
    assert CSP_META.search(redirect)


@pytest.mark.zensical
def test_a_failed_zensical_build_leaves_the_last_good_site(project: Path):
    assert run_zensical(project).returncode == 0
    before = sorted((project / "site").rglob("*"))
    page = project / "docs" / "about.md"
    page.write_text(page.read_text() + '\n<p style="color: red">inline style</p>\n')
    failed = run_zensical(project)
    assert failed.returncode == 1 and "style" in failed.stderr
    assert sorted((project / "site").rglob("*")) == before


@pytest.mark.zensical
def test_the_nginx_header_can_be_generated_from_the_zensical_build(zensical_site: Path, tmp_path):
    from explainer import csp

    conf = tmp_path / "nginx.conf"
    shutil.copy2(ROOT / "deploy" / "nginx.conf", conf)
    sync = [sys.executable, str(ROOT / "deploy" / "sync_csp.py"), str(zensical_site), str(conf)]
    assert subprocess.run(sync, capture_output=True, text=True, timeout=120).returncode == 0
    check = subprocess.run([*sync, "--check"], capture_output=True, text=True, timeout=120)
    assert check.returncode == 0, check.stdout + check.stderr
    header = conf.read_text(encoding="utf-8")
    for page in sorted(zensical_site.rglob("*.html"))[:20]:
        html = CSP_META.sub("", page.read_text(encoding="utf-8"))
        for script in csp.find_inline(html).scripts:
            assert csp.source_hash(script) in header, page


@pytest.mark.zensical
def test_zensical_pages_hand_the_toggle_to_explainer_js(zensical_site: Path):
    """Zensical's script mounts the palette by the same name as Material's (explainer/palette.py)."""
    pages = [p for p in zensical_site.rglob("*.html") if "md-header__option" in p.read_text()]
    assert len(pages) > 60
    for page in pages:
        html = page.read_text("utf-8")
        assert palette.OURS in html and 'data-md-component="palette"' not in html, page
