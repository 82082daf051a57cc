"""Characters a reviewer cannot see and an agent still reads.

Zero-width characters, bidirectional controls ("Trojan Source") and Unicode
tag characters render as nothing, or reorder what is shown, yet they are in
the text a model is given: tag characters can spell a whole instruction no
reviewer ever sees.  `characters` reports each run of the code points a rule
names, at its line and column, each code point by name and, for tag
characters, the ASCII they spell.  Each hit mends itself: the run removed.
"""

from __future__ import annotations

import re
import unicodedata

from protolint.checks import Hit, check, locate
from protolint.parameters import Literal
from protolint.regex import Pattern, compile_pattern
from protolint.selectors import Scope

_CODE_POINT = r"U\+(?:10|0?[0-9A-F])?[0-9A-F]{4}"
_TAGS = range(0xE0000, 0xE0080)
_BYTE_ORDER_MARK = "\ufeff"
_JOINER = "\u200d"
# What an emoji ZWJ sequence joins (👩‍💻, ❤️‍🔥): pictographs, their skin tones and
# the emoji presentation selector.  A joiner between two of them is how the
# emoji is written, not hidden text.
_EMOJI = re.compile("[\u2600-\u27bf\u2b00-\u2bff\U0001f000-\U0001faff\ufe0f]")
_FLAG = "\U0001f3f4"  # 🏴 + tag letters + CANCEL TAG spells a subdivision flag (🏴󠁧󠁢󠁳󠁣󠁴󠁿)
_SHOWN_SPELLING = 120


def _ranges(params: dict) -> dict:
    """Compile the named code points once, at pack load, into one character class."""
    parts = []
    for entry in params["code_points"]:
        low, _, high = entry.partition("-")
        first, last = sorted((int(low[2:], 16), int((high or low)[2:], 16)))
        parts.append(re.escape(chr(first)) + ("-" + re.escape(chr(last)) if last != first else ""))
    return {**params, "_runs": compile_pattern("[" + "".join(parts) + "]+")}


@check("characters", parameters={
    "code_points": Literal({"type": "array", "minItems": 1,
                            "items": {"type": "string", "pattern": f"^{_CODE_POINT}(-{_CODE_POINT})?$"}},
                           "code points (U+200B) and ranges (U+202A-U+202E) to report; "
                           "with `in: {select: source}` the file is read as written"),
}, required=("code_points",), prepare=_ranges)
def characters(scope: Scope, params: dict) -> list[Hit]:
    """Each run of the named code points, except where it is how an emoji is
    written and a byte-order mark that opens the file."""
    runs: Pattern = params["_runs"]
    hits: list[Hit] = []
    for node in scope.nodes:
        if node.text.isascii():
            continue
        for match in runs.finditer(node.text):
            start, run = match.start(), match.group(0)
            if node.line == 1 and start == 0 and run[0] == _BYTE_ORDER_MARK:
                start, run = 1, run[1:]
            if not run or _in_emoji(node.text, start, run):
                continue
            line, column = locate(node, start)
            hits.append(Hit(line, describe(run), column=column, length=len(run), replacement=""))
    return hits


def _in_emoji(text: str, start: int, run: str) -> bool:
    before = text[start - 1] if start else ""
    after = text[start + len(run)] if start + len(run) < len(text) else ""
    if run == _JOINER:
        return bool(before and after and _EMOJI.match(before) and _EMOJI.match(after))
    return before == _FLAG and run[-1] == "\U000e007f" and all(ord(c) in _TAGS for c in run)


def describe(run: str) -> str:
    """The run by code point and name, and what tag characters spell."""
    tags = [c for c in run if ord(c) in _TAGS]
    named: dict[str, int] = {}
    for character in run:
        if ord(character) not in _TAGS:
            named[character] = named.get(character, 0) + 1
    parts = [f"U+{ord(c):04X} {unicodedata.name(c, 'unnamed')}" + (f" x{n}" if n > 1 else "")
             for c, n in named.items()]
    if tags:
        spelled = "".join(chr(ord(c) - 0xE0000) for c in tags if 0xE0020 <= ord(c) <= 0xE007E)
        shown = spelled[:_SHOWN_SPELLING] + ("…" if len(spelled) > _SHOWN_SPELLING else "")
        parts.append(f"{len(tags)} tag character(s) U+E0000-U+E007F"
                     + (f" spelling {shown!r}" if spelled else ""))
    return "; ".join(parts)
