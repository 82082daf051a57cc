"""The JSON report: one document for the whole run, a stable documented shape
(see README, "JSON output").  Keys are only ever added, never renamed."""

from __future__ import annotations

import json
from collections import Counter

from protolint import __version__
from protolint.engine import Finding, Result
from protolint.runner import Run, failures

SCHEMA_VERSION = 1


def finding_to_dict(f: Finding) -> dict:
    return {"rule": f.rule_id, "layer": f.layer, "severity": f.severity, "message": f.message,
            "line": f.line, "column": f.column, "end_line": f.end_line, "section": f.section,
            "fingerprint": f.fingerprint}


def result_to_dict(result: Result) -> dict:
    return {
        "path": result.path,
        "pack": result.pack,
        "verdict": "PASS" if result.passed else "FAIL",
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


def render(run: Run, show_suppressed: bool = False) -> str:
    """The JSON report; suppressed findings are always in it (`suppressed`)."""
    reasons = failures(run)
    severities = Counter(f.severity for r in run.results for f in r.findings)
    document = {
        "protolint": __version__,
        "schema_version": SCHEMA_VERSION,
        "files": [result_to_dict(r) for r in run.results],
        "problems": [{"path": p.path, "message": p.message, "line": p.line, "column": p.column}
                     for p in run.problems],
        "skipped": run.skipped,
        "summary": {
            "files": len(run.results),
            "passed": sum(r.passed for r in run.results),
            "failed": sum(not r.passed for r in run.results),
            "problems": len(run.problems),
            "findings": {s: severities.get(s, 0) for s in ("error", "warning", "info")},
            "suppressed": sum(s.by == "comment" for r in run.results for s in r.suppressed),
            "baselined": sum(s.by == "baseline" for r in run.results for s in r.suppressed),
        },
        "exit": {"code": max((f.code for f in reasons), default=0),
                 "reasons": [{"path": f.path, "reason": f.reason, "code": f.code, "kind": f.kind} for f in reasons]},
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
