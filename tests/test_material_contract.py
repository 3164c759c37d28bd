"""Material's private markup, contained: an upgrade that renames, drops or moves a name we rely
on fails here, by name, instead of silently unstyling the site or breaking its script.

Every Material name the explainer relies on is listed once, in a commented place at the top of
the file that uses it: the `MATERIAL` object of explainer.js, the "Material contract" comment of
explainer.css and the one of overrides/404.html. The lists are parsed from there, never repeated
here; each name is checked against the installed Material (templates, compiled CSS, bundle) and
against the pages it builds, and the lists are checked to be complete.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import material
import pytest
import yaml

from explainer import palette

from .helpers import ROOT, ZENSICAL_VENV, page_file, page_paths

JS = ROOT / "explainer/assets/explainer.js"
CSS = ROOT / "explainer/assets/explainer.css"
TEMPLATE_404 = ROOT / "overrides/404.html"
THEME = Path(material.__file__).parent / "templates"
VERSION = getattr(material, "__version__", "?")
# What looks like a Material name in code: a class, a data attribute, an id of its toggles, a
# global of its script. None may appear in explainer.js outside its MATERIAL object.
MATERIAL_NAME_RE = re.compile(r"\bmd-[a-z]|data-md-|(?<!\w)__[a-z]|\w\$")


# --- The contracts, parsed from the files that rely on them ------------------------------------


def js_block(text: str) -> tuple[int, int]:
    """The start and end offsets of the `var MATERIAL = { … };` block."""
    start = text.index("var MATERIAL = {")
    return start, text.index("};", start) + 2


def js_contract(text: str) -> dict[str, str]:
    """`key: "value"` entries of the MATERIAL object; a line it cannot read fails the test."""
    start, end = js_block(text)
    entries = {}
    for line in text[start:end].splitlines()[1:-1]:
        match = re.fullmatch(r'\s*(\w+): "([^"\\]*)",?\s*(//.*)?', line)
        assert match, f"explainer.js: unreadable line in the MATERIAL object: {line.strip()!r}"
        entries[match[1]] = match[2]
    return entries


def comment_contract(comment: str) -> dict[str, list[str]]:
    """`key: values` lines after "Material contract" in a comment, a value list continuing on
    the more indented lines below it. Values split on spaces, breakpoints on their parentheses,
    markup (CSS selectors) one per line."""
    entries: dict[str, list[str]] = {}
    key = None
    for line in comment.split("Material contract", 1)[1].splitlines()[1:]:
        text = line.strip().removesuffix("-#}").removesuffix("*/").strip()
        if match := re.fullmatch(r"([a-z]+): (.*)", text):
            key, text = match[1], match[2]
            entries[key] = []
        if key and text:
            entries[key].append(text)
    return {key: split_values(key, lines) for key, lines in entries.items()}


def split_values(key: str, lines: list[str]) -> list[str]:
    if key == "markup":
        return lines
    if key == "breakpoints":
        return re.findall(r"\([^)]*\)", " ".join(lines))
    return " ".join(lines).split()


def css_parts() -> tuple[str, str]:
    """explainer.css split into its Material contract comment and the rules after it."""
    text = CSS.read_text(encoding="utf-8")
    start = text.index("/* Material contract:")
    end = text.index("*/", start) + 2
    return text[start:end], text[end:]


def template_contract() -> dict[str, list[str]]:
    text = TEMPLATE_404.read_text(encoding="utf-8")
    return comment_contract(text[: text.index("-#}") + 3])


# --- The installed Material ----------------------------------------------------------------------


@dataclass(frozen=True)
class Theme:
    """The text of the installed Material: what it emits (templates and script) and its CSS."""

    templates: str
    script: str
    css: str
    blocks: frozenset[str]
    files: frozenset[str]

    @property
    def markup(self) -> str:
        return self.templates + self.script


@functools.cache
def installed_theme() -> Theme:
    def read(pattern: str) -> str:
        found = sorted(THEME.glob(pattern))
        assert found, f"no {pattern} in {THEME}: is Material installed?"
        return "\n".join(p.read_text(encoding="utf-8") for p in found)

    templates = read("**/*.html")
    return Theme(
        templates=templates,
        script=read("assets/javascripts/bundle.*.min.js"),
        css=read("assets/stylesheets/*.min.css"),
        blocks=frozenset(re.findall(r"{%-?\s*block\s+(\w+)", templates)),
        files=frozenset(p.relative_to(THEME).as_posix() for p in THEME.rglob("*.html")),
    )


def word_in(name: str, text: str) -> bool:
    """`name` occurs in text as a whole CSS identifier (not as part of a longer one)."""
    return re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", text) is not None


def squeeze(media: str) -> str:
    """A media feature as Material's minified CSS writes it: "(max-width:76.234375em)"."""
    return re.sub(r"\s+", "", media)


def selector_names(selector: str) -> list[str]:
    """The classes, ids and attribute names of a CSS selector: what Material must emit."""
    return [a or b for a, b in re.findall(r"[.#]([\w-]+)|\[([\w-]+)", selector)]


def theme_problems(kind: str, name: str, theme: Theme) -> list[str]:
    """Why the installed Material lacks a name we rely on; [] when it has it.

    kind: class (Material emits it), styled-class (Material's CSS styles it), attribute
    ("name=value": emitted by Material), property (a custom property Material's CSS defines),
    breakpoint (a media feature of Material's CSS), selector (every class, id and attribute in
    it is emitted), global (a name the bundle sets on window), template, block, feature, name (a
    whole word of its templates or script: a function of its head script, a storage key),
    attribute-name (an attribute its script sets and its CSS styles), prefix (of attribute
    names its templates write).
    """
    checks = {
        "class": lambda: word_in(name, theme.markup),
        "styled-class": lambda: re.search(rf"\.{re.escape(name)}(?![\w-])", theme.css),
        "attribute": lambda: (
            word_in(name.split("=")[0], theme.markup)
            and word_in(name.split("=")[1], theme.markup + theme.css)
        ),
        "property": lambda: re.search(rf"{re.escape(name)}:", theme.css),
        "breakpoint": lambda: squeeze(name) in theme.css,
        "selector": lambda: all(word_in(n, theme.markup) for n in selector_names(name)),
        "global": lambda: f"window.{name}=" in theme.script,
        "template": lambda: name in theme.files,
        "block": lambda: name in theme.blocks,
        "feature": lambda: f'"{name}"' in theme.markup,
        "name": lambda: re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", theme.markup),
        "attribute-name": lambda: word_in(name, theme.script) and word_in(name, theme.css),
        "prefix": lambda: re.search(rf"(?<![\w-]){re.escape(name)}[a-z]", theme.templates),
    }
    if checks[kind]():
        return []
    return [f"Material {VERSION} has no {kind} {name!r}"]


# --- A built page ---------------------------------------------------------------------------------

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}  # fmt: skip


@dataclass(eq=False)
class Element:
    tag: str
    attrs: dict[str, str]
    parent: Element | None = None
    children: list[Element] = field(default_factory=list)

    def walk(self):
        for child in self.children:
            yield child
            yield from child.walk()


class _Tree(HTMLParser):
    """HTML text → a tree of Elements (unclosed elements end with their parent)."""

    def __init__(self) -> None:
        super().__init__()
        self.root = self.current = Element("#document", {})

    def handle_starttag(self, tag, attrs) -> None:
        element = Element(tag, {k: v or "" for k, v in attrs}, self.current)
        self.current.children.append(element)
        if tag not in VOID:
            self.current = element

    def handle_startendtag(self, tag, attrs) -> None:
        self.current.children.append(Element(tag, {k: v or "" for k, v in attrs}, self.current))

    def handle_endtag(self, tag) -> None:
        node = self.current
        while node.parent is not None and node.tag != tag:
            node = node.parent
        if node.parent is not None:
            self.current = node.parent


def parse_html(text: str) -> Element:
    tree = _Tree()
    tree.feed(text)
    return tree.root


COMPOUND_RE = re.compile(r"""([a-z][a-z0-9]*)?((?:[.#][\w-]+|\[[\w-]+(?:=["']?[\w-]+["']?)?\])*)""")


def matches_compound(element: Element, compound: str) -> bool:
    """Does the element match `tag.class#id[attr=value]` (any part optional, no pseudo-class)?"""
    match = COMPOUND_RE.fullmatch(compound)
    if not match or not compound:
        raise ValueError(f"unsupported selector part {compound!r}: tag, #id, .class, [attr=value]")
    if match[1] and element.tag != match[1]:
        return False
    classes = element.attrs.get("class", "").split()
    for part in re.findall(r"[.#][\w-]+|\[[^\]]+\]", match[2]):
        name, _, value = part.strip("[]").partition("=")
        if part[0] == "." and part[1:] not in classes:
            return False
        if part[0] == "#" and element.attrs.get("id") != part[1:]:
            return False
        if part[0] == "[" and (name not in element.attrs or
                               (value and element.attrs[name] != value.strip("\"'"))):  # fmt: skip
            return False
    return True


def matches(element: Element, steps: list[str]) -> bool:
    """Does the element match a selector split into [compound, combinator, compound, …]?
    Combinators: " " (descendant), ">" (child), "~" (later sibling)."""
    if not matches_compound(element, steps[-1]):
        return False
    if len(steps) == 1:
        return True
    combinator, rest = steps[-2], steps[:-2]
    parent = element.parent
    if combinator == ">":
        return parent is not None and matches(parent, rest)
    if combinator == "~":
        siblings = parent.children[: parent.children.index(element)] if parent else []
        return any(matches(sibling, rest) for sibling in siblings)
    while parent is not None and parent.parent is not None:
        if matches(parent, rest):
            return True
        parent = parent.parent
    return False


def select(root: Element, selector: str) -> list[Element]:
    """The elements matching a selector of compounds joined by " ", ">" or "~"."""
    steps = re.split(r"\s*([>~ ])\s*", selector.strip())
    return [element for element in root.walk() if matches(element, steps)]


def page_problems(kind: str, name: str, page: Element, where: str) -> list[str]:
    """Why a built page lacks what a name requires; [] when it has it. Selectors, classes and
    attributes must match an element; other kinds have nothing to find in a page."""
    selector = {"selector": name, "class": f".{name}"}.get(kind)
    if kind == "attribute":
        selector = "[{}={}]".format(*name.split("="))
    if selector is None or select(page, selector):
        return []
    return [f"{where} has no element matching {selector!r}"]


# --- What each file relies on, by kind -----------------------------------------------------------


def js_kind(value: str) -> str:
    if value.startswith("("):
        return "breakpoint"
    if value.startswith("__"):
        return "name"
    if value.startswith("data-"):
        return "prefix" if value.endswith("-") else "attribute-name"
    return "global" if value.endswith("$") else "selector"


def relied_on() -> list[tuple[str, str, str]]:
    """(file, kind, name) for every Material name in the three contracts and the theme's
    features in mkdocs.yml."""
    names = [("explainer.js", js_kind(v), v) for v in js_contract(JS.read_text("utf-8")).values()]
    kinds = {"classes": "class", "attributes": "attribute", "properties": "property",
             "breakpoints": "breakpoint", "markup": "selector"}  # fmt: skip
    for key, values in comment_contract(css_parts()[0]).items():
        names += [("explainer.css", kinds[key], value) for value in values]
    kinds_404 = {"templates": "template", "blocks": "block", "classes": "styled-class"}
    for key, values in template_contract().items():
        names += [("overrides/404.html", kinds_404[key], value) for value in values]
    config = yaml.load((ROOT / "mkdocs.yml").read_text("utf-8"), Loader=yaml.BaseLoader)
    names += [("mkdocs.yml", "feature", f) for f in config["theme"].get("features", [])]
    return names


def all_problems(names, theme: Theme, pages: dict[str, Element]) -> list[str]:
    problems = []
    for where, kind, name in names:
        found = theme_problems(kind, name, theme)
        for path, page in pages.items():
            found += page_problems(kind, name, page, f"the built {path}")
        problems += [f"{where}: {kind} {name!r}: {line}" for line in found]
    return problems


@pytest.fixture(scope="module")
def built_pages(built_site: Path) -> dict[str, Element]:
    """The home page and the 404 page (our own template) of the real site, parsed."""
    return {p: parse_html((built_site / p).read_text("utf-8")) for p in ("index.html", "404.html")}


# --- Tests -----------------------------------------------------------------------------------------


def test_every_material_name_we_rely_on_is_in_the_installed_material_and_the_built_pages(
    built_pages,
):
    names = relied_on()
    kinds = {kind for _, kind, _ in names}
    assert {"selector", "class", "property", "breakpoint", "global", "block", "name",
            "attribute-name", "prefix"} <= kinds, kinds  # fmt: skip
    problems = all_problems(names, installed_theme(), built_pages)
    assert not problems, (
        f"{len(problems)} Material names we rely on changed (Material {VERSION}); update the "
        "file and its Material contract:\n" + "\n".join(problems)
    )


@pytest.mark.parametrize(
    "kind, bogus",
    [
        ("selector", ".md-sidebar--primery"),  # as the JS contract would list it
        ("selector", "#__drawr"),
        ("selector", ".md-search[data-md-component=serch]"),
        ("selector", "[data-md-toggle=search] ~ .md-header .md-search__outptu"),
        ("selector", ".md-header__option > .md-content"),  # both exist, not in that relation
        ("class", "md-contnet"),
        ("attribute", "data-md-color-scheme=slat"),
        ("property", "--md-default-fg-colour"),
        ("breakpoint", "(max-width: 76.2em)"),
        ("global", "documnet$"),
        ("template", "mian.html"),
        ("block", "contnet"),
        ("styled-class", "md-buton--primary"),
        ("feature", "toc.folow"),
        ("name", "__md_gett"),
        ("name", "__pallete"),
        ("attribute-name", "data-md-color-switch"),
        ("prefix", "data-md-colour-"),
    ],
)
def test_a_misspelt_name_fails_the_same_check(kind, bogus, built_pages):
    problems = all_problems([("explainer.js", kind, bogus)], installed_theme(), built_pages)
    assert problems and all(repr(bogus) in line for line in problems), problems


def test_the_built_pages_show_what_the_404_template_adds_through_its_block(built_site: Path):
    # A block Material renamed would leave our 404 page with Material's "404 - Not found".
    page = parse_html((built_site / "404.html").read_text("utf-8"))
    assert select(page, ".md-content form.notfound__search"), "404.html lost its search form"


def test_the_css_lists_every_material_name_its_rules_use_and_no_other():
    contract, rules = css_parts()
    listed = comment_contract(contract)
    used = {
        "classes": set(re.findall(r"\.(md-[\w-]+)", rules)),
        "properties": set(re.findall(r"(--md-[\w-]+)", rules)),
        "attributes": {re.sub(r"[\"']", "", a) for a in re.findall(r"\[(data-md-[^\]]+)\]", rules)},
        "breakpoints": {
            squeeze(m)
            for q in re.findall(r"@media([^{]*)", rules)
            for m in re.findall(r"\([^)]*\)", q)
        },
    }
    for key, names in used.items():
        have = {squeeze(n) if key == "breakpoints" else n for n in listed.get(key, [])}
        assert names - have == set(), f"explainer.css uses Material {key} not in its contract"
        assert have - names == set(), f"explainer.css lists Material {key} it no longer uses"


def test_the_js_names_material_only_in_its_material_object_and_uses_every_entry():
    text = JS.read_text(encoding="utf-8")
    start, end = js_block(text)
    outside = text[:start] + text[end:]
    stray = [line.strip() for line in outside.splitlines() if MATERIAL_NAME_RE.search(line)]
    assert stray == [], "explainer.js names Material outside its MATERIAL object:\n" + "\n".join(
        stray
    )
    unused = [key for key in js_contract(text) if f"MATERIAL.{key}" not in outside]
    assert unused == [], f"explainer.js lists MATERIAL entries it never uses: {unused}"


def test_the_404_template_lists_its_material_blocks_classes_and_parent():
    text = TEMPLATE_404.read_text(encoding="utf-8")
    body = text[text.index("-#}") + 3 :]
    listed = template_contract()
    assert set(re.findall(r'{%-?\s*extends\s+"([^"]+)"', body)) == set(listed["templates"])
    assert set(re.findall(r"{%-?\s*block\s+(\w+)", body)) == set(listed["blocks"])
    used = {c for classes in re.findall(r'class="([^"]*)"', body) for c in classes.split()}
    assert {c for c in used if c.startswith("md-")} == set(listed["classes"])


def test_no_material_partial_is_copied_into_overrides():
    # A copied partial silently freezes Material's markup at the version it was copied from.
    # 404.html shares Material's name but is our own page, extending main.html.
    copied = [p.relative_to(ROOT).as_posix() for p in (ROOT / "overrides").rglob("*")
              if p.is_file() and (THEME / p.relative_to(ROOT / "overrides")).exists()
              and p.name != "404.html"]  # fmt: skip
    assert copied == [], f"copies of Material templates: {copied}"


# --- The light/dark toggle the build takes from Material's script (explainer/palette.py) --------

def test_the_palette_form_the_build_renames_is_material_s_and_zensical_s():
    themes = [THEME, *sorted(ZENSICAL_VENV.glob("lib/python3*/site-packages/zensical/templates"))]
    for theme in themes:
        form = (theme / "partials/palette.html").read_text("utf-8")
        assert palette.MATERIAL_FORM in form, f"{theme}: the palette form changed"
        assert 'data-md-color-media="{{ option.media }}"' in form, theme  # what AUTOMATIC reads
        bundle = "".join(p.read_text("utf-8") for p in theme.glob("assets/javascripts/bundle.*.js"))
        # its script mounts the component by that name (what the renamed form escapes)
        assert re.search(r'\.\.\.\w+\("palette"\)\.map\(', bundle), theme
        assert re.search(r"\[data-md-component=\$\{\w+\}\]", bundle), theme


def test_every_built_page_hands_its_toggle_to_explainer_js(built_site: Path):
    for path in page_paths(built_site):
        html = page_file(built_site, path).read_text("utf-8")
        assert palette.OURS in html and 'data-md-component="palette"' not in html, path
    assert "[data-explainer-palette]" in JS.read_text("utf-8")
    assert palette.OURS.endswith(" data-explainer-palette>")


FORM = (
    '<header>{form}<input class="md-option" data-md-color-media="{media}" type="radio" '
    'name="__palette" id="__palette_0"><label for="__palette_1" hidden>…</label></form></header>'
)


@pytest.mark.parametrize(
    "html, expected",
    [
        (FORM.format(form=palette.MATERIAL_FORM, media="(prefers-color-scheme: light)"),
         FORM.format(form=palette.OURS, media="(prefers-color-scheme: light)")),
        # an automatic option follows the system as it changes: left to Material's script
        (FORM.format(form=palette.MATERIAL_FORM, media="(prefers-color-scheme)"), None),
        ("<html><body><p>No palette</p></body></html>", None),  # a redirect stub, sitemap
        (FORM.format(form=palette.OURS, media="(prefers-color-scheme: light)"), None),  # twice
    ],
)  # fmt: skip
def test_take_toggle(html: str, expected: str | None):
    assert palette.take_toggle(html) == (html if expected is None else expected)
