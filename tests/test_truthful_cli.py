"""A command line that tells the truth: the exit code is
explained wherever it is not already plain, output off a terminal is whole
lines a pipe can grep (a real one, into grep), `rules` reads the configuration as `check` does, and a
walk (the Action's `paths: "."`) checks protocols, not every Markdown file."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest

from conftest import PROTOCOLS, ROOT, init_repository, protolint

GOOD = PROTOCOLS / "release-execution" / "11-production-deployment.md"
NO_GUARDRAIL = PROTOCOLS / "release-execution" / "failing" / "no-guardrail.md"
LONG = "a-directory-name-long-enough-that-an-eighty-column-terminal-would-wrap-it-mid-word"


# ---------------------------------------------------------------- 11: the exit code is explained

def test_min_score_failure_says_why_in_text_and_json():
    done = protolint("--pack", "core", "--min-score", "99", NO_GUARDRAIL)
    assert done.returncode == 1
    assert "PASS" in done.stdout  # the pack's verdict: the run fails on --min-score alone
    assert f"exit 1: {NO_GUARDRAIL}: score 91.7 < --min-score 99" in done.stdout.splitlines()
    data = json.loads(protolint("--pack", "core", "--min-score", "99", "--format", "json", NO_GUARDRAIL).stdout)
    assert data["exit"] == {"code": 1, "reasons": [
        {"path": str(NO_GUARDRAIL), "reason": "score 91.7 < --min-score 99", "code": 1, "kind": "threshold"}]}


def test_fail_on_warning_from_the_config_says_why_with_the_place(tmp_path):
    repo = init_repository(tmp_path / "repo")
    (repo / "protolint.yaml").write_text("packs: [core]\nfail_on: warning\n", encoding="utf-8")
    shutil.copy(NO_GUARDRAIL, repo / "p.md")
    done = protolint("p.md", cwd=repo)
    assert done.returncode == 1
    assert "exit 1: p.md: 1 warning(s) at or above fail_on: warning (protolint.yaml:2)" in done.stdout.splitlines()
    github = protolint("--format", "github", "p.md", cwd=repo)
    assert github.returncode == 1
    assert ("::error file=p.md,title=protolint::exit 1: p.md: 1 warning(s) at or above fail_on: warning "
            "(protolint.yaml:2)") in github.stdout.splitlines()


def test_github_format_prints_the_warnings_about_unusable_suppression_comments(tmp_path):
    target = tmp_path / "11-production-deployment.md"
    target.write_text("<!-- protolint-disabel-file core-L1-guardrail -->\n" + GOOD.read_text(encoding="utf-8"),
                      encoding="utf-8")
    text = protolint(target)
    assert "warning: unknown directive 'protolint-disabel-file'" in text.stderr
    github = protolint("--format", "github", target)
    assert any(line.startswith(f"::warning file={target.as_posix()},line=1,col=1,title=protolint::"
                               "unknown directive 'protolint-disabel-file'") for line in github.stdout.splitlines())


# ---------------------------------------------------------------- 12: whole lines off a terminal

def test_rules_list_in_a_pipe_is_one_whole_line_per_rule_and_json_on_request():
    done = subprocess.run(f"{sys.executable} -m protolint rules list | grep core-L1-prerequisites", shell=True,
                          cwd=ROOT, capture_output=True, text=True, env={**os.environ, "COLUMNS": "80"})
    assert done.returncode == 0, done.stderr
    (line,) = done.stdout.splitlines()
    assert line.split()[:4] == ["core", "core-L1-prerequisites", "L1", "info"]
    assert line.endswith("Prerequisites (artifacts, approvals, system state) are listed")
    data = json.loads(protolint("rules", "list", "--format", "json").stdout)
    assert {"pack": "core", "id": "core-L1-prerequisites", "layer": "L1", "severity": "info",
            "summary": "Prerequisites (artifacts, approvals, system state) are listed"} in data["rules"]


def test_the_layer_table_and_findings_are_never_wrapped_off_a_terminal(tmp_path):
    directory = tmp_path / LONG
    directory.mkdir()
    target = directory / "11-production-deployment.md"
    shutil.copy(NO_GUARDRAIL, target)
    done = protolint("--pack", "protocol-11-release-execution", target, env={"COLUMNS": "80"})
    lines = done.stdout.splitlines()
    assert any(line.startswith("L1 System-Level Decisions") and line.endswith("core-L1-guardrail, P11E-guardrail")
               for line in lines)
    assert lines[0].startswith(f"{target}:5:1  error    P11E-guardrail  The mission section lacks")
    assert sum(str(target) in line for line in lines) == sum(line.startswith(str(target)) for line in lines) + 2


def test_the_cycle_header_names_its_paths_whole(tmp_path):
    out = tmp_path / LONG / "11-production-deployment.md"
    form = ROOT / "fixtures" / "forms" / "protocol-input-form-11-deployment-b999fbd.yaml"
    done = protolint("cycle", form, "-o", out, "--max-rounds", "1", "--no-analysis", env={"COLUMNS": "80"})
    assert done.stdout.splitlines()[0].startswith(f"cycle  {form} → {out}  profile ")


def test_quiet_prints_the_findings_and_the_summary_only(tmp_path):
    done = protolint("-q", "--pack", "protocol-11-release-execution", NO_GUARDRAIL, GOOD)
    assert done.returncode == 1
    assert done.stdout.splitlines() == [
        *[line for line in protolint("--pack", "protocol-11-release-execution", NO_GUARDRAIL).stdout.splitlines()
          if line.startswith(f"{NO_GUARDRAIL}:")],
        "2 file(s) checked: 1 passed, 1 failed",
        f"exit 1: {NO_GUARDRAIL}: FAIL verdict of pack protocol-11-release-execution"]


def test_rules_list_and_show_use_the_configured_packs(tmp_path):
    assert protolint("init", tmp_path).returncode == 0
    shown = protolint("rules", "show", "team-L1-owner", cwd=tmp_path)
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.startswith("team-L1-owner: The AI ROLE section names an accountable owner")
    listed = json.loads(protolint("rules", "list", "--format", "json", cwd=tmp_path).stdout)
    assert {rule["pack"] for rule in listed["rules"]} == {"team", "core"}
    assert protolint("rules", "show", "P11E-guardrail", cwd=tmp_path).returncode == 0  # shipped rules still explained


@pytest.mark.parametrize("args, words", [
    (["--pack", "cor"], "unknown pack 'cor' (did you mean 'core'?)"),
    (["--format", "jsno"], "'jsno' is not one of text, json, github, sarif, junit (did you mean 'json'?)"),
    (["--fail-on", "warnin"], "(did you mean 'warning'?)"),
])
def test_unknown_packs_and_formats_suggest_the_near_miss(args, words):
    done = protolint(*args, GOOD)
    assert done.returncode == 2 and words in done.stderr and "Traceback" not in done.stderr


def test_an_unknown_config_value_suggests_the_near_miss(tmp_path):
    (tmp_path / "protolint.yaml").write_text("fail_on: warnign\n", encoding="utf-8")
    shutil.copy(GOOD, tmp_path / GOOD.name)
    done = protolint(GOOD.name, cwd=tmp_path)
    assert done.returncode == 2
    assert "protolint.yaml:1: 'warnign' is not a valid fail_on (did you mean 'warning'?)" in done.stderr


# ---------------------------------------------------------------- 13: a walk checks protocols

def test_a_walk_neither_reads_nor_names_what_git_ignores(tmp_path):
    repo = init_repository(tmp_path / "repo")
    (repo / ".gitignore").write_text("build/\n", encoding="utf-8")
    (repo / "build").mkdir()
    (repo / "build" / "NOTES.md").write_text("# Notes\n", encoding="utf-8")
    (repo / "build" / GOOD.name).write_bytes(GOOD.read_bytes())
    (repo / "README.md").write_text("# My project\n", encoding="utf-8")
    shutil.copy(NO_GUARDRAIL, repo / "deploy.md")
    walked = protolint("--format", "json", ".", cwd=repo)
    data = json.loads(walked.stdout)
    assert [f["path"] for f in data["files"]] == ["deploy.md"]
    assert data["skipped"] == ["README.md"]  # not build/NOTES.md: git ignores it
    assert "NOTES.md" not in walked.stderr


def test_a_walk_checks_protocols_not_readme_or_changelog_unless_include_says(tmp_path):
    repo = init_repository(tmp_path / "repo")
    (repo / "README.md").write_text("# My project\n\nHow to build it.\n", encoding="utf-8")
    (repo / "CHANGELOG.md").write_text("# Changelog\n\n## 1.0\n- first\n", encoding="utf-8")
    (repo / "docs").mkdir()
    shutil.copy(GOOD, repo / "docs" / GOOD.name)
    shutil.copy(NO_GUARDRAIL, repo / "docs" / "deploy.md")  # by its title: "# PROTOCOL 11: …"
    walked = protolint("--format", "json", ".", cwd=repo)
    data = json.loads(walked.stdout)
    assert sorted(f["path"] for f in data["files"]) == ["docs/11-production-deployment.md", "docs/deploy.md"]
    assert sorted(data["skipped"]) == ["CHANGELOG.md", "README.md"]  # named, not skipped in silence
    assert "note: not checked, as no pack applies to them" in walked.stderr and "README.md" in walked.stderr
    assert "FAIL  README.md  pack core" in protolint("README.md", cwd=repo).stdout  # named: always checked
    (repo / "protolint.yaml").write_text("include: ['*.md']\n", encoding="utf-8")
    configured = json.loads(protolint("--format", "json", ".", cwd=repo).stdout)
    assert len(configured["files"]) == 4
    (repo / "protolint.yaml").unlink()
    shutil.rmtree(repo / "docs")
    empty = protolint(".", cwd=repo)
    assert empty.returncode == 2 and "directory holds no protocols: none of its 2 *.md file(s)" in empty.stderr


def test_a_walk_reads_the_title_a_full_parse_reads():
    """The walk parses only up to the first heading line when it can; the title
    must be the one the whole head gives, on every real protocol and on the
    layouts that defeat the shortcut (a setext title, a `#` line in a fence)."""
    from protolint.parsing import parse_document
    from protolint.runner import TITLE_BYTES, _title

    heads = [path.read_text(encoding="utf-8")[:TITLE_BYTES] for path in sorted(ROOT.parent.glob("shared/**/*.md"))]
    heads += ["Release\n=======\n\n# PROTOCOL 2: X\n", "```sh\n# comment\n```\n\n# PROTOCOL 3: Y\n",
              "## Overview\n\n# PROTOCOL 4: Z\n", "---\ntitle: x\n---\n# PROTOCOL 5: W\n"]
    for head in heads:
        whole = parse_document(head, "p.md").title
        assert _title(head, "p.md") == (whole.title if whole else None)
