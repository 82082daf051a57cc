"""The engine's judgement of one document, read from its Result: each rule's
status, layer scores and the verdict, the cascade of a missing section, and
findings waived by a comment or the baseline."""

from __future__ import annotations

import textwrap

import pytest

from protolint.baseline import Baseline
from protolint.engine import Inputs, check_document
from protolint.packs import PackLoader
from protolint.parsing import parse_document
from protolint.results import BLOCKED, FAILED, NOT_CHECKED, PASSED

# L1 weighs 1, L2 weighs 3, L5 nothing.  Rule weights differ within a layer so
# that a score shows which rule failed.
PACK = """\
pack: engine
threshold: 60
layers:
  L1: {name: System-Level Decisions, weight: 1}
  L2: {name: Behavioral Control, weight: 3}
  L3: {name: Procedural Logic, weight: 1}
  L5: {name: Cognitive & Learning, weight: 0}
rules:
  - id: role
    layer: L1
    severity: error
    weight: 3
    essential: true
    summary: A role section
    message: No ROLE section
    in: {section: ROLE}
    check: present
  - id: persona
    layer: L1
    severity: warning
    weight: 1
    summary: A persona
    message: No persona
    in: {section: ROLE, select: body}
    check: contains
    pattern: '(?i)you are'
  - id: gates
    layer: L2
    severity: warning
    weight: 1
    essential: true
    summary: A gates section
    message: No QUALITY GATES section
    in: {section: QUALITY GATES}
    check: present
  - id: gates-measurable
    layer: L2
    severity: warning
    weight: 1
    essential: true
    summary: Gates name a threshold
    message: No measurable gate
    in: {section: QUALITY GATES}
    check: contains
    pattern: '\\d+%'
  - id: handoff
    layer: L3
    severity: info
    summary: A handoff names the next protocol
    message: No next protocol
    in: {section: HANDOFF}
    check: contains
    pattern: '(?i)protocol \\d+'
  - id: scripts
    layer: L3
    severity: warning
    summary: Scripts exist
    message: A script does not exist
    in: {select: document}
    check: files_exist
  - id: reflect
    layer: L5
    severity: warning
    summary: A reflection
    message: No reflection
    in: {select: document}
    check: contains
    text: reflect
"""

COMPLETE = """\
# PROTOCOL 1: X

## ROLE

You are a **Release Manager**.

## QUALITY GATES

- Coverage at least 80%

## HANDOFF

Hand over to Protocol 2 after running `tool.py`. We reflect.
"""


@pytest.fixture(scope="module")
def pack(tmp_path_factory):
    path = tmp_path_factory.mktemp("pack") / "engine.yaml"
    path.write_text(PACK, encoding="utf-8")
    return PackLoader().load(str(path))


def check(pack, text: str, path: str = "doc.md", **options):
    inputs = Inputs(project_root=options.pop("project_root", None))
    return check_document(parse_document(textwrap.dedent(text), path), pack, inputs, **options)


def states(result) -> dict[str, str]:
    return {status.rule.id: status.state for status in result.statuses}


def layer(result, layer_id: str):
    return next(layer for layer in result.layers if layer.id == layer_id)


# -- statuses and scores ----------------------------------------------------------------

def test_a_complete_document_passes_every_rule_it_could_check(pack, tmp_path):
    (tmp_path / "tool.py").write_text("", encoding="utf-8")
    result = check(pack, COMPLETE, project_root=tmp_path)
    assert set(states(result).values()) == {PASSED}
    assert result.findings == [] and result.score == 100.0 and result.passed and result.verdict == "PASS"
    assert [(l.id, l.score, l.rules, l.lost, l.missing) for l in result.layers] == [
        ("L1", 100.0, 2, (), False), ("L2", 100.0, 2, (), False), ("L3", 100.0, 2, (), False),
        ("L5", 100.0, 1, (), False)]


def test_a_rule_without_its_input_is_not_checked_and_left_out_of_the_score(pack):
    result = check(pack, COMPLETE)  # no project root for `scripts`
    (scripts,) = [s for s in result.statuses if s.rule.id == "scripts"]
    assert (scripts.state, scripts.reason, scripts.findings) == (
        NOT_CHECKED, "needs the project root: give --project-root DIR", ())
    assert result.unchecked == ("scripts",) and layer(result, "L3").rules == 1
    assert result.score == 100.0 and result.passed


def test_a_layer_scores_the_passing_share_of_its_rules_weight(pack):
    result = check(pack, COMPLETE.replace("You are a", "The"))
    assert states(result)["persona"] == FAILED
    assert (layer(result, "L1").score, layer(result, "L1").lost) == (75.0, ("persona",))
    # L1 75 (weight 1), L2 100 (weight 3), L3 100 (weight 1); L5 weighs nothing
    assert result.score == 95.0
    assert result.passed  # a warning rule failed, the score is above the threshold


def test_an_error_rule_fails_the_verdict_whatever_the_score(pack):
    result = check(pack, COMPLETE.replace("## ROLE", "## PURPOSE"))
    assert states(result)["role"] == FAILED and result.rules[0].severity == "error"
    assert result.score >= pack.threshold and not result.passed and result.verdict == "FAIL"


def test_a_score_under_the_threshold_fails_without_an_error_rule(pack):
    result = check(pack, COMPLETE.replace("QUALITY GATES", "NOTES"))
    assert not any(s.counts_against and s.rule.severity == "error" for s in result.statuses)
    assert result.score == 40.0 and not result.passed  # L2 lost everything: (100 + 0 * 3 + 100) / 5


def test_a_layer_is_missing_when_every_essential_rule_counts_against_it(pack):
    one_of_two = check(pack, COMPLETE.replace("80%", "most"))
    assert states(one_of_two)["gates-measurable"] == FAILED
    assert not layer(one_of_two, "L2").missing and one_of_two.missing_layers == []
    both = check(pack, COMPLETE.replace("QUALITY GATES", "NOTES"))
    assert layer(both, "L2").missing and both.missing_layers == ["L2"]


def test_a_statuss_findings_are_the_results_findings_of_that_rule(pack):
    result = check(pack, COMPLETE.replace("Coverage at least 80%", "TODO"))
    for status in result.statuses:
        assert list(status.findings) == [f for f in result.findings if f.rule_id == status.rule.id]
        assert (status.state == FAILED) == bool(status.findings)


# -- the blocked cascade ----------------------------------------------------------------

def test_rules_needing_a_missing_section_are_blocked_behind_the_one_finding_that_reports_it(pack):
    result = check(pack, COMPLETE.replace("QUALITY GATES", "NOTES"))
    (gates,) = [s for s in result.statuses if s.rule.id == "gates"]
    (measurable,) = [s for s in result.statuses if s.rule.id == "gates-measurable"]
    assert gates.state == FAILED and [f.missing_sections for f in gates.findings] == [("quality gates",)]
    assert (measurable.state, measurable.reason, measurable.findings) == (
        BLOCKED, "no section 'quality gates'", ())
    assert [f.rule_id for f in result.findings] == ["gates"]  # one finding per cause, not a cascade
    assert layer(result, "L2").lost == ("gates", "gates-measurable (no section 'quality gates')")


def test_a_blocked_rule_reports_the_absence_itself_when_no_other_rule_does(pack):
    result = check(pack, COMPLETE.replace("## HANDOFF", "## NEXT"))
    (handoff,) = [s for s in result.statuses if s.rule.id == "handoff"]
    assert handoff.state == FAILED
    (finding,) = handoff.findings
    assert (finding.line, finding.message) == (1, "No next protocol (no section 'handoff' to check)")
    assert layer(result, "L3").lost == ("handoff",)


# -- waivers: comments and the baseline -------------------------------------------------

def test_a_rule_whose_every_finding_is_suppressed_passes_and_scores(pack):
    text = COMPLETE.replace("You are a", "The")
    assert states(check(pack, text))["persona"] == FAILED  # the finding stands at the ROLE heading
    result = check(pack, text.replace("## ROLE", "<!-- protolint-disable-next-line persona -->\n## ROLE"))
    assert states(result)["persona"] == PASSED and result.score == 100.0 and result.findings == []
    assert [(s.finding.rule_id, s.by, s.comment_line) for s in result.suppressed] == [("persona", "comment", 3)]


def test_suppressing_the_missing_section_excuses_the_rules_it_blocked(pack):
    text = "<!-- protolint-disable-next-line gates -->\n" + COMPLETE.replace("QUALITY GATES", "NOTES")
    result = check(pack, text)
    assert states(result)["gates"] == PASSED and states(result)["gates-measurable"] == PASSED
    assert layer(result, "L2").lost == () and not layer(result, "L2").missing
    assert [s.finding.rule_id for s in result.suppressed] == ["gates"]


def test_a_blocked_rule_suppressed_by_name_at_the_title_passes_while_the_cause_still_counts(pack):
    text = "<!-- protolint-disable-next-line gates-measurable -->\n" + COMPLETE.replace("QUALITY GATES", "NOTES")
    result = check(pack, text)
    assert states(result)["gates"] == FAILED and states(result)["gates-measurable"] == PASSED
    assert [s.finding.rule_id for s in result.suppressed] == ["gates-measurable"]


def test_a_baselined_finding_does_not_count(pack, tmp_path):
    text = COMPLETE.replace("You are a", "The")
    path = str(tmp_path / "doc.md")
    before = check(pack, text, path)
    (finding,) = before.findings
    baseline = Baseline(tmp_path / "baseline.json", frozenset({("doc.md", finding.rule_id, finding.fingerprint)}))
    after = check(pack, text, path, baseline=baseline)
    assert after.findings == [] and states(after)["persona"] == PASSED and after.score == 100.0
    assert [(s.finding, s.by, s.comment_line) for s in after.suppressed] == [(finding, "baseline", None)]
