"""Errors a user can cause.  The CLI prints them as one line and exits 2;
anything else that escapes is a bug and keeps its traceback."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


class UserError(Exception):
    """A problem with the user's input, worded for a person."""


class PackError(UserError):
    def __init__(self, path: str, problem: str, line: int | None = None, rule_id: str | None = None):
        self.path, self.problem, self.line, self.rule_id = path, problem, line, rule_id
        place = f"{path}:{line}" if line else path
        rule = f" rule {rule_id}:" if rule_id else ""
        super().__init__(f"{place}:{rule} {problem}")


class ConfigError(UserError):
    def __init__(self, path: str, problem: str, line: int | None = None):
        self.path, self.problem, self.line = path, problem, line
        super().__init__(f"{path}:{line}: {problem}" if line else f"{path}: {problem}")


class PluginError(UserError):
    """An installed plugin that cannot give the check kind it promises."""

    def __init__(self, kind: str, plugin: str, entry_point: str, problem: str):
        self.kind = kind
        super().__init__(f"plugin {plugin} (entry point {entry_point}): {problem}")


def did_you_mean(word: object, choices: Iterable[object]) -> str:
    """` (did you mean 'json'?)` for a near miss among `choices`, else nothing."""
    close = difflib.get_close_matches(str(word), [str(c) for c in choices], n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""
