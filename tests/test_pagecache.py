"""Finished pages kept between builds (explainer/pagecache.py): linked when sound, made again
when the page, the salt or the kept bytes differ."""

from __future__ import annotations

from pathlib import Path

from explainer.pagecache import PageCache


def _finishing(calls: list[str]):
    def finish(page: str) -> str:
        calls.append(page)
        return page.replace("<head>", "<head><meta policy>")

    return finish


def _write(folder: Path, salt: bytes, page: str, path: Path, calls: list[str]) -> bool:
    path.parent.mkdir(parents=True, exist_ok=True)
    return PageCache(folder, salt).write(page, path, _finishing(calls))


def test_a_kept_page_is_linked_and_not_finished_again(tmp_path):
    cache, calls, page = tmp_path / "cache", [], "<head></head>é"
    assert _write(cache, b"v1", page, tmp_path / "a" / "index.html", calls) is False
    assert _write(cache, b"v1", page, tmp_path / "b" / "index.html", calls) is True
    assert calls == [page]
    for site in ("a", "b"):
        assert (tmp_path / site / "index.html").read_text("utf-8") == "<head><meta policy></head>é"
    assert (tmp_path / "b" / "index.html").stat().st_nlink == 3  # a's, b's and the kept one
    assert len(list(cache.iterdir())) == 1


def test_another_page_or_salt_is_finished_anew(tmp_path):
    cache, calls = tmp_path / "cache", []
    _write(cache, b"v1", "<head></head>one", tmp_path / "a.html", calls)
    assert _write(cache, b"v1", "<head></head>two", tmp_path / "b.html", calls) is False
    assert _write(cache, b"v2", "<head></head>one", tmp_path / "c.html", calls) is False
    assert len(calls) == 3 and len(list(cache.iterdir())) == 3


def test_a_page_written_through_its_link_is_never_used_again(tmp_path):
    cache, calls, page = tmp_path / "cache", [], "<head></head>x"
    site = tmp_path / "site" / "index.html"
    _write(cache, b"v1", page, site, calls)
    with site.open("w", encoding="utf-8") as f:  # an in-place edit reaches the kept file too
        f.write("edited")
    assert _write(cache, b"v1", page, tmp_path / "again.html", calls) is False
    assert (tmp_path / "again.html").read_text("utf-8") == "<head><meta policy></head>x"
    assert len(calls) == 2 and len(list(cache.iterdir())) == 1


def test_a_site_file_left_from_before_is_replaced_not_written_through(tmp_path):
    cache, calls, path = tmp_path / "cache", [], tmp_path / "index.html"
    _write(cache, b"v1", "<head></head>old", path, calls)
    _write(cache, b"v1", "<head></head>new", path, calls)  # path still links the old kept page
    kept = sorted(p.read_text("utf-8") for p in cache.iterdir())
    assert kept == ["<head><meta policy></head>new", "<head><meta policy></head>old"]


def test_a_cache_that_cannot_be_written_only_misses(tmp_path):
    folder, calls = tmp_path / "cache", []
    folder.write_text("a file where the folder would be", encoding="utf-8")
    for name in ("a.html", "b.html"):
        assert _write(folder, b"v1", "<head></head>x", tmp_path / name, calls) is False
    assert (tmp_path / "b.html").read_text("utf-8") == "<head><meta policy></head>x"
    assert len(calls) == 2
