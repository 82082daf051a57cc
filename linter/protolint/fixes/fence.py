"""`fence`: the unfenced template lines of the rule's section wrapped in a code block."""

from __future__ import annotations

import re

from protolint.fixes import Edit, Failing, Unavailable, fix_action
from protolint.parameters import Regex
from protolint.regex import compile_pattern

TEMPLATE_LINE = r"^\s*(?:[-*]\s+)?\[[A-Z][^\]]*\]"
"""A line such as `[PHASE 1 START] - …`, bulleted or not."""

_BULLET = re.compile(r"^\s*(?:[-*+]\s+|\d+\.\s+)")


@fix_action("fence", parameters={"lines": Regex(f"regex of the lines to fence; default: {TEMPLATE_LINE}")})
def fence(failing: Failing) -> Edit:
    doc, lines = failing.doc, failing.lines()
    section = failing.anchor_section()
    wanted = compile_pattern(failing.fix.get("lines", TEMPLATE_LINE))
    in_code = {n for block in doc.code_blocks for n in range(block.line, block.end_line + 1)}
    runs: list[list[int]] = []
    for number in range(section.line + 1, section.end_line + 1):
        if number in in_code or not wanted.search(lines[number - 1]):
            continue
        if runs and runs[-1][-1] == number - 1:
            runs[-1].append(number)
        else:
            runs.append([number])
    if not runs:
        raise Unavailable(f"no unfenced template lines in {section.title!r}")
    for run in reversed(runs):
        body = [_BULLET.sub("", lines[n - 1]).strip() for n in run]
        start, end = run[0] - 1, run[-1]
        pad_before = [""] if start > 0 and lines[start - 1].strip() else []
        pad_after = [""] if end < len(lines) and lines[end].strip() else []
        lines[start:end] = pad_before + ["```"] + body + ["```"] + pad_after
    count = sum(len(r) for r in runs)
    return Edit("\n".join(lines), f"fenced {count} template line(s) in {section.title!r}")
