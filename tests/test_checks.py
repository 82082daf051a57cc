"""Each check kind on its own: a passing and a failing case, and the place it points at."""

from __future__ import annotations

import pytest

from protolint.checks.builtin import load_builtin_checks

from protolint.parameters import compile_parameters
from protolint.parsing import parse_document
from protolint.selectors import compile_selector

KINDS = load_builtin_checks()

DOC = """# PROTOCOL 11: RELEASE (OPS COMPLIANT)

## 1. AI ROLE AND MISSION
You are a **Release Manager**. **[CRITICAL] Never skip approval.**

## 2. WORKFLOW
### STEP 1: Ready
1. **`[MUST]` Check:** halt if missing. Evidence: `.artifacts/deployment/a.json`
### STEP 2: Go
1. **Deploy:** run it. Evidence: `.artifacts/other/b.json`
### STEP 4: Done

## 3. INTEGRATION POINTS
### Inputs From
- Protocols 10, 04/09 provide the staging pack.
### Outputs To
- `12-monitoring-observability.md` and Protocol 5

## 4. QUALITY GATES
### Gate 1: Go/No-Go Gate
### Gate 2: Secret Gate

## 5. COMMUNICATION PROTOCOLS
- [PHASE 1 START] - unfenced
```
[PHASE 2 START] - fenced
```
"""


def run(kind: str, selector, **params):
    doc = parse_document(DOC, "p.md")
    compiled = compile_parameters(KINDS[kind], params)
    return list(KINDS[kind].function(compile_selector(selector).resolve(doc), compiled))


def test_present_passes_and_reports_the_missing_section():
    assert run("present", {"section": "QUALITY GATES"}) == []
    (hit,) = run("present", {"section": "HANDOFF CHECKLIST"})
    assert hit.missing_sections == ("handoff checklist",) and hit.line == 1


def test_count_bounds():
    assert run("count", {"select": "steps"}, min=3) == []
    (low,) = run("count", {"section": "WORKFLOW", "select": "steps"}, min=4)
    assert "found 3" in low.detail
    (high,) = run("count", {"select": "steps"}, max=2)
    assert high.line == 11  # the first step over the limit


def test_contains_somewhere_and_each():
    assert run("contains", {"section": "AI ROLE AND MISSION", "select": "body"}, pattern=r"(?i)\byou are\b") == []
    (miss,) = run("contains", {"section": "AI ROLE AND MISSION"}, text="Product Manager")
    assert miss.line == 3 and "not found in section '1. AI ROLE AND MISSION'" in miss.detail
    hits = run("contains", {"section": "WORKFLOW", "select": "steps"}, each=True, pattern=r"\[MUST\]")
    assert [h.line for h in hits] == [9, 11]


def test_contains_on_empty_selection_fails_clearly():
    (hit,) = run("contains", {"section": "WORKFLOW", "select": "tables"}, pattern="x")
    assert "nothing to check" in hit.detail


def test_absent_points_at_each_occurrence():
    hits = run("absent", {"select": "document"}, pattern=r"\.artifacts/other/")
    assert [(h.line, h.column) for h in hits] == [(10, 35)]
    assert run("absent", {"select": "document"}, text="TODO") == []


def test_sections_presence_and_order():
    assert run("sections", None, required=["AI ROLE AND MISSION", ["WORKFLOW", "EXECUTION STEPS"]]) == []
    (missing,) = run("sections", None, required=["AI ROLE AND MISSION", "HANDOFF CHECKLIST"])
    assert missing.missing_sections == ("handoff checklist",)
    (order,) = run("sections", None, ordered=True, required=["QUALITY GATES", "INTEGRATION POINTS"])
    assert order.line == 19 and "should come before" in order.detail


def test_fenced_flags_template_lines_outside_fences():
    pattern = r"(?m)^[ \t]*(?:[-*+][ \t]+)?\[[A-Z][A-Z0-9 ]+\][^\n]*"
    hits = run("fenced", {"section": "COMMUNICATION PROTOCOLS"}, pattern=pattern)
    assert [(h.line, h.column) for h in hits] == [(24, 1)]
    (none,) = run("fenced", {"section": "AI ROLE AND MISSION"}, min_blocks=1)
    assert "0 fenced code block(s)" in none.detail


def test_sequence_finds_the_gap():
    (gap,) = run("sequence", {"select": "steps"})
    assert gap.line == 11 and "expected step 3" in gap.detail


def test_protocol_refs_read_lists_and_file_names():
    assert run("protocol_refs", {"section": "INTEGRATION POINTS", "select": "subsections",
                                 "where": "(?i)inputs"}, numbers=[10, 4, 9]) == []
    assert run("protocol_refs", {"section": "INTEGRATION POINTS", "select": "subsections",
                                 "where": "(?i)outputs"}, numbers=[12, 5]) == []
    (hit,) = run("protocol_refs", {"section": "INTEGRATION POINTS", "select": "subsections",
                                   "where": "(?i)outputs"}, numbers=[12, 13])
    assert "Protocol 13 not referenced" in hit.detail


def test_path_prefix_all_and_min():
    hits = run("path_prefix", {"section": "WORKFLOW"}, prefix=".artifacts/deployment/", all=True)
    assert [(h.line, h.detail) for h in hits] == [(10, "'.artifacts/other/b.json' is not under .artifacts/deployment/")]
    (few,) = run("path_prefix", {"section": "AI ROLE AND MISSION"}, prefix=".artifacts/deployment/")
    assert "0 path(s)" in few.detail


def test_consistent_names_across_sections():
    hits = run("consistent_names", {"section": "QUALITY GATES", "select": "subsections"},
               extract=r"^Gate \d+: (.+)$", target={"section": "COMMUNICATION PROTOCOLS"})
    assert {h.line for h in hits} == {20, 21}
    assert run("consistent_names", {"section": "QUALITY GATES", "select": "subsections"},
               extract=r"^Gate \d+: (.+?) Gate$", target={"section": "QUALITY GATES"}) == []


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_every_kind_is_documented(kind):
    assert KINDS[kind].function.__doc__, f"check kind {kind} needs a docstring: `rules show` and README use it"
