"""`--workspace` and `protolint graph`: what protocols claim about each other,
checked against each other, and drawn."""

from __future__ import annotations

import json

from conftest import CORPUS, FIXTURES, expected_findings, needs_corpus, protolint, without_expectations
from protolint.runner import Linter

GOOD = FIXTURES / "workspace" / "good"
BROKEN = FIXTURES / "workspace" / "broken"


def workspace_findings(folder, workspace=True):
    run = Linter(["core"], workspace=workspace).run([str(folder)])
    return {(r.path.split("/")[-1], f.rule_id, f.line) for r in run.results for f in r.findings
            if f.rule_id.startswith("ws-")}, run


def test_a_consistent_workflow_has_no_workspace_finding():
    found, run = workspace_findings(GOOD)
    assert found == set()
    assert all("workspace" in r.pack for r in run.results)


def test_each_broken_claim_is_found_at_the_line_that_makes_it():
    """The broken workflow: Protocol 10 names no staging-report.json, 11 and 12
    feed each other, 11 keeps its evidence under protocol-15 and hands off to 12
    and to 13 (which does not exist), and two files claim Protocol 12.  Each file
    closes with the cross-protocol findings it expects (conftest.expected_findings)."""
    found, _ = workspace_findings(BROKEN)
    expected = {(path.name, rule, line) for path in BROKEN.glob("*.md") for line, rule, _ in expected_findings(path)}
    assert len(expected) == 9 and all(rule.startswith("ws-") for _, rule, _ in expected)
    assert found == expected


def test_the_expectation_comments_change_no_finding_and_no_graph(tmp_path):
    bare = tmp_path / "broken"
    bare.mkdir()
    for path in BROKEN.glob("*.md"):
        (bare / path.name).write_text(without_expectations(path.read_text(encoding="utf-8")), encoding="utf-8")
    assert any((bare / path.name).read_text(encoding="utf-8") != path.read_text(encoding="utf-8")
               for path in BROKEN.glob("*.md"))

    def everything(folder):
        run = Linter(["core"], workspace=True).run([str(folder)])
        return sorted((r.path.split("/")[-1], f.rule_id, f.line, f.message.replace(str(folder), ""))
                      for r in run.results for f in r.findings)

    assert everything(bare) == everything(BROKEN)
    graphs = [protolint("graph", folder, "--format", "json").stdout.replace(str(folder), "") for folder in (bare, BROKEN)]
    assert graphs[0] == graphs[1]


def test_without_workspace_the_cross_protocol_rules_are_not_run():
    found, run = workspace_findings(BROKEN, workspace=False)
    assert found == set() and all("workspace" not in r.pack for r in run.results)
    alone = protolint("check", BROKEN / "11-deployment.md", "--pack", "workspace", "--format", "json")
    assert {"ws-L3-input-sources", "ws-L3-unique-number"} <= set(json.loads(alone.stdout)["files"][0]["unchecked"])
    assert "ws-L3-own-number" not in json.loads(alone.stdout)["files"][0]["unchecked"]  # one file can break it


def test_workspace_findings_reach_every_report_format():
    sarif = json.loads(protolint("check", BROKEN, "--workspace", "--format", "sarif").stdout)
    rules = {r["ruleId"] for r in sarif["runs"][0]["results"]}
    assert {"ws-L3-input-sources", "ws-L3-unique-number", "ws-L3-handoff-targets"} <= rules
    github = protolint("check", BROKEN, "--workspace", "--format", "github").stdout
    assert "::error file=" in github and "line=16" in github and "ws-L3-handoff-targets" in github
    junit = protolint("check", BROKEN, "--workspace", "--format", "junit").stdout
    assert 'name="ws-L3-unique-number"' in junit


def test_graph_draws_handoffs_and_dashes_the_broken_ones():
    mermaid = protolint("graph", BROKEN).stdout
    assert mermaid.startswith("graph LR\n")
    assert 'P13(["13: not in the workspace"])' in mermaid and "P11 -.-> P13" in mermaid
    assert "P10 -->|staging-report.json, staging-validation-report.json| P11" in mermaid
    dot = protolint("graph", GOOD, "--format", "dot").stdout
    assert dot.startswith("digraph workflow {") and '"11" -> "12" [label="deployment-run-log.txt"];' in dot
    data = json.loads(protolint("graph", GOOD, "--format", "json").stdout)
    assert [n["protocol"] for n in data["nodes"]] == ["10", "11", "12"]
    assert not any(e["dangling"] for e in data["edges"])


@needs_corpus()
def test_the_corpus_workflow_has_the_broken_links_recorded_in_the_docs():
    found, _ = workspace_findings(CORPUS / "protocols")
    counts = {}
    for _, rule, _ in found:
        counts[rule] = counts.get(rule, 0) + 1
    assert counts == {"ws-L3-input-sources": 36, "ws-L3-input-order": 29, "ws-L3-own-number": 2}


def test_the_configuration_can_ask_for_the_workspace(tmp_path):
    from conftest import init_repository
    import shutil

    project = init_repository(tmp_path / "project")
    for path in BROKEN.glob("*.md"):
        shutil.copy(path, project / path.name)
    (project / "protolint.yaml").write_text("workspace: true\npacks: [core]\n", encoding="utf-8")
    done = protolint("check", ".", "--format", "json", cwd=project)
    rules = {f["rule"] for file in json.loads(done.stdout)["files"] for f in file["findings"]}
    assert "ws-L3-unique-number" in rules


def test_graph_with_a_path_it_could_not_read_exits_2_after_drawing_the_rest(tmp_path):
    from conftest import protolint

    done = protolint("graph", str(FIXTURES / "workspace" / "good"), str(tmp_path / "missing.md"))
    assert done.returncode == 2
    assert f"{tmp_path / 'missing.md'}: error: no such file or directory" in done.stderr
    assert done.stdout.strip()  # the protocols it could read are drawn
