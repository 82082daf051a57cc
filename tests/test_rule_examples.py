"""Every shipped rule carries an example that passes it and one that fails it
(`protolint rules show` prints them).  Here each example is checked against its
own rule alone, so the documentation cannot drift from the behaviour."""

from __future__ import annotations

from pathlib import Path

import pytest

import yaml

from protolint.engine import Inputs, check_document
from protolint.packs import PackLoader, RulePack
from protolint.parsing import parse_document
from protolint.workspace import Workspace

_loader = PackLoader()
# The project the examples' automation commands run in (for files_exist rules).
_project = Path(__file__).parent / "data" / "example-project"
RULES = {rule.id: rule for pack in _loader.load_all() for rule in pack.rules}


def _fails(rule, text: str) -> bool:
    layers = {**_loader.load("core").layers, **_loader.load(rule.pack).layers}
    alone = RulePack(name="alone", description="", source="", layers=layers, threshold=0, rules=(rule,))
    form = yaml.safe_load(rule.examples["form"]) if "form" in rule.examples else None
    doc = parse_document(text, "example.md")
    workspace = None
    if rule.kind.needs_workspace:  # the example among the other protocols it names
        others = [parse_document(body, name) for name, body in rule.examples.get("workspace", {}).items()]
        workspace = Workspace.of([doc, *others])
    result = check_document(doc, alone, Inputs(form, _project, workspace))
    # a trust rule fails without costing a layer its points: its findings say so
    return any(layer.lost for layer in result.layers) or bool(result.findings)


@pytest.mark.parametrize("rule_id", sorted(RULES))
def test_rule_has_both_examples(rule_id):
    examples = RULES[rule_id].examples
    assert {"pass", "fail"} <= set(examples), f"{rule_id} needs examples.pass and examples.fail"
    assert ("form" in examples) == RULES[rule_id].form_bound, f"{rule_id}: examples.form iff form-bound"


@pytest.mark.parametrize("rule_id", sorted(r for r in RULES if "pass" in RULES[r].examples))
def test_pass_example_passes(rule_id):
    rule = RULES[rule_id]
    assert not _fails(rule, rule.examples["pass"])


@pytest.mark.parametrize("rule_id", sorted(r for r in RULES if "fail" in RULES[r].examples))
def test_fail_example_fails(rule_id):
    rule = RULES[rule_id]
    assert _fails(rule, rule.examples["fail"])
