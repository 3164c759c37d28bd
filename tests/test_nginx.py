"""deploy/nginx.conf on Debian's nginx: security headers, caching, compression, 404, redirects.

The browser checks (tests/test_csp.py) run against this server too; here are the HTTP details,
on the built site as deployed: run through explainer/optimize.py (fingerprinted own assets,
.br and .gz beside every text file).
"""

from __future__ import annotations

import gzip
import http.client
import re
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import brotli
import pytest

from explainer import csp
from explainer.optimize import optimize_site
from tests.conftest import ROOT, load_nginx_local

pytestmark = pytest.mark.nginx

CONF = ROOT / "deploy" / "nginx.conf"
SYNC = ROOT / "deploy" / "sync_csp.py"
YEAR = "public, max-age=31536000, immutable"
BROWSER = "gzip, deflate, br, zstd"  # what Chromium sends over HTTPS
DOCUMENT_ONLY = ("Content-Security-Policy", "Referrer-Policy", "Permissions-Policy")


@pytest.fixture(scope="module")
def deployed_site(built_site: Path, tmp_path_factory) -> Path:
    """A copy of the built site run through explainer/optimize.py (a no-op if the build did)."""
    site = Path(shutil.copytree(built_site, tmp_path_factory.mktemp("deployed") / "site"))
    optimize_site(site)
    return site


def serve(site: Path, work: Path):
    """Start nginx with deploy/nginx.conf on `site`; return (nginx_local, process, base URL)."""
    nginx_local = load_nginx_local()
    work.mkdir(exist_ok=True)
    process, url = nginx_local.start(site, work)
    return nginx_local, process, url


@pytest.fixture(scope="module")
def nginx_url(deployed_site: Path, tmp_path_factory):
    """Base URL of the deployed site served by Debian's nginx with deploy/nginx.conf."""
    nginx_local, process, url = serve(deployed_site, tmp_path_factory.mktemp("nginx"))
    yield url
    nginx_local.stop(process)


def get(base_url: str, path: str, **headers: str) -> tuple[int, dict[str, str], bytes]:
    """GET without following redirects or decoding: (status, headers, raw body)."""
    parts = urlsplit(base_url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    try:
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        conn.close()


def fingerprinted(site: Path) -> list[str]:
    """URL paths of fingerprinted assets (name.<8 hex>.min.css/js), Material's and ours."""
    paths = [f"/{p.relative_to(site).as_posix()}" for p in site.rglob("*.min.*")]
    found = [p for p in paths if re.search(r"\.[0-9a-f]{8}\.min\.(css|js)$", p)]
    assert len(found) >= 6, paths  # main CSS, palette CSS, bundle JS, search worker, ours
    return sorted(found)


def own(site: Path, suffix: str) -> str:
    """URL path of our fingerprinted stylesheet or script: /assets/explainer.<8 hex>.min.css"""
    (found,) = [
        p for p in fingerprinted(site) if re.fullmatch(rf"/assets/explainer\.\w+{suffix}", p)
    ]
    return found


def test_header_policy_is_the_union_of_the_built_pages(deployed_site: Path, nginx_url: str):
    pages = deployed_site.rglob("*.html")
    expected = csp.site_policy(p.read_text(encoding="utf-8") for p in pages)
    _, headers, _ = get(nginx_url, "/")
    assert headers["Content-Security-Policy"] == expected, (
        "deploy/nginx.conf's CSP is stale: build, then run "
        "python deploy/sync_csp.py site deploy/nginx.conf"
    )


@pytest.mark.parametrize("path", ["/", "/about/", "/404.html", "/does-not-exist", "/about"])
@pytest.mark.parametrize("encoding", ["", BROWSER])
def test_every_document_carries_the_security_headers(nginx_url: str, path: str, encoding: str):
    _, headers, _ = get(nginx_url, path, **{"Accept-Encoding": encoding})
    assert headers["Content-Type"].startswith("text/html")
    policy = headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in policy and "object-src 'none'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Permissions-Policy"].startswith("camera=(), microphone=()")
    assert headers["Server"] == "nginx"  # no version


def test_other_files_carry_no_document_headers(deployed_site: Path, nginx_url: str):
    paths = [
        own(deployed_site, ".min.css"),
        own(deployed_site, ".min.js"),
        next(p for p in fingerprinted(deployed_site) if "/workers/" in p),
        "/search/search_index.json",
        "/assets/images/favicon.png",
        "/sitemap.xml",
    ]
    for path in paths:
        for encoding in ("", BROWSER):
            status, headers, _ = get(nginx_url, path, **{"Accept-Encoding": encoding})
            assert status == 200, path
            assert not set(DOCUMENT_ONLY) & headers.keys(), (path, headers)
            assert headers["X-Content-Type-Options"] == "nosniff", path  # checked on scripts too
            assert headers["Server"] == "nginx", path


def test_fingerprinted_assets_are_cached_for_a_year(deployed_site: Path, nginx_url: str):
    paths = fingerprinted(deployed_site)
    assert own(deployed_site, ".min.css") in paths and own(deployed_site, ".min.js") in paths
    for path in paths:
        status, headers, _ = get(nginx_url, path, **{"Accept-Encoding": BROWSER})
        assert (status, headers["Cache-Control"]) == (200, YEAR), path


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/about/",
        "/assets/images/favicon.png",
        "/assets/javascripts/lunr/min/lunr.fr.min.js",
        "/search/search_index.json",
        "/sitemap.xml",
    ],
)
def test_html_and_unfingerprinted_files_are_revalidated(nginx_url: str, path: str):
    status, headers, _ = get(nginx_url, path)
    assert (status, headers["Cache-Control"]) == (200, "no-cache")
    assert "ETag" in headers  # what makes revalidation a cheap 304
    status, _, body = get(nginx_url, path, **{"If-None-Match": headers["ETag"]})
    assert (status, body) == (304, b"")


def test_text_is_served_precompressed_brotli_or_gzip_and_identical(
    deployed_site: Path, nginx_url: str
):
    bundle = next(p for p in fingerprinted(deployed_site) if "/bundle." in p)
    for path, file in [
        ("/", "index.html"),
        ("/search/search_index.json", None),
        (own(deployed_site, ".min.css"), None),
        (bundle, None),
    ]:
        original = deployed_site / (file or path.lstrip("/"))
        for accept, encoding, decode in [
            (BROWSER, "br", brotli.decompress),
            ("br", "br", brotli.decompress),
            ("gzip, deflate", "gzip", gzip.decompress),
        ]:
            status, headers, body = get(nginx_url, path, **{"Accept-Encoding": accept})
            assert status == 200 and headers.get("Content-Encoding") == encoding, (path, accept)
            assert "Accept-Encoding" in headers["Vary"], path
            assert decode(body) == original.read_bytes(), (path, accept)
            # the file optimize.py wrote, not one compressed on the fly at a lower level
            assert body == original.with_name(f"{original.name}.{encoding[:2]}").read_bytes()
    _, headers, _ = get(nginx_url, "/")  # a client that did not ask gets it plain
    assert "Content-Encoding" not in headers


def test_files_without_precompressed_copies_are_compressed_on_the_fly(
    deployed_site: Path, tmp_path: Path
):
    site = Path(shutil.copytree(deployed_site, tmp_path / "site"))
    for packed in [*site.rglob("*.br"), *site.rglob("*.gz")]:
        packed.unlink()
    nginx_local, process, url = serve(site, tmp_path / "nginx")
    try:
        for accept, encoding, decode in [
            (BROWSER, "br", brotli.decompress),
            ("gzip", "gzip", gzip.decompress),
        ]:
            status, headers, body = get(url, "/", **{"Accept-Encoding": accept})
            assert (status, headers.get("Content-Encoding")) == (200, encoding)
            assert decode(body) == (site / "index.html").read_bytes()
    finally:
        nginx_local.stop(process)


def test_missing_pages_get_our_404_page_with_status_404(deployed_site: Path, nginx_url: str):
    status, headers, body = get(nginx_url, "/no/such/page/")
    assert status == 404
    assert headers["Content-Type"] == "text/html; charset=utf-8"
    assert body == (deployed_site / "404.html").read_bytes()
    status, headers, body = get(nginx_url, "/no/such/page/", **{"Accept-Encoding": BROWSER})
    assert (status, headers["Content-Encoding"]) == (404, "br")
    assert brotli.decompress(body) == (deployed_site / "404.html").read_bytes()


def test_folders_redirect_to_their_slash_url_relative_to_any_host(nginx_url: str):
    status, headers, _ = get(nginx_url, "/about")
    assert (status, headers["Location"]) == (301, "/about/")


def test_content_types(deployed_site: Path, nginx_url: str):
    expected = {
        "/": "text/html; charset=utf-8",
        own(deployed_site, ".min.css"): "text/css",
        own(deployed_site, ".min.js"): "application/javascript; charset=utf-8",
        "/search/search_index.json": "application/json",
    }
    for path, content_type in expected.items():
        for encoding in ("", BROWSER):  # a precompressed file keeps its type
            headers = get(nginx_url, path, **{"Accept-Encoding": encoding})[1]
            assert headers["Content-Type"] == content_type, (path, encoding)


def test_dotfiles_copied_along_are_never_served(deployed_site: Path, tmp_path: Path):
    site = Path(shutil.copytree(deployed_site, tmp_path / "site"))
    (site / ".git").mkdir()
    (site / ".git" / "config").write_text("[remote]\n")
    (site / ".env").write_text("SECRET=x\n")
    (site / ".well-known").mkdir()
    (site / ".well-known" / "security.txt").write_text("Contact: mailto:x@example.org\n")
    nginx_local = load_nginx_local()
    (tmp_path / "nginx").mkdir()
    process, url = nginx_local.start(site, tmp_path / "nginx")
    try:
        assert get(url, "/.git/config")[0] == 404
        assert get(url, "/.env")[0] == 404
        assert get(url, "/.well-known/security.txt")[0] == 200
    finally:
        nginx_local.stop(process)


def test_local_config_changes_only_listen_and_root():
    nginx_local = load_nginx_local()
    original = CONF.read_text(encoding="utf-8")
    local = nginx_local.local_site_conf(original, Path("/srv/x"), 8123)
    removed = set(original.splitlines()) - set(local.splitlines())
    assert {line.strip() for line in removed} == {
        "listen 80;",
        "listen [::]:80;",
        "root /srv/hdh-explainer/site;",
    }
    with pytest.raises(ValueError, match="root /srv/hdh-explainer/site;"):
        nginx_local.local_site_conf(original.replace("root /srv/", "root /var/"), Path("/x"), 1)


def test_local_runner_loads_the_brotli_modules(tmp_path: Path):
    main = load_nginx_local().write_config(Path("/srv/x"), 8123, tmp_path).read_text()
    for module in ("ngx_http_brotli_filter_module.so", "ngx_http_brotli_static_module.so"):
        assert f"load_module /usr/lib/nginx/modules/{module};" in main


def run_sync(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(SYNC), *args],
        check=False,
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )


def test_sync_csp_checks_and_rewrites_only_the_header_policy(deployed_site: Path, tmp_path):
    assert run_sync(str(deployed_site), str(CONF), "--check").returncode == 0
    stale = tmp_path / "nginx.conf"
    stale.write_text(CONF.read_text().replace("script-src 'self'", "script-src 'self' 'sha256-x'"))
    result = run_sync(str(deployed_site), str(stale), "--check")
    assert result.returncode == 1 and "CSP header is stale" in result.stderr
    assert run_sync(str(deployed_site), str(stale)).returncode == 0
    assert stale.read_text() == CONF.read_text()


def test_an_interrupted_start_leaves_no_nginx_behind(built_site: Path, tmp_path: Path):
    nginx_local = load_nginx_local()
    started = []

    def interrupted(process, port, work):
        started.append(process)
        raise KeyboardInterrupt  # Ctrl-C while waiting for nginx to answer

    nginx_local.wait_until_answering = interrupted  # a private copy of the module: no monkeypatch
    with pytest.raises(KeyboardInterrupt):
        nginx_local.start(built_site, tmp_path)
    assert started and started[0].poll() is not None
