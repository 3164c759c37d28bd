"""Two builds of the same sources with the same SOURCE_DATE_EPOCH are byte-identical.

The builds run from two copies of the project in different folders, so an absolute path or a
build-time clock leaking into the output (sitemap dates, gzip headers) shows up as a difference.
"""

from __future__ import annotations

import pytest

from .helpers import copy_project, run_build, snapshot

pytestmark = pytest.mark.slow

EPOCH = "1617235200"  # 2021-04-01T00:00:00Z, any fixed moment will do


def differences(first: dict[str, bytes], second: dict[str, bytes]) -> list[str]:
    """Name every file present in only one build or with different bytes."""
    lines = [
        f"{name}: only in the {which} build"
        for which, a, b in (("first", first, second), ("second", second, first))
        for name in sorted(a.keys() - b.keys())
    ]
    lines += [
        f"{name}: bytes differ"
        for name in sorted(first.keys() & second.keys())
        if first[name] != second[name]
    ]
    return lines


def test_two_builds_with_the_same_source_date_epoch_are_byte_identical(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    builds = []
    for name in ("one", "two"):
        project = copy_project(tmp_path / name / "project")
        result = run_build(project, tmp_path / name / "site")
        assert result.returncode == 0, result.stderr
        builds.append(snapshot(tmp_path / name / "site"))
    assert {"index.html", "sitemap.xml", "sitemap.xml.gz", "search/search_index.json"} <= builds[
        0
    ].keys()
    problems = differences(*builds)
    assert not problems, "the builds differ:\n" + "\n".join(problems)
