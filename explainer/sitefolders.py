"""Folders of the share pages and cards written outside the engine: reused from the last
build, made in a thread when missing, and kept pages unlinked before a build that writes over
them.

On this machine's disk, making a folder costs 0.15-0.5 ms of kernel time, more while the engine
writes its own files; in a thread of their own the 60 share-page folders overlap the engine's
work (Python, holding the interpreter) instead of adding to it: 0.45 s to 0.37 s a build in an
interleaved A/B. What the thread leaves undone, the writer's own mkdir does and reports.
Cheaper still is not to remove and make them at all: the last build's folders are set aside
before MkDocs' clean and put back after it (below). Removing them in a thread instead gained
nothing: tried, measured, dropped.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import threading
from pathlib import Path


def make_folders(paths: list[str]) -> threading.Thread:
    """Start making the folders these files will be written to."""

    def make() -> None:
        for path in paths:
            try:
                os.makedirs(os.path.dirname(path), exist_ok=True)
            except OSError:
                return

    thread = threading.Thread(target=make, name="explainer-folders", daemon=True)
    thread.start()
    return thread


def unlink_linked(folder: Path, pattern: str) -> None:
    """Remove the files matching `pattern` under `folder` that have other hard links (pages
    linked from a cache, pagecache.py): for a build that writes them again without removing
    them first (`--dirty`), which would otherwise write through the link into the cache."""
    for path in folder.glob(pattern) if folder.is_dir() else []:
        with contextlib.suppress(OSError):
            if path.stat().st_nlink > 1:
                path.unlink()


# --- Folders kept from the last build ------------------------------------------------------------
# MkDocs' clean removes every file and folder of the site but hidden ones (names starting with
# "."). The share pages' 60 folders and the preview cards cost some 7 ms to remove there and
# more to make again; moved aside under a hidden name before the clean and put back after it,
# they are reused: a file kept only where this build writes the very same file (the same link to
# the same kept copy: explainer/pagecache.py, cards.py), everything else removed.

KEPT = ".explainer-kept-"  # the hidden name's prefix


def set_aside(site_dir: Path, name: str) -> Path | None:
    """Before the engine's clean: move the site's folder `name` (e.g. "claims") to a hidden
    name, for `take_back`. A folder set aside by a build that stopped before taking it back is
    used again. Return where it is, or None if there is none."""
    folder, kept = site_dir / name, _aside(site_dir, name)
    try:
        if folder.is_dir() and not folder.is_symlink():
            if os.path.lexists(kept):
                _remove(kept)
            os.rename(folder, kept)
        return kept if kept.is_dir() and not kept.is_symlink() else None
    except OSError:
        return None


def take_back(kept: Path | None, folder: Path) -> bool:
    """Put a folder set aside back in place (its parent made; an empty folder there
    replaced); if something was put in its place meanwhile, remove it instead. Return whether
    it is back."""
    if kept is None:
        return False
    try:
        folder.parent.mkdir(parents=True, exist_ok=True)
        os.rename(kept, folder)
        return True
    except OSError:
        _remove(kept)
        return False


def keep_only(folder: Path, wanted: set[str]) -> set[str]:
    """Remove from `folder` (taken back) every file and folder whose path, relative to it,
    is not in `wanted` nor leads to a file that is. Return the folders left, relative to it."""
    keep, left = {part for path in wanted for part in _ancestors(path)}, set()
    for root, dirs, files in os.walk(folder):
        rel = os.path.relpath(root, folder)
        for name in dirs + files:
            path = name if rel == "." else f"{rel}/{name}"
            if path not in keep:
                _remove(Path(root) / name)
        dirs[:] = [d for d in dirs if (d if rel == "." else f"{rel}/{d}") in keep]
        left.update(d if rel == "." else f"{rel}/{d}" for d in dirs)
    return left


def discard(site_dir: Path, names: tuple[str, ...]) -> None:
    """Remove what `set_aside` left in the site under hidden names (a build that failed), for
    a build that sets nothing aside (`--dirty`)."""
    for name in names:
        _remove(_aside(site_dir, name))


def _aside(site_dir: Path, name: str) -> Path:
    """Where `set_aside` puts the folder `name`: "assets/cards" => ".explainer-kept-assets-cards"."""
    return site_dir / f"{KEPT}{name.replace('/', '-')}"


def _ancestors(path: str) -> list[str]:
    """ "a/b/c" => ["a", "a/b", "a/b/c"]"""
    parts = path.split("/")
    return ["/".join(parts[: i + 1]) for i in range(len(parts))]


def _remove(path: Path) -> None:
    with contextlib.suppress(OSError):
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        else:
            path.unlink()
