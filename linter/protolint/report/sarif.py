"""SARIF 2.1.0, the format GitHub code scanning ingests: one run for all files,
every rule that ran described once in tool.driver.rules, one result per finding.

Files that could not be read are tool execution notifications, not results:
they are not findings about a protocol.
"""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import quote

from protolint import __version__
from protolint.packs import Rule
from protolint.report.location import relative_path
from protolint.runner import Run

SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
INFORMATION_URI = "https://github.com/protolint/protolint"
LEVEL = {"error": "error", "warning": "warning", "info": "note"}
FINGERPRINT = "protolint/v1"
"""The baseline fingerprint (see baseline.py): it ignores line numbers, so an
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


def render(run: Run) -> str:
    rules: dict[str, Rule] = {}
    for result in run.results:
        for rule in result.rules:
            rules.setdefault(rule.id, rule)
    index = {rule_id: position for position, rule_id in enumerate(rules)}
    results = [
        {
            "ruleId": f.rule_id,
            "ruleIndex": index[f.rule_id],
            "level": LEVEL[f.severity],
            "message": {"text": f.message},
            "locations": [{"physicalLocation": {
                "artifactLocation": artifact_location(f.path),
                "region": {"startLine": f.line, "endLine": max(f.end_line, f.line), "startColumn": f.column},
            }}],
            "partialFingerprints": {FINGERPRINT: f.fingerprint},
        }
        for result in run.results for f in result.findings
    ]
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
                "rules": [_rule_descriptor(rule) for rule in rules.values()],
            }},
            "originalUriBaseIds": {"%SRCROOT%": {"uri": Path.cwd().resolve().as_uri().rstrip("/") + "/"}},
            "columnKind": "unicodeCodePoints",
            "invocations": [{"executionSuccessful": not run.problems,
                             "toolExecutionNotifications": notifications}],
            "results": results,
        }],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
