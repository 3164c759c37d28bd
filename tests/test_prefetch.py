"""Work done in a second process while the engine works (explainer/prefetch.py): results are
the child's when it sends them, and the parent's own, with the parent's errors, whenever the
child fails, dies or sends what cannot be read; the child is always reaped; the built site is
the same with or without it."""

from __future__ import annotations

import dataclasses
import logging
import os
import threading
import time

import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.exceptions import Abort

from explainer import ahead, prefetch
from explainer.factbox import render_ref

from .helpers import ROOT, copy_project, load_real_project, reaped, run_build, snapshot

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork on this system")
SECOND_CPU = len(os.sched_getaffinity(0)) > 1


def test_the_child_runs_every_step_each_given_the_results_before_it():
    parent = os.getpid()
    steps = prefetch.Steps(
        [
            lambda: (os.getpid(), 20),
            lambda first: (os.getpid(), first[1] + 1),
            lambda first, second: first[1] + second[1],
        ],
        True,
    )
    pid = steps.pid
    assert steps.get(1) == (pid, 21) and steps.get(0) == (pid, 20) and steps.get(2) == 41
    assert pid != parent and steps.sent == {0, 1, 2}
    steps.close()
    assert reaped(pid)


def test_without_fork_each_step_runs_here_when_asked_for():
    ran = []
    steps = prefetch.Steps(
        [lambda: ran.append(0) or 1, lambda prev: ran.append(1) or prev + 1], False
    )
    assert ran == [] and steps.get(0) == 1 and ran == [0]
    assert steps.get(1) == 2 and ran == [0, 1] and not steps.forked and steps.sent == set()


def test_a_step_failing_in_the_child_runs_again_here_and_raises_here():
    def fails():
        raise ValueError(f"raised in {os.getpid()}")

    steps = prefetch.Steps([fails, lambda prev: prev], True)
    pid = steps.pid
    with pytest.raises(ValueError, match=f"raised in {os.getpid()}$"):
        steps.get(0)
    assert steps.sent == set() and reaped(pid)


def test_a_child_that_dies_leaves_the_rest_to_the_parent():
    parent = os.getpid()

    def dies(prev):
        if os.getpid() != parent:
            os._exit(3)
        return "second, here"

    steps = prefetch.Steps([os.getpid, dies, lambda first, second: (second, os.getpid())], True)
    pid = steps.pid
    assert steps.get(2) == ("second, here", parent)
    assert steps.get(0) == pid and steps.sent == {0} and reaped(pid)


class _Unreadable:
    """Pickles fine in the child; cannot be unpickled in the parent."""

    def __reduce__(self):
        return (_refuse, ())


def _refuse():
    raise RuntimeError("cannot be read here")


def test_a_result_that_cannot_be_read_is_computed_here():
    made_here = []

    def make():
        if os.getpid() == parent:
            made_here.append(True)
            return "made here"
        return _Unreadable()

    parent = os.getpid()
    steps = prefetch.Steps([make], True)
    pid = steps.pid
    assert steps.get(0) == "made here" and made_here == [True] and reaped(pid)


def test_closing_early_stops_a_child_still_at_work():
    steps = prefetch.Steps([lambda: time.sleep(30)], True)
    pid, start = steps.pid, time.monotonic()
    steps.close()
    assert reaped(pid) and time.monotonic() - start < 5
    steps.close()  # again: nothing left to do


def test_no_fork_while_another_thread_runs_on_one_cpu_or_when_turned_off(monkeypatch):
    monkeypatch.setattr(threading, "active_count", lambda: 1)
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1})
    assert prefetch.can_fork()
    monkeypatch.setattr(threading, "active_count", lambda: 2)
    assert not prefetch.can_fork()
    monkeypatch.setattr(threading, "active_count", lambda: 1)
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0})
    assert not prefetch.can_fork()
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1})
    monkeypatch.setenv("EXPLAINER_FORK", "0")
    assert not prefetch.can_fork()


def test_render_all_renders_what_the_pages_ask_for_as_the_extension_would():
    project = load_real_project()
    rendered = ahead.render_all(project)
    refs = {key: html for key, html in rendered.items() if key[0] == "ref"}
    blocks = {key: html for key, html in rendered.items() if key[0] != "ref"}
    assert len(refs) > 100 and {verb for verb, _ in blocks} == {
        "factbox", "article", "timeline", "corrections"
    }  # fmt: skip
    for (_, claim_id, page), html in refs.items():
        assert html == render_ref(project, project.by_id[claim_id], page)
    for (verb, arg), html in blocks.items():
        assert html == ahead.render_block(project, verb, arg)


def test_render_all_leaves_out_what_fails_to_render(tmp_path):
    project = copy_project(tmp_path / "project")
    with (project / "docs" / "tender.md").open("a", encoding="utf-8") as page:
        page.write("\n<!-- claim no-such-claim -->\n<!-- ref no-such-claim -->\n")
    from explainer.check import settings_from_file
    from explainer.project import read_pages

    real = load_real_project()
    settings = settings_from_file(project / "mkdocs.yml")
    assert "no-such-claim" in read_pages(settings)[0]["tender"]
    rendered = ahead.render_all(dataclasses.replace(real, settings=settings))
    assert not any("no-such-claim" in key for key in rendered)
    assert len(rendered) == len(ahead.render_all(real))


def test_the_site_is_the_same_with_and_without_the_second_process(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764547200")
    project = copy_project(tmp_path / "project")
    (ROOT / "build").mkdir(exist_ok=True)
    (project / "build").symlink_to(ROOT / "build")  # cards are cached by content hash
    forked = run_build(project, tmp_path / "forked")
    assert forked.returncode == 0, forked.stderr
    told = run_build(project, tmp_path / "told", "--verbose")
    if SECOND_CPU:  # else no fork: nothing would run alongside
        assert "loaded and checked in a second process" in told.stderr
    monkeypatch.setenv("EXPLAINER_FORK", "0")
    alone = run_build(project, tmp_path / "alone")
    assert alone.returncode == 0, alone.stderr
    assert "second process" not in run_build(project, tmp_path / "told", "--verbose").stderr
    assert snapshot(tmp_path / "forked") == snapshot(tmp_path / "alone")


def test_a_problem_in_a_step_is_reported_where_it_always_was(tmp_path, monkeypatch):
    """The second process makes claims.json for the site's URL; without one, the parent makes
    it again and reports the missing URL itself, as a build without the second process does."""
    project = copy_project(tmp_path / "project")
    config = project / "mkdocs.yml"
    config.write_text(
        "\n".join(
            line
            for line in config.read_text(encoding="utf-8").splitlines()
            if not line.startswith("site_url:")
        ),
        encoding="utf-8",
    )
    outputs = []
    for fork in ("1", "0"):
        monkeypatch.setenv("EXPLAINER_FORK", fork)
        result = run_build(project, tmp_path / f"site{fork}", "--verbose")
        assert result.returncode == 1
        assert ("second process" in result.stderr) == (fork == "1" and SECOND_CPU)
        outputs.append([line for line in result.stderr.splitlines() if "site_url: missing" in line])
    assert (
        outputs[0]
        == outputs[1]
        == ["ERROR   -  mkdocs.yml: site_url: missing; link previews and claims.json need it"]
    )


def test_a_system_that_refuses_the_process_runs_the_steps_here(monkeypatch):
    def refuse():
        raise OSError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(os, "fork", refuse)
    steps = prefetch.Steps([os.getpid], True)
    assert not steps.forked and steps.get(0) == os.getpid()


SITE_HOOK = """def on_config(config):
    config.site_url = "https://elsewhere.example.org/"
    config.site_name = "Another name"
"""


def test_what_the_second_process_made_for_another_site_is_not_used(tmp_path, monkeypatch):
    """A plugin may change the site's URL or name after the explainer's on_config has started
    the second process: claims.json, the alias pages and the cards are then made for the site
    as the build has it, as they are without the second process."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764547200")
    project = copy_project(tmp_path / "project")
    (ROOT / "build").mkdir(exist_ok=True)
    (project / "build").symlink_to(ROOT / "build")
    (project / "site_hook.py").write_text(SITE_HOOK, encoding="utf-8")
    config = project / "mkdocs.yml"
    config.write_text(
        config.read_text(encoding="utf-8").replace("hooks:\n", "hooks:\n  - site_hook.py\n"),
        encoding="utf-8",
    )
    forked = run_build(project, tmp_path / "forked", "--verbose")
    assert forked.returncode == 0, forked.stderr
    if SECOND_CPU:
        assert "loaded and checked in a second process" in forked.stderr
    monkeypatch.setenv("EXPLAINER_FORK", "0")
    alone = run_build(project, tmp_path / "alone")
    assert alone.returncode == 0, alone.stderr
    site = snapshot(tmp_path / "forked")
    assert b"https://elsewhere.example.org/" in site["claims.json"]
    assert site == snapshot(tmp_path / "alone")


FAILING_HOOK = """from mkdocs.exceptions import PluginError


def on_config(config):
    raise PluginError("stopped while the second process works")
"""


def test_a_build_that_fails_while_the_second_process_works_stops_and_reaps_it(
    tmp_path, monkeypatch
):
    project = copy_project(tmp_path / "project")
    (project / "failing_hook.py").write_text(FAILING_HOOK, encoding="utf-8")
    config = project / "mkdocs.yml"
    config.write_text(
        config.read_text(encoding="utf-8").replace("hooks:\n", "hooks:\n  - failing_hook.py\n"),
        encoding="utf-8",
    )
    monkeypatch.setattr(prefetch, "can_fork", lambda: True)
    started, original = [], prefetch.Steps.__init__

    def recorded(self, steps, fork):
        original(self, steps, fork)
        started.append(self.pid)

    monkeypatch.setattr(prefetch.Steps, "__init__", recorded)
    loaded = load_config(str(config), site_dir=str(tmp_path / "site"), strict=True)
    logging.getLogger("mkdocs").setLevel(logging.CRITICAL)
    with pytest.raises(Abort):
        build(loaded)
    assert len(started) == 1 and started[0] is not None and reaped(started[0])
