"""The command line as users run it: exit codes and output shapes.  Most tests run it
in process; exit 0, 1 and 2, and the colour rules for a pipe, are held against a
real process."""

from __future__ import annotations

import json

import pytest

from conftest import FIXTURES, PROTOCOLS, protolint, protolint_process

EXECUTION = PROTOCOLS / "release-execution" / "11-production-deployment.md"
MANAGEMENT = PROTOCOLS / "release-management" / "11-production-deployment-release-management.md"
NO_GUARDRAIL = PROTOCOLS / "release-execution" / "failing" / "no-guardrail.md"


def test_bare_file_argument_is_check():
    bare, explicit = protolint_process(EXECUTION), protolint("check", EXECUTION)
    assert bare.returncode == explicit.returncode == 0
    assert bare.stdout == explicit.stdout
    assert "PASS" in bare.stdout and "pack protocol-11-release-execution" in bare.stdout


@pytest.mark.parametrize("args", [
    ["--pack", "protocol-11-release-execution", "--format", "json", NO_GUARDRAIL],  # exit 1
    ["--pack", "nonesuch", EXECUTION],  # a usage error: exit 2
    ["chek", "x.md"],  # the command-name guess in main(), before the app runs
    ["rules", "show", "core-L1-guardrail"],
])
def test_the_command_line_in_process_is_the_command_line_in_a_process(args):
    """Most tests run the command line in this process (conftest.protolint): it
    says and exits exactly what a real process does."""
    inside, outside = protolint(*args), protolint_process(*args)
    assert (inside.returncode, inside.stdout, inside.stderr) == (outside.returncode, outside.stdout, outside.stderr)


def test_packs_chosen_by_applies_to():
    result = json.loads(protolint("--format", "json", EXECUTION, MANAGEMENT).stdout)
    assert [f["pack"] for f in result["files"]] == ["protocol-11-release-execution",
                                                    "protocol-11-release-management"]


def test_failing_protocol_text_output_and_exit_1():
    result = protolint_process("--pack", "protocol-11-release-execution", NO_GUARDRAIL,
                               "--project-root", str(FIXTURES / "project"))
    assert result.returncode == 1
    first = result.stdout.splitlines()[0]
    assert first.startswith(f"{NO_GUARDRAIL}:5:1  error    P11E-guardrail  ")
    assert "P11E-guardrail" in result.stdout
    assert "L1 System-Level Decisions" in result.stdout
    assert "core-L1-guardrail, P11E-guardrail" in result.stdout  # the rules that cost L1 its points
    assert "FAIL" in result.stdout


def test_json_shape_is_stable():
    result = protolint("--format", "json", "--pack", "protocol-11-release-execution", NO_GUARDRAIL,
                       "--project-root", str(FIXTURES / "project"))
    data = json.loads(result.stdout)
    assert set(data) == {"protolint", "schema_version", "files", "problems", "skipped", "summary", "exit"}
    (file,) = data["files"]
    assert set(file) == {"path", "pack", "verdict", "score", "threshold", "missing_layers", "unchecked", "layers",
                         "findings", "suppressed", "warnings"}
    assert set(file["layers"][0]) == {"id", "name", "score", "weight", "rules", "lost", "missing"}
    finding = file["findings"][0]
    assert set(finding) == {"rule", "layer", "severity", "message", "line", "column", "end_line", "section",
                            "fingerprint"}
    assert (finding["rule"], finding["layer"], finding["line"], finding["section"]) == \
        ("P11E-guardrail", "L1", 5, "1. AI ROLE AND MISSION")
    assert data["summary"] == {"files": 1, "passed": 0, "failed": 1, "problems": 0,
                               "findings": {"error": 1, "warning": 1, "info": 0},
                               "suppressed": 0, "baselined": 0}
    assert data["exit"] == {"code": 1, "reasons": [
        {"path": str(NO_GUARDRAIL), "reason": "FAIL verdict of pack protocol-11-release-execution", "code": 1,
         "kind": "verdict"}]}
    assert result.returncode == data["exit"]["code"]


@pytest.mark.parametrize("args, code", [
    (["--fail-on", "never"], 0),
    (["--fail-on", "error"], 1),
    (["--fail-on", "never", "--min-score", "95"], 1),
    (["--fail-on", "never", "--min-score", "50"], 0),
])
def test_fail_on_and_min_score(args, code):
    assert protolint(*args, "--pack", "protocol-11-release-execution", NO_GUARDRAIL).returncode == code


def test_fail_on_warning_fails_a_protocol_with_only_warnings(tmp_path):
    text = EXECUTION.read_text(encoding="utf-8").replace("### Gate 2: Deployment Success Gate", "### Gate 2: Deployment Gate")
    path = tmp_path / "11-production-deployment.md"
    path.write_text(text, encoding="utf-8")
    assert protolint("--fail-on", "error", path).returncode == 1  # P11E-gates-named is an error
    assert protolint("--fail-on", "never", path).returncode == 0


def test_usage_errors_exit_2():
    assert protolint("--pack", "nonesuch", EXECUTION).returncode == 2
    assert protolint_process("--format", "xml", EXECUTION).returncode == 2
    bad = protolint_process("--pack", "nonesuch", EXECUTION)
    assert "unknown pack 'nonesuch'" in bad.stderr and "Traceback" not in bad.stderr


def test_user_pack_from_a_path(tmp_path):
    pack = tmp_path / "team.yaml"
    pack.write_text("pack: team\nextends: [core]\nrules:\n  - id: team-owner\n    layer: L1\n"
                    "    summary: Names an owner\n    message: No owner named\n"
                    "    in: {select: document}\n    check: contains\n    text: 'Owner:'\n", encoding="utf-8")
    result = json.loads(protolint("--format", "json", "--pack", pack, EXECUTION).stdout)
    (file,) = result["files"]
    assert file["pack"] == "team"
    assert "team-owner" in [f["rule"] for f in file["findings"]]


def test_rules_list_and_show():
    listing = protolint("rules", "list")
    assert listing.returncode == 0
    for text in ("core-L1-role-section", "P11E-guardrail", "P11M-guardrail-critical"):
        assert text in listing.stdout
    shown = protolint("rules", "show", "core-L1-guardrail")
    assert shown.returncode == 0
    for text in ("core-L1-guardrail:", "layer     L1", "Why", "Passes", "Fails", "**CRITICAL:** Do not deploy"):
        assert text in shown.stdout
    unknown = protolint("rules", "show", "guardrail")
    assert unknown.returncode == 2 and "did you mean" in unknown.stderr


@pytest.mark.parametrize("rule_id, lines", [
    ("form-L3-step-markers", ['  looks in  {"section_pattern": "^(?:step|phase) {{ phase.phase_number }}',
                              "  for each  phases[*].steps[*] (needs the input form)",
                              "  fix       replace: add the form's marker to the step's first line"]),
    ("P11E-guardrail", ["  form      primary_guardrail, checked with the rule's check: a failure it shares is a form omission",
                        "  fix       insert"]),
    ("P11E-automation-outputs", ['  form      automation_hooks[*], checked with contains {"each": true, "pattern": ']),
    ("P11E-sections-order", ["  fix       reorder (unsafe: --unsafe-fixes)"]),
])
def test_rules_show_tells_how_the_form_and_the_fixers_come_in(rule_id, lines):
    shown = protolint("rules", "show", rule_id).stdout.splitlines()
    for line in lines:
        assert any(s.startswith(line) for s in shown), line


def test_version_and_color_rules():
    assert protolint("--version").stdout.startswith("protolint ")
    plain = protolint_process(NO_GUARDRAIL, "--pack", "core")
    assert "\x1b[" not in plain.stdout  # not a terminal, and NO_COLOR
    forced = protolint_process(NO_GUARDRAIL, "--pack", "core", env={"FORCE_COLOR": "1", "NO_COLOR": ""})
    assert forced.returncode == 0


def test_a_mistyped_command_is_named_with_a_suggestion_not_read_as_a_file():
    done = protolint("chek", "x.md")
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "no such command 'chek' (did you mean 'check'?)" in done.stderr
    assert protolint("analyse", "x.md").stderr.count("did you mean 'analyze'?") == 1
