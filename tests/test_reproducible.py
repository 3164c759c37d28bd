"""Two builds of the same sources with the same SOURCE_DATE_EPOCH are byte-identical.

The builds run from two copies of the project in different folders, so an absolute path or a
build-time clock leaking into the output (sitemap dates, gzip headers) shows up as a difference.
"""

from __future__ import annotations

from pathlib import Path

from .conftest import copy_project, run_build

EPOCH = "1617235200"  # 2021-04-01T00:00:00Z, any fixed moment will do


def snapshot(site: Path) -> dict[str, bytes]:
    """Map every file of a built site (relative path) to its bytes."""
    return {
        p.relative_to(site).as_posix(): p.read_bytes()
        for p in sorted(site.rglob("*"))
        if p.is_file()
    }


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


def test_differences_names_missing_and_changed_files():
    assert differences({"a": b"1", "b": b"2"}, {"b": b"3", "c": b"4"}) == [
        "a: only in the first build",
        "c: only in the second build",
        "b: bytes differ",
    ]


def test_build_without_fixed_epoch_stamps_the_clock(tmp_path, monkeypatch):
    """Guard for the test above: the sitemap really carries the build date, so fixing it matters."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    project = copy_project(tmp_path / "project")
    assert run_build(project, tmp_path / "site").returncode == 0
    assert "<lastmod>2021-04-01</lastmod>" in (tmp_path / "site" / "sitemap.xml").read_text()
