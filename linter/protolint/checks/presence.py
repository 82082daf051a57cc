"""Is it there, how many, in what order: the kinds that judge structure by presence."""

from __future__ import annotations

from protolint.checks import Hit, check
from protolint.document import canonical_title
from protolint.parameters import Flag, Literal, Number
from protolint.selectors import Scope

_NAMES = {"oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}, "minItems": 1}]}


@check("present", reports_missing_sections=True)
def present(scope: Scope, params: dict) -> list[Hit]:
    """The selector found something: the section exists, the section has steps, …"""
    if scope.missing:
        return [Hit(scope.anchor_line, "", missing_sections=tuple(scope.missing))]
    if not scope.nodes:
        return [Hit(scope.anchor_line, f"nothing found: {scope.description}")]
    return []


@check("count", parameters={"min": Number(minimum=0), "max": Number(minimum=0)},
       reports_missing_sections=True)
def count(scope: Scope, params: dict) -> list[Hit]:
    """The number of selected nodes lies within [min, max]."""
    found = len(scope.nodes)
    low, high = params.get("min"), params.get("max")
    if low is not None and found < low:
        return [Hit(scope.anchor_line, f"found {found} {scope.description}, expected at least {low}")]
    if high is not None and found > high:
        extra = scope.nodes[high]
        return [Hit(extra.line, f"found {found} {scope.description}, expected at most {high}",
                    end_line=extra.end_line)]
    return []


@check("sections", parameters={
    "required": Literal({"type": "array", "items": _NAMES, "minItems": 1}),
    "ordered": Flag(),
    "level": Number(minimum=1, maximum=6),
}, required=["required"], reports_missing_sections=True, needs_document=True)
def sections(scope: Scope, params: dict) -> list[Hit]:
    """The named sections exist (each entry may list alternative titles) and,
    with `ordered`, appear in the given order.  Looks at the whole document."""
    doc = scope.document
    level = params.get("level")
    hits: list[Hit] = []
    first_lines: list[tuple[int, str]] = []
    for entry in params["required"]:
        alternatives = [entry] if isinstance(entry, str) else list(entry)
        names = {canonical_title(a) for a in alternatives}
        found = doc.find_sections(names=names, level=level)
        if found:
            first_lines.append((found[0].line, found[0].title))
        elif not params.get("ordered"):
            hits.append(Hit(doc.title.line if doc.title else 1, f"no section {alternatives[0]!r}",
                            missing_sections=(canonical_title(alternatives[0]),)))
    if params.get("ordered"):
        for (line_a, title_a), (line_b, title_b) in zip(first_lines, first_lines[1:]):
            if line_b < line_a:
                hits.append(Hit(line_a, f"{title_a!r} (line {line_a}) should come before "
                                        f"{title_b!r} (line {line_b})"))
                break
    return hits
