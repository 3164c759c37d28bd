"""Slips in the article's English text: verbatim snippets, each with what it means.

Data, kept beside the code because the article never changes: a snippet is checked to occur
exactly once in the article's body (check_slips), so a slip is never silently lost. The source
page marks each one in place; nothing in the article is corrected.
"""

from __future__ import annotations

from dataclasses import dataclass

from .article import Article


@dataclass(frozen=True)
class Slip:
    snippet: str  # verbatim from the article, found exactly once (check_slips)
    explanation: str


SLIPS = (
    Slip(
        "seized",
        "A literal translation: the sense is that Anticor referred the matter to the "
        "prosecutor’s office.",
    ),
    Slip(
        "hosting market",
        "A literal translation: the sense is the hosting contract, which the article later "
        "calls ‘this public contract’.",
    ),
    Slip(
        "the cloud platform. Microsoft Azure computing.",
        "Garbled word order: the sense is ‘the Microsoft Azure cloud platform’.",
    ),
    Slip(
        "She adds",
        "‘She’ is the association, Anticor: a literal rendering of the French ‘elle’, "
        "which stands for ‘l’association’.",
    ),
    Slip(
        "has not been regularly monitored",
        "Reads as a machine translation; with the section "
        "heading, the sense is that the announced procedure was not followed through.",
    ),
    Slip(
        "in the United States. outside.",
        "Garbled: the sense is ‘inside or outside the United States’.",
    ),
    Slip(
        "under a new decree",
        "Not a decree (décret) in French law: the text meant is a "
        "ministerial order (arrêté) of 9 October 2020, published in the Journal officiel on "
        "10 October 2020.",
    ),
    Slip(
        "trying to seize",
        "Reads as a machine-translation slip; the sense is that the "
        "government is trying to deal with the problem.",
    ),
    Slip(
        "in one “as much as possible",
        "‘In one’ has lost its noun: the sense is a new solution "
        "‘as far as possible’ within 12 to 18 months.",
    ),
    Slip(
        "monthsThe",
        "Two sentences run together: the quotation is never closed, and ‘The "
        "Gaia-X…’ begins a new sentence.",
    ),
)


def check_slips(article: Article, slips: tuple[Slip, ...] = SLIPS) -> list[str]:
    """Return a problem for each slip not found exactly once in the article's body."""
    problems = []
    for slip in slips:
        count = sum(p.text.count(slip.snippet) for p in article.body)
        if count != 1:
            where = "not found" if count == 0 else f"found {count} times"
            problems.append(f"slip '{slip.snippet}' {where} in the article; expected exactly once")
    return problems
