"""Measure the site: first-load weight of every page, Lighthouse scores, cost of the claims layer.

    .venv/bin/python scripts/benchmark.py                  # everything (about 10 minutes)
    .venv/bin/python scripts/benchmark.py --no-lighthouse --scales 10

Builds variants of the project in a temporary folder: the real site; the same pages without the
claims layer (markers stripped, extension and claim hooks removed); the same pages on plain
Material defaults (fonts off: there is no network here); and the real site with 10x and 100x
synthetic claims. Pages are served by nginx with deploy/nginx.conf (gzip as deployed) and loaded
in Debian's Chromium with a cold cache. Prints Markdown for BENCHMARKS.md. Not a test: the
figures depend on the machine. Lighthouse comes from benchmarks/ (`npm ci` there).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from deploy import nginx_local
from explainer.markers import COMMENT

CHROMIUM = "/usr/bin/chromium"
CHROME_FLAGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
LIGHTHOUSE = ROOT / "benchmarks" / "node_modules" / ".bin" / "lighthouse"
SKIP = shutil.ignore_patterns(
    ".git",
    ".venv*",
    "node_modules",
    "site",
    "benchmarks",
    "__pycache__",
    ".pytest_cache",
    ".ruff_cache",
    "*.egg-info",
)
CLAIM_HOOKS = ("explainer/mkdocs_hook.py", "explainer/hook_share.py", "explainer/hook_search.py")
CLAIM_VERBS = {"factbox", "claim", "ref", "timeline", "article"}
BUILT = re.compile(r"Documentation built in ([\d.]+) seconds")


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


def without_claims(config: dict) -> None:
    """Drop the claims extension and the claim hooks; keep everything else (CSP hook included)."""
    config["markdown_extensions"] = [
        e
        for e in config["markdown_extensions"]
        if not (isinstance(e, dict) and "explainer.mdext" in e)
    ]
    config["hooks"] = [h for h in config.get("hooks", []) if h not in CLAIM_HOOKS]


def without_share_pages(config: dict) -> None:
    """Keep the claims layer but not its per-claim share pages (explainer/hook_share.py)."""
    config["hooks"] = [h for h in config.get("hooks", []) if h != "explainer/hook_share.py"]


def plain_material(config: dict) -> None:
    """Material's defaults: same pages and nav, no overrides, CSS, JS, extensions or hooks."""
    keep = ("site_name", "site_url", "docs_dir", "nav")
    plain = {k: config[k] for k in keep if k in config}
    extensions = [
        e
        for e in config["markdown_extensions"]
        if not (isinstance(e, dict) and "explainer.mdext" in e)
    ]
    plain.update(
        theme={"name": "material", "font": False},
        plugins=["search"],
        markdown_extensions=extensions,
    )
    config.clear()
    config.update(plain)


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


def make_variant(work: Path, name: str, scale: int = 1) -> Path:
    """Create one variant of the project under work/name; return its folder."""
    project = copy_project(work / name)
    if name in ("no-claims", "plain"):
        strip_markers(project)
        edit_config(project, without_claims if name == "no-claims" else plain_material)
    if name == "no-share-pages":
        edit_config(project, without_share_pages)
    if scale > 1:
        scale_claims(project, scale)
    return project


# --- Build time ----------------------------------------------------------------------------------


def build(project: Path, site: Path) -> tuple[float, float]:
    """Build once in a fresh process; return (MkDocs' own build time, wall time) in seconds."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONDONTWRITEBYTECODE": "1"}
    start = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    wall = time.perf_counter() - start
    found = BUILT.search(result.stderr)
    if result.returncode or not found:
        raise SystemExit(f"build of {project.name} failed:\n{result.stderr[-3000:]}")
    return float(found.group(1)), wall


def median_builds(projects: dict[str, Path], runs: int) -> dict[str, tuple[float, float]]:
    """Median MkDocs and wall times over `runs` rounds, building the variants in turn so that
    load from other processes falls on all of them alike; each last build stays in its site/."""
    times: dict[str, list[tuple[float, float]]] = {name: [] for name in projects}
    for _ in range(runs):
        for name, project in projects.items():
            times[name].append(build(project, project / "site"))
    return {
        name: (statistics.median(t[0] for t in ts), statistics.median(t[1] for t in ts))
        for name, ts in times.items()
    }


# --- First-load weight ---------------------------------------------------------------------------


def page_paths(site: Path) -> list[str]:
    """Every HTML file of a built site as the path a browser asks for."""
    paths = (p.relative_to(site).as_posix() for p in sorted(site.rglob("*.html")))
    return [p.removesuffix("index.html") for p in paths]


def first_load(browser, url: str) -> dict:
    """Load a page with a cold cache until the network is idle; sum what came over the wire."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    done = []
    page.on("requestfinished", lambda request: done.append(request))
    page.goto(url, wait_until="networkidle")
    sizes = {r.url: r.sizes() for r in done}
    context.close()
    wire = {u: s["responseBodySize"] + s["responseHeadersSize"] for u, s in sizes.items()}
    search = sum(v for u, v in wire.items() if "/search/" in u or "/workers/" in u or "/lunr/" in u)
    return {"requests": len(wire), "bytes": sum(wire.values()), "search": search}


def weigh_site(browser, site: Path, work: Path) -> dict[str, dict]:
    """First-load figures of every page of a built site, served by nginx."""
    process, base = nginx_local.start(site, Path(tempfile.mkdtemp(dir=work)))
    try:
        return {path: first_load(browser, base + path) for path in page_paths(site)}
    finally:
        nginx_local.stop(process)


# --- Lighthouse ----------------------------------------------------------------------------------

CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
METRICS = (
    "first-contentful-paint",
    "largest-contentful-paint",
    "total-blocking-time",
    "cumulative-layout-shift",
)


def lighthouse(url: str, out: Path) -> dict[str, int]:
    """Lighthouse 12 (mobile, simulated throttling, its defaults): the four category scores."""
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
        and report["audits"][a["id"]]["scoreDisplayMode"] == "binary"
    ]
    metrics = {m: report["audits"][m]["displayValue"].replace("\xa0", " ") for m in METRICS}
    return {**scores, **metrics, "failed": failed}


def lighthouse_site(site: Path, paths: list[str], work: Path) -> dict[str, dict]:
    """Lighthouse on the given pages of a built site served by nginx."""
    process, base = nginx_local.start(site, Path(tempfile.mkdtemp(dir=work)))
    try:
        return {p: lighthouse(base + p, work / "lighthouse.json") for p in paths}
    finally:
        nginx_local.stop(process)


# --- Report --------------------------------------------------------------------------------------


def family_heads(paths: list[str]) -> list[str]:
    """Every top-level page and the first page of each folder of generated pages."""
    heads: dict[str, str] = {}
    for path in paths:
        heads.setdefault(path if path.count("/") <= 1 else path.split("/")[0], path)
    return list(heads.values())


def version(command: list[str]) -> str:
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    return (result.stdout or result.stderr).strip().splitlines()[0]


def material_version() -> str:
    from importlib.metadata import version as dist_version

    return f"Material for MkDocs {dist_version('mkdocs-material')}"


def machine() -> list[str]:
    """Lines naming the machine, the tools and the date."""
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    memory = int(Path("/proc/meminfo").read_text().split()[1]) // 1024**2
    import mkdocs

    return [
        f"- Date: {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC",
        f"- Machine: {cpu}, {os.cpu_count()} CPUs, {memory} GiB RAM; {platform.platform()}",
        f"- Python {platform.python_version()}, MkDocs {mkdocs.__version__}, {material_version()}",
        f"- {version([CHROMIUM, '--version'])}; {version(['nginx', '-v'])}",
    ]


def kib(n: float) -> str:
    return f"{n / 1024:.1f}"


def weight_table(real: dict[str, dict], plain: dict[str, dict]) -> list[str]:
    """Markdown rows: one per top-level page, one summary per folder of generated pages."""
    rows = [
        "| page | requests | KiB on the wire (gzip) | of which search | plain Material | ratio |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for head in family_heads(list(real)):
        family = [
            p
            for p in real
            if p == head or (head.count("/") > 1 and p.startswith(head.split("/")[0] + "/"))
        ]
        figures = [real[p]["bytes"] for p in family]
        name = f"/{head}" if len(family) == 1 else f"/{head.split('/')[0]}/… ({len(family)} pages)"
        size = kib(figures[0]) if len(family) == 1 else (f"{kib(min(figures))}–{kib(max(figures))}")
        base = plain.get(head)
        ratio = f"{real[head]['bytes'] / base['bytes']:.2f}" if base else "–"
        rows.append(
            f"| {name} | {real[head]['requests']} | {size} | {kib(real[head]['search'])} "
            f"| {kib(base['bytes']) if base else '–'} | {ratio} |"
        )
    return rows


def lighthouse_table(scores: dict[str, dict]) -> list[str]:
    head = "| page | performance | accessibility | best practices | SEO | FCP | LCP | TBT | CLS |"
    rows = [head + " failed audits |", "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|"]
    for path, s in scores.items():
        figures = " | ".join(str(s[k]) for k in (*CATEGORIES, *METRICS))
        rows.append(f"| /{path} | {figures} | {', '.join(s['failed']) or '–'} |")
    return rows


def claim_count(project: Path) -> int:
    return len(yaml.safe_load((project / "data" / "claims.yml").read_text())["claims"])


def build_tables(times: dict[str, tuple[float, float]], counts: dict[str, int]) -> list[str]:
    base = times["real"]
    rows = [
        "| build | claims | MkDocs build (s) | wall, with start-up (s) | ratio to the real site |",
        "|---|---:|---:|---:|---:|",
    ]
    for name, (inner, wall) in times.items():
        rows.append(
            f"| {name} | {counts.get(name, 0)} | {inner:.2f} | {wall:.2f} | {inner / base[0]:.2f} |"
        )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="builds per timing (median)")
    parser.add_argument("--scales", type=int, nargs="*", default=[10, 100])
    parser.add_argument("--no-lighthouse", action="store_true")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="hdh-bench-") as tmp:
        work = Path(tmp)
        variants = {
            "real": make_variant(work, "real"),
            "no-claims": make_variant(work, "no-claims"),
            "real without share pages": make_variant(work, "no-share-pages"),
            "plain": make_variant(work, "plain"),
        }
        variants |= {f"real, {n}x claims": make_variant(work, f"x{n}", n) for n in args.scales}
        timed = {name: p for name, p in variants.items() if name != "plain"}
        times = median_builds(timed, args.runs)
        build(variants["plain"], variants["plain"] / "site")
        counts = {name: claim_count(p) for name, p in variants.items() if name != "no-claims"}
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROME_FLAGS[1:])
            real = weigh_site(browser, variants["real"] / "site", work)
            plain = weigh_site(browser, variants["plain"] / "site", work)
            browser.close()
        print("## Machine\n", *machine(), sep="\n")
        print("\n## First load per page\n", *weight_table(real, plain), sep="\n")
        if not args.no_lighthouse:
            scores = lighthouse_site(variants["real"] / "site", family_heads(list(real)), work)
            print("\n## Lighthouse 12.2.3, mobile\n", *lighthouse_table(scores), sep="\n")
        print("\n## Build time\n", *build_tables(times, counts), sep="\n")


if __name__ == "__main__":
    main()
