"""Measure issue #14's budget side by side: first load, Lighthouse, build time, live preview.

    .venv/bin/python scripts/benchmark.py > /tmp/bench.md   # everything (build, preview: 8 min)
    .venv/bin/python scripts/benchmark.py --quick           # 2 pages, 3 runs, 10x only, 3 saves
    .venv/bin/python scripts/benchmark.py --only weight,index   # some sections (see --help)
    .venv/bin/python scripts/benchmark.py --only lighthouse --without-palette  # + no dark toggle

Builds variants of the project in a temporary folder: the real site, then explainer/optimize.py
over it, as deployed; the same pages without the claims layer (markers stripped, the explainer's
extension and hooks off, its CSP step kept); the same pages on plain Material defaults (no
overrides, CSS, JS or hooks; `font: false`, there is no network here; search on); the real site
with 10x and 100x synthetic claims; for the build, a floor: the no-claims site handed the real
site's rendered page content and its share pages, cards and claims.json as static files (the
claims layer's output with none of its code).

First load: each page is loaded in Debian's Chromium with an empty cache until the network is
idle and Material's search worker has fetched the index. Every URL it asked for, read from
nginx's access log (which sees the worker's requests too), is fetched again with
`Accept-Encoding: gzip, deflate, br, zstd` (what Chromium sends over HTTPS; over plain-HTTP
localhost it offers only gzip), and every byte of each answer is counted, status line and
headers included. Ours is served with deploy/nginx.conf; plain Material by a generic host:
nginx with `gzip on` at its default level for text types, no other setting.

Prints Markdown for BENCHMARKS.md. Not a test: the figures depend on the machine. Lighthouse
comes from benchmarks/ (`npm ci` there).
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import itertools
import json
import math
import os
import platform
import queue
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import brotli
import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from deploy import nginx_local, sync_csp
from explainer.csp import META_RE
from explainer.markers import COMMENT
from explainer.model import SHARE_DIR, page_path
from explainer.optimize import optimize_site, precompress
from tests.helpers import CHROMIUM, CHROMIUM_ARGS

# The browser and flags the browser tests use (closed network: no background connections).
CHROME_FLAGS = ["--headless=new", *CHROMIUM_ARGS]
LIGHTHOUSE = ROOT / "benchmarks" / "node_modules" / ".bin" / "lighthouse"
ACCEPT = "gzip, deflate, br, zstd"
SKIP = shutil.ignore_patterns(
    ".git",
    ".venv*",
    "node_modules",
    "site",
    "benchmarks",
    "__pycache__",
    ".pytest_cache",
    ".ruff_cache",
    ".cache",
    "*.egg-info",
)
KEPT_HOOKS = re.compile(r"csp|optimi[sz]e")  # site-wide steps any site has, not the claims layer
CLAIM_VERBS = {"factbox", "claim", "ref", "timeline", "article"}
BUILT = re.compile(r"Documentation built in ([\d.]+) seconds")
# MkDocs prints its build time to two decimals, a step of 4% of a 0.25 s build. The benchmark
# runs `mkdocs build` with MkDocs' build() timed to the microsecond: the interval MkDocs prints,
# from the call that starts the build to the one that ends it.
TIMED_MKDOCS = """import sys, time
from mkdocs.__main__ import cli
from mkdocs.commands import build as module

built = module.build


def timed(*args, **kwargs):
    start = time.perf_counter()
    try:
        return built(*args, **kwargs)
    finally:
        sys.stderr.write(f"benchmark: build() took {time.perf_counter() - start:.6f} s\\n")


module.build = timed
sys.argv = ["mkdocs", *sys.argv[1:]]
cli()
"""
TIMED = re.compile(r"benchmark: build\(\) took ([\d.]+) s")
RELOADED = "Reloading browsers"
DETECTED = "Detected file changes"
GENERIC_HOST = """\
# A generic static host: nginx with gzip on (default level 1) for text, nothing else.
server {
    listen 80;
    listen [::]:80;
    root /srv/hdh-explainer/site;
    index index.html;
    gzip on;
    gzip_types text/css application/javascript application/json application/xml text/xml
               image/svg+xml text/plain;
}
"""
TOP = ("", "competition/")  # --quick: these pages only


# --- Variants of the project ---------------------------------------------------------------------


def copy_project(dest: Path) -> Path:
    """Copy the working tree (no venv, no node_modules, no site) into dest."""
    shutil.copytree(ROOT, dest, ignore=SKIP)
    return dest


def strip_markers(project: Path) -> None:
    """Remove the claims layer's markers from every page (other HTML comments stay)."""
    for page in (project / "docs").rglob("*.md"):
        text = page.read_text(encoding="utf-8")
        stripped = COMMENT.sub(
            lambda m: "" if (m.group(1) or "").lower() in CLAIM_VERBS else m.group(0), text
        )
        page.write_text(stripped, encoding="utf-8")


def edit_config(project: Path, change) -> None:
    """Load mkdocs.yml (it uses no YAML tags), let `change` edit the dict, write it back."""
    path = project / "mkdocs.yml"
    config = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(config)
    path.write_text(yaml.safe_dump(config, sort_keys=False, allow_unicode=True), encoding="utf-8")


def _other_extensions(config: dict) -> list:
    return [
        e
        for e in config["markdown_extensions"]
        if not (isinstance(e, dict) and "explainer.mdext" in e)
    ]


def without_claims(config: dict) -> None:
    """Drop the claims extension and the claims hooks; keep everything else (the CSP step too)."""
    config["markdown_extensions"] = _other_extensions(config)
    config["hooks"] = [h for h in config.get("hooks", []) if KEPT_HOOKS.search(Path(h).name)]


def plain_material(config: dict) -> None:
    """Material's defaults: same pages and nav, no overrides, CSS, JS, extensions or hooks."""
    keep = ("site_name", "site_url", "docs_dir", "nav")
    plain = {k: config[k] for k in keep if k in config}
    plain.update(
        theme={"name": "material", "font": False},
        plugins=["search"],
        markdown_extensions=_other_extensions(config),
    )
    config.clear()
    config.update(plain)


def without_palette(config: dict) -> None:
    """No light/dark toggle: what ours (explainer.js's, since issue #14) costs at load."""
    config["theme"].pop("palette", None)


class _PlainDumper(yaml.SafeDumper):
    """Write repeated values out in full: the claims loader refuses YAML anchors and aliases."""

    def ignore_aliases(self, data) -> bool:
        return True


def scale_claims(project: Path, factor: int) -> None:
    """Repeat every claim `factor` times under new ids (aliases dropped: they must stay unique)."""
    path = project / "data" / "claims.yml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    copies = []
    for n in range(1, factor):
        for claim in data["claims"]:
            copy = {k: v for k, v in claim.items() if k != "aliases"}
            copies.append({**copy, "id": f"{claim['id']}-x{n}"})
    data["claims"] += copies
    text = yaml.dump(data, Dumper=_PlainDumper, sort_keys=False, allow_unicode=True, width=10**6)
    path.write_text(text, encoding="utf-8")
    # The loader refuses YAML over 2 MB (hostile input); the synthetic file is larger by design.
    loader = project / "explainer" / "yamlload.py"
    loader.write_text(re.sub(r"MAX_BYTES = [\d_]+", "MAX_BYTES = 10**9", loader.read_text()))


def make_variant(work: Path, name: str, kind: str = "real", scale: int = 1) -> Path:
    """Create a variant ("real", "no-claims" or "plain") under work/name; return its folder."""
    project = copy_project(work / name)
    if kind in ("no-claims", "plain"):
        strip_markers(project)
        edit_config(project, without_claims if kind == "no-claims" else plain_material)
    if scale > 1:
        scale_claims(project, scale)
    return project


ARTICLE = '<article class="md-content__inner md-typeset">'  # Material's content element
# The floor variant's one hook: each page's Markdown is converted as usual, then its content is
# swapped for the real site's, so that the theme, the search plugin and the CSP step get the
# claims layer's output without any of its code having run.
FLOOR_HOOK = """import json
from pathlib import Path

CONTENT = json.loads(Path(__file__).with_name("floor-content.json").read_text("utf-8"))


def on_page_content(html, page, config, files):
    return CONTENT[page.file.src_uri]
"""


def hold_static_output(project: Path, site: Path) -> int:
    """Give a no-claims variant the claims layer's output without any of its code: each page's
    content (after its own Markdown) is the real site's rendered content of that page, handed
    over by a hook that only looks it up; the share pages, preview cards and claims.json are
    copied in as static files (the share pages without their CSP <meta>, which the kept CSP
    step adds again). What the output costs the engine: a floor for the claims layer's build
    time. Return the number of files copied in."""
    content = {}
    for page in (project / "docs").rglob("*.md"):
        name = page.relative_to(project / "docs").with_suffix("").as_posix()
        html = (site / page_path(name) / "index.html").read_text(encoding="utf-8")
        content[f"{name}.md"] = html[html.index(ARTICLE) + len(ARTICLE) : html.index("</article>")]
    (project / "floor-content.json").write_text(json.dumps(content), encoding="utf-8")
    (project / "floor_hook.py").write_text(FLOOR_HOOK, encoding="utf-8")
    edit_config(project, lambda config: config["hooks"].insert(0, "floor_hook.py"))
    copied = 0
    for path in [*site.glob(f"{SHARE_DIR}/**/*.html"), *site.glob("assets/cards/**/*.png")]:
        target = project / "docs" / path.relative_to(site)
        target.parent.mkdir(parents=True, exist_ok=True)
        if path.suffix == ".html":
            target.write_text(META_RE.sub("", path.read_text(encoding="utf-8")), encoding="utf-8")
        else:
            shutil.copyfile(path, target)
        copied += 1
    shutil.copyfile(site / "claims.json", project / "docs" / "claims.json")
    return copied + 1


def leave_out_share_pages(project: Path) -> None:
    """Make a real variant's build leave out the share pages and cards, as `mkdocs serve` does:
    what the claims layer costs without its 61 pages. Edits the copy's hook file only (MkDocs
    loads hooks by their path in the project); fails loudly if the hook no longer fits."""
    hooks = project / "explainer" / "mkdocs_hooks.py"
    text = hooks.read_text(encoding="utf-8")
    startup = '    RUN["serve"] = command == "serve"\n'
    if startup not in text:
        raise SystemExit(f"{hooks}: on_startup changed; update leave_out_share_pages()")
    hooks.write_text(text.replace(startup, '    RUN["serve"] = True\n'), encoding="utf-8")


def claim_count(project: Path) -> int:
    return len(yaml.safe_load((project / "data" / "claims.yml").read_text())["claims"])


# --- Build time ----------------------------------------------------------------------------------

ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "DISABLE_MKDOCS_2_WARNING": "true"}


def build(project: Path, site: Path) -> tuple[float, float]:
    """Build once in a fresh process; return (MkDocs' own build time, to the microsecond
    (TIMED_MKDOCS), and the wall time) in seconds."""
    start = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-c", TIMED_MKDOCS, "build", "--strict", "--site-dir", str(site)],
        cwd=project,
        env={**ENV, "PYTHONDONTWRITEBYTECODE": "1"},
        capture_output=True,
        text=True,
        check=False,
    )
    wall = time.perf_counter() - start
    found, timed = BUILT.search(result.stderr), TIMED.search(result.stderr)
    if result.returncode or not found or not timed:
        raise SystemExit(f"build of {project.name} failed:\n{result.stderr[-3000:]}")
    return float(timed.group(1)), wall


def median_builds(projects: dict[str, Path], runs: int) -> dict[str, tuple[float, float]]:
    """Median MkDocs and wall times over `runs` rounds, building the variants in turn so that
    load from other processes falls on all of them alike; each last build stays in its site/.

    Each round starts one variant further on, so that no variant always follows the same one,
    and every build starts after os.sync(): a build that writes thousands of files (100x claims)
    leaves the disk flushing them into the next build, which always paid for it before the
    sixth session (the real site's build followed the 100x one)."""
    names = list(projects)
    times: dict[str, list[tuple[float, float]]] = {name: [] for name in projects}
    for round_ in range(runs):
        for name in names[round_ % len(names) :] + names[: round_ % len(names)]:
            os.sync()
            times[name].append(build(projects[name], projects[name] / "site"))
    return {
        name: (statistics.median(t[0] for t in ts), statistics.median(t[1] for t in ts))
        for name, ts in times.items()
    }


# --- First-load weight ---------------------------------------------------------------------------


def page_paths(site: Path) -> list[str]:
    """Every HTML file of a built site as the path a browser asks for."""
    paths = (p.relative_to(site).as_posix() for p in sorted(site.rglob("*.html")))
    return [p.removesuffix("index.html") for p in paths]


def has_page(site: Path, path: str) -> bool:
    """Whether a built site has the page a browser asks for at `path` ("about/", "404.html")."""
    return (site / path).is_file() or (site / path / "index.html").is_file()


class Host:
    """nginx serving a site with a given server config; knows what the browser asked it for."""

    def __init__(self, site: Path, conf: Path, work: Path) -> None:
        self.work = Path(tempfile.mkdtemp(dir=work))
        self.process, self.url = nginx_local.start(site, self.work, site_conf=conf)
        self.log = self.work / "access.log"

    def stop(self) -> None:
        nginx_local.stop(self.process)

    def log_size(self) -> int:
        return self.log.stat().st_size if self.log.exists() else 0

    def requested_since(self, offset: int) -> list[str]:
        """Paths of the GET requests logged after byte `offset` of the access log."""
        text = self.log.read_bytes()[offset:].decode("utf-8", "replace")
        return re.findall(r'"GET (\S+) HTTP/[\d.]+"', text)


def wire_bytes(url: str, path: str) -> dict:
    """GET path with a browser's Accept-Encoding; every byte of the answer, headers included."""
    host, port = re.match(r"http://([^:/]+):(\d+)/", url).groups()
    request = (
        f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nAccept-Encoding: {ACCEPT}\r\n"
        "Connection: close\r\n\r\n"
    )
    with socket.create_connection((host, int(port)), timeout=10) as conn:
        conn.sendall(request.encode("ascii"))
        chunks = []
        while chunk := conn.recv(65536):
            chunks.append(chunk)
    answer = b"".join(chunks)
    head = answer.split(b"\r\n\r\n", 1)[0].decode("latin-1")
    encoding = re.search(r"(?im)^content-encoding:\s*(\S+)", head)
    return {
        "path": path,
        "bytes": len(answer),
        "headers": len(head) + 4,
        "encoding": encoding.group(1) if encoding else "identity",
        "status": int(head.split()[1]),
    }


def first_load(browser, host: Host, path: str) -> list[dict]:
    """Load a page with a cold cache, wait for the search index; weigh every request made."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    offset = host.log_size()
    page.goto(host.url + path, wait_until="networkidle")
    deadline, last, quiet_since = time.monotonic() + 15, -1, time.monotonic()
    while time.monotonic() < deadline:  # the worker fetches the index after the page is idle
        size = host.log_size()
        if size != last:
            last, quiet_since = size, time.monotonic()
        done = any("search_index.json" in p for p in host.requested_since(offset))
        if done and time.monotonic() - quiet_since > 0.5:
            break
        time.sleep(0.1)
    context.close()
    requested = host.requested_since(offset)
    if not any("search_index.json" in p for p in requested):
        raise SystemExit(f"{host.url}{path}: the search index was never requested")
    return [wire_bytes(host.url, p) for p in requested]


def weigh(browser, site: Path, conf: Path, paths: list[str], work: Path) -> dict[str, list]:
    """First-load requests of the given pages of a built site, served with `conf`."""
    host = Host(site, conf, work)
    try:
        return {path: first_load(browser, host, path) for path in paths}
    finally:
        host.stop()


def resource(path: str) -> str:
    """A request's kind, for the breakdown: "/assets/stylesheets/main.x.min.css" => "Material CSS"."""
    kinds = [
        ("search_index.json", "search index"),
        ("/workers/search.", "search worker"),
        ("/stylesheets/merged.", "stylesheets (Material's, palette, ours)"),
        ("/stylesheets/main.", "Material CSS"),
        ("/stylesheets/palette.", "Material palette CSS"),
        ("/javascripts/bundle.", "Material JS"),
        ("/assets/explainer.", "explainer CSS" if ".css" in path else "explainer JS"),
        ("favicon", "favicon"),
    ]
    for needle, kind in kinds:
        if needle in path:
            return kind
    return "HTML" if path.endswith(("/", ".html")) else path


# --- Search index composition --------------------------------------------------------------------


def index_kind(entry: dict) -> str:
    """What an index entry is: a claim, the fact box, the timeline, the article, another page."""
    location = entry["location"]
    if "#claim-" in location:
        return "claim entries (one per claim)"
    if location.startswith("claims/"):
        return "share pages"
    if location.endswith("#fact-box"):
        return "fact box sections"
    if location.startswith("timeline/"):
        return "timeline page"
    if location.startswith("source/"):
        return "the article verbatim (source page)"
    return "other pages' text"


def compressed(docs: list[dict], index: dict) -> dict[str, int]:
    """Bytes of the index holding `docs`: raw, brotli 11, gzip 9 and gzip 1 (nginx's default)."""
    raw = json.dumps({**index, "docs": docs}, separators=(",", ":")).encode()
    return {
        "raw": len(raw),
        "br": len(brotli.compress(raw, quality=11)),
        "gz9": len(gzip.compress(raw, 9, mtime=0)),
        "gz1": len(gzip.compress(raw, 1, mtime=0)),
    }


def without_quotes(entry: dict) -> dict:
    """A claim entry without its quotes (the article is indexed on its own page)."""
    if "#claim-" not in entry["location"]:
        return entry
    return {**entry, "text": re.sub(r"<p>“.*?”</p>", "", entry["text"])}


def index_table(site: Path) -> list[str]:
    """What each kind of entry weighs, and what removing the duplicated text would save."""
    index = json.loads((site / "search" / "search_index.json").read_bytes())
    docs = index["docs"]
    whole = compressed(docs, index)
    rows = [
        f"Whole index: {len(docs)} entries; KiB raw / brotli 11 / gzip 9 / gzip 1: "
        + " / ".join(kib(whole[k]) for k in ("raw", "br", "gz9", "gz1"))
        + "\n",
        "| entries | count | KiB raw | brotli KiB saved if left out | share of the brotli index |",
        "|---|---:|---:|---:|---:|",
    ]
    for kind in sorted({index_kind(d) for d in docs}):
        mine = [d for d in docs if index_kind(d) == kind]
        saved = whole["br"] - compressed([d for d in docs if d not in mine], index)["br"]
        entry_bytes = len(json.dumps(mine, separators=(",", ":")).encode())
        rows.append(
            f"| {kind} | {len(mine)} | {kib(entry_bytes)} | {kib(saved)} "
            f"| {100 * saved / whole['br']:.0f} % |"
        )
    timeline = "timeline page"
    scenarios = {
        "timeline page left out (its text repeats the claims)": [
            d for d in docs if index_kind(d) != timeline
        ],
        "claim entries without their quotes (the source page holds the article)": [
            without_quotes(d) for d in docs
        ],
        "both": [without_quotes(d) for d in docs if index_kind(d) != timeline],
    }
    rows += [
        "\n| de-duplication | KiB saved raw | brotli 11 | gzip 9 | gzip 1 |",
        "|---|---:|---:|---:|---:|",
    ]
    for name, smaller in scenarios.items():
        after = compressed(smaller, index)
        saved = " | ".join(kib(whole[k] - after[k]) for k in ("raw", "br", "gz9", "gz1"))
        rows.append(f"| {name} | {saved} |")
    return rows


# --- Lighthouse ----------------------------------------------------------------------------------

CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
METRICS = (
    "first-contentful-paint",
    "largest-contentful-paint",
    "total-blocking-time",
    "cumulative-layout-shift",
)


def lighthouse(url: str, out: Path) -> dict:
    """Lighthouse 12 (mobile, simulated throttling, its defaults): scores, metrics, failures."""
    env = {**os.environ, "CHROME_PATH": CHROMIUM}
    subprocess.run(
        [
            str(LIGHTHOUSE),
            url,
            "--quiet",
            "--output=json",
            f"--output-path={out}",
            f"--only-categories={','.join(CATEGORIES)}",
            f"--chrome-flags={' '.join(CHROME_FLAGS)}",
        ],
        env=env,
        check=True,
        capture_output=True,
        timeout=300,
    )
    report = json.loads(out.read_text(encoding="utf-8"))
    scores = {c: round(report["categories"][c]["score"] * 100) for c in CATEGORIES}
    failed = [
        a["id"]
        for c in CATEGORIES
        for a in report["categories"][c]["auditRefs"]
        if a["weight"]
        and (report["audits"][a["id"]]["score"] or 0) < 1
        and report["audits"][a["id"]]["scoreDisplayMode"] in ("binary", "metricSavings")
    ]
    metrics = {m: report["audits"][m]["displayValue"].replace("\xa0", " ") for m in METRICS}
    return {**scores, **metrics, "failed": failed}


def lighthouse_sites(
    sites: dict[str, tuple[Path, Path, list[str]]], work: Path
) -> dict[str, dict[str, dict]]:
    """Lighthouse on pages of several built sites (name => (site, server config, paths)), page
    by page in turn (ours, then plain Material, then the next page), so that the machine's load
    falls on both alike."""
    hosts = {name: Host(site, conf, work) for name, (site, conf, _) in sites.items()}
    scores: dict[str, dict[str, dict]] = {name: {} for name in sites}
    try:
        paths = list(dict.fromkeys(p for _, _, ps in sites.values() for p in ps))
        for path in paths:
            for name, (_, _, wanted) in sites.items():
                if path in wanted:
                    url = hosts[name].url + path
                    scores[name][path] = lighthouse(url, work / "lighthouse.json")
    finally:
        for host in hosts.values():
            host.stop()
    return scores


# --- Live preview --------------------------------------------------------------------------------


POLLING = 0.5  # seconds between MkDocs' looks at the watched files (mkdocs serve's default)


def reload_times(
    project: Path, edits: dict[str, str], saves: int
) -> dict[str, list[tuple[float, float]]]:
    """Under `mkdocs serve`, seconds from each save of a file to serve's "Reloading browsers",
    and of those, the rebuild: from serve's "Detected file changes" (MkDocs polls the files
    every 0.5 s, then waits 0.1 s for more changes) to "Reloading browsers".

    `edits`: file (relative to the project) => the text a save appends to its original (with
    the save's number, so every save changes the file); saves alternate between the files. A
    first round warms up and is not counted; after each reload the log must stay quiet for 1 s
    (a save that set off two rebuilds would otherwise lend its second to the next save).

    When a save lands in MkDocs' polling period decides up to 0.5 s of its figure. Each watched
    path is polled by its own thread every 0.5 s, and serve logs "Detected file changes" as the
    poll sees a change: so after a file's first save, its poller's instants are known, and each
    later save is made a chosen time before one of them (`lead_times`: the same spread of times
    for every variant and file, in a seeded order). Saves at a fixed pace, or at random times,
    let one variant's saves keep landing just before a poll and another's just after (runs O,
    U and Z3 in BENCHMARKS.md).
    """
    port = nginx_local.free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "serve", "--dev-addr", f"127.0.0.1:{port}"],
        cwd=project,
        env={**ENV, "PYTHONUNBUFFERED": "1"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    lines: queue.Queue = queue.Queue()
    threading.Thread(
        target=lambda: [lines.put(line) for line in process.stderr], daemon=True
    ).start()
    try:
        wait_for(lines, "Serving on", 120)
        settle(lines, 1.0)  # the watcher starts right after
        originals = {name: (project / name).read_text(encoding="utf-8") for name in edits}
        times: dict[str, list[tuple[float, float]]] = {name: [] for name in edits}
        leads = lead_times(saves)
        polled: dict[str, float] = {}  # file => when its poller last saw a change
        for n in range(saves + 1):
            for name, extra in edits.items():
                text = originals[name] + extra.format(n=n)
                if name in polled:  # just before one of its poller's next instants
                    time.sleep(before_poll(polled[name], leads[n - 1], time.perf_counter()))
                start = time.perf_counter()
                (project / name).write_text(text, encoding="utf-8")
                detected = polled[name] = wait_for(lines, DETECTED, 120)
                reloaded = wait_for(lines, RELOADED, 120)
                settle(lines, 1.0)
                if n:
                    times[name].append((reloaded - start, reloaded - detected))
        return times
    finally:
        process.terminate()
        process.wait(timeout=30)


def lead_times(saves: int) -> list[float]:
    """How long before a poll each counted save is made: evenly spread over the polling period,
    in a seeded order, the same for every variant. 5 saves => 0.05, 0.15, …, 0.45 s, shuffled."""
    leads = [(i + 0.5) * POLLING / saves for i in range(saves)]
    random.Random(14).shuffle(leads)
    return leads


def before_poll(last: float, lead: float, now: float, margin: float = 0.05) -> float:
    """Seconds to wait from `now` to `lead` before the first poll, at `last` plus a whole number
    of periods, that is still at least `margin` away: (10.0, 0.2, 10.6) => 0.2 (poll at 11.0)."""
    polls = math.ceil((now + lead + margin - last) / POLLING)
    return last + polls * POLLING - lead - now


def settle(lines: queue.Queue, quiet: float) -> None:
    """Discard serve's log lines until none has come for `quiet` seconds."""
    while True:
        try:
            lines.get(timeout=quiet)
        except queue.Empty:
            return


def wait_for(lines: queue.Queue, text: str, timeout: float) -> float:
    """Read serve's log until a line contains `text`; return the moment it arrived."""
    deadline = time.perf_counter() + timeout
    while (left := deadline - time.perf_counter()) > 0:
        try:
            line = lines.get(timeout=left)
        except queue.Empty:
            break
        if text in line:
            return time.perf_counter()
        if "ERROR" in line or "Aborted" in line:
            rest = []  # the problem lines follow the ERROR line
            while True:
                try:
                    rest.append(lines.get(timeout=1.0).rstrip())
                except queue.Empty:
                    break
            raise SystemExit("mkdocs serve: " + "\n".join([line.rstrip(), *rest]))
    raise SystemExit(f"mkdocs serve: no '{text}' line within {timeout} s")


# --- Report --------------------------------------------------------------------------------------


def kib(n: float) -> str:
    return f"{n / 1024:.1f}"


def version(command: list[str]) -> str:
    try:
        result = subprocess.run(command, capture_output=True, text=True, check=False)
    except FileNotFoundError:
        return f"{command[0]}: not installed"
    return (result.stdout or result.stderr).strip().splitlines()[0]


def machine(load_start: tuple[float, float, float]) -> list[str]:
    """Lines naming the machine, its load, the tools and the date."""
    from importlib.metadata import version as dist_version

    import mkdocs

    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    memory = int(Path("/proc/meminfo").read_text().split()[1]) // 1024**2
    nproc = version(["nproc"])
    load = "/".join(f"{x:.2f}" for x in load_start)
    end = "/".join(f"{x:.2f}" for x in os.getloadavg())
    return [
        f"- Date: {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC",
        f"- Machine: {cpu}; nproc {nproc}; {memory} GiB RAM; {platform.platform()}",
        f"- Load average (1/5/15 min): {load} at the start, {end} at the end",
        (
            f"- Python {platform.python_version()}, MkDocs {mkdocs.__version__}, "
            f"Material for MkDocs {dist_version('mkdocs-material')}"
        ),
        f"- {version([CHROMIUM, '--version'])}; {version(['nginx', '-v'])}",
    ]


def weight_table(
    ours: dict[str, list], plain: dict[str, list], like: dict[str, list]
) -> tuple[list[str], list[float]]:
    """Markdown rows, one per page of ours, beside the same page on plain Material (on a generic
    gzip host, the target's baseline, and on our host, like for like); return the ratios too."""
    rows = [
        (
            "| page | requests | KiB on the wire | of which headers | of which search | "
            "plain Material, generic gzip host: requests | KiB | ratio | "
            "plain Material on our host: KiB | ratio |"
        ),
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    ratios = []
    generated = [p for p in ours if p.count("/") > 1]  # share pages: one summary row
    for path, requests in ours.items():
        if path in generated[1:]:
            continue
        total = sum(r["bytes"] for r in requests)
        headers = sum(r["headers"] for r in requests)
        search = sum(r["bytes"] for r in requests if resource(r["path"]).startswith("search"))
        cells = []
        for base in (plain.get(path), like.get(path)):
            if not base:
                cells.append("– | –")
                continue
            weight = sum(r["bytes"] for r in base)
            cells.append(f"{kib(weight)} | {total / weight:.2f}")
        if path in plain:
            ratios.append(total / sum(r["bytes"] for r in plain[path]))
        count = len(plain[path]) if path in plain else "–"
        name, weight = f"/{path}", kib(total)
        if path in generated:
            folder = path.split("/")[0]
            family = [
                sum(r["bytes"] for r in ours[p]) for p in generated if p.startswith(folder + "/")
            ]
            name = f"/{folder}/… ({len(family)} pages)"
            weight = f"{kib(min(family))}–{kib(max(family))}"
        rows.append(
            f"| {name} | {len(requests)} | {weight} | {kib(headers)} | {kib(search)} | "
            f"{count} | {' | '.join(cells)} |"
        )
    return rows, ratios


def breakdown_table(ours: list[dict], plain: list[dict]) -> list[str]:
    """KiB per kind of request on one page, ours beside plain Material."""
    rows = [
        "| request | ours KiB (encoding) | of which headers | plain KiB (encoding) | of which headers |",
        "|---|---:|---:|---:|---:|",
    ]
    kinds = list(dict.fromkeys(resource(r["path"]) for r in ours + plain))
    for kind in kinds:
        cells = []
        for requests in (ours, plain):
            mine = [r for r in requests if resource(r["path"]) == kind]
            if not mine:
                cells += ["–", "–"]
                continue
            encodings = ",".join(sorted({r["encoding"] for r in mine}))
            cells.append(f"{kib(sum(r['bytes'] for r in mine))} ({encodings})")
            cells.append(kib(sum(r["headers"] for r in mine)))
        rows.append(f"| {kind} | {' | '.join(cells)} |")
    totals = [kib(sum(r[k] for r in reqs)) for reqs in (ours, plain) for k in ("bytes", "headers")]
    rows.append(f"| total | {' | '.join(totals)} |")
    return rows


def lighthouse_table(scores: dict[str, dict]) -> list[str]:
    head = "| page | performance | accessibility | best practices | SEO | FCP | LCP | TBT | CLS |"
    rows = [head + " failed audits |", "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|"]
    for path, s in scores.items():
        figures = " | ".join(str(s[k]) for k in (*CATEGORIES, *METRICS))
        rows.append(f"| /{path} | {figures} | {', '.join(s['failed']) or '–'} |")
    return rows


def build_table(
    times: dict[str, tuple[float, float]],
    counts: dict[str, int],
    scale_times: dict[str, tuple[float, float]],
) -> list[str]:
    """The variants' table, then the rows and per-claim costs at scale (built in rounds of
    their own with the real site: `scale_times`)."""
    base = times["no-claims"]
    rows = [
        "| build | claims | MkDocs build() (s) | wall, with start-up (s) | ratio to no-claims |",
        "|---|---:|---:|---:|---:|",
    ]
    for name, (inner, wall) in times.items():
        rows.append(
            f"| {name} | {counts.get(name, 0)} | {inner:.3f} | {wall:.2f} | {inner / base[0]:.2f} |"
        )
    for name, (inner, wall) in scale_times.items():
        if name != "real":
            rows.append(
                f"| {name} | {counts[name]} | {inner:.3f} | {wall:.2f} | {inner / base[0]:.2f} |"
            )
    if "real" in scale_times:
        rows.append(
            f"\n(at scale, in rounds of their own; the real site there: {scale_times['real'][0]:.3f} s)"
        )
    scaled = sorted((counts[n], t[0]) for n, t in scale_times.items())
    for (c1, t1), (c2, t2) in itertools.pairwise(scaled):
        rows.append(f"\n{c1} → {c2} claims: {1000 * (t2 - t1) / (c2 - c1):.1f} ms per added claim")
    return rows


def preview_table(times: dict[str, dict[str, list[tuple[float, float]]]]) -> list[str]:
    head = "| variant | file saved | saves: seconds to 'Reloading browsers' | median"
    rows = [head + " | of which rebuilding (from 'Detected file changes') | median |"]
    rows.append("|---|---|---|---:|---|---:|")
    for variant, per_file in times.items():
        for name, values in per_file.items():
            total, rebuild = [v[0] for v in values], [v[1] for v in values]
            rows.append(
                f"| {variant} | {name} | {', '.join(f'{v:.2f}' for v in total)}"
                f" | {statistics.median(total):.2f} | {', '.join(f'{v:.2f}' for v in rebuild)}"
                f" | {statistics.median(rebuild):.2f} |"
            )
    return rows


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="2 pages, 3 runs, 10x only, 3 saves")
    parser.add_argument("--runs", type=int, default=5, help="builds per timing (median)")
    parser.add_argument("--scales", type=int, nargs="*", default=[10, 100])
    parser.add_argument("--saves", type=int, default=5, help="saves per file under mkdocs serve")
    parser.add_argument(
        "--only",
        default="weight,index,lighthouse,build,preview",
        help="comma-separated sections to run (default: all)",
    )
    parser.add_argument("--no-lighthouse", action="store_true")
    parser.add_argument(
        "--without-palette",
        action="store_true",
        help="Lighthouse also on our site built without the light/dark toggle (theme.palette)",
    )
    parser.add_argument(
        "--no-optimize", action="store_true", help="serve the build as is (no explainer/optimize)"
    )
    parser.add_argument(
        "--site-conf", type=Path, default=nginx_local.SITE_CONF, help="server config for ours"
    )
    args = parser.parse_args()
    if args.quick:
        args.runs, args.scales, args.saves = min(args.runs, 3), [10], min(args.saves, 3)
    args.only = set(args.only.split(","))
    if args.no_lighthouse:
        args.only.discard("lighthouse")
    return args


def build_as_served(project: Path, args) -> Path:
    """Build a variant of ours into its site/, optimised as deployed unless --no-optimize."""
    build(project, project / "site")
    if not args.no_optimize:
        optimize_site(project / "site")
    return project / "site"


def main() -> None:
    args = parse_args()
    load_start = os.getloadavg()

    def out(lines: list[str]) -> None:  # each section as soon as it is measured
        print(*lines, sep="\n", flush=True)

    with tempfile.TemporaryDirectory(prefix="hdh-bench-") as tmp:
        work = Path(tmp)
        real = make_variant(work, "real")
        site = build_as_served(real, args)
        paths = list(TOP) if args.quick else page_paths(site)
        if args.only & {"weight", "lighthouse"}:
            plain = make_variant(work, "plain", "plain")
            build(plain, plain / "site")
            generic = work / "generic-host.conf"
            generic.write_text(GENERIC_HOST, encoding="utf-8")
        if "weight" in args.only:
            out(weight_section(args, work, site, plain / "site", paths))
        if "index" in args.only:
            out(["\n## What the search index holds\n", *index_table(site)])
        if "lighthouse" in args.only:
            heads = [p for p in paths if p.count("/") <= 1][: 2 if args.quick else None]
            shared = [p for p in paths if p.startswith("claims/")][:1]
            twins = [p for p in heads if has_page(plain / "site", p)]
            sites = {
                "ours": (site, args.site_conf, heads + shared),
                "plain": (plain / "site", generic, twins),
            }
            if args.without_palette:
                unlit = make_variant(work, "no-palette")
                edit_config(unlit, without_palette)
                sites["no-palette"] = (build_as_served(unlit, args), args.site_conf, heads)
            runs = lighthouse_sites(sites, work)
            out(["\n## Lighthouse 12.2.3, mobile\n", *lighthouse_table(runs["ours"])])
            out(["\n### Plain Material, the same pages, generic gzip host, run in turn\n"])
            out(lighthouse_table(runs["plain"]))
            if args.without_palette:
                head = (
                    "\n### Ours without the light/dark toggle (no `theme.palette`), run in turn\n"
                )
                out([head, *lighthouse_table(runs["no-palette"])])
        if "build" in args.only:
            out(build_section(args, work, real))
        if "preview" in args.only:
            out(preview_section(args, work))
    out(["\n## Machine\n", *machine(load_start)])


def weight_section(args, work: Path, site: Path, plain: Path, paths: list[str]) -> list[str]:
    """First load of every page, ours beside plain Material on a generic gzip host (the target's
    baseline) and, like for like, precompressed the same way and served by deploy/nginx.conf."""
    from playwright.sync_api import sync_playwright

    generic = work / "generic-host.conf"
    like = Path(shutil.copytree(plain, work / "plain-precompressed"))
    precompress(like)
    ours_for_plain = work / "our-host-for-plain.conf"
    ours_for_plain.write_text(with_policy_of(like, args.site_conf), encoding="utf-8")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        ours = weigh(browser, site, args.site_conf, paths, work)
        plain_paths = [p for p in paths if has_page(plain, p)]
        base = weigh(browser, plain, generic, plain_paths, work)
        same = weigh(browser, like, ours_for_plain, plain_paths, work)
        browser.close()
    rows, ratios = weight_table(ours, base, same)
    example = "competition/" if "competition/" in ours else paths[0]
    return [
        (
            f"\n## First load per page\n\nRatio range over pages with a plain twin: "
            f"{min(ratios):.2f}–{max(ratios):.2f}\n"
        ),
        *rows,
        f"\n### Where the bytes go: /{example}\n",
        *breakdown_table(ours[example], base[example]),
    ]


def with_policy_of(site: Path, conf: Path) -> str:
    """The server config with a CSP header that fits `site`'s pages (older configs: one line)."""
    text, policy = conf.read_text(encoding="utf-8"), sync_csp.policy_of(site)
    if sync_csp.HEADER_RE.search(text):
        return sync_csp.sync(text, policy)
    line = re.compile(r'(add_header Content-Security-Policy ")[^"]*(")')
    return line.sub(lambda m: m.group(1) + policy + m.group(2), text)


def build_section(args, work: Path, real: Path) -> list[str]:
    """Build time of the claims layer against the same pages without it, and at scale."""
    variants = {"real": real, "no-claims": make_variant(work, "no-claims", "no-claims")}
    output = make_variant(work, "no-claims-output", "no-claims")
    added = hold_static_output(output, real / "site")
    floor = f"no-claims, handed the real site's page content and {added} static files (floor)"
    variants[floor] = output
    leave_out_share_pages(without := make_variant(work, "real-without-share-pages"))
    variants["real, share pages and cards left out (as under mkdocs serve)"] = without
    times = median_builds(variants, args.runs)
    # At scale apart, with the real site again: the per-claim cost comes from these three.
    scaled = {f"real, {n}x claims": make_variant(work, f"x{n}", scale=n) for n in args.scales}
    scale_times = median_builds({"real": real, **scaled}, args.runs) if scaled else {}
    variants |= scaled
    counts = {n: claim_count(p) for n, p in variants.items() if not n.startswith("no-claims")}
    ratio = times["real"][0] / times["no-claims"][0]
    load = load_cost(real, args.runs)
    least = (times[floor][0] + load) / times["no-claims"][0]
    return [
        f"\n## Build time (median of {args.runs})\n\nclaims layer: {ratio:.2f}x\n",
        *build_table(times, counts, scale_times),
        (
            f"\nReading and checking the data alone (`load_project`, warm, median of {args.runs}):"
            f" {load:.3f} s. The floor plus that: {least:.2f}x the no-claims build."
        ),
        "\n" + optimize_cost(real / "site", work),
    ]


def load_cost(project: Path, runs: int) -> float:
    """Seconds `project.load_project` takes on a project (the data read, validated and every
    quote checked, as every build starts), in this process after one warm-up: a low estimate."""
    from explainer.check import settings_from_file
    from explainer.project import load_project

    settings = settings_from_file(project / "mkdocs.yml")
    load_project(settings)
    seconds = []
    for _ in range(runs):
        start = time.perf_counter()
        load_project(settings)
        seconds.append(time.perf_counter() - start)
    return statistics.median(seconds)


def optimize_cost(site: Path, work: Path) -> str:
    """Seconds explainer/optimize.py takes on a freshly built site: cold, then with its cache."""
    if not (site / "assets" / "explainer.css").is_file():
        return "explainer/optimize.py: already run by the build (its cost is in the figures)"
    seconds = []
    for n in range(3):  # no cache; filling the cache; reading the cache
        copy = Path(shutil.copytree(site, work / f"optimize-{n}"))
        start = time.perf_counter()
        optimize_site(copy, cache=work / "optimize-cache" if n else None)
        seconds.append(time.perf_counter() - start)
    return (
        f"explainer/optimize.py on the real site (not part of the build times above): "
        f"{seconds[0]:.2f} s without a cache, {seconds[2]:.2f} s with a warm cache"
    )


def preview_section(args, work: Path) -> list[str]:
    """Live reload after saving the claims file against a page edit without the claims layer."""
    page_edit = {"docs/competition.md": "\nEdited for the benchmark ({n}).\n"}
    claims_edit = {"data/claims.yml": "# edited for the benchmark ({n})\n"}
    real = make_variant(work, "serve-real")
    plain = make_variant(work, "serve-no-claims", "no-claims")
    times = {
        "real": reload_times(real, claims_edit | page_edit, args.saves),
        "no-claims": reload_times(plain, page_edit, args.saves),
    }
    claims = [statistics.median(v[i] for v in times["real"]["data/claims.yml"]) for i in (0, 1)]
    page = [
        statistics.median(v[i] for v in times["no-claims"]["docs/competition.md"]) for i in (0, 1)
    ]
    return [
        (
            f"\n## Live preview (`mkdocs serve`, {args.saves} saves each)\n\n"
            f"saving data/claims.yml: {claims[0]:.2f} s; a page edit without the claims layer: "
            f"{page[0]:.2f} s; ratio {claims[0] / page[0]:.2f}x\n\n"
            f"rebuilding alone: {claims[1]:.2f} s against {page[1]:.2f} s;"
            f" ratio {claims[1] / page[1]:.2f}x\n"
        ),
        *preview_table(times),
    ]


if __name__ == "__main__":
    main()
