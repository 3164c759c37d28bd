"""Every HTML file of the built site passes the Nu HTML Checker (npm `vnu-jar`) with zero errors.

One Java run checks all pages plus a deliberately invalid control page, which proves the checker
ran and reports. The only error let through is Material's `autocomplete="off"` on its two hidden
toggle checkboxes (base.html), matched by exact message and exact element.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from .helpers import ROOT

pytestmark = pytest.mark.vnu

VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
AUTOCOMPLETE = (
    "Attribute “autocomplete” is only allowed when the input type is “color”, “date”, "
    "“datetime-local”, “email”, “hidden”, “month”, “number”, “password”, “range”, “search”, "
    "“tel”, “text”, “time”, “url”, or “week”."
)
TOGGLE = (
    '<input class="md-toggle" data-md-toggle="{0}" type="checkbox" id="__{0}" autocomplete="off">'
)
MATERIAL_TOGGLES = {TOGGLE.format(name) for name in ("drawer", "search")}
CONTROL = (
    '<!doctype html><html lang="en"><title>x</title><p><div>block in p</div></p><span id=a id=a>'
)


def flagged(message: dict) -> str:
    """The exact markup vnu highlights for a message."""
    start = message.get("hiliteStart", 0)
    return message.get("extract", "")[start : start + message.get("hiliteLength", 0)]


def allowed(message: dict) -> bool:
    """Let through only Material's autocomplete attribute on its drawer and search toggles."""
    return message["message"] == AUTOCOMPLETE and flagged(message).strip() in MATERIAL_TOGGLES


def run_vnu(files: list[Path]) -> list[dict]:
    """Run the Nu checker once over files; return its error messages."""
    if not VNU.is_file():
        pytest.fail(f"{VNU} is missing: run scripts/setup --browser (npm ci)")
    if shutil.which("java") is None:
        pytest.fail("java is missing: the Nu HTML Checker needs a Java 11+ runtime")
    result = subprocess.run(
        ["java", "-jar", str(VNU), "--errors-only", "--format", "json", *map(str, files)],
        check=False,
        capture_output=True,
        text=True,
        timeout=300,
    )
    return json.loads(result.stderr or result.stdout)["messages"]


def test_every_built_page_is_valid_html(built_site: Path, tmp_path: Path) -> None:
    control = tmp_path / "control.html"
    control.write_text(CONTROL)
    pages = sorted(built_site.rglob("*.html"))
    messages = run_vnu([control, *pages])
    assert any(m["url"].endswith("/control.html") for m in messages), "vnu reported nothing"
    errors = [m for m in messages if not m["url"].endswith("/control.html") and not allowed(m)]
    lines = [
        f"{Path(m['url'].removeprefix('file:')).relative_to(built_site)}:{m.get('lastLine', '?')}: "
        f"{m['message']} [{flagged(m).strip()[:120]}]"
        for m in errors
    ]
    assert not lines, f"{len(lines)} HTML errors in {len(pages)} pages:\n" + "\n".join(lines)
