"""Inline suppressions: which finding a `<!-- protolint-… -->` comment hides.

The parser records the comments (`Document.directives`); this module reads them
against the rules of the pack in effect, answers "is this finding suppressed,
and by which comment?", and remembers which comments were needed, so that the
ones that hide nothing can be reported.

- `disable-file RULES`: the whole file, wherever the comment stands.
- `disable RULES` … `enable RULES`: from the `disable` comment's line up to the
  line before the `enable` (or the end of the file).  `enable` without ids ends
  every range; `enable X` inside a `disable` without ids re-enables only X.
- `disable-next-line RULES`: the next line below the comment that is not blank
  (comments are blank to the linter, so several such comments may be stacked).

No ids means every rule of the pack, except the meta rule
`protolint-unused-suppression`, which must be named to be suppressed (a
comment that suppresses nothing cannot excuse itself), and the trust rules
(hidden characters, hidden directives, secrets): a blanket comment must not
hide what a reviewer cannot see.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from protolint.document import Directive, Document
from protolint.results import Notice

UNUSED_SUPPRESSION = "protolint-unused-suppression"


@dataclass(frozen=True, slots=True)
class _Active:
    """A usable directive: its rule ids resolved against the pack (None: every rule)."""

    directive: Directive
    rules: tuple[str, ...] | None
    target: int | None = None
    """The line a `disable-next-line` covers."""
    named_only: frozenset[str] = frozenset()
    """Rules a comment without ids does not cover."""

    def names(self, rule_id: str) -> bool:
        if self.rules is None:
            return rule_id not in self.named_only
        return rule_id in self.rules


class Suppressions:
    def __init__(self, doc: Document, rule_ids: set[str], named_only: set[str] = frozenset()):
        self.path = doc.path
        named_only = frozenset(named_only) | {UNUSED_SUPPRESSION}
        self.notices: list[Notice] = []
        known = {r.lower(): r for r in (*rule_ids, UNUSED_SUPPRESSION)}
        self._active: list[_Active] = []
        for directive in doc.directives:
            if directive.problem:
                self._warn(directive, directive.problem)
                continue
            rules = None
            if directive.rules:
                rules = tuple(self._resolve(directive, word, known) for word in directive.rules)
                rules = tuple(r for r in dict.fromkeys(rules) if r)
            target = _next_content_line(doc, directive.end_line) \
                if directive.action == "disable-next-line" else None
            self._active.append(_Active(directive, rules, target, named_only))
        self._used: set[tuple[int, str | None]] = set()

    def _warn(self, directive: Directive, message: str) -> None:
        self.notices.append(Notice(self.path, directive.line, directive.column, message))

    def _resolve(self, directive: Directive, word: str, known: dict[str, str]) -> str | None:
        """The pack's spelling of a rule id; an id the pack lacks is warned
        about and dropped (it may belong to a pack not in effect for this file)."""
        if word.lower() in known:
            return known[word.lower()]
        close = difflib.get_close_matches(word, list(known.values()), n=1)
        hint = f"; did you mean {close[0]}?" if close else ""
        self._warn(directive, f"unknown rule id {word!r} in protolint-{directive.action}: "
                              f"no such rule in the pack for this file{hint}")
        return None

    def suppressing(self, rule_id: str, line: int) -> Directive | None:
        """The comment that hides a finding of `rule_id` at `line`, if any; the
        most specific one (next-line, then range, then file) is counted as used."""
        found = (self._next_line(rule_id, line) or self._range(rule_id, line)
                 or self._file(rule_id))
        if found is None:
            return None
        index, active = found
        self._used.add((index, rule_id if active.rules is not None else None))
        return active.directive

    def _next_line(self, rule_id: str, line: int) -> tuple[int, _Active] | None:
        return next(((i, a) for i, a in enumerate(self._active)
                     if a.directive.action == "disable-next-line" and a.target == line
                     and a.names(rule_id)), None)

    def _file(self, rule_id: str) -> tuple[int, _Active] | None:
        return next(((i, a) for i, a in enumerate(self._active)
                     if a.directive.action == "disable-file" and a.names(rule_id)), None)

    def _range(self, rule_id: str, line: int) -> tuple[int, _Active] | None:
        """Replay `disable`/`enable` down to `line`: the comment whose range is
        still open for the rule there (the first, if several overlap)."""
        every: tuple[int, _Active] | None = None  # an open `disable` without ids
        named: tuple[int, _Active] | None = None  # an open `disable` naming the rule
        for index, active in enumerate(self._active):
            if active.directive.line > line:
                break
            action = active.directive.action
            if action == "disable":
                if active.rules is None:
                    every = every or (index, active)
                elif rule_id in active.rules:
                    named = named or (index, active)
            elif action == "enable" and (active.rules is None or rule_id in active.rules):
                every = named = None
        if named:
            return named
        return every if every and every[1].names(rule_id) else None

    def unused(self) -> list[tuple[Directive, tuple[str, ...] | None]]:
        """Each suppressing comment that hid nothing (None), or hid nothing of
        some of the ids it names (those ids).  `enable` never suppresses; a
        comment whose every id is unknown was already warned about; and naming
        the meta rule is never in vain (its findings come from this very list)."""
        found: list[tuple[Directive, tuple[str, ...] | None]] = []
        for index, active in enumerate(self._active):
            if active.directive.action == "enable":
                continue
            if active.rules is None:
                if (index, None) not in self._used:
                    found.append((active.directive, None))
            elif active.rules:
                vain = tuple(r for r in active.rules
                             if (index, r) not in self._used and r != UNUSED_SUPPRESSION)
                if vain:
                    found.append((active.directive, None if len(vain) == len(active.rules) else vain))
        return found


def _next_content_line(doc: Document, after: int) -> int | None:
    return next((n for n in range(after + 1, len(doc.lines) + 1) if doc.lines[n - 1].strip()), None)
