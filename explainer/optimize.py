"""Make a built site cheaper to serve: minify and fingerprint our own CSS/JS, merge each page's
stylesheets into one, precompress text.

Engine-neutral: takes a built site folder and knows nothing of MkDocs or Zensical. Run it last,
after the CSP step: in HTML it only renames our assets in `<link href>`/`<script src>` and
replaces a run of stylesheet links by one link to their concatenation (the CSP <meta> hashes
inline scripts, which stay untouched), then writes `.gz` and `.br` beside every text file.
Output depends only on the input bytes (no time or name in gzip headers).

Why merge: every stylesheet in the head blocks the first paint, and on a phone's connection
each one costs more than its bytes. Material's page links three (its own, the palette's, ours);
as one file, Lighthouse's simulated first paint came 0.15-0.2 s sooner (BENCHMARKS.md, #14).

    python -m explainer.optimize SITE_DIR [--cache DIR]
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import os
import posixpath
import re
import sys
import threading
import zlib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import brotli
import rcssmin
import rjsmin

from .pipeline import CSS, JS

OWN_ASSETS = (CSS, JS)  # the package's own stylesheet and script, as every site has them
MINIFIERS = {".css": rcssmin.cssmin, ".js": rjsmin.jsmin}
TEXT_SUFFIXES = frozenset({".html", ".css", ".js", ".json", ".xml", ".svg", ".txt"})
MIN_BYTES = 256  # as nginx's gzip_min_length: below it headers and framing eat the gain
# A <link> tag, or a whole <script> element (its text is never searched: inline code is hashed).
TAG_RE = re.compile(r"<link\b[^>]*>|(<script\b[^>]*>)(.*?</script\s*>)", re.IGNORECASE | re.DOTALL)
# Stylesheet links next to each other (only whitespace between): merged into one file, in order.
STYLESHEET = r'<link rel="stylesheet" href="([^"<>\s]+)">'
STYLESHEET_RUN_RE = re.compile(rf"{STYLESHEET}(?:\s*{STYLESHEET})+")
MERGED = "merged.css"  # the merged file's name before its fingerprint
CHARSET_RE = re.compile(r'\A\ufeff?@charset\s+"[^"]*";')  # valid only at a file's very start
SOURCE_MAP_RE = re.compile(r"/\*#\s*sourceMappingURL=[^*]*\*/")  # maps fit the single files
RELATIVE_URL_RE = re.compile(r"""url\(\s*(?!["']?(?:data:|#))""", re.IGNORECASE)
URL_ATTR_RE = re.compile(r"""(\s(?:href|src)=)(["']?)([^"'\s>]+)\2""", re.IGNORECASE)


class OptimizeError(Exception):
    """A built site that cannot be optimised; the message names the file and the problem."""


def fingerprinted_name(name: str, data: bytes) -> str:
    """("explainer.css", b"a{}") => "explainer.<8 hex of the sha256 of data>.min.css" """
    stem, suffix = posixpath.splitext(name)
    return f"{stem}.{hashlib.sha256(data).hexdigest()[:8]}.min{suffix}"


def find_fingerprinted(site: Path, asset: str) -> list[str]:
    """Fingerprinted copies of `asset` (relative path) already in the site, relative paths."""
    folder, name = posixpath.split(asset)
    stem, suffix = posixpath.splitext(name)
    pattern = re.compile(rf"{re.escape(stem)}\.[0-9a-f]{{8}}\.min{re.escape(suffix)}")
    found = (site / folder).glob(f"{stem}.*.min{suffix}")
    return sorted(posixpath.join(folder, p.name) for p in found if pattern.fullmatch(p.name))


def minify_assets(site: Path, assets: tuple[str, ...] = OWN_ASSETS) -> dict[str, str]:
    """Replace each asset by its minified, fingerprinted copy; return {old path: new path}.

    An asset already replaced (a second run) maps to its fingerprinted copy.
    """
    renamed = {}
    for asset in assets:
        source = site / asset
        if not source.is_file():
            done = find_fingerprinted(site, asset)
            if len(done) != 1:
                found = f"found {', '.join(done)}" if done else "nor any fingerprinted copy"
                raise OptimizeError(f"{site / asset}: not in the built site; {found}")
            renamed[asset] = done[0]
            continue
        minify = MINIFIERS.get(source.suffix)
        if minify is None:
            raise OptimizeError(f"{source}: no minifier for '{source.suffix}' (only .css, .js)")
        data = minify(source.read_text(encoding="utf-8")).encode("utf-8")
        new = posixpath.join(posixpath.dirname(asset), fingerprinted_name(source.name, data))
        (site / new).write_bytes(data)
        source.unlink()
        renamed[asset] = new
    return renamed


def target_of(url: str, page: str) -> str:
    """The site path a URL in `page` points at: ("../a/b.css", "x/index.html") => "a/b.css";
    root-relative or absolute URLs keep their whole path ("/a/b.css" => "/a/b.css")."""
    path = re.split(r"[?#]", url, maxsplit=1)[0]
    if "://" in path or path.startswith("//"):
        path = "/" + path.split("//", 1)[1].partition("/")[2]
    if path.startswith("/"):
        return path
    return posixpath.normpath(posixpath.join(posixpath.dirname(page), path))


def rewrite_references(html: str, page: str, renamed: dict[str, str]) -> str:
    """Point `<link href>`/`<script src>` naming a renamed asset at its new name; change nothing
    else (inline scripts and all other bytes stay as they are, so CSP hashes stay valid)."""

    def new_url(match: re.Match) -> str:
        prefix, quote, url = match.groups()
        target = target_of(url, page)
        for old, new in renamed.items():
            if target == old or (target.startswith("/") and target.endswith("/" + old)):
                path, rest = re.match(r"([^?#]*)(.*)", url).groups()
                url = path[: path.rfind("/") + 1] + posixpath.basename(new) + rest
                break
        return f"{prefix}{quote}{url}{quote}"

    def new_tag(match: re.Match) -> str:
        opening, body = match.group(1) or match.group(0), match.group(2) or ""
        return URL_ATTR_RE.sub(new_url, opening) + body

    return TAG_RE.sub(new_tag, html)


def site_file(site: Path, url: str, page: str) -> str | None:
    """The site file (relative path) a local URL in `page` names, or None (another host, or no
    such file). A root-relative URL may carry the site's own path first ("/sub/assets/a.css")."""
    if "://" in url or url.startswith("//"):
        return None
    target = target_of(url, page)
    parts = target.lstrip("/").split("/") if target.startswith("/") else [target]
    for start in range(len(parts)):
        candidate = "/".join(parts[start:])
        if candidate and (site / candidate).is_file():
            return candidate
        if not target.startswith("/"):
            break
    return None


def merged_stylesheet(site: Path, files: tuple[str, ...]) -> str | None:
    """Write the concatenation of `files` (site paths, in order) beside the first; return its
    path, or None where joining could change the result: an @import, or a relative url() in a
    file from another folder (it would point elsewhere once moved)."""
    folder = posixpath.dirname(files[0])
    texts = []
    for i, name in enumerate(files):
        text = (site / name).read_text(encoding="utf-8")
        if "@import" in text:
            return None
        if posixpath.dirname(name) != folder and RELATIVE_URL_RE.search(text):
            return None
        text = SOURCE_MAP_RE.sub("", text)
        texts.append(CHARSET_RE.sub("", text) if i else text)
    data = "\n".join(texts).encode("utf-8")
    merged = posixpath.join(folder, fingerprinted_name(MERGED, data))
    if not (site / merged).is_file():
        (site / merged).write_bytes(data)
    return merged


def merge_stylesheets(html: str, page: str, site: Path, done: dict) -> str:
    """Replace each run of stylesheet links in `html` by one link to their merged file.

    `done` maps a run's files to its merged file, so pages linking the same files share one.
    A run naming anything but this site's files is left as it is.
    """

    def merge(match: re.Match) -> str:
        urls = re.findall(STYLESHEET, match.group(0))
        files = tuple(site_file(site, url, page) for url in urls)
        if None in files or len(set(files)) != len(files):
            return match.group(0)
        if files not in done:
            done[files] = merged_stylesheet(site, files)
        if done[files] is None:
            return match.group(0)
        first = urls[0]
        url = first[: first.rfind("/") + 1] + posixpath.basename(done[files])
        return f'<link rel="stylesheet" href="{url}">'

    return STYLESHEET_RUN_RE.sub(merge, html)


def compress(data: bytes) -> tuple[bytes, bytes]:
    """(gzip at level 9 with no time or name in its header, brotli at its highest quality)."""
    return gzip.compress(data, compresslevel=9, mtime=0), brotli.compress(data, quality=11)


DECODERS = {".gz": gzip.decompress, ".br": brotli.decompress}


def precompress_file(path: Path, cache: Path | None) -> None:
    """Write path.gz and path.br unless both already hold exactly the file's bytes."""
    data = path.read_bytes()
    if all(_packed(path.with_name(path.name + s), data) for s in DECODERS):
        return
    cached = cache / hashlib.sha256(data).hexdigest() if cache else None
    packed = [_packed(cached.with_suffix(s), data) for s in DECODERS] if cached else [None]
    if not all(packed):
        packed = compress(data)
        if cached:
            for suffix, content in zip(DECODERS, packed):
                _write_whole(cached.with_suffix(suffix), content)  # builds may share the cache
    for suffix, content in zip(DECODERS, packed):
        path.with_name(path.name + suffix).write_bytes(content)


def _packed(path: Path, data: bytes) -> bytes | None:
    """The compressed file at `path` (.gz or .br) if it decodes to `data`, else None."""
    try:
        content = path.read_bytes()
        return content if DECODERS[path.suffix](content) == data else None
    except (OSError, EOFError, zlib.error, gzip.BadGzipFile, brotli.error):
        return None


def _write_whole(path: Path, data: bytes) -> None:
    """Write `data` so that readers see the old file or the new one, never a part."""
    part = path.with_name(f"{path.name}.{os.getpid()}.{threading.get_ident()}.part")
    part.write_bytes(data)
    os.replace(part, path)


def precompress(site: Path, cache: Path | None = None) -> list[Path]:
    """Write .gz and .br beside every text file of MIN_BYTES or more; return the files done.

    `cache`: a folder of earlier results keyed by content hash (builds start from a clean site).
    """
    files = [
        p
        for p in sorted(site.rglob("*"))
        if p.suffix in TEXT_SUFFIXES and p.is_file() and p.stat().st_size >= MIN_BYTES
    ]
    if cache:
        cache.mkdir(parents=True, exist_ok=True)
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:  # zlib, brotli drop the GIL
        list(pool.map(lambda p: precompress_file(p, cache), files))
    return files


def optimize_site(
    site: Path, assets: tuple[str, ...] = OWN_ASSETS, cache: Path | None = None
) -> None:
    """Minify and fingerprint `assets`, rewrite every HTML file's references, merge each page's
    stylesheets, then precompress.

    Running it again on its own output changes nothing. Raises OptimizeError on a folder that is
    not a built site or lacks one of the assets.
    """
    site = Path(site)
    pages = sorted(site.rglob("*.html")) if site.is_dir() else []
    if not pages:
        raise OptimizeError(f"{site}: no HTML files; expected a built site folder")
    renamed = minify_assets(site, assets)
    merged: dict[tuple[str, ...], str | None] = {}
    for path in pages:
        html = path.read_bytes().decode("utf-8")  # bytes: keep every line ending as it is
        page = path.relative_to(site).as_posix()
        updated = merge_stylesheets(rewrite_references(html, page, renamed), page, site, merged)
        if updated != html:  # replaced whole: a page may be a link to a kept one (pagecache.py)
            _write_whole(path, updated.encode("utf-8"))
    precompress(site, cache)


def main(argv: list[str] | None = None) -> int:
    """Optimise the site folder named on the command line; return the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", type=Path, help="the built site folder, e.g. site/")
    parser.add_argument("--cache", type=Path, help="reuse compressed files from this folder")
    args = parser.parse_args(argv)
    try:
        optimize_site(args.site, cache=args.cache)
    except OptimizeError as err:
        print(f"optimize: {err}", file=sys.stderr)
        return 1
    print(
        f"{args.site}: own assets minified and fingerprinted, stylesheets merged, text precompressed"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
