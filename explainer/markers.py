"""Markers in pages: `<!-- factbox PAGE -->`, `<!-- claim ID -->`, `<!-- ref ID -->`, and the
bare `<!-- article -->` (the source page), `<!-- timeline -->` and `<!-- corrections -->`.

Matched loosely (any HTML comment whose first word looks like a marker), validated strictly:
a misspelt verb, an unknown page or claim, or a page with claims but no fact box is a problem.
Pure: the caller supplies each page's text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .problems import Problem
from .values import closest, hint

VERBS = ("factbox", "claim", "ref", "article", "timeline", "corrections")
BARE_VERBS = ("article", "timeline", "corrections")  # take no name; at most one of each per page
COMMENT = re.compile(r"<!--\s*([A-Za-z][\w-]*)?(.*?)-->", re.DOTALL)


@dataclass(frozen=True)
class Marker:
    verb: str
    arg: str
    line: int
    span: tuple[int, int] = field(default=(0, 0), compare=False)  # offsets in the page text


def find_markers(text: str) -> tuple[list[Marker], list[tuple[int, str]]]:
    """Return the page's markers and (line, problem) for comments that only look like one.

    "a <!-- ref x -->" => ([Marker("ref", "x", 1)], [])
    """
    markers, problems = [], []
    for match in COMMENT.finditer(text):
        line = text.count("\n", 0, match.start()) + 1
        word, rest = (match.group(1) or "").lower(), match.group(2).split()
        if word in BARE_VERBS:
            if rest:
                problems.append((line, f"marker '{word}' takes no name, e.g. <!-- {word} -->"))
            else:
                markers.append(Marker(word, "", line, match.span()))
        elif word in VERBS:
            if len(rest) != 1:
                problems.append(
                    (line, f"marker '{word}' needs exactly one name, e.g. <!-- {word} NAME -->")
                )
            else:
                markers.append(Marker(word, rest[0], line, match.span()))
        elif word and closest(word, VERBS, cutoff=0.7):
            problems.append((line, f"unknown marker '{word}'{hint(word, VERBS, cutoff=0.7)}"))
    return markers, problems


def factbox_page(markers: list[Marker]) -> str | None:
    """The page a page's fact box is for (what its references are numbered against), if any."""
    return next((m.arg for m in markers if m.verb == "factbox"), None)


def check_pages(
    pages: dict[str, str],
    claims,
    ids: set[str],
    docs_rel: str,
    claims_path: str = "data/claims.yml",
) -> list[Problem]:
    """Check every page's markers against the claim ids; `pages` maps page name → Markdown text.

    `claims_path` is only quoted in messages: a page without a fact box names its claims' lines.
    """
    problems = []
    boxes: dict[str, int] = {}
    bare: dict[tuple[str, str], int] = {}  # (page, verb) → line of its first bare marker
    for page, text in sorted(pages.items()):
        path = f"{docs_rel}/{page}.md"
        markers, loose = find_markers(text)
        problems += [Problem(path, line, "marker", message) for line, message in loose]
        for m in markers:
            subject = f"marker '{m.verb} {m.arg}'"
            if m.verb == "factbox":
                if m.arg != page:
                    problems.append(
                        Problem(
                            path, m.line, subject, f"a fact box must name its own page '{page}'"
                        )
                    )
                elif page in boxes:
                    problems.append(
                        Problem(
                            path,
                            m.line,
                            subject,
                            f"second fact box; the first is on line {boxes[page]}",
                        )
                    )
                boxes.setdefault(page, m.line)
            elif m.verb in BARE_VERBS:
                first = bare.setdefault((page, m.verb), m.line)
                if first != m.line:
                    problems.append(
                        Problem(
                            path,
                            m.line,
                            f"marker '{m.verb}'",
                            f"second <!-- {m.verb} --> marker; the first is on line {first}",
                        )
                    )
            elif m.arg not in ids:
                problems.append(Problem(path, m.line, subject,
                                        f"unknown claim '{m.arg}'{hint(m.arg, ids)}"))  # fmt: skip
    for page in sorted({c.page for c in claims if c.page in pages} - set(boxes)):
        named = [f"'{c.claim_id}' ({claims_path}:{c.line})" for c in claims if c.page == page]
        few = ", ".join(named[:3]) + (f" and {len(named) - 3} more" if len(named) > 3 else "")
        what = f"claims {few} are" if len(named) > 1 else f"claim {few} is"
        problems.append(
            Problem(
                f"{docs_rel}/{page}.md",
                1,
                f"page '{page}'",
                f"no <!-- factbox {page} --> marker, so {what} shown nowhere",
            )
        )
    return problems
