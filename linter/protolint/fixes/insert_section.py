"""`insert_section`: missing `##` sections, taken from the protocol the pack's
generator profile renders from this form, each placed after the nearest
section that precedes it in that blueprint."""

from __future__ import annotations

import re

from protolint.fixes import Edit, Failing, Unavailable, fix_action
from protolint.parsing import parse_document


@fix_action("insert_section")
def insert_section(failing: Failing) -> Edit:
    from protolint.generate import omitted_section_fields, profile_for, render

    form, doc, lines = failing.form, failing.doc, failing.lines()
    if form is None:
        raise Unavailable("needs the input form (--form FORM) to write the missing section")
    missing = failing.outcome.reports_missing or set(failing.outcome.blocked_by)
    if not missing:
        raise Unavailable("no missing section named")
    profile = profile_for(failing.pack)
    blueprint = parse_document(render(form, profile), "blueprint.md")
    order = [s for s in blueprint.sections if s.level == 2]
    present = {s.canonical: s for s in doc.sections if s.level == 2}
    added = []
    for missing_name in sorted(missing, key=lambda m: [s.canonical for s in order].index(m)
                               if m in [s.canonical for s in order] else 99):
        source = next((s for s in order if s.canonical == missing_name), None)
        if source is None:
            fields = omitted_section_fields(missing_name, form)
            if fields:  # the blueprint writes it from the form, which gives none of its fields
                raise Unavailable(f"the form gives nothing for section {missing_name!r}: add {fields}", fields)
            raise Unavailable(f"the {profile} blueprint has no section {missing_name!r}")
        namesake = next((s for s in present.values() if s.canonical.split()[-1:] == missing_name.split()[-1:]), None)
        if namesake is not None:  # "3. WORKFLOW" for "RELEASE EXECUTION WORKFLOW": a second one would duplicate it
            wanted = re.sub(r"^[\d.]+\s*", "", source.title)
            raise Unavailable(f"the draft has section {namesake.title!r} (line {namesake.line}); if it is the "
                              f"{wanted}, rename it rather than add a second one")
        block = blueprint.lines[source.line - 1:source.end_line]
        while block and not block[-1].strip():
            block.pop()
        before = [s for s in order[:order.index(source)] if s.canonical in present]
        if before:
            index = present[before[-1].canonical].end_line
        else:
            after = [present[s.canonical] for s in order[order.index(source) + 1:] if s.canonical in present]
            index = after[0].line - 1 if after else len(lines)
        while index > 0 and not lines[index - 1].strip():
            index -= 1
        lines = lines[:index] + [""] + block + [""] + lines[index:]
        added.append(source.title)
        doc = parse_document("\n".join(lines), doc.path)
        present = {s.canonical: s for s in doc.sections if s.level == 2}
    return Edit("\n".join(lines), f"added section(s) {', '.join(repr(a) for a in added)} from the {profile} blueprint")
