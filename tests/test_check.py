"""The check command, `python -m explainer.check`: what editors and pre-commit run, not a build.

It must accept the real project quickly (CPU time, not wall time, so a busy machine cannot make
it flaky), exit 1 with every problem on a broken one, never print a traceback, and be what the
pre-commit hook runs.
"""

from __future__ import annotations

import re
import resource
import shlex
import subprocess
import sys
from pathlib import Path

import yaml

from .fixtures.harness import entry_span
from .helpers import ROOT, problem_lines, run_check

# Three mistakes in one claim (a status typo, an impossible date, a quote whose capital letter
# was lowered): the README's example of a refused edit.
EDITS = (
    ("    status: alleged\n", "    status: alledged\n"),
    ('    when: "2021-03"\n', '    when: "2021-02-30"\n'),
    ("seized the National Financial", "seized the national Financial"),
)


def cpu_seconds(run) -> tuple[subprocess.CompletedProcess, float]:
    """Run a subprocess; return its result and the CPU seconds it used."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    result = run()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return result, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def test_the_real_project_is_valid_within_a_second_of_cpu():
    result, cpu = cpu_seconds(lambda: run_check(ROOT))
    assert (result.returncode, result.stderr) == (0, "")
    summary, coverage = result.stdout.splitlines()[:2]
    assert re.fullmatch(r"\d+ claims on \d+ pages, \d+ sources: valid", summary)
    assert re.fullmatch(
        r"article coverage: \d+/\d+ substantive sentences quoted by a claim", coverage
    )
    assert cpu < 1.0, f"the check used {cpu:.2f} s of CPU"


def test_a_minimum_coverage_above_the_real_one_fails():
    covered, total = map(int, re.search(r"coverage: (\d+)/(\d+)", run_check(ROOT).stdout).groups())
    percent = 100 * covered / total
    assert run_check(ROOT, "--min-coverage", f"{percent:.0f}").returncode == 0
    result = run_check(ROOT, "--min-coverage", "101")
    assert result.returncode == 1
    assert result.stderr == f"coverage {percent:.0f}% is below the minimum 101%\n"


def break_one_claim(project: Path) -> None:
    claims = project / "data/claims.yml"
    text = claims.read_text(encoding="utf-8")
    start, end = entry_span(text, "anticor-referral-pnf")
    entry = text[start:end]
    for old, new in EDITS:
        assert old in entry
        entry = entry.replace(old, new, 1)
    claims.write_text(text[:start] + entry + text[end:], encoding="utf-8")


EXPECTED = """\
3 problems in the explainer's data:
data/claims.yml:N: claim 'anticor-referral-pnf': unknown status 'alledged' (did you mean 'alleged'?); expected one of reported, alleged, statement, confirmed, disputed
data/claims.yml:N: claim 'anticor-referral-pnf': '2021-02-30' is not a real date
data/claims.yml:N: claim 'anticor-referral-pnf': quote not found verbatim in the article: 'At the end of March, the French Anticor association seized the national Financi…'; it matches only if capitals are ignored
"""


def test_every_problem_at_once_after_a_one_line_header(project):
    break_one_claim(project)
    result = run_check(project)
    assert result.returncode == 1 and result.stdout == ""
    assert len(problem_lines(result.stderr)) == 3
    # Line numbers move as claims are added above; the messages must not.
    assert re.sub(r"(?m)^(\S+?):\d+:", r"\1:N:", result.stderr) == EXPECTED


def test_the_config_path_may_be_given_from_elsewhere(tmp_path):
    result = run_check(tmp_path, str(ROOT / "mkdocs.yml"))
    assert result.returncode == 0, result.stderr


def test_a_missing_or_broken_mkdocs_yml_is_one_line_not_a_traceback(tmp_path):
    missing = run_check(tmp_path)
    (tmp_path / "mkdocs.yml").write_text("site_name: x\nnav:\n  - a: b\n - c\n", encoding="utf-8")
    broken = run_check(tmp_path)
    assert (missing.returncode, missing.stderr.count("\n")) == (1, 1)
    assert "mkdocs.yml: No such file or directory" in missing.stderr
    assert broken.returncode == 1
    assert problem_lines(broken.stderr)[0].startswith("mkdocs.yml:4: mkdocs.yml: invalid YAML: ")
    assert "Traceback" not in missing.stderr + broken.stderr


def test_a_closed_pipe_is_no_traceback():
    process = subprocess.Popen(
        [sys.executable, "-m", "explainer.check"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    process.stdout.close()  # like `… | head -0`: the reader is gone before the first line
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 1
    assert b"Traceback" not in stderr


def test_the_pre_commit_hook_runs_the_check_on_data_changes():
    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    [hook] = [h for repo in config["repos"] if repo["repo"] == "local" for h in repo["hooks"]]
    assert (hook["id"], hook["language"]) == ("explainer-check", "system")
    assert hook["pass_filenames"] is False
    for path in (
        "data/claims.yml",
        "data/sources.yml",
        "docs/index.md",
        "mkdocs.yml",
        "seeds/000_2cbf70e41ac90a36.txt",
    ):
        assert re.search(hook["files"], path), path
    assert not re.search(hook["files"], "README.md")
    result = subprocess.run(
        shlex.split(hook["entry"]),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0].endswith("sources: valid")
