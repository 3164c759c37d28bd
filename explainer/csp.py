"""Content-Security-Policy from a page's final HTML: hash its inline code, write the policy, add it.

Pure: HTML text in, HTML text (or policy text) out; no MkDocs, no files. Inline scripts and
`<style>` elements are allowed by their sha256 only; JSON data blocks are left unhashed (browsers
never run them). Inline event handlers, `javascript:` URLs and `style` attributes would need
'unsafe-hashes', so they are reported as problems instead of allowed. A page is read by regular
expressions where it holds nothing of the kind and by Python's HTML parser elsewhere (below).
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
    """Collect the text of inline scripts and styles, and note attribute-level inline code.

    `first_line`: the line of the document the fed text starts on (`find_inline` feeds parts).
    """

    def __init__(self, first_line: int = 1) -> None:
        super().__init__(convert_charrefs=True)
        self.found = InlineCode()
        self._first_line = first_line
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
        line = self.getpos()[0] + self._first_line - 1
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


def parse_inline(html: str, first_line: int = 1) -> InlineCode:
    """`find_inline` by Python's HTML parser over the whole text: the reference, and what
    `find_inline` falls back to for anything out of the ordinary."""
    finder = _InlineFinder(first_line)
    finder.feed(html)
    finder.close()
    return finder.found


# --- The fast path -------------------------------------------------------------------------------
# A built page is mostly text and tags that carry no inline code. One regular expression skips
# those (`_ORDINARY`, in C); only what may hold inline code, a <script> or <style> element or a
# tag with an on*, style or suspicious URL attribute, is handed to the parser above, one part at
# a time. Anything the expressions do not know (a stray "<", an unquoted value with quotes in it,
# a comment holding "--", raw-text elements other than <title>, <script/>, "<!--" or any "</"
# but its end tag inside a script) sends the whole page to the parser: the fast path covers markup
# that HTML parsers read alike, so both give the same result (tests/test_csp.py checks them
# against each other on every built page and on generated markup).


def _anycase(word: str) -> str:
    """ "on" => "[oO][nN]": the word in any case (IGNORECASE would slow the whole expression)."""
    return "".join(f"[{c.lower()}{c.upper()}]" if c.isalpha() else re.escape(c) for c in word)


def _any_of(*words: str) -> str:
    return "(?:" + "|".join(_anycase(w) for w in words) + ")"


# A tag name ends where Python's parser (and a browser) ends it: at ASCII whitespace, "/" or ">"
# only, where `\s` would also take a vertical tab or a no-break space.
_END_OF_NAME = r"(?![^\t\n\r\f />])"
_NAME = rf"[a-zA-Z][-.a-zA-Z0-9:_]*{_END_OF_NAME}"
_VALUE = r"""(?:"[^"]*"|'[^']*'|[^\s"'=<>`]+)"""
_ATTRIBUTE = rf"""\s+[^\s"'>/=]+(?:\s*=\s*{_VALUE})?"""
# Not on*, not style, not a URL attribute whose value holds "&" (an entity could spell
# "javascript:") or "javascript": such attributes are read by the parser.
_PLAIN_ATTRIBUTE = (
    rf"""\s+(?!{_anycase("on")}|{_anycase("style")}(?![^\s/>=]))"""
    rf"""(?!{_any_of(*sorted(URL_ATTRIBUTES))}\s*=\s*["']?[^"'>]*(?:&|{_anycase("javascript")}))"""
    rf"""[^\s"'>/=\x80-\U0010ffff]+(?:\s*=\s*{_VALUE})?"""  # ASCII: "K" (U+212A) lowers to "k"
)
# Elements whose content is raw text to some parser: never skipped (only <title> without "<").
_RAW = _any_of(
    "script", "style", "title", "textarea", "xmp", "iframe", "noembed", "noframes", "noscript",
    "plaintext",
) + r"(?![-.\w:])"  # fmt: skip
_ORDINARY = re.compile(
    rf"""(?:[^<]+
    |<!--(?:(?!--).)*-->
    |</{_NAME}\s*>
    |<!{_anycase("doctype")}\s[^<>]*>
    |<{_anycase("title")}{_END_OF_NAME}(?:{_PLAIN_ATTRIBUTE})*\s*>[^<]*</{_anycase("title")}\s*>
    |<(?!{_RAW}){_NAME}(?:{_PLAIN_ATTRIBUTE})*\s*/?>
    )*""",
    re.DOTALL | re.VERBOSE,
)
# No IGNORECASE: it would take "ſ" (U+017F) for "s" and "ı" (U+0131) for "i".
_CODE_START = re.compile(rf"<({_any_of('script', 'style')}){_END_OF_NAME}(?:{_ATTRIBUTE})*\s*>")
_TAG = re.compile(rf"<(?!{_RAW}){_NAME}(?:{_ATTRIBUTE})*\s*/?>")


def _part_end(html: str, at: int) -> int | None:
    """Where the element or tag that starts at `at` ends, if it is ordinary markup; else None."""
    if start := _CODE_START.match(html, at):
        close = html.find("</", start.end())
        end_tag = re.compile(rf"</{_anycase(start.group(1))}[\t\n\r\f ]*>")
        end = end_tag.match(html, close) if close >= 0 else None
        # "<!--" in a script starts what browsers call escaped script data, which HTML parsers
        # (Python's among them, from version to version) do not all read alike: leave it to one.
        if end is None or "<!--" in html[start.end() : close]:
            return None
        return end.end()
    tag = _TAG.match(html, at)
    return tag.end() if tag else None


def find_inline(html: str, memo: dict[str, InlineCode] | None = None) -> InlineCode:
    """Find inline scripts and styles (their exact text) and the inline code a policy can't allow.

    `memo`: the parts read so far, by their text (pages of one site repeat the theme's scripts);
    give one dict to the calls of one build.
    """
    memo = {} if memo is None else memo
    found, at, line, counted = InlineCode(), 0, 1, 0
    while (at := _ORDINARY.match(html, at).end()) < len(html):
        end = _part_end(html, at)
        if end is None:
            return parse_inline(html)
        line, counted = line + html.count("\n", counted, at), at
        text = html[at:end]
        part = memo.get(text) or parse_inline(text, first_line=line)
        if not part.problems:  # a problem names its line: such parts are read where they are
            memo[text] = part
        found.scripts += part.scripts
        found.styles += part.styles
        found.problems += part.problems
        at = end
    return found


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


def add_policy(
    html: str, *, live_reload: bool = False, memo: dict[str, InlineCode] | None = None
) -> tuple[str, list[str]]:
    """Return (the page with its CSP <meta> before any script, problems that the policy blocks).

    An existing CSP <meta> is replaced, so running twice gives the same page. The <meta> goes
    right after `<meta charset>` (which must stay in the first 1024 bytes) or else after `<head>`.
    """
    html = META_RE.sub("", html)
    code = find_inline(html, memo)
    policy = build_policy([code], live_reload=live_reload)
    meta = f'<meta http-equiv="Content-Security-Policy" content="{policy}">'
    anchor = CHARSET_RE.search(html) or HEAD_RE.search(html)
    first_script = html.lower().find("<script")
    if anchor and 0 <= first_script < anchor.end():
        anchor = HEAD_RE.search(html)
    if anchor is None:
        return html, [*code.problems, "1: <head>: missing; nowhere to put the CSP <meta>"]
    return html[: anchor.end()] + meta + html[anchor.end() :], code.problems
