"""The `max_words` check kind: selected nodes stay short enough to read at a glance
(a step, an announcement, a gate criterion)."""

from __future__ import annotations

from protolint.checks import Hit, check
from protolint.parameters import Number
from protolint.selectors import Scope


@check("max_words", parameters={"max": Number("most words a selected node may have", minimum=1)},
       required=("max",))
def max_words(scope: Scope, params: dict) -> list[Hit]:
    """Each selected node has at most `max` words; each longer one is a finding."""
    limit = params["max"]
    hits = []
    for node in scope.nodes:
        words = len(node.text.split())
        if words > limit:
            hits.append(Hit(node.line, f"{node.label!r} has {words} words, more than {limit}",
                            end_line=node.end_line))
    return hits
