"""Patterns in packs are untrusted input: every one runs on RE2, in time linear
in the text, and one RE2 cannot take is rejected at load with one line."""

from __future__ import annotations

import textwrap

import pytest
import yaml

from conftest import ROOT, protolint_process
from protolint.errors import PackError
from protolint.packs import PackLoader
from protolint.regex import Pattern, PatternError, compile_pattern
from protolint.checks.text import needles

RULE = """
  - id: team-L1-x
    layer: L1
    summary: Something
    message: Something is missing
"""
REGEX_KEYS = {"pattern", "patterns", "extract", "where", "section_pattern", "titles", "labels", "not_titles",
              "lines"}  # a role's `title` is a name; a pack's applies_to.title is read below


def _patterns(value, key=None):
    """Every string the shipped YAML holds under a key that takes a regular expression."""
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _patterns(v, k)
    elif isinstance(value, list):
        for v in value:
            yield from _patterns(v, key)
    elif isinstance(value, str) and key in REGEX_KEYS:
        yield value


def _shipped_patterns() -> list[tuple[str, str]]:
    files = sorted((ROOT / "rules").glob("*.yaml")) + [ROOT / "rules" / "vocabulary" / "roles.yaml"]
    found = []
    for path in files:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        found += [(path.name, p) for p in _patterns(data)]
        title = (data.get("applies_to") or {}).get("title") if isinstance(data, dict) else None
        if title:
            found.append((path.name, title))
    return found


SHIPPED = _shipped_patterns()


def test_there_are_shipped_patterns_to_prove():
    assert len(SHIPPED) > 150
    assert {name for name, _ in SHIPPED} >= {"core.yaml", "roles.yaml", "form.yaml"}


@pytest.mark.parametrize("name, pattern", SHIPPED, ids=[f"{n}:{i}" for i, (n, _) in enumerate(SHIPPED)])
def test_every_shipped_pattern_is_linear_by_construction(name, pattern):
    """RE2 compiles only what it can match in time linear in the text (no
    backtracking), so compiling is the proof; a long adversarial line then runs
    each pattern once on input of the shape that made the old ones backtrack."""
    compiled = compile_pattern(pattern.replace("{{", "x").replace("}}", ""))
    line = "**[CRITICAL] " + "approv [MUST " * 4000 + "rollback halt until " * 500
    assert isinstance(compiled, Pattern)
    compiled.search(line)
    compiled.fullmatch("templates " * 5000 + "steps")


def test_the_loaded_packs_hold_only_re2_patterns(loader):
    seen = 0
    for pack in loader.load_all():
        for rule in pack.rules:
            for value in rule.params.values():
                for item in value if isinstance(value, list) else [value]:
                    if hasattr(item, "search"):
                        assert isinstance(item, Pattern), rule.id
                        seen += 1
    assert seen > 50


def test_the_guardrail_reads_one_line_with_all_three_in_any_order(loader):
    rule = next(r for r in loader.load("protocol-11-release-execution").rules if r.id == "P11E-guardrail")
    pattern = rule.params["pattern"]
    for line in ("🚫 [CRITICAL] Never deploy without approval and a rollback plan",
                 "Rollback ready and approvals in hand [CRITICAL]", "APPROVED? [CRITICAL] ROLLBACK"):
        assert pattern.search("other\n" + line + "\nmore"), line
    for text in ("[CRITICAL] approval\nrollback", "[CRITICAL] rollback only", "approval and rollback"):
        assert not pattern.search(text), text


def _pack(tmp_path, rules: str, extra: str = "") -> str:
    path = tmp_path / "team.yaml"
    path.write_text("pack: team\n" + textwrap.dedent(extra) + "rules:" + textwrap.dedent(rules), encoding="utf-8")
    return str(path)


@pytest.mark.parametrize("addition, line, words", [
    ("    check: contains\n    pattern: '(?=approve)approv'\n", 8, "lookahead (?=…) is not supported"),
    ("    check: absent\n    pattern: '(\\w+) \\1'\n", 8, "backreferences are not supported"),
    ("    check: contains\n    patterns: [ok, '(?<!no )go']\n", 8, "lookbehind (?<!…) is not supported"),
    ("    in: {section_pattern: '(?!intro).*'}\n    check: present\n", 7, "negative lookahead"),
    ("    in: {select: items, where: 'a\\Z'}\n    check: present\n", 7, "use \\z"),
])
def test_a_pattern_re2_cannot_take_is_rejected_at_load_with_its_place(tmp_path, addition, line, words):
    path = _pack(tmp_path, RULE + addition)
    with pytest.raises(PackError) as caught:
        PackLoader().load(path)
    error = caught.value
    assert words in error.problem and "RE2" in error.problem or "\\z" in error.problem
    assert (error.path, error.line, error.rule_id) == (path, line, "team-L1-x")
    assert str(error).startswith(f"{path}:{line}:") and "\n" not in str(error)


def test_role_titles_and_fix_patterns_are_checked_at_load_too(tmp_path):
    roles = _pack(tmp_path, RULE + "    check: present\n", "roles:\n  mine:\n    titles: ['(?!x)mine']\n")
    with pytest.raises(PackError, match="role's titles or labels: negative lookahead"):
        PackLoader().load(roles)
    fix = _pack(tmp_path, RULE + "    check: contains\n    pattern: ok\n"
                "    fix: {action: replace, pattern: '^(a)(?=b)', with: 'x'}\n")
    with pytest.raises(PackError, match="lookahead") as caught:
        PackLoader().load(fix)
    assert caught.value.line == 9


def test_a_templated_pattern_is_checked_at_load(tmp_path):
    path = _pack(tmp_path, RULE + "    for_each: phases[*]\n    check: contains\n"
                 "    pattern: '(?=[^\\n]*{{ item.phase_name }})x'\n")
    with pytest.raises(PackError, match="lookahead") as caught:
        PackLoader().load(path)
    assert caught.value.line == 9 and caught.value.rule_id == "team-L1-x"


def test_pattern_error_is_worded_for_the_author():
    with pytest.raises(PatternError, match="missing \\)"):
        compile_pattern("(unclosed")


def test_a_catastrophic_pattern_finishes_in_a_real_run(tmp_path):
    """`(a+)+$` backtracks exponentially on a's followed by a b: under a
    backtracking engine this run would not end (and Ctrl-C would not stop it)."""
    pack = _pack(tmp_path, RULE + "    check: absent\n    pattern: '(a+)+$'\n")
    doc = tmp_path / "p.md"
    doc.write_text("# PROTOCOL 1: X\n\n## AI ROLE AND MISSION\n\n" + ("a" * 40 + "b\n\n") * 200
                   + "a" * 30 + "\n", encoding="utf-8")
    result = protolint_process("check", "--isolated", "--pack", pack, doc)  # bounded by its timeout
    assert result.returncode == 1, result.stderr
    assert "team-L1-x" in result.stdout and "Traceback" not in result.stderr


def test_case_and_literals_behave_as_before():
    found = dict(needles({"text": "Release  notes?", "ignore_case": True, "pattern": compile_pattern("a.c")}))
    assert found["'Release  notes?'"].search("see RELEASE\nNOTES? here")
    assert not found["'Release  notes?'"].search("see release notes here")
    assert found["/a.c/"].search("xAbCx")


def test_ctrl_c_stops_a_run_with_a_heavy_pattern(tmp_path):
    """Each match is one short call into RE2, so SIGINT is seen between calls:
    the run ends (under a backtracking engine it sat inside one match forever)."""
    import os
    import signal
    import subprocess
    import sys
    import time

    pack = _pack(tmp_path, RULE + "    check: absent\n    pattern: '(a+)+$'\n")
    doc = tmp_path / "p.md"
    doc.write_text("# PROTOCOL 1: X\n\n" + ("a" * 60 + "b\n\n") * 20000, encoding="utf-8")
    child = subprocess.Popen([sys.executable, "-m", "protolint", "check", "--isolated", "--pack", pack, str(doc)],
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env={**os.environ, "NO_COLOR": "1"})
    time.sleep(1.5)
    child.send_signal(signal.SIGINT)
    child.communicate(timeout=60)  # raises TimeoutExpired when the run does not stop
    assert child.returncode in (0, 1, 130, -signal.SIGINT)  # interrupted (Aborted!), or done before the signal
