"""A second article, no code change (issue #13): tests/second-article/ is a complete small site
(its own mkdocs.yml, pages, claims, sources, article text and article data) that the same
package builds strictly, with fact boxes, a source page, a timeline and every derived output."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import ROOT

SECOND = ROOT / "tests" / "second-article"


@pytest.fixture(scope="module")
def second_site(tmp_path_factory) -> Path:
    """The second article's site, built from its own folder as its README line says."""
    site = tmp_path_factory.mktemp("second") / "site"
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)],
        cwd=SECOND, capture_output=True, text=True, timeout=300,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "WARNING" not in result.stderr
    return site


def test_the_check_command_validates_the_second_article():
    result = subprocess.run(
        [sys.executable, "-m", "explainer.check", "--min-coverage", "100", str(SECOND / "mkdocs.yml")],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("5 claims on 1 page, 2 sources: valid")


def test_it_has_fact_boxes_references_and_share_pages(second_site: Path):
    html = (second_site / "index.html").read_text(encoding="utf-8")
    assert len(re.findall(r'<li class="factbox__claim[^"]*" id="claim-', html)) == 5
    assert 'href="#claim-council-votes-closure"' in html
    assert "Correction, <time" in html  # its own corrections log
    shares = sorted(p.parent.name for p in (second_site / "claims").glob("*/index.html"))
    assert len(shares) == 5 and "mayor-reopening-promise" in shares
    payload = json.loads((second_site / "claims.json").read_text(encoding="utf-8"))
    assert payload["article"]["id"] == "riverside-news" and len(payload["claims"]) == 5
    assert (second_site / "assets" / "explainer.css").is_file()  # the package's own assets
    assert (second_site / "assets" / "cards" / "claims" / "patch-rejected.png").is_file()


def test_its_source_page_shows_its_article_and_its_notes(second_site: Path):
    html = (second_site / "source" / "index.html").read_text(encoding="utf-8")
    assert "Riverside library to close for roof repairs" in html
    assert "note 1" in html and "Notes on the text" in html
    assert "Share this article" in html.split('id="left-out"')[1]  # listed as left out only


def test_its_timeline_draws_its_own_promise(second_site: Path):
    html = (second_site / "timeline" / "index.html").read_text(encoding="utf-8")
    assert "Within six months (Riverside News)" in html
    assert "Council votes to close the library" in html
    assert "Content-Security-Policy" in html
