"""MkDocs (and ProperDocs) hook: a strict Content-Security-Policy <meta> on every HTML file (csp.py).

Runs last (priority -100) so it hashes the final HTML, after every other hook and plugin:
pages in on_post_page, theme pages such as 404.html in on_post_template, and HTML files other
plugins write at the very end (redirect pages) in on_post_build. Server headers: deploy/.
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority

from explainer import csp

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.pages import Page

LAST = -100  # after every hook or plugin that may still change a page's HTML
# The command this process runs, set once at startup (not per build): `mkdocs serve` injects its
# live-reload script into every page it serves, which no hash can allow.
RUN = {"serve": False}


PARTS = "explainer_csp_parts"  # this build's inline code read so far (csp.find_inline's memo)
# This build's `Secure`, for hooks that write HTML files themselves after the pages
# (mkdocs_hooks.py's share pages): secured before they are written, they are not read back:
# such a hook adds each file's path to this build's SECURED set.
SECURE = "explainer_csp_secure"
SECURED = "explainer_csp_secured"


def on_startup(command: str, dirty: bool) -> None:
    """Note whether this is `mkdocs serve`, whose live-reload script no hash can allow."""
    RUN["serve"] = command == "serve"


def on_config(config: MkDocsConfig) -> None:
    """Start this build's memo and hand out its `Secure`: in its config, so nothing outlives
    the build."""
    config[PARTS] = {}
    config[SECURE] = Secure(config)
    config[SECURED] = set()


class Secure:
    """`secure` for one build, and what its results depend on besides the page (`version`:
    this step's code, its mode and Python's), for a cache of secured pages."""

    def __init__(self, config: MkDocsConfig) -> None:
        self.config = config
        code = b"".join(Path(m.__file__).read_bytes() for m in (csp, sys.modules[__name__]))
        # html.parser, which csp.py reads pages with, changes between Python releases.
        self.version = hashlib.sha256(code + repr((RUN, sys.version)).encode()).digest()

    def __call__(self, html: str, where: str) -> str:
        return secure(html, where, self.config)


def secure(html: str, where: str, config: MkDocsConfig) -> str:
    """Return the page with its policy; stop the build on inline code the policy would block."""
    page, problems = csp.add_policy(html, live_reload=RUN["serve"], memo=config[PARTS])
    if problems:
        lines = "\n".join(f"{where}:{problem}" for problem in problems)
        header = (
            f"{len(problems)} inline code problems in the built HTML (the CSP would block them):"
        )
        raise PluginError(f"{header}\n{lines}")
    return page


@event_priority(LAST)
def on_post_page(output: str, page: Page, config: MkDocsConfig) -> str:
    """Add the page's CSP <meta>, computed from its final HTML."""
    return secure(output, page.file.dest_uri, config)


@event_priority(LAST)
def on_post_template(output_content: str, template_name: str, config: MkDocsConfig) -> str:
    """Add the CSP <meta> to theme pages such as 404.html (not to sitemap.xml)."""
    if not template_name.endswith(".html"):
        return output_content
    return secure(output_content, template_name, config)


@event_priority(LAST)
def on_post_build(config: MkDocsConfig) -> None:
    """Add the CSP <meta> to HTML files other plugins wrote after the pages (e.g. redirects)."""
    site, secured = Path(config.site_dir), config.get(SECURED) or set()
    for path in sorted(site.rglob("*.html")):
        if str(path) in secured:
            continue
        html = path.read_text(encoding="utf-8")
        if not csp.has_policy(html):
            path.write_text(
                secure(html, path.relative_to(site).as_posix(), config), encoding="utf-8"
            )
