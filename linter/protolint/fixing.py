"""`--fix` and `--diff` on files: each file is mended in memory (fix.py), then
written back as it was stored but for the fixes -- its line endings (CRLF
stays CRLF) and its UTF-8 byte-order mark kept, through a symlink to the file
it names -- or shown as a unified diff.  A file that cannot be written (read-only,
in a read-only directory) is named with the reason and left as it was; the
other files are still fixed, and the run then fails with exit 2."""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from protolint.atomic import atomic_write
from protolint.fix import FixReport, fix_text
from protolint.parsing import parse_document
from protolint.results import Problem
from protolint.runner import Linter, UnreadableFile, collect_files, protocol_text, read_protocol_bytes

BOM = b"\xef\xbb\xbf"


@dataclass(frozen=True, slots=True)
class StoredForm:
    """How a file's text is stored besides its characters."""

    bom: bool
    newline: str

    @classmethod
    def of(cls, data: bytes) -> StoredForm:
        """The file's first line ending is its convention (\\r\\n, \\n or a lone \\r)."""
        text = data.decode("utf-8", errors="replace")
        ends = [i for i in (text.find("\r"), text.find("\n")) if i >= 0]
        newline = "\n"
        if ends and text[min(ends)] == "\r":
            newline = "\r\n" if text[min(ends) + 1:min(ends) + 2] == "\n" else "\r"
        return cls(bom=data.startswith(BOM), newline=newline)

    def encode(self, text: str) -> bytes:
        """`text` as read (\\n line endings, no BOM) back in this form."""
        data = text.replace("\n", self.newline).encode("utf-8")
        return BOM + data if self.bom else data


@dataclass(frozen=True, slots=True)
class FileFix:
    path: Path
    before: str
    report: FixReport
    refused: Problem | None = None
    """Why the fixed text could not be written; None when written (or not asked to be)."""

    def messages(self, written: bool) -> list[str]:
        """What was (or, for --diff, would be) done to the file, and what could not be."""
        done = "fixed" if written else "would fix"
        lines = [f"{self.path}: {done} {rule_id}: {what}" for rule_id, what in self.report.applied]
        lines += [f"{self.path}: cannot fix {rule_id}: {why}" for rule_id, why in self.report.unavailable.items()]
        if self.report.unsafe:
            lines.append(f"{self.path}: {len(self.report.unsafe)} unsafe fix(es) not applied "
                         f"({', '.join(self.report.unsafe)}); rerun with --unsafe-fixes")
        return lines

    def diff(self) -> str:
        return "".join(difflib.unified_diff(self.before.splitlines(True), self.report.text.splitlines(True),
                                            f"a/{self.path}", f"b/{self.path}"))


def fix_files(linter: Linter, paths: list[str], write: bool, unsafe: bool,
              problems: list[Problem]) -> Iterator[FileFix]:
    """Each readable file of `paths` with its fixes, written back when `write`.
    The paths that could not be read are added to `problems` as the walk and
    the reading meet them (after --fix, the check reports them again; after
    --diff, they are the run's only report of them)."""
    files, found, _ = collect_files(paths, linter.configuration, linter.is_protocol)
    problems.extend(found)
    for path in files:
        try:
            data = read_protocol_bytes(path)  # read once: the text and how it is stored agree
            text, stored = protocol_text(data), StoredForm.of(data)
        except UnreadableFile as error:
            problems.append(Problem(str(path), str(error), error.line, error.column, error.refused))
            continue
        doc = parse_document(text, str(path))
        settings = linter.settings_for(str(path))
        pack = linter.packs_for(str(path), doc.title.title if doc.title else None, settings)
        report = fix_text(text, str(path), pack, linter.form_for(pack, settings),
                          linter.project_root_for(settings), unsafe)
        refused = None
        if write and report.changed:
            try:
                atomic_write(path, stored.encode(report.text))
            except OSError as error:
                refused = Problem(str(path), f"not fixed: cannot write: {error.strerror or error}", fails_run=True)
        yield FileFix(path, text, report, refused)
