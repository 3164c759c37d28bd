"""Write the built site's Content-Security-Policy into deploy/nginx.conf's header map.

    python deploy/sync_csp.py site deploy/nginx.conf           # update the line
    python deploy/sync_csp.py site deploy/nginx.conf --check   # exit 1 if it is stale

A header applies to every page, so it allows the union of the inline code of all pages; each
page's own <meta> still allows only its own (browsers enforce both).
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from explainer import csp

# The policy is the value the `$hdh_csp` map gives HTML responses (its first entry).
HEADER_RE = re.compile(r'(map \$sent_http_content_type \$hdh_csp \{\s*"[^"]*"\s+")([^"]*)(";)')


def policy_of(site: Path) -> str:
    """The header policy for every HTML file in the built site."""
    pages = [p.read_text(encoding="utf-8") for p in sorted(site.rglob("*.html"))]
    if not pages:
        raise SystemExit(f"{site}: no HTML files; build the site first")
    return csp.site_policy(pages)


def sync(conf_text: str, policy: str) -> str:
    """Return the config with its one CSP header policy set to `policy`."""
    matches = HEADER_RE.findall(conf_text)
    if len(matches) != 1:
        raise SystemExit(
            'expected one \'map $sent_http_content_type $hdh_csp { "~^(text/html…)" "…";\' '
            f"block, found {len(matches)}"
        )
    return HEADER_RE.sub(lambda m: m.group(1) + policy + m.group(3), conf_text)


def main(argv: list[str] | None = None) -> int:
    """Update or check the header; return the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", type=Path)
    parser.add_argument("conf", type=Path)
    parser.add_argument("--check", action="store_true", help="only report whether it is stale")
    args = parser.parse_args(argv)
    text = args.conf.read_text(encoding="utf-8")
    updated = sync(text, policy_of(args.site))
    if updated == text:
        print(f"{args.conf}: CSP header up to date")
        return 0
    if args.check:
        print(
            f"{args.conf}: CSP header is stale; run: python deploy/sync_csp.py "
            f"{args.site} {args.conf}",
            file=sys.stderr,
        )
        return 1
    args.conf.write_text(updated, encoding="utf-8")
    print(f"{args.conf}: CSP header updated")
    return 0


if __name__ == "__main__":
    sys.exit(main())
