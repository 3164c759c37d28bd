"""Deploy paths from the README, run for real: gh-deploy into a local bare repository, the nginx
preview command, and the GitHub Pages workflow's shape (it cannot run here: no network)."""

from __future__ import annotations

import http.client
import os
import re
import select
import signal
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from mkdocs.config import load_config

from tests.conftest import ROOT, load_nginx_local

GH_DEPLOY = ".venv/bin/python -m mkdocs gh-deploy --force"
NGINX_PREVIEW = ".venv/bin/python deploy/nginx_local.py site --port 8080"
SYNC_CHECK = ".venv/bin/python deploy/sync_csp.py site deploy/nginx.conf --check"
WORKFLOW = ROOT / ".github" / "workflows" / "pages.yml"


def git(*args: str, cwd: Path) -> str:
    env = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
    result = subprocess.run(
        ["git", *args], check=False, cwd=cwd, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, f"git {' '.join(args)}: {result.stderr}"
    return result.stdout


def test_gh_deploy_pushes_the_built_site_to_gh_pages(project: Path, tmp_path: Path):
    bare = tmp_path / "pages.git"
    git("init", "--bare", "--quiet", str(bare), cwd=tmp_path)
    git("init", "--quiet", "--initial-branch=main", cwd=project)
    git("config", "user.name", "Test Deployer", cwd=project)
    git("config", "user.email", "deployer@example.org", cwd=project)
    git("add", ".", cwd=project)
    git("commit", "--quiet", "-m", "site source", cwd=project)
    git("remote", "add", "origin", bare.as_uri(), cwd=project)  # file://, no network
    command = GH_DEPLOY.split()
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "GIT_CONFIG_GLOBAL": os.devnull}
    result = subprocess.run(
        [sys.executable, *command[1:]],
        check=False,
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    files = set(git("ls-tree", "-r", "--name-only", "gh-pages", cwd=bare).split())
    built = {
        p.relative_to(project / "site").as_posix()
        for p in (project / "site").rglob("*")
        if p.is_file()
    }
    assert files == built | {".nojekyll"}  # .nojekyll: Pages must not drop _-prefixed files
    index = git("show", "gh-pages:index.html", cwd=bare)
    assert '<meta http-equiv="Content-Security-Policy"' in index
    source = git("rev-parse", "--short", "HEAD", cwd=project).strip()
    assert source in git("log", "-1", "--format=%s", "gh-pages", cwd=bare)


@pytest.mark.nginx
def test_nginx_preview_command_serves_the_site_until_ctrl_c(built_site: Path):
    port = load_nginx_local().free_port()
    command = NGINX_PREVIEW.split()
    process = subprocess.Popen(
        [sys.executable, str(ROOT / command[1]), str(built_site), "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        ready, _, _ = select.select([process.stdout], [], [], 30)
        assert ready, "the preview command did not report that nginx is serving"
        assert process.stdout.readline().startswith("nginx serving ")
        stylesheet = next(built_site.glob("assets/stylesheets/main.*.min.css"))
        for path, is_page in (("/", True), (f"/{stylesheet.relative_to(built_site)}", False)):
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", path, headers={"Accept-Encoding": "gzip, deflate, br, zstd"})
            response = conn.getresponse()
            assert response.status == 200, path
            assert response.getheader("Content-Encoding") == "br", path
            # the policy goes with pages only (deploy/nginx.conf)
            assert ("Content-Security-Policy" in dict(response.getheaders())) == is_page, path
            conn.close()
    finally:
        process.send_signal(signal.SIGINT)  # what Ctrl-C sends; nginx must go with it
        process.wait(timeout=15)
    with pytest.raises(OSError):
        http.client.HTTPConnection("127.0.0.1", port, timeout=2).request("GET", "/")


def test_pages_workflow_builds_with_the_readme_command_and_deploys_site():
    workflow = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    triggers = workflow[True]  # YAML 1.1 reads the key `on` as True
    assert triggers["push"]["branches"] == ["main"] and "workflow_dispatch" in triggers
    build, deploy = workflow["jobs"]["build"], workflow["jobs"]["deploy"]
    runs = [step["run"] for step in build["steps"] if "run" in step]
    assert runs == ["scripts/serve build"]
    assert os.access(ROOT / "scripts" / "serve", os.X_OK)
    assert "mkdocs build --strict" in (ROOT / "scripts" / "serve").read_text()
    upload = next(s for s in build["steps"] if "upload-pages-artifact" in s.get("uses", ""))
    site_dir = Path(load_config(str(ROOT / "mkdocs.yml")).site_dir)
    assert upload["with"]["path"] == site_dir.relative_to(ROOT).as_posix()
    assert deploy["needs"] == "build"
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert workflow["permissions"] == {"contents": "read"}
    uses = [s["uses"] for job in (build, deploy) for s in job["steps"] if "uses" in s]
    assert uses and all(re.fullmatch(r"actions/[a-z-]+@v\d+", u) for u in uses), uses
