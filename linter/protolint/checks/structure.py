"""Form, not words: what must sit in a fenced block, and steps that run in order."""

from __future__ import annotations

from protolint.checks import Hit, check, locate
from protolint.document import Section
from protolint.parameters import Literal, Number, Regex
from protolint.selectors import Scope


@check("fenced", parameters={
    "pattern": Regex("lines that must only appear inside fenced code"),
    "min_blocks": Number("fenced blocks the selection must hold (default 1)", minimum=0),
}, needs_document=True)
def fenced(scope: Scope, params: dict) -> list[Hit]:
    """Templates and commands belong in fenced blocks, where an agent copies them
    verbatim.  Lines matching `pattern` outside a fence make one finding per
    selected section, with their count and the first of them (one unfenced
    section is one thing to fix, not twenty-five); the selection must also hold
    at least `min_blocks` fenced blocks."""
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
        outside = []
        for match in pattern.finditer(span.text):
            line, column = locate(span, match.start())
            if line not in inside and line not in doc.foreign_lines:
                outside.append((line, column, match.group(0).strip()))
        if outside:
            line, column, text = outside[0]
            where = f" in {span.title!r}" if isinstance(span, Section) else ""
            count = f"{len(outside)} template lines are" if len(outside) > 1 else "a template line is"
            hits.append(Hit(line, f"{count} outside a fenced block{where}, the first: {text!r}",
                            column=column, end_line=outside[-1][0]))
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


_ROLES = {"type": "array", "items": {"type": "string"}, "minItems": 2}


def _top_level(doc) -> list[Section]:
    """The protocol's own top-level sections (children of the H1), with a role."""
    if doc.title is not None:
        top = doc.title.children
    else:
        shallowest = min((s.level for s in doc.sections), default=2)
        top = [s for s in doc.sections if s.level == shallowest]
    return [s for s in top if s.role and s.line not in doc.foreign_lines]


@check("order", parameters={
    "order": Literal(_ROLES, "section roles in the order a reader expects them"),
    "tolerate": Literal({"type": "array", "items": {"type": "array", "items": {"type": "string"},
                                                    "minItems": 2, "maxItems": 2}},
                        "[A, B]: B may come before A (a known variant, not a finding)"),
}, required=["order"], reports_missing_sections=True, needs_document=True)
def order(scope: Scope, params: dict) -> list[Hit]:
    """Top-level sections keep the usual order of their roles.  Of the roles
    present (first copy of each), the longest run already in order stands; each
    section outside it is one finding naming the section it should follow or
    precede, so one misplaced section is one finding, not one per neighbour."""
    wanted = list(params["order"])
    tolerated = {tuple(pair) for pair in params.get("tolerate", ())}
    first: dict[str, Section] = {}
    for section in _top_level(scope.document):
        if section.role in wanted:
            first.setdefault(section.role, section)
    present = sorted(first.values(), key=lambda s: s.line)
    ranks = [wanted.index(s.role) for s in present]
    keep = _longest_increasing(ranks)
    hits: list[Hit] = []
    for index, section in enumerate(present):
        if index in keep:
            continue
        rank = ranks[index]
        # the kept section it is misplaced against: the first later-ranked one before it
        before = [present[k] for k in sorted(keep) if k < index and ranks[k] > rank]
        after = [present[k] for k in sorted(keep) if k > index and ranks[k] < rank]
        other = before[0] if before else after[-1]
        if ((other.role, section.role) if before else (section.role, other.role)) in tolerated:
            continue
        if before:
            text = f"{section.title!r} (line {section.line}) should come before {other.title!r} (line {other.line})"
        else:
            text = f"{section.title!r} (line {section.line}) should come after {other.title!r} (line {other.line})"
        hits.append(Hit(section.line, text, end_line=section.line))
    return hits


def _longest_increasing(ranks: list[int]) -> set[int]:
    """Indexes of one longest strictly increasing subsequence (earliest kept on ties)."""
    best: list[int] = [1] * len(ranks)
    previous: list[int | None] = [None] * len(ranks)
    for i in range(len(ranks)):
        for j in range(i):
            if ranks[j] < ranks[i] and best[j] + 1 > best[i]:
                best[i], previous[i] = best[j] + 1, j
    if not ranks:
        return set()
    index: int | None = max(range(len(ranks)), key=lambda i: (best[i], -i))
    kept: set[int] = set()
    while index is not None:
        kept.add(index)
        index = previous[index]
    return kept


@check("duplicates", parameters={
    "roles": Literal(_ROLES, "roles a protocol has once at the top level"),
}, required=["roles"], reports_missing_sections=True, needs_document=True)
def duplicates(scope: Scope, params: dict) -> list[Hit]:
    """A role twice at the top level, or a second STEP 1..N set, is usually
    merge damage: an agent meets two versions and follows either.  The finding
    points at the second copy and names the first."""
    doc = scope.document
    roles = set(params["roles"])
    seen: dict[str, Section] = {}
    hits: list[Hit] = []
    for section in _top_level(doc):
        if section.role not in roles:
            continue
        first = seen.setdefault(section.role, section)
        if first is not section:
            hits.append(Hit(section.line, f"{section.title!r} repeats {first.title!r} (line {first.line})",
                            end_line=section.end_line))
    parents = [doc.title] if doc.title else []
    for parent in parents + doc.sections:
        starts = [c for c in parent.children if not c.pseudo and c.step_number == "1"
                  and c.line not in doc.foreign_lines]
        if len(starts) > 1:
            hits.append(Hit(starts[1].line, f"a second step sequence starts at {starts[1].title!r} "
                                            f"(the first at line {starts[0].line})", end_line=starts[1].line))
    return hits


@check("fences", reports_missing_sections=True, needs_document=True)
def fences(scope: Scope, params: dict) -> list[Hit]:
    """A fence nested in another of the same kind closes it early, and an
    unclosed fence swallows the rest: what a renderer and an agent read is not
    what the author wrote."""
    hits = []
    for problem in scope.document.fence_problems:
        if problem.kind == "nested":
            text = (f"the fence opened at line {problem.line} is closed early by the fence nested "
                    f"at line {problem.end_line}; use a longer outer fence (````) or ~~~")
        else:
            text = f"the fence opened at line {problem.line} is never closed"
        hits.append(Hit(problem.line, text, end_line=problem.end_line))
    return hits
