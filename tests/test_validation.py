"""Table-driven tests of load → validate: snippet in, exact message lines out."""

from __future__ import annotations

import textwrap

import pytest
import yaml

from explainer import yamlload
from explainer.article import coverage, normalise, parse_article
from explainer.articleinfo import check_references, validate_article_info
from explainer.claims import check_date, check_url, validate_claims, validate_sources
from explainer.markers import check_pages, find_markers
from explainer.yamlload import YamlError, load_yaml

from .helpers import ROOT, SOURCES_YAML, TODAY

INFO, _ = validate_article_info(load_yaml((ROOT / "data/article.yml").read_bytes()), "data/article.yml")
ARTICLE = parse_article(
    (ROOT / "seeds/000_2cbf70e41ac90a36.txt").read_text(encoding="utf-8"), INFO.furniture, INFO.heads
)
SOURCES, _ = validate_sources(load_yaml(SOURCES_YAML), "data/sources.yml", TODAY)
PAGES = {"index", "competition", "tender"}
GOOD = """\
claims:
  - id: a-claim
    page: competition
    claim: "Anticor went to the PNF."
    status: alleged
    who: "Anticor"
    when: "2021-03"
    quotes:
      - "seized the National Financial Prosecutor’s Office (PNF)"
    updated: "2026-11-28"
"""


def claim_problems(yaml_text: str) -> list[str]:
    data = load_yaml(textwrap.dedent(yaml_text).encode())
    _, _, problems = validate_claims(
        data, "data/claims.yml", ARTICLE, PAGES, SOURCES, TODAY, frozenset({"article-en"})
    )
    return [str(p) for p in sorted(problems)]


def with_field(field: str, value: str) -> str:
    """The good claim with one field replaced (or added)."""
    lines = [ln for ln in GOOD.splitlines() if not ln.startswith(f"    {field}:")]
    return "\n".join(lines[:3] + [f"    {field}: {value}"] + lines[3:]) + "\n"


def test_good_claim_has_no_problem():
    assert claim_problems(GOOD) == []


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("page", "competiton", "unknown page 'competiton' (did you mean 'competition'?); "
                               "expected one of competition, index, tender"),
        ("status", "alledged", "unknown status 'alledged' (did you mean 'alleged'?); "
                               "expected one of reported, alleged, statement, confirmed, disputed"),
        ("when", '"2021-02-30"', "'2021-02-30' is not a real date"),
        ("when", '"March 2021"', "'March 2021' is not a date; expected YYYY, YYYY-MM or YYYY-MM-DD"),
        ("when", '"2099-01"', "'2099-01' is in the future (build date 2026-11-28)"),
        ("who", '""', "'who' must be a non-empty string"),
        ("who", '["Anticor", "PNF"]', "'who' must be a non-empty string, not a list"),
        ("sources", "[outsid]", "unknown source 'outsid' (did you mean 'outside'?)"),
        ("sources", "outside", "'sources' must be a list, e.g. ['outside']"),
        ("staus", "alleged", "unknown key 'staus' (did you mean 'status'?)"),
        ("when", '"٢٠٢١-٠٣"', "'٢٠٢١-٠٣' is not a date; expected YYYY, YYYY-MM or YYYY-MM-DD"),
        ("who", '"Anti\\u202ecor"', "'who' contains an invisible character U+202E "
                                   "(RIGHT-TO-LEFT OVERRIDE) at position 5; delete it"),
        ("who", '"Anti \\u2028 cor"', "'who' contains an invisible character U+2028 "
                                      "(LINE SEPARATOR) at position 6; delete it"),
        ("aliases", '["Old_Id"]', "alias 'Old_Id' must be kebab-case (a-z, 0-9, '-') like an id"),
        ("note", "", "'note' is empty; give it a value or delete the line"),
        ("aliases", "null", "'aliases' is empty; give it a value or delete the line"),
    ],
)
def test_one_bad_field_gives_one_exact_message(field, value, message):
    [problem] = claim_problems(with_field(field, value))
    assert problem.split(": ", 2)[1:] == ["claim 'a-claim'", message]
    assert problem.startswith("data/claims.yml:4: ")


def test_id_must_be_kebab_case():
    assert claim_problems(GOOD.replace("id: a-claim", "id: A_Claim")) == [
        "data/claims.yml:2: claim 'A_Claim': id must be kebab-case (a-z, 0-9, '-'); "
        "it becomes the anchor #claim-<id>"
    ]


@pytest.mark.parametrize(
    "quote",
    [
        "seized the national Financial Prosecutor’s Office (PNF)",  # case changed
        "seized the National Financial Prosecutors Office (PNF)",  # apostrophe dropped
        "seized the National Financial Prosecutor’s Office PNF",  # brackets dropped
        "seized the National Financial Prosecutor’s Office (PNF).",  # punctuation changed
    ],
)
def test_quote_matching_only_loosely_is_refused(quote):
    [problem] = claim_problems(GOOD.replace("seized the National Financial Prosecutor’s Office (PNF)", quote))
    assert problem.startswith("data/claims.yml:9: claim 'a-claim': quote not found verbatim")


@pytest.mark.parametrize(
    "quote",
    [
        'seized the National Financial Prosecutor\'s Office (PNF)',  # straight apostrophe
        "seized   the National\\nFinancial Prosecutor’s Office (PNF)",  # whitespace runs
        "“this contract was awarded without a call for competition (..)",
        '\\"this contract was awarded',  # straight double quote for a curly one
    ],
)
def test_quote_matching_after_typographic_normalisation_is_accepted(quote):
    assert claim_problems(GOOD.replace("seized the National Financial Prosecutor’s Office (PNF)", quote)) == []


def test_a_misspelt_required_key_is_reported_once_as_unknown():
    assert claim_problems(GOOD.replace("status:", "staus:")) == [
        "data/claims.yml:5: claim 'a-claim': unknown key 'staus' (did you mean 'status'?)"
    ]


@pytest.mark.parametrize(
    ("quote", "hint"),
    [
        ("seized the national Financial Prosecutor’s Office (PNF)", "; it matches only if capitals are ignored"),
        ("seized the National Financial Prosecutors Office (PNF)",
         "; it differs from the article after 'seized the National Financial Prosecutor'"),
        ("nothing like this is in the article", ""),
    ],
)
def test_a_missing_quote_says_where_it_stops_matching(quote, hint):
    [problem] = claim_problems(GOOD.replace("seized the National Financial Prosecutor’s Office (PNF)", quote))
    shown = normalise(quote)
    assert problem == f"data/claims.yml:9: claim 'a-claim': quote not found verbatim in the article: '{shown}'{hint}"


def test_every_problem_is_reported_in_one_run_in_line_order():
    text = GOOD + """\
  - id: a-claim
    page: nowhere
    claim: ["x"]
    status: confirmed
    who: "X"
    when: "2021-13"
    quotes: ["not in the article at all"]
    updated: "2026-11-29"
"""
    assert claim_problems(text) == [
        "data/claims.yml:11: claim 'a-claim': duplicate id 'a-claim', first used on line 2",
        "data/claims.yml:12: claim 'a-claim': unknown page 'nowhere'; expected one of competition, index, tender",
        "data/claims.yml:13: claim 'a-claim': 'claim' must be a non-empty string, not a list",
        "data/claims.yml:14: claim 'a-claim': status 'confirmed' needs at least one outside source (not the article)",
        "data/claims.yml:16: claim 'a-claim': '2021-13' is not a real date",
        "data/claims.yml:17: claim 'a-claim': quote not found verbatim in the article: 'not in the article at all'",
        "data/claims.yml:18: claim 'a-claim': '2026-11-29' is in the future (build date 2026-11-28)",
    ]


@pytest.mark.parametrize(
    ("status", "extra", "message"),
    [
        ("disputed", "", "status 'disputed' needs a 'note' saying what is disputed"),
        ("confirmed", '    sources: ["article-en"]\n',
         "status 'confirmed' needs at least one outside source (not the article)"),
    ],
)
def test_status_rules(status, extra, message):
    [problem] = claim_problems(GOOD.replace("status: alleged", f"status: {status}") + extra)
    assert problem.endswith(message)


def test_missing_required_field_and_empty_file():
    assert claim_problems(GOOD.replace('    who: "Anticor"\n', "")) == [
        "data/claims.yml:2: claim 'a-claim': missing required key 'who'"
    ]
    assert claim_problems("") == ["data/claims.yml:1: data/claims.yml: the file is empty; expected a 'claims:' list"]
    assert claim_problems("claims: []\n") == ["data/claims.yml:1: data/claims.yml: the 'claims' list is empty"]


@pytest.mark.parametrize(
    ("raw", "line", "start"),
    [
        (b"a: 1\na: 2\n", 2, "duplicate key 'a' in one entry"),
        (b"a: &x [1]\nb: *x\n", 2, "YAML aliases ('*name') are not allowed"),
        (b"a:\n\tb: 1\n", 2, "invalid YAML: a tab character; indent with spaces only"),
        (b'a: "x\nb: 2\n', 1, "invalid YAML: a quoted value opens here and is never closed"),
        (b"a:\n  b: 1\n c: 2\n", 3, "invalid YAML: bad indentation; line this up with the other keys"),
        (b"a: ok\nb: \xff\n", 2, "not valid UTF-8 (byte 0xff)"),
        (b"a: !!python/object:os.system x\n", 1,
         "invalid YAML: tags such as '!!python/object:os.system' are not allowed"),
        (b"a: @x\n", 1, "invalid YAML: a value cannot start with '@'; put it in quotes"),
        (b"a: [b, c\nd: e\n", 1, "invalid YAML: a '[' list or '{' mapping opens here and is not closed"),
        (b"a: 1\n? [b]\n: c\n", 2, "a key must be text, not a list or mapping"),
        (b"a: " + b"[" * 5000 + b"]" * 5000, 1, "invalid YAML: nested more than 50 levels deep"),
    ],
)
@pytest.mark.parametrize("loaders", ["fast", "pure"])
def test_yaml_errors_name_their_line(raw, line, start, loaders, monkeypatch):
    if loaders == "pure":  # as on a PyYAML built without libyaml
        monkeypatch.setattr(yamlload, "_LOADERS", (yamlload._Loader,))
    with pytest.raises(YamlError) as err:
        load_yaml(raw)
    assert (err.value.line, err.value.problem[: len(start)]) == (line, start)


def _with_lines(data):
    """The data with every list's item lines spelled out, so that two loads compare fully."""
    if isinstance(data, dict):
        return {k: _with_lines(v) for k, v in data.items()}
    if isinstance(data, list):
        return {"items": [_with_lines(v) for v in data], "lines": data.lines}
    return data


@pytest.mark.parametrize("name", ["data/claims.yml", "data/sources.yml", "data/article.yml"])
def test_yaml_fast_and_pure_loaders_agree_on_the_data(name, monkeypatch):
    raw = (ROOT / name).read_bytes()
    assert yaml.__with_libyaml__, "the locked PyYAML wheel has libyaml; the fast path is tested"
    assert yamlload._LOADERS[0].__name__ == "_FastLoader"
    fast = _with_lines(load_yaml(raw))
    monkeypatch.setattr(yamlload, "_LOADERS", (yamlload._Loader,))
    assert _with_lines(load_yaml(raw)) == fast


def _load_or_problem(raw: bytes):
    try:
        return _with_lines(load_yaml(raw))
    except YamlError as err:
        return (err.line, err.problem)


@pytest.mark.parametrize(
    "raw",
    [
        b"", b"# only a comment\n", b"~\n", b"a:\n", b"a: ''\nb: ~\nc: null\nd: Null\ne: NULL\n",
        b"- a\n- [b, {c: d}]\n-\n  - e\n", b"~: x\n'': y\n", b"a: ! 1\nb: !!str 2\n",
        b"a: &x 1\nb: 2\n", b"<<: x\n__line__: y\n", b"a: |\n  two\n  lines\n", b"a: \"\xc3\xa9\"\n",
        b"? [a]\n: b\n", b"---\na: 1\n---\nb: 2\n", b"a: *x\n", b"a: !!int 3\n", b"a: [1, 2",
        b"a: 1\nb: {a: 1, a: 2}\n", b"[" * 49 + b"]" * 49, b"[" * 51 + b"]" * 51,
        b"a: &x 1\nb: &x 2\n", b"- &x\n  a: 1\n",
    ],
)  # fmt: skip
def test_yaml_events_path_makes_what_the_loaders_make(raw, monkeypatch):
    """load_yaml builds plain data straight from libyaml's events (`_from_events`) and leaves
    the rest to the loaders: either way the same data, lines, or problem."""
    found = _load_or_problem(raw)
    monkeypatch.setattr(yamlload, "_LOADERS", (yamlload._Loader,))
    assert found == _load_or_problem(raw)


def test_yaml_events_path_reads_the_data_files_itself():
    for name in ("data/claims.yml", "data/sources.yml", "data/article.yml"):
        text = (ROOT / name).read_text(encoding="utf-8")
        assert _with_lines(yamlload._from_events(yamlload.CParser(text))) == _with_lines(
            load_yaml((ROOT / name).read_bytes())
        )


def test_yaml_keeps_scalars_as_strings_and_accepts_bom_and_crlf():
    data = load_yaml(b"\xef\xbb\xbfa: NO\r\nb: 1.10\r\nc: 2021-03-01\r\nd: null\r\n")
    assert [data[k] for k in "abcd"] == ["NO", "1.10", "2021-03-01", None]


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("https://example.org/a?b=1&c=2", None),
        ("http://example.org", None),
        ("javascript:alert(1)", "URL 'javascript:alert(1)' is not an absolute http(s) URL"),
        ("data:text/html,hi", "URL 'data:text/html,hi' is not an absolute http(s) URL"),
        ("//evil.example/x", "URL '//evil.example/x' is not an absolute http(s) URL"),
        ("https://exa mple.org", "URL 'https://exa mple.org' is not an absolute http(s) URL"),
    ],
)
def test_urls(value, problem):
    assert check_url(value) == problem


@pytest.mark.parametrize(
    ("value", "problem"),
    [("2021", None), ("2020-02-29", None), ("2021-02-29", "'2021-02-29' is not a real date"),
     ("21-03", "'21-03' is not a date; expected YYYY, YYYY-MM or YYYY-MM-DD"),
     ("2026-12", "'2026-12' is in the future (build date 2026-11-28)")],
)
def test_dates(value, problem):
    assert check_date(value, TODAY) == problem


def test_source_registry_problems():
    raw = SOURCES_YAML + b"""  - id: outside
    title: "Again"
    publisher: "Pub"
    date: "2021-02-30"
    url: "javascript:alert(1)"
    confidence: low
    extra: 1
"""
    _, problems = validate_sources(load_yaml(raw), "data/sources.yml", TODAY)
    assert [str(p) for p in sorted(problems)] == [
        "data/sources.yml:14: source 'outside': duplicate id, first defined on line 8",
        "data/sources.yml:17: source 'outside': '2021-02-30' is not a real date",
        "data/sources.yml:18: source 'outside': URL 'javascript:alert(1)' is not an absolute http(s) URL",
        "data/sources.yml:19: source 'outside': unknown confidence 'low'; expected one of high, medium",
        "data/sources.yml:20: source 'outside': unknown key 'extra'",
    ]


def test_markers_are_matched_loosely_and_validated_strictly():
    markers, loose = find_markers("a <!-- ref x --> b\n<!-- factbx p -->\n<!-- ref -->\n<!-- note -->\n")
    assert [(m.verb, m.arg, m.line) for m in markers] == [("ref", "x", 1)]
    assert loose == [(2, "unknown marker 'factbx' (did you mean 'factbox'?)"),
                     (3, "marker 'ref' needs exactly one name, e.g. <!-- ref NAME -->")]


def test_page_marker_problems():
    claims, ids, _ = validate_claims(load_yaml(GOOD.encode()), "c", ARTICLE, PAGES, SOURCES, TODAY)
    pages = {"index": "# Home\n<!-- factbox tender -->\n<!-- claim a-clam -->\n", "competition": "x", "tender": ""}
    assert [str(p) for p in sorted(check_pages(pages, claims, ids, "docs"))] == [
        "docs/competition.md:1: page 'competition': no <!-- factbox competition --> marker, "
        "so claim 'a-claim' (data/claims.yml:2) is shown nowhere",
        "docs/index.md:2: marker 'factbox tender': a fact box must name its own page 'index'",
        "docs/index.md:3: marker 'claim a-clam': unknown claim 'a-clam' (did you mean 'a-claim'?)",
    ]


def test_article_has_25_substantive_sentences_and_coverage_counts_overlaps():
    assert normalise("it’s  “fine”…") == "it's \"fine\"..."
    covered, total, uncovered = coverage(ARTICLE, ["Microsoft Azure computing", "Currently, 42"])
    assert (covered, total) == (2, 25)
    assert "Microsoft Azure computing." not in uncovered
    kinds = [p.kind for p in ARTICLE.paragraphs]
    assert (kinds.count("title"), kinds.count("head"), kinds.count("furniture")) == (1, 4, 3)


def test_a_promise_naming_an_unknown_claim_or_source_is_a_problem_not_a_crash():
    claims, ids, _ = validate_claims(load_yaml(GOOD.encode()), "c", ARTICLE, PAGES, SOURCES, TODAY)
    problems = check_references(INFO, SOURCES, ids, "data/article.yml")
    assert [str(p) for p in problems][-1] == (
        f"data/article.yml:{INFO.promise.line}: promise: unknown claim "
        "'veran-new-solution-timeframe'"
    )
    assert (
        "data/article.yml:8: article: unknown source 'article-fr' (did you mean 'article-en'?)"
        in [str(p) for p in problems]
    )

