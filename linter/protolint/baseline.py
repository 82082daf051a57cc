"""Baselines: adopt protolint in a repository whose protocols already have findings.

`--write-baseline FILE` records today's findings; `--baseline FILE` then reports
only the findings that are not recorded, and the recorded ones do not count
against the score (as detekt and PHPStan treat their baselines): CI fails for
what a change introduces, not for what was there before.

A finding is recognised by its fingerprint (see results.fingerprints), not by
its line number, so that editing a protocol elsewhere (a paragraph added at the
top) does not turn old findings into new ones.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from protolint.atomic import write_text_atomic
from protolint.errors import UserError
from protolint.userfiles import Unreadable, read_user_text

if TYPE_CHECKING:
    from protolint.results import Finding, Result

FORMAT_VERSION = 1


class BaselineError(UserError):
    def __init__(self, path: str | os.PathLike, problem: str):
        super().__init__(f"{path}: {problem}")


def _relative(path: str, directory: Path) -> str:
    """A finding's path as the baseline stores it: relative to the baseline's
    directory, with forward slashes, so the file is the same on every machine."""
    absolute = os.path.abspath(path)
    try:
        return Path(os.path.relpath(absolute, directory)).as_posix()
    except ValueError:  # another drive
        return Path(absolute).as_posix()


@dataclass(frozen=True, slots=True)
class Baseline:
    path: Path
    entries: frozenset[tuple[str, str, str]]
    """(path relative to the baseline's directory, rule id, fingerprint)."""

    @property
    def directory(self) -> Path:
        return Path(os.path.abspath(self.path)).parent

    def covers(self, finding: Finding) -> bool:
        return (_relative(finding.path, self.directory), finding.rule_id,
                finding.fingerprint) in self.entries

    @classmethod
    def load(cls, path: str | os.PathLike) -> Baseline:
        path = Path(path)
        try:
            text = read_user_text(path, "baseline", missing="baseline not found (create it with --write-baseline)")
        except Unreadable as error:
            place = f"{path}:{error.line}:{error.column}" if error.line else path
            raise BaselineError(place, error.problem) from None
        try:
            data = json.loads(text)
        except json.JSONDecodeError as error:
            raise BaselineError(f"{path}:{error.lineno}:{error.colno}",
                                f"baseline is not valid JSON: {error.msg}") from None
        if not isinstance(data, dict) or "protolint_baseline" not in data:
            raise BaselineError(path, "not a protolint baseline (no 'protolint_baseline' version key)")
        if data["protolint_baseline"] != FORMAT_VERSION:
            raise BaselineError(path, f"baseline format {data['protolint_baseline']!r} is not supported "
                                      f"(this protolint reads {FORMAT_VERSION}); write it again")
        findings = data.get("findings")
        if not isinstance(findings, list):
            raise BaselineError(path, "'findings' must be a list")
        entries = set()
        for number, entry in enumerate(findings, start=1):
            if not isinstance(entry, dict) or not all(
                    isinstance(entry.get(key), str) for key in ("path", "rule", "fingerprint")):
                raise BaselineError(path, f"finding #{number} needs 'path', 'rule' and "
                                          f"'fingerprint' strings")
            entries.add((entry["path"], entry["rule"], entry["fingerprint"]))
        return cls(path, frozenset(entries))


def write_baseline(path: str | os.PathLike, results: list[Result]) -> int:
    """Record every finding of `results` in `path` (atomically); the number recorded.

    The message is there for a reviewer reading the file; only path, rule and
    fingerprint are matched.  No line numbers: rewriting the baseline after
    unrelated edits should not change it."""
    path = Path(path)
    directory = Path(os.path.abspath(path)).parent
    ordered = sorted(((_relative(f.path, directory), f) for r in results for f in r.findings),
                     key=lambda pair: (pair[0], pair[1].line, pair[1].column, pair[1].rule_id))
    findings = [{"path": relative, "rule": f.rule_id, "fingerprint": f.fingerprint, "message": f.message}
                for relative, f in ordered]
    text = json.dumps({"protolint_baseline": FORMAT_VERSION, "findings": findings},
                      indent=2, ensure_ascii=False) + "\n"
    try:
        write_text_atomic(path, text)
    except OSError as error:
        raise BaselineError(path, f"cannot write baseline: {error.strerror or error}") from None
    return len(findings)
