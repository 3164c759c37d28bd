"""What site/ publishes: only the built site; no repository, test, source or local-path leaks."""

from __future__ import annotations

import gzip
from pathlib import Path

from .helpers import ROOT

# Source and tooling files that must never be published (built pages are HTML, data is JSON).
FORBIDDEN_SUFFIXES = {
    ".py",
    ".pyc",
    ".yml",
    ".yaml",
    ".toml",
    ".cfg",
    ".ini",
    ".md",
    ".sh",
    ".lock",
    ".env",
    ".orig",
    ".rej",
    ".bak",
    ".swp",
}
FORBIDDEN_PARTS = {"tests", "__pycache__", "node_modules", ".venv", "seeds"}
# Published on purpose despite the rules above (path relative to site/): none today.
INTENDED: set[str] = set()
TEXT_SUFFIXES = {".html", ".json", ".xml", ".js", ".css", ".map", ".txt", ".svg", ".webmanifest"}


def local_paths() -> list[str]:
    """Absolute paths of this machine that would reveal where and by whom the site was built."""
    found = {"/work/", "/tmp/", "/root/", "file:///", str(ROOT), str(Path.home()) + "/"}
    return sorted(found - {"//", "/"})


def leaks(site: Path) -> list[str]:
    """Every file of `site` that should not be published, with the reason."""
    problems = []
    needles = local_paths()
    for path in sorted(p for p in site.rglob("*") if p.is_file()):
        rel = path.relative_to(site).as_posix()
        if rel in INTENDED:
            continue
        parts = rel.split("/")
        if any(part.startswith(".") for part in parts):
            problems.append(f"{rel}: hidden file or folder (.git, .env, editor files)")
        elif FORBIDDEN_PARTS.intersection(parts):
            problems.append(f"{rel}: repository folder, not site content")
        elif path.suffix in FORBIDDEN_SUFFIXES:
            problems.append(f"{rel}: source or tooling file")
        else:
            text = read_text(path)
            problems += [f"{rel}: contains the local path '{n}'" for n in needles if n in text]
    return problems


def read_text(path: Path) -> str:
    """The file's text if it is a text file the site serves (gzip ones decompressed), else ''."""
    if path.suffix == ".gz":
        return gzip.decompress(path.read_bytes()).decode("utf-8", errors="replace")
    if path.suffix in TEXT_SUFFIXES:
        return path.read_text(encoding="utf-8", errors="replace")
    return ""


def test_the_built_site_leaks_nothing(built_site: Path):
    assert (built_site / "index.html").is_file()
    assert leaks(built_site) == []
