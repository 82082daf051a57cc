"""Regular expressions written in packs and role vocabularies, run on RE2.

A pattern in a pack is untrusted input: on a backtracking engine `(a+)+$`
takes exponential time on a line of forty `a`s, and no signal stops it.  RE2
(google-re2) matches in time linear in the text, so no pattern can hang a
run; what it cannot do in linear time (backreferences, lookaround) it refuses
to compile, and the pack is rejected at load.  Its `\\b`, `\\w`, `\\d` and `\\s`
are ASCII, as in Python's `re.ASCII`; `(?i)` folds Unicode case.

The compiled pattern has the `re` methods the checks use (`search`,
`finditer`, `fullmatch`, `sub`, `.pattern`, `.groups`) and its matches
give the same groups and character offsets.
"""

from __future__ import annotations

import re2

_OPTIONS = re2.Options()
_OPTIONS.log_errors = False  # the error is reported once, by the caller, as one line


Pattern = type(re2.compile("", _OPTIONS))
"""A compiled pattern (for annotations and isinstance)."""


class PatternError(ValueError):
    """A pattern RE2 cannot compile, worded for the pack's author."""


_UNSUPPORTED = {
    "invalid perl operator: (?=": "lookahead (?=…) is not supported",
    "invalid perl operator: (?!": "negative lookahead (?!…) is not supported",
    "invalid perl operator: (?<=": "lookbehind (?<=…) is not supported",
    "invalid perl operator: (?<!": "negative lookbehind (?<!…) is not supported",
}


def compile_pattern(pattern: str, ignore_case: bool = False) -> Pattern:
    """The pattern compiled on RE2, or PatternError saying why it cannot be."""
    try:
        return re2.compile(f"(?i){pattern}" if ignore_case else pattern, _OPTIONS)
    except re2.error as error:
        raise PatternError(_reason(error)) from None


class FullMatchSet:
    """Several patterns matched against a whole text at once (RE2::Set, one
    pass of its automaton): which of them match, without the cost of a match
    object per pattern.  The patterns are each compiled first, so a bad one
    fails as `compile_pattern` says."""

    def __init__(self, patterns: list[str]):
        for pattern in patterns:
            compile_pattern(pattern)
        self._set = re2.Set.FullMatchSet(_OPTIONS)
        for pattern in patterns:
            self._set.Add(pattern)
        self._set.Compile()

    def matching(self, text: str) -> list[int]:
        """The indices, in the order added, of the patterns that match all of `text`."""
        return sorted(self._set.Match(text) or ())


def _reason(error: Exception) -> str:
    raw = error.args[0] if error.args else str(error)
    reason = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)
    for prefix, wording in _UNSUPPORTED.items():
        if reason.startswith(prefix):
            return f"{wording} (patterns run on RE2, which matches in linear time)"
    if reason.startswith("invalid escape sequence: \\") and reason[-1:].isdigit():
        return "backreferences are not supported (patterns run on RE2, which matches in linear time)"
    if reason == "invalid escape sequence: \\Z":
        return "\\Z is not supported; use \\z for the end of the text"
    return reason
