"""The fix actions: a small closed vocabulary of registered fixers, as the
check kinds are (checks/).

A rule's `fix:` in a pack names one action (`fix: {action: insert, text: …}`)
and gives its parameters; the action does the edit.  Each action is one module
with one function `(failing) -> Edit`, registered with its parameters, typed as
a check kind's are (`protolint.parameters`: the pack schema's `fix` is generated
from them, and a `Regex` one fails when the pack loads), and whether it is safe
by default: a safe fix keeps meaning and runs with `--fix`; an unsafe one
needs `--unsafe-fixes` (ruff's split).  A rule may say `safe:` itself.

A fixer edits where the engine looked: the scopes and hits the rule's outcome
keeps (`Outcome.judged`), never a search of its own.  When it cannot make its
edit it raises Unavailable saying why (and which form field would allow it).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from protolint.parameters import Flag, Parameter, Text

if TYPE_CHECKING:
    from protolint.document import Document, Section
    from protolint.engine import Judged, Outcome
    from protolint.form import Form
    from protolint.packs import RulePack

COMMON_PARAMETERS: dict[str, Parameter] = {
    "safe": Flag("run with --fix (true) or only with --unsafe-fixes (false); default: the action's"),
    "description": Text("what the fix did, as --fix reports it"),
}
"""What every action's `fix:` may say besides `action`."""


@dataclass(frozen=True, slots=True)
class Edit:
    """A fixer's work: the whole text after the edit, and what was done."""

    text: str
    description: str


class Unavailable(Exception):
    """This fix cannot be made here; the message says why, and `form_field`
    names the form field that would make it possible, when that is the cause."""

    def __init__(self, reason: str, form_field: str | None = None):
        super().__init__(reason)
        self.form_field = form_field


@dataclass(frozen=True, slots=True)
class Failing:
    """A failing rule in one document: what a fixer is given."""

    outcome: Outcome
    doc: Document
    text: str
    """The document's text as the fixer edits it (`doc` is its parse)."""
    form: Form | None
    pack: RulePack

    @property
    def fix(self) -> dict[str, Any]:
        """The rule's `fix:` as the pack wrote it."""
        return self.outcome.rule.fix

    def lines(self) -> list[str]:
        """The text's lines, a fresh list for the fixer to edit."""
        return self.text.split("\n")

    def anchor_section(self) -> Section:
        """The section the rule's selector anchored on where its check failed
        (else where it looked at all): where text is inserted or fenced."""
        places = sorted(self.outcome.judged, key=lambda place: not place.hits)
        for place in places:
            if place.scope.sections:
                return place.scope.sections[0]
        raise Unavailable(f"no section {self.outcome.rule.selector.shown_name or 'the document'!r} to insert into")

    def failed_places(self) -> list[Judged]:
        """Where the rule's check found something (or found its section missing)."""
        return [place for place in self.outcome.judged if place.hits or place.scope.missing]


FixFunction = Callable[[Failing], Edit]


@dataclass(frozen=True, slots=True)
class FixAction:
    name: str
    function: FixFunction
    parameters: dict[str, Parameter]
    """The action's own parameters, typed."""
    required: tuple[str, ...] = ()
    safe: bool = True
    """Whether `--fix` applies it when the rule does not say (`safe:`)."""

    @property
    def patterns(self) -> tuple[str, ...]:
        """Parameters that are regular expressions: a bad one fails when the pack loads."""
        return tuple(key for key, parameter in self.parameters.items() if parameter.regex)

    def is_safe(self, fix: dict[str, Any]) -> bool:
        return bool(fix.get("safe", self.safe))


ACTIONS: dict[str, FixAction] = {}


def fix_action(name: str, parameters: dict[str, Parameter] | None = None, required: tuple[str, ...] = (),
               safe: bool = True) -> Callable[[FixFunction], FixFunction]:
    def register(function: FixFunction) -> FixFunction:
        known = ACTIONS.get(name)
        if known and (known.function.__module__, known.function.__qualname__) != \
                (function.__module__, function.__qualname__):
            raise ValueError(f"fix action {name!r} is already registered by {known.function.__module__}")
        untyped = [key for key, parameter in (parameters or {}).items() if not isinstance(parameter, Parameter)]
        if untyped:
            raise TypeError(f"fix action {name!r}: declare {', '.join(untyped)} with a type from "
                            "protolint.parameters (Text, Regex, Choice, ...)")
        ACTIONS[name] = FixAction(name, function, parameters or {}, required, safe)
        return function
    return register

