"""Honesty rules that can be checked: statuses, conflicts and unconfirmed points in the data.

Encodes the vetted research list's `unconfirmed` and `conflicts` sections as rules over the
project's own claims and pages, so that an edit stating an allegation or an unconfirmed report
as fact fails the suite. Only the comparison of data/sources.yml with the vetted list itself
(../shared/research/sources.yml, beside the clone in CI) needs that folder; without it, that
one test is skipped and says why.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
import yaml

from .helpers import ROOT, copy_project, edit, load_real_project

SHARED = ROOT.parent / "shared"
VETTED = SHARED / "research" / "sources.yml"
URL = re.compile(r"https?://[^\s\"'<>)\]]+")
NEGATION = re.compile(r"\b(not|no|neither|nor|never)\b", re.IGNORECASE)


@pytest.fixture(scope="module")
def vetted() -> dict:
    """The vetted research list by source id; skipped only on a plain clone, never in CI."""
    if not SHARED.is_dir():
        why = f"{SHARED} is absent, so data/sources.yml cannot be compared with the vetted list"
        if os.environ.get("CI"):
            pytest.fail(f"{why}: CI must check it out beside the clone")
        pytest.skip(f"{why} (a plain clone; CI has it)")
    return {s["id"]: s for s in yaml.safe_load(VETTED.read_text(encoding="utf-8"))["sources"]}


def sentences(text: str) -> list[str]:
    """Split prose into rough sentences, markers and front matter removed."""
    text = re.sub(r"<!--.*?-->", " ", re.sub(r"\A---\n.*?\n---\n", "", text, flags=re.DOTALL))
    return [s for s in re.split(r"(?<=[.!?])\s+|\n", text) if s.strip()]


def claim_sentences(project) -> list[tuple[str, str]]:
    """(claim id, sentence) for every sentence of every claim's text and note."""
    return [(c.claim_id, s) for c in project.claims for s in sentences(f"{c.text}\n{c.note}")]


def page_texts(root: Path) -> dict[str, str]:
    """Every page and the abbreviations file, by file name."""
    paths = [*sorted((root / "docs").glob("*.md")), *sorted((root / "includes").glob("*.md"))]
    return {p.name: p.read_text(encoding="utf-8") for p in paths}


def page_sentences(pages: dict[str, str], *names: str) -> list[tuple[str, str]]:
    return [(n, s) for n, text in pages.items() if not names or n in names for s in sentences(text)]


def test_every_outside_url_in_data_and_pages_is_a_registered_source(real):
    """With the test below (the registry is the vetted list), every outside URL is a vetted one."""
    allowed = {s.url for s in real.sources.values()}
    files = [
        *sorted((ROOT / "data").glob("*.yml")),
        *sorted((ROOT / "docs").glob("*.md")),
        *sorted((ROOT / "includes").glob("*.md")),
    ]
    stray = [
        (f.name, u)
        for f in files
        for u in URL.findall(f.read_text(encoding="utf-8"))
        if u not in allowed
    ]
    assert stray == []


def test_sources_keep_the_vetted_address_date_and_confidence(real, vetted):
    changed = [
        (s.source_id, key)
        for s in real.sources.values()
        for key in ("url", "date", "confidence")
        if s.source_id not in vetted or getattr(s, key) != vetted[s.source_id][key]
    ]
    assert changed == []


# --- Rules: each returns what breaks it (empty = honest) ------------------------------------------


def accusations_not_alleged(project, pages) -> list[str]:
    """Anticor's accusations are allegations; Anticor's words are never reported as fact."""
    accusing = ("illegally attributed", "awarded without a call for competition")
    return [
        c.claim_id
        for c in project.claims
        if (
            (any(a in q for q in c.quotes for a in accusing) or "illegal" in c.text.lower())
            and c.status != "alleged"
        )
        or (c.who == "Anticor" and c.status not in ("alleged", "statement"))
    ]


def complaint_outcome_stated(project, pages) -> list[tuple[str, str]]:
    """No outcome of the complaint is reported in the sources: none may be stated."""
    ruled = re.compile(
        r"no court|by any court|has ruled|opened an (investigation|inquiry)"
        r"|(complaint|case) was (dismissed|closed)",
        re.IGNORECASE,
    )
    mine = page_sentences(pages, "glossary.md", "source.md", "timeline.md")
    return [
        (i, s)
        for i, s in claim_sentences(project) + mine
        if ruled.search(s) and "not known" not in s
    ]


def paris_region_not_disputed(project, pages) -> list:
    """'The Paris region was chosen' is the article's word only, disputed by the sources."""
    quoting = [c for c in project.claims if any("Paris region" in q for q in c.quotes)]
    bad = [c.claim_id for c in quoting if c.status != "disputed" or "Netherlands" not in c.note]
    bad += [] if quoting else ["no claim quotes the article's 'Paris region'"]
    return bad + [
        (i, s)
        for i, s in claim_sentences(project) + page_sentences(pages)
        if "Paris region" in s and "article" not in s.lower()
    ]


def scaleway_secnumcloud_stated(project, pages) -> list:
    """Sources conflict on Scaleway's SecNumCloud status: nothing may say it holds it."""
    both = [
        (i, s)
        for i, s in claim_sentences(project) + page_sentences(pages)
        if "Scaleway" in s and "SecNumCloud" in s and not NEGATION.search(s)
    ]
    return both + [
        c.claim_id for c in project.claims if "Scaleway" in c.text and c.status == "confirmed"
    ]


def deadline_one_sided(project, pages) -> list:
    """'12 to 18 months' always comes with 'two years' as the outer limit."""
    texts = [(c.claim_id, c.text) for c in project.claims]
    texts += [(n, p) for n, text in pages.items() for p in text.split("\n\n")]
    return [
        (i, t[:80])
        for i, t in texts
        if re.search(r"12 (to|and) 18 months", t) and "two years" not in t
    ]


def decree_unexplained(project, pages) -> list[str]:
    """The article's 'decree' is an arrêté: every claim quoting it says so."""
    return [
        c.claim_id
        for c in project.claims
        if any("decree" in q for q in c.quotes) and "arrêté" not in c.note
    ]


def unconfirmed_stated(project, pages) -> list:
    """Points the research lists as unconfirmed or conflicting by day never appear as fact."""
    forbidden = re.compile(
        r"fiasco|10[.,]5\d* ?(million|M\b)|article 31|\b(13|19) November 2024"
        r"|23 April 2026",
        re.IGNORECASE,
    )
    texts = [(c.claim_id, c.text) for c in project.claims] + page_sentences(pages)
    return [(i, s) for i, s in texts if forbidden.search(s)]


def open_case_decided(project, pages) -> list[str]:
    """Outcomes of Conseil d'État cases 495606 and 456162 are not confirmed."""
    open_cases = {"ce-2025-06-25-495606", "ce-2022-11-23-456162"}
    outcome = re.compile(r"\b(rejected|annulled|dismissed|upheld|won|lost)\b", re.IGNORECASE)
    return [
        c.claim_id for c in project.claims if open_cases & set(c.sources) and outcome.search(c.text)
    ]


def article_only_words_confirmed(project, pages) -> list:
    """Combes's quote is known only from the article: a statement, with no outside source."""
    combes = [c for c in project.claims if any("does not prohibit recourse" in q for q in c.quotes)]
    return [
        c.claim_id for c in combes if c.status != "statement" or set(c.sources) - project.info.article_sources
    ]


def weakly_confirmed(project, pages) -> list[str]:
    """'Confirmed' needs a high-confidence outside source, or two of medium confidence."""
    weak = []
    for claim in project.claims:
        outside = [project.sources[s] for s in claim.sources if s not in project.info.article_sources]
        if (
            claim.status == "confirmed"
            and len(outside) < 2
            and all(s.confidence != "high" for s in outside)
        ):
            weak.append(claim.claim_id)
    return weak


def referral_overdated(project, pages) -> list[str]:
    """Only the month of Anticor's referral is known ('fin mars 2021')."""
    return [
        c.claim_id
        for c in project.claims
        if any("seized the National Financial Prosecutor" in q for q in c.quotes)
        and not re.fullmatch(r"\d{4}-\d{2}", c.when)
    ]


RULES = [
    accusations_not_alleged,
    complaint_outcome_stated,
    paris_region_not_disputed,
    scaleway_secnumcloud_stated,
    deadline_one_sided,
    decree_unexplained,
    unconfirmed_stated,
    open_case_decided,
    article_only_words_confirmed,
    weakly_confirmed,
    referral_overdated,
]


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.__name__)
def test_the_real_data_keeps_the_rule(rule, real):
    assert rule(real, page_texts(ROOT)) == []


# Each edit, made to a copy of the project, must break exactly the rule named with it.
ANTICOR_REFERRAL = (
    '    status: alleged\n    who: "Anticor"\n    when: "2021-03"\n    quotes:\n      - "At the end'
)
BAD_EDITS = [
    (
        "data/claims.yml",
        ANTICOR_REFERRAL,
        ANTICOR_REFERRAL.replace("alleged", "reported"),
        accusations_not_alleged,
    ),
    (
        "data/claims.yml",
        "    status: disputed\n",
        "    status: reported\n",
        paris_region_not_disputed,
    ),
    (
        "docs/what-next.md",
        "# What happened next\n",
        "# What happened next\n\nScaleway holds the SecNumCloud qualification.\n",
        scaleway_secnumcloud_stated,
    ),
    (
        "docs/glossary.md",
        "# Glossary and who's who\n",
        "# Glossary and who's who\n\nNo court has ruled on the complaint.\n",
        complaint_outcome_stated,
    ),
    ("docs/tender.md", "# ", "The Senate report called it a fiasco.\n\n# ", unconfirmed_stated),
    (
        "data/claims.yml",
        ", while Mediapart and a Conseil d'État decision of 25 June 2025 speak of two years.\"",
        '."',
        deadline_one_sided,
    ),
]


@pytest.mark.parametrize("path, old, new, rule", BAD_EDITS, ids=[e[3].__name__ for e in BAD_EDITS])
def test_a_dishonest_edit_breaks_its_rule(path, old, new, rule, tmp_path):
    root = copy_project(tmp_path / "project")
    edit(root / path, old, new)
    assert rule(load_real_project(root), page_texts(root)) != []
