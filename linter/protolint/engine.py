"""Run compiled rules over a Document: findings, each rule's status, then
scores by layer.

Data flows one way: a check yields Hits, the engine turns them into Findings,
decides once what became of each rule (results.RuleStatus) and scores the
layers from those statuses; the reports only read them.  Nothing here prints.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from protolint.binding import BoundCheck, bind
from protolint.document import Document
from protolint.packs import Rule, RulePack
from protolint.results import (BLOCKED, FAILED, NOT_CHECKED, PASSED, Finding, LayerScore, Result, RuleStatus,
                               Suppressed, fingerprints)
from protolint.suppressions import UNUSED_SUPPRESSION, Suppressions

if TYPE_CHECKING:
    from protolint.baseline import Baseline
    from protolint.checks import Hit
    from protolint.selectors import Scope
    from protolint.form import FormItem


@dataclass(frozen=True, slots=True)
class Judged:
    """One place a rule's check looked and what it found there: a fixer edits
    exactly here, not where a search of its own would land."""

    scope: Scope
    hits: tuple[Hit, ...]
    """Empty when the check found nothing, or did not run for want of the scope's section."""
    item: FormItem | None = None
    """The form item a form-bound rule's check ran for (its fix renders with it)."""


@dataclass(slots=True)
class Outcome:
    """What one rule concluded about one document."""

    rule: Rule
    findings: list[Finding] = field(default_factory=list)
    blocked_by: list[str] = field(default_factory=list)
    """Sections the rule needed and the document lacks: it could not run."""
    skipped: str | None = None
    """Why the rule could not run at all (no form, no project root); it then
    neither passes nor fails and is left out of the score."""
    judged: list[Judged] = field(default_factory=list)
    """Every place the rule's check looked, in order (one per form item for a form-bound rule)."""

    @property
    def failed(self) -> bool:
        return self.skipped is None and bool(self.findings or self.blocked_by)

    @property
    def reports_missing(self) -> set[str]:
        """Sections whose absence this rule's own findings report."""
        return {name for f in self.findings for name in f.missing_sections}


@dataclass(frozen=True, slots=True)
class Inputs:
    """What a check may need besides the protocol: the form it was generated
    from (form-bound rules) and the project it lives in (scripts that must exist)."""

    form: dict[str, Any] | None = None
    project_root: Path | None = None
    workspace: Any = None
    """The run's protocols read together (`--workspace`): a protolint.workspace.Workspace."""


def check_document(doc: Document, pack: RulePack, inputs: Inputs = Inputs(), *,
                   baseline: Baseline | None = None, report_unused_suppressions: bool = False) -> Result:
    return result_of(doc, pack, check_rules(doc, pack, inputs), baseline=baseline,
                     report_unused_suppressions=report_unused_suppressions)


def check_rules(doc: Document, pack: RulePack, inputs: Inputs = Inputs()) -> list[Outcome]:
    """Every rule's outcome, before suppressions: the fixers read these."""
    if pack.vocabulary is not None:
        pack.vocabulary.apply(doc)
    titles = section_titles(doc)
    outcomes = [_run(rule, doc, inputs, titles) for rule in pack.rules]
    _report_unexplained_blocks(outcomes, doc)
    return outcomes


def result_of(doc: Document, pack: RulePack, outcomes: list[Outcome], *,
              baseline: Baseline | None = None, report_unused_suppressions: bool = False) -> Result:
    """Findings, suppressed findings and scores of one document.

    Suppressed and baselined findings are taken out before scoring, so a rule
    whose every finding is waived scores as passing."""
    _fingerprint_outcomes(outcomes, doc)
    trusted = {layer.id for layer in pack.layers.values() if layer.trust}
    suppressions = Suppressions(doc, {rule.id for rule in pack.rules},
                                named_only={rule.id for rule in pack.rules if rule.layer in trusted})
    suppressed = _waive(outcomes, doc, suppressions, baseline)
    unused: list[Finding] = []  # not a rule of the pack: reported, never scored
    for finding in _unused_suppressions(suppressions, doc) if report_unused_suppressions else []:
        waived = _waiver(finding, suppressions, baseline)
        if waived:
            suppressed.append(waived)
        else:
            unused.append(finding)
    findings = sorted([f for o in outcomes for f in o.findings] + unused, key=_place)
    statuses = tuple(_status(outcome) for outcome in outcomes)
    layers = _score_layers(statuses, pack)
    weighted = [(layer.weight, layer.score) for layer in layers if layer.rules and layer.weight > 0]
    total = sum(w for w, _ in weighted)
    score = round(sum(w * s for w, s in weighted) / total, 1) if total else 100.0
    errors = any(s.counts_against and s.rule.severity == "error" for s in statuses)
    return Result(doc.path, pack.name, findings, layers, score, pack.threshold,
                  passed=not errors and score >= pack.threshold, statuses=statuses,
                  suppressed=sorted(suppressed, key=lambda s: _place(s.finding)),
                  notices=suppressions.notices)


def _status(outcome: Outcome) -> RuleStatus:
    """What became of a rule, once its waived findings are taken out."""
    if outcome.skipped is not None:
        return RuleStatus(outcome.rule, NOT_CHECKED, outcome.skipped)
    if outcome.findings:
        return RuleStatus(outcome.rule, FAILED, findings=tuple(sorted(outcome.findings, key=_place)))
    if outcome.blocked_by:
        return RuleStatus(outcome.rule, BLOCKED, f"no section {', '.join(repr(m) for m in outcome.blocked_by)}")
    return RuleStatus(outcome.rule, PASSED)


def _place(finding: Finding) -> tuple[int, int, str]:
    return finding.line, finding.column, finding.rule_id


def _run(rule: Rule, doc: Document, inputs: Inputs, titles: list[str | None]) -> Outcome:
    if rule.form_bound and inputs.form is None:
        return Outcome(rule, skipped="needs the input form: give --form FORM")  # summed up in the report
    if rule.kind.needs_project_root and inputs.project_root is None:
        return Outcome(rule, skipped="needs the project root: give --project-root DIR")
    if rule.kind.needs_workspace and inputs.workspace is None:
        return Outcome(rule, skipped="needs the other protocols: check a directory with --workspace")
    outcome = Outcome(rule)
    for bound in _checks(rule, inputs):
        scope = bound.selector.resolve(doc)
        scope.project_root = inputs.project_root
        scope.workspace = inputs.workspace
        if scope.missing and not rule.kind.reports_missing_sections:
            outcome.blocked_by.extend(m for m in scope.missing if m not in outcome.blocked_by)
            outcome.judged.append(Judged(scope, (), bound.item))
            continue
        hits = tuple(rule.kind.function(scope, bound.params))
        outcome.judged.append(Judged(scope, hits, bound.item))
        for hit in hits:
            detail = "; ".join(part for part in (bound.label, hit.detail) if part)
            message = f"{rule.message} ({detail})" if detail else rule.message
            outcome.findings.append(Finding(rule.id, rule.layer, rule.severity, message, doc.path,
                                            hit.line, hit.column, hit.end_line or hit.line,
                                            _section_at(titles, hit.line),
                                            missing_sections=tuple(hit.missing_sections)))
    return outcome


def _checks(rule: Rule, inputs: Inputs) -> Iterable[BoundCheck]:
    if not rule.form_bound:
        return [BoundCheck(None, rule.params, rule.selector)]
    return bind(rule.template, rule.kind, inputs.form)


def _report_unexplained_blocks(outcomes: list[Outcome], doc: Document) -> None:
    """A rule that could not run because its section is absent stays silent when
    another rule already reports that section missing (one finding per cause,
    not a cascade); otherwise it reports the absence itself."""
    reported = {name for o in outcomes for f in o.findings for name in f.missing_sections}
    for outcome in outcomes:
        unexplained = [m for m in outcome.blocked_by if m not in reported]
        if not unexplained:
            continue
        outcome.findings.append(_blocked_finding(outcome.rule, unexplained, doc))
        reported.update(unexplained)


def _blocked_finding(rule: Rule, missing: list[str], doc: Document) -> Finding:
    """The finding of a rule that could not run, at the title line."""
    line = doc.title.line if doc.title else 1
    names = ", ".join(repr(m) for m in missing)
    return Finding(rule.id, rule.layer, rule.severity, f"{rule.message} (no section {names} to check)",
                   doc.path, line, 1, line, None, missing_sections=tuple(missing))


def _fingerprint_outcomes(outcomes: list[Outcome], doc: Document) -> None:
    """Fingerprints count identical findings across the whole document, so
    they are given to all findings at once, before any is waived."""
    marked = iter(fingerprints([f for o in outcomes for f in o.findings], doc))
    for outcome in outcomes:
        outcome.findings = [next(marked) for _ in outcome.findings]


def _waiver(finding: Finding, suppressions: Suppressions,
            baseline: Baseline | None) -> Suppressed | None:
    directive = suppressions.suppressing(finding.rule_id, finding.line)
    if directive is not None:
        return Suppressed(finding, "comment", directive.line)
    if baseline is not None and baseline.covers(finding):
        return Suppressed(finding, "baseline")
    return None


def _waive(outcomes: list[Outcome], doc: Document, suppressions: Suppressions,
           baseline: Baseline | None) -> list[Suppressed]:
    """Take waived findings out of the outcomes, so scoring never sees them.

    A rule that could not run for want of a section is waived too when a
    comment suppresses it at the title line (where its finding would stand),
    or when every absence it depends on is reported only by waived findings
    (one cause, one decision, as with reporting: suppressing or baselining
    "no section 'quality gates'" also excuses the gate rules that had nothing
    to look at)."""
    waived: list[Suppressed] = []
    for outcome in outcomes:
        kept = []
        for finding in outcome.findings:
            record = _waiver(finding, suppressions, baseline)
            if record:
                waived.append(record)
            else:
                kept.append(finding)
        outcome.findings = kept
    still_reported = {s for o in outcomes for f in o.findings for s in f.missing_sections}
    excused = {s for w in waived for s in w.finding.missing_sections} - still_reported
    for outcome in outcomes:
        if not outcome.blocked_by or outcome.findings:
            continue
        if set(outcome.blocked_by) <= excused:
            outcome.blocked_by = []
            continue
        blocked = _blocked_finding(outcome.rule, outcome.blocked_by, doc)
        directive = suppressions.suppressing(blocked.rule_id, blocked.line)
        if directive is not None:
            waived.append(Suppressed(fingerprints([blocked], doc)[0], "comment", directive.line))
            outcome.blocked_by = []
    return waived


def _unused_suppressions(suppressions: Suppressions, doc: Document) -> list[Finding]:
    """Comments that hid nothing, as findings at the comment (like ruff's RUF100):
    a stale suppression would silently hide the next real problem there."""
    unused = suppressions.unused()
    titles = section_titles(doc) if unused else []
    findings = []
    for directive, vain in unused:
        message = (f"Unused suppression: '{directive.text}' hides no finding" if vain is None else
                   f"Unused suppression of {', '.join(vain)} in '{directive.text}'")
        findings.append(Finding(
            UNUSED_SUPPRESSION, None, "warning", message,
            doc.path, directive.line, directive.column, directive.end_line,
            _section_at(titles, directive.line)))
    return fingerprints(findings, doc)


def _score_layers(statuses: tuple[RuleStatus, ...], pack: RulePack) -> list[LayerScore]:
    layers = []
    for layer in pack.layers.values():
        if layer.trust:  # what a reviewer cannot see fails the verdict; it is no part of the design's score
            continue
        mine = tuple(s for s in statuses if s.rule.layer == layer.id and s.state != NOT_CHECKED)
        if not mine:
            continue
        total = sum(s.rule.weight for s in mine)
        kept = sum(s.rule.weight for s in mine if not s.counts_against)
        essential = [s for s in mine if s.rule.essential]
        layers.append(LayerScore(
            id=layer.id, name=layer.name, weight=layer.weight,
            score=round(100 * kept / total, 1) if total else 100.0, statuses=mine,
            missing=bool(essential) and all(s.counts_against for s in essential),
        ))
    return layers


def section_titles(doc: Document) -> list[str | None]:
    """Each line's innermost section title (the deepest; of two as deep, the
    later), by line number: painted once per document, deeper and later
    sections over the others, so a document with many findings and many
    sections is not searched section by section for every finding."""
    titles: list[str | None] = [None] * (len(doc.lines) + 2)
    for _, section in sorted(enumerate(doc.sections), key=lambda pair: (pair[1].level, pair[0])):
        end = min(section.end_line, len(titles) - 1)
        titles[section.line:end + 1] = [section.title] * (end + 1 - section.line)
    return titles


def _section_at(titles: list[str | None], line: int) -> str | None:
    """The title of the innermost section containing a line, from `section_titles`."""
    return titles[line] if 0 <= line < len(titles) else None
