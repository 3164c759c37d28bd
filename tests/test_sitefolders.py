"""Share-page folders made in a thread, kept pages unlinked (explainer/sitefolders.py)."""

from __future__ import annotations

import logging
import os
from pathlib import Path

from mkdocs.commands.build import build
from mkdocs.config import load_config

from explainer import sitefolders

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
        sitefolders, "make_folders", lambda paths: made.append(paths) or original(paths)
    )

    def build_once() -> dict[str, bytes]:
        config = load_config(str(project / "mkdocs.yml"), site_dir=str(site), strict=True)
        logging.getLogger("mkdocs").setLevel(logging.WARNING)
        build(config)
        return snapshot(site)

    first = build_once()
    assert build_once() == first
    assert len(made) == 2 and len(made[0]) > 50  # the share pages written outside the engine
