"""The JSON report: one document for the whole run, a stable documented shape
(see README, "JSON output"); each file as results.result_to_dict shapes it.
Keys are only ever added, never renamed."""

from __future__ import annotations

import json
from collections import Counter

from protolint import __version__
from protolint.results import Run, result_to_dict

SCHEMA_VERSION = 1


def render(run: Run, show_suppressed: bool = False) -> str:
    """The JSON report; suppressed findings are always in it (`suppressed`)."""
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
        "exit": {"code": run.exit_code,
                 "reasons": [{"path": f.path, "reason": f.reason, "code": f.code, "kind": f.kind}
                             for f in run.failures]},
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
