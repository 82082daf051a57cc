"""Run compiled rules over a Document: findings, then scores by layer.

Data flows one way: a check yields Hits, the engine turns them into Findings
and scores, the report formats them.  Nothing here prints.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from protolint.document import Document
from protolint.packs import Rule, RulePack

SEVERITY_RANK = {"info": 0, "warning": 1, "error": 2}


@dataclass(frozen=True, slots=True)
class Finding:
    rule_id: str
    layer: str
    severity: str
    message: str
    path: str
    line: int
    column: int
    end_line: int
    section: str | None


@dataclass(slots=True)
class Outcome:
    """What one rule concluded about one document."""

    rule: Rule
    findings: list[Finding] = field(default_factory=list)
    blocked_by: list[str] = field(default_factory=list)
    """Sections the rule needed and the document lacks: it could not run."""
    reports_missing: set[str] = field(default_factory=set)
    """Sections whose absence this rule's own findings report."""
    skipped: str | None = None
    """Why the rule could not run at all (no form, no project root); it then
    neither passes nor fails and is left out of the score."""

    @property
    def failed(self) -> bool:
        return self.skipped is None and bool(self.findings or self.blocked_by)


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
class Result:
    path: str
    pack: str
    findings: list[Finding]
    layers: list[LayerScore]
    score: float
    threshold: float
    passed: bool
    unchecked: tuple[str, ...] = ()
    """Form-bound rules not run because no form was given."""
    rules: tuple[Rule, ...] = ()
    """Every rule that ran on this file, passing or not: SARIF and JUnit list them all."""

    @property
    def missing_layers(self) -> list[str]:
        return [layer.id for layer in self.layers if layer.missing]


@dataclass(frozen=True, slots=True)
class Inputs:
    """What a check may need besides the protocol: the form it was generated
    from (form-bound rules) and the project it lives in (scripts that must exist)."""

    form: dict[str, Any] | None = None
    project_root: Path | None = None


def check_document(doc: Document, pack: RulePack, inputs: Inputs = Inputs()) -> Result:
    outcomes = check_rules(doc, pack, inputs)
    return result_of(doc, pack, outcomes)


def check_rules(doc: Document, pack: RulePack, inputs: Inputs = Inputs()) -> list[Outcome]:
    """Every rule's outcome; the fixers read these to know what to mend."""
    outcomes = [_run(rule, doc, inputs) for rule in pack.rules]
    _report_unexplained_blocks(outcomes, doc)
    return outcomes


def result_of(doc: Document, pack: RulePack, outcomes: list[Outcome]) -> Result:
    findings = sorted((f for o in outcomes for f in o.findings),
                      key=lambda f: (f.line, f.column, f.rule_id))
    layers = _score_layers(outcomes, pack)
    weighted = [(layer.weight, layer.score) for layer in layers if layer.rules and layer.weight > 0]
    total = sum(w for w, _ in weighted)
    score = round(sum(w * s for w, s in weighted) / total, 1) if total else 100.0
    errors = any(o.failed and o.rule.severity == "error" for o in outcomes)
    return Result(doc.path, pack.name, findings, layers, score, pack.threshold,
                  passed=not errors and score >= pack.threshold,
                  unchecked=tuple(o.rule.id for o in outcomes if o.skipped and not o.findings),
                  rules=pack.rules)


def _run(rule: Rule, doc: Document, inputs: Inputs) -> Outcome:
    if rule.form_bound and inputs.form is None:
        return Outcome(rule, skipped="needs the input form: give --form FORM")  # summed up in the report
    if rule.kind.needs_project_root and inputs.project_root is None:
        return _skip(rule, doc, "needs the project root to look for files: give --project-root DIR")
    outcome = Outcome(rule)
    for label, params, selector in _checks(rule, inputs):
        scope = selector.resolve(doc)
        scope.project_root = inputs.project_root
        if scope.missing and not rule.kind.reports_missing_sections:
            outcome.blocked_by.extend(m for m in scope.missing if m not in outcome.blocked_by)
            continue
        for hit in rule.kind.function(scope, params):
            detail = "; ".join(part for part in (label, hit.detail) if part)
            message = f"{rule.message} ({detail})" if detail else rule.message
            outcome.findings.append(Finding(rule.id, rule.layer, rule.severity, message, doc.path,
                                            hit.line, hit.column, hit.end_line or hit.line,
                                            _section_at(doc, hit.line)))
            outcome.reports_missing.update(hit.missing_sections)
    return outcome


def _checks(rule: Rule, inputs: Inputs):
    if not rule.form_bound:
        return [("", rule.params, rule.selector)]
    from protolint.binding import bind
    return [(bound.label, bound.params, bound.selector)
            for bound in bind(rule.template, rule.kind, inputs.form)]


def _skip(rule: Rule, doc: Document, why: str) -> Outcome:
    line = doc.title.line if doc.title else 1
    return Outcome(rule, skipped=why, findings=[Finding(
        rule.id, rule.layer, "info", f"not checked: {why}", doc.path, line, 1, line, None)])


def _report_unexplained_blocks(outcomes: list[Outcome], doc: Document) -> None:
    """A rule that could not run because its section is absent stays silent when
    another rule already reports that section missing (one finding per cause,
    not a cascade); otherwise it reports the absence itself."""
    reported = {name for o in outcomes for name in o.reports_missing}
    line = doc.title.line if doc.title else 1
    for outcome in outcomes:
        unexplained = [m for m in outcome.blocked_by if m not in reported]
        if not unexplained:
            continue
        rule = outcome.rule
        names = ", ".join(repr(m) for m in unexplained)
        outcome.findings.append(Finding(rule.id, rule.layer, rule.severity,
                                        f"{rule.message} (no section {names} to check)",
                                        doc.path, line, 1, line, None))
        outcome.reports_missing.update(unexplained)
        reported.update(unexplained)


def _score_layers(outcomes: list[Outcome], pack: RulePack) -> list[LayerScore]:
    layers = []
    for layer in pack.layers.values():
        mine = [o for o in outcomes if o.rule.layer == layer.id and o.skipped is None]
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
