"""Python-Markdown extension: replace claim markers in pages with fact boxes and references.

Portable glue: MkDocs, ProperDocs and Zensical all run it. It renders from the build's one
Project, handed over by the engine's adapter; without one (Zensical runs no hooks) it loads and
validates the data itself, so a bad claims file fails any build, hooks or not. Under Zensical
(no hooks, no `absolute_links` option) it also makes its links page-relative and reports data
problems itself: see "Zensical" below.
"""

from __future__ import annotations

import os
import pickle
import posixpath
import re
import sys
import xml.etree.ElementTree as etree
from pathlib import Path
from typing import NoReturn

from markdown import Extension
from markdown.preprocessors import Preprocessor
from markdown.treeprocessors import Treeprocessor
from markdown.util import AtomicString

from .ahead import render_block
from .factbox import ref_order, render_ref
from .markers import Marker, factbox_page, find_markers
from .model import ANCHOR_PREFIX, OPTION_HELP, OPTIONS, Project, Settings
from .problems import ClaimsError
from .project import load_project

# Shaped like Python-Markdown's stash placeholders (STX … ETX): no Markdown syntax can touch it.
PLACEHOLDER = "\x02explainer:{}\x03"
PLACEHOLDER_RE = re.compile(r"\x02explainer:(\d+)\x03")
PLACEHOLDER_PREFIX = "\x02explainer:"


def _atomic(element: etree.Element) -> etree.Element:
    # Data is text, never Markdown: inline patterns must not reinterpret it.
    for node in element.iter():
        node.text = AtomicString(node.text) if node.text else node.text
        node.tail = AtomicString(node.tail) if node.tail else node.tail
    return element


class MarkerPreprocessor(Preprocessor):
    """Swap each marker (found by `markers.find_markers`, the one marker parser) for a
    placeholder of the same shape as Python-Markdown's own stash placeholders: on a line of its
    own for a block, in the text for a reference. Invalid markers were already reported by the
    validation; here they are left as the comments they are."""

    def __init__(self, md, ext: ExplainerExtension) -> None:
        super().__init__(md)
        self.ext = ext

    def run(self, lines: list[str]) -> list[str]:
        self.ext.page_path = zensical_page_path(self.md)
        text = "\n".join(lines)
        markers, _ = find_markers(text)
        self.ext.markers = markers
        if not markers:
            return lines  # no marker: no data needed
        self.ext.load()
        self.ext.page = factbox_page(markers)
        out, last = [], 0
        for index, marker in enumerate(markers):
            start, end = marker.span
            key = PLACEHOLDER.format(index)
            out += [text[last:start], key if marker.verb == "ref" else f"\n\n{key}\n\n"]
            last = end
        return ("".join(out) + text[last:]).split("\n")


class BlockTreeprocessor(Treeprocessor):
    """Replace each block marker's paragraph with its rendered fact box, claim or page part."""

    def __init__(self, md, ext: ExplainerExtension) -> None:
        super().__init__(md)
        self.ext = ext

    def run(self, root: etree.Element) -> None:
        for parent in list(root.iter()):
            for index, child in enumerate(list(parent)):
                marker = (
                    self.ext.marker_at((child.text or "").strip()) if child.tag == "p" else None
                )
                if marker and marker.verb != "ref" and not len(child):
                    parent.remove(child)
                    block = self.ext.render_block(marker.verb, marker.arg)
                    parent.insert(index, self.ext.element(block, inline=False))


class MergeRefsTreeprocessor(Treeprocessor):
    """Merge references that follow each other into one bracket: "[3] [4]" => "[3, 4]"."""

    def __init__(self, md, ext: ExplainerExtension) -> None:
        super().__init__(md)
        self.ext = ext

    def run(self, root: etree.Element) -> None:
        for parent in self.ext.ref_parents:  # the only elements references were put in
            first = None  # the reference that the next ones join
            for child in list(parent):
                if not _is_ref(child):
                    first = None
                    continue
                if first is not None:
                    self._join(first, child)
                    parent.remove(child)
                else:
                    first = child
                if (first.tail or "").strip():
                    first = None

    def _join(self, first: etree.Element, ref: etree.Element) -> None:
        """Move ref's links into first, each claim once, in factbox.ref_order, as render_refs."""
        project, page = self.ext.project, self.ext.page
        links = {link.get("href"): link for link in [*first, *ref]}
        for link in list(first):
            first.remove(link)
        ordered = sorted(
            links.values(), key=lambda link: ref_order(project, _linked_claim(project, link), page)
        )
        for link in ordered:
            link.tail = ", "
            first.append(link)
        ordered[-1].tail = "]"
        first.tail = ref.tail


def _linked_claim(project: Project, link: etree.Element):
    """The claim a reference links to: "…#claim-x" => claim "x"."""
    return project.by_id[link.get("href", "").rpartition(f"#{ANCHOR_PREFIX}")[2]]


def _is_ref(element: etree.Element) -> bool:
    return element.tag == "sup" and element.get("class") == "claimref"


class AbbrFocusTreeprocessor(Treeprocessor):
    """Make the first <abbr> of each term focusable, so its tooltip also opens from the keyboard."""

    def run(self, root: etree.Element) -> None:
        # explainer.js shows an abbr's tooltip while it is hovered or holds focus; only the first of
        # each term gets a tab stop, and none inside a link (no nested interactive elements).
        seen, in_link = set(), {id(n) for a in root.iter("a") for n in a.iter("abbr")}
        for abbr in root.iter("abbr"):
            if abbr.text not in seen and id(abbr) not in in_link:
                abbr.set("tabindex", "0")
                seen.add(abbr.text)


class RefTreeprocessor(Treeprocessor):
    """Turn each reference marker's placeholder, left as text by the inline pass, into a
    superscript link to the claim. (As an inline pattern, each reference cost Python-Markdown's
    inline pass some 40 µs: 7 ms a build.) Other placeholders stay: BlockTreeprocessor's."""

    def __init__(self, md, ext: ExplainerExtension) -> None:
        super().__init__(md)
        self.ext = ext
        self.made: dict[int, etree.Element] = {}  # marker index => its reference, parsed

    def run(self, root: etree.Element) -> None:
        self.ext.ref_parents = []
        refs = [i for i, marker in enumerate(self.ext.markers) if marker.verb == "ref"]
        if not refs:
            return
        parents = [
            parent
            for parent in root.iter()
            if any(
                text and PLACEHOLDER_PREFIX in text
                for text in (parent.text, *(child.tail for child in parent))
            )
        ]
        if not parents:
            return
        rendered = [self.ext.render_ref(self.ext.markers[i].arg) for i in refs]
        self.made = dict(zip(refs, self.ext.elements(rendered)))  # one parse for the page
        for parent in parents:
            self._expand(parent)
        self.ext.ref_parents = parents

    def _expand(self, parent: etree.Element) -> None:
        """Rebuild the parent's text and children with the references in place."""
        children, text = list(parent), self._pieces(parent.text)
        for child in children:
            parent.remove(child)
        parent.text = text[0]
        for child in [*text[1:], *(n for c in children for n in (c, *self._pieces(c.tail)))]:
            if isinstance(child, etree.Element):
                parent.append(child)
            else:  # _pieces puts text after the element it follows: that element's tail
                parent[-1].tail = child

    def _pieces(self, text: str | None) -> list:
        r""" "a \x02explainer:0\x03 b" => ["a ", <sup>, " b"]: text, then element and its tail."""
        if not text or PLACEHOLDER_PREFIX not in text or isinstance(text, AtomicString):
            return [text]  # atomic text (code) is never read for markup, as the inline pass
        kind, out, last = type(text), [], 0
        for match in PLACEHOLDER_RE.finditer(text):
            marker = self.ext.markers[int(match.group(1))]
            if marker.verb != "ref":
                continue
            out.append(kind(text[last : match.start()]) or None)
            out.append(self.made[int(match.group(1))])
            last = match.end()
        out.append(kind(text[last:]) or None)
        return out


class ExplainerExtension(Extension):
    def __init__(self, **kwargs) -> None:
        self.config = {
            # "" rather than None: Python-Markdown turns a value whose default is None into a bool
            "project": ["", "The build's validated Project, handed over by the engine adapter"],
            "project_file": ["", "The same, pickled by the Zensical adapter for its build"],
            "base_dir": ["", "Folder the other paths are relative to; '' = the working directory"],
            "rendered": ["", "A function returning what ahead.render_all rendered, if anything"],
        }
        # The path options and their defaults: Settings is the one place that states them.
        defaults = Settings(Path("."))
        for name in OPTIONS:
            self.config[name] = [getattr(defaults, name), OPTION_HELP[name]]
        super().__init__(**kwargs)
        self.page: str | None = None
        self.page_path: str | None = None  # docs-relative source path, known under Zensical only
        self.project: Project | None = None
        self.markers: list[Marker] = []  # this page's, in order; placeholders number them
        self.rendered: dict[tuple, str] = {}  # what ahead.render_all rendered for this build
        self.ref_parents: list[etree.Element] = []  # this page's elements holding references

    def marker_at(self, text: str) -> Marker | None:
        """The marker whose placeholder the text is, or None."""
        match = PLACEHOLDER_RE.fullmatch(text)
        return self.markers[int(match.group(1))] if match else None

    def load(self) -> None:
        """Take the project the adapter loaded for this build; without one, load it here.

        MkDocs and ProperDocs hand the build's one Project over (explainer/mkdocs_hooks.py);
        the Zensical adapter (explainer/zensical_build.py) pickles it for its build. A bare
        `zensical build` runs no adapter: the data is then loaded for each page that has
        markers, and a problem ends the build with the same lines.
        """
        if self.project is not None:
            return
        self.rendered = (self.getConfig("rendered") or dict)()
        self.project = self.getConfig("project") or None
        if self.project is None and self.getConfig("project_file"):
            self.project = pickle.loads(Path(self.getConfig("project_file")).read_bytes())
        if self.project is None:
            try:
                self.project = load_project(self.settings())
            except ClaimsError as err:
                if self.page_path is None:
                    raise
                exit_with_problems(err)

    def settings(self) -> Settings:
        c = self.getConfigs()
        return Settings.from_options(Path(c["base_dir"] or ".").resolve(), c)

    def element(self, html: str, inline: bool = True) -> etree.Element:
        """Parse rendered HTML for the page; under Zensical, make its page links relative."""
        return self._prepared(etree.fromstring(html), inline)

    def elements(self, fragments: list[str]) -> list[etree.Element]:
        """`element` for many inline fragments, each one element, in one parse."""
        parsed = list(etree.fromstring(f"<div>{''.join(fragments)}</div>"))
        if len(parsed) != len(fragments) or any(element.tail for element in parsed):
            return [self.element(fragment) for fragment in fragments]  # not one element each
        return [self._prepared(element, inline=True) for element in parsed]

    def _prepared(self, element: etree.Element, inline: bool) -> etree.Element:
        # Blocks arrive after the inline pass (priority 20), so no Markdown pattern reaches their
        # text; leaving it plain lets `abbr` (priority 7) add tooltips. Not inside SVG, where an
        # <abbr> would hide the text.
        for node in [element] if inline else list(element.iter("svg")):
            _atomic(node)
        if self.page_path is not None:
            for link in element.iter("a"):
                link.set("href", relative_href(link.get("href", ""), self.page_path))
        return element

    def render_block(self, verb: str, arg: str) -> str:
        return self.rendered.get((verb, arg)) or render_block(self.project, verb, arg)

    def render_ref(self, claim_id: str) -> str:
        key = ("ref", claim_id, self.page)
        claim = self.project.by_id[claim_id]  # validated: every named claim exists
        return self.rendered.get(key) or render_ref(self.project, claim, self.page)

    def extendMarkdown(self, md) -> None:
        # Data loads when the first page is converted, not here: MkDocs instantiates extensions
        # while validating mkdocs.yml, before its hook can report problems cleanly.
        md.preprocessors.register(MarkerPreprocessor(md, self), "explainer_markers", 25)
        md.treeprocessors.register(BlockTreeprocessor(md, self), "explainer_blocks", 7.5)
        # After the inline pass (priority 20), which leaves the placeholders as text.
        md.treeprocessors.register(RefTreeprocessor(md, self), "explainer_refs", 19.5)
        # After `abbr` (priority 7) has made the <abbr> elements.
        md.treeprocessors.register(AbbrFocusTreeprocessor(md), "explainer_abbr_focus", 6.5)
        # After the inline pass (priority 20) has made the references.
        md.treeprocessors.register(MergeRefsTreeprocessor(md, self), "explainer_merge_refs", 19)


# --- Zensical ------------------------------------------------------------------------------------
# Zensical runs this extension but neither our MkDocs hook nor `absolute_links: relative_to_docs`.


def zensical_page_path(md) -> str | None:
    """Return the docs-relative path of the page Zensical is converting; None elsewhere."""
    # Zensical registers this preprocessor, holding the page, on every Markdown it creates.
    if "rendering_context" not in md.preprocessors:
        return None
    return getattr(getattr(md.preprocessors["rendering_context"], "page", None), "path", None)


def relative_href(href: str, page_path: str) -> str:
    """Make a docs-absolute page link relative to a page; leave other links alone.

    ("/tender.md#claim-x", "index.md") => "tender.md#claim-x"; ("/a.md", "sub/b.md") => "../a.md"
    """
    path, sep, anchor = href[1:].partition("#")
    if not href.startswith("/") or href.startswith("//") or not path.endswith(".md"):
        return href
    return posixpath.relpath(path, posixpath.dirname(page_path) or ".") + sep + anchor


def exit_with_problems(err: ClaimsError) -> NoReturn:
    """Print every data problem and end the build with status 1, as MkDocs' hook would."""
    # Zensical wraps any exception from here in a RuntimeError traceback and carries on after
    # SystemExit; an editor needs only the `path:line:` lines, so leave the process directly.
    sys.stdout.flush()
    sys.stderr.write(f"Error: {err}\n")
    sys.stderr.flush()
    os._exit(1)


def makeExtension(**kwargs) -> ExplainerExtension:
    return ExplainerExtension(**kwargs)
