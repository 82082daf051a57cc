"""The fix actions (fixes/), each with a case it mends and the exact edit, and
each refusal with why the fix is not made; the registry the pack schema and
`rules show` read; `Linter.fix` over files."""

from __future__ import annotations

from dataclasses import replace

import pytest

from conftest import FIXTURES, PROTOCOLS
from protolint import fixes
from protolint.errors import PackError
from protolint.fix import fix_text
from protolint.fixes import Edit, Failing, fix_action
from protolint.fixes.builtin import load_fix_actions
from protolint.fixing import FileFix
from protolint.form import Form, load_form
from protolint.packs import PackLoader
from protolint.parameters import Text
from protolint.results import Problem
from protolint.runner import Linter

FORM_FILE = FIXTURES / "forms" / "protocol-input-form-11-deployment-b999fbd.yaml"
FAILING = PROTOCOLS / "release-execution" / "failing"

ROLE = """\
# PROTOCOL 1: X

## AI ROLE AND MISSION

You are a **Release Manager**.
You ship.

More text.

## NEXT

x
"""

OWNER_RULE = """\
  - id: owner-named
    layer: L1
    summary: The mission names an owner
    message: No owner
    in: {{section: AI ROLE AND MISSION}}
    check: contains
    pattern: 'Owner:'
    fix: {fix}
"""


def pack_of(tmp_path, *rules: str):
    path = tmp_path / "pack.yaml"
    path.write_text("pack: fixes\nlayers: {L1: {name: System-Level Decisions}}\nrules:\n" + "".join(rules),
                    encoding="utf-8")
    return PackLoader().load(str(path))


def form_of(**data) -> Form:
    return Form("form.yaml", data, data, {})


def owner_pack(tmp_path, fix: str, *more: str):
    return pack_of(tmp_path, OWNER_RULE.format(fix=fix), *more)


# -- each action: a failure it mends, and the edit ---------------------------------------------------

@pytest.mark.parametrize("at, placed", [
    ("after_heading", "## AI ROLE AND MISSION\n\nOwner: Ana\n\nYou are a **Release Manager**.\nYou ship.\n\nMore text."),
    ("after_paragraph", "You are a **Release Manager**.\nYou ship.\n\nOwner: Ana\n\nMore text.\n\n## NEXT"),
    ("end", "You ship.\n\nMore text.\n\nOwner: Ana\n\n## NEXT"),
])
def test_insert_puts_the_forms_text_where_the_rule_says(tmp_path, at, placed):
    pack = owner_pack(tmp_path, f'{{action: insert, at: {at}, text: "Owner: {{{{ form.owner }}}}"}}')
    report = fix_text(ROLE, "p.md", pack, form_of(owner="Ana"))
    assert report.applied == [("owner-named", "inserted the form's text into 'AI ROLE AND MISSION'")]
    assert placed in report.text and report.text.count("Owner: Ana") == 1
    assert report.text.replace("Owner: Ana\n\n", "", 1) == ROLE


def test_insert_section_adds_the_blueprints_section_in_its_place():
    path = FAILING / "no-quality-gates.md"
    text = path.read_text(encoding="utf-8")
    report = fix_text(text, str(path), PackLoader().load("protocol-11-release-execution"), load_form(FORM_FILE))
    assert report.applied == [("P11E-sections-present",
                               "added section(s) '4. QUALITY GATES' from the release-execution blueprint")]
    headings = [line for line in report.text.splitlines() if line.startswith("## ")]
    assert headings[2:5] == ["## 3. INTEGRATION POINTS", "## 4. QUALITY GATES", "## 5. COMMUNICATION PROTOCOLS"]
    assert "### Gate 1: Go/No-Go Gate" in report.text


def test_replace_edits_each_node_the_check_failed_on_with_its_form_item():
    path = FAILING / "steps-without-markers.md"
    text = path.read_text(encoding="utf-8")
    report = fix_text(text, str(path), PackLoader().load("protocol-11-release-execution"), load_form(FORM_FILE))
    assert report.applied == [("form-L3-step-markers", "add the form's marker to the step's first line")]
    changed = [(a, b) for a, b in zip(text.split("\n"), report.text.split("\n")) if a != b]
    assert len(changed) == 9 and len(text.split("\n")) == len(report.text.split("\n"))
    assert ("1. **Verify Release Prerequisites:**", "1. **`[MUST]` Verify Release Prerequisites:**") in changed
    assert ("2. **Publish Release Communications:**",  # each step's marker is its own form item's
            "2. **`[GUIDELINE]` Publish Release Communications:**") in changed


STEPS_RULE = """\
  - id: steps-marked
    layer: L1
    summary: Every step is marked
    message: An unmarked step
    in: {section: WORKFLOW, select: items}
    check: contains
    each: true
    pattern: '\\[MUST\\]'
    fix: {action: replace, pattern: '^(\\d+\\.\\s+)([^\\[])', with: '\\1[MUST] \\2'}
"""


def test_replace_with_a_static_pattern(tmp_path):
    text = "# PROTOCOL 1: X\n\n## WORKFLOW\n\n1. Build\n2. [MUST] Test\n3. Ship\n"
    report = fix_text(text, "p.md", pack_of(tmp_path, STEPS_RULE))
    assert report.applied == [("steps-marked", "replaced text")]
    assert report.text == "# PROTOCOL 1: X\n\n## WORKFLOW\n\n1. [MUST] Build\n2. [MUST] Test\n3. [MUST] Ship\n"


FENCE_RULE = """\
  - id: templates-fenced
    layer: L1
    summary: Templates are fenced
    message: A template outside a fence
    in: {section: COMMUNICATION}
    check: fenced
    pattern: '^\\s*(?:[-*]\\s+)?\\[[A-Z][^\\]]*\\]'
    fix: {action: fence}
"""


def test_fence_wraps_the_unfenced_template_lines(tmp_path):
    text = "# PROTOCOL 1: X\n\n## COMMUNICATION\n\n- [PHASE 1 START] - Beginning\n- [PHASE 1 COMPLETE] - Done\nSay it.\n"
    report = fix_text(text, "p.md", pack_of(tmp_path, FENCE_RULE))
    assert report.applied == [("templates-fenced", "fenced 2 template line(s) in 'COMMUNICATION'")]
    assert report.text == ("# PROTOCOL 1: X\n\n## COMMUNICATION\n\n```\n[PHASE 1 START] - Beginning\n"
                           "[PHASE 1 COMPLETE] - Done\n```\n\nSay it.\n")


ORDER_RULE = """\
  - id: sections-order
    layer: L1
    summary: Sections in order
    message: Out of order
    check: sections
    level: 2
    ordered: true
    required: [ROLE, WORKFLOW, GATES]
    fix: {{action: reorder{safe}}}
"""
UNORDERED = "# PROTOCOL 1: X\n\n## WORKFLOW\n\nw\n\n## ROLE\n\nr\n\n## NOTES\n\nn\n\n## GATES\n\ng\n"


def test_reorder_moves_the_named_sections_and_keeps_the_others_in_place(tmp_path):
    report = fix_text(UNORDERED, "p.md", pack_of(tmp_path, ORDER_RULE.format(safe="")), unsafe=True)
    assert report.applied == [("sections-order", "moved sections into the required order")]
    assert report.text == "# PROTOCOL 1: X\n\n## ROLE\n\nr\n\n## WORKFLOW\n\nw\n\n## NOTES\n\nn\n\n## GATES\n\ng\n"


def test_mend_replaces_each_reported_span_with_the_checks_mending():
    text = "# PROTOCOL 1: X\n\nDeploy\u200b only after\u200b approval.\n"
    report = fix_text(text, "p.md", PackLoader().load("trust"))
    assert report.applied == [("trust-hidden-characters", "removed the invisible characters")]
    assert report.text == "# PROTOCOL 1: X\n\nDeploy only after approval.\n"


# -- each refusal: why the fix is not made ------------------------------------------------------------

def test_an_unsafe_action_waits_for_consent_and_a_rule_may_call_it_safe(tmp_path):
    report = fix_text(UNORDERED, "p.md", pack_of(tmp_path, ORDER_RULE.format(safe="")))
    assert report.unsafe == ["sections-order"] and report.text == UNORDERED and not report.changed
    (tmp_path / "safe").mkdir()
    declared = fix_text(UNORDERED, "p.md", pack_of(tmp_path / "safe", ORDER_RULE.format(safe=", safe: true")))
    assert declared.applied == [("sections-order", "moved sections into the required order")]


@pytest.mark.parametrize("form, why, field", [
    (None, "needs the input form (--form FORM)", None),
    (form_of(), "the form has no owner", "owner"),
    (form_of(owner=" "), "the form's owner is empty or missing", "owner"),
])
def test_a_text_the_form_cannot_supply_is_unavailable_with_the_field_named(tmp_path, form, why, field):
    pack = owner_pack(tmp_path, '{action: insert, text: "Owner: {{ form.owner }}"}')
    report = fix_text(ROLE, "p.md", pack, form)
    assert report.unavailable == {"owner-named": why} and report.text == ROLE
    assert report.form_fields == ({"owner-named": field} if field else {})


def test_an_insert_into_a_missing_section_is_unavailable(tmp_path):
    pack = owner_pack(tmp_path, '{action: insert, text: "Owner: Ana"}')
    text = "# PROTOCOL 1: X\n\n## NEXT\n\nx\n"
    report = fix_text(text, "p.md", pack)
    assert report.unavailable == {"owner-named": "no section 'AI ROLE AND MISSION' to insert into"}


def test_a_replace_in_a_missing_section_has_nothing_to_edit(tmp_path):
    report = fix_text("# PROTOCOL 1: X\n\n## NEXT\n\n1. Build\n", "p.md", pack_of(tmp_path, STEPS_RULE))
    assert report.unavailable == {"steps-marked": "nothing to edit: no section 'WORKFLOW'"}


def test_a_fix_that_changes_nothing_is_refused(tmp_path):
    text = "# PROTOCOL 1: X\n\n## WORKFLOW\n\n1. [SHOULD] Build\n"
    report = fix_text(text, "p.md", pack_of(tmp_path, STEPS_RULE))
    assert report.unavailable == {"steps-marked": "the fix found nothing to change"} and report.text == text


def test_a_fix_that_does_not_mend_its_rule_is_not_kept(tmp_path):
    report = fix_text(ROLE, "p.md", owner_pack(tmp_path, '{action: insert, text: "Owner - Ana"}'))
    assert report.unavailable == {"owner-named": "its fix (inserted the form's text into 'AI ROLE AND MISSION') "
                                                 "was not kept: the rule still fails"}
    assert report.text == ROLE


def test_a_fix_that_breaks_a_passing_rule_is_not_kept(tmp_path):
    no_todo = ("  - id: no-placeholders\n    layer: L1\n    summary: No TODO\n    message: A TODO\n"
               "    in: {select: document}\n    check: absent\n    text: TODO\n")
    report = fix_text(ROLE, "p.md", owner_pack(tmp_path, '{action: insert, text: "Owner: TODO"}', no_todo))
    assert report.unavailable["owner-named"].endswith("was not kept: it would break no-placeholders")
    assert report.text == ROLE


def test_a_fence_without_template_lines_to_fence_is_unavailable(tmp_path):
    text = "# PROTOCOL 1: X\n\n## COMMUNICATION\n\nSay it.\n"
    report = fix_text(text, "p.md", pack_of(tmp_path, FENCE_RULE))
    assert report.unavailable == {"templates-fenced": "no unfenced template lines in 'COMMUNICATION'"}


def test_a_mend_for_a_check_that_proposes_none_is_unavailable(tmp_path):
    report = fix_text(ROLE, "p.md", owner_pack(tmp_path, "{action: mend}"))
    assert report.unavailable == {"owner-named": "its check proposes no mending"}


def test_a_finding_hidden_by_a_comment_is_not_mended():
    text = ("# PROTOCOL 1: X\n\n<!-- protolint-disable-next-line trust-hidden-characters -->\n"
            "keep\u200b this\n\nbut not\u200b this\n")
    report = fix_text(text, "p.md", PackLoader().load("trust"))
    assert report.text == text.replace("not\u200b", "not")


@pytest.mark.parametrize("fix, problem", [
    ("{action: nonesuch}",
     "'nonesuch' is not a valid action; choose one of: fence, insert, insert_section, mend, reorder, replace"),
    ("{action: insert}", "rules.0.fix is missing required key 'text'"),
    ("{action: insert, text: x, lines: '^x'}",
     "unknown key 'lines' in rules.0.fix; valid keys: action, at, description, safe, text"),
    ("{action: replace, pattern: '(', with: x}", "bad regular expression /(/: missing ): ("),
])
def test_a_fix_the_action_does_not_declare_fails_when_the_pack_loads(tmp_path, fix, problem):
    with pytest.raises(PackError) as error:
        owner_pack(tmp_path, fix)
    assert str(error.value) == f"{tmp_path / 'pack.yaml'}:11: rule owner-named: {problem}"


# -- the registry ------------------------------------------------------------------------------------

def test_the_pack_schema_offers_exactly_the_registered_actions_and_their_parameters():
    from protolint.schema import build_pack_schema

    fix = build_pack_schema()["definitions"]["fix"]
    actions = load_fix_actions()
    assert fix["properties"]["action"]["enum"] == sorted(actions) == \
        ["fence", "insert", "insert_section", "mend", "reorder", "replace"]
    for branch in fix["allOf"]:
        action = actions[branch["if"]["properties"]["action"]["const"]]
        assert set(branch["then"]["properties"]) == {"action", "safe", "description", *action.parameters}
    assert [name for name, action in actions.items() if not action.safe] == ["reorder"]


def test_rules_show_reads_the_declared_safety(tmp_path):
    from protolint.report.explain import explain_rule

    unsafe = pack_of(tmp_path, ORDER_RULE.format(safe="")).rules[0]
    assert "  fix       reorder (unsafe: --unsafe-fixes)" in explain_rule(unsafe).splitlines()
    assert "  fix       reorder" in explain_rule(replace(unsafe, fix={"action": "reorder", "safe": True})).splitlines()


def test_a_registered_action_is_in_the_schema_and_fixes(tmp_path, monkeypatch):
    from protolint.schema import build_fix_schema

    monkeypatch.setattr(fixes, "ACTIONS", dict(load_fix_actions()))

    @fix_action("uppercase_title", parameters={"suffix": Text("what to add")})
    def uppercase_title(failing: Failing) -> Edit:
        lines = failing.lines()
        lines[0] = lines[0].upper() + failing.fix.get("suffix", "")
        return Edit("\n".join(lines), "shouted the title")

    schema = build_fix_schema()
    assert "uppercase_title" in schema["properties"]["action"]["enum"]
    branch = next(b for b in schema["allOf"] if b["if"]["properties"]["action"]["const"] == "uppercase_title")
    assert branch["then"]["properties"]["suffix"] == {"type": "string", "description": "what to add"}
    pack = pack_of(tmp_path, "  - id: loud\n    layer: L1\n    summary: s\n    message: m\n"
                             "    in: {select: title}\n    check: contains\n    pattern: 'PROTOCOL 1: X'\n")
    pack = replace(pack, rules=(replace(pack.rules[0], fix={"action": "uppercase_title", "suffix": "!"}),))
    report = fix_text("# Protocol 1: x\n", "p.md", pack)
    assert report.applied == [("loud", "shouted the title")] and report.text == "# PROTOCOL 1: X!\n"


def test_an_action_parameter_is_declared_with_a_type(monkeypatch):
    monkeypatch.setattr(fixes, "ACTIONS", dict(load_fix_actions()))
    with pytest.raises(TypeError, match="declare suffix with a type from protolint.parameters"):
        fix_action("untyped", parameters={"suffix": {"type": "string"}})(lambda failing: Edit("", ""))
    assert "untyped" not in fixes.ACTIONS
    assert load_fix_actions()["replace"].patterns == ("pattern",)  # a Regex parameter is checked at load


# -- Linter.fix: files in, before/after/report out, nothing written ------------------------------------

def test_linter_fix_mends_files_in_memory_and_names_what_it_cannot_read(tmp_path):
    fixable = tmp_path / "11-production-deployment.md"
    fixable.write_bytes((FAILING / "unfenced-communication.md").read_bytes().replace(b"\n", b"\r\n"))
    empty = tmp_path / "empty.md"
    empty.write_text("", encoding="utf-8")
    before = fixable.read_bytes()
    fixed = list(Linter(form=str(FORM_FILE)).fix([str(fixable), str(empty), str(tmp_path / "nonesuch.md")]))
    problems = [f for f in fixed if isinstance(f, Problem)]
    assert [(p.path, p.message) for p in problems] == [(str(tmp_path / "nonesuch.md"), "no such file or directory"),
                                                       (str(empty), "empty file: nothing to check")]
    [file] = [f for f in fixed if isinstance(f, FileFix)]
    assert file.path == fixable and file.changed and "\r" not in file.before
    assert [rule for rule, _ in file.report.applied] == ["core-L4-templates-fenced"]
    assert file.diff().startswith(f"--- a/{fixable}") and "+```" in file.diff()
    assert fixable.read_bytes() == before  # nothing written until asked
    file.write()
    assert fixable.read_bytes() == file.after.replace("\n", "\r\n").encode()  # stored as it was: CRLF


def test_linter_fix_reads_and_parses_each_file_once(tmp_path, monkeypatch):
    import protolint.runner as runner

    reads, parses = [], []
    read, parse = runner.read_protocol_bytes, runner.parse_document
    monkeypatch.setattr(runner, "read_protocol_bytes", lambda path: reads.append(path) or read(path))
    monkeypatch.setattr(runner, "parse_document", lambda *args: parses.append(args[1]) or parse(*args))
    monkeypatch.setattr("protolint.fix.parse_document", lambda *args: parses.append(args[1]) or parse(*args))
    good = PROTOCOLS / "release-execution" / "11-production-deployment.md"
    [fixed] = Linter(form=str(FORM_FILE)).fix([str(good)])
    assert not fixed.changed and reads == [good] and parses == [str(good)]
