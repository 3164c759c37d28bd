"""Folders of the share pages written outside the engine: made in a thread during the build,
and kept pages unlinked before a build that writes over them.

On this machine's disk, making a folder costs 0.15-0.5 ms of kernel time, more while the engine
writes its own files; in a thread of their own the 60 share-page folders overlap the engine's
work (Python, holding the interpreter) instead of adding to it: 0.45 s to 0.37 s a build in an
interleaved A/B. What the thread leaves undone, the writer's own mkdir does and reports.
(Removing the last build's share pages in a thread as well gained nothing: tried, measured,
dropped.)
"""

from __future__ import annotations

import contextlib
import os
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
