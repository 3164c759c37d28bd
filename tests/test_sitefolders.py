"""Folder work done in a thread during a build (explainer/sitefolders.py)."""

from __future__ import annotations

import logging
import os
from pathlib import Path

from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.utils import clean_directory

from explainer import sitefolders

from .helpers import ROOT, copy_project, snapshot


def _site(tmp_path: Path) -> Path:
    site = tmp_path / "site"
    for name in ("claims/a/index.html", "claims/b/index.html", "assets/cards/x.png", "index.html"):
        (site / name).parent.mkdir(parents=True, exist_ok=True)
        (site / name).write_text(name, encoding="utf-8")
    return site


def test_folders_moved_aside_are_out_of_the_engines_way_and_then_gone(tmp_path):
    site = _site(tmp_path)
    (site / ".explainer-old-1").mkdir()  # left by a killed build
    aside = sitefolders.move_aside(site, ("claims", "assets/cards"))
    assert not (site / "claims").exists() and not (site / "assets/cards").exists()
    clean_directory(str(site))  # MkDocs' clean, at the same time: hidden entries stay
    assert sitefolders.removed(aside) == []
    assert sorted(os.listdir(site)) == []


def test_nothing_to_move_aside_starts_nothing(tmp_path):
    assert sitefolders.move_aside(tmp_path / "none", ("claims",)) is None
    site = tmp_path / "site"
    site.mkdir()
    assert sitefolders.move_aside(site, ("claims",)) is None
    assert sitefolders.removed(None) == []


def test_what_could_not_be_removed_is_named(tmp_path, monkeypatch):
    site = _site(tmp_path)
    monkeypatch.setattr(sitefolders.shutil, "rmtree", lambda path, ignore_errors: None)
    left = sitefolders.removed(sitefolders.move_aside(site, ("claims",)))
    assert left == [site / f".explainer-old-{os.getpid()}"]


def test_only_real_folders_of_the_site_move(tmp_path):
    site, elsewhere = _site(tmp_path), tmp_path / "elsewhere"
    (elsewhere / "cards").mkdir(parents=True)
    (site / "assets" / "cards").rename(tmp_path / "gone")
    os.rmdir(site / "assets")
    (site / "assets").symlink_to(elsewhere)  # site/assets/cards is elsewhere/cards
    sitefolders.removed(sitefolders.move_aside(site, ("assets/cards",)))
    assert (elsewhere / "cards").is_dir()


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


def test_a_build_over_the_last_one_writes_the_same_site_and_leaves_nothing_aside(
    tmp_path, monkeypatch
):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764547200")
    project = copy_project(tmp_path / "project")
    (ROOT / "build").mkdir(exist_ok=True)
    (project / "build").symlink_to(ROOT / "build")  # cards are cached by content hash
    site, moved = tmp_path / "site", []
    original = sitefolders.move_aside
    monkeypatch.setattr(sitefolders, "move_aside", lambda *a: moved.append(a) or original(*a))

    def build_once() -> dict[str, bytes]:
        config = load_config(str(project / "mkdocs.yml"), site_dir=str(site), strict=True)
        logging.getLogger("mkdocs").setLevel(logging.WARNING)
        build(config)
        return snapshot(site)

    first = build_once()
    assert build_once() == first
    assert len(moved) == 2 and not list(site.glob(".*"))
