"""Fixing: the remediation a rule declares (`fix:` in the pack), applied to text.

Lint and fix share one model: the engine's outcomes say which rules fail and
where; the rule's fix action (fixes/) edits the text at that place; the text
is parsed and checked again before the next fix is tried, so two rules that
want the same edit (a seed rule and its core counterpart) never both make it.
The loop ends when no failing rule has a fix left to try, with a limit, as in
sqlfluff.

An unsafe action runs only when asked (`unsafe`).  A fix that needs a form
field the form lacks is *unavailable*, with the field named: that is the form
omission the cycle reports.  A finding hidden by a suppression comment is not
fixed: the comment says the text is meant as it is.  An edit is kept only if
it mends its rule (or some of its findings) and breaks no rule that passed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from protolint.document import Document
from protolint.engine import Inputs, Outcome, check_rules, result_of
from protolint.fixes import Failing, Unavailable
from protolint.fixes.builtin import load_fix_actions
from protolint.form import Form
from protolint.packs import RulePack
from protolint.parsing import parse_document

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


def fix_text(text: str, path: str, pack: RulePack, form: Form | None = None,
             project_root: Path | None = None, unsafe: bool = False, *,
             doc: Document | None = None) -> FixReport:
    """The text with every fix that mends its rule applied; `doc` is the text
    already parsed, when the caller has it."""
    actions = load_fix_actions()
    inputs = Inputs(form.data if form else None, project_root)
    report = FixReport(text)
    tried: set[str] = set()
    doc, outcomes = _outcomes(report.text, path, pack, inputs, doc)
    for _ in range(MAX_FIXES):
        kept = None
        for outcome in outcomes:
            rule = outcome.rule
            if not outcome.failed or rule.fix is None or rule.id in tried:
                continue
            tried.add(rule.id)
            action = actions.get(rule.fix["action"])
            if action is not None and not (unsafe or action.is_safe(rule.fix)):
                report.unsafe.append(rule.id)
                continue
            try:
                if action is None:
                    raise Unavailable(f"unknown fix action {rule.fix['action']!r}")
                edit = action.function(Failing(outcome, doc, report.text, form, pack))
            except Unavailable as why:
                report.unavailable[rule.id] = str(why)
                if why.form_field:
                    report.form_fields[rule.id] = why.form_field
                continue
            if edit.text == report.text:
                report.unavailable[rule.id] = "the fix found nothing to change"
                continue
            after = _outcomes(edit.text, path, pack, inputs)
            refusal = _refusal(outcome, outcomes, after[1])
            if refusal:
                report.unavailable[rule.id] = f"its fix ({edit.description}) was not kept: {refusal}"
                continue
            kept = (rule.id, edit, after)
            break
        if kept is None:
            return report
        rule_id, edit, (doc, outcomes) = kept
        report.text = edit.text
        report.applied.append((rule_id, edit.description))
    return report


def _outcomes(text: str, path: str, pack: RulePack, inputs: Inputs,
              doc: Document | None = None) -> tuple[Document, list[Outcome]]:
    """The parsed text and its outcomes as reported: a finding hidden by a
    suppression comment is not fixed."""
    doc = doc or parse_document(text, path)
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
