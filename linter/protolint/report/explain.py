"""`protolint rules show`: a rule explained for a person, as `ruff rule` does."""

from __future__ import annotations

import json
import re

from protolint.packs import Rule
from protolint.selectors import Selector, Union


def _shown(value):
    """A compiled parameter as the pack author wrote it."""
    if isinstance(value, re.Pattern):
        return value.pattern
    if isinstance(value, list):
        return [_shown(v) for v in value]
    if isinstance(value, (Selector, Union)):
        return value.spec
    return value


def explain_rule(rule: Rule) -> str:
    params = {k: _shown(v) for k, v in rule.params.items() if not k.startswith("_")}
    parts = [
        f"{rule.id}: {rule.summary}",
        "",
        f"  pack      {rule.pack} ({rule.source}:{rule.line})",
        f"  layer     {rule.layer}",
        f"  severity  {rule.severity}, weight {rule.weight:g}" + (", essential" if rule.essential else ""),
        f"  looks in  {json.dumps(rule.selector.spec, ensure_ascii=False)}",
        f"  check     {rule.kind.name} {json.dumps(params, ensure_ascii=False) if params else ''}".rstrip(),
        f"  message   {rule.message}",
    ]
    if rule.rationale:
        parts += ["", "Why", "", *("  " + line for line in rule.rationale.splitlines())]
    for label, key in (("Passes", "pass"), ("Fails", "fail")):
        if key in rule.examples:
            parts += ["", label, "", *("    " + line for line in rule.examples[key].rstrip().splitlines())]
    return "\n".join(parts) + "\n"
