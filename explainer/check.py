"""Check command: validate the data and print the article's coverage, without building the site.

Usage: python -m explainer.check [path/to/mkdocs.yml] [--min-coverage 100]
Exit status 0 when the data is valid (and coverage is at least the minimum), else 1 (2 for a
mistyped command line, as argparse does).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import yaml

from .article import coverage
from .model import EXTENSION, Project, Settings
from .problems import ClaimsError
from .project import load_project


class _ConfigLoader(yaml.SafeLoader):
    """Reads mkdocs.yml, leaving MkDocs-specific tags (!ENV, !!python/name) as plain values."""


_ConfigLoader.add_multi_constructor("", lambda loader, suffix, node: None)


def load_config(config_file: Path) -> dict:
    """Read mkdocs.yml as plain data (MkDocs-specific tags become None)."""
    config = yaml.load(config_file.read_text(encoding="utf-8"), Loader=_ConfigLoader)
    return config if isinstance(config, dict) else {}


def settings_from_file(config_file: Path) -> Settings:
    """Read the extension's options from mkdocs.yml, as the MkDocs hook does."""
    config = load_config(config_file)
    options = {}
    for entry in (config.get("markdown_extensions") if isinstance(config, dict) else None) or []:
        if isinstance(entry, dict) and EXTENSION in entry:
            options = entry[EXTENSION] or {}
    return Settings.from_options(config_file.resolve().parent, options)


def report(project: Project) -> tuple[float, str]:
    """Return (coverage percent, a printable summary) for a valid project."""
    quotes = [q for c in project.claims for q in c.quotes]
    covered, total, uncovered = coverage(project.article, quotes)
    pages = sorted({c.page for c in project.claims})
    page_word = "page" if len(pages) == 1 else "pages"
    lines = [
        f"{len(project.claims)} claims on {len(pages)} {page_word}, {len(project.sources)} sources: valid",
        f"article coverage: {covered}/{total} substantive sentences quoted by a claim",
    ]
    lines += [f"  not covered: {sentence}" for sentence in uncovered]
    return (100.0 * covered / total if total else 100.0), "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m explainer.check", description=__doc__.split("\n")[0]
    )
    parser.add_argument("config", nargs="?", default="mkdocs.yml", type=Path)
    parser.add_argument("--min-coverage", type=float, default=0.0, metavar="PERCENT")
    args = parser.parse_args(argv)
    try:
        project = load_project(settings_from_file(args.config))
    except ClaimsError as err:
        print(err, file=sys.stderr)
        return 1
    except OSError as err:
        print(f"{args.config}: {err.strerror}: {err.filename}", file=sys.stderr)
        return 1
    except yaml.YAMLError as err:  # mkdocs.yml itself is broken
        line = err.problem_mark.line + 1 if getattr(err, "problem_mark", None) else 1
        problem = " ".join(filter(None, [getattr(err, "context", ""), getattr(err, "problem", "")]))
        where = f"{args.config}:{line}: {args.config}"
        print(f"{where}: invalid YAML: {problem or err}", file=sys.stderr)
        return 1
    percent, summary = report(project)
    print(summary)
    if percent < args.min_coverage:
        print(
            f"coverage {percent:.0f}% is below the minimum {args.min_coverage:.0f}%",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    try:
        status = main()
        sys.stdout.flush()  # a reader that has gone (`… | head`) shows up here, not at exit
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        status = 1
    sys.exit(status)
