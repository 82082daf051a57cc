"""The CI report formats (github, sarif, junit) and --output, as users run them:
through the command line, outputs read back the way GitHub, code scanning and JUnit
consumers read them (workflow-command parsing, the SARIF 2.1.0 JSON Schema,
an XML parser)."""

from __future__ import annotations

import contextlib
import json
import os
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest

from conftest import PROTOCOLS, ROOT, protolint
from protolint import report
from protolint.report.github import escape_data, escape_property
from protolint.runner import Linter, exit_code

EXECUTION = PROTOCOLS / "release-execution" / "11-production-deployment.md"
FAILING = PROTOCOLS / "release-execution" / "failing"
NO_GUARDRAIL = FAILING / "no-guardrail.md"
P11E = "protocol-11-release-execution"
SARIF_SCHEMA = json.loads((ROOT / "tests" / "data" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))


def library_report(*paths, pack=None, cwd=ROOT, name="json"):
    """What the library reports for the same run, to hold the CLI's output against
    (JSON parsed; other formats as text)."""
    with contextlib.chdir(cwd):
        rendered = report.render(Linter([str(pack)] if pack else None).run([str(p) for p in paths]), name)
    return json.loads(rendered) if name == "json" else rendered


# ---------------------------------------------------------------- github

COMMAND = re.compile(r"^::([a-z-]+)(?: ([^:]*))?::(.*)$")
ESCAPE = re.compile(r"%(25|0D|0A|3A|2C)")


def unescape(text: str) -> str:
    """How the Actions runner decodes command data and property values."""
    return ESCAPE.sub(lambda m: {"25": "%", "0D": "\r", "0A": "\n", "3A": ":", "2C": ","}[m.group(1)], text)


def parse_command(line: str) -> tuple[str, dict[str, str], str] | None:
    match = COMMAND.match(line)
    if not match:
        return None
    name, props, data = match.groups()
    properties = dict(p.split("=", 1) for p in props.split(",")) if props else {}
    return name, {k: unescape(v) for k, v in properties.items()}, unescape(data)


def annotations(stdout: str) -> list[tuple[str, dict[str, str], str]]:
    commands = [parse_command(line) for line in stdout.splitlines()]
    return [c for c in commands if c and c[0] in ("error", "warning", "notice")]


def test_escaping_follows_the_workflow_command_rules():
    assert escape_data("100% a:b,c\r\nd") == "100%25 a:b,c%0D%0Ad"
    assert escape_property("100% a:b,c\r\nd") == "100%25 a%3Ab%2Cc%0D%0Ad"
    tricky = "%0A already%3A escaped%\r\n:,"
    assert unescape(escape_data(tricky)) == unescape(escape_property(tricky)) == tricky


ESCAPES_PACK = """\
pack: escapes
threshold: 0
rules:
  - id: esc-message
    layer: L1
    severity: error
    summary: Fires on every file, with every special character in its message
    message: "100% sure: a, b\\r\\nsecond line\\rthird"
    in: {section: NOWHERE}
    check: present
  - id: esc-each
    layer: L2
    severity: warning
    summary: One finding per occurrence
    message: "Forbidden word, found: here"
    in: {select: document}
    check: absent
    text: FORBIDDEN
"""


def test_github_annotations_escape_messages_and_paths(tmp_path):
    pack = tmp_path / "escapes.yaml"
    pack.write_text(ESCAPES_PACK, encoding="utf-8")
    name = "100%:a,b\r\nc.md"  # every character the command syntax reserves
    (tmp_path / name).write_text("# PROTOCOL 1: X\n\nFORBIDDEN\n\nFORBIDDEN\n", encoding="utf-8")

    raw = protolint("--format", "github", "--pack", pack, name, cwd=tmp_path, text=False)
    assert raw.returncode == 1
    assert b"\r" not in raw.stdout  # a raw CR or LF would end the command early
    stdout = raw.stdout.decode()
    for line in stdout.splitlines():
        assert line.startswith(("::", "PASS", "FAIL")), line  # nothing spilled onto a line of its own

    expected = library_report(name, pack=pack, cwd=tmp_path)["files"][0]["findings"]
    got = annotations(stdout)
    assert len(got) == len(expected) == 3
    for (kind, props, message), finding in zip(got, expected):
        assert kind == {"error": "error", "warning": "warning"}[finding["severity"]]
        assert props == {"file": name, "line": str(finding["line"]), "endLine": str(finding["end_line"]),
                         "col": str(finding["column"]), "title": finding["rule"]}
        assert message == finding["message"]
    assert "100% sure: a, b\r\nsecond line\rthird" in got[0][2]
    group = next(parse_command(line) for line in stdout.splitlines() if line.startswith("::group::"))
    assert group == ("group", {}, name)


def _flood_pack_and_protocol(tmp_path: Path, errors: int, warnings: int, infos: int) -> tuple[Path, Path]:
    rules = "\n".join(f"""\
  - id: flood-{severity}
    layer: L1
    severity: {severity}
    summary: Each {token} is a finding
    message: "{token} here"
    in: {{select: document}}
    check: absent
    text: {token}""" for severity, token in (("error", "ERRTOKEN"), ("warning", "WARNTOKEN"), ("info", "INFOTOKEN")))
    pack = tmp_path / "flood.yaml"
    pack.write_text(f"pack: flood\nthreshold: 0\nrules:\n{rules}\n", encoding="utf-8")
    lines = ["ERRTOKEN"] * errors + ["WARNTOKEN"] * warnings + ["INFOTOKEN"] * infos
    protocol = tmp_path / "flood.md"
    protocol.write_text("# PROTOCOL 1: FLOOD\n\n" + "\n\n".join(lines) + "\n", encoding="utf-8")
    return pack, protocol


def test_annotations_stop_at_githubs_cap_and_every_finding_stays_in_the_log(tmp_path):
    pack, protocol = _flood_pack_and_protocol(tmp_path, errors=25, warnings=12, infos=11)
    result = protolint("--format", "github", "--pack", pack, protocol.name, cwd=tmp_path)
    got = annotations(result.stdout)
    kinds = [kind for kind, _, _ in got]
    assert kinds.count("error") == 10 and kinds.count("warning") == 10
    assert kinds.count("notice") == 10  # 9 info findings + the closing notice
    closing = got[-1]
    assert closing[0] == "notice" and closing[1] == {"title": "protolint"}
    assert closing[2].startswith("19 more not shown as annotations")  # 15 errors, 2 warnings, 2 infos

    plain = [line for line in result.stdout.splitlines() if line.startswith(("error  ", "warning  ", "info  "))]
    assert len(plain) == 19
    assert len(got) - 1 + len(plain) == 48  # every finding once: as an annotation or a plain line
    assert plain[0].startswith("error  flood.md:") and "flood-error  ERRTOKEN here" in plain[0]

    run = Linter([str(pack)]).run([str(protocol)])
    assert result.returncode == exit_code(run, "error") == 1  # the cap never changes the exit code
    never = protolint("--format", "github", "--fail-on", "never", "--pack", pack, protocol.name, cwd=tmp_path)
    assert never.returncode == exit_code(run, "never") == 0


def test_exactly_at_the_cap_needs_no_closing_notice(tmp_path):
    pack, protocol = _flood_pack_and_protocol(tmp_path, errors=10, warnings=10, infos=10)
    got = annotations(protolint("--format", "github", "--pack", pack, protocol.name, cwd=tmp_path).stdout)
    assert [k for k, _, _ in got].count("notice") == 10
    assert all(props.get("title", "").startswith("flood-") for _, props, _ in got)


def test_problems_become_error_annotations(tmp_path):
    (tmp_path / "empty.md").write_text("", encoding="utf-8")
    result = protolint("--format", "github", EXECUTION, tmp_path / "empty.md", "missing.md")
    got = annotations(result.stdout)
    assert ("error", {"file": "missing.md", "title": "protolint"}, "no such file or directory") in got
    empty = [a for a in got if a[2] == "empty file: nothing to check"]
    assert len(empty) == 1 and empty[0][1]["file"] == (tmp_path / "empty.md").resolve().as_posix()
    assert result.stderr == ""  # the annotation is the one line about each problem
    assert result.returncode == 2  # the readable file passed, but a named path does not exist


def test_github_actions_defaults_to_annotations_and_appends_a_step_summary(tmp_path):
    summary = tmp_path / "summary.md"
    summary.write_text("## An earlier step\n\nits notes\n", encoding="utf-8")
    thin = tmp_path / "thin.md"
    thin.write_text("# PROTOCOL 9: THIN\n\nNothing here yet.\n", encoding="utf-8")
    files = [EXECUTION, NO_GUARDRAIL, thin]
    env = {"GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": str(summary)}

    result = protolint(*files, env=env)
    assert result.returncode == 1
    assert annotations(result.stdout) and "Layer" not in result.stdout  # no text table

    text = summary.read_text(encoding="utf-8")
    assert text.startswith("## An earlier step\n\nits notes\n")
    expected = library_report(*files)
    rows = {line.split(" | ")[0].strip("| `"): line for line in text.splitlines() if line.startswith("| `")}
    assert len(rows) == 3
    for file in expected["files"]:
        path = Path(file["path"]).resolve()
        row = rows[path.relative_to(ROOT).as_posix() if path.is_relative_to(ROOT) else path.as_posix()]
        cells = [c.strip() for c in row.strip("|").split("|")]
        assert file["verdict"] in cells[1]
        assert cells[2] == f"{file['score']:g}" and cells[3] == f"{file['threshold']:g}"
        for layer in file["layers"]:
            assert f"{layer['score']:g}" in cells
        assert cells[-1] == (", ".join(file["missing_layers"]) or "–")
    assert expected["files"][2]["missing_layers"]  # the thin protocol shows missing layers in the summary

    protolint(*files, env=env)
    assert summary.read_text(encoding="utf-8").count("## protolint") == 2  # appended, never replaced

    explicit = protolint("--format", "text", *files, env={**env, "GITHUB_STEP_SUMMARY": str(tmp_path / "s2.md")})
    assert "Layer" in explicit.stdout and not annotations(explicit.stdout)
    assert not (tmp_path / "s2.md").exists()


# ---------------------------------------------------------------- sarif

def sarif_errors(document: dict) -> list[str]:
    validator = jsonschema.Draft4Validator(SARIF_SCHEMA, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER)
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(document)]


def test_sarif_schema_is_the_draft_04_one():
    assert SARIF_SCHEMA["$schema"] == "http://json-schema.org/draft-04/schema#"
    jsonschema.Draft4Validator.check_schema(SARIF_SCHEMA)
    assert not re.search(r'"\$ref":\s*"http', json.dumps(SARIF_SCHEMA))  # validates without the network


def test_sarif_is_valid_and_describes_every_rule_that_ran(tmp_path):
    (tmp_path / "empty.md").write_text("", encoding="utf-8")
    files = [EXECUTION, NO_GUARDRAIL, FAILING / "unfenced-communication.md"]
    result = protolint("--format", "sarif", "--pack", P11E, *files, tmp_path / "empty.md")
    assert result.returncode == 1
    document = json.loads(result.stdout)
    assert sarif_errors(document) == []
    (run,) = document["runs"]  # several files, one run

    ran = Linter([P11E]).run([str(f) for f in files])
    rules = {rule.id: rule for r in ran.results for rule in r.rules}
    driver = run["tool"]["driver"]
    assert driver["name"] == "protolint" and driver["version"] and driver["informationUri"].startswith("https://")
    assert [d["id"] for d in driver["rules"]] == list(rules)
    for descriptor in driver["rules"]:
        rule = rules[descriptor["id"]]
        assert descriptor["shortDescription"]["text"] == rule.summary
        assert rule.message in descriptor["help"]["text"]
        assert rule.rationale.strip() in descriptor["fullDescription"]["text"]
        assert descriptor["defaultConfiguration"]["level"] == {"error": "error", "warning": "warning", "info": "note"}[rule.severity]
        assert descriptor["properties"]["layer"] == rule.layer and descriptor["properties"]["pack"] == rule.pack

    expected = [(file["path"], f) for file in library_report(*files, pack=P11E)["files"] for f in file["findings"]]
    assert len(run["results"]) == len(expected) >= 6
    for sarif_result, (path, finding) in zip(run["results"], expected):
        assert driver["rules"][sarif_result["ruleIndex"]]["id"] == sarif_result["ruleId"] == finding["rule"]
        assert sarif_result["level"] == {"error": "error", "warning": "warning", "info": "note"}[finding["severity"]]
        assert sarif_result["message"]["text"] == finding["message"]
        location = sarif_result["locations"][0]["physicalLocation"]
        assert location["artifactLocation"] == {"uri": Path(path).relative_to(ROOT).as_posix(), "uriBaseId": "%SRCROOT%"}
        assert location["region"] == {"startLine": finding["line"], "endLine": finding["end_line"],
                                      "startColumn": finding["column"]}
    for path in {p for p, _ in expected}:  # the baseline's fingerprints, unique within a file
        mine = [(r["partialFingerprints"]["protolint/v1"], f["fingerprint"])
                for r, (p, f) in zip(run["results"], expected) if p == path]
        assert all(sarif == baseline for sarif, baseline in mine)
        assert len({sarif for sarif, _ in mine}) == len(mine)

    (invocation,) = run["invocations"]
    (notification,) = invocation["toolExecutionNotifications"]
    assert notification["level"] == "error" and notification["message"]["text"] == "empty file: nothing to check"


def test_sarif_uris_outside_the_working_directory_are_absolute(tmp_path):
    document = json.loads(protolint("--format", "sarif", NO_GUARDRAIL, cwd=tmp_path).stdout)
    assert sarif_errors(document) == []
    location = document["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert location == {"uri": NO_GUARDRAIL.resolve().as_uri()}


def test_sarif_fingerprints_survive_moved_lines(tmp_path):
    def fingerprints(text: str) -> list[str]:
        path = tmp_path / "11-production-deployment.md"
        path.write_text(text, encoding="utf-8")
        run = json.loads(protolint("--format", "sarif", path.name, cwd=tmp_path).stdout)["runs"][0]
        return [(r["ruleId"], r["partialFingerprints"]["protolint/v1"]) for r in run["results"]]

    original = NO_GUARDRAIL.read_text(encoding="utf-8")
    title, rest = original.split("\n", 1)
    moved = f"{title}\n\n<!-- a note that shifts every line -->\n\n{rest}"
    assert fingerprints(original) == fingerprints(moved) != []



def test_sarif_lists_suppressed_and_baselined_findings_as_suppressed_results_on_request(tmp_path):
    commented = PROTOCOLS / "suppressions" / "guardrail-suppressed.md"
    baseline = tmp_path / "baseline.json"
    assert protolint("--pack", P11E, "--write-baseline", baseline, NO_GUARDRAIL).returncode == 0
    args = ("--format", "sarif", "--pack", P11E, "--baseline", baseline, commented, NO_GUARDRAIL)

    hidden = json.loads(protolint(*args).stdout)
    assert sarif_errors(hidden) == [] and hidden["runs"][0]["results"] == []  # code scanning sees no alert

    shown = protolint(*args, "--show-suppressed")
    assert shown.returncode == 0
    document = json.loads(shown.stdout)
    assert sarif_errors(document) == []
    (run,) = document["runs"]
    listed = json.loads(protolint(*args, "--format", "json").stdout)
    expected = [(file["path"], s) for file in listed["files"] for s in file["suppressed"]]
    assert {s["suppressed_by"] for _, s in expected} == {"comment", "baseline"}
    assert len(run["results"]) == len(expected)
    for sarif_result, (path, suppressed) in zip(run["results"], expected):
        assert sarif_result["ruleId"] == suppressed["rule"]
        assert run["tool"]["driver"]["rules"][sarif_result["ruleIndex"]]["id"] == suppressed["rule"]
        assert sarif_result["locations"][0]["physicalLocation"]["region"]["startLine"] == suppressed["line"]
        assert sarif_result["partialFingerprints"]["protolint/v1"] == suppressed["fingerprint"]
        if suppressed["suppressed_by"] == "comment":
            assert sarif_result["suppressions"] == [{"kind": "inSource", "status": "accepted", "location": {
                "physicalLocation": {"artifactLocation": {"uri": Path(path).relative_to(ROOT).as_posix(),
                                                           "uriBaseId": "%SRCROOT%"},
                                     "region": {"startLine": suppressed["comment_line"]}}}}]
        else:
            assert sarif_result["suppressions"] == [{"kind": "external", "status": "accepted"}]


def test_sarif_describes_protolints_own_unused_suppression_finding(tmp_path):
    protocol = tmp_path / "11-production-deployment.md"
    title, rest = EXECUTION.read_text(encoding="utf-8").split("\n", 1)
    protocol.write_text(f"{title}\n<!-- protolint-disable-next-line core-L1-guardrail -->\n{rest}", encoding="utf-8")
    result = protolint("--format", "sarif", "--report-unused-suppressions", protocol.name, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert sarif_errors(document) == []
    run = document["runs"][0]
    (unused,) = run["results"]
    assert unused["ruleId"] == "protolint-unused-suppression" and unused["level"] == "warning"
    assert unused["locations"][0]["physicalLocation"]["region"]["startLine"] == 2
    descriptor = run["tool"]["driver"]["rules"][unused["ruleIndex"]]
    assert descriptor["id"] == "protolint-unused-suppression" and descriptor["shortDescription"]["text"]

# ---------------------------------------------------------------- junit

def test_junit_has_a_suite_per_file_and_a_case_per_rule(tmp_path):
    (tmp_path / "empty.md").write_text("", encoding="utf-8")
    files = [EXECUTION, NO_GUARDRAIL, FAILING / "unfenced-communication.md"]
    result = protolint("--format", "junit", "--pack", P11E, *files, tmp_path / "empty.md")
    root = ET.fromstring(result.stdout)
    assert root.tag == "testsuites"
    suites = root.findall("testsuite")
    assert len(suites) == 4

    expected = library_report(*files, pack=P11E)["files"]
    ran = Linter([P11E]).run([str(f) for f in files]).results
    for suite, file, checked in zip(suites, expected, ran):
        assert suite.get("name") == file["path"]
        properties = {p.get("name"): p.get("value") for p in suite.iter("property")}
        assert properties["verdict"] == file["verdict"] and properties["pack"] == P11E
        assert properties["score"] == f"{file['score']:g}"
        cases = suite.findall("testcase")
        assert [c.get("name") for c in cases] == [r.id for r in checked.rules] + ["verdict"]
        assert int(suite.get("tests")) == len(cases)
        failed = [c for c in cases if c.find("failure") is not None]
        assert int(suite.get("failures")) == len(failed)
        skipped = [c.get("name") for c in cases if c.find("skipped") is not None]
        assert skipped == list(file["unchecked"]) and int(suite.get("skipped")) == len(skipped)
        lost = {entry.split(" ")[0] for layer in file["layers"] for entry in layer["lost"]}
        found = {f["rule"] for f in file["findings"]} - set(skipped)
        assert {c.get("name") for c in failed} == lost | found | ({"verdict"} if file["verdict"] == "FAIL" else set())
        for finding in file["findings"]:
            if finding["rule"] in skipped:  # a rule that could not run says why in its <skipped>
                continue
            case = next(c for c in cases if c.get("name") == finding["rule"])
            assert case.get("classname") == finding["layer"]
            assert case.find("failure").get("type") == next(r.severity for r in checked.rules if r.id == finding["rule"])
            assert f"{file['path']}:{finding['line']}:{finding['column']}: " in case.find("failure").text

    problem = suites[3]
    assert (problem.get("errors"), problem.get("tests")) == ("1", "1")
    assert problem.find("testcase/error").get("message") == "empty file: nothing to check"
    assert int(root.get("tests")) == sum(int(s.get("tests")) for s in suites)
    assert int(root.get("failures")) == sum(int(s.get("failures")) for s in suites)


def test_junit_shows_a_verdict_failed_on_score_alone(tmp_path):
    strict = tmp_path / "strict.yaml"
    strict.write_text("pack: strict\nextends: [core]\nthreshold: 99\n", encoding="utf-8")
    file = library_report(NO_GUARDRAIL, pack=strict)["files"][0]
    assert file["verdict"] == "FAIL" and not any(f["severity"] == "error" for f in file["findings"])

    suite = ET.fromstring(protolint("--format", "junit", "--pack", strict, NO_GUARDRAIL).stdout).find("testsuite")
    verdict = suite.find("testcase[@name='verdict']")
    assert verdict.get("classname") == "strict"
    failure = verdict.find("failure")
    assert failure.get("type") == "verdict"
    assert f"score {file['score']:g} < threshold 99" in failure.get("message")
    assert all(f.get("type") != "error" for f in suite.iter("failure"))


def test_junit_stays_well_formed_with_control_characters(tmp_path):
    pack = tmp_path / "control.yaml"
    pack.write_text(ESCAPES_PACK.replace("100% sure", "bell \\a escape \\e <&> sure"), encoding="utf-8")
    result = protolint("--format", "junit", "--pack", pack, EXECUTION)
    failure = ET.fromstring(result.stdout).find(".//testcase[@name='esc-message']/failure")
    assert failure.get("message").startswith("bell \ufffd escape \ufffd <&> sure: a, b\r\nsecond line")


# ---------------------------------------------------------------- --output

def test_output_writes_the_chosen_format_while_stdout_keeps_the_text(tmp_path):
    target = tmp_path / "reports" / "protolint.sarif"
    target.parent.mkdir()
    target.write_text("stale", encoding="utf-8")
    result = protolint("--format", "sarif", "--output", target, "--pack", P11E, EXECUTION, NO_GUARDRAIL)
    assert result.returncode == 1
    assert "FAIL  " in result.stdout and "Layer" in result.stdout and "$schema" not in result.stdout
    document = json.loads(target.read_text(encoding="utf-8"))
    assert sarif_errors(document) == []
    findings = [f for file in library_report(EXECUTION, NO_GUARDRAIL, pack=P11E)["files"] for f in file["findings"]]
    assert [r["ruleId"] for r in document["runs"][0]["results"]] == [f["rule"] for f in findings]
    assert os.listdir(target.parent) == ["protolint.sarif"]  # no temp file left behind


def test_text_output_file_has_no_colour(tmp_path):
    target = tmp_path / "report.txt"
    result = protolint("--format", "text", "--output", target, NO_GUARDRAIL,
                       env={"NO_COLOR": None, "FORCE_COLOR": "1"})
    assert "\x1b[" in result.stdout  # the terminal still gets colour when forced
    written = target.read_text(encoding="utf-8")
    assert "\x1b[" not in written
    assert "core-L1-guardrail" in written and "L1 System-Level Decisions" in written and "PASS  " in written


def test_output_under_github_actions_keeps_annotations_on_stdout(tmp_path):
    target = tmp_path / "protolint.sarif"
    summary = tmp_path / "summary.md"
    result = protolint("--format", "sarif", "--output", target, "--pack", P11E, NO_GUARDRAIL,
                       env={"GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": str(summary)})
    assert result.returncode == 1
    findings = library_report(NO_GUARDRAIL, pack=P11E)["files"][0]["findings"]
    assert [(k, p["title"]) for k, p, _ in annotations(result.stdout)] == \
        [({"error": "error", "warning": "warning", "info": "notice"}[f["severity"]], f["rule"]) for f in findings]
    assert sarif_errors(json.loads(target.read_text(encoding="utf-8"))) == []
    assert "| `" in summary.read_text(encoding="utf-8")


def test_output_to_a_missing_directory_is_one_clear_error(tmp_path):
    target = tmp_path / "missing" / "report.json"
    result = protolint("--format", "json", "--output", target, EXECUTION)
    assert result.returncode == 2
    assert result.stderr.strip() == \
        f"protolint: error: {target}: cannot write the report: No such file or directory"
    assert "PASS" in result.stdout  # the report itself still reached the terminal


@pytest.mark.parametrize("name", ["json", "junit", "github"])
def test_every_format_goes_to_a_file(tmp_path, name):
    target = tmp_path / f"report.{name}"
    assert protolint("--format", name, "--output", target, EXECUTION).returncode == 0
    written = target.read_text(encoding="utf-8")
    assert (json.loads(written) if name == "json" else written) == library_report(EXECUTION, name=name)


def test_junit_reports_an_unused_suppression_as_a_failing_case(tmp_path):
    protocol = tmp_path / "11-production-deployment.md"
    title, rest = EXECUTION.read_text(encoding="utf-8").split("\n", 1)
    protocol.write_text(f"{title}\n<!-- protolint-disable-next-line core-L1-guardrail -->\n{rest}", encoding="utf-8")
    result = protolint("--format", "junit", "--report-unused-suppressions", protocol.name, cwd=tmp_path)
    suite = ET.fromstring(result.stdout).find("testsuite")
    case = suite.find("testcase[@name='protolint-unused-suppression']")
    failure = case.find("failure")
    assert failure.get("type") == "warning"
    assert failure.text.startswith(f"{protocol.name}:2:1: warning: ")
    assert int(suite.get("tests")) == len(suite.findall("testcase")) and int(suite.get("failures")) == 1
    assert suite.find("testcase[@name='verdict']/failure") is None
