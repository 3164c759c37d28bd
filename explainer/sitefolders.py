"""Folder work of a build done in a thread, while the engine builds the pages.

On this machine's disk, making a folder costs 0.15-0.5 ms of kernel time and removing the last
build's share pages and cards about 7 ms; in a thread of their own they overlap the engine's
work (Python, holding the interpreter) instead of adding to it. What a thread leaves undone is
done, or reported, by the caller: `make_folders` is followed by the writer's own mkdir,
`move_aside` by `removed`.
"""

from __future__ import annotations

import os
import shutil
import threading
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


def move_aside(site: Path, names: tuple[str, ...]) -> threading.Thread | None:
    """Move these folders of the site ("claims", "assets/cards") into a hidden folder of it and
    start removing that, with any such folder a killed build left. For a build that cleans the
    site anyway (not `--dirty`): MkDocs then has that much less to remove before it starts."""
    if not site.is_dir():
        return None
    aside = site / f"{ASIDE}{os.getpid()}"
    for name in names:
        path = site / name
        if path.is_dir() and not path.is_symlink():
            try:
                aside.mkdir(exist_ok=True)
                os.rename(path, aside / path.name)
            except OSError:
                continue  # left where it is: MkDocs' clean removes it
    old = sorted(site.glob(f"{ASIDE}*"))
    if not old:
        return None
    return _start(lambda: [shutil.rmtree(path, ignore_errors=True) for path in old])


def removed(site: Path, thread: threading.Thread | None) -> list[Path]:
    """Wait for `move_aside`'s thread; return the hidden folders it could not remove."""
    if thread is not None:
        thread.join()
    return sorted(site.glob(f"{ASIDE}*")) if site.is_dir() else []
