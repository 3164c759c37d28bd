"""Share-page folders made in a thread, kept pages unlinked (explainer/sitefolders.py)."""

from __future__ import annotations

import logging
import os
from pathlib import Path

import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.exceptions import Abort

from explainer import csp, sitefolders

from .helpers import ROOT, copy_project, snapshot


def _site(tmp_path: Path) -> Path:
    site = tmp_path / "site"
    for name in ("claims/a/index.html", "claims/b/index.html", "assets/cards/x.png", "index.html"):
        (site / name).parent.mkdir(parents=True, exist_ok=True)
        (site / name).write_text(name, encoding="utf-8")
    return site


def test_pages_linked_from_a_cache_are_unlinked_others_kept(tmp_path):
    site = _site(tmp_path)
    os.link(site / "claims/a/index.html", tmp_path / "kept.html")
    sitefolders.unlink_linked(site / "claims", "*/index.html")
    assert not (site / "claims/a/index.html").exists()
    assert (site / "claims/b/index.html").exists() and (tmp_path / "kept.html").exists()


def test_folders_are_made_for_the_files_named(tmp_path):
    paths = [str(tmp_path / "site" / "claims" / n / "index.html") for n in ("a", "b")]
    sitefolders.make_folders(paths).join()
    assert all(Path(p).parent.is_dir() for p in paths)


def test_a_build_over_the_last_one_writes_the_same_site(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764547200")
    project = copy_project(tmp_path / "project")
    (ROOT / "build").mkdir(exist_ok=True)
    (project / "build").symlink_to(ROOT / "build")  # cards are cached by content hash
    site, made = tmp_path / "site", []
    original = sitefolders.make_folders
    monkeypatch.setattr(
        sitefolders,
        "make_folders",
        lambda paths: made.append(paths) or original(paths),
    )

    def build_once() -> dict[str, bytes]:
        config = load_config(str(project / "mkdocs.yml"), site_dir=str(site), strict=True)
        logging.getLogger("mkdocs").setLevel(logging.WARNING)
        build(config)
        return snapshot(site)

    first = build_once()
    assert build_once() == first
    # The share pages written outside the engine: their folders made once, then reused.
    assert len(made) == 1 and len(made[0]) > 50


def test_a_folder_set_aside_hides_from_the_clean_and_comes_back(tmp_path):
    site = _site(tmp_path)
    kept = sitefolders.set_aside(site, "claims")
    assert kept == site / ".explainer-kept-claims" and not (site / "claims").exists()
    assert (kept / "a/index.html").read_text() == "claims/a/index.html"
    assert sitefolders.take_back(kept, site / "claims") and not kept.exists()
    assert (site / "claims/b/index.html").is_file()
    cards = sitefolders.set_aside(site, "assets/cards")
    assert cards == site / ".explainer-kept-assets-cards"
    assert sitefolders.set_aside(site, "nothing-there") is None


def test_a_folder_left_aside_by_a_stopped_build_is_used_again(tmp_path):
    site = _site(tmp_path)
    kept = sitefolders.set_aside(site, "claims")  # the build stopped here
    assert sitefolders.set_aside(site, "claims") == kept and kept.is_dir()
    (site / "claims").mkdir()  # and a newer folder replaces an older one set aside
    (site / "claims/new.html").write_text("new", encoding="utf-8")
    assert sitefolders.set_aside(site, "claims") == kept
    assert sorted(p.name for p in kept.iterdir()) == ["new.html"]


def test_a_folder_is_not_taken_back_over_one_made_meanwhile(tmp_path):
    site = _site(tmp_path)
    kept = sitefolders.set_aside(site, "claims")
    (site / "claims").mkdir()  # empty: replaced
    assert sitefolders.take_back(kept, site / "claims")
    kept = sitefolders.set_aside(site, "claims")
    (site / "claims").mkdir()
    (site / "claims/x.html").write_text("x", encoding="utf-8")
    assert not sitefolders.take_back(kept, site / "claims") and not kept.exists()
    assert [p.name for p in (site / "claims").iterdir()] == ["x.html"]


def test_a_symlinked_folder_is_not_set_aside(tmp_path):
    site, elsewhere = _site(tmp_path), tmp_path / "elsewhere"
    elsewhere.mkdir()
    (site / "claims2").symlink_to(elsewhere)
    assert sitefolders.set_aside(site, "claims2") is None and (site / "claims2").is_symlink()


def test_keep_only_removes_what_is_not_wanted(tmp_path):
    site = _site(tmp_path)
    (site / "claims/a/extra.txt").write_text("x", encoding="utf-8")
    (site / "claims/c").mkdir()
    sitefolders.keep_only(site / "claims", {"a/index.html", "b/index.html"})
    found = sorted(p.relative_to(site).as_posix() for p in (site / "claims").rglob("*"))
    assert found == ["claims/a", "claims/a/index.html", "claims/b", "claims/b/index.html"]
    sitefolders.keep_only(site / "claims", {"b/index.html"})
    assert sorted(p.name for p in (site / "claims").iterdir()) == ["b"]


def test_a_build_over_a_changed_site_writes_what_a_clean_build_writes(tmp_path, monkeypatch):
    """The folders reused from the last build: stale claims, stray files and a page the engine
    writes that is a link to another file (a kept page, say) leave no trace, write through
    nothing, and no folder set aside stays in the site."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764547200")
    project = copy_project(tmp_path / "project")
    (ROOT / "build").mkdir(exist_ok=True)
    (project / "build").symlink_to(ROOT / "build")  # cards are cached by content hash
    config = project / "mkdocs.yml"  # a redirect another plugin writes where a page was linked
    config.write_text(
        config.read_text(encoding="utf-8").replace(
            "redirect_maps: {}", "redirect_maps: {claims/old-name.md: index.md}"
        ),
        encoding="utf-8",
    )

    def build_into(site: Path) -> dict[str, bytes]:
        config = load_config(str(project / "mkdocs.yml"), site_dir=str(site), strict=True)
        logging.getLogger("mkdocs").setLevel(logging.WARNING)
        build(config)
        return snapshot(site)

    clean = build_into(tmp_path / "clean")
    site = tmp_path / "site"
    build_into(site)
    engine = [p for p in (site / "claims").glob("*/index.html") if p.stat().st_nlink == 1]
    engine.remove(site / "claims/old-name/index.html")  # the redirect
    assert len(engine) == 1  # the share page the engine writes, the skeleton's source
    victim = tmp_path / "victim.html"
    victim.write_text("not to be written through", encoding="utf-8")
    engine[0].unlink()
    os.link(victim, engine[0])
    card = next((site / "assets/cards/claims").iterdir())
    card.unlink()
    os.link(victim, card)
    (site / "claims/old-name/index.html").unlink()
    os.link(victim, site / "claims/old-name/index.html")
    (site / "claims/removed-claim").mkdir()
    (site / "claims/removed-claim/index.html").write_text("stale", encoding="utf-8")
    (site / "claims/stray.txt").write_text("stray", encoding="utf-8")
    outside = next(p for p in (site / "claims").glob("*/index.html") if p != engine[0])
    (outside.parent / "junk.txt").write_text("junk", encoding="utf-8")
    (site / "assets/cards/old.png").write_bytes(b"old")
    assert build_into(site) == clean
    assert victim.read_text(encoding="utf-8") == "not to be written through"
    assert not [p for p in site.iterdir() if p.name.startswith(sitefolders.KEPT)]


def test_the_csp_step_reads_back_no_share_page_it_secured_first(tmp_path, monkeypatch):
    """Share pages written outside the engine are secured before they are written; the CSP
    step's last pass (mkdocs_csp.py on_post_build) skips them and checks the other files."""
    project = copy_project(tmp_path / "project")
    (ROOT / "build").mkdir(exist_ok=True)
    (project / "build").symlink_to(ROOT / "build")
    checked: list[str] = []
    original = csp.has_policy
    monkeypatch.setattr(csp, "has_policy", lambda html: checked.append(html) or original(html))
    config = load_config(str(project / "mkdocs.yml"), site_dir=str(tmp_path / "site"), strict=True)
    logging.getLogger("mkdocs").setLevel(logging.WARNING)
    build(config)
    shares = list((tmp_path / "site" / "claims").glob("*/index.html"))
    pages = list((tmp_path / "site").rglob("*.html"))
    assert len(shares) > 50 and len(checked) == len(pages) - len(shares) + 1  # + the engine's
    assert all(csp.has_policy(p.read_text(encoding="utf-8")) for p in shares)


def test_a_failed_build_leaves_no_folder_aside(tmp_path):
    """A build that fails after setting the last build's folders aside puts them back; a
    --dirty build removes any folder left aside. (Its second process, stopped and reaped:
    tests/test_prefetch.py.)"""
    project = copy_project(tmp_path / "project")
    (ROOT / "build").mkdir(exist_ok=True)
    (project / "build").symlink_to(ROOT / "build")
    site = tmp_path / "site"

    def build_once(dirty: bool = False) -> None:
        config = load_config(str(project / "mkdocs.yml"), site_dir=str(site), strict=True)
        logging.getLogger("mkdocs").setLevel(logging.ERROR)
        config.plugins.on_startup(command="build", dirty=dirty)  # as `mkdocs build` does
        try:
            build(config, dirty=dirty)
        finally:
            config.plugins.on_startup(command="build", dirty=False)

    build_once()
    (project / "docs" / "claims.json").write_text("{}", encoding="utf-8")  # a clash: on_files
    with pytest.raises(Abort):  # "docs/claims.json: clashes with a generated file"
        build_once()
    assert not [p.name for p in site.iterdir() if p.name.startswith(sitefolders.KEPT)]
    assert len(list((site / "claims").glob("*/index.html"))) > 50  # put back
    (site / ".explainer-kept-claims").mkdir()  # as a build killed midway would leave it
    (project / "docs" / "claims.json").unlink()
    build_once(dirty=True)
    assert not [p.name for p in site.iterdir() if p.name.startswith(sitefolders.KEPT)]


def test_a_page_under_claims_made_a_draft_leaves_no_folder_behind(tmp_path, monkeypatch):
    """A page of docs/claims/ built once, then a draft (not built by `mkdocs build`): the folder
    reused from the last build loses it, as a clean build never had it."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764547200")
    project = copy_project(tmp_path / "project")
    (ROOT / "build").mkdir(exist_ok=True)
    (project / "build").symlink_to(ROOT / "build")
    (project / "docs" / "claims").mkdir()
    (project / "docs" / "claims" / "notes.md").write_text("# Notes\n", encoding="utf-8")
    config = project / "mkdocs.yml"

    def build_into(site: Path) -> dict[str, bytes]:
        loaded = load_config(str(config), site_dir=str(site), strict=False)
        logging.getLogger("mkdocs").setLevel(logging.ERROR)
        build(loaded)
        return snapshot(site)

    build_into(tmp_path / "site")
    assert (tmp_path / "site" / "claims" / "notes" / "index.html").is_file()
    config.write_text(
        config.read_text(encoding="utf-8") + "\ndraft_docs: claims/notes.md\n", encoding="utf-8"
    )
    assert build_into(tmp_path / "site") == build_into(tmp_path / "clean")
    assert not (tmp_path / "site" / "claims" / "notes").exists()
