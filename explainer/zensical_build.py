"""Zensical adapter: the full site through Zensical, which runs Markdown extensions but no hooks.

    python -m explainer.zensical_build [mkdocs.yml]      (scripts/zensical-build runs this)

What the MkDocs hooks do during a build, this does around `zensical build`, from the same
engine-neutral pipeline: load and validate the data once (a problem stops here, before anything
is written); stage a copy of the pages plus the generated share pages in build/zensical/; build
that into build/zensical/site; add claims.json, the alias redirect pages, the preview tags, the
search entries and the CSP; and only then replace site/. A failed build leaves site/ as it was.
"""

from __future__ import annotations

import os
import pickle
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

from . import optimize, pipeline
from .check import load_config, settings_from_file
from .headtags import Site
from .model import EXTENSION
from .problems import ClaimsError
from .project import load_project

STAGE = Path("build") / "zensical"
STAGED_CONFIG = ".zensical-staged.yml"  # Zensical only builds a config file in the root folder


def stage(root: Path, config: dict, project, generated: dict[str, str]) -> Path:
    """Copy the pages, add the generated ones, pickle the project for the extension, and write
    the staged config (in the project folder: Zensical wants its config at the root); return it.
    """
    stage_dir = root / STAGE
    shutil.rmtree(stage_dir, ignore_errors=True)
    stage_dir.mkdir(parents=True)
    (stage_dir / "project.pickle").write_bytes(pickle.dumps(project))
    docs = stage_dir / "docs"
    shutil.copytree(root / config.get("docs_dir", "docs"), docs)
    for rel, content in generated.items():
        if rel.endswith(".md"):
            (docs / rel).parent.mkdir(parents=True, exist_ok=True)
            (docs / rel).write_text(content, encoding="utf-8")
    extensions = [_with_project(e) for e in config.get("markdown_extensions") or []]
    css, js = config.get("extra_css") or [], config.get("extra_javascript") or []
    more_css, more_js = pipeline.missing_assets(css, js)
    css, js = [*css, *more_css], [*js, *more_js]
    staged = {**config, "docs_dir": (STAGE / "docs").as_posix(),
              "site_dir": (STAGE / "site").as_posix(), "markdown_extensions": extensions,
              "extra_css": css, "extra_javascript": js}  # fmt: skip
    path = root / STAGED_CONFIG
    path.write_text(yaml.safe_dump(staged, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def _with_project(entry):
    """The extension's entry in mkdocs.yml, told where the pickled project is."""
    if isinstance(entry, dict) and EXTENSION in entry:
        return {
            EXTENSION: {
                **(entry[EXTENSION] or {}),
                "project_file": (STAGE / "project.pickle").as_posix(),
            }
        }
    return entry


def finish(root: Path, out: Path, project, site: Site, generated: dict[str, str]) -> list[str]:
    """Write the generated non-page files into the built site, then finish every page."""
    for rel, content in generated.items():
        if not rel.endswith(".md"):
            (out / rel).parent.mkdir(parents=True, exist_ok=True)
            (out / rel).write_text(content, encoding="utf-8")
    return pipeline.site_files(out, project, site, root / pipeline.CARD_CACHE)


def replace_site(out: Path, site_dir: Path) -> None:
    """Put the new build in place of site/ (the old one is removed only once the new is whole)."""
    old = site_dir.with_name(site_dir.name + ".old")
    shutil.rmtree(old, ignore_errors=True)
    if site_dir.exists():
        site_dir.rename(old)
    out.rename(site_dir)
    shutil.rmtree(old, ignore_errors=True)


def build(config_file: Path, zensical: str) -> int:
    """Build the site with Zensical; return the exit status (problems are printed to stderr)."""
    root, config = config_file.resolve().parent, load_config(config_file)
    try:
        project = load_project(settings_from_file(config_file))
    except ClaimsError as err:
        print(f"Error: {err}", file=sys.stderr)
        return 1
    site = Site(config["site_name"], config["site_url"].rstrip("/") + "/",
                config.get("site_description") or "")  # fmt: skip
    generated = pipeline.generated_files(project, site)
    staged = stage(root, config, project, generated)
    command = [zensical, "build", "--clean", "-f", staged.name]
    try:
        if subprocess.run(command, cwd=root, check=False).returncode:
            return 1
    finally:
        staged.unlink()
    out = root / STAGE / "site"
    if problems := finish(root, out, project, site, generated):
        print("\n".join(["Error: the CSP would block inline code:", *problems]), file=sys.stderr)
        return 1
    # As scripts/serve build does after MkDocs: the site as deployed (docs-dev/deploy.md).
    optimize.optimize_site(out, cache=root / pipeline.COMPRESSED_CACHE)
    replace_site(out, root / config.get("site_dir", "site"))
    return 0


def main(argv: list[str]) -> int:
    config_file = Path(argv[0] if argv else "mkdocs.yml")
    zensical = str(Path(sys.executable).with_name("zensical"))
    return build(config_file, os.environ.get("ZENSICAL", zensical))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
