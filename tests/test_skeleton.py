"""Share pages: the MkDocs adapter builds the first through the engine and writes the others from
its themed skeleton (explainer/skeleton.py); every one is byte for byte what the theme writes in
full, and the sitemap lists them as the engine would.

Builds run in this process (so that the test can count and steer explainer/skeleton.py), on a
copy of the project with the preview-card cache shared. Each build is about two seconds.
"""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path

import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.exceptions import Abort

from explainer import pagecache, pipeline, skeleton
from explainer.headtags import Site
from explainer.pipeline import is_page

from .helpers import ROOT, copy_project, load_real_project, snapshot

# The sitemap's dates come from the build date: one fixed date for every build of this module.
EPOCH = "1764547200"


def _build(project: Path, site: Path) -> dict[str, bytes]:
    config = load_config(str(project / "mkdocs.yml"), site_dir=str(site), strict=True)
    logging.getLogger("mkdocs").setLevel(logging.WARNING)
    build(config)
    files = snapshot(site)
    return {k: v for k, v in files.items() if k.startswith(("claims/", "sitemap.xml"))}


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    project = copy_project(tmp_path_factory.mktemp("skeleton") / "project")
    (ROOT / "build").mkdir(exist_ok=True)
    (project / "build").symlink_to(ROOT / "build")  # cards are cached by content hash
    return project


@pytest.fixture(autouse=True)
def fixed_date(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)


def _share_pages(files: dict[str, bytes]) -> list[str]:
    """The themed share pages among a build's claims/ files (not the alias redirects)."""
    return [k for k, v in files.items() if k.endswith(".html") and is_page(v.decode("utf-8"))]


def _counting(monkeypatch, name: str) -> list:
    """Record the calls of one of skeleton's functions (their first argument after the HTML)."""
    calls: list = []
    original = getattr(skeleton, name)

    def counted(*args):
        calls.append(args[1] if len(args) > 1 else args[0])
        return original(*args)

    monkeypatch.setattr(skeleton, name, counted)
    return calls


def _differences(one: dict[str, bytes], other: dict[str, bytes]) -> list[str]:
    assert one.keys() == other.keys()
    return [k for k in one if one[k] != other[k]]


def test_share_pages_written_outside_the_engine_are_what_the_engine_writes(
    project, tmp_path, monkeypatch
):
    moved = _counting(monkeypatch, "rebase")
    outside = _build(project, tmp_path / "outside")
    pages = _share_pages(outside)
    assert len(pages) > 50 and len(moved) == len(pages) - 1, "all share pages but one"

    moved.clear()
    monkeypatch.setattr(skeleton, "OUTSIDE", False)  # every share page a page of the build
    filled = _counting(monkeypatch, "fill")
    engine = _build(project, tmp_path / "engine")
    assert moved == [] and len(filled) == len(pages)
    assert _differences(outside, engine) == [], "written outside and by the engine differ"

    filled.clear()
    monkeypatch.setattr(skeleton, "shape", lambda page: None)  # no page fits: all in full
    full = _build(project, tmp_path / "full")
    assert filled == []
    assert _differences(outside, full) == [], "filled pages differ from the theme's own"


def test_a_share_page_of_another_shape_is_rendered_in_full(project, tmp_path, monkeypatch):
    monkeypatch.setattr(skeleton, "OUTSIDE", False)
    reference = _build(project, tmp_path / "reference")
    shape, odd = skeleton.shape, "claims/anticor-referral-pnf.md"

    def odd_one_out(page):
        found = shape(page)
        return found + ("odd",) if page.file.src_uri == odd else found

    monkeypatch.setattr(skeleton, "shape", odd_one_out)
    filled = _counting(monkeypatch, "fill")
    out = _build(project, tmp_path / "odd")
    names = [page.file.src_uri for page in filled]
    assert odd not in names and len(names) == len(_share_pages(reference)) - 1
    assert out == reference


def _own_copy(tmp_path: Path) -> Path:
    project = copy_project(tmp_path / "project")
    (project / "build").symlink_to(ROOT / "build")
    return project


def test_a_dirty_build_rebuilds_every_share_page(tmp_path):
    project = _own_copy(tmp_path)
    site = tmp_path / "dirty"
    _build(project, site)
    claims = project / "data" / "claims.yml"
    text = claims.read_text(encoding="utf-8")
    claims.write_text(text.replace("Cnam board", "Cnam's board", 1), encoding="utf-8")
    # Not strict: MkDocs warns that a dirty build may leave links stale.
    config = load_config(str(project / "mkdocs.yml"), site_dir=str(site), strict=False)
    config.plugins.on_startup(command="build", dirty=True)  # as `mkdocs build --dirty` does
    build(config, dirty=True)  # the claims' pages are left as they were, their entries unread
    page = site / "claims" / "anticor-cnam-senate-criticism" / "index.html"
    assert "Cnam&#x27;s board" in page.read_text(encoding="utf-8")
    # The engine wrote the share pages over the last build's, which were links to kept pages:
    # the kept pages are as they were (explainer/pagecache.py names them by their digest).
    for kept in [p for p in (project / "build" / "share-pages").iterdir() if p.name.count(".") == 2]:
        digest = hashlib.sha256(kept.read_bytes()).hexdigest()[: pagecache.DIGEST]
        assert kept.name.split(".")[1] == digest, kept.name


def test_pages_with_markup_of_their_own_keep_their_share_pages_in_the_engine(
    tmp_path, monkeypatch
):
    """An abbreviation defined on one page, a link to a share page, a page left out of the
    build, a page of docs/ under claims/: the share pages concerned are built by the engine,
    and all are as the engine's."""
    project = _own_copy(tmp_path)
    with (project / "docs" / "index.md").open("a", encoding="utf-8") as page:
        page.write("\n*[Microsoft]: A US software company\n")
    with (project / "docs" / "about.md").open("a", encoding="utf-8") as page:
        page.write("\n[A claim alone](claims/us-cloud-act.md)\n")
    with (project / "mkdocs.yml").open("a", encoding="utf-8") as config:
        config.write("\ndraft_docs: tender.md\n")
    (project / "docs" / "claims").mkdir()  # a page of docs/ under claims/ is no share page
    (project / "docs" / "claims" / "index.md").write_text("# All claims\n", encoding="utf-8")
    outside = _build(project, tmp_path / "outside")
    monkeypatch.setattr(skeleton, "OUTSIDE", False)
    engine = _build(project, tmp_path / "engine")
    assert _differences(outside, engine) == []
    # The page's entry and the share page's differ: moving it would have been wrong.
    term = 'title="A US software company">Microsoft</abbr>'
    assert term in (tmp_path / "outside" / "index.html").read_text(encoding="utf-8")
    assert term not in outside["claims/hdh-microsoft-contract-april-2020/index.html"].decode()


@pytest.mark.parametrize(
    ("edit", "kept"),
    [
        ({}, set()),
        ({"tender.md": "Text.\n\n*[HDH]: Health Data Hub\n"}, {"tender"}),  # own abbreviation
        ({"tender.md": 'Text.\n\n--8<-- "more.md"\n'}, {"tender"}),  # a snippet of its own
        ({"tender.md": None}, {"tender"}),  # not built
    ],
)
def test_movable_share_pages_leave_pages_with_markup_of_their_own_to_the_engine(edit, kept):
    from explainer.pipeline import movable_share_pages

    project = load_real_project()
    sources = {f"{page}.md": "Text.\n" for page in project.pages} | edit
    sources = {path: text for path, text in sources.items() if text is not None}
    moved = movable_share_pages(project, sources)
    first, *rest = project.claims
    assert first.claim_id not in moved  # the one the others are made from
    assert moved == [c.claim_id for c in rest if c.page not in kept]


def test_a_share_page_a_page_links_to_stays_in_the_engine():
    from explainer.pipeline import movable_share_pages

    project = load_real_project()
    sources = {f"{page}.md": "Text.\n" for page in project.pages}
    sources["about.md"] = "[Alone](claims/us-cloud-act.md) and [this](../claims/us-fisa-702.md#x)"
    moved = movable_share_pages(project, sources)
    assert "us-cloud-act" not in moved and "us-fisa-702" not in moved
    assert len(moved) == len(project.claims) - 3


def test_slot_marks_cannot_come_from_data():
    class Page:
        meta = {"title": skeleton.token("content"), "description": "d"}
        canonical_url, content, url = "https://x/claims/a/", "<p>x</p>", "claims/a/"

    assert skeleton.shape(Page()) is None
    with pytest.raises(ValueError, match="title: holds the skeleton's slot mark"):
        skeleton.fill_values("<title>" + skeleton.token("title"), {"title": skeleton.MARK})


# --- Moving a fact-box entry from its page to a share page ------------------------------------


@pytest.mark.parametrize(
    ("href", "page", "moved"),
    [
        ("../source/#para-4", "tender/", "../../source/#para-4"),
        ("source/#para-4", "", "../../source/#para-4"),  # from the home page
        ("#claim-y", "competition/", "../../competition/#claim-y"),  # same page
        ("#claim-y", "", "../../#claim-y"),
        ("../", "tender/", "../../"),
        ("./", "tender/", "../../tender/"),
        ("../assets/x.png", "tender/", "../../assets/x.png"),
        ("https://example.org/a", "tender/", "https://example.org/a"),
        ("mailto:a@example.org", "tender/", "mailto:a@example.org"),
        ("//example.org/a", "tender/", "//example.org/a"),
        ("/abs/", "tender/", "/abs/"),
    ],
)
def test_rebase_makes_relative_links_right_for_the_share_page(href, page, moved):
    html = f'<p><a href="{href}">x</a><img src="{href}"></p>'
    assert skeleton.rebase(html, page, "claims/x/") == f'<p><a href="{moved}">x</a><img src="{moved}"></p>'


def test_refocus_gives_the_first_abbr_of_each_term_outside_links_a_tab_stop():
    html = (
        '<abbr title="t">A</abbr> <abbr tabindex="0" title="t">A</abbr> '
        '<a href="x"><abbr tabindex="0" title="u">B</abbr></a> <abbr title="u">B</abbr>'
    )
    assert skeleton.refocus(html) == (
        '<abbr tabindex="0" title="t">A</abbr> <abbr title="t">A</abbr> '
        '<a href="x"><abbr title="u">B</abbr></a> <abbr tabindex="0" title="u">B</abbr>'
    )


def test_entries_are_whole_list_items_with_their_nested_lists():
    html = (
        '<ol><li class="factbox__claim x" id="claim-a"><ul><li>s</li><li>t</li></ul></li>'
        '<li class="factbox__claim" id="claim-b">b</li></ol><li id="claim-c">not an entry</li>'
    )
    assert skeleton.entries(html) == {
        "claim-a": '<li class="factbox__claim x" id="claim-a"><ul><li>s</li><li>t</li></ul></li>',
        "claim-b": '<li class="factbox__claim" id="claim-b">b</li>',
    }


@pytest.mark.parametrize("name", ["claims.json", "claims/us-cloud-act.md", "claims/hdh-official-name-creation.md"])
def test_a_page_of_docs_where_a_generated_file_goes_stops_the_build(tmp_path, name, caplog):
    """claims.json, a share page written outside the engine, the first (built by it); before
    the site is cleaned, so the last good build stays whole."""
    project = _own_copy(tmp_path)
    good = _build(project, tmp_path / "site")
    (project / "docs" / name).parent.mkdir(exist_ok=True)
    (project / "docs" / name).write_text("# Mine\n", encoding="utf-8")
    with pytest.raises(Abort):
        _build(project, tmp_path / "site")
    assert f"docs/{name}: clashes with a generated file" in caplog.text
    assert {k: v for k, v in snapshot(tmp_path / "site").items() if k in good} == good


def test_the_paths_checked_before_the_build_are_those_of_the_generated_files():
    project = load_real_project()
    site = Site("S", "https://example.org/")
    every = set(pipeline.generated_files(project, site))
    assert pipeline.generated_paths(project) == every
    no_shares = set(pipeline.generated_files(project, site, leave_out=project.by_id.keys()))
    assert pipeline.generated_paths(project, share_pages=False) == no_shares
    assert len(every) - len(no_shares) == len(project.claims)
