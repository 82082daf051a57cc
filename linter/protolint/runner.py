"""From paths on disk to Results: find the Markdown, read it safely, pick the
packs that apply (the file's configuration first), check.  Everything a library
user needs, so the CLI stays thin.

Bad input never stops the run: each unreadable path becomes one Problem (file,
place, what is wrong) and the other files are still checked.
"""

from __future__ import annotations

import difflib
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from protolint.config import COMMAND_LINE, DEFAULT, Configuration, Settings, names_rule, shown_path
from protolint.engine import Inputs, check_document
from protolint.errors import ConfigError, PackError, UserError
from protolint.packs import PackLoader, PackScope, Rule, RulePack, combine, shipped_pack_names
from protolint.parsing import DocumentTooDeep, front_matter_end, parse_document
from protolint.results import SEVERITY_RANK, Failure, Problem, Result, Run

if TYPE_CHECKING:
    from protolint.baseline import Baseline
    from protolint.fixing import FileFix
    from protolint.cache import ResultCache

MAX_BYTES = 10 * 1024 * 1024
FALLBACK_PACK = "core"
TITLE_BYTES = 8 * 1024
"""How much of a file a walk reads to find its title (after a front matter or banner)."""


class UnreadableFile(Exception):
    def __init__(self, message: str, line: int | None = None, column: int | None = None,
                 refused: bool = False):
        super().__init__(message)
        self.line, self.column = line, column
        self.refused = refused
        """The system would not give the bytes (rather than bytes that are no protocol's text)."""


def collect_files(paths: list[str], configuration: Configuration | None = None,
                  is_protocol: Callable[[Path], bool] | None = None
                  ) -> tuple[list[Path], list[Problem], list[Path]]:
    """Files as given, always checked (as in ruff); directories recurse for what
    their configuration includes, else for the *.md files `is_protocol` accepts,
    in a stable order.  Also the problems, and the Markdown files a walk passed
    over as no protocol (the report names them: nothing is skipped in silence)."""
    from protolint.walk import NOT_UTF8_NAME, shown, utf8_name, walk

    configuration = configuration or Configuration(isolated=True)
    files: list[Path] = []
    problems: list[Problem] = []
    skipped: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if not utf8_name(path):
            problems.append(Problem(shown(path), NOT_UTF8_NAME, fails_run=True))
        elif path.is_dir():
            found = walk(path, configuration, is_protocol)
            problems.extend(Problem(shown(where), why, fails_run=True) for where, why in found.problems)
            include = ", ".join(configuration.for_directory(path).include)
            if found.not_protocols and not found.files and not found.problems:
                problems.append(Problem(raw, f"directory holds no protocols: none of its {len(found.not_protocols)} "
                                             f"{include} file(s) is one a pack applies to (a title such as "
                                             "'# PROTOCOL 1: …'); set `include` in the configuration to choose"))
            elif not found.files and not found.problems:
                problems.append(Problem(raw, f"directory holds no Markdown files ({include})"))
            else:
                skipped.extend(found.not_protocols)
            files.extend(found.files)
        elif path.exists():
            files.append(path)
        else:
            problems.append(Problem(raw, "no such file or directory", fails_run=True))
    return list(dict.fromkeys(files)), problems, skipped


def read_protocol(path: Path) -> str:
    """The text of a protocol, or UnreadableFile saying exactly why not."""
    return protocol_text(read_protocol_bytes(path))


def read_protocol_bytes(path: Path) -> bytes:
    """A protocol file's bytes as stored (`--fix` writes them back in the same
    form), or UnreadableFile when the system will not give them."""
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise UnreadableFile(f"file is {size / 1024 / 1024:.1f} MB; protocols are read up to "
                                 f"{MAX_BYTES // 1024 // 1024} MB")
        return path.read_bytes()
    except OSError as error:
        raise UnreadableFile(f"cannot read: {error.strerror or error}", refused=True) from None


def protocol_text(data: bytes) -> str:
    """A protocol's bytes as text with \n line endings and no BOM, or
    UnreadableFile when they are no protocol's text."""
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
                 configuration: Configuration | None = None, workspace: bool = False,
                 cache: ResultCache | None = None):
        self.loader = loader or PackLoader()
        self.cache = cache
        """Where results are remembered between runs (see cache.py); None: every file is checked."""
        self._pack_digests: dict[tuple[str, ...] | None, tuple[str, ...]] = {}
        self._file_digests: dict[str, str] = {}
        self._settings: dict[str, Settings] = {}
        self.workspace = workspace
        """Read the files of a run together and add the cross-protocol rules (`--workspace`;
        `workspace: true` in the configuration of the paths named does the same)."""
        self.baseline = baseline
        self.report_unused_suppressions = report_unused_suppressions
        self.configuration = configuration or Configuration(isolated=True, overrides={
            "packs": pack_refs, "form": form, "project_root": project_root})
        self._shipped: list[RulePack] | None = None
        self._scopes: list[PackScope] | None = None
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
        project_root, fail_on, min_score, and where each came from (worked out
        once per path: the walk, the check and the exit code each ask)."""
        if path not in self._settings:
            self._settings[path] = self.configuration.for_file(path)
        return self._settings[path]

    def packs_for(self, path: str, title: str | None, settings: Settings | None = None) -> RulePack:
        """The packs in effect for a file, the trust rules always beside them
        (the configuration's `disable` turns those off by id like any rule)."""
        settings = settings or self.settings_for(path)
        if settings.packs:
            pack = self._configured(settings)
        else:
            matching = [p for p in self._shipped_scopes() if p.applies_to(path, title)]
            matching = [p for p in matching if not any(p.name in q.lineage[1:] for q in matching)]  # extended
            pack = combine([self.loader.load(p.name) for p in matching]) if matching \
                else self.loader.load(FALLBACK_PACK)
        key = (pack.name, pack.source, tuple(rule.id for rule in pack.rules))
        if key not in self._trusted:
            self._trusted[key] = self.loader.with_trust(pack)
        return self._select(self._trusted[key], settings)

    def packs_here(self, directory: str | Path = ".") -> list[RulePack]:
        """The packs `check` would use for files in `directory`, rule selection
        applied: the configured (or named) ones, else every shipped pack (each
        file then gets those whose applies_to matches it)."""
        settings = self.configuration.for_file(directory)
        if settings.packs:
            return [self._select(self._configured(settings), settings)]
        return [self._select(pack, settings) for pack in self._shipped_packs()]

    def is_protocol(self, path: Path) -> bool:
        """Whether a directory walk checks `path` when its configuration sets no
        `include`: a pack that could check it applies to it, by file name or H1
        title (a README or CHANGELOG is no protocol).  A file that cannot be
        read is taken, so the check names it rather than the walk losing it."""
        settings = self.settings_for(str(path))
        packs = [self.loader.load(reference) for reference in settings.packs or ()] + self._shipped_scopes()
        if any(pack.applies_to(str(path), None) for pack in packs):
            return True
        try:
            with open(path, "rb") as handle:
                head = handle.read(TITLE_BYTES).decode("utf-8", errors="replace").lstrip("\ufeff")
        except OSError:
            return True
        try:
            title = _title(head.replace("\r\n", "\n").replace("\r", "\n"), str(path))
        except DocumentTooDeep:
            return True  # the check names it

        return title is not None and any(pack.applies_to(str(path), title) for pack in packs)

    def _shipped_scopes(self) -> list[PackScope]:
        if self._scopes is None:
            self._scopes = [self.loader.scope(name) for name in shipped_pack_names()]
        return self._scopes

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

    def fix(self, paths: list[str], unsafe: bool = False) -> Iterator[FileFix | Problem]:
        """Every file the paths name mended in memory, in the order `run` checks
        them: its text before and after and what was done (nothing is written),
        or the Problem that kept it from being read.  Unsafe fixes only when
        `unsafe`.  Each file is read and parsed once."""
        from protolint.fix import fix_text
        from protolint.fixing import FileFix, StoredForm

        files, problems, _ = collect_files(paths, self.configuration, self.is_protocol)
        yield from problems
        for path in files:
            try:
                data = read_protocol_bytes(path)  # the text and how it is stored agree
                text = protocol_text(data)
                doc = parse_document(text, str(path))
            except (UnreadableFile, DocumentTooDeep) as error:
                yield unchecked(path, error)
                continue
            settings = self.settings_for(str(path))
            pack = self.packs_for(str(path), doc.title.title if doc.title else None, settings)
            report = fix_text(text, str(path), pack, self.form_for(pack, settings),
                              self.project_root_for(settings), unsafe, doc=doc)
            yield FileFix(path, text, report, StoredForm.of(data))

    def run(self, paths: list[str], jobs: int = 1, problems: list[Problem] = ()) -> Run:
        """Check every file the paths name.  With `jobs` > 1 and enough files,
        worker processes check them; the results keep the files' order.
        `problems`: paths found uncheckable before the run (a file `--fix`
        could not write), reported after the run's own."""
        files, found, skipped = collect_files(paths, self.configuration, self.is_protocol)
        run = Run(problems=found, skipped=[str(path) for path in skipped])
        if self.workspace or bool(paths) and all(self.configuration.for_file(p).workspace for p in paths):
            self._run_together(files, run)
        else:
            self._run_apart(files, run, jobs)
        run.problems.extend(problems)
        run.failures = failures(run)
        return run

    def _run_apart(self, files: list[Path], run: Run, jobs: int) -> None:
        from protolint import workers

        checked = workers.check_files(self._check_file, self._rules_for, files, jobs) \
            if jobs > 1 and len(files) >= workers.PARALLEL_FROM else (self._check_file(path)[0] for path in files)
        for path, outcome in zip(files, checked):  # one file at a time: memory stays flat
            if isinstance(outcome, Problem):
                run.problems.append(outcome)
            else:
                run.results.append(outcome)
                run.settings[str(path)] = self.settings_for(str(path))

    def _run_together(self, files: list[Path], run: Run) -> None:
        """`--workspace`: every file parsed once and kept, the rules read them together."""
        from protolint.workspace import Workspace

        docs = [(path, parse_document(text, str(path))) for path, text in self._texts(files, run)]
        workspace = Workspace.of([doc for _, doc in docs])
        for path, doc in docs:
            settings = self.settings_for(str(path))
            run.results.append(self._check(doc, settings, workspace))
            run.settings[str(path)] = settings

    def _check_file(self, path: Path) -> tuple[Result | Problem, str | None]:
        """One file's result and title (which picks its packs): from the cache
        when nothing the result depends on changed."""
        from protolint import cache

        settings = self.settings_for(str(path))
        try:
            text = read_protocol(path)
        except UnreadableFile as error:
            return unchecked(path, error), None
        key = self._cache_key(path, text, settings)
        entry = self.cache.get(key) if key else None
        if entry is not None:
            result = cache.result_of(entry, self._rules_for(path, entry.get("title")))
            if result is not None:
                return result, entry.get("title")
        try:
            doc = parse_document(text, str(path))
        except DocumentTooDeep as error:
            return unchecked(path, error), None
        result, title = self._check(doc, settings), doc.title.title if doc.title else None
        if key and self._cacheable(result, settings):
            self.cache.put(key, cache.entry_of(result, title))
        return result, title

    def _rules_for(self, path: Path, title: str | None) -> tuple[Rule, ...]:
        """The rules a result from the cache or a worker gets back (entries leave them out)."""
        return self.packs_for(str(path), title, self.settings_for(str(path))).rules

    def _cache_key(self, path: Path, text: str, settings: Settings) -> str | None:
        if self.cache is None:
            return None
        from protolint.parsing import parser_in_use

        form = settings.form or (self._configured(settings).form if settings.packs else None)
        chosen = repr((settings.packs, settings.enable, settings.disable, str(form), str(settings.project_root),
                       self.report_unused_suppressions, str(self.baseline.path) if self.baseline else None))
        return self.cache.key(str(path), text, chosen, parser_in_use(), *self._packs_digest(settings),
                              self._digest(form), self._digest(self.baseline.path if self.baseline else None))

    def _digest(self, path: Path | str | None) -> str:
        """A form's or baseline's digest, read once per run, not once per file."""
        from protolint.cache import file_digest

        key = str(path)
        if key not in self._file_digests:
            self._file_digests[key] = file_digest(path)
        return self._file_digests[key]

    def _packs_digest(self, settings: Settings) -> tuple[str, ...]:
        """Digests of every pack file that may apply: the shipped rules (packs and
        vocabularies) and the configured packs with all they extend."""
        if settings.packs not in self._pack_digests:
            from protolint.cache import file_digest
            from protolint.shipped import shipped_rules_dir

            shipped = sorted(p for p in shipped_rules_dir().rglob("*") if p.is_file())
            configured = sorted({source for reference in settings.packs or ()
                                 for source in self.loader.sources(reference)})
            self._pack_digests[settings.packs] = tuple(f"{p}={file_digest(p)}" for p in (*shipped, *configured))
        return self._pack_digests[settings.packs]

    def _cacheable(self, result: Result, settings: Settings) -> bool:
        """Not what depends on more than the key holds: the project root's files,
        or a plugin's code."""
        builtin = self.loader.builtin_kinds
        return not any((settings.project_root is not None and rule.kind.needs_project_root)
                       or rule.kind.name not in builtin for rule in result.rules)

    @staticmethod
    def _texts(files: list[Path], run: Run):
        """Each file's text, in order; an unreadable one becomes a problem of the run."""
        for path in files:
            try:
                yield path, read_protocol(path)
            except UnreadableFile as error:
                run.problems.append(unchecked(path, error))


def unchecked(path: Path, error: UnreadableFile | DocumentTooDeep) -> Problem:
    """Why a file was not checked, and where in it, as a run reports it."""
    if isinstance(error, DocumentTooDeep):
        return Problem(str(path), str(error), error.line, 1)
    return Problem(str(path), str(error), error.line, error.column, error.refused)


def _title(head: str, path: str) -> str | None:
    """The document title in the head of a file.  The text up to the first line
    that may be an ATX heading is parsed first (usually a few lines: the walk
    then costs next to nothing beside the check); only when that holds no title
    (a setext title, a `#` line inside a fence) is the whole head parsed."""
    lines = head.split("\n")
    start = front_matter_end(lines)  # front matter may hold '#' lines; the parse blanks it
    first = next((i for i in range(start, len(lines)) if lines[i].lstrip(" ").startswith("#")), None)
    if first is not None and first + 1 < len(lines):
        doc = parse_document("\n".join(lines[:first + 1]), path)
        if doc.title is not None:
            return doc.title.title
    doc = parse_document(head, path)
    return doc.title.title if doc.title else None


def _at_setting(settings: Settings, key: str, problem: str) -> UserError:
    """An error about a configured value, placed where the value was set (the
    last place, when per_file entries added to it)."""
    origin = settings.origins.get(key, (None,))[-1]
    if origin == COMMAND_LINE:
        return UserError(f"--{key.replace('_', '-')}: {problem}")
    if origin is None or origin.line is None:
        return UserError(f"{key}: {problem}")
    return ConfigError(origin.source, f"{key}: {problem}", origin.line)


def failures(run: Run, fail_on: str | None = None, min_score: float | None = None) -> list[Failure]:
    """Every reason the run fails: 1 for a finding at or above `fail_on`, a failed
    verdict (unless fail_on is never), or a score under `min_score`; 2 for a
    path that does not exist or could not be read (after the others were
    checked), and for any bad input when no file at all could be checked.  Without arguments,
    each file's own settings decide (its config, else the defaults): what
    Linter.run records as the run's `failures`, which the reports read."""
    found = []
    for result in run.results:
        settings = run.settings.get(result.path)
        floor = fail_on or (settings.fail_on if settings else "error")
        minimum = min_score if min_score is not None else (settings.min_score if settings else None)
        if minimum is not None and result.score < minimum:
            found.append(Failure(result.path, f"score {result.score:g} < "
                                              f"{_setting(settings, 'min_score', minimum, fail_on, min_score)}", 1,
                                 "threshold"))
        if floor == "never":
            continue
        if not result.passed:
            found.append(Failure(result.path, f"FAIL verdict of pack {result.pack}", 1, "verdict"))
        counts = Counter(f.severity for f in result.findings if SEVERITY_RANK[f.severity] >= SEVERITY_RANK[floor])
        if counts and result.passed:
            listed = ", ".join(f"{counts[s]} {s}(s)" for s in ("error", "warning", "info") if counts[s])
            found.append(Failure(result.path, f"{listed} at or above "
                                              f"{_setting(settings, 'fail_on', floor, fail_on, min_score)}", 1,
                                 "threshold"))
    found += [Failure(problem.path, f"not checked: {problem.message}", 2, "unchecked") for problem in run.problems
              if problem.fails_run or not run.results]
    if not run.results and not run.problems:
        found.append(Failure(".", "no file to check", 2, "unchecked"))
    return found


def _setting(settings: Settings | None, key: str, value, fail_on: str | None, min_score: float | None) -> str:
    """A threshold as the user set it: `--min-score 99`, `fail_on: warning (protolint.yaml:3)`."""
    shown = f"{value:g}" if isinstance(value, float) else value
    given = fail_on if key == "fail_on" else min_score
    origin = settings.origins.get(key, (None,))[-1] if settings and given is None else COMMAND_LINE
    if origin == COMMAND_LINE:
        return f"--{key.replace('_', '-')} {shown}"
    return f"{key}: {shown}" + (f" ({origin})" if origin not in (None, DEFAULT) else "")


def exit_code(run: Run, fail_on: str | None = None, min_score: float | None = None) -> int:
    """0 pass; the highest code of the `failures`: 2 bad input, 1 a failing file.
    Thresholds given here stand for every file's own."""
    if fail_on is None and min_score is None:
        return run.exit_code
    return max((failure.code for failure in failures(run, fail_on, min_score)), default=0)
