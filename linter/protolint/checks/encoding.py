"""Text damaged by a wrong encoding: UTF-8 read as cp1252 or Mac Roman and
saved again, so `’` became `â€™` (or `‚Äô`) and an emoji a run of accents.

A cheap test picks the lines that could be damaged (a character that a UTF-8
lead byte shows as in those encodings, then one a continuation byte shows
as); only then is ftfy imported to decide whether they are and what they
said.  It reads the suspect lines together first — a short sequence such as
`‚Üí` is recognisably damaged only beside the rest of the file's damage — then
each one it left alone by itself (damage in a file that is otherwise sound).  Each damaged
span is a hit that mends itself: the span as it was written.
"""

from __future__ import annotations

import difflib
import re

from protolint.checks import Hit, check, locate
from protolint.selectors import Scope

_SINGLE_BYTE_CODECS = ("cp1252", "latin-1", "mac_roman")


def _shown_as(byte_values: range) -> str:
    shown = {bytes([b]).decode(codec, errors="ignore") for b in byte_values for codec in _SINGLE_BYTE_CODECS}
    return "".join(re.escape(c) for c in sorted(shown - {""}))


_SUSPECT = re.compile(f"[{_shown_as(range(0xC2, 0xF5))}][{_shown_as(range(0x80, 0xC0))}]")


def repairs(lines: list[str], suspects: list[int]) -> dict[int, str]:
    """Index of each damaged line among the suspects -> the line as it was written."""
    import ftfy

    together = ftfy.fix_encoding("\n".join(lines[i] for i in suspects)).split("\n")
    found = {}
    if len(together) == len(suspects):
        found = {i: fixed for i, fixed in zip(suspects, together) if fixed != lines[i]}
    for i in suspects:
        if i not in found and (fixed := ftfy.fix_encoding(lines[i])) != lines[i]:
            found[i] = fixed
    return found


@check("mojibake", parameters={})
def mojibake(scope: Scope, params: dict) -> list[Hit]:
    """Each damaged span, with what it said."""
    hits: list[Hit] = []
    for node in scope.nodes:
        if node.text.isascii():
            continue
        suspects = sorted({locate(node, m.start())[0] - node.line for m in _SUSPECT.finditer(node.text)})
        if not suspects:
            continue
        lines = node.text.split("\n")
        for index, fixed in sorted(repairs(lines, suspects).items()):
            damaged = lines[index]
            matcher = difflib.SequenceMatcher(None, damaged, fixed, autojunk=False)
            for tag, start, end, fixed_start, fixed_end in matcher.get_opcodes():
                if tag == "equal":
                    continue
                was, said = damaged[start:end], fixed[fixed_start:fixed_end]
                hits.append(Hit(node.line + index, f"{was!r} reads {said!r}", column=start + 1,
                                length=end - start, replacement=said))
    return hits
