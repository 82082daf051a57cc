"""The results cache and parallel runs: the same report as a fresh serial run,
whatever the cache holds and however many workers check the files."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest

import protolint.runner as runner
import protolint.workers as workers
from conftest import FIXTURES, PROTOCOLS, ROOT, protolint
from protolint.cache import DIRECTORY, ResultCache
from protolint.report.json import render
from protolint.runner import Linter

SAMPLES = sorted((PROTOCOLS / "release-execution").rglob("*.md"))


@pytest.fixture
def project(tmp_path):
    """A directory of protocols (fixtures copied, so they can change)."""
    docs = tmp_path / "docs"
    docs.mkdir()
    for index, path in enumerate(SAMPLES):
        shutil.copy(path, docs / f"{index:02d}-{path.name}")
    return tmp_path


def named(directory) -> list[str]:
    """The files, named one by one (a walk would also read each title to pick the protocols)."""
    return sorted(str(path) for path in directory.iterdir())


def rule_ids(run) -> list[tuple[str, ...]]:
    return [tuple(rule.id for rule in result.rules) for result in run.results]


def report(run) -> dict:
    return json.loads(render(run))


def parses(monkeypatch) -> list[str]:
    """The paths parse_document is called for from now on."""
    seen: list[str] = []
    real = runner.parse_document

    def counting(text, path="<string>"):
        seen.append(path)
        return real(text, path)
    monkeypatch.setattr(runner, "parse_document", counting)
    return seen


def test_a_second_run_reads_every_result_from_the_cache_and_reports_the_same(project, monkeypatch):
    fresh = report(Linter().run(named(project / "docs")))
    first = Linter(cache=ResultCache(project)).run(named(project / "docs"))
    assert report(first) == fresh
    seen = parses(monkeypatch)
    again = Linter(cache=ResultCache(project)).run(named(project / "docs"))
    assert seen == [] and report(again) == fresh
    assert rule_ids(again) == rule_ids(first)  # SARIF and JUnit list them
    assert (project / DIRECTORY / ".gitignore").read_text().strip().endswith("*")


def test_a_changed_file_pack_or_setting_is_checked_again(project, monkeypatch, tmp_path):
    docs = project / "docs"
    pack = tmp_path / "pack.yaml"
    pack.write_text("pack: mine\nextends: [core]\n")
    Linter(["core"], cache=ResultCache(project)).run(named(docs))
    Linter([str(pack)], cache=ResultCache(project)).run(named(docs))
    seen = parses(monkeypatch)
    target = sorted(docs.iterdir())[0]
    target.write_text(target.read_text() + "\nOne more line.\n")
    Linter(["core"], cache=ResultCache(project)).run(named(docs))
    assert seen == [str(target)]  # only the changed file
    seen.clear()
    Linter(["protocol-11-release-execution"], cache=ResultCache(project)).run(named(docs))
    assert len(seen) == len(SAMPLES)  # other packs: other results
    seen.clear()
    pack.write_text("pack: mine\nextends: [core]\nthreshold: 99\n")
    after = Linter([str(pack)], cache=ResultCache(project)).run(named(docs))
    assert len(seen) == len(SAMPLES) and {r.threshold for r in after.results} == {99}


def test_corrupt_or_foreign_entries_are_misses_and_are_rewritten(project, monkeypatch):
    docs = project / "docs"
    fresh = report(Linter().run(named(docs)))
    Linter(cache=ResultCache(project)).run(named(docs))
    entries = sorted((project / DIRECTORY).rglob("*.json"))
    assert len(entries) == len(SAMPLES)
    entries[0].write_text("{not json")
    entries[1].write_bytes(b"\xff\x00")
    foreign = json.loads(entries[2].read_text())
    entries[2].write_text(json.dumps({**foreign, "findings": "many"}))
    entries[3].write_text(json.dumps({"key": "someone else's"}))
    seen = parses(monkeypatch)
    assert report(Linter(cache=ResultCache(project)).run(named(docs))) == fresh
    assert len(seen) == 4
    seen.clear()
    assert report(Linter(cache=ResultCache(project)).run(named(docs))) == fresh
    assert seen == []  # rewritten


def test_a_cache_that_cannot_be_written_costs_speed_not_the_run(project):
    (project / DIRECTORY).write_text("a file where the cache directory would be")
    docs = project / "docs"
    assert report(Linter(cache=ResultCache(project)).run(named(docs))) == report(Linter().run(named(docs)))


def test_results_of_rules_that_look_at_the_project_root_are_not_cached(project, monkeypatch):
    docs = project / "docs"
    form = FIXTURES / "forms" / "protocol-input-form-11-deployment-b999fbd.yaml"
    arguments = dict(form=form, project_root=FIXTURES / "project")
    Linter(["protocol-11-release-execution"], cache=ResultCache(project), **arguments).run(named(docs))
    seen = parses(monkeypatch)
    Linter(["protocol-11-release-execution"], cache=ResultCache(project), **arguments).run(named(docs))
    assert len(seen) == len(SAMPLES)  # which scripts exist is not part of the key


def test_workers_report_what_a_serial_run_reports_in_the_same_order(tmp_path):
    for copy in range(3):  # enough files for workers
        for index, path in enumerate(SAMPLES):
            shutil.copy(path, tmp_path / f"{copy}-{index:02d}-{path.name}")
    (tmp_path / "1-empty.md").write_text("")
    (tmp_path / "2-latin1.md").write_bytes(b"# Caf\xe9\n")
    serial = Linter().run(named(tmp_path), jobs=1)
    parallel = Linter().run(named(tmp_path), jobs=2)
    assert len(parallel.results) >= workers.PARALLEL_FROM
    assert report(parallel) == report(serial)
    assert [p.path for p in parallel.problems] == [str(tmp_path / "1-empty.md"), str(tmp_path / "2-latin1.md")]
    assert rule_ids(parallel) == rule_ids(serial)


def test_a_user_error_in_a_worker_surfaces_as_in_a_serial_run(tmp_path):
    from protolint.config import Configuration
    from protolint.errors import UserError

    for index in range(workers.PARALLEL_FROM):
        shutil.copy(SAMPLES[0], tmp_path / f"{index:02d}.md")
    (tmp_path / "protolint.yaml").write_text("disable: [core-L9-nothing]\n")
    errors = []
    for jobs in (1, 2):
        with pytest.raises(UserError) as caught:
            Linter(configuration=Configuration()).run([str(tmp_path)], jobs=jobs)
        errors.append(str(caught.value))
    assert errors[0] == errors[1] and "core-L9-nothing" in errors[0]


def test_the_command_line_caches_in_the_working_directory_unless_told_not_to(project):
    done = protolint("check", "docs", "--format", "json", cwd=project)
    assert (project / DIRECTORY / ".gitignore").is_file()
    again = protolint("check", "docs", "--format", "json", cwd=project)
    assert again.stdout == done.stdout and again.returncode == done.returncode
    shutil.rmtree(project / DIRECTORY)
    protolint("check", "docs", "--no-cache", cwd=project)
    assert not (project / DIRECTORY).exists()


def test_two_runs_at_once_share_the_cache_safely(project):
    command = [sys.executable, "-m", "protolint", "check", "docs", "--format", "json", "-j", "1"]
    runs = [subprocess.Popen(command, cwd=project, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for _ in range(2)]
    outputs = [run.communicate(timeout=120) for run in runs]
    assert outputs[0] == outputs[1]
    assert not outputs[0][1]  # nothing on stderr
    assert protolint("check", "docs", "--format", "json", cwd=project).stdout == outputs[0][0]
