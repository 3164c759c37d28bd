"""Content-Security-Policy: the pure policy code, the MkDocs hook in real builds, and Chromium
enforcing it on every page (light and dark, search used) behind both test servers."""

from __future__ import annotations

import base64
import hashlib
import re
import shutil
from pathlib import Path

import pytest

from explainer import csp

from .helpers import (
    MkDocsServer,
    Recorder,
    edit,
    load_nginx_local,
    page_paths,
    run_build,
    serve_folder,
)

ALERT_HASH = "'sha256-bhHHL3z2vDgxUt0W3dWQOrprscmda2Y5pLsLg4GF+pI='"  # sha256 of "alert(1)"
META_RE = re.compile(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)">')


def sha(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


# --- pure: html -> inline code -> policy -> html with <meta> --------------------------------


@pytest.mark.parametrize(
    ("html", "scripts"),
    [
        ("<script>alert(1)</script>", ["alert(1)"]),
        ("<script type=module>m()</script>", ["m()"]),
        ('<script type="text/javascript; charset=utf-8">t()</script>', ["t()"]),
        ('<script type="importmap">{"imports": {}}</script>', ['{"imports": {}}']),
        ('<script src="a.js"></script>', []),
        ('<script type="application/ld+json">{"@type": "Article"}</script>', []),
        ('<script id="__config" type="application/json">{"base": "."}</script>', []),
        ("<script>a &amp; b < c</script>", ["a &amp; b < c"]),  # raw text: no entity decoding
        ("<!-- <script>commented()</script> -->", []),
        ("<script>\n  multi\n  line\n</script>", ["\n  multi\n  line\n"]),
    ],
)
def test_inline_scripts_are_found_with_their_exact_text(html, scripts):
    assert csp.find_inline(html).scripts == scripts


def test_inline_styles_are_found():
    html = "<style>p{color:red}</style><svg><style>.x{}</style></svg>"
    assert csp.find_inline(html).styles == ["p{color:red}", ".x{}"]


@pytest.mark.parametrize(
    ("html", "problem"),
    [
        ('<p>\n<button onclick="go()">x</button>', "2: <button>: inline event handler 'onclick'"),
        ('<p style="color:red">x</p>', "1: <p>: 'style' attribute; move it to a stylesheet class"),
        ('<a href=" JavaScript:go()">x</a>', "1: <a>: 'javascript:' URL in 'href'"),
    ],
)
def test_inline_code_the_policy_would_block_is_reported_with_its_line(html, problem):
    problems = csp.find_inline(html).problems
    assert len(problems) == 1 and problems[0].startswith(problem)
    assert problems[0].endswith("(the CSP blocks it)")


# The fast reading (regular expressions, the parser on parts) must agree with Python's HTML
# parser over the whole page, on ordinary markup and on anything else it hands over.
PIECES = [
    "text ", "a &amp; b ", "\n", "<p>", "</p>", "<br>", "<br/>", "<img src=x alt='a > b'>",
    '<a href="../x/#y" class="c">', "</a>", '<div data-x="1" hidden>', "</div>",
    '<p ONCLICK="x()">', "<p onmouseover=x>", '<p style="color:red">', "<input style>",
    "<p Style='a'>", '<p styles="ok">', '<a href="javascript:go()">', "<a href=' JavaScript:x'>",
    '<a href="&#106;avascript:x">', '<a href="https://e.org/?a=1&amp;b=2">',
    '<form action="javascript:x">', '<svg><a xlink:href="javascript:x"></a></svg>',
    "<script>run()</script>", "<SCRIPT>up()</SCRIPT>", '<script src="a.js"></script>',
    '<script type="application/ld+json">{"a": "</p>"}</script>', "<script type=module>m()</script>",
    "<script>if (a < b) {}</script>", "<script>x = '</div>'</script>", "<script>/*<!--*/</script>",
    "<script/>", "<script>never closed", "<style>p{}</style>", '<style media="x">.a{}</style>',
    "<!-- a comment -->", "<!-- <script>no()</script> -->", "<!-- a -- b -->", "<!--->",
    "<!DOCTYPE html>", "<!doctype html>", "<?xml version='1.0'?>", "<![CDATA[ <script>c()</script> ]]>",
    "<title>T</title>", '<title id="t">T</title>', "<title><script>t()</script></title>",
    "<textarea><script>u()</script></textarea>", "<noscript><p>n</p></noscript>",
    "a < b", "< p>", "</ p>", "<a/b>", '<p a="1"b="2">', "<p a=x\"y>", "</script>", "<",
]


@pytest.mark.parametrize(
    "html",
    [  # found by a review: each one read differently by an earlier version of the fast path
        '<p\x0bclass="><script>s()</script>">',  # a tag name ends at ASCII whitespace only
        '<p\x1cclass="><b onclick=go()>">',
        '<a\xa0title="><script>alert(1)</script>">x</a>',
        '<title\u3000x="><script>t()</script>">T</title>',
        "<script\x0b><style></script><script>alert(1)</script></style>",
        "<script\xa0><![CDATA[</script><b onclick=x>]]>",
        "<script>a</\u017fcript><b onclick=x></script>",  # no Unicode case folding
        "<script>a</scr\u0131pt><b onclick=x></script>",
        '<\u017ftyle><b title="x</style><b onclick=y>">',
        '<svg><a xlin\u212a:href="javascript:alert(1)">x</a></svg>',  # Kelvin sign lowers to k
        "<script>a</script\x0b>b</script>",
    ],
)
def test_the_fast_reading_agrees_with_the_parser_on_odd_characters(html):
    assert csp.find_inline(html) == csp.parse_inline(html)
    assert csp.find_inline(html, {}) == csp.parse_inline(html)


@pytest.mark.parametrize("seed", range(4))
def test_the_fast_reading_agrees_with_the_parser_on_generated_markup(seed):
    import random

    rng, memo = random.Random(seed), {}
    for _ in range(800):
        html = "".join(rng.choice(PIECES) for _ in range(rng.randint(1, 12)))
        expected = csp.parse_inline(html)
        assert csp.find_inline(html) == expected, html
        assert csp.find_inline(html, memo) == expected, html  # one memo for many pages


def test_a_memoised_part_keeps_each_problem_on_its_own_line():
    memo = {}
    csp.find_inline("<p onclick=x>", memo)
    problems = csp.find_inline("<p>\n\n<p onclick=x>", memo).problems
    assert [p.split(":")[0] for p in problems] == ["3"]


def test_every_built_page_is_read_fast_and_as_the_parser_reads_it(built_site: Path, monkeypatch):
    pages = {p: p.read_text(encoding="utf-8") for p in sorted(built_site.rglob("*.html"))}
    whole, parse = [], csp.parse_inline

    def parse_part(text: str, first_line: int = 1):
        if text in pages.values():
            whole.append(text)
        return parse(text, first_line)

    monkeypatch.setattr(csp, "parse_inline", parse_part)
    memo = {}
    for page, html in pages.items():
        assert csp.find_inline(html, memo) == parse(html), page
    assert whole == [], "a built page was handed to the parser whole"


def test_source_hash_is_the_base64_sha256_of_the_utf8_text():
    assert csp.source_hash("alert(1)") == ALERT_HASH
    assert csp.source_hash("é") == sha("é")


def test_page_policy_allows_only_its_inline_code_and_nothing_unsafe():
    policy = csp.page_policy("<script>alert(1)</script><style>p{}</style>")
    directives = dict(d.split(" ", 1) for d in policy.split("; "))
    assert directives == {
        "default-src": "'self'",
        "script-src": f"'self' {ALERT_HASH}",
        "style-src": f"'self' {sha('p{}')}",
        "img-src": "'self' data:",
        "object-src": "'none'",
        "base-uri": "'none'",
        "form-action": "'none'",
    }


def test_live_reload_policy_allows_inline_scripts_without_hashes_and_nothing_else():
    code = csp.find_inline("<script>alert(1)</script><style>p{}</style>")
    strict, relaxed = csp.build_policy([code]), csp.build_policy([code], live_reload=True)
    assert relaxed == strict.replace(ALERT_HASH, "'unsafe-inline'")
    assert csp.add_policy(PAGE, live_reload=True)[0].count("'unsafe-inline'") == 1


def test_site_policy_is_the_union_and_adds_header_only_directives():
    policy = csp.site_policy(
        ["<script>alert(1)</script>", "<script>b()</script>", "<script>alert(1)</script>"]
    )
    assert f"script-src 'self' {' '.join(sorted([ALERT_HASH, sha('b()')]))};" in policy
    assert policy.endswith("; frame-ancestors 'none'")
    assert "frame-ancestors" not in csp.page_policy("<p>x</p>")


PAGE = """<!doctype html><html><head>
<meta charset="utf-8">
<title>t</title><script>alert(1)</script></head><body><script>b()</script></body></html>"""


def test_add_policy_puts_the_meta_right_after_charset_before_any_script():
    html, problems = csp.add_policy(PAGE)
    assert problems == []
    meta = f'<meta http-equiv="Content-Security-Policy" content="{csp.page_policy(PAGE)}">'
    assert html == PAGE.replace('<meta charset="utf-8">', '<meta charset="utf-8">' + meta)
    assert html.index(meta) < html.index("<script")


def test_add_policy_twice_gives_the_same_page():
    once, _ = csp.add_policy(PAGE)
    assert csp.add_policy(once) == (once, [])
    assert csp.has_policy(once) and not csp.has_policy(PAGE)


def test_add_policy_goes_after_head_when_a_script_precedes_charset():
    page = '<html><head><script>a()</script><meta charset="utf-8"></head></html>'
    html, _ = csp.add_policy(page)
    assert html.startswith('<html><head><meta http-equiv="Content-Security-Policy"')


def test_add_policy_reports_a_page_without_head():
    html, problems = csp.add_policy("<p onclick='x()'>no head</p>")
    assert html == "<p onclick='x()'>no head</p>"
    assert [p.split(":")[1].strip() for p in problems] == ["<p>", "<head>"]


# --- the hook in real builds ------------------------------------------------------------------


def test_every_built_html_file_carries_its_policy(built_site: Path):
    pages = sorted(built_site.rglob("*.html"))
    assert built_site / "404.html" in pages and len(pages) >= 8
    for page in pages:
        html = page.read_text(encoding="utf-8")
        metas = META_RE.findall(html)
        assert len(metas) == 1, page
        assert html.index(metas[0]) < html.index("<script"), f"{page}: CSP after a script"
        policy = metas[0]
        assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
        assert "frame-ancestors" not in policy  # ignored, with a console warning, in a <meta>
        # Independent of csp.py: Material's attribute-less inline scripts, hashed here.
        inline = re.findall(r"<script>(.*?)</script>", html, re.DOTALL)
        assert inline, f"{page}: expected Material's inline scripts"
        script_src = re.search(r"script-src ([^;]*)", policy).group(1).split()
        assert script_src == ["'self'", *sorted({sha(s) for s in inline})], page


EXTRA_HOOK = """
from pathlib import Path

def on_post_page(output, page, config):
    return output.replace("</body>", "<script>lateAddition()</script></body>")

def on_post_build(config):
    (Path(config.site_dir) / "old-page.html").write_text(
        '<!doctype html><html><head><meta charset="utf-8"><title>Redirecting</title>'
        '<script>location.href="about/"</script></head><body></body></html>')
"""


@pytest.mark.slow
def test_the_hook_runs_after_other_hooks_and_covers_files_written_at_the_end(project: Path):
    (project / "extra_hook.py").write_text(EXTRA_HOOK)
    # Listed after ours: without event priorities it would run after the CSP hook.
    hooks = "  - explainer/mkdocs_csp.py\n"
    edit(project / "mkdocs.yml", hooks, hooks + "  - extra_hook.py\n")
    result = run_build(project, project / "site")
    assert result.returncode == 0, result.stderr
    about = (project / "site" / "about" / "index.html").read_text()
    assert sha("lateAddition()") in META_RE.search(about).group(1)
    redirect = (project / "site" / "old-page.html").read_text()
    assert sha('location.href="about/"') in META_RE.search(redirect).group(1)


def test_inline_handlers_fail_the_build_with_every_location(project: Path):
    about = project / "docs" / "about.md"
    about.write_text(
        about.read_text() + '\n<button onclick="go()">Go</button>\n\n'
        '<p style="color: red">red</p>\n'
    )
    result = run_build(project, project / "site")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "2 inline code problems in the built HTML (the CSP would block them):" in result.stderr
    assert re.search(
        r"about/index\.html:\d+: <button>: inline event handler 'onclick'", result.stderr
    )
    assert re.search(r"about/index\.html:\d+: <p>: 'style' attribute", result.stderr)


# --- Chromium enforcing it ------------------------------------------------------------------


def one_page_per_kind(paths: list[str]) -> list[str]:
    """The first page at each folder depth, and 404.html: what search behaviour depends on
    (the worker and index URLs are relative to the page), and a page of each template."""
    kinds: dict[object, str] = {}
    for path in paths:
        kinds.setdefault("404" if path == "404.html" else path.count("/"), path)
    return sorted(kinds.values())


@pytest.fixture(
    params=[
        pytest.param("site_url", id="static"),
        pytest.param("nginx_url", id="nginx", marks=pytest.mark.nginx),
    ]
)
def server(request) -> tuple[str, str]:
    """Each browser test runs against the plain static server and against nginx: (name, URL)."""
    return request.param, request.getfixturevalue(request.param)


def use_search(page) -> None:
    """Open Material's search with its keyboard shortcut and wait for results."""
    page.keyboard.press("/")
    page.locator("input.md-search__input").press_sequentially("Anticor")  # keyup drives search
    page.locator(".md-search-result__item").first.wait_for(state="visible", timeout=10_000)


@pytest.mark.browser
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_no_csp_violation_on_any_page(browser, built_site: Path, server, scheme: str):
    """nginx enforces each page's <meta> and its header together, so a violation on the static
    server (the <meta> alone) shows there too: nginx gets every page, the static server one page
    of each kind (keeps the suite fast). Search is used on one page of each kind."""
    name, url = server
    every_page = page_paths(built_site)
    searched = one_page_per_kind(every_page)
    assert "" in searched and "404.html" in searched
    expected_scheme = {"light": "default", "dark": "slate"}[scheme]
    found = {}
    with Recorder(browser, color_scheme=scheme) as recorder:
        for path in every_page if name == "nginx_url" else searched:
            recorder.path = path
            recorder.page.goto(url + path)
            if path in searched:
                use_search(recorder.page)
            # Material's inline palette script and its bundle both ran under the policy.
            assert recorder.page.evaluate("typeof __md_get") == "function", path
            body_scheme = recorder.page.locator("body").get_attribute("data-md-color-scheme")
            assert body_scheme == expected_scheme, path
            if violations := recorder.violations():
                found[path] = violations
    assert (found, recorder.problems) == ({}, [])


# Counts the search form's submissions (implicit submission fires `submit` while the key is
# handled, before Playwright's key press returns), so no wait can miss one.
COUNT_SUBMITS = "window.__submits = 0; addEventListener('submit', () => window.__submits++, true);"


@pytest.mark.browser
def test_search_form_needs_no_form_action(browser, server):
    """form-action 'none': Material handles Enter in its search box in script, so neither a query
    without results nor one with results ever submits the form (which the policy would block)."""
    with Recorder(browser) as recorder:
        page = recorder.page
        recorder.context.add_init_script(script=COUNT_SUBMITS)
        page.goto(server[1] + "about/")
        page.keyboard.press("/")
        box = page.locator("input.md-search__input")
        box.press_sequentially("zzqxj")
        page.locator(".md-search-result__meta").wait_for(state="visible")
        page.keyboard.press("Enter")
        assert page.evaluate("window.__submits") == 0
        assert page.url == server[1] + "about/" and recorder.violations() == []
        box.fill("")
        box.press_sequentially("Anticor")
        page.locator(".md-search-result__item").first.wait_for(state="visible")
        with page.expect_navigation():
            page.keyboard.press("Enter")  # opens the first result
        assert "?h=" in page.url, page.url  # a search result, reached without a form submission
        assert recorder.violations() == [] and recorder.problems == []


@pytest.mark.browser
@pytest.mark.slow
def test_mkdocs_serve_keeps_live_reload_working(browser, project: Path, tmp_path: Path):
    """`mkdocs serve` injects a fresh inline live-reload script into every page: there the
    policy allows inline scripts (no hashes) and stays strict otherwise."""
    served = MkDocsServer(project, tmp_path / "serve.log")
    try:
        served.wait_for("the first page", lambda: META_RE.search(served.page("about/")))
        policy = META_RE.search(served.page("about/")).group(1)
        assert "script-src 'self' 'unsafe-inline';" in policy and "sha256" not in policy
        assert "default-src 'self';" in policy and "object-src 'none'" in policy
        with Recorder(browser) as recorder:
            recorder.page.goto(served.url + "about/")
            assert recorder.page.evaluate("typeof livereload") == "function"
            assert recorder.violations() == [] and recorder.problems == []
    finally:
        served.stop()


def inject(site_copy: Path, page: str, *, drop_meta: bool = False) -> None:
    """Add an unhashed inline script and a JSON-LD data block to one page of a site copy."""
    file = site_copy / page
    html = file.read_text(encoding="utf-8")
    if drop_meta:
        html = META_RE.sub("", html)
    html = html.replace(
        "</body>",
        '<script type="application/ld+json">{"@type": "Article", "name": "injected data"}'
        "</script><script>window.__injected = true</script></body>",
    )
    file.write_text(html, encoding="utf-8")


def assert_only_the_injected_script_is_blocked(browser, url: str) -> None:
    with Recorder(browser) as recorder:
        recorder.page.goto(url)
        assert recorder.page.evaluate("window.__injected") is None
        assert recorder.page.evaluate("typeof __md_scope") == "object"  # hashed scripts ran
        data = recorder.page.locator('script[type="application/ld+json"]').all_text_contents()
        assert any("injected data" in block for block in data)
        violations = recorder.violations()
        assert len(violations) == 1 and violations[0].startswith("script-src-elem blocked inline")
        assert [line for line in recorder.problems if "inline script" in line], recorder.problems


@pytest.mark.browser
def test_an_injected_inline_script_is_blocked_by_the_meta(browser, built_site, tmp_path):
    site = Path(shutil.copytree(built_site, tmp_path / "site"))
    inject(site, "about/index.html")
    server, url = serve_folder(site)  # no headers at all: the <meta> alone must block it
    try:
        assert_only_the_injected_script_is_blocked(browser, url + "about/")
    finally:
        server.shutdown()


@pytest.mark.browser
@pytest.mark.nginx
def test_an_injected_inline_script_is_blocked_by_the_nginx_header(browser, built_site, tmp_path):
    site = Path(shutil.copytree(built_site, tmp_path / "site"))
    inject(site, "about/index.html", drop_meta=True)  # only the header is left to block it
    nginx_local = load_nginx_local()
    (tmp_path / "nginx").mkdir()
    process, url = nginx_local.start(site, tmp_path / "nginx")
    try:
        assert_only_the_injected_script_is_blocked(browser, url + "about/")
    finally:
        nginx_local.stop(process)
