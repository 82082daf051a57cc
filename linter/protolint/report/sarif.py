"""SARIF 2.1.0, the format GitHub code scanning ingests: one run for all files,
every rule that ran described once in tool.driver.rules, one result per finding.

Files that could not be read are tool execution notifications, not results:
they are not findings about a protocol.

Findings hidden by a comment or the baseline are results only on request
(`--show-suppressed`), marked with SARIF's `suppressions` (`inSource`: the
comment, located; `external`: the baseline).  They are left out by default
because GitHub code scanning does not close alerts for suppressed results by
itself: uploading them would open an alert for every finding a team has
already decided about.
"""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import quote

from protolint import __version__
from protolint.packs import Rule
from protolint.report.location import relative_path
from protolint.results import Finding, Run, Suppressed
from protolint.suppressions import UNUSED_SUPPRESSION

SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
INFORMATION_URI = "https://github.com/protolint/protolint"
LEVEL = {"error": "error", "warning": "warning", "info": "note"}
FINGERPRINT = "protolint/v1"
"""The baseline fingerprint (see results.fingerprints): it ignores line numbers, so an
alert survives lines moving above it."""


def artifact_location(path: str) -> dict:
    relative = relative_path(path)
    if relative is None:
        return {"uri": Path(path).resolve().as_uri()}
    return {"uri": quote(relative.as_posix()), "uriBaseId": "%SRCROOT%"}


def _rule_descriptor(rule: Rule) -> dict:
    why = rule.rationale.strip()
    help_text = f"{why}\n\n{rule.message}" if why else rule.message
    return {
        "id": rule.id,
        "name": rule.id,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": why or rule.summary},
        "help": {"text": help_text},
        "defaultConfiguration": {"level": LEVEL[rule.severity]},
        "properties": {"layer": rule.layer, "pack": rule.pack, "tags": [rule.layer, rule.pack]},
    }


UNUSED_SUPPRESSION_DESCRIPTOR = {
    "id": UNUSED_SUPPRESSION,
    "name": UNUSED_SUPPRESSION,
    "shortDescription": {"text": "A suppression comment hides no finding"},
    "fullDescription": {"text": "A stale suppression would hide the next real problem at its place."},
    "help": {"text": "Remove the comment, or the rule ids in it that hide nothing "
                     "(reported with --report-unused-suppressions)."},
    "defaultConfiguration": {"level": "warning"},
}
"""Not a rule of any pack (see suppressions.py), yet a result needs a rule to point at."""


def _location(path: str, region: dict) -> dict:
    return {"physicalLocation": {"artifactLocation": artifact_location(path), "region": region}}


def _suppression(s: Suppressed) -> dict:
    """`accepted`: protolint honoured it; a comment is located, a baseline entry is not."""
    if s.by == "comment":
        return {"kind": "inSource", "status": "accepted",
                "location": _location(s.finding.path, {"startLine": s.comment_line})}
    return {"kind": "external", "status": "accepted"}


def _result(f: Finding, index: dict[str, int], suppressed: Suppressed | None = None) -> dict:
    result = {
        "ruleId": f.rule_id,
        "ruleIndex": index[f.rule_id],
        "level": LEVEL[f.severity],
        "message": {"text": f.message},
        "locations": [_location(f.path, {"startLine": f.line, "endLine": max(f.end_line, f.line),
                                         "startColumn": f.column})],
        "partialFingerprints": {FINGERPRINT: f.fingerprint},
    }
    if suppressed is not None:
        result["suppressions"] = [_suppression(suppressed)]
    return result


def render(run: Run, show_suppressed: bool = False) -> str:
    reported: list[tuple[Finding, Suppressed | None]] = []
    for result in run.results:
        reported += [(f, None) for f in result.findings]
        if show_suppressed:
            reported += [(s.finding, s) for s in result.suppressed]
    descriptors: dict[str, dict] = {}
    for result in run.results:
        for rule in result.rules:
            descriptors.setdefault(rule.id, _rule_descriptor(rule))
    if any(f.rule_id == UNUSED_SUPPRESSION for f, _ in reported):
        descriptors[UNUSED_SUPPRESSION] = UNUSED_SUPPRESSION_DESCRIPTOR
    index = {rule_id: position for position, rule_id in enumerate(descriptors)}
    results = [_result(f, index, suppressed) for f, suppressed in reported]
    notifications = [
        {
            "level": "error",
            "message": {"text": p.message},
            "locations": [{"physicalLocation": {
                "artifactLocation": artifact_location(p.path),
                **({"region": {"startLine": p.line, "startColumn": p.column or 1}} if p.line else {}),
            }}],
        }
        for p in run.problems
    ]
    document = {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "protolint",
                "version": __version__,
                "semanticVersion": __version__,
                "informationUri": INFORMATION_URI,
                "rules": list(descriptors.values()),
            }},
            "originalUriBaseIds": {"%SRCROOT%": {"uri": Path.cwd().resolve().as_uri().rstrip("/") + "/"}},
            "columnKind": "unicodeCodePoints",
            "invocations": [{"executionSuccessful": not run.problems,
                             "toolExecutionNotifications": notifications}],
            "results": results,
        }],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
