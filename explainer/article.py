"""The article: its paragraphs, its sentences, and where a quote sits in it.

Pure text handling: no file I/O, no YAML, no MkDocs. Quotes are matched after normalising
only whitespace and typographic quotes, apostrophes and the ellipsis; nothing looser.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_TYPOGRAPHIC = str.maketrans(
    {"“": '"', "”": '"', "„": '"', "‘": "'", "’": "'", "‚": "'", "…": "..."}
)
# A sentence ends at . ! ? (plus closing quotes) when whitespace and a capital or a quote follow.
_SENTENCE_END = re.compile(r"[.!?][\"'”“’)]*(?=\s+[A-Z\"'“‘À-Ý])")


def normalise(text: str) -> str:
    """Map typographic quotes and the ellipsis to ASCII and whitespace runs to one space.

    "it’s  “fine”…" => "it's \"fine\"..."
    """
    return re.sub(r"\s+", " ", text.translate(_TYPOGRAPHIC)).strip()


@dataclass(frozen=True)
class Paragraph:
    number: int
    kind: str  # "title", "head", "body" or "furniture"
    text: str
    start: int  # offset of the paragraph in Article.flat
    sentences: tuple[str, ...]


@dataclass(frozen=True)
class Article:
    paragraphs: tuple[Paragraph, ...]
    flat: str  # normalised body paragraphs joined by a single newline

    def find(self, quote: str) -> int:
        """Return the offset of a quote in the normalised body, or -1."""
        needle = normalise(quote)
        return self.flat.find(needle) if needle else -1

    def paragraph_at(self, offset: int) -> Paragraph:
        """Return the body paragraph holding a flat offset."""
        return next(p for p in reversed(self.body) if p.start <= offset)

    @property
    def body(self) -> tuple[Paragraph, ...]:
        return tuple(p for p in self.paragraphs if p.kind == "body")


def _kind(index: int, text: str, furniture: tuple[str, ...], heads: tuple[str, ...]) -> str:
    if index == 0:
        return "title"
    if text in heads:
        return "head"
    if any(text.startswith(f) for f in furniture):
        return "furniture"
    return "body"


def split_sentences(text: str) -> tuple[str, ...]:
    """Split a normalised paragraph into sentences.

    "One. Two “three.” four." => ("One.", "Two \"three.\" four.")
    """
    cuts = [m.end() for m in _SENTENCE_END.finditer(text)]
    bounds = zip([0, *cuts], [*cuts, len(text)])
    return tuple(text[a:b].strip() for a, b in bounds if text[a:b].strip())


def parse_article(
    raw: str, furniture: tuple[str, ...] = (), heads: tuple[str, ...] = ()
) -> Article:
    """Split the seed's text into numbered paragraphs and sentences.

    The first line is the title; lines equal to one of `heads` are section heads; lines that
    start with one of `furniture` are the scraped page's, not the article's (data/article.yml).
    """
    blocks = [
        b for b in re.split(r"\n\s*\n", raw.replace("\r\n", "\n").lstrip("\ufeff")) if b.strip()
    ]
    lines = [line.strip() for block in blocks for line in block.split("\n") if line.strip()]
    paragraphs, flat, offset = [], [], 0
    for index, line in enumerate(lines):
        kind, text = _kind(index, line, furniture, heads), normalise(line)
        start = offset if kind == "body" else -1
        sentences = split_sentences(text) if kind == "body" else ()
        paragraphs.append(Paragraph(index + 1, kind, line, start, sentences))
        if kind == "body":
            flat.append(text)
            offset += len(text) + 1
    return Article(tuple(paragraphs), "\n".join(flat))


def sentence_spans(article: Article) -> list[tuple[int, int, str]]:
    """Return (start, end, sentence) for every body sentence, as offsets in Article.flat."""
    spans = []
    for paragraph in article.body:
        cursor = paragraph.start
        for sentence in paragraph.sentences:
            start = article.flat.index(sentence, cursor)
            spans.append((start, start + len(sentence), sentence))
            cursor = start + len(sentence)
    return spans


def coverage(article: Article, quotes: list[str]) -> tuple[int, int, list[str]]:
    """Return (covered, total, uncovered sentences) for quotes found in the article."""
    found = []
    for quote in quotes:
        start = article.find(quote)
        if start >= 0:
            found.append((start, start + len(normalise(quote))))
    spans = sentence_spans(article)
    uncovered = [s for a, b, s in spans if not any(qa < b and a < qb for qa, qb in found)]
    return len(spans) - len(uncovered), len(spans), uncovered
