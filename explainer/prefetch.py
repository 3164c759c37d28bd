"""Work of a build that needs only the data, done in a second process while the engine works.

Between the explainer's `on_config` and the first page's Markdown, MkDocs spends some 80 ms of
its own (Material's search setup, cleaning the site, listing the theme's files). On a machine
with a second CPU, a forked copy of the process loads and checks the data and renders the
pages' blocks meanwhile, and sends each result back, pickled, as soon as it has it: the same
code on the same inputs, only on the other CPU. The build's CPU time is the same; its wall time
is shorter.

The parent trusts nothing else. A step that fails in the child, a child that dies, or a result
that cannot be read: the parent runs that step (and the ones after it) itself, so an error
is raised where it always was, with its own message. No fork where it is not safe or not
useful: other threads running (`mkdocs serve`, a test runner), one CPU, not Linux, or
`EXPLAINER_FORK=0` in the environment.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import pickle
import signal
import struct
import sys
import threading
from collections.abc import Callable, Sequence

_PIPE_SIZE = 1 << 20  # Linux's default limit for a pipe's buffer, unprivileged
_HEADER = struct.Struct("<Q")  # each message: its length, then the pickled (index, ok, value)


def can_fork() -> bool:
    """Whether a forked child would run alongside this process, and safely."""
    return (
        os.environ.get("EXPLAINER_FORK", "1") != "0"
        and sys.platform.startswith("linux")
        and threading.active_count() == 1  # a fork copies no other thread, nor what it holds
        and len(os.sched_getaffinity(0)) > 1
    )


class Steps:
    """Steps run in order, each given the results of those before it; `get(i)` returns step
    i's. Forked: the child runs them all at once, from the start. Otherwise each
    runs in this process when first asked for.

    Start it, get what is needed, `close()` when the build ends or fails (idempotent).
    """

    def __init__(self, steps: Sequence[Callable], fork: bool) -> None:
        self.steps = list(steps)
        self.results: dict[int, object] = {}
        self.pid: int | None = None
        self.fd: int | None = None
        self.forked = False  # whether a child was started
        self.sent: set[int] = set()  # the steps whose results came from it
        if fork:
            self._fork()

    def __del__(self) -> None:  # a build that failed before taking everything
        with contextlib.suppress(Exception):
            self.close()

    def _fork(self) -> None:
        """Start the child; if the system refuses a pipe or a process, run without one."""
        try:
            read, write = os.pipe()
        except OSError:
            return
        with contextlib.suppress(OSError):  # room for every result: the child never waits
            fcntl.fcntl(write, fcntl.F_SETPIPE_SZ, _PIPE_SIZE)
        try:
            pid = os.fork()
        except OSError:
            os.close(read)
            os.close(write)
            return
        if pid == 0:
            os.close(read)
            _child(self.steps, write)  # never returns
        os.close(write)
        self.pid, self.fd, self.forked = pid, read, True

    def get(self, index: int) -> object:
        """Step `index`'s result: from the child if it sent it, else computed here."""
        while index not in self.results and self.fd is not None:
            message = self._receive()
            if message is None:  # the child failed, died or sent what cannot be read
                self.close()
                break
            self.results[message[0]] = message[1]
            self.sent.add(message[0])
            if len(self.results) == len(self.steps):
                self.close(wait=False)  # it is leaving: reaped later, not waited for here
        for step in range(index + 1):
            if step not in self.results:
                self.results[step] = self.steps[step](*(self.results[i] for i in range(step)))
        return self.results[index]

    def _receive(self) -> tuple[int, object] | None:
        header = _read(self.fd, _HEADER.size)
        body = _read(self.fd, _HEADER.unpack(header)[0]) if header else None
        try:
            index, ok, value = pickle.loads(body) if body else (None, False, None)
        except Exception:  # noqa: BLE001 -- truncated or unreadable: as if none came
            return None
        return (index, value) if ok and index == len(self.results) else None

    def close(self, wait: bool = True) -> None:
        """Stop taking results; stop the child if it still runs and reap it (`wait`), or only
        if it has already left. Safe to call again, and to call last with `wait`."""
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None
            if self.pid is not None and len(self.results) < len(self.steps):
                with contextlib.suppress(ProcessLookupError):
                    os.kill(self.pid, signal.SIGKILL)  # it writes nothing but the pipe
        if self.pid is not None:
            with contextlib.suppress(ChildProcessError):
                if os.waitpid(self.pid, 0 if wait else os.WNOHANG)[0] == 0:
                    return  # still leaving
            self.pid = None


def _read(fd: int, size: int) -> bytes | None:
    """Exactly `size` bytes from the pipe, or None at its end."""
    chunks, left = [], size
    while left:
        chunk = os.read(fd, left)
        if not chunk:
            return None
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def _child(steps: Sequence[Callable], fd: int) -> None:
    """Run every step, sending each result; on any failure send a refusal and stop. Leave the
    process without returning into the build, running no exit handlers and flushing nothing
    of the parent's."""
    try:
        results = []
        for index, step in enumerate(steps):
            try:
                results.append(step(*results))
                message = pickle.dumps((index, True, results[-1]), pickle.HIGHEST_PROTOCOL)
            except BaseException:  # noqa: BLE001 -- the parent runs it again, and reports
                _send(fd, pickle.dumps((index, False, None)))
                break
            _send(fd, message)
    finally:
        os._exit(0)


def _send(fd: int, body: bytes) -> None:
    data = memoryview(_HEADER.pack(len(body)) + body)
    while data:
        data = data[os.write(fd, data) :]
