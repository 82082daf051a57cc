"""`mend`: each span the rule's check found replaced with the mending the check
proposes (hidden characters removed, mis-decoded text restored), at the places
of the rule's findings: a finding hidden by a comment naming the rule is left alone."""

from __future__ import annotations

from protolint.fixes import Edit, Failing, Unavailable, fix_action


@fix_action("mend")
def mend(failing: Failing) -> Edit:
    outcome, lines = failing.outcome, failing.lines()
    reported = {(f.line, f.column) for f in outcome.findings}
    hits = list({(hit.line, hit.column): hit for place in outcome.judged for hit in place.hits
                 if hit.replacement is not None and (hit.line, hit.column) in reported}.values())
    if not hits:
        raise Unavailable("its check proposes no mending")
    for hit in sorted(hits, key=lambda h: (h.line, h.column), reverse=True):
        line = lines[hit.line - 1]
        lines[hit.line - 1] = line[:hit.column - 1] + hit.replacement + line[hit.column - 1 + hit.length:]
    return Edit("\n".join(lines), outcome.rule.fix.get("description", f"mended {len(hits)} span(s)"))
