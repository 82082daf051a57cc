"""Form, not words: what must sit in a fenced block, and steps that run in order."""

from __future__ import annotations

from protolint.checks import Hit, Scope, check, locate
from protolint.document import Section


@check("fenced", parameters={
    "pattern": {"type": "string", "description": "lines that must only appear inside fenced code"},
    "min_blocks": {"type": "integer", "minimum": 0,
                   "description": "fenced blocks the selection must hold (default 1)"},
})
def fenced(scope: Scope, params: dict) -> list[Hit]:
    """Templates and commands belong in fenced blocks, where an agent copies them
    verbatim.  Lines matching `pattern` outside a fence are findings, and the
    selection must hold at least `min_blocks` fenced blocks."""
    doc = scope.document
    hits: list[Hit] = []
    spans = scope.nodes
    blocks = [b for span in spans for b in doc.within(doc.code_blocks, span) if b.fenced]
    wanted = params.get("min_blocks", 1)
    if len(blocks) < wanted:
        hits.append(Hit(scope.anchor_line,
                        f"{len(blocks)} fenced code block(s) in {scope.description}, expected at least {wanted}"))
    pattern = params.get("pattern")
    if pattern is None:
        return hits
    inside = {line for b in doc.code_blocks for line in range(b.line, b.end_line + 1)}
    for span in spans:
        for match in pattern.finditer(span.text):
            line, column = locate(span, match.start())
            if line not in inside:
                hits.append(Hit(line, f"{match.group(0).strip()!r} is outside a fenced block",
                                column=column))
    return hits


@check("sequence")
def sequence(scope: Scope, params: dict) -> list[Hit]:
    """Selected steps are numbered in reading order without gaps: STEP 1, 2, 3.
    A step numbered 0 or 1 starts a new sequence (a second workflow section)."""
    previous: tuple[int, ...] | None = None
    for node in scope.nodes:
        if not isinstance(node, Section) or node.step_number is None:
            continue
        number = tuple(int(part) for part in node.step_number.split("."))
        restart = number[0] <= 1 and all(part <= 1 for part in number[1:])
        if previous is not None and not restart and len(number) == len(previous) \
                and not _follows(previous, number):
            expected = ".".join(map(str, previous[:-1] + (previous[-1] + 1,)))
            return [Hit(node.line, f"{node.title!r} follows step {'.'.join(map(str, previous))}; "
                                   f"expected step {expected}", end_line=node.line)]
        previous = number
    return []


def _follows(previous: tuple[int, ...], number: tuple[int, ...]) -> bool:
    """Next at the same depth: the last part grows by one, or a higher part does
    and the lower ones restart (2.3 → 3.1)."""
    for depth in range(len(number)):
        if number[:depth] != previous[:depth]:
            return False
        if number[depth] == previous[depth] + 1:
            return all(part <= 1 for part in number[depth + 1:])
        if number[depth] != previous[depth]:
            return False
    return False
