"""Finished pages kept between builds, by the hash of the page they are finished from.

A share page written outside the engine is finished by the CSP step (hashing its inline code)
and then written: on this machine's disk the two cost some 0.6 ms a page, against 0.02 ms to
hard-link the same bytes kept from an earlier build. A page is kept under
`<key>.<digest>.html`: `key` hashes the unfinished page and `salt` (what else the finishing
depends on, e.g. the CSP step's code), `digest` the finished bytes, which are checked before
each use: a kept file written through one of its links (by a tool that writes into a built
site's files instead of replacing them) is noticed at its next use and made again.
File I/O only; what to finish with is the caller's. `place` and `copy_whole` also put the
preview cards in place (cards.py), kept the same way under the hash of what they are drawn from.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import threading
from collections.abc import Callable
from pathlib import Path

DIGEST = 16  # hex digits of the finished bytes' sha256 kept in the file name


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:DIGEST]


class PageCache:
    """One build's view of a cache folder (made on first use). Kept pages are removed only when
    found written through; a cache that cannot be read or written is a cache that misses."""

    def __init__(self, folder: Path, salt: bytes) -> None:
        self.folder, self.salt = folder, salt
        try:
            kept = os.listdir(folder)
        except OSError:
            kept = []
        self.kept = {name.split(".")[0]: name for name in kept if name.count(".") == 2}

    def write(self, page: str, path: Path, finish: Callable[[str], str]) -> bool:
        """Write finish(page) to `path` (its folder exists), by a link to the kept copy when
        there is a sound one; return whether one was used."""
        key = hashlib.sha256(self.salt + page.encode("utf-8")).hexdigest()
        if self._sound(key):
            with contextlib.suppress(OSError):  # removed since by a build sharing the folder
                put(self.folder / self.kept[key], path)
                return True
        path.unlink(missing_ok=True)  # may be a link to a kept page: never write through it
        data = finish(page).encode("utf-8")
        path.write_bytes(data)
        self._keep(path, f"{key}.{_digest(data)}.html")
        return False

    def _sound(self, key: str) -> bool:
        """Whether a page is kept under `key` with the bytes its name says; a kept file written
        through a link since it was kept is removed, never to be used again."""
        if (name := self.kept.get(key)) is None:
            return False
        try:
            data = (self.folder / name).read_bytes()
        except OSError:  # removed meanwhile, by another build sharing the folder
            return False
        if _digest(data) == name.split(".")[1]:
            return True
        with contextlib.suppress(OSError):
            (self.folder / name).unlink()
        return False

    def _keep(self, path: Path, name: str) -> None:
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            place(path, self.folder / name)
        except OSError:
            return
        self.kept[name.split(".")[0]] = name


def put(kept: Path, path: Path) -> None:
    """Make `path` the kept file: left as it is when it is a link to it already (the last
    build's, reused: sitefolders.py), else replaced by one (`place`), never written through."""
    try:
        if os.path.samestat(os.stat(path), os.stat(kept)):
            return
    except FileNotFoundError:
        pass
    path.unlink(missing_ok=True)
    place(kept, path)


def place(kept: Path, path: Path) -> None:
    """Put a kept file at `path`: a hard link where the file system allows (no bytes copied;
    whole at once; nothing may write into a placed file: files are replaced, never rewritten),
    else a copy replacing whatever is there whole."""
    try:
        os.link(kept, path)
    except OSError:
        copy_whole(kept, path)


def copy_whole(source: Path, target: Path) -> None:
    """Copy a file so that the target is replaced whole (never written through, never half)."""
    part = target.with_name(f".{target.name}.{os.getpid()}.{threading.get_ident()}.part")
    try:
        shutil.copyfile(source, part)
        os.replace(part, target)
    finally:
        with contextlib.suppress(OSError):
            part.unlink()
