"""`insert`: the fix's text, a template over the form, into the rule's section."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from protolint.fixes import Edit, Failing, Unavailable, fix_action
from protolint.parameters import Choice, Text

if TYPE_CHECKING:
    from protolint.form import Form


@fix_action("insert", parameters={
    "text": Text("the text to add (a Jinja2 template over form)"),
    "at": Choice("after_heading", "after_paragraph", "end", description="where in the rule's section; default: end"),
}, required=("text",))
def insert(failing: Failing) -> Edit:
    fix = failing.fix
    section = failing.anchor_section()
    lines = failing.lines()
    block = _rendered(fix["text"], failing.form).rstrip("\n").split("\n")
    at = fix.get("at", "end")
    if at == "after_heading":
        index = section.line  # 0-based index of the line after the heading
    elif at == "after_paragraph":
        index = section.line
        while index < section.end_line and not lines[index].strip():
            index += 1
        while index < section.end_line and lines[index].strip():
            index += 1
    else:
        index = section.end_line
        while index > section.line and not lines[index - 1].strip():
            index -= 1
    text = "\n".join(lines[:index] + [""] + block + ([""] if index < len(lines) and lines[index].strip() else [])
                     + lines[index:])
    return Edit(text, fix.get("description", f"inserted the form's text into {section.title!r}"))


def _rendered(template: str, form: Form | None) -> str:
    """The fix's text from the form; a field the form lacks is a form omission."""
    import jinja2

    if "{{" not in template and "{%" not in template:
        return template
    if form is None:
        raise Unavailable("needs the input form (--form FORM)")
    environment = jinja2.Environment(undefined=jinja2.StrictUndefined, autoescape=False, keep_trailing_newline=True)
    try:
        rendered = environment.from_string(template).render({"form": form.data})
    except jinja2.UndefinedError as error:
        missing = re.search(r"has no attribute '(\w+)'", error.message or "")
        name = form.field_name(missing.group(1)) if missing else None
        raise Unavailable(f"the form has no {name}" if name else f"the form has no value for it ({error.message})",
                          name) from None
    for name in re.findall(r"\{\{\s*form\.(\w+)", template):
        if not str(form.data.get(name) or "").strip():
            raise Unavailable(f"the form's {form.field_name(name)} is empty or missing", form.field_name(name))
    return rendered
