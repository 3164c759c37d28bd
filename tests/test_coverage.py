"""Coverage: every substantive sentence of the article is quoted by a claim, and the check says so.

Runs the check command as an editor would (`python -m explainer.check --min-coverage 100`), on
the real project and on a copy where one sentence loses its only covering quote.
"""

from __future__ import annotations

from pathlib import Path

from .helpers import ROOT, copy_project, edit, run_check

ONLY_COVER = '      - "Currently, 42 projects are supported."\n'
OTHER_QUOTE = '      - "This information can be reused for artificial intelligence projects."\n'


def test_the_real_article_is_fully_covered():
    result = run_check(ROOT, "--min-coverage", "100")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "article coverage: 25/25 substantive sentences quoted by a claim" in result.stdout
    assert "not covered" not in result.stdout


def test_removing_the_only_quote_of_a_sentence_fails_the_check(tmp_path: Path):
    project = copy_project(tmp_path / "project")
    # The claims no longer quote the sentence this test removes if the edit finds nothing.
    edit(project / "data" / "claims.yml", ONLY_COVER, OTHER_QUOTE)
    result = run_check(project, "--min-coverage", "100")
    assert result.returncode == 1
    assert "article coverage: 24/25 substantive sentences" in result.stdout
    assert "  not covered: Currently, 42 projects are supported." in result.stdout
    assert "coverage 96% is below the minimum 100%" in result.stderr
    assert run_check(project).returncode == 0  # the data itself is still valid
