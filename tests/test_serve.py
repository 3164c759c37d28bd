"""Live preview: a real `mkdocs serve` on a copy of the project, driven by editing its files.

An edit to the claims file, the sources registry or the article rebuilds the site; a refused
edit prints its `path:line:` problem while the last good pages stay served; the fix brings the
new pages back, all without restarting the server.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

TEXT = "At the end of March 2021 the French association Anticor"  # claim anticor-referral-pnf
STATUS = re.compile(r"(?m)^    status: alleged$")
STILL_SERVING = "Still serving the last good build"
TIMEOUT = 90  # seconds; a rebuild takes 1-5 s, more on a busy machine


class Server:
    """A `mkdocs serve` subprocess in its own process group, its output in a file."""

    def __init__(self, project: Path, log: Path) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.log_path, self.url = log, f"http://127.0.0.1:{self.port}/"
        env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONDONTWRITEBYTECODE": "1"}
        with log.open("wb") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "mkdocs", "serve", "--dev-addr", f"127.0.0.1:{self.port}"],
                cwd=project,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def page(self, path: str = "") -> str:
        """GET a page; a server stuck on a failed rebuild would time out here."""
        with urllib.request.urlopen(self.url + path, timeout=20) as response:
            return response.read().decode("utf-8")

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def wait_for(self, what: str, check) -> float:
        """Poll until check() is true; return the seconds it took."""
        start = time.monotonic()
        while time.monotonic() - start < TIMEOUT:
            if self.process.poll() is not None:
                pytest.fail(f"mkdocs serve exited while waiting for {what}:\n{self.log()[-3000:]}")
            try:
                if check():
                    return time.monotonic() - start
            except OSError:  # not listening yet
                pass
            time.sleep(0.25)
        pytest.fail(f"timed out after {TIMEOUT} s waiting for {what}:\n{self.log()[-3000:]}")

    def stop(self) -> None:
        for sig in (signal.SIGTERM, signal.SIGKILL):
            try:
                os.killpg(self.process.pid, sig)
                self.process.wait(timeout=20)
                return
            except ProcessLookupError:
                return
            except subprocess.TimeoutExpired:
                continue


@pytest.fixture
def server(project: Path, tmp_path: Path):
    """The project copy served by `mkdocs serve` on a free 127.0.0.1 port."""
    served = Server(project, tmp_path / "serve.log")
    try:
        served.wait_for("the first page", lambda: TEXT in served.page())
        yield served
    finally:
        served.stop()


def edit(path: Path, old: str | re.Pattern, new: str, atomic: bool = False) -> None:
    """Replace text once in a file, in place or as many editors save: a new file renamed over it."""
    text = path.read_text(encoding="utf-8")
    if isinstance(old, re.Pattern):
        changed = old.sub(new, text, count=1)
    else:
        changed = text.replace(old, new, 1)
    assert changed != text, f"{old!r} not found in {path.name}"
    if atomic:
        path.with_name(path.name + ".swp").write_text(changed, encoding="utf-8")
        os.replace(path.with_name(path.name + ".swp"), path)
    else:
        path.write_text(changed, encoding="utf-8")


def test_serve_watches_the_data_files(server):
    watching = next(line for line in server.log().splitlines() if "Watching paths" in line)
    for path in ("data/claims.yml", "data/sources.yml", "seeds/000_2cbf70e41ac90a36.txt"):
        assert f"'{path}'" in watching


def test_claims_edit_refused_edit_and_fix_without_restart(server, project):
    claims = project / "data/claims.yml"
    edit(claims, TEXT, "EDIT-ONE: at the end of March 2021 the association Anticor")
    server.wait_for("the edited claim", lambda: "EDIT-ONE" in server.page())

    edit(claims, STATUS, "    status: alledged", atomic=True)
    line = claims.read_text(encoding="utf-8").splitlines().index("    status: alledged") + 1
    problem = (
        f"data/claims.yml:{line}: claim 'anticor-referral-pnf': unknown status 'alledged'"
        " (did you mean 'alleged'?)"
    )
    server.wait_for("the problem in the server's output", lambda: problem in server.log())
    # Stock MkDocs 1.6 would hold this request until the edit is fixed (page() times out).
    assert "EDIT-ONE" in server.page(), "the last good page is no longer served"
    assert STILL_SERVING in server.log()
    assert "Traceback" not in server.log()

    edit(claims, "    status: alledged", "    status: alleged")
    edit(claims, "EDIT-ONE", "EDIT-TWO")
    server.wait_for("the fixed claim", lambda: "EDIT-TWO" in server.page())
    assert server.log().count("Serving on") == 1


def rebuilt_cleanly(log: str) -> bool:
    """True once a rebuild after the last refused edit finished without an error.

    Not "Documentation built in …": MkDocs' DuplicateFilter drops that line when its timing
    repeats an earlier build's, so it may never appear again.
    """
    after = log[log.rfind(STILL_SERVING):]
    start = after.find("Building documentation")
    rebuild = after[start:] if start >= 0 else ""
    return "Reloading browsers" in rebuild and "ERROR" not in rebuild


def test_sources_and_article_edits_rebuild(server, project):
    edit(
        project / "data/sources.yml",
        re.compile(r'(?m)(^  - id: siecle-digital-anticor-2021-04\n    title: )".*"$'),
        r'\1"EDITED-SOURCE-TITLE"',
    )
    server.wait_for("the edited source title", lambda: "EDITED-SOURCE-TITLE" in server.page())

    article = project / "seeds/000_2cbf70e41ac90a36.txt"
    edit(article, "specializing in the fight", "specialising in the fight")
    missing = re.compile(
        r"claim 'anticor-referral-pnf': quote not found verbatim in the article: "
        r"'specializing in the fight"
    )
    server.wait_for("the quote no longer found", lambda: missing.search(server.log()))
    assert "EDITED-SOURCE-TITLE" in server.page()
    assert STILL_SERVING in server.log()

    edit(article, "specialising in the fight", "specializing in the fight")
    server.wait_for("a good build after the article's fix", lambda: rebuilt_cleanly(server.log()))
    assert "Traceback" not in server.log()
