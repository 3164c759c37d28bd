"""deploy/nginx.conf on Debian's nginx: security headers, caching, compression, 404, redirects.

The browser checks (tests/test_csp.py) run against this server too; here are the HTTP details.
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

import pytest

from explainer import csp
from tests.conftest import ROOT, load_nginx_local

CONF = ROOT / "deploy" / "nginx.conf"
SYNC = ROOT / "deploy" / "sync_csp.py"
YEAR = "public, max-age=31536000, immutable"


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
    """URL paths of Material's fingerprinted assets (name.<8 hex>.min.css/js) in the built site."""
    paths = [f"/{p.relative_to(site).as_posix()}" for p in site.rglob("*.min.*")]
    found = [p for p in paths if re.search(r"\.[0-9a-f]{8}\.min\.(css|js)$", p)]
    assert len(found) >= 3, paths  # main CSS, palette CSS, bundle JS, search worker
    return sorted(found)


def test_header_policy_is_the_union_of_the_built_pages(built_site: Path, nginx_url: str):
    expected = csp.site_policy(p.read_text(encoding="utf-8") for p in built_site.rglob("*.html"))
    _, headers, _ = get(nginx_url, "/")
    assert headers["Content-Security-Policy"] == expected, (
        "deploy/nginx.conf's CSP is stale: build, then run "
        "python deploy/sync_csp.py site deploy/nginx.conf"
    )


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/about/",
        "/404.html",
        "/assets/explainer.css",
        "/search/search_index.json",
        "/does-not-exist",
    ],
)
def test_every_answer_carries_the_security_headers(nginx_url: str, path: str):
    _, headers, _ = get(nginx_url, path)
    policy = headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in policy and "object-src 'none'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Permissions-Policy"].startswith("camera=(), microphone=()")
    assert headers["Server"] == "nginx"  # no version


def test_fingerprinted_assets_are_cached_for_a_year(built_site: Path, nginx_url: str):
    for path in fingerprinted(built_site):
        status, headers, _ = get(nginx_url, path)
        assert (status, headers["Cache-Control"]) == (200, YEAR), path


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/about/",
        "/assets/explainer.css",
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


def test_text_is_served_gzipped_and_identical(built_site: Path, nginx_url: str):
    bundle = next(p for p in fingerprinted(built_site) if p.endswith(".js"))
    for path, file in [
        ("/", "index.html"),
        ("/search/search_index.json", None),
        ("/assets/explainer.css", None),
        (bundle, None),
    ]:
        status, headers, body = get(nginx_url, path, **{"Accept-Encoding": "gzip"})
        assert status == 200 and headers.get("Content-Encoding") == "gzip", path
        assert "Accept-Encoding" in headers["Vary"]
        original = (built_site / (file or path.lstrip("/"))).read_bytes()
        assert gzip.decompress(body) == original, path
    _, headers, _ = get(nginx_url, "/")  # a client that did not ask gets it plain
    assert "Content-Encoding" not in headers


def test_missing_pages_get_our_404_page_with_status_404(built_site: Path, nginx_url: str):
    status, headers, body = get(nginx_url, "/no/such/page/")
    assert status == 404
    assert headers["Content-Type"] == "text/html; charset=utf-8"
    assert body == (built_site / "404.html").read_bytes()


def test_folders_redirect_to_their_slash_url_relative_to_any_host(nginx_url: str):
    status, headers, _ = get(nginx_url, "/about")
    assert (status, headers["Location"]) == (301, "/about/")


def test_content_types(nginx_url: str):
    expected = {
        "/": "text/html; charset=utf-8",
        "/assets/explainer.css": "text/css",
        "/search/search_index.json": "application/json",
    }
    for path, content_type in expected.items():
        assert get(nginx_url, path)[1]["Content-Type"] == content_type, path


def test_dotfiles_copied_along_are_never_served(built_site: Path, tmp_path: Path):
    site = Path(shutil.copytree(built_site, tmp_path / "site"))
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


def run_sync(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(SYNC), *args],
        check=False,
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )


def test_sync_csp_checks_and_rewrites_only_the_header_line(built_site: Path, tmp_path: Path):
    assert run_sync(str(built_site), str(CONF), "--check").returncode == 0
    stale = tmp_path / "nginx.conf"
    stale.write_text(CONF.read_text().replace("script-src 'self'", "script-src 'self' 'sha256-x'"))
    result = run_sync(str(built_site), str(stale), "--check")
    assert result.returncode == 1 and "CSP header is stale" in result.stderr
    assert run_sync(str(built_site), str(stale)).returncode == 0
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
