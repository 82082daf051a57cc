"""Baselines: record today's findings, then report only new ones; fingerprints
survive edits elsewhere in the file."""

from __future__ import annotations

import json
import shutil

import pytest

from conftest import PROTOCOLS, protolint
from protolint.baseline import Baseline, BaselineError, write_baseline
from protolint.parsing import parse_document
from protolint.results import fingerprints
from protolint.runner import Linter, read_protocol

FAILING = PROTOCOLS / "release-execution" / "failing"
EXECUTION = "protocol-11-release-execution"


@pytest.fixture()
def protocol(tmp_path):
    """A copy of the no-guardrail fixture under its real name, in a repo-like tree."""
    (tmp_path / "docs").mkdir()
    path = tmp_path / "docs" / "11-production-deployment.md"
    shutil.copy(FAILING / "no-guardrail.md", path)
    return path


def edit(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_adopting_a_baseline_then_only_new_findings_fail(protocol, tmp_path):
    baseline = tmp_path / "protolint-baseline.json"
    assert protolint(protocol).returncode == 1

    written = protolint("--write-baseline", baseline, protocol)
    assert written.returncode == 0 and written.stdout == ""
    assert f"wrote 2 finding(s) of 1 file(s) to {baseline}" in written.stderr
    data = json.loads(baseline.read_text(encoding="utf-8"))
    assert data["protolint_baseline"] == 1
    assert [(e["path"], e["rule"]) for e in data["findings"]] == [
        ("docs/11-production-deployment.md", "P11E-guardrail"),
        ("docs/11-production-deployment.md", "core-L1-guardrail")]

    checked = protolint("--baseline", baseline, protocol)
    assert checked.returncode == 0, checked.stdout
    assert "PASS" in checked.stdout and ", 2 baselined" in checked.stdout
    assert "P11E-guardrail" not in checked.stdout

    # Edits elsewhere move every line: the fingerprints still hold.
    edit(protocol, "# PROTOCOL 11", "Owner: release-eng\n\nReviewed quarterly.\n\n# PROTOCOL 11")
    moved = protolint("--baseline", baseline, "--format", "json", protocol)
    assert moved.returncode == 0
    (file,) = json.loads(moved.stdout)["files"]
    assert file["findings"] == [] and file["verdict"] == "PASS"
    assert [(s["rule"], s["line"], s["suppressed_by"]) for s in file["suppressed"]] == [
        ("P11E-guardrail", 9, "baseline"), ("core-L1-guardrail", 9, "baseline")]

    # A new problem is reported, alone.
    edit(protocol, "### Gate 2: Deployment Success Gate", "### Gate 2: Deployment Gate")
    new = protolint("--baseline", baseline, "--format", "json", protocol)
    assert new.returncode == 1
    (file,) = json.loads(new.stdout)["files"]
    assert sorted(f["rule"] for f in file["findings"]) == ["P11E-deployment-success-gate", "P11E-gates-named"]
    assert [s["rule"] for s in file["suppressed"]] == ["P11E-guardrail", "core-L1-guardrail"]


def test_baseline_paths_are_relative_to_the_baseline_not_the_working_directory(protocol, tmp_path):
    baseline = tmp_path / "protolint-baseline.json"
    assert protolint("--write-baseline", "protolint-baseline.json", "docs", cwd=tmp_path).returncode == 0
    from_docs = protolint("--baseline", "../protolint-baseline.json", "11-production-deployment.md",
                          cwd=protocol.parent)
    assert from_docs.returncode == 0, from_docs.stdout
    assert protolint("--baseline", baseline, protocol).returncode == 0  # absolute paths too


def test_a_baselined_missing_section_excuses_the_rules_that_could_not_run(tmp_path):
    path = tmp_path / "11-production-deployment.md"
    shutil.copy(FAILING / "no-quality-gates.md", path)
    write_baseline(tmp_path / "baseline.json", [Linter([EXECUTION]).check_text(read_protocol(path), str(path))])
    result = Linter([EXECUTION], baseline=Baseline.load(tmp_path / "baseline.json")).check_text(
        read_protocol(path), str(path))
    assert result.findings == [] and result.passed and result.score == 100.0
    assert {s.finding.rule_id for s in result.suppressed} == {"P11E-sections-present", "core-L2-quality-gates",
                                                           "core-L2-gates-section"}


def test_suppressed_findings_are_not_written_to_the_baseline(tmp_path):
    path = PROTOCOLS / "suppressions" / "guardrail-suppressed.md"
    result = Linter([EXECUTION]).check_text(read_protocol(path), str(path))
    assert result.findings == [] and result.suppressed
    assert write_baseline(tmp_path / "baseline.json", [result]) == 0


# -- fingerprints -----------------------------------------------------------------------

def test_fingerprints_ignore_moved_lines_and_renumbered_references():
    text = read_protocol(FAILING / "no-guardrail.md")
    linter = Linter([EXECUTION])
    before, after = linter.check_text(text, "x.md"), linter.check_text("Intro.\n\n" * 7 + text, "x.md")
    assert [f.line for f in before.findings] == [5, 5] and [f.line for f in after.findings] == [19, 19]
    assert "(line 5)" in before.findings[0].message and "(line 19)" in after.findings[0].message
    assert all(len(f.fingerprint) == 16 for f in before.findings)
    assert [f.fingerprint for f in after.findings] == [f.fingerprint for f in before.findings]


def test_identical_findings_are_told_apart_by_occurrence(tmp_path):
    pack = tmp_path / "t.yaml"
    pack.write_text("pack: t\nrules:\n  - {id: no-todo, layer: L3, summary: s, message: m, "
                    "in: {select: document}, check: absent, text: TODO}\n", encoding="utf-8")
    text = "# PROTOCOL 1: X\n\nTODO\n\nTODO\n"
    result = Linter([str(pack)]).check_text(text, "x.md")
    prints = [f.fingerprint for f in result.findings]
    assert len(prints) == 2 and len(set(prints)) == 2
    # the occurrence index follows the document, not the order findings arrive in
    again = fingerprints(list(reversed(result.findings)), parse_document(text, "x.md"))
    assert [f.fingerprint for f in again] == prints[::-1]


# -- bad baselines ----------------------------------------------------------------------

@pytest.mark.parametrize("content, problem", [
    (None, "baseline not found (create it with --write-baseline)"),
    ('{"protolint_baseline": 1, "findings": [\n  {"path": "a.md",}\n]}',
     ":2:19: baseline is not valid JSON: Expecting property name enclosed in double quotes"),
    ('{"findings": []}', "not a protolint baseline"),
    ('{"protolint_baseline": 2, "findings": []}', "baseline format 2 is not supported"),
    ('{"protolint_baseline": 1, "findings": {}}', "'findings' must be a list"),
    ('{"protolint_baseline": 1, "findings": [{"path": "a.md", "rule": "r"}]}',
     "finding #1 needs 'path', 'rule' and 'fingerprint' strings"),
])
def test_a_bad_baseline_is_one_clear_error_and_exit_2(tmp_path, content, problem):
    baseline = tmp_path / "baseline.json"
    if content is not None:
        baseline.write_text(content, encoding="utf-8")
    with pytest.raises(BaselineError, match=".*" + problem.replace("(", r"\(").replace(")", r"\)")
                       .replace("[", r"\[")):
        Baseline.load(baseline)
    result = protolint("--baseline", baseline, PROTOCOLS / "release-execution" / "11-production-deployment.md")
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.startswith(f"protolint: error: {baseline}")
    assert problem in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr


def test_baseline_and_write_baseline_exclude_each_other(tmp_path):
    result = protolint("--baseline", tmp_path / "a.json", "--write-baseline", tmp_path / "a.json",
                       FAILING / "no-guardrail.md")
    assert result.returncode == 2 and "exclude each other" in result.stderr


def test_writing_is_atomic_and_failures_are_one_line(tmp_path, protocol):
    baseline = tmp_path / "protolint-baseline.json"
    baseline.write_text("old", encoding="utf-8")
    assert protolint("--write-baseline", baseline, protocol).returncode == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["docs", "protolint-baseline.json"]  # no temp file left
    unwritable = protolint("--write-baseline", tmp_path / "no" / "such" / "dir" / "b.json", protocol)
    assert unwritable.returncode == 2 and "cannot write baseline" in unwritable.stderr
    nothing = protolint("--write-baseline", tmp_path / "b.json", tmp_path / "missing.md")
    assert nothing.returncode == 2 and "baseline not written: no file could be checked" in nothing.stderr
    assert not (tmp_path / "b.json").exists()
