"""explainer/optimize.py: own assets minified and fingerprinted, references rewritten, text
precompressed to .gz and .br that decode to the original, idempotent and byte-reproducible."""

from __future__ import annotations

import gzip
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import brotli
import pytest

from explainer import csp
from explainer.optimize import (
    MIN_BYTES,
    OptimizeError,
    fingerprinted_name,
    merge_stylesheets,
    optimize_site,
    rewrite_references,
    target_of,
)
from tests.conftest import ROOT
from tests.helpers import Recorder, serve_folder, snapshot

CSS = "/* a comment minifiers drop */\n.factbox {\n    margin: 2em 0;\n}\n"
JS = "(function () {\n  // a comment minifiers drop\n  var answer = 42;\n})();\n"
INLINE = '<script>var x = "<link href=assets/explainer.css>";</script>'


def page(prefix: str) -> str:
    """A page linking both assets from `prefix` (relative or root-relative), with inline code."""
    return (
        '<!doctype html>\r\n<html><head><meta charset="utf-8">\n'
        f'<link rel="stylesheet" href="{prefix}assets/explainer.css">\n'
        f"{INLINE}\n<p>{'text ' * 100}</p>\n"
        f'<a href="{prefix}assets/explainer.css">the stylesheet, as a link</a>\n'
        f'<script src="{prefix}assets/explainer.js"></script></head></html>\n'
    )


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """A small built site: pages at three depths, our two assets, other text and binary files."""
    site = tmp_path / "site"
    files = {
        "index.html": page(""),
        "about/index.html": page("../"),
        "claims/x/index.html": page("../../"),
        "404.html": page("/"),
        "assets/explainer.css": CSS,
        "assets/explainer.js": JS,
        "search/search_index.json": '{"docs": [' + '{"text": "word"},' * 100 + "{}]}",
        "robots.txt": "User-agent: *\n",  # under MIN_BYTES: left alone
        "assets/images/logo.png": "\x89PNG" + "x" * 1000,
    }
    for name, text in files.items():
        (site / name).parent.mkdir(parents=True, exist_ok=True)
        (site / name).write_bytes(text.encode("utf-8"))
    return site


@pytest.mark.parametrize(
    ("url", "page_path", "target"),
    [
        ("assets/a.css", "index.html", "assets/a.css"),
        ("../assets/a.css", "about/index.html", "assets/a.css"),
        ("../../assets/a.css?v=1#x", "claims/x/index.html", "assets/a.css"),
        ("/assets/a.css", "404.html", "/assets/a.css"),
        ("https://example.org/sub/assets/a.css", "index.html", "/sub/assets/a.css"),
        ("//example.org/assets/a.css", "index.html", "/assets/a.css"),
    ],
)
def test_target_of_resolves_relative_and_absolute_urls(url, page_path, target):
    assert target_of(url, page_path) == target


def test_fingerprinted_name_is_eight_hex_of_the_content():
    name = fingerprinted_name("explainer.css", b"a{}")
    assert re.fullmatch(r"explainer\.[0-9a-f]{8}\.min\.css", name), name
    assert name != fingerprinted_name("explainer.css", b"b{}")


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ('<link href="../assets/a.css">', '<link href="../assets/a.1.min.css">'),
        ("<link href='/sub/assets/a.css?v=2'>", "<link href='/sub/assets/a.1.min.css?v=2'>"),
        (
            '<script defer src="assets/a.css"></script>',
            '<script defer src="assets/a.1.min.css"></script>',
        ),
        ('<a href="assets/a.css">x</a>', '<a href="assets/a.css">x</a>'),  # not a link/script
        ('<link href="other/a.css">', '<link href="other/a.css">'),  # another file
        ('<link data-src="assets/a.css">', '<link data-src="assets/a.css">'),
    ],
)
def test_rewrite_references_changes_only_link_and_script_urls(html, expected):
    assert (
        rewrite_references(
            html,
            "about/index.html" if "../" in html else "index.html",
            {"assets/a.css": "assets/a.1.min.css"},
        )
        == expected
    )


def test_assets_are_minified_fingerprinted_and_every_reference_follows(site: Path):
    before = snapshot(site)
    optimize_site(site)
    after = snapshot(site)
    assert "assets/explainer.css" not in after and "assets/explainer.js" not in after
    css = [n for n in after if n.startswith("assets/explainer.") and n.endswith(".min.css")]
    js = [n for n in after if n.startswith("assets/explainer.") and n.endswith(".min.js")]
    assert len(css) == 1 and len(js) == 1
    assert after[css[0]] == b".factbox{margin:2em 0}"
    assert b"comment" not in after[js[0]] and b"answer=42" in after[js[0]]
    for name in ("index.html", "about/index.html", "claims/x/index.html", "404.html"):
        html = after[name].decode()
        old = before[name].decode()
        assert html.count(css[0].split("/")[1]) == 1 and html.count(js[0].split("/")[1]) == 1
        restored = html.replace(css[0].split("/")[1], "explainer.css")
        assert restored.replace(js[0].split("/")[1], "explainer.js") == old, name
        assert INLINE in html and "\r\n" in html  # inline code and line endings untouched
        assert csp.find_inline(html).scripts == csp.find_inline(old).scripts


def test_pages_are_replaced_whole_never_written_through_a_link(site: Path, tmp_path: Path):
    """A share page may be a hard link to one kept by an earlier build (pagecache.py)."""
    kept = tmp_path / "kept.html"
    os.link(site / "claims/x/index.html", kept)
    optimize_site(site)
    assert kept.read_bytes() == page("../../").encode("utf-8")
    assert (site / "claims/x/index.html").read_bytes() != kept.read_bytes()


def test_text_files_get_gz_and_br_that_decode_to_the_file(site: Path):
    optimize_site(site)
    files = snapshot(site)
    texts = [n for n in files if n.rsplit(".", 1)[1] in {"html", "css", "js", "json", "txt"}]
    assert texts
    for name in texts:
        if len(files[name]) < MIN_BYTES:
            assert name + ".gz" not in files and name + ".br" not in files, name
            continue
        assert gzip.decompress(files[name + ".gz"]) == files[name], name
        assert files[name + ".gz"][4:8] == b"\0\0\0\0", name  # no timestamp in the header
        assert brotli.decompress(files[name + ".br"]) == files[name], name
    assert "robots.txt.gz" not in files and "search/search_index.json.br" in files
    assert not any(n.startswith("assets/images/logo.png.") for n in files)  # binary: left alone


def test_a_second_run_changes_nothing(site: Path):
    optimize_site(site)
    first = snapshot(site)
    optimize_site(site)
    assert snapshot(site) == first


def test_two_runs_on_copies_give_the_same_bytes_with_or_without_a_cache(site, tmp_path):
    copies = [Path(shutil.copytree(site, tmp_path / name)) for name in ("a", "b", "c")]
    optimize_site(copies[0])
    optimize_site(copies[1], cache=tmp_path / "cache")
    optimize_site(copies[2], cache=tmp_path / "cache")  # served from the cache
    assert snapshot(copies[0]) == snapshot(copies[1]) == snapshot(copies[2])
    assert len(list((tmp_path / "cache").iterdir())) >= 2


def test_a_damaged_cache_entry_is_not_used(site: Path, tmp_path: Path):
    cache = tmp_path / "cache"
    optimize_site(Path(shutil.copytree(site, tmp_path / "first")), cache=cache)
    for entry in cache.glob("*.br"):
        entry.write_bytes(b"damaged")
    optimize_site(site, cache=cache)
    html = (site / "index.html").read_bytes()
    assert brotli.decompress((site / "index.html.br").read_bytes()) == html
    assert not list(cache.glob("*.part"))


def test_stale_compressed_files_are_rewritten(site: Path):
    (site / "index.html.gz").write_bytes(gzip.compress(b"old", mtime=0))
    (site / "index.html.br").write_bytes(b"not brotli")
    optimize_site(site)
    html = (site / "index.html").read_bytes()
    assert gzip.decompress((site / "index.html.gz").read_bytes()) == html
    assert brotli.decompress((site / "index.html.br").read_bytes()) == html


def test_problems_raise_a_clear_error(site: Path, tmp_path: Path):
    with pytest.raises(OptimizeError, match="no HTML files; expected a built site folder"):
        optimize_site(tmp_path / "missing")
    (site / "assets" / "explainer.js").unlink()
    with pytest.raises(OptimizeError, match=r"explainer\.js: not in the built site"):
        optimize_site(site)


def test_command_line(site: Path, tmp_path: Path):
    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "explainer.optimize", *args],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )

    result = run(str(site))
    assert result.returncode == 0, result.stderr
    assert (site / "index.html.br").is_file()
    result = run(str(tmp_path / "empty"))
    assert result.returncode == 1
    assert result.stderr.startswith("optimize: ") and "no HTML files" in result.stderr


# --- stylesheets merged: one render-blocking request per page instead of three ---------------

THEME_CSS = '@charset "UTF-8";.md-typeset{font-size:.8rem}\n/*# sourceMappingURL=main.map */'
PALETTE_CSS = '@charset "UTF-8";[data-md-color-scheme=slate]{--md-hue:232}'


def links(prefix: str, *names: str, between: str = "\n    ") -> str:
    return between.join(f'<link rel="stylesheet" href="{prefix}{name}">' for name in names)


THREE = ("assets/stylesheets/main.css", "assets/stylesheets/palette.css", "assets/explainer.css")


@pytest.fixture
def themed(site: Path) -> Path:
    """The small site with a theme's two stylesheets linked before ours on every page."""
    (site / "assets/stylesheets").mkdir()
    (site / THREE[0]).write_text(THEME_CSS, encoding="utf-8")
    (site / THREE[1]).write_text(PALETTE_CSS, encoding="utf-8")
    for name, prefix in (("index.html", ""), ("about/index.html", "../"), ("404.html", "/")):
        html = (site / name).read_text(encoding="utf-8")
        ours = f'<link rel="stylesheet" href="{prefix}assets/explainer.css">'
        (site / name).write_text(html.replace(ours, links(prefix, *THREE)), encoding="utf-8")
    return site


def merged_links(html: str) -> list[str]:
    return re.findall(r'<link rel="stylesheet" href="([^"]*)">', html)


def test_each_pages_stylesheets_become_one_file_holding_them_in_order(themed: Path):
    optimize_site(themed)
    files = snapshot(themed)
    hrefs = {
        name: merged_links(files[name].decode())
        for name in ("index.html", "about/index.html", "404.html")
    }
    assert [len(h) for h in hrefs.values()] == [1, 1, 1], hrefs
    (merged,) = [
        n for n in files if re.fullmatch(r"assets/stylesheets/merged\.[0-9a-f]{8}\.min\.css", n)
    ]
    assert hrefs == {
        "index.html": [merged],
        "about/index.html": ["../" + merged],
        "404.html": ["/" + merged],
    }
    # In link order; the later files' @charset dropped (valid only first), source maps left out.
    minified_ours = ".factbox{margin:2em 0}"
    assert files[merged].decode() == (
        '@charset "UTF-8";.md-typeset{font-size:.8rem}\n\n'
        "[data-md-color-scheme=slate]{--md-hue:232}\n" + minified_ours
    )
    # The single files stay (a page of another shape may still link them); a second run is a no-op.
    assert THREE[0] in files and THREE[1] in files
    optimize_site(themed)
    assert snapshot(themed) == files


def test_only_local_stylesheets_next_to_each_other_are_merged(themed: Path):
    site, done = themed, {}
    kept = [
        links("", THREE[0], "https://cdn.example.org/x.css"),  # another host
        links("", THREE[0], THREE[1], between="\n<style>p{}</style>\n"),  # code between: order
        links("", THREE[0], "assets/missing.css"),  # not in the site
        links("", THREE[0], THREE[0]),  # the same file twice
        links("", THREE[0]),  # one alone
        f'<link rel="stylesheet" href="{THREE[0]}" media="print">{links("", THREE[1])}',
    ]
    for html in kept:
        assert merge_stylesheets(html, "index.html", site, done) == html
    merged = merge_stylesheets(links("", THREE[0], THREE[1]), "index.html", site, done)
    assert merged_links(merged) == [f"assets/stylesheets/{Path(done[THREE[:2]]).name}"]


@pytest.mark.parametrize(
    ("css", "merged"),
    [
        ('@import url("more.css");', False),  # would be ignored after other rules
        ('.x{background:url("img/x.png")}', False),  # relative to a folder it would leave
        (".x{background:url(data:image/png;base64,AA==)}", True),
        ('.x{background:url("#clip")}', True),
    ],
)
def test_files_whose_meaning_would_change_when_joined_are_left_alone(themed, css, merged):
    (themed / "assets/explainer.css").write_text(css, encoding="utf-8")
    html = links("", *THREE)
    result = merge_stylesheets(html, "index.html", themed, {})
    assert (result != html) is merged, result
    assert bool(list((themed / "assets/stylesheets").glob("merged.*"))) is merged


@pytest.mark.slow
def test_the_real_site_keeps_every_page_policy_valid(built_site: Path, tmp_path: Path):
    site = Path(shutil.copytree(built_site, tmp_path / "site"))
    optimize_site(site)
    pages = sorted(site.rglob("*.html"))
    for path in pages:
        html = path.read_text(encoding="utf-8")
        meta = csp.META_RE.search(html)
        if meta:  # the <meta> still allows exactly the page's inline scripts
            assert csp.page_policy(csp.META_RE.sub("", html)) in meta.group(0), path
        assert "assets/explainer.css" not in html and "assets/explainer.js" not in html, path
        assert gzip.decompress((path.with_name(path.name + ".gz")).read_bytes()) == html.encode()


# Every element's computed style that a stylesheet decides, in document order.
STYLES = """() => [...document.querySelectorAll('body *')].map(e => {
  const s = getComputedStyle(e);
  return [e.tagName, s.color, s.backgroundColor, s.fontSize, s.display, s.margin, s.padding,
          s.borderTopColor, s.width].join(' ');
})"""


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_merged_stylesheets_style_every_element_as_the_three_did(
    browser, built_site: Path, tmp_path: Path, scheme: str
):
    """The deployed site (one stylesheet per page) against the build (three), at a phone's width."""
    deployed = Path(shutil.copytree(built_site, tmp_path / "site"))
    optimize_site(deployed)
    assert len(merged_links((deployed / "index.html").read_text(encoding="utf-8"))) == 1
    servers = [serve_folder(site) for site in (built_site, deployed)]
    try:
        with Recorder(browser, color_scheme=scheme, viewport={"width": 375, "height": 800}) as rec:
            for path in ("", "competition/", "timeline/", "claims/us-cloud-act/", "404.html"):
                rec.path = path
                seen = []
                for _, url in servers:
                    rec.page.goto(url + path)
                    seen.append(rec.page.evaluate(STYLES))
                assert len(seen[0]) > 100 and seen[0] == seen[1], path
        assert rec.problems == []
    finally:
        for server, _ in servers:
            server.shutdown()
