#!/usr/bin/env python3
"""Keep tests/anchors.txt, the manifest of every public URL and #anchor of the built site.

Lists each page of the sitemap and the ids of its h2/h3 headings (and of elements inside them)
and of its claims. Links people have shared must keep working, so the script refuses to drop
an entry that no longer resolves (following the site's redirect pages) unless told to:

    .venv/bin/python scripts/update_anchors.py                   # build, then add new anchors
    .venv/bin/python scripts/update_anchors.py --site site/      # use an existing build
    .venv/bin/python scripts/update_anchors.py --allow-removal   # accept broken links (rarely!)
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

ROOT = Path(__file__).resolve().parent.parent
MANIFEST = ROOT / "tests/anchors.txt"
HEADER = """\
# Every public URL and #anchor of the built site (scripts/update_anchors.py writes this file).
# Links that people share must keep working: tests/test_linking.py fails when one disappears.
# Rename a heading id by keeping the old one: ## New words <span id="old-id"></span> {#new-id}
# Rename a claim with aliases: [old-id]; move a page with a redirects entry in mkdocs.yml.
"""
REFRESH = re.compile(
    r"""<meta\s+http-equiv=["']?refresh["']?\s+content=["']?\d+;\s*url=([^"'>]+)""", re.IGNORECASE
)
LOC = re.compile(r"<loc>([^<]+)</loc>")


class _Ids(HTMLParser):
    """Collect every id of a page, and the public ones: h2/h3 (and inside them) and claims."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.all: set[str] = set()
        self.public: list[str] = []
        self.depth = 0  # open h2/h3 elements

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        anchor = dict(attrs).get("id")
        if tag in ("h2", "h3"):
            self.depth += 1
        if anchor:
            self.all.add(anchor)
            if self.depth or anchor.startswith("claim-"):
                self.public.append(anchor)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("h2", "h3") and self.depth:
            self.depth -= 1


def page_ids(html: str) -> _Ids:
    parser = _Ids()
    parser.feed(html)
    parser.close()
    return parser


def html_file(site: Path, path: str) -> Path | None:
    """ "/competition/" => site/competition/index.html, if it exists."""
    target = site / path.lstrip("/")
    target = target / "index.html" if path.endswith("/") else target
    return target if target.is_file() else None


def page_paths(site: Path) -> list[str]:
    """The paths of the sitemap's pages, relative to the site root: "/", "/competition/"…"""
    locs = LOC.findall((site / "sitemap.xml").read_text(encoding="utf-8"))
    root = min((urlsplit(loc).path for loc in locs), key=len)
    return sorted("/" + urlsplit(loc).path[len(root) :] for loc in locs)


def collect(site: Path) -> set[str]:
    """Every public URL path of the built site, and each with its public #anchors."""
    found = set()
    for path in page_paths(site):
        found.add(path)
        ids = page_ids(html_file(site, path).read_text(encoding="utf-8")).public
        found.update(f"{path}#{anchor}" for anchor in ids)
    return found


def resolves(site: Path, entry: str, hops: int = 5) -> bool:
    """Whether a `path#anchor` entry still lands somewhere, through redirect pages too.

    Redirect pages keep the #anchor (mkdocs-redirects' script passes it on).
    """
    path, _, anchor = entry.partition("#")
    for _ in range(hops):
        file = html_file(site, path)
        if file is None:
            return False
        html = file.read_text(encoding="utf-8")
        if not (refresh := REFRESH.search(html)):
            return not anchor or anchor in page_ids(html).all
        path = urlsplit(urljoin(f"http://site{path}", refresh.group(1))).path
    return False


def read_manifest(path: Path = MANIFEST) -> set[str]:
    if not path.is_file():
        return set()
    lines = path.read_text(encoding="utf-8").splitlines()
    return {line.strip() for line in lines if line.strip() and not line.startswith("#")}


def build(site: Path) -> None:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "DISABLE_MKDOCS_2_WARNING": "true"}
    command = [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)]
    result = subprocess.run(command, check=False, cwd=ROOT, env=env, capture_output=True, text=True)
    if result.returncode:
        sys.exit(f"update_anchors: the build failed:\n{result.stderr}")


def update(site: Path, allow_removal: bool) -> int:
    listed = read_manifest()
    lost = sorted(e for e in listed if not resolves(site, e))
    if lost and not allow_removal:
        print(
            f"update_anchors: {len(lost)} listed links no longer resolve; keep them alive (an "
            "alias id, a claim alias or a redirect) or rerun with --allow-removal:",
            file=sys.stderr,
        )
        print("\n".join(lost), file=sys.stderr)
        return 1
    current = collect(site)
    kept = current | (listed - set(lost))
    MANIFEST.write_text(HEADER + "\n".join(sorted(kept)) + "\n", encoding="utf-8")
    print(f"update_anchors: {len(kept)} entries ({len(current - listed)} new, {len(lost)} removed)")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, help="an existing build (default: build one)")
    parser.add_argument("--allow-removal", action="store_true", help="drop links that broke")
    args = parser.parse_args()
    if args.site:
        return update(args.site, args.allow_removal)
    with tempfile.TemporaryDirectory() as folder:
        build(Path(folder) / "site")
        return update(Path(folder) / "site", args.allow_removal)


if __name__ == "__main__":
    sys.exit(main())
