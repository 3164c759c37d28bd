"""The article's facts are data (issue #13): data/article.yml, validated like the claims, and no
word of this article left in the package."""

from __future__ import annotations

import json
import re

import jsonschema
import pytest

from explainer.articleinfo import validate_article_info
from explainer.yamlload import KEY_LINES, LINE_KEY, load_yaml

from .conftest import ROOT

# Words that belong to this article, not to an explainer: none may appear in explainer/.
ARTICLE_WORDS = (
    "Anticor", "Microsoft", "Azure", "Health Data Hub", "HDH", "Véran", "Veran", "Cédric",
    "ChannelNews", "Mediapart", "Usine", "geeky", "article-en", "article-fr", "Cnam", "CNIL",
    "SecNumCloud", "Scaleway", "Gaia", "PNF", "Schrems", "000_2cbf70e41ac90a36", "L'Usine",
    "Conseil d", "Tribune", "Poupard", "machine translation", "French",
)  # fmt: skip


def test_no_article_specific_word_in_the_package():
    found = []
    for path in sorted((ROOT / "explainer").glob("*.py")):
        text = path.read_text(encoding="utf-8")
        for word in ARTICLE_WORDS:
            for match in re.finditer(re.escape(word), text):
                line = text.count("\n", 0, match.start()) + 1
                found.append(f"explainer/{path.name}:{line}: {word}")
    assert found == []


def test_the_word_check_can_fail(tmp_path):
    sample = "x = 'Anticor'\n"
    assert any(w in sample for w in ARTICLE_WORDS)


MINIMAL = "language: en\nsources: {text: t}\nsource_page: {notes_heading: N, notes_intro: I}\n"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (MINIMAL, []),
        ("language: en\n", [
            "data/article.yml:1: article: missing required key 'source_page'",
            "data/article.yml:1: article: missing required key 'sources'",
        ]),
        (MINIMAL + "langauge: fr\n", [
            "data/article.yml:4: article: unknown key 'langauge' (did you mean 'language'?)",
        ]),
        (MINIMAL + "notes:\n  - text: x\n    kind: slp\n    explanation: y\n", [
            "data/article.yml:6: note: unknown kind 'slp' (did you mean 'slip'?); expected one of slip, note",
        ]),
        (MINIMAL + "promise:\n  claim: c\n  label: L\n  deadlines:\n    - months: ['12']\n"
         "      words: w\n      sources: [s]\n", [
            "data/article.yml:8: promise deadline: 'months' must be two whole numbers, earliest and latest, e.g. [12, 18]",
        ]),
        ("- a list\n", ["data/article.yml:1: data/article.yml: expected a mapping with 'language', 'sources' and 'source_page'"]),
    ],
)  # fmt: skip
def test_article_data_problems_name_their_line(text: str, expected: list[str]):
    info, problems = validate_article_info(load_yaml(text.encode()), "data/article.yml")
    assert [str(p) for p in sorted(problems)] == expected
    assert (info is None) == bool(expected)


def plain(data):
    if isinstance(data, dict):
        return {k: plain(v) for k, v in data.items() if k not in (LINE_KEY, KEY_LINES)}
    if isinstance(data, list):
        return [plain(v) for v in data]
    return data


def test_the_schema_accepts_the_real_file_and_uses_the_validators_keys():
    from explainer import articleinfo

    schema = json.loads((ROOT / "schema/article.schema.json").read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.validate(plain(load_yaml((ROOT / "data/article.yml").read_bytes())), schema)
    assert set(schema["properties"]) == set(articleinfo.KEYS)
    assert set(schema["properties"]["sources"]["properties"]) == set(articleinfo.SOURCE_KEYS)
    assert set(schema["$defs"]["note"]["properties"]) == set(articleinfo.NOTE_KEYS)
    assert schema["$defs"]["note"]["properties"]["kind"]["enum"] == list(articleinfo.NOTE_KINDS)
    assert set(schema["$defs"]["deadline"]["properties"]) == set(articleinfo.DEADLINE_KEYS)
    assert (ROOT / "data/article.yml").read_text().startswith(
        "# yaml-language-server: $schema=../schema/article.schema.json"
    )
