"""Content-Security-Policy from a page's final HTML: hash its inline code, write the policy, add it.

Pure: HTML text in, HTML text (or policy text) out; no MkDocs, no files. Inline scripts and
`<style>` elements are allowed by their sha256 only; JSON data blocks are left unhashed (browsers
never run them). Inline event handlers, `javascript:` URLs and `style` attributes would need
'unsafe-hashes', so they are reported as problems instead of allowed.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from html.parser import HTMLParser

# Script types a browser runs (HTML spec: the JavaScript MIME types, "module", import maps,
# speculation rules). Any other type, e.g. application/ld+json, is a data block.
RUN_TYPES = frozenset(
    [
        "",
        "module",
        "importmap",
        "speculationrules",
        "text/javascript",
        "application/javascript",
        "application/ecmascript",
        "application/x-ecmascript",
        "application/x-javascript",
        "text/ecmascript",
        "text/jscript",
        "text/livescript",
        "text/x-ecmascript",
        "text/x-javascript",
    ]
    + [f"text/javascript1.{n}" for n in range(6)]
)
URL_ATTRIBUTES = frozenset(["href", "src", "action", "formaction", "xlink:href"])

# Fixed directives; frame-ancestors only counts in a header (a <meta> one is ignored with a warning).
DIRECTIVES = (
    ("default-src", "'self'"),
    ("script-src", "'self'"),
    ("style-src", "'self'"),
    ("img-src", "'self' data:"),  # Material's CSS draws its icons from data: SVG URLs
    ("object-src", "'none'"),
    ("base-uri", "'none'"),
    ("form-action", "'none'"),  # the only form, search, is handled by script, never submitted
)
HEADER_ONLY = (("frame-ancestors", "'none'"),)
META_RE = re.compile(
    r"""<meta\s+http-equiv=["']?Content-Security-Policy["']?[^>]*>""", re.IGNORECASE
)
CHARSET_RE = re.compile(r"<meta\s+charset=[^>]*>", re.IGNORECASE)
HEAD_RE = re.compile(r"<head(\s[^>]*)?>", re.IGNORECASE)


@dataclass
class InlineCode:
    """What a page runs or styles from inline code, and inline code a strict policy can't allow."""

    scripts: list[str] = field(default_factory=list)
    styles: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


class _InlineFinder(HTMLParser):
    """Collect the text of inline scripts and styles, and note attribute-level inline code."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found = InlineCode()
        self._open: list[str] | None = None  # text chunks of the script/style being read

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        self._check_attributes(tag, values)
        is_inline = "src" not in values
        script_runs = values.get("type", "").split(";")[0].strip().lower() in RUN_TYPES
        if tag == "script" and is_inline and script_runs:
            self._open = self.found.scripts
            self.found.scripts.append("")
        elif tag == "style":
            self._open = self.found.styles
            self.found.styles.append("")

    def handle_data(self, data: str) -> None:
        if self._open is not None:
            self._open[-1] += data

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._open = None

    def _check_attributes(self, tag: str, values: dict[str, str]) -> None:
        line = self.getpos()[0]
        for name, value in values.items():
            if name.startswith("on"):
                problem = f"inline event handler '{name}'; attach it from a script file"
            elif name == "style":
                problem = "'style' attribute; move it to a stylesheet class"
            elif name in URL_ATTRIBUTES and value.strip().lower().startswith("javascript:"):
                problem = f"'javascript:' URL in '{name}'; use a script file"
            else:
                continue
            self.found.problems.append(f"{line}: <{tag}>: {problem} (the CSP blocks it)")


def find_inline(html: str) -> InlineCode:
    """Find inline scripts and styles (their exact text) and the inline code a policy can't allow."""
    finder = _InlineFinder()
    finder.feed(html)
    finder.close()
    return finder.found


def source_hash(text: str) -> str:
    """`alert(1)` => `'sha256-bhHHL3z2vDgxUt0W3dWQOrprscmda2Y5pLsLg4GF+pI='` (a CSP source)."""
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"


def build_policy(
    code: Iterable[InlineCode], *, header: bool = False, live_reload: bool = False
) -> str:
    """Write the policy allowing the inline scripts and styles of all `code` (one page or a site).

    `live_reload`: for a dev server that injects an inline script into every response (new text
    each time, so no hash fits): inline scripts are allowed instead; the rest stays strict.
    """
    code = list(code)
    extra = {
        "script-src": sorted({source_hash(s) for c in code for s in c.scripts}),
        "style-src": sorted({source_hash(s) for c in code for s in c.styles}),
    }
    if live_reload:  # browsers ignore 'unsafe-inline' next to a hash: drop the hashes
        extra["script-src"] = ["'unsafe-inline'"]
    directives = DIRECTIVES + (HEADER_ONLY if header else ())
    return "; ".join(" ".join([name, value, *extra.get(name, [])]) for name, value in directives)


def page_policy(html: str) -> str:
    """The policy for one page: <meta> form, allowing exactly this page's inline code."""
    return build_policy([find_inline(html)])


def site_policy(pages: Iterable[str]) -> str:
    """The policy for a server header shared by every page: the union of their inline code."""
    return build_policy((find_inline(html) for html in pages), header=True)


def has_policy(html: str) -> bool:
    """Whether the page already carries a CSP <meta>."""
    return META_RE.search(html) is not None


def add_policy(html: str, *, live_reload: bool = False) -> tuple[str, list[str]]:
    """Return (the page with its CSP <meta> before any script, problems that the policy blocks).

    An existing CSP <meta> is replaced, so running twice gives the same page. The <meta> goes
    right after `<meta charset>` (which must stay in the first 1024 bytes) or else after `<head>`.
    """
    html = META_RE.sub("", html)
    code = find_inline(html)
    policy = build_policy([code], live_reload=live_reload)
    meta = f'<meta http-equiv="Content-Security-Policy" content="{policy}">'
    anchor = CHARSET_RE.search(html) or HEAD_RE.search(html)
    first_script = html.lower().find("<script")
    if anchor and 0 <= first_script < anchor.end():
        anchor = HEAD_RE.search(html)
    if anchor is None:
        return html, [*code.problems, "1: <head>: missing; nowhere to put the CSP <meta>"]
    return html[: anchor.end()] + meta + html[anchor.end() :], code.problems
