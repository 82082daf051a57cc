"""`protolint rules show`: a rule explained for a person, as `ruff rule` does."""

from __future__ import annotations

import json

from protolint.packs import Rule


def explain_rule(rule: Rule) -> str:
    params = {k: (v.pattern if hasattr(v, "pattern") else
                  [x.pattern if hasattr(x, "pattern") else x for x in v] if isinstance(v, list) else
                  v if isinstance(v, (str, int, float, bool)) else repr(v))
              for k, v in rule.params.items()}
    parts = [
        f"{rule.id}: {rule.summary}",
        "",
        f"  pack      {rule.pack} ({rule.source}:{rule.line})",
        f"  layer     {rule.layer}",
        f"  severity  {rule.severity}, weight {rule.weight:g}" + (", essential" if rule.essential else ""),
        f"  check     {rule.kind.name} {json.dumps(params, ensure_ascii=False) if params else ''}".rstrip(),
        f"  message   {rule.message}",
    ]
    if rule.rationale:
        parts += ["", "Why", "", *("  " + line for line in rule.rationale.splitlines())]
    for label, key in (("Passes", "pass"), ("Fails", "fail")):
        if key in rule.examples:
            parts += ["", label, "", *("    " + line for line in rule.examples[key].rstrip().splitlines())]
    return "\n".join(parts) + "\n"
