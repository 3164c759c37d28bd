"""Live preview: a real `mkdocs serve` on a copy of the project, driven by editing its files.

An edit to the claims file, the sources registry or the article rebuilds the site; a refused
edit prints its `path:line:` problem while the last good pages stay served; the fix brings the
new pages back, all without restarting the server.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from .helpers import MkDocsServer, edit

pytestmark = pytest.mark.slow

TEXT = "At the end of March 2021 the French association Anticor"  # claim anticor-referral-pnf
STATUS = re.compile(r"(?m)^    status: alleged$")
STILL_SERVING = "Still serving the last good build"


@pytest.fixture
def server(project: Path, tmp_path: Path):
    """The project copy served by `mkdocs serve` on a free 127.0.0.1 port."""
    served = MkDocsServer(project, tmp_path / "serve.log")
    try:
        served.wait_for("the first page", lambda: TEXT in served.page())
        yield served
    finally:
        served.stop()


def test_serve_watches_the_data_files(server):
    watching = next(line for line in server.log().splitlines() if "Watching paths" in line)
    paths = ("data/claims.yml", "data/sources.yml", "seeds/000_2cbf70e41ac90a36.txt", "docs")
    for path in (*paths, "mkdocs.yml", "includes"):
        assert f"'{path}'" in watching


def test_a_page_edit_reloads(server, project):
    edit(project / "docs/about.md", re.compile(r"\Z"), "\n\nEDITED-ABOUT-PAGE\n")
    server.wait_for("the edited page", lambda: "EDITED-ABOUT-PAGE" in server.page("about/"))


def test_claims_edit_refused_edit_and_fix_without_restart(server, project):
    claims = project / "data/claims.yml"
    edit(claims, TEXT, "EDIT-ONE: at the end of March 2021 the association Anticor")
    server.wait_for("the edited claim", lambda: "EDIT-ONE" in server.page())

    edit(claims, STATUS, "    status: alledged", atomic=True)
    line = claims.read_text(encoding="utf-8").splitlines().index("    status: alledged") + 1
    problem = (
        f"data/claims.yml:{line}: claim 'anticor-referral-pnf': unknown status 'alledged'"
        " (did you mean 'alleged'?)"
    )
    server.wait_for("the problem in the server's output", lambda: problem in server.log())
    # Stock MkDocs 1.6 would hold this request until the edit is fixed (page() times out).
    assert "EDIT-ONE" in server.page(), "the last good page is no longer served"
    assert STILL_SERVING in server.log()
    assert "Traceback" not in server.log()

    edit(claims, "    status: alledged", "    status: alleged")
    edit(claims, "EDIT-ONE", "EDIT-TWO")
    server.wait_for("the fixed claim", lambda: "EDIT-TWO" in server.page())
    assert server.log().count("Serving on") == 1


def rebuilt_cleanly(log: str) -> bool:
    """True once a rebuild after the last refused edit finished without an error.

    Not "Documentation built in …": MkDocs' DuplicateFilter drops that line when its timing
    repeats an earlier build's, so it may never appear again.
    """
    after = log[log.rfind(STILL_SERVING):]
    start = after.find("Building documentation")
    rebuild = after[start:] if start >= 0 else ""
    return "Reloading browsers" in rebuild and "ERROR" not in rebuild


def test_sources_and_article_edits_rebuild(server, project):
    edit(
        project / "data/sources.yml",
        re.compile(r'(?m)(^  - id: siecle-digital-anticor-2021-04\n    title: )".*"$'),
        r'\1"EDITED-SOURCE-TITLE"',
    )
    server.wait_for("the edited source title", lambda: "EDITED-SOURCE-TITLE" in server.page())

    article = project / "seeds/000_2cbf70e41ac90a36.txt"
    edit(article, "specializing in the fight", "specialising in the fight")
    missing = re.compile(
        r"claim 'anticor-referral-pnf': quote not found verbatim in the article: "
        r"'specializing in the fight"
    )
    server.wait_for("the quote no longer found", lambda: missing.search(server.log()))
    assert "EDITED-SOURCE-TITLE" in server.page()
    assert STILL_SERVING in server.log()

    edit(article, "specialising in the fight", "specializing in the fight")
    server.wait_for("a good build after the article's fix", lambda: rebuilt_cleanly(server.log()))
    assert "Traceback" not in server.log()


def test_the_preview_leaves_out_what_only_shared_links_need(server):
    """Share pages and preview cards are built by `scripts/serve build`, not by the preview."""
    import urllib.error

    assert 'id="claim-anticor-referral-pnf"' in server.page()
    assert '"id": "anticor-referral-pnf"' in server.page("claims.json")
    with pytest.raises(urllib.error.HTTPError) as missing:
        server.page("claims/anticor-referral-pnf/")
    assert missing.value.code == 404
