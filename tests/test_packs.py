"""Loading packs: schema validation, extends, and one clear error per bad pack."""

from __future__ import annotations

import json
import textwrap

import pytest

from protolint.errors import PackError
from protolint.packs import PackLoader, shipped_pack_names
from protolint.schema import build_pack_schema, shipped_pack_schema

GOOD_RULE = """
  - id: my-rule
    layer: L1
    summary: Something
    message: Something is missing
    in: {section: AI ROLE AND MISSION}
    check: present
"""


def write(tmp_path, text, name="pack.yaml"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return str(path)


def error_of(tmp_path, text) -> PackError:
    with pytest.raises(PackError) as caught:
        PackLoader().load(write(tmp_path, text))
    return caught.value


def test_shipped_schema_is_the_generated_one():
    assert shipped_pack_schema() == json.loads(json.dumps(build_pack_schema())), \
        "run `make schema` after changing a check kind"


def test_every_shipped_pack_passes_the_schema_and_template_checks_a_users_pack_gets():
    """A run trusts the shipped packs (no jsonschema, no jinja2 at start-up); this is
    where they earn it."""
    verified = PackLoader(verify_shipped=True)
    for name in shipped_pack_names():
        assert verified.load(name).rules == PackLoader().load(name).rules


def test_a_shipped_pack_that_breaks_the_schema_is_caught_by_the_verifying_loader(tmp_path, monkeypatch):
    import protolint.packs as packs

    (tmp_path / "broken.yaml").write_text("pack: broken\nrules: [{id: x, layer: L1, summary: s, message: m, "
                                          "check: present, in: {section: ROLE}, colour: red}]\n")
    monkeypatch.setattr(packs, "shipped_packs_dir", lambda: tmp_path)
    assert PackLoader().load("broken").name == "broken"  # trusted: not validated at run time
    with pytest.raises(PackError, match="colour"):
        PackLoader(verify_shipped=True).load("broken")


def test_the_packs_ship_and_seed_packs_extend_core_and_form(loader):
    assert {"core", "form", "protocol-11-release-execution", "protocol-11-release-management"} <= set(shipped_pack_names())
    for name in ("protocol-11-release-execution", "protocol-11-release-management"):
        pack = loader.load(name)
        assert pack.lineage == (name, "core", "form")
        assert any(r.id.startswith("core-") for r in pack.rules)
        assert any(r.id.startswith("form-") and r.form_bound for r in pack.rules)
        assert "core-L1-prerequisites" not in {r.id for r in pack.rules}  # disabled by the seed packs


def test_user_pack_extends_core_and_overrides_a_rule(tmp_path):
    path = write(tmp_path, """
        pack: mine
        extends: [core]
        threshold: 50
        rules:
          - id: core-L1-guardrail
            layer: L1
            severity: error
            summary: Stricter guardrail
            message: No guardrail
            in: {section_pattern: '\\bai role\\b', select: bold}
            check: contains
            pattern: '\\[CRITICAL\\]'
    """)
    pack = PackLoader().load(path)
    rules = {r.id: r for r in pack.rules}
    assert rules["core-L1-guardrail"].severity == "error" and rules["core-L1-guardrail"].pack == "mine"
    assert pack.threshold == 50 and len(rules) == len(PackLoader().load("core").rules)


@pytest.mark.parametrize("text, line, rule_id, words", [
    ("pack: p\nrules:\n  - id: a\n    layer: L1\n  summary: [oops\n", 5, None, "YAML syntax error"),
    ("pack: p\nrules:" + GOOD_RULE + "    colour: red\n", 9, "my-rule", "unknown key 'colour'"),
    ("pack: p\nrules:" + GOOD_RULE.replace("check: present", "check: containz"), 8, "my-rule",
     "'containz' is not a valid check; choose one of: absent, characters, consistent_names, contains"),
    ("pack: p\nrules:" + GOOD_RULE.replace("check: present", "check: contains\n    pattern: '(unclosed'"), 9,
     "my-rule", "bad regular expression /(unclosed/"),
    ("pack: p\nrules:" + GOOD_RULE + GOOD_RULE, 10, "my-rule", "duplicate rule id 'my-rule'"),
    ("pack: p\nrules:" + GOOD_RULE.replace("layer: L1", "layer: L7"), 4, "my-rule", "layer 'L7' is not defined"),
    ("pack: p\nrules:" + GOOD_RULE.replace("check: present", "check: contains"), 3, "my-rule",
     "needs one of: pattern, patterns, text, texts"),
    ("pack: p\nrules:" + GOOD_RULE.replace("severity", "x").replace("layer: L1", "layer: L1\n    severity: fatal"), 5,
     "my-rule", "'fatal' is not a valid severity; choose one of: error, warning, info"),
    ("pack: p\nrules:" + GOOD_RULE + "    from_form: {field: 'phases[*', pattern: x}\n", 9, "my-rule",
     "bad form path"),
    ("pack: p\nrules:" + GOOD_RULE + "    from_form:\n      field: hooks[*]\n      pattern: '(unclosed'\n", 11,
     "my-rule", "bad regular expression /(unclosed/"),
    ("pack: p\nrules:" + GOOD_RULE + "    from_form: {field: hooks}\n", 9, "my-rule", "from_form"),
    ("pack: p\nextends: [nonesuch]\n", 2, None, "unknown pack 'nonesuch'; shipped packs: blueprint, core"),
    ("- just\n- a list\n", 1, None, "a pack is a YAML mapping"),
])
def test_bad_packs_are_one_clear_error(tmp_path, text, line, rule_id, words):
    error = error_of(tmp_path, text)
    assert words in str(error)
    assert error.line == line
    assert error.rule_id == rule_id
    assert str(error).startswith(str(tmp_path / "pack.yaml") + f":{line}:")


def test_extends_cycle_names_the_chain(tmp_path):
    write(tmp_path, "pack: a\nextends: [./b.yaml]\n", "a.yaml")
    write(tmp_path, "pack: b\nextends: [./a.yaml]\n", "b.yaml")
    with pytest.raises(PackError, match=r"extends cycle: a.yaml -> b.yaml -> a.yaml"):
        PackLoader().load(str(tmp_path / "a.yaml"))


def test_unknown_pack_name_lists_choices():
    with pytest.raises(PackError, match="shipped packs: blueprint, core, form, protocol-11-release-execution"):
        PackLoader().load("cor")


def test_a_packs_scope_is_where_the_compiled_pack_applies():
    scoped, compiled = PackLoader(), PackLoader()
    for name in shipped_pack_names():
        scope, pack = scoped.scope(name), compiled.load(name)
        assert (scope.name, scope.files, scope.lineage) == (pack.name, pack.files, pack.lineage)
        assert (scope.title.pattern if scope.title else None) == (pack.title.pattern if pack.title else None)
        for title in ("PROTOCOL 3: Project Brief Creation", "Release Management Workflow", None):
            assert scope.applies_to("docs/x.md", title) == pack.applies_to("docs/x.md", title)


def test_a_check_compiles_only_the_packs_that_apply_to_its_files(tmp_path):
    from protolint.runner import Linter

    protocol = tmp_path / "p.md"
    protocol.write_text("# PROTOCOL 3: Brief\n\n## 1. ROLE\n\nYou are a writer.\n", encoding="utf-8")
    linter = Linter()
    linter.run([str(protocol)])
    compiled = {pack.name for pack in linter.loader._compiled.values()}
    assert compiled == {"core", "trust"}  # not the protocol-11, blueprint, form or workspace packs


def test_an_extends_cycle_is_named_when_only_the_scope_is_read(tmp_path):
    (tmp_path / "a.yaml").write_text("pack: a\nextends: [./b.yaml]\nrules: []\n", encoding="utf-8")
    (tmp_path / "b.yaml").write_text("pack: b\nextends: [./a.yaml]\nrules: []\n", encoding="utf-8")
    with pytest.raises(PackError, match="extends cycle"):
        PackLoader().scope(str(tmp_path / "a.yaml"))
