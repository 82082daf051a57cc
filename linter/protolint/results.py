"""What checking concludes, as every consumer reads it: findings, what became of
each rule, layer scores, a file's Result, a whole Run and why it fails, the
fingerprint a baseline recognises a finding by, and the JSON shape of a result.

The engine and the runner produce these; the reports, the baseline, the cache
and the cycle read them.  This module decides nothing and imports nothing
above it, so every one of those may depend on it.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from protolint.config import Settings
    from protolint.document import Document
    from protolint.packs import Rule

SEVERITY_RANK = {"info": 0, "warning": 1, "error": 2}

PASSED, FAILED, BLOCKED, NOT_CHECKED = "passed", "failed", "blocked", "not checked"


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
    """What a baseline recognises the finding by when lines move (see `fingerprints`)."""
    missing_sections: tuple[str, ...] = field(default=(), compare=False, repr=False)
    """Sections whose absence this finding reports."""


@dataclass(frozen=True, slots=True)
class Notice:
    """A warning about the file that is not a finding: a suppression comment
    protolint cannot use.  It never changes the verdict (as ruff treats a bad
    `noqa`), but the user is told where it is and why."""

    path: str
    line: int
    column: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}: warning: {self.message}"


@dataclass(frozen=True, slots=True)
class Suppressed:
    """A finding that does not count: hidden by a comment, or known from the baseline."""

    finding: Finding
    by: str
    """`comment` or `baseline`."""
    comment_line: int | None = None


@dataclass(frozen=True, slots=True)
class RuleStatus:
    """What became of one rule on one file, decided once by the engine after
    suppressions and the baseline: the layer table, the verdict and every
    report read it rather than working it out again."""

    rule: Rule
    state: str
    """`passed`; `failed` (it has findings that count); `blocked` (it could not
    run for want of a section, and another rule's finding reports that section
    missing); `not checked` (an input it needs was not given: it neither passes
    nor fails and is left out of the score)."""
    reason: str = ""
    """Why it is blocked (`no section 'quality gates'`) or not checked
    (`needs the input form: give --form FORM`)."""
    findings: tuple[Finding, ...] = ()

    @property
    def counts_against(self) -> bool:
        """Failed or blocked: the rule costs its layer its weight."""
        return self.state in (FAILED, BLOCKED)

    @property
    def lost(self) -> str:
        """The rule as a layer's "lost to" entry: `rule-id`, or `rule-id (no section 'x')`."""
        return f"{self.rule.id} ({self.reason})" if self.state == BLOCKED else self.rule.id


@dataclass(frozen=True, slots=True)
class LayerScore:
    id: str
    name: str
    weight: float
    score: float
    statuses: tuple[RuleStatus, ...]
    """The layer's rules that were checked (not checked ones are left out of the score)."""
    missing: bool
    """Every essential rule of the layer counts against it."""

    @property
    def rules(self) -> int:
        return len(self.statuses)

    @property
    def lost(self) -> tuple[str, ...]:
        """Rules that cost this layer points (`rule-id`, or `rule-id (no section 'x')`)."""
        return tuple(status.lost for status in self.statuses if status.counts_against)


@dataclass(frozen=True, slots=True)
class Result:
    path: str
    pack: str
    findings: list[Finding]
    layers: list[LayerScore]
    score: float
    threshold: float
    passed: bool
    statuses: tuple[RuleStatus, ...] = ()
    """Every rule of the pack on this file, in the pack's order."""
    suppressed: list[Suppressed] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)
    """Suppression comments that could not be used."""

    @property
    def verdict(self) -> str:
        return "PASS" if self.passed else "FAIL"

    @property
    def rules(self) -> tuple[Rule, ...]:
        """Every rule that ran on this file, passing or not: SARIF and JUnit list them all."""
        return tuple(status.rule for status in self.statuses)

    @property
    def unchecked(self) -> tuple[str, ...]:
        """Rules not run for want of an input: the form, the project root, the other protocols."""
        return tuple(status.rule.id for status in self.statuses if status.state == NOT_CHECKED)

    @property
    def missing_layers(self) -> list[str]:
        return [layer.id for layer in self.layers if layer.missing]


def not_checked(statuses: Iterable[RuleStatus]) -> str:
    """The one sentence for rules that did not run, grouped by what they need:
    `not checked: A, B (needs the input form: give --form FORM)`; empty when
    every rule ran."""
    by_reason: dict[str, list[str]] = {}
    for status in statuses:
        if status.state == NOT_CHECKED:
            by_reason.setdefault(status.reason, []).append(status.rule.id)
    if not by_reason:
        return ""
    return "not checked: " + "; ".join(f"{', '.join(ids)} ({reason})" for reason, ids in by_reason.items())


@dataclass(frozen=True, slots=True)
class Problem:
    """A path that could not be checked, and where in it the trouble is."""

    path: str
    message: str
    line: int | None = None
    column: int | None = None
    fails_run: bool = False
    """A path that does not exist or that the system would not let protolint read
    or write: the run exits 2, after the other files are checked.  A file read
    but holding no protocol's text (empty, binary, not UTF-8, too big) fails the
    run only when no file at all could be checked."""

    def __str__(self) -> str:
        place = f":{self.line}:{self.column}" if self.line else ""
        return f"{self.path}{place}: error: {self.message}"


@dataclass(frozen=True, slots=True)
class Failure:
    """Why the run fails, for one path: the exit code never goes unexplained."""

    path: str
    reason: str
    code: int
    kind: str
    """verdict (the pack's verdict is FAIL), threshold (--fail-on, --min-score) or unchecked (a Problem)."""

    def __str__(self) -> str:
        return f"exit {self.code}: {self.path}: {self.reason}"


@dataclass(slots=True)
class Run:
    results: list[Result] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    settings: dict[str, Settings] = field(default_factory=dict)
    """Each result's settings, by its path: its fail_on and min_score decide the exit code."""
    skipped: list[str] = field(default_factory=list)
    """Markdown files a directory walk did not check: no pack applies to them."""
    failures: list[Failure] = field(default_factory=list)
    """Every reason the run fails, worked out once when the run is complete (runner.failures)."""

    @property
    def exit_code(self) -> int:
        """0 pass; the highest code of the failures: 2 bad input, 1 a failing file."""
        return max((failure.code for failure in self.failures), default=0)


# ------------------------------------------------------------------ fingerprints

_NUMBER = re.compile(r"\d+")


def _normalise(text: str) -> str:
    return _NUMBER.sub("0", " ".join(text.split()))


def fingerprints(findings: list[Finding], doc: Document) -> list[Finding]:
    """The findings, in the same order, each with its fingerprint.

    A finding is recognised by its fingerprint, not by its line number, so that
    editing a protocol elsewhere (a paragraph added at the top) does not turn
    old findings into new ones.  The fingerprint hashes the rule id, the text of
    the finding's line and its message — whitespace collapsed and every number
    masked, so renumbered steps and shifted `(line N)` references still match —
    and the occurrence index among findings with identical text, so two equal
    findings are two entries."""
    seen: Counter[str] = Counter()
    marked = list(findings)
    for index in sorted(range(len(findings)), key=lambda i: (findings[i].line, findings[i].column)):
        finding = findings[index]
        source = doc.lines[finding.line - 1] if 0 < finding.line <= len(doc.lines) else ""
        basis = "\0".join((finding.rule_id, _normalise(source), _normalise(finding.message)))
        occurrence = seen[basis]
        seen[basis] += 1
        digest = hashlib.sha256(f"{basis}\0{occurrence}".encode()).hexdigest()[:16]
        marked[index] = replace(finding, fingerprint=digest)
    return marked


# ------------------------------------------------------------------ JSON shape

def finding_to_dict(f: Finding) -> dict:
    return {"rule": f.rule_id, "layer": f.layer, "severity": f.severity, "message": f.message,
            "line": f.line, "column": f.column, "end_line": f.end_line, "section": f.section,
            "fingerprint": f.fingerprint}


def result_to_dict(result: Result) -> dict:
    """A file's result as the JSON report holds it (see README, "JSON output"):
    keys are only ever added, never renamed."""
    return {
        "path": result.path,
        "pack": result.pack,
        "verdict": result.verdict,
        "score": result.score,
        "threshold": result.threshold,
        "missing_layers": result.missing_layers,
        "unchecked": list(result.unchecked),
        "layers": [
            {"id": layer.id, "name": layer.name, "score": layer.score, "weight": layer.weight,
             "rules": layer.rules, "lost": list(layer.lost), "missing": layer.missing}
            for layer in result.layers
        ],
        "findings": [finding_to_dict(f) for f in result.findings],
        "suppressed": [
            {**finding_to_dict(s.finding), "suppressed_by": s.by, "comment_line": s.comment_line}
            for s in result.suppressed
        ],
        "warnings": [{"line": n.line, "column": n.column, "message": n.message} for n in result.notices],
    }
