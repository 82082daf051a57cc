"""`reorder`: the blocks of `##` sections the rule names moved into the rule's
order, other blocks kept in their places.  Unsafe: it moves whole sections, so
it needs `--unsafe-fixes`."""

from __future__ import annotations

from protolint.document import canonical_title
from protolint.fixes import Edit, Failing, Unavailable, fix_action


@fix_action("reorder", safe=False)
def reorder(failing: Failing) -> Edit:
    params, lines = failing.outcome.rule.params, failing.lines()
    order: dict[str, int] = {}
    for position, entry in enumerate(params.get("required", [])):
        for name in [entry] if isinstance(entry, str) else entry:
            order[canonical_title(name)] = position
    level = params.get("level", 2)
    tops = [s for s in failing.doc.sections if s.level == level]
    if not tops:
        raise Unavailable("no sections to reorder")
    preamble = lines[:tops[0].line - 1]
    blocks = []
    for position, section in enumerate(tops):
        end = tops[position + 1].line - 1 if position + 1 < len(tops) else len(lines)
        blocks.append((section.canonical, lines[section.line - 1:end]))
    named = [i for i, (name, _) in enumerate(blocks) if name in order]
    ordered = sorted((blocks[i] for i in named), key=lambda b: order[b[0]])
    for slot, block in zip(named, ordered):
        blocks[slot] = block
    out = list(preamble)
    for _, block in blocks:
        while block and not block[-1].strip():
            block = block[:-1]
        out += block + [""]
    return Edit("\n".join(out).rstrip("\n") + "\n", "moved sections into the required order")
