"""Text inside the selected nodes: what must be said there, and what must not."""

from __future__ import annotations

import re

import re2

from protolint.checks import Hit, check, locate
from protolint.document import Node
from protolint.parameters import Flag, Regex, RegexList, Text, Texts
from protolint.regex import Pattern, compile_pattern
from protolint.selectors import Scope

_TEXTS = {
    "pattern": Regex("regular expression"),
    "patterns": RegexList("regular expressions, each must match"),
    "text": Text("literal text"),
    "texts": Texts("literal texts, each must appear"),
    "ignore_case": Flag(),
}


def with_needles(params: dict) -> dict:
    """Compile every pattern and text once, at pack load: (name for messages, pattern)."""
    return {**params, "_needles": needles(params)}


def needles(params: dict) -> list[tuple[str, Pattern]]:
    """(what to call it in a message, compiled pattern) for every pattern or text."""
    ignore_case = bool(params.get("ignore_case"))
    found: list[tuple[str, Pattern]] = []
    for compiled in ([params["pattern"]] if "pattern" in params else []) + list(params.get("patterns", [])):
        shown = f"/{compiled.pattern}/"
        found.append((shown, compile_pattern(compiled.pattern, ignore_case) if ignore_case else compiled))
    for literal in ([params["text"]] if "text" in params else []) + list(params.get("texts", [])):
        # A line break between two words of a literal is still the literal.
        found.append((repr(literal), compile_pattern(re.sub(r"(\\ )+", r"\\s+", re2.escape(literal)), ignore_case)))
    return found


def _first_match(nodes: list[Node], pattern: Pattern) -> bool:
    return any(pattern.search(node.text) for node in nodes)


@check("contains", parameters={
    **_TEXTS,
    "each": Flag("every selected node must contain it, not just one"),
    "vacuous": Flag("with `each`, an empty selection passes (whether there are any nodes is another rule's job)"),
}, requires_one_of=("pattern", "patterns", "text", "texts"), prepare=with_needles)
def contains(scope: Scope, params: dict) -> list[Hit]:
    """Each pattern/text appears in the selection (in every node with `each`)."""
    wanted = params["_needles"]
    if not scope.nodes and params.get("each") and params.get("vacuous"):
        return []
    if not scope.nodes:
        return [Hit(scope.anchor_line, f"nothing to check: no {scope.description}")]
    hits: list[Hit] = []
    if params.get("each"):
        for node in scope.nodes:
            absent = [name for name, pattern in wanted if not pattern.search(node.text)]
            if absent:
                hits.append(Hit(node.line, f"{node.label!r} lacks {', '.join(absent)}",
                                end_line=node.end_line))
        return hits
    for name, pattern in wanted:
        if not _first_match(scope.nodes, pattern):
            what = f"{name} not found" if len(wanted) > 1 else "not found"
            hits.append(Hit(scope.anchor_line, f"{what} in {scope.description}"))
    return hits


@check("absent", parameters=_TEXTS, requires_one_of=("pattern", "patterns", "text", "texts"),
       prepare=with_needles)
def absent(scope: Scope, params: dict) -> list[Hit]:
    """No pattern/text appears in the selection; each occurrence is a finding."""
    hits: list[Hit] = []
    for name, pattern in params["_needles"]:
        for node in scope.nodes:
            for match in pattern.finditer(node.text):
                line, column = locate(node, match.start())
                hits.append(Hit(line, f"{match.group(0)!r} matches {name}", column=column))
    return hits
