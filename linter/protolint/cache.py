"""Results remembered between runs, in `.protolint_cache/` of the working directory.

A file is parsed and checked again only when something its result depends on
has changed.  The key holds: the file's path and bytes; the parser and the
libraries' versions; the settings that pick
and feed its rules (packs, enable/disable, form, project root); the content of
every pack file that may apply (all shipped packs and vocabularies, the
configured pack files and what they extend); the form; the baseline; and
protolint's own code (its version and the size and time of each module, so an
edited check kind is never answered from an old entry).  Results read
together (`--workspace`) are not cached, nor results of rules that look at
the project root: which files exist there is not part of the key.

An entry is JSON, never pickle (a cache directory can be planted in a
repository: nothing in it is executed), one file per key written atomically,
so two runs at once at worst write the same entry twice.  An entry that cannot
be read or does not have the expected shape is a miss, and is rewritten.
"""

from __future__ import annotations

import hashlib
import json
from functools import cache
from pathlib import Path

from protolint import __version__
from protolint.atomic import atomic_write
from protolint.packs import Rule
from protolint.results import NOT_CHECKED, Finding, LayerScore, Notice, Result, RuleStatus, Suppressed

DIRECTORY = ".protolint_cache"
FORMAT = 2


class ResultCache:
    def __init__(self, root: Path):
        self.root = root / DIRECTORY
        self.entries = self.root / f"v{FORMAT}"

    def key(self, *parts: str | bytes) -> str:
        digest = hashlib.sha256(code_signature().encode())
        for part in parts:
            data = part.encode("utf-8", "surrogateescape") if isinstance(part, str) else part
            digest.update(len(data).to_bytes(8, "little"))
            digest.update(data)
        return digest.hexdigest()

    def get(self, key: str) -> dict | None:
        try:
            entry = json.loads((self.entries / key[:2] / f"{key}.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return entry if isinstance(entry, dict) and entry.get("key") == key else None

    def put(self, key: str, entry: dict) -> None:
        """Best effort: a cache that cannot be written (read-only checkout, full
        disk) costs speed, never the run."""
        try:
            folder = self.entries / key[:2]
            folder.mkdir(parents=True, exist_ok=True)
            ignore = self.root / ".gitignore"
            if not ignore.exists():
                atomic_write(ignore, b"# written by protolint: the cache is never committed\n*\n")
            atomic_write(folder / f"{key}.json", json.dumps({**entry, "key": key}).encode("utf-8"))
        except OSError:
            pass


READS_WITH = ("pyromark", "markdown-it-py", "google-re2", "ftfy", "PyYAML")
"""The libraries a result depends on: a new release may read a file differently."""


@cache
def code_signature() -> str:
    """protolint's version, the size and modification time of each of its
    modules, and the versions of the libraries that read protocols and packs."""
    from importlib.metadata import PackageNotFoundError, version

    package = Path(__file__).parent
    stats = [(str(p.relative_to(package)), p.stat().st_size, p.stat().st_mtime_ns)
             for p in sorted(package.rglob("*.py"))]
    libraries = []
    for name in READS_WITH:
        try:
            libraries.append(f"{name}=={version(name)}")
        except PackageNotFoundError:
            libraries.append(f"{name} absent")
    return json.dumps([__version__, stats, libraries])


def file_digest(path: Path | str | None) -> str:
    if path is None:
        return "-"
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except OSError:
        return "unreadable"


def entry_of(result: Result, title: str | None) -> dict:
    """Everything of a Result but its rules, which come back from the pack (a
    rule's findings are the result's findings of that rule)."""
    return {
        "title": title,
        "path": result.path, "pack": result.pack, "score": result.score, "threshold": result.threshold,
        "passed": result.passed,
        "statuses": [[s.state, s.reason] for s in result.statuses],
        "findings": [_finding(f) for f in result.findings],
        "layers": [[l.id, l.name, l.weight, l.score, l.missing] for l in result.layers],
        "suppressed": [[_finding(s.finding), s.by, s.comment_line] for s in result.suppressed],
        "notices": [[n.path, n.line, n.column, n.message] for n in result.notices],
    }


def result_of(entry: dict, rules: tuple[Rule, ...]) -> Result | None:
    """The Result an entry records, or None when the entry is not one."""
    try:
        findings = [_unfinding(f) for f in entry["findings"]]
        if len(entry["statuses"]) != len(rules):
            return None
        by_rule: dict[str, list[Finding]] = {}
        for finding in findings:
            by_rule.setdefault(finding.rule_id, []).append(finding)
        statuses = tuple(RuleStatus(rule, state, reason, tuple(by_rule.get(rule.id, ())))
                         for rule, (state, reason) in zip(rules, entry["statuses"]))
        layers = [LayerScore(i, n, w, s, tuple(st for st in statuses if st.rule.layer == i
                                               and st.state != NOT_CHECKED), m)
                  for i, n, w, s, m in entry["layers"]]
        return Result(
            entry["path"], entry["pack"], findings, layers, entry["score"], entry["threshold"], entry["passed"],
            statuses, [Suppressed(_unfinding(f), by, line) for f, by, line in entry["suppressed"]],
            [Notice(*notice) for notice in entry["notices"]])
    except (KeyError, TypeError, ValueError):
        return None


def _finding(f: Finding) -> list:
    return [f.rule_id, f.layer, f.severity, f.message, f.path, f.line, f.column, f.end_line, f.section,
            f.fingerprint, list(f.missing_sections)]


def _unfinding(data: list) -> Finding:
    *fields, missing = data
    return Finding(*fields, missing_sections=tuple(missing))
