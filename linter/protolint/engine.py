"""Run compiled rules over a Document: findings, then scores by layer.

Data flows one way: a check yields Hits, the engine turns them into Findings
and scores, the report formats them.  Nothing here prints.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from protolint.baseline import fingerprints
from protolint.document import Document
from protolint.packs import Rule, RulePack
from protolint.suppressions import UNUSED_SUPPRESSION, Notice, Suppressions

if TYPE_CHECKING:
    from protolint.baseline import Baseline

SEVERITY_RANK = {"info": 0, "warning": 1, "error": 2}


@dataclass(frozen=True, slots=True)
class Finding:
    rule_id: str
    layer: str | None
    """None for protolint's own findings about the file (an unused suppression)."""
    severity: str
    message: str
    path: str
    line: int
    column: int
    end_line: int
    section: str | None
    fingerprint: str = ""
    """What a baseline recognises the finding by when lines move (see baseline.py)."""
    missing_sections: tuple[str, ...] = field(default=(), compare=False, repr=False)
    """Sections whose absence this finding reports."""


@dataclass(slots=True)
class Outcome:
    """What one rule concluded about one document."""

    rule: Rule
    findings: list[Finding] = field(default_factory=list)
    blocked_by: list[str] = field(default_factory=list)
    """Sections the rule needed and the document lacks: it could not run."""

    @property
    def failed(self) -> bool:
        return bool(self.findings or self.blocked_by)


@dataclass(frozen=True, slots=True)
class LayerScore:
    id: str
    name: str
    weight: float
    score: float
    rules: int
    lost: tuple[str, ...]
    """Rules that cost this layer points (`rule-id`, or `rule-id (no section 'x')`)."""
    missing: bool


@dataclass(frozen=True, slots=True)
class Suppressed:
    """A finding that does not count: hidden by a comment, or known from the baseline."""

    finding: Finding
    by: str
    """`comment` or `baseline`."""
    comment_line: int | None = None


@dataclass(frozen=True, slots=True)
class Result:
    path: str
    pack: str
    findings: list[Finding]
    layers: list[LayerScore]
    score: float
    threshold: float
    passed: bool
    suppressed: list[Suppressed] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)
    """Suppression comments that could not be used."""

    @property
    def missing_layers(self) -> list[str]:
        return [layer.id for layer in self.layers if layer.missing]


def check_document(doc: Document, pack: RulePack, *, baseline: Baseline | None = None,
                   report_unused_suppressions: bool = False) -> Result:
    """Findings, suppressed findings and scores of one document.

    Suppressed and baselined findings are taken out before scoring, so a rule
    whose every finding is waived scores as passing."""
    outcomes = [_run(rule, doc) for rule in pack.rules]
    _report_unexplained_blocks(outcomes, doc)
    _fingerprint_outcomes(outcomes, doc)
    suppressions = Suppressions(doc, {rule.id for rule in pack.rules})
    suppressed = _waive(outcomes, doc, suppressions, baseline)
    unused: list[Finding] = []  # not a rule of the pack: reported, never scored
    for finding in _unused_suppressions(suppressions, doc) if report_unused_suppressions else []:
        waived = _waiver(finding, suppressions, baseline)
        if waived:
            suppressed.append(waived)
        else:
            unused.append(finding)
    findings = sorted([f for o in outcomes for f in o.findings] + unused, key=_place)
    layers = _score_layers(outcomes, pack)
    weighted = [(layer.weight, layer.score) for layer in layers if layer.rules and layer.weight > 0]
    total = sum(w for w, _ in weighted)
    score = round(sum(w * s for w, s in weighted) / total, 1) if total else 100.0
    errors = any(o.failed and o.rule.severity == "error" for o in outcomes)
    return Result(doc.path, pack.name, findings, layers, score, pack.threshold,
                  passed=not errors and score >= pack.threshold,
                  suppressed=sorted(suppressed, key=lambda s: _place(s.finding)),
                  notices=suppressions.notices)


def _place(finding: Finding) -> tuple[int, int, str]:
    return finding.line, finding.column, finding.rule_id


def _run(rule: Rule, doc: Document) -> Outcome:
    scope = rule.selector.resolve(doc)
    if scope.missing and not rule.kind.reports_missing_sections:
        return Outcome(rule, blocked_by=list(scope.missing))
    outcome = Outcome(rule)
    for hit in rule.kind.function(scope, rule.params):
        message = f"{rule.message} ({hit.detail})" if hit.detail else rule.message
        outcome.findings.append(Finding(rule.id, rule.layer, rule.severity, message, doc.path,
                                        hit.line, hit.column, hit.end_line or hit.line,
                                        _section_at(doc, hit.line),
                                        missing_sections=tuple(hit.missing_sections)))
    return outcome


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
    findings = []
    for directive, vain in suppressions.unused():
        message = (f"Unused suppression: '{directive.text}' hides no finding" if vain is None else
                   f"Unused suppression of {', '.join(vain)} in '{directive.text}'")
        findings.append(Finding(
            UNUSED_SUPPRESSION, None, "warning", message,
            doc.path, directive.line, directive.column, directive.end_line,
            _section_at(doc, directive.line)))
    return fingerprints(findings, doc)


def _score_layers(outcomes: list[Outcome], pack: RulePack) -> list[LayerScore]:
    layers = []
    for layer in pack.layers.values():
        mine = [o for o in outcomes if o.rule.layer == layer.id]
        if not mine:
            continue
        total = sum(o.rule.weight for o in mine)
        kept = sum(o.rule.weight for o in mine if not o.failed)
        lost = tuple(_why(o) for o in mine if o.failed)
        essential = [o for o in mine if o.rule.essential]
        layers.append(LayerScore(
            id=layer.id, name=layer.name, weight=layer.weight,
            score=round(100 * kept / total, 1) if total else 100.0,
            rules=len(mine), lost=lost,
            missing=bool(essential) and all(o.failed for o in essential),
        ))
    return layers


def _why(outcome: Outcome) -> str:
    if outcome.blocked_by and not outcome.findings:
        names = ", ".join(repr(m) for m in outcome.blocked_by)
        return f"{outcome.rule.id} (no section {names})"
    return outcome.rule.id


def _section_at(doc: Document, line: int) -> str | None:
    """Title of the innermost section containing a line."""
    best = None
    for section in doc.sections:
        if section.line <= line <= section.end_line and (best is None or section.level >= best.level):
            best = section
    return best.title if best else None
