"""Fixers: the remediation a rule declares (`fix:` in the pack), applied to text.

Lint and fix share one model: the engine's outcomes say which rules fail and
where; a fixer edits the text at that place; the text is parsed and checked
again before the next fixer runs, so two rules that want the same edit (a
seed rule and its core counterpart) never both make it.  The loop ends when no
failing rule has a fix left to try, with a limit, as in sqlfluff.

Fixers only add what the form says or move what is already there:

    insert          the fix's text (a template over the form) into the rule's section
    insert_section  a missing section, rendered from the generator profile's template
    replace         a regex substitution on the first line of each failing node
    fence           wrap unfenced template lines of the rule's section in a code block
    reorder         put the `##` sections in the order the rule requires (unsafe)
    mend            replace each span the rule's check found with the mending it
                    proposes (hidden characters removed, mis-decoded text restored)

`safe` fixes keep meaning and run with `--fix`; `reorder` moves whole sections
and needs `--unsafe-fixes` (ruff's split).  A fix that needs a form field the
form lacks is *unavailable*, with the field named: that is the form omission
the cycle reports.  A finding hidden by a suppression comment is not fixed:
the comment says the text is meant as it is.  An edit is kept only if it
mends its rule (or some of its findings) and breaks no rule that passed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from protolint.binding import bind, context_for
from protolint.document import Document, canonical_title
from protolint.engine import Inputs, Outcome, check_rules, result_of
from protolint.form import Form
from protolint.packs import RulePack
from protolint.parsing import parse_document
from protolint.regex import compile_pattern

MAX_FIXES = 50


@dataclass(slots=True)
class FixReport:
    text: str
    applied: list[tuple[str, str]] = field(default_factory=list)
    """(rule id, what was done), in order."""
    unavailable: dict[str, str] = field(default_factory=dict)
    """Rule id -> why its fix could not be made (a form field missing, nothing to edit)."""
    form_fields: dict[str, str] = field(default_factory=dict)
    """Rule id -> the form field whose absence kept its fix from being made."""
    unsafe: list[str] = field(default_factory=list)
    """Rules whose fix is unsafe and was not applied (needs --unsafe-fixes)."""

    @property
    def changed(self) -> bool:
        return bool(self.applied)


class Unavailable(Exception):
    """This fix cannot be made here; the message says why, and `form_field`
    names the form field that would make it possible, when that is the cause."""

    def __init__(self, reason: str, form_field: str | None = None):
        super().__init__(reason)
        self.form_field = form_field


def fix_text(text: str, path: str, pack: RulePack, form: Form | None = None,
             project_root: Path | None = None, unsafe: bool = False) -> FixReport:
    inputs = Inputs(form.data if form else None, project_root)
    report = FixReport(text)
    tried: set[str] = set()
    doc, outcomes = _outcomes(report.text, path, pack, inputs)
    for _ in range(MAX_FIXES):
        edit = None
        for outcome in outcomes:
            rule = outcome.rule
            if not outcome.failed or rule.fix is None or rule.id in tried:
                continue
            tried.add(rule.id)
            safe = rule.fix.get("safe", rule.fix["action"] != "reorder")
            if not safe and not unsafe:
                report.unsafe.append(rule.id)
                continue
            try:
                new_text, description = _apply(outcome, doc, report.text, form, inputs, pack)
            except Unavailable as why:
                report.unavailable[rule.id] = str(why)
                if why.form_field:
                    report.form_fields[rule.id] = why.form_field
                continue
            if new_text == report.text:
                report.unavailable[rule.id] = "the fix found nothing to change"
                continue
            after = _outcomes(new_text, path, pack, inputs)
            refusal = _refusal(outcome, outcomes, after[1])
            if refusal:
                report.unavailable[rule.id] = f"its fix ({description}) was not kept: {refusal}"
                continue
            edit = (rule.id, description, new_text, after)
            break
        if edit is None:
            return report
        rule_id, description, report.text, (doc, outcomes) = edit
        report.applied.append((rule_id, description))
    return report


def _outcomes(text: str, path: str, pack: RulePack, inputs: Inputs) -> tuple[Document, list[Outcome]]:
    """The parsed text and its outcomes as reported: a finding hidden by a
    suppression comment is not fixed."""
    doc = parse_document(text, path)
    outcomes = check_rules(doc, pack, inputs)
    result_of(doc, pack, outcomes)  # takes the suppressed findings out
    return doc, outcomes


def _refusal(fixed: Outcome, before: list[Outcome], after: list[Outcome]) -> str:
    """Why an edit is not an improvement: a fix must mend its rule (or some of
    its findings) and break no rule that passed (the form's text may not be
    what the rule asks for: that is then a form omission, not a fix)."""
    failing_before = {o.rule.id for o in before if o.failed}
    broken = sorted({o.rule.id for o in after if o.failed} - failing_before)
    if broken:
        return f"it would break {', '.join(broken)}"
    mended = next(o for o in after if o.rule.id == fixed.rule.id)
    if mended.failed and len(mended.findings) + len(mended.blocked_by) >= len(fixed.findings) + len(fixed.blocked_by):
        return "the rule still fails"
    return ""


def _apply(outcome: Outcome, doc: Document, text: str, form: Form | None, inputs: Inputs,
           pack: RulePack) -> tuple[str, str]:
    fix = outcome.rule.fix
    action = fix["action"]
    lines = text.split("\n")
    if action == "insert":
        return _insert(outcome, doc, lines, form)
    if action == "insert_section":
        return _insert_sections(outcome, doc, lines, form, pack)
    if action == "replace":
        return _replace(outcome, doc, lines, inputs), fix.get("description", "replaced text")
    if action == "fence":
        return _fence(outcome, doc, lines)
    if action == "reorder":
        return _reorder(outcome, doc, lines)
    if action == "mend":
        return _mend(outcome, doc, lines)
    raise Unavailable(f"unknown fix action {action!r}")


def render_fix_text(template: str, form: Form | None, extra: dict | None = None) -> str:
    """The fix's text from the form; a field the form lacks is a form omission."""
    import jinja2

    if "{{" not in template and "{%" not in template:
        return template
    if form is None:
        raise Unavailable("needs the input form (--form FORM)")
    environment = jinja2.Environment(undefined=jinja2.StrictUndefined, autoescape=False, keep_trailing_newline=True)
    try:
        rendered = environment.from_string(template).render({"form": form.data, **(extra or {})})
    except jinja2.UndefinedError as error:
        missing = re.search(r"has no attribute '(\w+)'", error.message or "")
        name = form.field_name(missing.group(1)) if missing else None
        raise Unavailable(f"the form has no {name}" if name else f"the form has no value for it ({error.message})",
                          name) from None
    for name in re.findall(r"\{\{\s*form\.(\w+)", template):
        if not str(form.data.get(name) or "").strip():
            raise Unavailable(f"the form's {form.field_name(name)} is empty or missing", form.field_name(name))
    return rendered


def _anchor_name(outcome: Outcome) -> str:
    parts = getattr(outcome.rule.selector, "parts", None) or (outcome.rule.selector,)
    return parts[0].shown_name or "the document"


def _anchor_section(outcome: Outcome, doc: Document):
    selector = outcome.rule.selector
    for part in getattr(selector, "parts", None) or (selector,):
        if part.names is None and part.pattern is None and part.roles is None:
            continue
        found = part.anchors(doc)
        if found:
            return found[0]
    raise Unavailable(f"no section {_anchor_name(outcome)!r} to insert into")


def _insert(outcome: Outcome, doc: Document, lines: list[str], form: Form | None) -> tuple[str, str]:
    fix = outcome.rule.fix
    section = _anchor_section(outcome, doc)
    block = render_fix_text(fix["text"], form).rstrip("\n").split("\n")
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
    return text, fix.get("description", f"inserted the form's text into {section.title!r}")


def _insert_sections(outcome: Outcome, doc: Document, lines: list[str], form: Form | None,
                     pack: RulePack) -> tuple[str, str]:
    """Missing `##` sections, taken from the protocol the pack's generator
    profile renders from this form, each placed after the nearest section that
    precedes it in that blueprint."""
    from protolint.generate import omitted_section_fields, profile_for, render

    if form is None:
        raise Unavailable("needs the input form (--form FORM) to write the missing section")
    missing = outcome.reports_missing or set(outcome.blocked_by)
    if not missing:
        raise Unavailable("no missing section named")
    profile = profile_for(pack)
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
    return "\n".join(lines), f"added section(s) {', '.join(repr(a) for a in added)} from the {profile} blueprint"


def _replace(outcome: Outcome, doc: Document, lines: list[str], inputs: Inputs) -> str:
    from protolint.binding import render_value

    rule = outcome.rule
    fix = rule.fix
    targets = []
    if rule.form_bound:
        if inputs.form is None:
            raise Unavailable("needs the input form (--form FORM)")
        checks = list(bind(rule.template, rule.kind, inputs.form))
    else:
        checks = [None]
    for bound in checks:
        params, selector = (bound.params, bound.selector) if bound else (rule.params, rule.selector)
        scope = selector.resolve(doc)
        if not list(rule.kind.function(scope, params)):
            continue
        if not scope.nodes:
            raise Unavailable(f"nothing to edit: no {scope.description}")
        context = context_for(bound.item if bound else None, inputs.form or {})
        pattern = compile_pattern(render_value(fix["pattern"], context, True))
        replacement = render_value(fix["with"], context, False)
        targets += [(node.line - 1, pattern, replacement) for node in scope.nodes]
    for index, pattern, replacement in targets:
        lines[index] = pattern.sub(replacement, lines[index], count=1)
    return "\n".join(lines)


_BULLET = re.compile(r"^\s*(?:[-*+]\s+|\d+\.\s+)")


def _fence(outcome: Outcome, doc: Document, lines: list[str]) -> tuple[str, str]:
    section = _anchor_section(outcome, doc)
    wanted = compile_pattern(outcome.rule.fix.get("lines", r"^\s*(?:[-*]\s+)?\[[A-Z][^\]]*\]"))
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
    return "\n".join(lines), f"fenced {count} template line(s) in {section.title!r}"


def _reorder(outcome: Outcome, doc: Document, lines: list[str]) -> tuple[str, str]:
    """Blocks of `##` sections named by the rule move into the rule's order;
    other blocks keep their places."""
    params = outcome.rule.params
    order: dict[str, int] = {}
    for position, entry in enumerate(params.get("required", [])):
        for name in [entry] if isinstance(entry, str) else entry:
            order[canonical_title(name)] = position
    level = params.get("level", 2)
    tops = [s for s in doc.sections if s.level == level]
    if not tops:
        raise Unavailable("no sections to reorder")
    preamble = lines[:tops[0].line - 1]
    blocks = []
    for position, section in enumerate(tops):
        end = tops[position + 1].line - 1 if position + 1 < len(tops) else len(lines)
        blocks.append((section.canonical, lines[section.line - 1:end]))
    named = [i for i, (name, _) in enumerate(blocks) if name in order]
    ordered = sorted((blocks[i] for i in named), key=lambda b: order[b[0]])
    for slot, block in zip(named, ordered):
        blocks[slot] = block
    out = list(preamble)
    for _, block in blocks:
        while block and not block[-1].strip():
            block = block[:-1]
        out += block + [""]
    return "\n".join(out).rstrip("\n") + "\n", "moved sections into the required order"


def _mend(outcome: Outcome, doc: Document, lines: list[str]) -> tuple[str, str]:
    """The spans the check proposes a mending for, at the places of the rule's
    findings (a finding hidden by a comment naming the rule is left alone)."""
    rule = outcome.rule
    reported = {(f.line, f.column) for f in outcome.findings}
    hits = [hit for hit in rule.kind.function(rule.selector.resolve(doc), rule.params)
            if hit.replacement is not None and (hit.line, hit.column) in reported]
    if not hits:
        raise Unavailable("its check proposes no mending")
    for hit in sorted(hits, key=lambda h: (h.line, h.column), reverse=True):
        line = lines[hit.line - 1]
        lines[hit.line - 1] = line[:hit.column - 1] + hit.replacement + line[hit.column - 1 + hit.length:]
    return "\n".join(lines), rule.fix.get("description", f"mended {len(hits)} span(s)")
