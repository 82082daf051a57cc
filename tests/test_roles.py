"""Section roles: a part is recognised by what it is, not by one spelling."""

from __future__ import annotations

from protolint.parsing import parse_document
from protolint.runner import Linter
from conftest import ROOT

PROTOCOL = """\
# PROTOCOL 7: SAMPLE

## AI Persona
I am a **Release Manager** who ships safely.

## Mission
Ship releases that can be rolled back.

## 1. RELEASE ALGORITHM
### STEP 1: Prepare
1. **`[MUST]` Prepare:** Halt if the change window is closed. Evidence: `.artifacts/p7/prep.md`
### STEP 2: Deploy
- run it

**Gate 1: Go/No-Go Gate**
- **Criteria:** checklist 100% complete

## 2. AUTOMATION HOOKS
### CI/CD Integration
```bash
python scripts/deploy.py
```

## 3. HANDOFF CHECKLIST
- [ ] evidence archived

## 4. OUTPUT TEMPLATE
### Quality Gates
- Gate 1: [criteria]
"""


def roles(text: str) -> list[tuple[str, str | None]]:
    return [(s.title, s.role) for s in parse_document(text).sections]


def test_parts_are_read_by_role_under_other_names():
    read = dict(roles(PROTOCOL))
    assert read["AI Persona"] == "role" and read["Mission"] == "mission"
    assert read["1. RELEASE ALGORITHM"] == "workflow" and read["STEP 1: Prepare"] == "step"
    assert read["Gate 1: Go/No-Go Gate"] == "gates"  # a bold paragraph standing alone is a heading
    assert read["CI/CD Integration"] is None  # under AUTOMATION HOOKS: not INTEGRATION POINTS
    assert read["3. HANDOFF CHECKLIST"] == "handoff"
    # everything under a template is an example, whatever its title says
    assert read["4. OUTPUT TEMPLATE"] == "example" and read["Quality Gates"] == "example"


def test_example_text_is_not_the_protocols_voice():
    doc = parse_document(PROTOCOL)
    template = next(s for s in doc.sections if s.title == "4. OUTPUT TEMPLATE")
    assert set(range(template.line, template.end_line + 1)) <= doc.foreign_lines
    fenced = parse_document("# P\n\n## WORKFLOW\n```markdown\n## QUALITY GATES\n```\n")
    assert {4, 5, 6} <= fenced.foreign_lines


def test_a_bold_sentence_is_no_heading_and_a_role_label_is_a_section():
    doc = parse_document("# P\n\n## AI ROLE\n\n**DO NOT deploy on Fridays.**\n\n"
                         "**Your Role:** You are a **Release Manager**.\n")
    assert [(s.title, s.pseudo, s.label_only) for s in doc.sections] == [
        ("AI ROLE", False, False), ("Your Role", True, True)]


def test_a_nested_fence_is_read_as_meant_and_reported():
    text = "# P\n\n## T\n```markdown\n# Inner\n```mermaid\ngraph\n```\n## Not a heading\n```\n\n## AFTER\n"
    doc = parse_document(text)
    assert [s.title for s in doc.sections] == ["T", "AFTER"]
    assert [(p.kind, p.line, p.end_line) for p in doc.fence_problems] == [("nested", 4, 6)]
    assert doc.code_blocks[0].content.startswith("# Inner\n```mermaid")
    unclosed = parse_document("# P\n\n```bash\nls\n")
    assert [(p.kind, p.line) for p in unclosed.fence_problems] == [("unclosed", 3)]


def test_core_judges_the_sample_by_roles():
    result = Linter(["core"]).check_text(PROTOCOL, "7-sample.md")
    failing = {f.rule_id for f in result.findings}
    for satisfied in ("core-L1-role-section", "core-L1-persona", "core-L1-mission", "core-L2-quality-gates",
                      "core-L2-halt-conditions", "core-L3-workflow-section", "core-L3-handoff",
                      "core-L3-automation-fenced"):
        assert satisfied not in failing
    # the template's "Quality Gates" is no QUALITY GATES section; CI/CD Integration is no integration
    assert {"core-L2-gates-section", "core-L3-integration"} <= failing


def test_order_names_both_sections_and_duplicates_point_at_the_second_copy():
    text = ("# P\n\n## AI ROLE\nYou are a **X**.\n\n## WORKFLOW\n### STEP 1: A\n### STEP 2: B\n"
            "## QUALITY GATES\n- pass criteria\n\n## INTEGRATION POINTS\n- `a.md`\n\n"
            "## HANDOFF CHECKLIST\n- [ ] done\n\n## HANDOFF CHECKLIST\n- [ ] again\n")
    findings = {f.rule_id: f for f in Linter(["core"]).check_text(text, "p.md").findings}
    order = findings["core-L3-section-order"]
    assert order.line == 12 and "'INTEGRATION POINTS'" in order.message and "'QUALITY GATES'" in order.message
    duplicate = findings["core-L3-duplicate-sections"]
    assert duplicate.line == 18 and "line 15" in duplicate.message


def test_a_second_step_sequence_in_one_section_is_a_duplicate():
    text = "# P\n\n## WORKFLOW\n### STEP 1: A\n### STEP 2: B\n### STEP 1: A again\n### STEP 2: B again\n"
    findings = [f for f in Linter(["core"]).check_text(text, "p.md").findings
                if f.rule_id == "core-L3-duplicate-sections"]
    assert [f.line for f in findings] == [6]
    nested = "# P\n\n## WORKFLOW\n### PHASE 1\n#### STEP 1: A\n### PHASE 2\n#### STEP 1: B\n"
    assert not [f for f in Linter(["core"]).check_text(nested, "p.md").findings
                if f.rule_id == "core-L3-duplicate-sections"]


def test_unfenced_templates_are_one_finding_per_section():
    text = ("# P\n\n## COMMUNICATION PROTOCOLS\n- `[INTAKE]` – legend, not a template\n"
            "- [PHASE 1 START] one\n- [PHASE 2 START] two\n- [05b GATE FAILED] three\n```\n[OK]\n```\n")
    findings = [f for f in Linter(["core"]).check_text(text, "p.md").findings
                if f.rule_id == "core-L4-templates-fenced"]
    assert len(findings) == 1 and findings[0].line == 5 and "3 template lines" in findings[0].message


def test_a_pack_naming_an_unknown_role_is_refused_with_a_suggestion(tmp_path):
    import pytest

    from protolint.errors import PackError
    from protolint.packs import PackLoader

    pack = tmp_path / "team.yaml"
    pack.write_text("pack: team\nrules:\n  - id: team-gates\n    layer: L2\n    summary: gates\n"
                    "    message: none\n    in: {role: gate}\n    check: present\n", encoding="utf-8")
    with pytest.raises(PackError) as raised:
        PackLoader().load(str(pack))
    assert "team.yaml:7" in str(raised.value) and "unknown section role 'gate'; did you mean 'gates'?" in str(raised.value)


def test_show_sections_prints_each_section_with_its_role():
    from conftest import PROTOCOLS, protolint

    shown = protolint("check", "--show-sections", PROTOCOLS / "release-execution" / "11-production-deployment.md")
    assert shown.returncode == 0
    assert "  # 4. QUALITY GATES -> gates" in shown.stdout
    assert "# Gate 1: Go/No-Go Gate -> gates" in shown.stdout
    assert "label Purpose -> mission" in shown.stdout


def test_a_pack_extends_the_role_vocabulary(tmp_path):
    """A team calls its gates "Exit Checks" and keeps a RUNBOOK section: its pack
    teaches the vocabulary both, and its rules select them like shipped roles."""
    pack = tmp_path / "team.yaml"
    pack.write_text(
        "pack: team\nextends: [core]\n"
        "roles:\n"
        "  gates: {titles: ['exit checks']}\n"
        "  runbook: {summary: the operator's runbook, titles: ['runbook( .*)?'], top: true}\n"
        "rules:\n"
        "  - id: team-L3-runbook\n    layer: L3\n    summary: a runbook\n    message: No RUNBOOK section\n"
        "    in: {role: runbook}\n    check: present\n", encoding="utf-8")
    text = ("# PROTOCOL 9: SAMPLE\n\n## WORKFLOW\n### STEP 1: A\n### STEP 2: B\n\n"
            "## Exit Checks\n- pass criteria: 100% of checks green\n\n## Runbook for operators\n- restart\n")
    failing = {f.rule_id for f in Linter([str(pack)]).check_text(text, "9-sample.md").findings}
    assert "team-L3-runbook" not in failing and "core-L2-quality-gates" not in failing
    shipped = {f.rule_id for f in Linter(["core"]).check_text(text, "9-sample.md").findings}
    assert "core-L2-quality-gates" in shipped  # the shipped vocabulary alone does not know "Exit Checks"


def test_all_roles_matched_at_once_read_every_section_as_the_roles_in_turn_do(monkeypatch):
    """Matching every role's titles at once is a shortcut: on every real
    protocol and fixture, each section gets the role that trying the roles one
    by one gives."""
    from protolint import roles
    from protolint.parsing import parse_document

    files = sorted(ROOT.parent.glob("shared/**/*.md")) + sorted((ROOT / "fixtures").rglob("*.md"))

    def read_all():
        return [[(s.line, s.role) for s in parse_document(f.read_text(encoding="utf-8", errors="replace"),
                                                          str(f)).sections] for f in files]

    combined = read_all()

    def one_by_one(self, section, top, above):
        for role in self.roles:
            pattern = role.labels if section.label_only else role.titles
            if pattern is not None and pattern.fullmatch(section.canonical) and self._stands(role, section, top, above):
                return role.name
        return None
    monkeypatch.setattr(roles.Vocabulary, "_role_of", one_by_one)
    assert read_all() == combined
