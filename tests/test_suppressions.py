"""Inline suppressions: `<!-- protolint-disable… -->` comments, read from the
parser's HTML tokens, hide findings from the report and the score."""

from __future__ import annotations

import json
import textwrap

import pytest

from conftest import PROTOCOLS, protolint
from protolint.parsing import parse_directive, parse_document
from protolint.runner import Linter, read_protocol

SUPPRESSIONS = PROTOCOLS / "suppressions"
NO_GUARDRAIL = PROTOCOLS / "release-execution" / "failing" / "no-guardrail.md"
EXECUTION = "protocol-11-release-execution"

# A small pack whose findings land on predictable lines: every TODO and FIXME is
# one finding, and a rule that cannot run without a QUALITY GATES section.
TODO_PACK = """\
pack: todo
threshold: 100
rules:
  - id: no-todo
    layer: L3
    severity: error
    summary: No TODO left
    message: A TODO is left
    in: {select: document}
    check: absent
    text: TODO
  - id: no-fixme
    layer: L3
    severity: warning
    summary: No FIXME left
    message: A FIXME is left
    in: {select: document}
    check: absent
    text: FIXME
  - id: gates-present
    layer: L2
    severity: error
    summary: A quality gates section
    message: No quality gates section
    in: {section: QUALITY GATES}
    check: present
  - id: gates-measurable
    layer: L2
    severity: error
    summary: Gates name a threshold
    message: No measurable gate
    in: {section: QUALITY GATES}
    check: contains
    pattern: '\\d+%'
"""


@pytest.fixture()
def todo(tmp_path):
    """Check Markdown text against the TODO pack: (Result of check, pack path)."""
    pack = tmp_path / "todo.yaml"
    pack.write_text(TODO_PACK, encoding="utf-8")

    def check(text: str, report_unused: bool = False):
        linter = Linter([str(pack)], report_unused_suppressions=report_unused)
        return linter.check_text(textwrap.dedent(text), "doc.md")
    return check


def places(findings):
    return [(f.rule_id, f.line) for f in findings]


def hidden(result):
    return [(s.finding.rule_id, s.finding.line, s.comment_line) for s in result.suppressed]


# -- the comment syntax ---------------------------------------------------------------

@pytest.mark.parametrize("body, action, rules", [
    (" protolint-disable ", "disable", ()),
    (" protolint-disable no-todo ", "disable", ("no-todo",)),
    (" protolint-disable no-todo, no-fixme ", "disable", ("no-todo", "no-fixme")),
    (" protolint-disable no-todo,no-fixme  core-L1-guardrail ", "disable",
     ("no-todo", "no-fixme", "core-L1-guardrail")),
    ("\nprotolint-enable\n  no-todo\n", "enable", ("no-todo",)),
    (" protolint-disable-next-line P11E-guardrail ", "disable-next-line", ("P11E-guardrail",)),
    (" PROTOLINT-DISABLE-FILE no-todo ", "disable-file", ("no-todo",)),
])
def test_directive_forms(body, action, rules):
    directive = parse_directive(body, 3, 1, 3)
    assert (directive.action, directive.rules, directive.problem) == (action, rules, None)


@pytest.mark.parametrize("body, problem", [
    (" protolint-disabel no-todo ", "unknown directive 'protolint-disabel'; did you mean protolint-disable?"),
    (" protolint-disable-line no-todo ", "did you mean protolint-disable-file?"),
    (" protolint-off ", "use protolint-disable, protolint-enable, protolint-disable-next-line, "
                        "protolint-disable-file"),
    (" protolint-disable:no-todo ", "no space after 'protolint-disable'"),
    (" protolint-disable no-todo (accepted risk) ", "'(accepted' is not a rule id"),
])
def test_malformed_directives_say_why(body, problem):
    assert problem in parse_directive(body, 1, 1, 1).problem


@pytest.mark.parametrize("body", [" [Category: GUIDELINES-FORMATS] ", " protolint is run in CI ", ""])
def test_ordinary_comments_are_not_directives(body):
    assert parse_directive(body, 1, 1, 1) is None


def test_directives_come_from_html_tokens_never_from_code():
    doc = parse_document(textwrap.dedent("""\
        # PROTOCOL 1: X
        <!-- protolint-disable no-todo -->
        A paragraph
        that ends <!-- protolint-enable no-todo --> here.

        `<!-- protolint-disable-file -->` in a code span is text.

        ```markdown
        <!-- protolint-disable-file -->
        ```

            <!-- protolint-disable-file --> (an indented code block)

        <!--
        protolint-disable-next-line
        no-fixme
        -->
        - item <!-- protolint-disable-next-line no-todo -->
        """))
    assert [(d.action, d.rules, d.line, d.column, d.end_line) for d in doc.directives] == [
        ("disable", ("no-todo",), 2, 1, 2),
        ("enable", ("no-todo",), 4, 11, 4),
        ("disable-next-line", ("no-fixme",), 14, 1, 17),
        ("disable-next-line", ("no-todo",), 18, 8, 18),
    ]
    assert doc.lines[1] == "" and doc.lines[13:17] == ["", "", "", ""]  # comment blocks stay blank


# -- what a directive covers ----------------------------------------------------------

def test_disable_and_enable_cover_a_range(todo):
    result = todo("""\
        # PROTOCOL 1: X
        TODO one
        <!-- protolint-disable no-todo -->
        TODO two FIXME
        TODO three
        <!-- protolint-enable no-todo -->
        TODO four
        <!-- protolint-disable no-todo -->
        TODO to the end
        """)
    assert places(result.findings) == [("gates-present", 1), ("no-todo", 2), ("no-fixme", 4), ("no-todo", 7)]
    assert hidden(result) == [("no-todo", 4, 3), ("no-todo", 5, 3), ("no-todo", 9, 8)]


def test_enable_one_rule_inside_a_blanket_disable(todo):
    result = todo("""\
        # PROTOCOL 1: X
        <!-- protolint-disable -->
        TODO FIXME
        <!-- protolint-enable no-fixme -->
        TODO FIXME
        <!-- protolint-enable -->
        TODO
        """)
    assert places(result.findings) == [("gates-present", 1), ("no-fixme", 5), ("no-todo", 7)]
    assert hidden(result) == [("no-todo", 3, 2), ("no-fixme", 3, 2), ("no-todo", 5, 2)]


def test_an_inline_directive_starts_on_its_own_line(todo):
    result = todo("""\
        # PROTOCOL 1: X
        TODO here <!-- protolint-disable no-todo -->
        TODO below
        """)
    assert hidden(result) == [("no-todo", 2, 2), ("no-todo", 3, 2)]


def test_disable_next_line_skips_blank_lines_and_other_comments(todo):
    result = todo("""\
        # PROTOCOL 1: X
        <!-- protolint-disable-next-line no-todo -->

        <!-- why: the TODO is tracked in the release board -->
        TODO covered
        TODO not covered
        """)
    assert places(result.findings) == [("gates-present", 1), ("no-todo", 6)]
    assert hidden(result) == [("no-todo", 5, 2)]


def test_disable_file_covers_the_whole_file_wherever_it_stands(todo):
    result = todo("""\
        # PROTOCOL 1: X
        TODO one
        FIXME
        TODO two
        <!-- protolint-disable-file no-todo -->
        """)
    assert places(result.findings) == [("gates-present", 1), ("no-fixme", 3)]
    assert hidden(result) == [("no-todo", 2, 5), ("no-todo", 4, 5)]


def test_rule_ids_match_whatever_their_case(todo):
    result = todo("# PROTOCOL 1: X\n<!-- protolint-disable-next-line NO-TODO -->\nTODO\n")
    assert hidden(result) == [("no-todo", 3, 2)] and result.notices == []


# -- scoring --------------------------------------------------------------------------

def test_a_rule_whose_every_finding_is_suppressed_scores_as_passing(todo):
    text = """\
        # PROTOCOL 1: X
        ## QUALITY GATES
        - Coverage at least 80%
        TODO{}
        """
    failing = todo(text.format(""))
    assert not failing.passed and "no-todo" in failing.layers[1].lost
    result = todo(text.format(" <!-- protolint-disable no-todo -->"))
    assert result.findings == [] and hidden(result) == [("no-todo", 4, 4)]
    assert result.passed and result.score == 100.0


def test_suppressing_a_missing_section_excuses_the_rules_that_could_not_run(todo):
    """Findings about an absent section stand at the title line: a comment just
    above the H1 (or disable-file) suppresses them, and the rules that had
    nothing to look at are excused with them."""
    unsuppressed = todo("# PROTOCOL 1: X\n\nText.\n")
    (l2,) = [layer for layer in unsuppressed.layers if layer.id == "L2"]
    assert l2.lost == ("gates-present", "gates-measurable (no section 'quality gates')")
    result = todo("<!-- protolint-disable-next-line gates-present -->\n# PROTOCOL 1: X\n\nText.\n")
    assert result.findings == [] and hidden(result) == [("gates-present", 2, 1)]
    assert result.passed and all(layer.lost == () for layer in result.layers)


def test_a_rule_that_could_not_run_can_be_suppressed_by_name(todo):
    result = todo("# PROTOCOL 1: X\n\nText.\n<!-- protolint-disable-file gates-measurable -->\n")
    assert places(result.findings) == [("gates-present", 1)]  # the cause is still reported
    assert hidden(result) == [("gates-measurable", 1, 4)]
    (l2,) = [layer for layer in result.layers if layer.id == "L2"]
    assert l2.lost == ("gates-present",)


def test_a_blanket_disable_file_turns_every_rule_of_the_pack_off_and_is_a_finding(todo):
    result = todo("# PROTOCOL 1: X\n<!-- protolint-disable-file -->\nTODO FIXME\n")
    assert result.score == 100.0
    assert {s.finding.rule_id for s in result.suppressed} == {"gates-present", "no-todo", "no-fixme"}
    # as ruff flags a blanket noqa: the comment itself is a trust finding, which it cannot hide
    assert places(result.findings) == [("trust-blanket-suppression", 2)] and not result.passed


# -- comments protolint cannot use -----------------------------------------------------

def test_unknown_ids_and_malformed_directives_warn_and_change_nothing(todo):
    result = todo("""\
        # PROTOCOL 1: X
        <!-- protolint-disable-next-line no-todoo, no-fixme -->
        TODO FIXME
        <!-- protolint-disabel no-todo -->
        TODO
        """)
    assert places(result.findings) == [("gates-present", 1), ("no-todo", 3), ("no-todo", 5)]
    assert hidden(result) == [("no-fixme", 3, 2)]  # the known id still works
    assert [(n.line, n.column, n.message) for n in result.notices] == [
        (2, 1, "unknown rule id 'no-todoo' in protolint-disable-next-line: no such rule in the pack "
               "for this file; did you mean no-todo?"),
        (4, 1, "unknown directive 'protolint-disabel'; did you mean protolint-disable?"),
    ]
    assert str(result.notices[0]).startswith("doc.md:2:1: warning: unknown rule id 'no-todoo'")


def test_a_rule_of_another_pack_is_unknown_for_this_file_not_unused():
    text = read_protocol(SUPPRESSIONS / "guardrail-suppressed.md")
    result = Linter(["core"], report_unused_suppressions=True).check_text(text, "guardrail-suppressed.md")
    assert "core-L1-guardrail" not in {f.rule_id for f in result.findings}
    assert hidden(result) == [("core-L1-guardrail", 7, 5)]
    assert [n.message.split(":")[0] for n in result.notices] == [
        "unknown rule id 'P11E-guardrail' in protolint-disable-next-line"]


# -- unused suppressions --------------------------------------------------------------

def test_unused_suppressions_are_findings_at_the_comment_only_on_request(todo):
    text = """\
        # PROTOCOL 1: X
        <!-- protolint-disable-next-line no-todo, no-fixme -->
        TODO
        <!-- protolint-disable -->
        All fine here.
        <!-- protolint-enable -->
        <!-- protolint-disable-file no-fixme -->
        """
    assert "protolint-unused-suppression" not in {f.rule_id for f in todo(text).findings}  # off by default
    result = todo(text, report_unused=True)
    unused = [f for f in result.findings if f.rule_id == "protolint-unused-suppression"]
    assert [(f.line, f.severity, f.layer, f.message) for f in unused] == [
        (2, "warning", None, "Unused suppression of no-fixme in 'protolint-disable-next-line no-todo no-fixme'"),
        (4, "warning", None, "Unused suppression: 'protolint-disable' hides no finding"),
        (7, "warning", None, "Unused suppression: 'protolint-disable-file no-fixme' hides no finding"),
    ]  # an `enable` never suppresses, so it is never unused
    assert result.score == todo(text).score  # not a rule of the pack: never scored


def test_an_unused_suppression_is_silenced_only_by_naming_it(todo):
    text = "# PROTOCOL 1: X\n<!-- protolint-disable-next-line no-todo -->\nText.\n{}"
    blanket = todo(text.format("<!-- protolint-disable-file -->\n"), report_unused=True)
    assert [f.line for f in blanket.findings if f.rule_id == "protolint-unused-suppression"] == [2]
    named = todo(text.format("<!-- protolint-disable-file protolint-unused-suppression -->\n"),
                 report_unused=True)
    assert places(named.findings) == [("gates-present", 1)]
    assert hidden(named) == [("protolint-unused-suppression", 2, 4)]


# -- the fixtures, as users meet them ----------------------------------------------------

def fixture_result(name, pack=EXECUTION):
    path = SUPPRESSIONS / name
    return Linter([pack], report_unused_suppressions=True).check_text(read_protocol(path), str(path))


def test_a_suppressed_guardrail_passes_and_is_listed():
    result = fixture_result("guardrail-suppressed.md")
    assert result.passed and result.findings == [] and result.notices == []
    assert hidden(result) == [("P11E-guardrail", 7, 5), ("core-L1-guardrail", 7, 5)]


def test_a_suppressed_missing_section_passes_with_its_gate_rules_excused():
    result = fixture_result("missing-gates-suppressed.md")
    assert result.passed and result.findings == [] and result.score == 100.0
    assert {s.finding.rule_id for s in result.suppressed} == {"P11E-sections-present", "core-L2-quality-gates",
                                                           "core-L2-gates-section"}


def test_directives_quoted_in_code_are_not_suppressions():
    result = fixture_result("quoted-directives.md")
    plain = Linter([EXECUTION]).check_text(read_protocol(NO_GUARDRAIL), str(NO_GUARDRAIL))
    assert {f.rule_id for f in result.findings} == {f.rule_id for f in plain.findings} == \
        {"P11E-guardrail", "core-L1-guardrail"}
    assert result.suppressed == [] and result.notices == [] and not result.passed


# -- the command line ----------------------------------------------------------------

def test_cli_counts_suppressed_findings_and_lists_them_on_request():
    path = SUPPRESSIONS / "guardrail-suppressed.md"
    quiet = protolint("--pack", EXECUTION, path)
    assert quiet.returncode == 0
    assert "P11E-guardrail" not in quiet.stdout and ", 2 suppressed" in quiet.stdout
    shown = protolint("--pack", EXECUTION, "--show-suppressed", path)
    assert shown.returncode == 0
    assert f"{path}:7:1  error    P11E-guardrail  " in shown.stdout
    assert "[suppressed by the comment on line 5]" in shown.stdout


def test_cli_lists_suppressed_findings_in_a_text_report_file_on_request(tmp_path):
    path, report = SUPPRESSIONS / "guardrail-suppressed.md", tmp_path / "report.txt"
    assert protolint("--pack", EXECUTION, "--output", report, "--show-suppressed", path).returncode == 0
    assert "[suppressed by the comment on line 5]" in report.read_text(encoding="utf-8")


def test_cli_json_always_carries_suppressed_findings_and_warnings(tmp_path):
    path = tmp_path / "11-production-deployment.md"
    path.write_text(read_protocol(SUPPRESSIONS / "guardrail-suppressed.md")
                    + "<!-- protolint-disable-file core-L9-nonesuch -->\n", encoding="utf-8")
    result = protolint("--format", "json", "--pack", EXECUTION, path)
    assert result.returncode == 0
    (file,) = json.loads(result.stdout)["files"]
    assert file["findings"] == []
    assert [(s["rule"], s["line"], s["suppressed_by"], s["comment_line"]) for s in file["suppressed"]] == [
        ("P11E-guardrail", 7, "comment", 5), ("core-L1-guardrail", 7, "comment", 5)]
    assert [w["message"].split(":")[0] for w in file["warnings"]] == [
        "unknown rule id 'core-L9-nonesuch' in protolint-disable-file"]
    assert json.loads(result.stdout)["summary"]["suppressed"] == 2
    assert result.stderr.startswith(f"{path}:")  # the warning also goes to stderr, as one line
    assert ": warning: unknown rule id 'core-L9-nonesuch'" in result.stderr


def test_cli_unused_suppressions_fail_only_with_fail_on_warning(tmp_path):
    path = tmp_path / "11-production-deployment.md"
    path.write_text(read_protocol(PROTOCOLS / "release-execution" / "11-production-deployment.md")
                    .replace("## 1. AI ROLE AND MISSION",
                             "<!-- protolint-disable-next-line P11E-guardrail -->\n## 1. AI ROLE AND MISSION"),
                    encoding="utf-8")
    assert protolint("--report-unused-suppressions", path).returncode == 0
    strict = protolint("--report-unused-suppressions", "--fail-on", "warning", path)
    assert strict.returncode == 1
    assert f"{path}:5:1  warning  protolint-unused-suppression  Unused suppression: " \
           "'protolint-disable-next-line P11E-guardrail' hides no finding" in strict.stdout
    assert protolint("--fail-on", "warning", path).returncode == 0  # not reported unless asked
