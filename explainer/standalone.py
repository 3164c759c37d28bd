"""Claim texts that stand alone: a shared claim is read with no page around it.

A claim's text is its share page's title, its preview card and its JSON-LD headline, so it must
not lean on the text before it. The check refuses the openings and phrases listed here (README,
"Claims that stand alone"): pronouns and demonstratives at the start, "the same …", "that …"
pointing back to something unnamed, and "the article" without saying which. Pure: text in,
problem sentence out.
"""

from __future__ import annotations

import re

# Words a claim may not open with: they point back to text the reader of a shared claim lacks.
OPENINGS = (
    "in the same", "at the same", "on the same", "the same", "also", "then", "this", "these",
    "that", "those", "it", "its", "they", "their", "he", "she", "his", "her", "such", "there",
    "the article", "the problem", "the order", "the letter", "the decision",
)  # fmt: skip
# Phrases refused anywhere: "the same letter" and "that tender" name nothing on their own.
ANYWHERE = (
    r"the same (?:letter|event|press conference|hearing|day|meeting|report)",
    r"that (?:tender|letter|order|decision|contract|request)",
)
_OPENING = re.compile(r"(?:{})\b".format("|".join(re.escape(o) for o in OPENINGS)), re.IGNORECASE)
_ANYWHERE = re.compile(r"\b(?:{})\b".format("|".join(ANYWHERE)), re.IGNORECASE)


def leaning_problem(text: str) -> str | None:
    """Return why a claim text does not stand alone, or None.

    "In the same letter, he said…" => "claim text opens with 'In the same', which leans on
    context; name what it refers to (a shared claim is read alone)"
    """
    opening = _OPENING.match(text.lstrip("“\"'‘ "))
    if opening:
        return (f"claim text opens with '{opening.group()}', which leans on context; "
                "name what it refers to (a shared claim is read alone)")  # fmt: skip
    if phrase := _ANYWHERE.search(text):
        return (f"claim text says '{phrase.group()}' without saying which; "
                "name it (a shared claim is read alone)")  # fmt: skip
    return None
