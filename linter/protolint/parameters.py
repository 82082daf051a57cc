"""The parameters of check kinds: each declared with a type, compiled by one function.

A kind declares its parameters (`Regex`, `RegexList`, `RegexMap`, `Selector`,
`Literal`…); the type alone says what a pack may write (its JSON Schema, from
which the pack schema is generated) and what the check receives (a pattern
compiled on RE2, a compiled selector, the value as written).  `compile_parameters`
is the one way from a rule's raw YAML to a kind's parameters: the pack loader,
the binder of form-bound rules and the tests all call it, so a value is a
regex because its declaration says so, never because of its name.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import TYPE_CHECKING, Any

from protolint.regex import Pattern, PatternError, compile_pattern

if TYPE_CHECKING:
    from protolint.checks import CheckKind


class ParameterError(ValueError):
    """A parameter value that cannot be compiled; `at` is where inside the
    rule (`("pattern",)`, `("patterns", 2)`), so the loader can name its line."""

    def __init__(self, at: tuple, problem: str):
        super().__init__(problem)
        self.at, self.problem = at, problem


class Parameter:
    """One declared parameter: the JSON Schema of what a pack writes, and how
    the value becomes what the check receives (here: the value as written)."""

    regex = False
    """Its strings are regular expressions: a form-bound rule escapes the form's
    values it renders into them, and the loader compiles its templates as written."""

    def __init__(self, schema: dict[str, Any], description: str = ""):
        self.schema = {**schema, **({"description": description} if description else {})}

    def compile(self, value: Any) -> Any:
        return value


class Literal(Parameter):
    """Any value a JSON Schema describes, passed as written."""


class Text(Parameter):
    def __init__(self, description: str = "", **schema: Any):
        super().__init__({"type": "string", **schema}, description)


class Texts(Parameter):
    def __init__(self, description: str = ""):
        super().__init__({"type": "array", "items": {"type": "string"}, "minItems": 1}, description)


class Number(Parameter):
    """An integer; `minimum` and `maximum` bound it."""

    def __init__(self, description: str = "", **bounds: int):
        super().__init__({"type": "integer", **bounds}, description)


class Flag(Parameter):
    def __init__(self, description: str = ""):
        super().__init__({"type": "boolean"}, description)


class Choice(Parameter):
    def __init__(self, *values: str, description: str = ""):
        super().__init__({"enum": list(values)}, description)


def _pattern(pattern: str, at: tuple) -> Pattern:
    try:
        return compile_pattern(pattern)
    except PatternError as error:
        raise ParameterError(at, f"bad regular expression /{pattern}/: {error}") from None


class Regex(Parameter):
    regex = True

    def __init__(self, description: str = "regular expression"):
        super().__init__({"type": "string"}, description)

    def compile(self, value: str) -> Pattern:
        return _pattern(value, ())


class RegexList(Parameter):
    regex = True

    def __init__(self, description: str = "regular expressions"):
        super().__init__({"type": "array", "items": {"type": "string"}, "minItems": 1}, description)

    def compile(self, value: list[str]) -> list[Pattern]:
        return [_pattern(pattern, (position,)) for position, pattern in enumerate(value)]


class RegexMap(Parameter):
    """Names to regular expressions (`{GitHub token: 'ghp_[A-Za-z0-9]{36}'}`)."""

    regex = True

    def __init__(self, description: str = ""):
        super().__init__({"type": "object", "minProperties": 1, "additionalProperties": {"type": "string"}},
                         description)

    def compile(self, value: dict[str, str]) -> dict[str, Pattern]:
        return {name: _pattern(pattern, (name,)) for name, pattern in value.items()}


class Selector(Parameter):
    """A second place in the document, written as a rule's `in:` is."""

    def __init__(self, description: str = ""):
        super().__init__({"allOf": [{"$ref": "#/definitions/selector"}]}, description)

    def compile(self, value: Any) -> Any:
        from protolint.selectors import compile_selector  # selectors import the checks, which import this
        try:
            return compile_selector(value)
        except PatternError as error:
            raise ParameterError((), f"bad regular expression in selector: {error}") from None


def compile_value(kind: CheckKind, key: str, value: Any) -> Any:
    """One parameter compiled; a ParameterError's `at` starts with its key."""
    try:
        return kind.parameters[key].compile(value)
    except ParameterError as error:
        raise ParameterError((key, *error.at), error.problem) from None


def compile_parameters(kind: CheckKind, raw: dict[str, Any]) -> dict[str, Any]:
    """A rule's raw parameters (keys the kind does not declare ignored) as the
    kind's function takes them, with the kind's once-per-rule `prepare` done."""
    compiled = {key: compile_value(kind, key, value) for key, value in raw.items() if key in kind.parameters}
    return kind.prepare(compiled) if kind.prepare is not None else compiled


def freeze(value: Any) -> Hashable:
    """A YAML value as a key that equals another only for an equal value of the
    same types (a mapping's order aside), for caches of what was compiled."""
    if isinstance(value, dict):
        return frozenset((name, freeze(item)) for name, item in value.items())
    if isinstance(value, list):
        return tuple(freeze(item) for item in value)
    return type(value), value
