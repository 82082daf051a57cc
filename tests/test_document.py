"""The Document model: sections, spans, steps, items, markers, code — as a reader sees them."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from protolint.document import canonical_title
from protolint.parsing import parse_document

SAMPLE = """---
**MASTER RAY™ AI-Driven Workflow Protocol**
© 2025 - All Rights Reserved
---

# PROTOCOL 14 : NAME (RELEASE COMPLIANT)

<!-- [Category: GUIDELINES-FORMATS] You are a **Ghost** -->
## 1. AI ROLE AND MISSION

You are a **Release Manager**.

**🚫 [CRITICAL] DO NOT deploy without approval.**

## 2. WORKFLOW

### STEP 1: Prepare

1. **`[MUST]` Check:**
   * **Halt condition:** Stop if missing.
   > "[PHASE 1 START] - Preparing..."

```bash
# Run Protocol 12 (a shell comment, not a heading)
python scripts/check.py
```

### STEP 2: Deploy
- [ ] Evidence archived
- [x] Communications delivered [GUIDELINE]

| Gate | Criteria |
|------|----------|
| Go   | 100%     |
"""


def test_front_matter_banner_is_not_a_heading():
    doc = parse_document(SAMPLE)
    assert doc.front_matter.startswith("**MASTER RAY")
    assert doc.title.title == "PROTOCOL 14 : NAME (RELEASE COMPLIANT)"
    assert doc.title.line == 6


def test_sections_have_line_spans_and_canonical_titles():
    doc = parse_document(SAMPLE)
    spans = [(s.canonical, s.level, s.line, s.end_line) for s in doc.sections]
    assert spans == [
        ("ai role and mission", 2, 9, 13),
        ("workflow", 2, 15, 34),
        ("step 1 prepare", 3, 17, 26),
        ("step 2 deploy", 3, 28, 34),
    ]
    workflow = doc.sections[1]
    assert [c.canonical for c in workflow.children] == ["step 1 prepare", "step 2 deploy"]
    assert [s.step_number for s in doc.sections] == [None, None, "1", "2"]
    assert doc.sections[0].number == "1"


def test_hash_lines_in_fences_are_not_headings():
    doc = parse_document(SAMPLE)
    assert not any("shell comment" in s.title for s in doc.sections)
    (block,) = doc.code_blocks
    assert (block.info, block.line, block.end_line, block.fenced) == ("bash", 23, 26, True)
    assert "python scripts/check.py" in block.content


def test_items_checkboxes_quotes_tables_bold_markers():
    doc = parse_document(SAMPLE)
    boxes = [(i.line, i.checked) for i in doc.items if i.checked is not None]
    assert boxes == [(29, False), (30, True)]
    assert [q.line for q in doc.quotes] == [21]
    (table,) = doc.tables
    assert table.header == ["Gate", "Criteria"] and table.rows == [["Go", "100%"]]
    assert any(b.text == "Release Manager" and b.line == 11 for b in doc.bold)
    assert [(m.name, m.line, m.column) for m in doc.markers] == [
        ("CRITICAL", 13, 5), ("MUST", 19, 7), ("GUIDELINE", 30, 32)]


def test_html_comments_are_invisible_to_rules():
    doc = parse_document(SAMPLE)
    assert doc.lines[7] == ""
    assert not any(b.text == "Ghost" for b in doc.bold)


def test_canonical_titles_ignore_numbering_case_and_decoration():
    same = ["2. RELEASE MANAGEMENT WORKFLOW", "11. RELEASE MANAGEMENT WORKFLOW",
            "Release Management Workflow", "🚀 Release Management Workflow (LEGACY)"]
    assert {canonical_title(t) for t in same} == {"release management workflow"}
    assert canonical_title("00-CD. AI ROLE AND MISSION") == "ai role and mission"
    assert canonical_title("3.1 PHASE 1: Readiness & Approval") == "phase 1 readiness and approval"
    assert canonical_title("REFLECTION & LEARNING") == "reflection and learning"


def test_crlf_free_and_empty_inputs_parse():
    assert parse_document("").sections == []
    doc = parse_document("no heading at all\n")
    assert doc.title is None and doc.sections == []


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("#*-`>[]|:!\n 0123456789abcAB.")), max_size=400))
def test_any_text_builds_a_consistent_document(text):
    doc = parse_document(text)
    total = max(len(doc.lines), 1)
    for node in [*doc.sections, *doc.items, *doc.code_blocks, *doc.quotes, *doc.tables]:
        assert 1 <= node.line <= node.end_line <= total
    for parent in doc.sections:
        for child in parent.children:
            assert parent.line < child.line <= child.end_line <= parent.end_line


def test_lone_carriage_returns_are_line_breaks_for_the_api_too():
    from protolint.runner import Linter

    text = "# PROTOCOL 1: X\r## AI ROLE\rYou are a **Release Manager**.\r\r- a\r  b\r"
    doc = parse_document(text)
    assert [(s.title, s.line) for s in doc.sections] == [("AI ROLE", 2)]
    assert Linter(["core"]).check_text(text, "x.md").findings  # judged, no IndexError


def test_rules_that_select_alike_share_one_selection_per_document():
    from protolint.selectors import compile_selector

    doc = parse_document("# PROTOCOL 1: X\n\n## STEPS\n\n- Gate: one\n- two\n", "p.md")
    items = {"select": "items", "section": "STEPS"}
    first, again = compile_selector(dict(items)), compile_selector(dict(items))
    gates = compile_selector({**items, "where": "Gate"})
    assert first.resolve(doc).nodes is again.resolve(doc).nodes and again.resolve(doc).document is doc
    assert [n.label for n in gates.resolve(doc).nodes] == ["- Gate: one"]
    assert [n.label for n in first.resolve(doc).nodes] == ["- Gate: one", "- two"]
    other = parse_document("# PROTOCOL 1: X\n\n## STEPS\n\n- three\n", "q.md")
    assert [n.label for n in first.resolve(other).nodes] == ["- three"]


def test_a_checked_document_is_not_held_by_what_its_check_keeps():
    """A run checks thousands of files with the collector slowed down: nothing a
    check keeps (its result, the document's own selections) may point back at
    the document, or every document stays in memory until a collection."""
    import sys

    from protolint.engine import check_document
    from protolint.packs import PackLoader

    pack = PackLoader().load("core")
    doc = parse_document("# PROTOCOL 1: X\n\n## STEPS\n\n- Gate: one\n", "p.md")
    before = sys.getrefcount(doc)
    result = check_document(doc, pack)
    assert result.findings and doc.selected
    assert sys.getrefcount(doc) == before
