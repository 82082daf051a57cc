"""From paths on disk to Results: find the Markdown, read it safely, pick the
packs that apply (the file's configuration first), check.  Everything a library
user needs, so the CLI stays thin.

Bad input never stops the run: each unreadable path becomes one Problem (file,
place, what is wrong) and the other files are still checked.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from protolint.config import COMMAND_LINE, Configuration, Settings, names_rule, shown_path
from protolint.engine import Inputs, Result, check_document
from protolint.errors import ConfigError, PackError, UserError
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
    settings: dict[str, Settings] = field(default_factory=dict)
    """Each result's settings, by its path: its fail_on and min_score decide the exit code."""


class UnreadableFile(Exception):
    def __init__(self, message: str, line: int | None = None, column: int | None = None):
        super().__init__(message)
        self.line, self.column = line, column


def collect_files(paths: list[str], configuration: Configuration | None = None) -> tuple[list[Path], list[Problem]]:
    """Files as given, always checked (as in ruff); directories recurse for what
    their configuration includes (*.md unless told otherwise), in a stable order."""
    from protolint.walk import walk

    configuration = configuration or Configuration(isolated=True)
    files: list[Path] = []
    problems: list[Problem] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = walk(path, configuration)
            if not found:
                include = ", ".join(configuration.for_directory(path).include)
                problems.append(Problem(raw, f"directory holds no Markdown files ({include})"))
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
    """Checks files against packs compiled once for the whole run, each file
    with the settings of its configuration: packs, rule selection, form,
    project root.  Without a `configuration` no config file is read, and
    `pack_refs`, `form` and `project_root` stand for the command line."""

    def __init__(self, pack_refs: list[str] | None = None, loader: PackLoader | None = None, *,
                 form: str | Path | None = None, project_root: str | Path | None = None,
                 baseline: Baseline | None = None, report_unused_suppressions: bool = False,
                 configuration: Configuration | None = None, workspace: bool = False):
        self.loader = loader or PackLoader()
        self.workspace = workspace
        """Read the files of a run together and add the cross-protocol rules (`--workspace`;
        `workspace: true` in the configuration of the paths named does the same)."""
        self.baseline = baseline
        self.report_unused_suppressions = report_unused_suppressions
        self.configuration = configuration or Configuration(isolated=True, overrides={
            "packs": pack_refs, "form": form, "project_root": project_root})
        self._shipped: list[RulePack] | None = None
        self._combined: dict[tuple[str, ...], RulePack] = {}
        self._selected: dict[tuple, RulePack] = {}
        self._trusted: dict[tuple, RulePack] = {}
        self._forms: dict[str, object] = {}
        self._roots: set[Path] = set()
        given = self.configuration.overrides
        if given.get("packs") or given.get("form") is not None or given.get("project_root") is not None:
            # a bad pack, form or project root on the command line fails now, before any file is read
            settings = self.configuration.defaults.overridden(given)
            pack = self.packs_for("<string>", None, settings)
            self.inputs_for(pack, settings)

    def _form_data(self, path: str):
        if path not in self._forms:
            from protolint.form import load_form
            self._forms[path] = load_form(path)
        return self._forms[path]

    def form_for(self, pack: RulePack, settings: Settings):
        """The form of the command line or the configuration, else the pack's default form."""
        configured = settings.origins.get("form", (None,))[-1]
        if settings.form is not None and not settings.form.exists() and configured and configured.line:
            raise _at_setting(settings, "form", f"{shown_path(settings.form)}: no such form file")
        form = settings.form or pack.form
        return self._form_data(str(form)) if form else None

    def project_root_for(self, settings: Settings) -> Path | None:
        root = settings.project_root
        if root is not None and root not in self._roots:
            if not root.is_dir():
                raise _at_setting(settings, "project_root", f"{shown_path(root)} is not a directory")
            self._roots.add(root)
        return root

    def inputs_for(self, pack: RulePack, settings: Settings) -> Inputs:
        form = self.form_for(pack, settings)
        return Inputs(form.data if form else None, self.project_root_for(settings))

    def settings_for(self, path: str) -> Settings:
        """Everything configured for this file: packs, rule selection, form,
        project_root, fail_on, min_score, and where each came from."""
        return self.configuration.for_file(path)

    def packs_for(self, path: str, title: str | None, settings: Settings | None = None) -> RulePack:
        """The packs in effect for a file, the trust rules always beside them
        (the configuration's `disable` turns those off by id like any rule)."""
        settings = settings or self.settings_for(path)
        if settings.packs:
            pack = self._configured(settings)
        else:
            matching = [p for p in self._shipped_packs() if p.applies_to(path, title)]
            pack = combine(matching) if matching else self.loader.load(FALLBACK_PACK)
        key = (pack.name, pack.source, tuple(rule.id for rule in pack.rules))
        if key not in self._trusted:
            self._trusted[key] = self.loader.with_trust(pack)
        return self._select(self._trusted[key], settings)

    def _shipped_packs(self) -> list[RulePack]:
        if self._shipped is None:
            self._shipped = self.loader.load_all()
        return self._shipped

    def _configured(self, settings: Settings) -> RulePack:
        if settings.packs not in self._combined:
            packs = []
            for reference in settings.packs:
                try:
                    self.loader.resolve(reference)
                except PackError as error:
                    if not settings.origins.get("packs", (None,))[-1].line:
                        raise  # named on the command line: the error names it already
                    raise _at_setting(settings, "packs", f"{shown_path(reference)}: {error.problem}") from None
                packs.append(self.loader.load(reference))
            self._combined[settings.packs] = combine(packs)
        return self._combined[settings.packs]

    def _select(self, pack: RulePack, settings: Settings) -> RulePack:
        """The pack with only the rules `enable`/`disable` let run; an entry that
        names no known rule is a config error (a typo would silently do nothing)."""
        if not settings.enable and not settings.disable:
            return pack
        key = (pack.name, pack.source, tuple(rule.id for rule in pack.rules), settings.enable, settings.disable)
        if key not in self._selected:
            known = {rule.id for p in (*self._shipped_packs(), pack) for rule in p.rules}
            for setting in ("enable", "disable"):
                for entry in getattr(settings, setting):
                    if not any(names_rule(entry, rule_id) for rule_id in known):
                        close = difflib.get_close_matches(entry, sorted(known), n=3, cutoff=0.75)
                        hint = f"; did you mean {', '.join(close)}?" if close else "; `protolint rules list` shows them"
                        raise _at_setting(settings, setting, f"{entry!r} names no rule{hint}")
            self._selected[key] = replace(pack, rules=tuple(r for r in pack.rules if settings.rule_selected(r.id)))
        return self._selected[key]

    def check_text(self, text: str, path: str = "<string>", settings: Settings | None = None) -> Result:
        return self._check(parse_document(text, path), settings or self.settings_for(path))

    def _check(self, doc, settings: Settings, workspace=None) -> Result:
        pack = self.packs_for(doc.path, doc.title.title if doc.title else None, settings)
        inputs = self.inputs_for(pack, settings)
        if workspace is not None:
            if "workspace" not in pack.lineage:
                pack = combine([pack, self.loader.load("workspace")])
            inputs = replace(inputs, workspace=workspace)
        return check_document(doc, pack, inputs, baseline=self.baseline,
                              report_unused_suppressions=self.report_unused_suppressions)

    def analyze_text(self, text: str, path: str = "<string>", settings: Settings | None = None):
        """The meta-analysis of a protocol, on the same judgement as `check_text`."""
        from protolint.analysis import analyze

        doc = parse_document(text, path)
        return analyze(doc, self._check(doc, settings or self.settings_for(path)))

    def run(self, paths: list[str]) -> Run:
        files, problems = collect_files(paths, self.configuration)
        run = Run(problems=problems)
        docs = ((path, parse_document(text, str(path))) for path, text in self._texts(files, run))
        workspace = None
        if self.workspace or bool(paths) and all(self.configuration.for_file(p).workspace for p in paths):
            from protolint.workspace import Workspace
            docs = list(docs)  # every file parsed once and kept: the rules read them together
            workspace = Workspace.of([doc for _, doc in docs])
        for path, doc in docs:  # otherwise one file at a time: memory stays flat
            settings = self.settings_for(str(path))
            run.results.append(self._check(doc, settings, workspace))
            run.settings[str(path)] = settings
        return run

    @staticmethod
    def _texts(files: list[Path], run: Run):
        """Each file's text, in order; an unreadable one becomes a problem of the run."""
        for path in files:
            try:
                yield path, read_protocol(path)
            except UnreadableFile as error:
                run.problems.append(Problem(str(path), str(error), error.line, error.column))


def _at_setting(settings: Settings, key: str, problem: str) -> UserError:
    """An error about a configured value, placed where the value was set (the
    last place, when per_file entries added to it)."""
    origin = settings.origins.get(key, (None,))[-1]
    if origin == COMMAND_LINE:
        return UserError(f"--{key.replace('_', '-')}: {problem}")
    if origin is None or origin.line is None:
        return UserError(f"{key}: {problem}")
    return ConfigError(origin.source, f"{key}: {problem}", origin.line)


def exit_code(run: Run, fail_on: str | None = None, min_score: float | None = None) -> int:
    """0 pass; 1 a finding at or above `fail_on`, a failed verdict, or a score
    under `min_score`; 2 when nothing at all could be checked.  Without
    arguments, each file's own settings decide (its config, else the defaults)."""
    from protolint.engine import SEVERITY_RANK

    if not run.results:
        return 2
    for result in run.results:
        settings = run.settings.get(result.path)
        floor = fail_on or (settings.fail_on if settings else "error")
        minimum = min_score if min_score is not None else (settings.min_score if settings else None)
        if minimum is not None and result.score < minimum:
            return 1
        if floor == "never":
            continue
        if not result.passed or any(SEVERITY_RANK[f.severity] >= SEVERITY_RANK[floor] for f in result.findings):
            return 1
    return 0
