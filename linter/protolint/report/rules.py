"""`protolint rules list`: each rule of the packs once (the first pack that
defines an id wins, as when packs are combined), as table rows or JSON."""

from __future__ import annotations

import json

from protolint.packs import Rule, RulePack

COLUMNS = ("Pack", "Rule", "Layer", "Severity", "Summary")


def unique_rules(packs: list[RulePack]) -> list[Rule]:
    seen: dict[str, Rule] = {}
    for pack in packs:
        for rule in pack.rules:
            seen.setdefault(rule.id, rule)
    return list(seen.values())


def rows(packs: list[RulePack]) -> list[list[str]]:
    return [[rule.pack, rule.id, rule.layer, rule.severity, rule.summary] for rule in unique_rules(packs)]


def render_json(packs: list[RulePack]) -> str:
    rules = [{"pack": rule.pack, "id": rule.id, "layer": rule.layer, "severity": rule.severity,
              "summary": rule.summary} for rule in unique_rules(packs)]
    return json.dumps({"rules": rules}, indent=2, ensure_ascii=False) + "\n"
