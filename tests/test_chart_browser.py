"""The timeline chart in Chromium, at a phone's width (375 px) and a laptop's (1280 px).

On the real site and on a copy whose claims carry forty-character labels of wide letters: one
chart is shown (the other is display:none, so the accessibility tree holds one image), every
word of it lies inside the drawing, no two words overlap, the page never scrolls sideways, and
axe finds nothing in either colour scheme. Measured with the browser's own font metrics.
"""

from __future__ import annotations

import re

import pytest

from .helpers import axe_violations, copy_project, run_build, serve_folder

pytestmark = pytest.mark.browser

WIDTHS = {"phone": {"width": 375, "height": 800}, "laptop": {"width": 1280, "height": 800}}
SHOWN = {"phone": "timeline-narrow-title", "laptop": "timeline-title"}
# Long labels of wide letters, on claims across the whole range (ids missing from the data are
# skipped; the test needs a dozen).
LONG_LABELS = {
    "us-fisa-702": "FISA section 702 lets US agencies demand",
    "us-cloud-act": "CLOUD Act: US WARRANTS MAY REACH ABROAD",
    "hdh-microsoft-contract-april-2020": "Microsoft hosting contract signed (MMMM)",
    "cedric-o-tender-june-2020": "Cédric O: a call for tenders, he says WW",
    "schrems-ii-privacy-shield": "Schrems II: Privacy Shield struck down W",
    "arrete-no-transfers-outside-eu": "Arrêté: no transfers outside the EU WWWW",
    "ce-order-october-2020": "Conseil d'État refuses to suspend (MWMW)",
    "veran-new-solution-timeframe": "Véran's letter promises a new solution M",
    "anticor-referral-pnf": "Anticor goes to the financial prosecutor",
    "hdh-42-projects": "WWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWW",
    "hdh-cnil-request-withdrawn-2022": "CNIL authorisation request withdrawn MMM",
    "combes-horizon-2025": "Combes: no migration before 2025, she sa",
    "cnil-emc2-authorisation-2023": "CNIL authorises EMC2 on Azure (WWWWWWWW)",
    "sren-law-2024": "SREN LAW ON STRATEGIC AND SENSITIVE DATA",
    "ce-emc2-merits-rejected-2024": "Conseil d'État rejects EMC2 challenges W",
    "neuder-tender-2025": "Tender for an interim host, €6.2 million",
    "ugap-nuage-public-2026": "SecNumCloud-only competition (Nuage WWW)",
    "scaleway-announced-2026": "Scaleway reported chosen as the new host",
}

MEASURE = """() => {
  const shown = [...document.querySelectorAll('svg.timeline__svg')]
    .filter(svg => svg.getBoundingClientRect().width > 0);
  if (shown.length !== 1) return {shown: shown.length};
  const svg = shown[0], box = svg.getBoundingClientRect();
  const words = [...svg.querySelectorAll('text')].map(t => {
    const r = t.getBoundingClientRect();
    return {text: t.textContent, left: r.left, right: r.right, top: r.top, bottom: r.bottom};
  });
  const outside = words.filter(w => w.left < box.left - 0.5 || w.right > box.right + 0.5
    || w.top < box.top - 0.5 || w.bottom > box.bottom + 0.5).map(w => w.text);
  const overlaps = [];
  words.forEach((a, i) => words.slice(i + 1).forEach(b => {
    if (a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom)
      overlaps.push(`${a.text} | ${b.text}`);
  }));
  return {shown: 1, id: svg.getAttribute('aria-labelledby'), words: words.map(w => w.text),
          outside, overlaps, scroll: document.documentElement.scrollWidth, width: innerWidth};
}"""


def relabel(claims: str, labels: dict[str, str]) -> tuple[str, int]:
    """Replace every claim's label with the given ones; return the text and how many were set."""
    claims = re.sub(r"(?m)^    label: .*\n", "", claims)
    count = 0
    for claim_id, label in labels.items():
        entry = re.compile(rf"(?m)^(  - id: {re.escape(claim_id)}\n(?:    .*\n)*?    status: .*\n)")
        claims, found = entry.subn(lambda m, lab=label: f'{m.group(1)}    label: "{lab}"\n', claims)
        count += found
    return claims, count


@pytest.fixture(scope="module")
def long_labels_url(tmp_path_factory):
    """The real project with long labels on eighteen claims, built and served on 127.0.0.1."""
    project = copy_project(tmp_path_factory.mktemp("labels") / "project")
    path = project / "data" / "claims.yml"
    text, count = relabel(path.read_text(encoding="utf-8"), LONG_LABELS)
    assert count >= 12, "too few of LONG_LABELS' claims are left in data/claims.yml"
    path.write_text(text, encoding="utf-8")
    result = run_build(project, project / "site")
    assert result.returncode == 0, result.stderr
    server, url = serve_folder(project / "site")
    yield url
    server.shutdown()


def measure(browser, url: str, width: str, scheme: str = "light") -> dict:
    context = browser.new_context(viewport=WIDTHS[width], color_scheme=scheme)
    page = context.new_page()
    page.goto(url + "timeline/")
    page.wait_for_function("document.fonts.status === 'loaded'")
    result = page.evaluate(MEASURE)
    result["images"] = page.get_by_role("img", name=re.compile("^Timeline of the story")).count()
    context.close()
    return result


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("site", ["site_url", "long_labels_url"])
def test_one_chart_shows_with_every_word_inside_it_and_apart(browser, site, width, request):
    url = request.getfixturevalue(site)
    found = measure(browser, url, width)
    assert found["shown"] == 1 and found["id"] == SHOWN[width]
    assert found["images"] == 1  # the hidden drawing is not in the accessibility tree
    assert len(found["words"]) >= 10
    assert not found["outside"], f"clipped at {width}: {found['outside']}"
    assert not found["overlaps"], f"overlapping at {width}: {found['overlaps']}"
    assert found["scroll"] <= found["width"], "the page scrolls sideways"


def test_long_labels_and_both_figures_of_the_promise_are_drawn(browser, long_labels_url):
    for width in WIDTHS:
        words = " ".join(measure(browser, long_labels_url, width)["words"])
        assert "Scaleway reported chosen as the new host" in words
        assert "Within 12–18 months (ChannelNews)" in words
        assert "Mediapart" in words and "Conseil d'État" in words


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_nothing_on_the_phone_chart(browser, long_labels_url, axe_source, scheme):
    context = browser.new_context(viewport=WIDTHS["phone"], color_scheme=scheme)
    page = context.new_page()
    page.goto(long_labels_url + "timeline/")
    problems = axe_violations(page, axe_source)
    context.close()
    assert not problems, "\n".join(problems)
