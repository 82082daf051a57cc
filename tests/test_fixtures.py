"""The bundled Protocol 11 fixtures: both passing protocols pass their seed pack,
and each failing variant triggers exactly the rules (and layers) of its defect."""

from __future__ import annotations

import pytest

from conftest import FIXTURES, PROTOCOLS, expected_findings, without_expectations
from protolint.parsing import parse_directive
from protolint.runner import Linter, read_protocol

EXECUTION = "protocol-11-release-execution"
MANAGEMENT = "protocol-11-release-management"
# Each seed with the form version it was written against.
FORMS = {EXECUTION: FIXTURES / "forms" / "protocol-input-form-11-deployment-b999fbd.yaml",
         MANAGEMENT: FIXTURES / "forms" / "protocol-input-form-11-deployment-3d628b3.yaml"}
PROJECT = FIXTURES / "project"


def check(path, pack=None, form=None):
    return Linter([pack] if pack else None, form=form, project_root=PROJECT).check_text(
        read_protocol(path), str(path))


BOLD_EXECUTION = PROTOCOLS / "release-execution" / "layouts" / "11-production-deployment-bold-gates.md"
BOLD_MANAGEMENT = PROTOCOLS / "release-management" / "layouts" / \
    "11-production-deployment-release-management-bold-gates.md"


@pytest.mark.parametrize("path, pack", [
    (PROTOCOLS / "release-execution" / "11-production-deployment.md", EXECUTION),
    (PROTOCOLS / "release-management" / "11-production-deployment-release-management.md", MANAGEMENT),
    # the same protocols in another reasonable layout: gates and integration labels as bold
    # paragraphs, every hook in one commented command block, a numbered prompt that is no action
    (BOLD_EXECUTION, EXECUTION),
    (BOLD_MANAGEMENT, MANAGEMENT),
])
def test_passing_fixture_passes_its_seed_pack_chosen_by_file_name(path, pack):
    result = check(path, pack if "layouts" in str(path) else None, form=FORMS[pack])
    assert result.pack == pack
    assert result.findings == []
    assert result.passed and result.score == 100.0
    assert result.missing_layers == []


FAILING = sorted((PROTOCOLS / "release-execution" / "failing").glob("*.md"))


@pytest.mark.parametrize("path", FAILING, ids=lambda path: path.stem)
def test_failing_fixture_triggers_exactly_its_rules(path):
    """Each failing fixture closes with the findings it expects (conftest.expected_findings):
    checked with its seed pack, its form and the project, it triggers exactly those."""
    result = check(path, EXECUTION, FORMS[EXECUTION])
    expected = expected_findings(path)
    assert expected and all(layer for _, _, layer in expected), "each failing fixture states its rules and layers"
    assert {(f.line, f.rule_id, f.layer) for f in result.findings} == expected
    assert not result.passed


def outcome(result):
    """Everything a check says of a file, for comparing two checks of it."""
    return ([(f.rule_id, f.layer, f.severity, f.line, f.column, f.end_line, f.section, f.message)
             for f in result.findings],
            [(s.finding.rule_id, s.finding.line) for s in result.suppressed], [str(n) for n in result.notices],
            result.score, result.passed, sorted(result.unchecked), [(layer.id, layer.score) for layer in result.layers])


@pytest.fixture(scope="module")
def every_pack():
    """A linter per shipped pack, and one choosing packs as `check` does."""
    packs = [None, "core", "blueprint", "trust", "form", EXECUTION, MANAGEMENT]
    return {pack: Linter([pack] if pack else None, form=FORMS[EXECUTION], project_root=PROJECT,
                         report_unused_suppressions=True) for pack in packs}


@pytest.mark.parametrize("path", FAILING, ids=lambda path: path.stem)
def test_the_expectation_comment_is_no_directive_and_changes_no_finding(path, every_pack):
    text = read_protocol(path)
    bare = without_expectations(text)
    assert bare != text and "<!-- expect:" not in bare
    comment = text[len(bare.rstrip("\n")):].strip()
    assert parse_directive(comment.removeprefix("<!--").removesuffix("-->"), 1, 1, 1) is None
    for pack, linter in every_pack.items():
        assert outcome(linter.check_text(text, str(path))) == outcome(linter.check_text(bare, str(path))), pack


def test_missing_section_is_reported_once_not_as_a_cascade():
    result = check(PROTOCOLS / "release-execution" / "failing" / "no-quality-gates.md", EXECUTION)
    (section,) = [f for f in result.findings if f.rule_id == "P11E-sections-present"]
    assert "no section 'QUALITY GATES'" in section.message
    l2 = next(layer for layer in result.layers if layer.id == "L2")
    # the gate rules could not run: they cost L2 its points without a finding each
    assert "P11E-gates-named (no section 'quality gates')" in l2.lost
    assert "P11E-deployment-success-gate (no section 'quality gates')" in l2.lost
    assert l2.score < 50


def test_the_same_protocol_under_the_other_seed_pack_fails_for_the_right_reasons():
    result = check(PROTOCOLS / "release-execution" / "11-production-deployment.md", MANAGEMENT)
    ids = {f.rule_id for f in result.findings}
    assert "P11M-sections-present" in ids  # RELEASE MANAGEMENT WORKFLOW is absent
    assert "P11M-approval-request" in ids  # the execution spec has no [APPROVAL REQUEST]
    assert not result.passed


def test_without_a_form_the_form_bound_rules_are_skipped_not_failed():
    path = PROTOCOLS / "release-execution" / "11-production-deployment.md"
    result = Linter().check_text(read_protocol(path), str(path))
    assert set(result.unchecked) >= {"form-L3-step-markers", "form-L2-gates", "P11E-form-domain",
                                     "P11E-scripts-exist"}  # the project root is the other input
    assert result.findings == []
    assert result.passed and result.score == 100.0


def test_form_bound_rules_fail_against_another_form_version():
    path = PROTOCOLS / "release-execution" / "11-production-deployment.md"
    result = check(path, EXECUTION, FORMS[MANAGEMENT])
    failing = {f.rule_id for f in result.findings if f.severity != "info"}
    assert {"form-L3-step-markers", "P11E-step-alignment", "form-L3-evidence", "form-L2-gates",
            "form-L3-hooks", "form-L4-prompts", "form-L4-errors", "P11E-form-domain"} <= failing
    assert not result.passed


def test_scripts_must_exist_under_the_project_root(tmp_path):
    path = PROTOCOLS / "release-execution" / "11-production-deployment.md"
    result = Linter(form=FORMS[EXECUTION], project_root=tmp_path).check_text(read_protocol(path), str(path))
    missing = sorted(f.message.split("'")[1] for f in result.findings if f.rule_id == "P11E-scripts-exist")
    assert missing == ["scripts/collect_perf.py", "scripts/deploy_backend.sh",
                       "scripts/rollback_backend.sh", "scripts/validation_gates.py"]


def test_release_execution_asks_instructions_aligned_release_management_verbatim(tmp_path):
    """protocol-11-generator.md asks alignment with the form; only the playbook asks
    every MUST step verbatim.  A reworded instruction passes the first, not the second."""
    execution = tmp_path / "11-production-deployment.md"
    execution.write_text(BOLD_EXECUTION.read_text(encoding="utf-8").replace(
        "associated tickets", "linked tickets"), encoding="utf-8")
    assert check(execution, EXECUTION, FORMS[EXECUTION]).findings == []
    management = tmp_path / "11-production-deployment-release-management.md"
    management.write_text(BOLD_MANAGEMENT.read_text(encoding="utf-8").replace(
        "release notes, changelog, and validation reports", "release notes, change log, and validation reports"),
        encoding="utf-8")
    assert {f.rule_id for f in check(management, MANAGEMENT, FORMS[MANAGEMENT]).findings} == \
        {"form-L3-step-details"}


def test_a_must_action_without_its_halt_is_the_one_true_finding(tmp_path):
    path = tmp_path / "11-production-deployment.md"
    path.write_text(BOLD_EXECUTION.read_text(encoding="utf-8").replace(
        "   * **Halt condition:** Await stakeholder confirmation for high-risk changes.\n", "", 1),
        encoding="utf-8")
    assert {f.rule_id for f in check(path, EXECUTION, FORMS[EXECUTION]).findings} == \
        {"P11E-step-halt", "P11E-step-alignment"}
