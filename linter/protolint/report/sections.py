"""How a protocol was read: each section with its line span and its role.

Rules select roles, not heading spellings; when a rule looked in the wrong
place (or found nothing), this map shows why.  Plain text, one section a line,
indented by depth, so it greps and diffs."""

from __future__ import annotations

from protolint.document import Document



def render_sections(doc: Document) -> str:
    lines = [f"{doc.path}: sections as read (line span, kind, title -> role)"]
    if doc.title is not None:
        lines.append(f"  {doc.title.line:>5}-{doc.title.end_line:<5} # {doc.title.title}")
    base = min((s.level for s in doc.sections), default=2)
    for section in doc.sections:
        indent = "  " * (section.level - base + 1)
        kind = ("cmd" if section.in_code else "label" if section.label_only
                else "**" if section.pseudo else "#")
        foreign = " (not the protocol's voice)" if section.role == "example" else ""
        role = section.role or "-"
        lines.append(f"  {section.line:>5}-{section.end_line:<5}{indent}{kind} {section.title} -> {role}{foreign}")
    for problem in doc.fence_problems:
        lines.append(f"  fence problem: {problem.kind} fence at line {problem.line} (to line {problem.end_line})")
    return "\n".join(lines) + "\n"
