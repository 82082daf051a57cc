"""The check kinds: a small closed vocabulary of registered functions.

A rule in a pack names one kind (`check: contains`) and gives its parameters;
the kind does the work.  A new checklist item is a YAML rule, never new Python.
Each kind is one function `(scope, params) -> iterable of Hit`, registered
with its typed parameters (protolint.parameters): packs are validated against
the schema they make before they run, and compiled by them once.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from protolint.document import Node
from protolint.parameters import Parameter
from protolint.selectors import Scope


@dataclass(slots=True)
class Hit:
    """One failure of a check, at a place in the document."""

    line: int
    detail: str
    column: int = 1
    end_line: int | None = None
    missing_sections: tuple[str, ...] = ()
    length: int = 0
    """Characters from `column` that the hit is about, when it names a span
    that `replacement` mends (the `mend` fix action)."""
    replacement: str | None = None


CheckFunction = Callable[[Scope, dict[str, Any]], Iterable[Hit]]


@dataclass(frozen=True, slots=True)
class CheckKind:
    name: str
    function: CheckFunction
    parameters: dict[str, Parameter]
    required: tuple[str, ...] = ()
    requires_one_of: tuple[str, ...] = ()
    prepare: Callable[[dict[str, Any]], dict[str, Any]] | None = None
    """Work on the parameters done once when the pack is compiled, not per file."""
    reports_missing_sections: bool = False
    """True for kinds that report absent sections themselves (`present`,
    `sections`); other kinds are not run when their section is absent."""
    needs_project_root: bool = False
    needs_workspace: bool = False
    needs_document: bool = False
    """The kind reads the whole document, not only the selected nodes."""

    @property
    def judges_values(self) -> bool:
        """It can judge an input form's values as well as a document's nodes
        (a rule's `from_form`): it needs nothing but the nodes."""
        return not (self.needs_document or self.needs_workspace or self.needs_project_root)


REGISTRY: dict[str, CheckKind] = {}

FORM_VALUES_KIND = "contains"
"""The kind a rule's `from_form: {field: …, pattern: …}` runs on the form's
values, with the parameters given there, in place of the rule's own check."""


def check(name: str, parameters: dict[str, Parameter] | None = None, required: Iterable[str] = (),
          requires_one_of: Iterable[str] = (),
          prepare: Callable[[dict[str, Any]], dict[str, Any]] | None = None,
          reports_missing_sections: bool = False,
          needs_project_root: bool = False,
          needs_workspace: bool = False,
          needs_document: bool = False) -> Callable[[CheckFunction], CheckFunction]:
    untyped = [key for key, value in (parameters or {}).items() if not isinstance(value, Parameter)]
    if untyped:
        raise TypeError(f"check kind {name!r}: declare parameter(s) {', '.join(untyped)} with a type "
                        f"from protolint.parameters (Regex, Number, Literal…)")

    def register(function: CheckFunction) -> CheckFunction:
        known = REGISTRY.get(name)
        if known and (known.function.__module__, known.function.__qualname__) != \
                (function.__module__, function.__qualname__):
            raise ValueError(f"check kind {name!r} is already registered by {known.function.__module__}")
        REGISTRY[name] = CheckKind(name, function, parameters or {}, tuple(required),
                                   tuple(requires_one_of), prepare, reports_missing_sections,
                                   needs_project_root, needs_workspace, needs_document)
        return function
    return register


def locate(node: Node, offset: int) -> tuple[int, int]:
    """Line and column (1-based) of a character offset inside a node's text."""
    starts = _line_starts(node.text)
    index = bisect_right(starts, offset) - 1
    return node.line + index, offset - starts[index] + 1


@lru_cache(maxsize=4)
def _line_starts(text: str) -> list[int]:
    """Offsets where the text's lines start, found once per text: a rule that
    matches thousands of times in one big section locates each match by a
    search, not by reading the text up to it again.  A few texts are kept (the
    rules of one section run one after another): each may be a whole file."""
    return [0, *(match.end() for match in _NEWLINE.finditer(text))]


_NEWLINE = re.compile("\n")

