"""`protolint rules show`: a rule explained for a person, as `ruff rule` does."""

from __future__ import annotations

import json

from protolint.packs import Rule
from protolint.regex import Pattern
from protolint.selectors import Selector, Union


def _shown(value):
    """A compiled parameter as the pack author wrote it."""
    if isinstance(value, Pattern):
        return value.pattern
    if isinstance(value, list):
        return [_shown(v) for v in value]
    if isinstance(value, dict):
        return {k: _shown(v) for k, v in value.items()}
    if isinstance(value, (Selector, Union)):
        return value.spec
    return value


def _roles_explained(looks_in) -> list[str]:
    """What each role the rule selects is, from the role vocabulary: the rule
    looks at parts by what they are, and this says what that is."""
    from protolint.roles import shipped_vocabulary

    specs = looks_in if isinstance(looks_in, list) else [looks_in]
    named: list[str] = []
    for spec in specs:
        role = spec.get("role") if isinstance(spec, dict) else None
        for name in [role] if isinstance(role, str) else list(role or []):
            if name not in named:
                named.append(name)
    summaries = {r.name: r.summary for r in shipped_vocabulary().roles}
    return [f"  role      {name}: {summaries.get(name, 'not in the role vocabulary')}" for name in named]


def explain_rule(rule: Rule) -> str:
    if rule.form_bound:  # its parameters are templates, rendered per form item
        params = {k: rule.template[k] for k in rule.kind.parameters if k in rule.template}
        looks_in = rule.template.get("in")
    else:
        params = {k: _shown(v) for k, v in rule.params.items() if not k.startswith("_")}
        looks_in = rule.selector.spec
    parts = [
        f"{rule.id}: {rule.summary}",
        "",
        f"  pack      {rule.pack} ({rule.source}:{rule.line})",
        f"  layer     {rule.layer}",
        f"  severity  {rule.severity}, weight {rule.weight:g}" + (", essential" if rule.essential else ""),
        f"  looks in  {json.dumps(looks_in, ensure_ascii=False)}",
        *_roles_explained(looks_in),
        f"  check     {rule.kind.name} {json.dumps(params, ensure_ascii=False) if params else ''}".rstrip(),
        f"  message   {rule.message}",
    ]
    if rule.form_bound:
        parts.append(f"  for each  {rule.template['for_each']} (needs the input form)")
    if rule.from_form is not None:
        expects = rule.from_form.expects
        how = (f"{rule.from_form.kind.name} {json.dumps({k: _shown(v) for k, v in expects.items() if not k.startswith('_')}, ensure_ascii=False)}"
               if expects else "the rule's check")
        parts.append(f"  form      {rule.from_form.field}, checked with {how}: a failure it shares is a form omission")
    if rule.fix is not None:
        from protolint.fixes.builtin import load_fix_actions
        action = load_fix_actions().get(rule.fix["action"])
        safe = action is None or action.is_safe(rule.fix)
        parts.append(f"  fix       {rule.fix['action']}{'' if safe else ' (unsafe: --unsafe-fixes)'}"
                     + (f": {rule.fix['description']}" if rule.fix.get("description") else ""))
    from protolint.precision import describe
    measured = describe(rule.id)
    if measured:
        parts.append(f"  precision {measured}")
    if rule.rationale:
        parts += ["", "Why", "", *("  " + line for line in rule.rationale.splitlines())]
    for label, key in (("Passes", "pass"), ("Fails", "fail")):
        if key in rule.examples:
            parts += ["", label, "", *("    " + line for line in rule.examples[key].rstrip().splitlines())]
    return "\n".join(parts) + "\n"
