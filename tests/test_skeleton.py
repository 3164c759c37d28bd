"""Share pages filled into one themed skeleton are byte for byte what the theme writes in full.

Builds run in this process (so that the test can count and steer explainer/skeleton.py), on a
copy of the project with the preview-card cache shared. Each build is about two seconds.
"""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config

from explainer import skeleton
from explainer.pipeline import is_page

from .helpers import ROOT, copy_project, snapshot


def _build(project: Path, site: Path) -> dict[str, bytes]:
    config = load_config(str(project / "mkdocs.yml"), site_dir=str(site), strict=True)
    logging.getLogger("mkdocs").setLevel(logging.WARNING)
    build(config)
    return {k: v for k, v in snapshot(site).items() if k.startswith("claims/")}


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    project = copy_project(tmp_path_factory.mktemp("skeleton") / "project")
    (ROOT / "build").mkdir(exist_ok=True)
    (project / "build").symlink_to(ROOT / "build")  # cards are cached by content hash
    return project


def _share_pages(files: dict[str, bytes]) -> list[str]:
    """The themed share pages among a build's claims/ files (not the alias redirects)."""
    return [k for k, v in files.items() if k.endswith(".html") and is_page(v.decode("utf-8"))]


def _counting(monkeypatch) -> list[str]:
    filled: list[str] = []
    fill = skeleton.fill

    def counted(base: str, page) -> str:
        filled.append(page.file.src_uri)
        return fill(base, page)

    monkeypatch.setattr(skeleton, "fill", counted)
    return filled


def test_share_pages_are_filled_and_identical_to_full_renders(project, tmp_path, monkeypatch):
    filled = _counting(monkeypatch)
    fast = _build(project, tmp_path / "fast")
    pages = _share_pages(fast)
    assert len(pages) > 50 and len(filled) == len(pages), "every share page is filled"

    filled.clear()
    monkeypatch.setattr(skeleton, "shape", lambda page: None)  # no page fits: all in full
    full = _build(project, tmp_path / "full")
    assert filled == []
    assert fast.keys() == full.keys()
    different = [k for k in fast if fast[k] != full[k]]
    assert different == [], f"filled pages differ from the theme's own rendering: {different[:3]}"


def test_a_share_page_of_another_shape_is_rendered_in_full(project, tmp_path, monkeypatch):
    reference = _build(project, tmp_path / "reference")
    shape, odd = skeleton.shape, "claims/anticor-referral-pnf.md"

    def odd_one_out(page):
        found = shape(page)
        return found + ("odd",) if page.file.src_uri == odd else found

    monkeypatch.setattr(skeleton, "shape", odd_one_out)
    filled = _counting(monkeypatch)
    out = _build(project, tmp_path / "odd")
    assert odd not in filled and len(filled) == len(_share_pages(reference)) - 1
    assert out == reference


def test_slot_marks_cannot_come_from_data():
    class Page:
        meta = {"title": skeleton.token("content"), "description": "d"}
        canonical_url, content, url = "https://x/claims/a/", "<p>x</p>", "claims/a/"

    assert skeleton.shape(Page()) is None
