"""The renovation changes code, not the site (issue #13): every page keeps its claim ids, heading
ids and text. tests/golden/site.json records them; a refactor must leave the build matching it.

When the content changes on purpose (a page, a claim, the article data), record it again:

    .venv/bin/python tests/test_site_parity.py --update
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
from html.parser import HTMLParser
from pathlib import Path

GOLDEN = Path(__file__).with_name("golden") / "site.json"


class _PageFacts(HTMLParser):
    """The ids of claims and headings, and the words of the page's article element."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.claims, self.headings, self.words, self.depth = [], [], [], 0

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        ident = values.get("id") or ""
        if ident.startswith("claim-"):
            self.claims.append(ident)
        elif tag in ("h2", "h3") and ident:
            self.headings.append(ident)
        if tag == "article":
            self.depth += 1

    def handle_endtag(self, tag):
        if tag == "article":
            self.depth -= 1

    def handle_data(self, data):
        if self.depth > 0:
            self.words.append(data)


def page_facts(html: str) -> dict:
    parser = _PageFacts()
    parser.feed(html)
    text = " ".join(" ".join(parser.words).split())
    return {
        "claim ids": parser.claims,
        "heading ids": parser.headings,
        "text sha256": hashlib.sha256(text.encode()).hexdigest(),
        "text length": len(text),
    }


def site_facts(site: Path) -> dict[str, dict]:
    """Facts of every page of docs/ as built (claims/ share pages included)."""
    pages = sorted(site.rglob("index.html"))
    return {
        p.relative_to(site).parent.as_posix() or ".": page_facts(p.read_text(encoding="utf-8"))
        for p in pages
        if not re.search(r'http-equiv="refresh"', p.read_text(encoding="utf-8"))
    }


def test_the_built_site_matches_the_recorded_ids_and_text(built_site: Path):
    recorded = json.loads(GOLDEN.read_text(encoding="utf-8"))
    built = site_facts(built_site)
    assert sorted(built) == sorted(recorded), "pages added or removed: record again (--update)"
    changed = [page for page in recorded if built[page] != recorded[page]]
    assert changed == [], (
        f"these pages changed: {changed}; if the change is intended, run "
        "`.venv/bin/python tests/test_site_parity.py --update`"
    )


def test_the_parity_check_sees_a_changed_word():
    before = page_facts('<article><h2 id="a">A</h2><p id="claim-x">One fact.</p></article>')
    after = page_facts('<article><h2 id="a">A</h2><p id="claim-x">One fuct.</p></article>')
    assert before["claim ids"] == ["claim-x"] and before["heading ids"] == ["a"]
    assert before != after


def _update() -> None:
    import os
    import subprocess
    import tempfile

    root = Path(__file__).resolve().parent.parent
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
        command = [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", tmp]
        subprocess.run(command, cwd=root, env=env, check=True)
        facts = site_facts(Path(tmp))
    GOLDEN.parent.mkdir(exist_ok=True)
    GOLDEN.write_text(json.dumps(facts, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"{GOLDEN}: {len(facts)} pages recorded")


if __name__ == "__main__":
    if sys.argv[1:] == ["--update"]:
        _update()
    else:
        sys.exit(__doc__)
