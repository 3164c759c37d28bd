"""Reader first (issue #11): answers up front, claims and sections that stand alone, every fact
sentence referenced, dates that mean what the text says, the article linked, corrections kept.

These run on the project's own data and pages (a plain clone is enough).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest

from explainer.article import split_sentences
from explainer.claims import validate_claims
from explainer.factbox import STATUS_LABELS, format_when
from explainer.standalone import leaning_problem
from explainer.yamlload import load_yaml

from .helpers import ROOT

QUESTION_PAGES = ("competition", "tender", "data-sovereignty", "alternatives", "what-next")
EXPLAINER_PAGES = ("index", *QUESTION_PAGES)
REF = re.compile(r"\s*<!--\s*ref\s+[a-z0-9-]+\s*-->")
COMMENT = re.compile(r"\s*<!--.*?-->", re.DOTALL)


def page_text(page: str) -> str:
    """A page's Markdown without its front matter."""
    text = (ROOT / "docs" / f"{page}.md").read_text(encoding="utf-8")
    return re.sub(r"\A---\n.*?\n---\n", "", text, flags=re.DOTALL)


def prose_blocks(text: str) -> list[str]:
    """Paragraphs and list items, whitespace folded; no headings and no marker-only blocks."""
    blocks = []
    for para in re.split(r"\n\s*\n", text):
        for item in re.split(r"\n(?=\s*(?:[-*]|\d+\.) )", para.strip()):
            item = re.sub(r"^\s*(?:[-*]|\d+\.) ", "", item)
            item = re.sub(r"\s+", " ", item).strip()
            if item and not item.startswith("#") and COMMENT.sub("", item).strip():
                blocks.append(item)
    return blocks


# --- 1. Answer first ------------------------------------------------------------------------


@pytest.mark.parametrize("page", QUESTION_PAGES)
def test_each_question_page_opens_with_a_referenced_answer(page: str):
    text = page_text(page)
    rest = re.match(r"\s*# [^\n]+\n(.*)", text, re.DOTALL).group(1)
    first = prose_blocks(rest.split("\n## ")[0])[0]
    sentences = split_sentences(REF.sub("", first))
    assert 2 <= len(sentences) <= 4, (page, sentences)
    assert len(REF.findall(first)) >= 2, page  # the answer rests on claims
    assert rest.lstrip().startswith(first.split(" ")[0]), "the answer comes right under the title"


# --- 2. Every fact sentence carries a claim reference -----------------------------------------

# The exceptions About allows ("page introductions that announce what follows, headings,
# definitions of a word, and pointers to another page"), each named here.
EXEMPT = {
    "This site takes the English version": "introduction: what the site does",
    "You can read the [original article": "pointer to the article itself",
    "L'Usine Digitale's article raises four questions.": "introduction to the list of pages",
    "Each has its own page.": "introduction to the list of pages",
    "The sections below follow": "introduction: what follows",
    "A call for tenders is an open competition": "definition of a word",
    "Data sovereignty is the idea": "definition of a word",
}
POINTER = re.compile(r"^\[[^\]]+\]\([a-z-]+\.md\)|\bon the page \[|^The page \[")


def unreferenced(block: str) -> list[str]:
    """The sentences of a block that no claim reference follows before the next sentence."""
    clean, refs, last = "", [], 0
    for match in REF.finditer(block):
        clean += block[last : match.start()]
        refs.append(len(clean))
        last = match.end()
    clean += block[last:]
    spans, cursor = [], 0
    for sentence in split_sentences(clean):
        start = clean.index(sentence, cursor)
        spans.append((start, sentence))
        cursor = start + len(sentence)
    ends = [start for start, _ in spans[1:]] + [len(clean) + 1]
    return [s for (start, s), end in zip(spans, ends) if not any(start < r <= end for r in refs)]


@pytest.mark.parametrize("page", EXPLAINER_PAGES)
def test_every_fact_sentence_carries_a_claim_reference(page: str):
    missing = [
        sentence
        for block in prose_blocks(page_text(page))
        for sentence in unreferenced(block)
        if not POINTER.search(sentence) and not any(sentence.startswith(e) for e in EXEMPT)
    ]
    assert missing == []


def test_about_names_the_labels_the_fact_boxes_use():
    about = page_text("about")
    labels = re.findall(r"^- \*\*(\w+)\*\*:", about, re.MULTILINE)
    assert labels == list(STATUS_LABELS.values())


# --- 4. Claims and sections that stand alone ---------------------------------------------------


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("In the same letter, he said so.", "opens with 'In the same'"),
        ("At the same event the minister spoke.", "opens with 'At the same'"),
        ("The article says these data are sensitive.", "opens with 'The article'"),
        ("It was signed in 2020.", "opens with 'It'"),
        ("Cédric O wanted that tender to go ahead.", "says 'that tender'"),
        ("Olivier Véran wrote in the same letter that…", "says 'the same letter'"),
        ("Italy and Thailand signed.", None),  # "It" and "Tha" only as whole words
        ("The Health Data Hub signed a contract.", None),
        ("L'Usine Digitale's article says so.", None),
    ],
)
def test_leaning_openings_are_refused(text: str, problem: str | None):
    found = leaning_problem(text)
    assert (found is None) if problem is None else (problem in found)


def test_the_check_refuses_a_leaning_claim_with_its_line(real):
    data = load_yaml(
        b"claims:\n  - id: x\n    page: index\n    claim: 'In the same letter he agreed.'\n"
        b"    status: reported\n    who: W\n    when: '2020'\n    updated: '2026-12-01'\n"
        b"    sources: [article-fr]\n"
    )
    _, _, problems = validate_claims(
        data, "data/claims.yml", real.article, {"index": ""}, real.sources, dt.date(2026, 12, 1)
    )
    assert [str(p) for p in problems] == [
        "data/claims.yml:4: claim 'x': claim text opens with 'In the same', which leans on "
        "context; name what it refers to (a shared claim is read alone)"
    ]


def test_no_real_claim_leans_on_context(real):
    assert [c.claim_id for c in real.claims if leaning_problem(c.text)] == []


@pytest.mark.parametrize("page", EXPLAINER_PAGES)
def test_every_section_opens_without_leaning_on_the_one_before(page: str):
    for match in re.finditer(r"^##+ .*\n\n(.+)", page_text(page), re.MULTILINE):
        first = split_sentences(re.sub(r"\s+", " ", COMMENT.sub("", match.group(1))))[0]
        assert leaning_problem(first) is None, (page, first)


def test_overview_and_article_page_link_the_original_and_the_english_text(real):
    for page in ("index", "source"):
        text = page_text(page)
        for source in ("article-fr", "article-en"):
            assert f"]({real.sources[source].url})" in text, (page, source)


def test_share_pages_say_which_article_the_article_is(built_site: Path, real):
    for claim in real.claims:
        html = (built_site / "claims" / claim.claim_id / "index.html").read_text("utf-8")
        line = re.search(r'<p class="share__article">(.*?)</p>', html, re.DOTALL).group(1)
        assert "L&#x27;Usine Digitale" in line and "April 2021" in line, claim.claim_id
        for source in ("article-fr", "article-en"):
            assert real.sources[source].url in line


# --- 5. Dates mean what the text describes ----------------------------------------------------

MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
DATE_OPENING = re.compile(
    rf"^(?:In|On|At the end of|In early|In late|By)\s+(?:(\d{{1,2}}) )?({MONTHS})?\s*(\d{{4}})"
)


def opening_date(text: str) -> tuple[str, str, str] | None:
    """ "On 8 October 2020 Cédric O…" => ("8", "October", "2020"); None without a date opening."""
    match = DATE_OPENING.match(text)
    return match.groups(default="") if match else None


def test_a_claim_that_opens_with_a_date_is_dated_so(real):
    wrong = []
    for claim in real.claims:
        if (found := opening_date(claim.text)) is None:
            continue
        day, month, year = found
        expected = " ".join(p for p in (day, month, year) if p)
        if not format_when(claim.when).endswith(expected) and not claim.when.startswith(year):
            wrong.append((claim.claim_id, claim.when, expected))
        elif month and claim.when.count("-") >= 1 and format_when(claim.when[:7]) != f"{month} {year}":
            wrong.append((claim.claim_id, claim.when, expected))
    assert wrong == []


# --- 7. Corrections and updates ---------------------------------------------------------------


def claims_yaml(extra: str) -> bytes:
    return (
        "claims:\n  - id: x\n    page: index\n    claim: 'Anticor went to court.'\n"
        "    status: reported\n    who: W\n    when: '2020'\n    sources: [article-fr]\n" + extra
    ).encode()


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        ("    updated: '2026-12-01'\n", []),
        ("", ["data/claims.yml:2: claim 'x': missing required key 'updated'"]),
        ("    updated: '2026-12'\n", ["data/claims.yml:9: claim 'x': '2026-12' is not a full date; expected YYYY-MM-DD"]),
        ("    updated: '2026-12-02'\n", ["data/claims.yml:9: claim 'x': '2026-12-02' is in the future (build date 2026-12-01)"]),
        (
            "    updated: '2026-11-01'\n    corrections:\n      - date: '2026-11-20'\n        note: Fixed.\n",
            ["data/claims.yml:9: claim 'x': updated '2026-11-01' is earlier than its correction of 2026-11-20 (line 11)"],
        ),
        (
            "    updated: '2026-12-01'\n    corrections:\n      - date: '2027-01-01'\n        note: Fixed.\n",
            ["data/claims.yml:11: claim 'x': correction '2027-01-01' is in the future (build date 2026-12-01)"],
        ),
        (
            "    updated: '2026-12-01'\n    corrections:\n      - date: '2026-11-20'\n",
            ["data/claims.yml:11: claim 'x' correction: missing required key 'note'"],
        ),
        (
            "    updated: '2026-12-01'\n    corrections: Fixed.\n",
            ["data/claims.yml:10: claim 'x': 'corrections' must be a list of entries with 'date' and 'note'"],
        ),
    ],
)  # fmt: skip
def test_updated_and_corrections_are_validated(real, extra: str, expected: list[str]):
    _, _, problems = validate_claims(
        load_yaml(claims_yaml(extra)), "data/claims.yml", real.article, {"index": ""},
        real.sources, dt.date(2026, 12, 1),
    )  # fmt: skip
    assert [str(p) for p in problems] == expected


def test_the_corrections_page_lists_every_correction_newest_first(built_site: Path, real):
    html = (built_site / "corrections" / "index.html").read_text("utf-8")
    entries = re.findall(r'<li class="corrections__entry"><p><time datetime="([\d-]+)">.*?href="([^"]+)"', html)
    expected = sorted(
        ((c.date, claim) for claim in real.claims for c in claim.corrections), key=lambda e: e[0], reverse=True
    )
    assert len(entries) == len(expected) > 0  # this changes are the first entries
    assert [d for d, _ in entries] == sorted((d for d, _ in entries), reverse=True)
    for (date, href), (want_date, claim) in zip(entries, expected):
        assert date == want_date and href.endswith(f"#claim-{claim.claim_id}")


def test_fact_boxes_and_claims_json_carry_updates_and_corrections(built_site: Path, real):
    corrected = next(c for c in real.claims if c.corrections)
    page = "" if corrected.page == "index" else f"{corrected.page}/"
    html = (built_site / page / "index.html").read_text("utf-8")
    start = html.index(f'id="claim-{corrected.claim_id}"')
    end = html.find('<li class="factbox__claim', start)
    item = html[start : end if end > 0 else None]
    assert f'Updated <time datetime="{corrected.updated}">' in item
    assert "Correction, <time" in item
    share = (built_site / "claims" / corrected.claim_id / "index.html").read_text("utf-8")
    assert "Correction, <time" in share
    payload = json.loads((built_site / "claims.json").read_text("utf-8"))
    record = next(r for r in payload["claims"] if r["id"] == corrected.claim_id)
    assert record["updated"] == corrected.updated
    assert record["corrections"] == [{"date": c.date, "note": c.note} for c in corrected.corrections]
