"""From paths on disk to Results: find the Markdown, read it safely, pick the
packs that apply, check.  Everything a library user needs, so the CLI stays thin.

Bad input never stops the run: each unreadable path becomes one Problem (file,
place, what is wrong) and the other files are still checked.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from protolint.engine import Inputs, Result, check_document
from protolint.packs import PackLoader, RulePack, combine
from protolint.parsing import parse_document

if TYPE_CHECKING:
    from protolint.baseline import Baseline

MAX_BYTES = 10 * 1024 * 1024
FALLBACK_PACK = "core"


@dataclass(frozen=True, slots=True)
class Problem:
    """A path that could not be checked, and where in it the trouble is."""

    path: str
    message: str
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        place = f":{self.line}:{self.column}" if self.line else ""
        return f"{self.path}{place}: error: {self.message}"


@dataclass(slots=True)
class Run:
    results: list[Result] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


class UnreadableFile(Exception):
    def __init__(self, message: str, line: int | None = None, column: int | None = None):
        super().__init__(message)
        self.line, self.column = line, column


def collect_files(paths: list[str]) -> tuple[list[Path], list[Problem]]:
    """Files as given; directories recurse for *.md, in a stable order."""
    files: list[Path] = []
    problems: list[Problem] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = sorted(p for p in path.rglob("*.md") if p.is_file())
            if not found:
                problems.append(Problem(raw, "directory holds no Markdown files (*.md)"))
            files.extend(found)
        elif path.exists():
            files.append(path)
        else:
            problems.append(Problem(raw, "no such file or directory"))
    return list(dict.fromkeys(files)), problems


def read_protocol(path: Path) -> str:
    """The text of a protocol, or UnreadableFile saying exactly why not."""
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise UnreadableFile(f"file is {size / 1024 / 1024:.1f} MB; protocols are read up to "
                                 f"{MAX_BYTES // 1024 // 1024} MB")
        data = path.read_bytes()
    except OSError as error:
        raise UnreadableFile(f"cannot read: {error.strerror or error}") from None
    if not data.strip():
        raise UnreadableFile("empty file: nothing to check")
    if b"\x00" in data[:8192]:
        raise UnreadableFile("binary file, not Markdown")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[:error.start].count(b"\n") + 1
        column = error.start - (data.rfind(b"\n", 0, error.start) + 1) + 1
        raise UnreadableFile(f"not UTF-8 (byte 0x{data[error.start]:02x}); save the file as UTF-8",
                             line, column) from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


class Linter:
    """Checks files against packs compiled once for the whole run."""

    def __init__(self, pack_refs: list[str] | None = None, loader: PackLoader | None = None, *,
                 form: str | Path | None = None, project_root: str | Path | None = None,
                 baseline: Baseline | None = None, report_unused_suppressions: bool = False):
        self.loader = loader or PackLoader()
        self.baseline = baseline
        self.report_unused_suppressions = report_unused_suppressions
        self.forced: RulePack | None = (
            combine([self.loader.load(ref) for ref in pack_refs]) if pack_refs else None)
        self._shipped: list[RulePack] | None = None
        self._forms: dict[str, object] = {}
        self.form = str(form) if form is not None else None
        if self.form is not None:
            self._form_data(self.form)  # a bad form is an error before any file is read
        self.project_root = Path(project_root).resolve() if project_root is not None else None
        if self.project_root is not None and not self.project_root.is_dir():
            from protolint.errors import UserError
            raise UserError(f"{project_root}: --project-root is not a directory")

    def _form_data(self, path: str):
        if path not in self._forms:
            from protolint.form import load_form
            self._forms[path] = load_form(path)
        return self._forms[path]

    def form_for(self, pack: RulePack):
        """The form given on the command line, else the pack's default form."""
        form = self.form or pack.form
        return self._form_data(form) if form else None

    def inputs_for(self, pack: RulePack) -> Inputs:
        form = self.form_for(pack)
        return Inputs(form.data if form else None, self.project_root)

    def packs_for(self, path: str, title: str | None) -> RulePack:
        if self.forced is not None:
            return self.forced
        if self._shipped is None:
            self._shipped = self.loader.load_all()
        matching = [p for p in self._shipped if p.applies_to(path, title)]
        return combine(matching) if matching else self.loader.load(FALLBACK_PACK)

    def check_text(self, text: str, path: str = "<string>") -> Result:
        doc = parse_document(text, path)
        pack = self.packs_for(path, doc.title.title if doc.title else None)
        return check_document(doc, pack, self.inputs_for(pack), baseline=self.baseline,
                              report_unused_suppressions=self.report_unused_suppressions)

    def run(self, paths: list[str]) -> Run:
        files, problems = collect_files(paths)
        run = Run(problems=problems)
        for path in files:
            try:
                text = read_protocol(path)
            except UnreadableFile as error:
                run.problems.append(Problem(str(path), str(error), error.line, error.column))
                continue
            run.results.append(self.check_text(text, str(path)))
        return run


def exit_code(run: Run, fail_on: str = "error", min_score: float | None = None) -> int:
    """0 pass; 1 a finding at or above `fail_on`, a failed verdict, or a score
    under `min_score`; 2 when nothing at all could be checked."""
    from protolint.engine import SEVERITY_RANK

    if not run.results:
        return 2
    if min_score is not None and any(r.score < min_score for r in run.results):
        return 1
    if fail_on == "never":
        return 0
    floor = SEVERITY_RANK[fail_on]
    for result in run.results:
        if not result.passed or any(SEVERITY_RANK[f.severity] >= floor for f in result.findings):
            return 1
    return 0
