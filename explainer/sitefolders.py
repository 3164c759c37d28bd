"""Folder work of a build done in a thread, while the engine builds the pages.

On this machine's disk, making a folder costs 0.15-0.5 ms of kernel time and removing the last
build's share pages and cards about 7 ms; in a thread of their own they overlap the engine's
work (Python, holding the interpreter) instead of adding to it. What a thread leaves undone is
done, or reported, by the caller: `make_folders` is followed by the writer's own mkdir,
`move_aside` by `removed`.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import threading
from dataclasses import dataclass
from pathlib import Path

ASIDE = ".explainer-old-"  # hidden: MkDocs' clean leaves hidden entries of site/ alone


def _start(work) -> threading.Thread:
    thread = threading.Thread(target=work, name="explainer-folders", daemon=True)
    thread.start()
    return thread


def make_folders(paths: list[str]) -> threading.Thread:
    """Start making the folders these files will be written to."""

    def make() -> None:
        for path in paths:
            try:
                os.makedirs(os.path.dirname(path), exist_ok=True)
            except OSError:
                return

    return _start(make)


@dataclass
class Aside:
    """The folders `move_aside` is removing, and its thread."""

    folders: list[Path]
    thread: threading.Thread


def move_aside(site: Path, names: tuple[str, ...]) -> Aside | None:
    """Move these folders of the site ("claims", "assets/cards") into a hidden folder of it and
    start removing that, with any such folder a killed build left. For a build that cleans the
    site anyway (not `--dirty`): MkDocs then has that much less to remove before it starts.
    Only real folders of the site move: none reached through a symbolic link."""
    if not site.is_dir():
        return None
    real = os.path.realpath(site)
    aside = site / f"{ASIDE}{os.getpid()}"
    for name in names:
        path = site / name
        if path.is_dir() and os.path.realpath(path) == os.path.join(real, *name.split("/")):
            try:
                aside.mkdir(exist_ok=True)
                os.rename(path, aside / path.name)
            except OSError:
                continue  # left where it is: MkDocs' clean removes it
    folders = sorted(site.glob(f"{ASIDE}*"))
    if not folders:
        return None
    return Aside(folders, _start(lambda: [shutil.rmtree(p, ignore_errors=True) for p in folders]))


def removed(aside: Aside | None) -> list[Path]:
    """Wait for `move_aside`'s thread; return the folders it could not remove."""
    if aside is None:
        return []
    aside.thread.join()
    return [path for path in aside.folders if path.exists()]


def unlink_linked(folder: Path, pattern: str) -> None:
    """Remove the files matching `pattern` under `folder` that have other hard links (pages
    linked from a cache, pagecache.py): for a build that writes them again without removing
    them first (`--dirty`), which would otherwise write through the link into the cache."""
    for path in folder.glob(pattern) if folder.is_dir() else []:
        with contextlib.suppress(OSError):
            if path.stat().st_nlink > 1:
                path.unlink()
