"""A file's fixes as `--fix` and `--diff` use them (`Linter.fix` makes them):
the text before and after, what was done, and how the file is stored, so the
fixed text is written back as it was stored but for the fixes -- its line
endings (CRLF stays CRLF) and its UTF-8 byte-order mark kept, through a
symlink to the file it names -- or shown as a unified diff."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path

from protolint.atomic import atomic_write
from protolint.fix import FixReport

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
    """What was done, what could not be, and the text after (`report.text`)."""
    stored: StoredForm

    @property
    def after(self) -> str:
        return self.report.text

    @property
    def changed(self) -> bool:
        return self.report.changed

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
        return "".join(difflib.unified_diff(self.before.splitlines(True), self.after.splitlines(True),
                                            f"a/{self.path}", f"b/{self.path}"))

    def write(self) -> None:
        """The fixed text, in the file's stored form, replaces the file at once
        (never half written); OSError when the system refuses."""
        atomic_write(self.path, self.stored.encode(self.after))
