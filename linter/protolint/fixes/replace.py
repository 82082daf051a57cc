"""`replace`: a regex substitution on the first line of each node where the
rule's check failed (its pattern and replacement are templates over the form
item the check ran for)."""

from __future__ import annotations

from protolint.binding import context_for, render_value
from protolint.fixes import Edit, Failing, Unavailable, fix_action
from protolint.parameters import Regex, Text
from protolint.regex import compile_pattern


@fix_action("replace", parameters={
    "pattern": Regex("regex, on the first line of each node of the rule's scope"),
    "with": Text("replacement (\\1 for groups)"),
}, required=("pattern", "with"))
def replace(failing: Failing) -> Edit:
    fix = failing.fix
    form_data = failing.form.data if failing.form else {}
    lines = failing.lines()
    for place in failing.failed_places():
        if not place.scope.nodes:
            raise Unavailable(f"nothing to edit: no {place.scope.description}")
        context = context_for(place.item, form_data)
        pattern = compile_pattern(render_value(fix["pattern"], context, True))
        replacement = render_value(fix["with"], context, False)
        for node in place.scope.nodes:
            lines[node.line - 1] = pattern.sub(replacement, lines[node.line - 1], count=1)
    return Edit("\n".join(lines), fix.get("description", "replaced text"))
