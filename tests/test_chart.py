"""The timeline chart as pure functions: small projects built here in, SVG out.

The year range comes from the data (a 2027 claim is drawn), labelled claims are named in SVG
text in both drawings, values are escaped, each figure of the promise names its sources, and the
estimated layout keeps every label inside the drawing and apart from every other label.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree
from dataclasses import replace

import pytest

from explainer.chart import (
    FONT,
    Row,
    make_scale,
    render_chart,
    render_narrow,
    render_wide,
    row_lines,
    text_width,
    wrap,
)
from explainer.claims import Claim, Source
from explainer.articleinfo import ArticleInfo, Deadline, Promise
from explainer.model import Project
from explainer.timeline import in_order, render_timeline

NS = "{http://www.w3.org/2000/svg}"
PROMISE_CLAIM = "veran-new-solution-timeframe"
# The promise as data/article.yml gives it: each figure with the sources that give it.
INFO = ArticleInfo(
    "en", "article-en", "", (), (), (), {}, Promise(PROMISE_CLAIM, "The promise", (
        Deadline((12, 18), "12–18 months", ("channelnews-veran-12-18-months",)),
        Deadline((24, 24), "two years", ("mediapart-veran-two-years", "ce-2025-06-25-495606")),
    ), 1),
)  # fmt: skip
FIGURES = {
    "channelnews-veran-12-18-months": "ChannelNews",
    "mediapart-veran-two-years": "Mediapart",
    "ce-2025-06-25-495606": "Conseil d'État (ArianeWeb)",
    "article-en": "Some outlet",
}


def claim(claim_id: str, when: str, label: str = "", status: str = "confirmed") -> Claim:
    return Claim(
        claim_id=claim_id,
        page="index",
        text=f"Text of {claim_id}.",
        status=status,
        who="Someone",
        when=when,
        quotes=(),
        sources=(),
        note="",
        aliases=(),
        line=1,
        label=label,
    )


def letter(*sources: str) -> Claim:
    return replace(claim(PROMISE_CLAIM, "2020-11-19", "Letter promises a move"), sources=sources)


def project(*claims: Claim, sources: tuple[str, ...] = tuple(FIGURES)) -> Project:
    """A project of these claims (the promise's letter added), the registry holding `sources`."""
    claims = (
        claims if any(c.claim_id == PROMISE_CLAIM for c in claims) else (letter(*FIGURES), *claims)
    )
    registry = {
        s: Source(s, "Title", FIGURES[s], "2021-04", "https://example.org/", "high", "press", "", 1)
        for s in sources
    }
    return Project(None, registry, tuple(claims), None, {c.claim_id: c for c in claims}, info=INFO)


def svgs(proj: Project) -> list[etree.Element]:
    """Both drawings, parsed as XML (the Markdown extension parses them the same way)."""
    html = render_chart(proj, in_order(proj.claims))
    root = etree.fromstring(f"<div>{html}</div>".replace("<svg ", f'<svg xmlns="{NS[1:-1]}" '))
    return list(root.iter(f"{NS}svg"))


def texts(svg: etree.Element) -> list[str]:
    return ["".join(t.itertext()) for t in svg.iter(f"{NS}text")]


def drawn(svg: etree.Element) -> set[str]:
    return {g.get("data-claim") for g in svg.iter(f"{NS}g")} - {None}


# --- Scale, widths, lines -------------------------------------------------------------------------


def test_runs_of_empty_years_are_cut_and_the_axis_keeps_time_in_order():
    scale = make_scale({2008, 2018, 2020}, 0, 300)
    assert sorted(scale.lefts) == [2008, 2018, 2019, 2020]  # one empty year stays drawn
    assert [(a, b) for a, b, _ in scale.cuts] == [(2009, 2017)]
    assert scale.x(2009.0) == scale.x(2008.999999) == pytest.approx(scale.lefts[2008] + scale.year)
    xs = [scale.x(t) for t in (2008.0, 2008.5, 2009.0, 2018.0, 2019.5, 2021.0)]
    assert xs == sorted(xs) and xs[0] == 0 and xs[-1] == 300


@pytest.mark.parametrize(
    ("text", "width", "lines"),
    [
        ("Conseil d'État ruling", 100, ["Conseil d'État", "ruling"]),
        ("short", 100, ["short"]),
        ("W" * 12, 25, ["WW"] * 6),  # a word wider than a line is cut, never left to overflow
        ("", 100, [""]),
    ],
)
def test_wrap_keeps_every_line_within_the_width(text, width, lines):
    assert wrap(text, width, 10) == lines
    assert all(text_width(line, 10) <= width for line in lines if len(line) > 1)


def test_width_estimate_is_generous_for_wide_letters():
    # DejaVu Sans, the widest common sans (Debian's default): "M" 0.863 em, "W" 0.989 em
    assert text_width("MW", 10) >= 18.5 and text_width("il", 10) < text_width("mw", 10)
    assert text_width("Ab", 10, bold=True) > text_width("Ab", 10)


# --- The year range comes from the data -----------------------------------------------------------


def test_a_2027_claim_is_drawn_and_the_axis_reaches_2027():
    late = claim("new-host-2027", "2027-03", "Move to the new host")
    quiet = claim("unlabelled-2027", "2027-06")
    wide, narrow = svgs(project(claim("contract-2020", "2020-04"), late, quiet))
    assert {"new-host-2027", "unlabelled-2027"} <= drawn(wide)
    assert "2027" in texts(wide) and wide.find(f"{NS}title").text.endswith("to 2027")
    assert "Move to the new host" in texts(wide) and "Move to the new host" in texts(narrow)
    assert "new-host-2027" in drawn(narrow) and "March 2027" in texts(narrow)


def test_the_axis_starts_at_the_earliest_claim_and_cuts_empty_years():
    wide, _ = svgs(project(claim("law-2008", "2008"), claim("contract-2020", "2020-04")))
    years = [t for t in texts(wide) if re.fullmatch(r"\d{4}", t)]
    assert years == ["2008", "2020", "2021", "2022"]  # 2022: the two-year deadline
    assert "2009–2019: no events, left out" in "".join(wide.itertext())
    assert "Years without events are left out: 2009 to 2019." in wide.find(f"{NS}desc").text


# --- Labels ------------------------------------------------------------------------------------


def test_labelled_claims_are_named_in_both_drawings_and_the_others_are_not():
    named = claim("schrems-ii", "2020-07-16", "Schrems II: Privacy Shield struck down")
    plain = claim("plain", "2020-08")
    for svg in svgs(project(named, plain)):
        assert "Schrems II: Privacy Shield struck down" in " ".join(texts(svg))
        assert not [t for t in texts(svg) if "plain" in t]
    wide, narrow = svgs(project(named, plain))
    assert "plain" in drawn(wide) and "plain" not in drawn(narrow)  # narrow: named events only


def test_every_value_is_escaped_and_the_output_is_well_formed():
    nasty = claim("nasty", "2021-01", 'A <b>"bold"</b> & co')
    html = render_chart(project(nasty), in_order(project(nasty).claims))
    assert "<b>" not in html and "&lt;b&gt;&quot;bold&quot;&lt;/b&gt; &amp; co" in html
    for svg in svgs(project(nasty)):
        assert 'A <b>"bold"</b> & co' in texts(svg)
        assert not [e for e in svg.iter() if "style" in e.attrib or e.tag == f"{NS}style"]


def test_both_drawings_are_images_named_and_described_with_their_own_ids():
    wide, narrow = svgs(project(claim("contract-2020", "2020-04", "Contract")))
    ids = []
    for svg in (wide, narrow):
        assert svg.get("role") == "img"
        assert svg.find(f"{NS}title").get("id") == svg.get("aria-labelledby")
        assert svg.find(f"{NS}desc").get("id") == svg.get("aria-describedby")
        assert "list below" in svg.find(f"{NS}desc").text
        ids += [svg.get("aria-labelledby"), svg.get("aria-describedby")]
    assert len(set(ids)) == 4


def test_the_promise_names_each_figure_with_the_sources_giving_it():
    wide, narrow = svgs(project())
    for svg in (wide, narrow):
        words = texts(svg)
        assert "Within 12–18 months (ChannelNews)" in " ".join(words)
        assert "Within two years (Mediapart, Conseil d'État)" in " ".join(words)
        assert "November 2021 – May 2022" in words and "November 2022" in words
        assert "Letter promises a move" in words
        assert not [w for w in words if "months" in w and "ChannelNews" not in w]
    desc = wide.find(f"{NS}desc").text
    assert "12–18 months (ChannelNews): November 2021 – May 2022" in desc
    assert "two years (Mediapart, Conseil d'État): November 2022" in desc


def test_a_figure_whose_sources_the_letter_does_not_cite_is_not_drawn():
    only = project(letter("channelnews-veran-12-18-months"))
    for svg in svgs(only):
        assert "ChannelNews" in " ".join(texts(svg)) and "two years" not in " ".join(texts(svg))


def test_timeline_keeps_its_anchors(real):
    html = render_timeline(real)
    assert 'id="events-in-date-order"' in html and 'id="timeline-list"' in html
    assert re.findall(r'id="t-([a-z0-9-]+)"', html) == [c.claim_id for c in in_order(real.claims)]
    assert 'href="#timeline-list"' in html


def test_the_real_chart_draws_every_claim_and_names_each_labelled_one(real):
    wide, narrow = svgs(real)
    assert drawn(wide) == {c.claim_id for c in real.claims}
    for c in real.claims:
        if c.label:
            assert c.label in " ".join(texts(narrow)), c.claim_id
            assert c.label in " ".join(texts(wide)), c.claim_id


# --- No label outside the drawing or over another, in the estimated layout -----------------------


def boxes(svg: etree.Element) -> list[tuple[str, float, float, float, float]]:
    """Each text's estimated box (text, left, right, top, bottom), as the chart estimates it."""
    found = []
    for t in svg.iter(f"{NS}text"):
        words, size = "".join(t.itertext()), float(t.get("font-size"))
        width, x, y = text_width(words, size), float(t.get("x")), float(t.get("y"))
        left = {"end": x - width, "middle": x - width / 2}.get(t.get("text-anchor"), x)
        found.append((words, left, left + width, y - 0.93 * size, y + 0.24 * size))
    return found


def crowded() -> Project:
    """Forty long labels, most within a few months, at both ends of the range and in 2027."""
    whens = [f"2020-{m:02d}" for m in range(1, 13)] * 2 + ["2008", "2021-04", "2021-04-30"]
    whens += ["2022-11-19", "2023", "2024-05-21", "2026-12-31", "2027-12", "2027"] * 2
    labels = [
        "Conseil d'État rejects EMC2 challenges",
        "WWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWW",
        "Minister announces a tender",
        "M. M. MMMMMMM MMMMM MMM MMMMMMMMM MMMMMMM",
    ]
    return project(
        *(
            claim(f"c{i}", when, labels[i % len(labels)], ("confirmed", "alleged")[i % 2])
            for i, when in enumerate(whens)
        )
    )


@pytest.mark.parametrize("which", ["real", "crowded", "no labels"])
def test_labels_stay_inside_the_drawing_and_never_overlap(which, real):
    proj = {"real": real, "crowded": crowded(), "no labels": project()}[which]
    for svg in svgs(proj):
        width, height = (float(n) for n in svg.get("viewBox").split()[2:])
        found = boxes(svg)
        assert found
        outside = [b[0] for b in found if b[1] < 0 or b[2] > width or b[3] < 0 or b[4] > height]
        assert not outside, f"{svg.get('aria-labelledby')}: outside the drawing: {outside}"
        overlaps = [
            (a[0], b[0])
            for i, a in enumerate(found)
            for b in found[i + 1 :]
            if a[1] < b[2] and b[1] < a[2] and a[3] < b[4] and b[3] < a[4]
        ]
        assert not overlaps, f"{svg.get('aria-labelledby')}: {overlaps[:5]}"


def test_row_lines_put_the_date_under_the_label():
    row = Row(2021.25, 2021.33, "April 2021", "The article", "article")
    assert row_lines(row, 400, dated=True) == [
        ("The article", "label", FONT),
        ("April 2021", "date", 13),
    ]
    assert row_lines(row, 400, dated=False) == [("The article", "label", FONT)]


def test_each_drawing_renders_alone():
    proj = project(claim("contract-2020", "2020-04", "Contract"))
    claims = in_order(proj.claims)
    assert render_wide(proj, claims).startswith('<svg class="timeline__svg"')
    assert 'aria-labelledby="timeline-narrow-title"' in render_narrow(proj, claims)
