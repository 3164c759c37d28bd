"""Finished pages kept between builds, by the hash of the page they are finished from.

A share page written outside the engine is finished by the CSP step (hashing its inline code)
and then written: on this machine's disk the two cost some 0.6 ms a page, against 0.02 ms to
hard-link the same bytes kept from an earlier build. A page is kept under
`<key>.<digest>.html`: `key` hashes the unfinished page and `salt` (what else the finishing
depends on, e.g. the CSP step's code), `digest` the finished bytes, which are checked before
each use: a kept file written through one of its links (by a tool that writes into a built
site's files instead of replacing them) is noticed at its next use and made again.
File I/O only; what to finish with is the caller's.
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
        path.unlink(missing_ok=True)  # may be a link to a kept page: never write through it
        if (data := self._kept(key)) is not None:
            if not _link(self.folder / self.kept[key], path):
                path.write_bytes(data)
            return True
        data = finish(page).encode("utf-8")
        path.write_bytes(data)
        self._keep(path, f"{key}.{_digest(data)}.html")
        return False

    def _kept(self, key: str) -> bytes | None:
        """The bytes kept under `key` if they are sound; a kept file written through a link
        since it was kept is removed, never to be used again."""
        if (name := self.kept.get(key)) is None:
            return None
        try:
            data = (self.folder / name).read_bytes()
        except OSError:  # removed meanwhile, by another build sharing the folder
            return None
        if _digest(data) == name.split(".")[1]:
            return data
        with contextlib.suppress(OSError):
            (self.folder / name).unlink()
        return None

    def _keep(self, path: Path, name: str) -> None:
        part = self.folder / f".{name}.{os.getpid()}.{threading.get_ident()}.part"
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            if not _link(path, part):
                shutil.copyfile(path, part)
            os.replace(part, self.folder / name)  # readers see no file or the whole one
        except OSError:
            with contextlib.suppress(OSError):
                part.unlink()
            return
        self.kept[name.split(".")[0]] = name


def _link(source: Path, target: Path) -> bool:
    try:
        os.link(source, target)
    except OSError:
        return False
    return True
