"""The editor schemas (schema/*.schema.json) and the build's validator agree on the same fixtures.

Each fixture is YAML, parsed by explainer.yamlload (as the build does), stripped of its line
keys and given to both: the JSON Schema (draft 2020-12, via the pinned `jsonschema`) and
explainer.claims. Shape problems are rejected by both; what a schema cannot know (the article's
text, the registry's ids, the pages, the calendar, today's date, uniqueness) is listed as
validator-only and must be accepted by the schema and rejected by the validator.
"""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from jsonschema import Draft202012Validator

from explainer.claims import (
    CLAIM_KEYS,
    CONFIDENCES,
    SOURCE_KEYS,
    STATUSES,
    validate_claims,
    validate_sources,
)
from explainer.values import DATE_PATTERN, ID_PATTERN
from explainer.yamlload import KEY_LINES, LINE_KEY, load_yaml

from .helpers import ROOT, load_real_project

TODAY = dt.date.today()
REAL = load_real_project()
PAGES = {p.stem for p in (ROOT / "docs").glob("*.md")}
SOURCES, _ = validate_sources(load_yaml((ROOT / "data/sources.yml").read_bytes()), "s", TODAY)
SCHEMAS = {
    name: json.loads((ROOT / f"schema/{name}.schema.json").read_text(encoding="utf-8"))
    for name in ("claims", "sources")
}

CLAIM = {  # one valid claim; fixtures replace, add (key: value) or delete (key: None) fields
    "id": "anticor-referral-pnf-test",
    "page": "index",
    "claim": '"Anticor took the contract to the financial prosecutor."',
    "status": "alleged",
    "who": '"Anticor"',
    "when": '"2021-03"',
    "quotes": '["seized the National Financial Prosecutor’s Office (PNF)"]',
    "sources": "[article-fr]",
    "updated": '"2026-01-05"',
}
SOURCE = {
    "id": "a-test-source",
    "title": '"A title"',
    "publisher": '"A publisher"',
    "date": '"2021-04-14"',
    "url": '"https://example.org/a?b=1&c=2"',
    "confidence": "medium",
}


def entry_yaml(base: dict, top: str, changes: dict, copies: int = 1) -> bytes:
    """Write a file of `copies` identical entries: `base` with some fields changed."""
    fields = [(k, v) for k, v in {**base, **changes}.items() if v is not None]
    entry = [f"  {'-' if i == 0 else ' '} {k}: {v}" for i, (k, v) in enumerate(fields)]
    return ("\n".join([f"{top}:", *entry * copies]) + "\n").encode("utf-8")


def plain(data: object) -> object:
    """Strip the loader's line keys, leaving what a YAML editor sees: dicts, lists, strings."""
    if isinstance(data, dict):
        return {k: plain(v) for k, v in data.items() if k not in (LINE_KEY, KEY_LINES)}
    if isinstance(data, list):
        return [plain(v) for v in data]
    return data


def verdicts(name: str, raw: bytes) -> tuple[list[str], list[str]]:
    """Return (schema errors, validator problems) for one file's bytes."""
    data = load_yaml(raw)
    schema = Draft202012Validator(SCHEMAS[name])
    schema_errors = [error.message for error in schema.iter_errors(plain(data))]
    if name == "claims":
        _, _, problems = validate_claims(
            data, "data/claims.yml", REAL.article, PAGES, SOURCES, TODAY, REAL.info.article_sources
        )
    else:
        _, problems = validate_sources(data, "data/sources.yml", TODAY)
    return schema_errors, [str(p) for p in problems]


CLAIM_SHAPES = {  # rejected by both
    "unknown key (typo)": {"staus": "alleged"},
    "missing field": {"who": None},
    "empty string": {"who": '""'},
    "blank string": {"who": '"   "'},
    "list where text is expected": {"claim": '["one", "two"]'},
    "mapping where a date is expected": {"when": '{year: "2021"}'},
    "text where a list is expected": {"sources": "article-fr"},
    "empty list": {"quotes": "[]", "sources": None},
    "unknown status": {"status": "alledged"},
    "id not kebab-case": {"id": "Anticor_Referral"},
    "alias not kebab-case": {"aliases": '["old id"]'},
    "date in words": {"when": '"March 2021"'},
    "date with a two-digit year": {"when": '"21-03"'},
    "date in Arabic-Indic digits": {"when": '"٢٠٢١-٠٣"'},
    "invisible character": {"who": '"Anticor\\u200b"'},
    "empty optional field": {"note": "null"},
    "neither quotes nor sources": {"quotes": None, "sources": None},
    "disputed without a note": {"status": "disputed"},
    "confirmed by the article alone": {"status": "confirmed"},
}
CLAIM_VALIDATOR_ONLY = {  # the schema cannot know these
    "quote not in the article": {"quotes": '["Anticor sued Microsoft"]'},
    "quote matching only if case is ignored": {
        "quotes": '["Seized the National Financial Prosecutor’s Office (PNF)"]'
    },
    "unknown source id": {"sources": "[article-fr, no-such-source]"},
    "unknown page": {"page": "no-such-page"},
    "impossible date": {"when": '"2021-02-30"'},
    "future date": {"when": '"2099-01"'},
}
CLAIM_ACCEPTED = {
    "as it is": {},
    "a year only": {"when": '"2021"'},
    "a full date, unquoted": {"when": "2021-03-01"},
    "with a note and aliases": {"note": '"A caveat."', "aliases": "[old-anticor-id]"},
    "confirmed by an outside source": {
        "status": "confirmed",
        "sources": "[article-fr, siecle-digital-anticor-2021-04]",
    },
}
SOURCE_SHAPES = {
    "javascript: URL": {"url": '"javascript:alert(1)"'},
    "data: URL": {"url": '"data:text/html,<script>alert(1)</script>"'},
    "protocol-relative URL": {"url": '"//evil.example/x"'},
    "ftp URL": {"url": '"ftp://example.org/x"'},
    "URL breaking out of its attribute": {"url": """'https://example.org/" onmouseover="x'"""},
    "unknown confidence": {"confidence": "low"},
    "missing url": {"url": None},
    "unknown key": {"titel": '"x"'},
    "date in words": {"date": '"April 2021"'},
    "id not kebab-case": {"id": "A_Source"},
    "empty title": {"title": '""'},
}
SOURCE_VALIDATOR_ONLY = {
    "impossible date": {"date": '"2021-04-31"'},
    "future date": {"date": '"2099-12-31"'},
}
SOURCE_ACCEPTED = {
    "as it is": {},
    "date not known": {"date": "null"},
    "http URL": {"url": '"http://example.org"'},
}


def test_the_schemas_are_valid_draft_2020_12():
    for schema in SCHEMAS.values():
        Draft202012Validator.check_schema(schema)
        assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def test_the_schemas_use_the_validators_keys_lists_and_patterns():
    claim, source = SCHEMAS["claims"]["$defs"]["claim"], SCHEMAS["sources"]["$defs"]["source"]
    for schema, keys in ((claim, CLAIM_KEYS), (source, SOURCE_KEYS)):
        assert set(schema["properties"]) == set(keys)
        assert set(schema["required"]) == {k for k, required in keys.items() if required}
    assert claim["properties"]["status"]["enum"] == list(STATUSES)
    assert source["properties"]["confidence"]["enum"] == list(CONFIDENCES)
    defs = SCHEMAS["claims"]["$defs"]
    for pattern, schema_pattern, samples in (
        (ID_PATTERN, defs["id"]["pattern"], ["a", "a-b2", "a--b", "-a", "A", "a_b", "é", "a-"]),
        (
            DATE_PATTERN,
            defs["date"]["pattern"],
            [
                "2021",
                "2021-03",
                "2021-03-01",
                "21-03",
                "2021-3",
                "٢٠٢١",
                "2021-03-01T00",
                "2021/03",
            ],
        ),
    ):
        for sample in samples:
            matches = bool(re.search(schema_pattern, sample))
            assert bool(pattern.fullmatch(sample)) == matches, sample


@pytest.mark.parametrize("name", ["claims", "sources"])
def test_the_data_files_name_their_schema_and_both_accept_the_real_data(name):
    path = ROOT / f"data/{name}.yml"
    first = path.read_text(encoding="utf-8").splitlines()[0]
    assert first == f"# yaml-language-server: $schema=../schema/{name}.schema.json"
    schema = (path.parent / first.split("$schema=")[1]).resolve()
    assert schema == ROOT / f"schema/{name}.schema.json"
    assert verdicts(name, path.read_bytes()) == ([], [])


@pytest.mark.parametrize("changes", CLAIM_SHAPES.values(), ids=list(CLAIM_SHAPES))
def test_claim_shape_problems_are_rejected_by_both(changes):
    schema_errors, problems = verdicts("claims", entry_yaml(CLAIM, "claims", changes))
    assert schema_errors and problems


@pytest.mark.parametrize("changes", CLAIM_VALIDATOR_ONLY.values(), ids=list(CLAIM_VALIDATOR_ONLY))
def test_claim_problems_only_the_validator_can_see(changes):
    schema_errors, problems = verdicts("claims", entry_yaml(CLAIM, "claims", changes))
    assert (schema_errors, bool(problems)) == ([], True)


@pytest.mark.parametrize("changes", CLAIM_ACCEPTED.values(), ids=list(CLAIM_ACCEPTED))
def test_good_claims_are_accepted_by_both(changes):
    assert verdicts("claims", entry_yaml(CLAIM, "claims", changes)) == ([], [])


@pytest.mark.parametrize("changes", SOURCE_SHAPES.values(), ids=list(SOURCE_SHAPES))
def test_source_shape_problems_are_rejected_by_both(changes):
    schema_errors, problems = verdicts("sources", entry_yaml(SOURCE, "sources", changes))
    assert schema_errors and problems


@pytest.mark.parametrize("changes", SOURCE_VALIDATOR_ONLY.values(), ids=list(SOURCE_VALIDATOR_ONLY))
def test_source_problems_only_the_validator_can_see(changes):
    schema_errors, problems = verdicts("sources", entry_yaml(SOURCE, "sources", changes))
    assert (schema_errors, bool(problems)) == ([], True)


@pytest.mark.parametrize("changes", SOURCE_ACCEPTED.values(), ids=list(SOURCE_ACCEPTED))
def test_good_sources_are_accepted_by_both(changes):
    assert verdicts("sources", entry_yaml(SOURCE, "sources", changes)) == ([], [])


@pytest.mark.parametrize(
    ("name", "raw"),
    [
        ("claims", b"claims: []\n"),
        ("claims", b"claims:\n  - just text\n"),
        ("claims", b"claim:\n  - id: x\n"),
        ("sources", b"sources: []\n"),
    ],
    ids=["empty list", "entry not a mapping", "misspelt top-level key", "empty registry"],
)
def test_file_shape_problems_are_rejected_by_both(name, raw):
    schema_errors, problems = verdicts(name, raw)
    assert schema_errors and problems


@pytest.mark.parametrize(("name", "base"), [("claims", CLAIM), ("sources", SOURCE)])
def test_duplicate_ids_are_validator_only(name, base):
    schema_errors, problems = verdicts(name, entry_yaml(base, name, {}, copies=2))
    assert schema_errors == []
    assert len(problems) == 1 and "duplicate id" in problems[0]
