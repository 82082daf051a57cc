"""The command line: parse arguments, call the library, print, exit.

`protolint FILE…` is `protolint check FILE…`: a linter is run on files far more
often than it is asked anything else.
"""

from __future__ import annotations

import difflib
import os
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from protolint import __version__
from protolint.errors import UserError, did_you_mean
from protolint.report import FORMATS

app = typer.Typer(add_completion=False, no_args_is_help=True, rich_markup_mode=None,
                  help="Lint AI workflow protocols (Markdown) against YAML rule packs, "
                       "scored by layer L1–L4.")
rules_app = typer.Typer(no_args_is_help=True, help="List and explain the rules of the packs.")
app.add_typer(rules_app, name="rules")



Format = Enum("Format", {name: name for name in FORMATS}, type=str)


class SettingsFormat(str, Enum):
    text = "text"
    json = "json"


def _terminal_format() -> str:
    """What stdout gets by default: annotations under GitHub Actions, else text."""
    return "github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text"


class Parser(str, Enum):
    pyromark = "pyromark"
    markdown_it = "markdown-it"


class FailOn(str, Enum):
    error = "error"
    warning = "warning"
    info = "info"
    never = "never"


def _one_of(choices: type[Enum]):
    """An option's values, checked with a suggestion for a near miss (`--format jsno`)."""
    def convert(value):
        if value is None or isinstance(value, choices):
            return value
        values = [choice.value for choice in choices]
        if value not in values:
            raise typer.BadParameter(f"{value!r} is not one of {', '.join(values)}{did_you_mean(value, values)}")
        return choices(value)
    return convert


def _say(line: str) -> None:
    """One plain line on stderr: messages about the run are never styled or wrapped."""
    print(line, file=sys.stderr)


def _form_notices(form: str, loaded) -> None:
    """Say how the form was read (older layouts are renamed into the current
    one) and where it contradicts itself, each at its line."""
    from protolint.consistency import check_form
    from protolint.generate import context
    _say(f"{form}: form layout: {loaded.layout}")
    for line, written, field in loaded.aliases:
        place = f"{form}:{line}" if line else form
        _say(f"{place}: note: {written} read as {field}")
    for finding in check_form(loaded, context(loaded)):
        place = f"{form}:{finding.line}" if finding.line else form
        _say(f"{place}: warning: {finding.message}")


def _fail(problem: str | UserError) -> None:
    """Exit 2 with the message.  A form's problems are one line each, placed like
    any bad input: `form.yaml:57: error: phases[1].quality_gate.gate_name is missing`."""
    from protolint.form import FormError

    if isinstance(problem, FormError):
        lines = [f"{problem.path}:{line}: error: {text}" if line else f"{problem.path}: error: {text}"
                 for line, text in problem.problems]
    else:
        lines = [f"protolint: error: {line}" for line in str(problem).splitlines()]
    for line in lines:
        _say(line)
    raise typer.Exit(2)


def _load_packs(references: list[str] | None) -> list:
    """The named packs, or every shipped one; a bad pack ends the command with exit 2."""
    from protolint.packs import PackLoader
    try:
        loader = PackLoader()
        return [loader.load(p) for p in references] if references else loader.load_all()
    except UserError as error:
        _fail(error)


ConfigOption = Annotated[Optional[str], typer.Option(
    "--config", metavar="FILE", help="Use this config file (YAML, or a pyproject.toml with [tool.protolint]) "
                                     "instead of discovering one per file.")]
IsolatedOption = Annotated[bool, typer.Option(
    "--isolated", help="Ignore every config file: defaults and the command line only.")]
PackOption = Annotated[Optional[list[str]], typer.Option(
    "--pack", "-p", help="Pack name or path to a pack YAML; repeatable. Default: from the config, "
                         "else by applies_to, else core.")]
FailOnOption = Annotated[Optional[str], typer.Option(
    callback=_one_of(FailOn),
    help="Lowest finding severity that fails the run. Default: from the config, else error.")]
MinScoreOption = Annotated[Optional[float], typer.Option(
    min=0, max=100, help="Also fail when a file's overall score is below this.")]
FormOption = Annotated[Optional[str], typer.Option(
    help="Input form the protocol was generated from; form-bound rules compare against it.")]
ProjectRootOption = Annotated[Optional[str], typer.Option(
    help="Project the protocol runs in; rules that check named scripts exist look here.")]
ParserOption = Annotated[Optional[Parser], typer.Option(
    help="Markdown parser: pyromark (pulldown-cmark; the default when it is installed) or markdown-it "
         "(markdown-it-py, the reference). Both read a protocol into the same structure.")]


def _use_parser(parser: Parser | None) -> None:
    """Every protocol, fix and blueprint of the command is read with this parser."""
    if parser is None:
        return
    from protolint.parsing import use_parser
    try:
        use_parser(parser.value)
    except ImportError as error:
        _fail(f"--parser {parser.value}: cannot import it ({error}); use --parser markdown-it")


def _configuration(config: str | None, isolated: bool, pack: list[str] | None, fail_on: FailOn | None,
                   min_score: float | None, form: str | None, project_root: str | None):
    """Config files with the command line on top; a bad config ends the command with exit 2."""
    from protolint.config import Configuration
    try:
        return Configuration(config, isolated, overrides={
            "packs": pack, "fail_on": fail_on.value if fail_on else None, "min_score": min_score,
            "form": form, "project_root": project_root})
    except UserError as error:
        _fail(error)


def _version(value: bool) -> None:
    if value:
        print(f"protolint {__version__}")
        raise typer.Exit()


@app.callback()
def root(version: Annotated[Optional[bool], typer.Option(
        "--version", callback=_version, is_eager=True, help="Show the version and exit.")] = None) -> None:
    """protolint: quality control for AI workflow protocols."""


@app.command()
def check(
    paths: Annotated[list[str], typer.Argument(
        help="Protocol files (always checked) or directories (walked for the config's include, *.md by default).")],
    pack: PackOption = None,
    output_format: Annotated[Optional[str], typer.Option(
        "--format", "-f", callback=_one_of(Format), help="Report format. Default: text; github under GitHub Actions.")] = None,
    output: Annotated[Optional[Path], typer.Option(
        "--output", "-o", dir_okay=False,
        help="Write the report to this file; stdout still gets the default report.")] = None,
    fail_on: FailOnOption = None,
    min_score: MinScoreOption = None,
    form: FormOption = None,
    project_root: ProjectRootOption = None,
    parser: ParserOption = None,
    config: ConfigOption = None,
    isolated: IsolatedOption = False,
    fix: Annotated[bool, typer.Option("--fix", help="Apply the safe fixes of failing rules, then check.")] = False,
    unsafe_fixes: Annotated[bool, typer.Option(
        "--unsafe-fixes", help="With --fix or --diff, also apply unsafe fixes (reordering sections).")] = False,
    diff: Annotated[bool, typer.Option(
        "--diff", help="Print the fixes as a unified diff instead of writing them; exit 1 if there are any.")] = False,
    # -- suppressions and baselines --
    show_suppressed: Annotated[bool, typer.Option(
        "--show-suppressed", help="List the findings hidden by suppression comments or the baseline (text report; in SARIF as suppressed results).")] = False,
    report_unused_suppressions: Annotated[bool, typer.Option(
        "--report-unused-suppressions", help="Report suppression comments that hide nothing (protolint-unused-suppression).")] = False,
    baseline: Annotated[Optional[str], typer.Option(
        metavar="FILE", help="Report only findings not recorded in this baseline.")] = None,
    write_baseline: Annotated[Optional[str], typer.Option(
        metavar="FILE", help="Record today's findings in this baseline file and exit 0.")] = None,
    workspace: Annotated[bool, typer.Option(
        "--workspace", help="Read the files together and add the cross-protocol rules (inputs, outputs, "
                            "handoffs and numbers must agree across protocols).")] = False,
    show_sections: Annotated[bool, typer.Option(
        "--show-sections", help="Print how each file was read (every section, its line span and role) instead of checking it.")] = False,
    jobs: Annotated[Optional[int], typer.Option(
        "--jobs", "-j", min=1, help="Worker processes for many files. Default: the cores; 1: in process.")] = None,
    no_cache: Annotated[bool, typer.Option(
        "--no-cache", help="Check every file again instead of reusing results in .protolint_cache/.")] = False,
    quiet: Annotated[bool, typer.Option(
        "--quiet", "-q", help="Text report: only the findings, the summary and why the run fails.")] = False,
) -> None:
    """Check protocols; exit 0 pass, 1 findings/score fail, 2 usage or input error."""
    from protolint.runner import Linter

    _use_parser(parser)
    if show_sections:
        _show_sections(paths)
        raise typer.Exit(0)

    if baseline and write_baseline:
        _fail("--baseline and --write-baseline exclude each other: writing records every finding")
    if fix and diff:
        _fail("--fix and --diff exclude each other: --fix writes the fixes, --diff only shows them")
    if unsafe_fixes and not (fix or diff):
        _fail("--unsafe-fixes needs --fix (write the fixes) or --diff (show them)")
    configuration = _configuration(config, isolated, pack, fail_on, min_score, form, project_root)
    try:
        from protolint.baseline import Baseline
        from protolint.cache import ResultCache
        from protolint.workers import default_jobs
        linter = Linter(configuration=configuration, baseline=Baseline.load(baseline) if baseline else None,
                        report_unused_suppressions=report_unused_suppressions, workspace=workspace,
                        cache=None if no_cache else ResultCache(Path.cwd()))
        refused = []
        if fix or diff:
            changed, refused, unread = _apply_fixes(linter, paths, write=fix, unsafe=unsafe_fixes)
            if diff:
                for problem in unread:
                    _say(str(problem))
                raise typer.Exit(2 if any(p.fails_run for p in unread) else 1 if changed else 0)
        run = linter.run(paths, jobs=jobs or default_jobs(), problems=refused)
    except UserError as error:
        _fail(error)
    if write_baseline:
        _write_baseline(write_baseline, run)
    _publish(run, output_format.value if output_format else _terminal_format(), output, show_suppressed, quiet)
    raise typer.Exit(run.exit_code)


class AnalysisFormat(str, Enum):
    md = "md"
    json = "json"


@app.command()
def analyze(
    paths: Annotated[list[str], typer.Argument(help="Protocol files to analyse.")],
    output: Annotated[Optional[Path], typer.Option(
        "--output", "-o", help="A directory (one analysis-<name>.md per protocol) or, for one protocol, a file. "
                               "Default: standard output.")] = None,
    output_format: Annotated[str, typer.Option(
        "--format", "-f", callback=_one_of(AnalysisFormat), help="md or json.")] = AnalysisFormat.md.value,
    pack: PackOption = None,
    form: FormOption = None,
    project_root: ProjectRootOption = None,
    parser: ParserOption = None,
    config: ConfigOption = None,
    isolated: IsolatedOption = False,
) -> None:
    """Write the meta-analysis of protocols: layer map with line references, diagram, coverage."""
    from protolint.atomic import write_text_atomic
    from protolint.report.analysis import render_json, render_markdown
    from protolint.runner import Linter, UnreadableFile, read_protocol

    _use_parser(parser)
    configuration = _configuration(config, isolated, pack, None, None, form, project_root)
    render = render_json if output_format is AnalysisFormat.json else render_markdown
    into_directory = output is not None and (output.is_dir() or len(paths) > 1)
    if into_directory and output.exists() and not output.is_dir():
        _fail(f"{output}: not a directory (several protocols write one analysis each)")
    failed = False
    try:
        linter = Linter(configuration=configuration)
    except UserError as error:
        _fail(error)
    for name in paths:
        try:
            text = render(linter.analyze_text(read_protocol(Path(name)), name))
        except (UserError, UnreadableFile) as error:
            _say(f"{name}: error: {error}")
            failed = True
            continue
        if output is None:
            sys.stdout.write(text)
            continue
        target = output / f"analysis-{Path(name).stem}.{output_format.value}" if into_directory else output
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            write_text_atomic(target, text)
        except OSError as error:
            _fail(f"{target}: cannot write: {error.strerror or error}")
        print(f"wrote {target}")
    raise typer.Exit(2 if failed else 0)


class GraphFormat(str, Enum):
    mermaid = "mermaid"
    dot = "dot"
    json = "json"


@app.command()
def graph(
    paths: Annotated[list[str], typer.Argument(help="Protocol files or directories of one workflow.")],
    output_format: Annotated[str, typer.Option(
        "--format", "-f", callback=_one_of(GraphFormat), help="mermaid, dot or json.")] = GraphFormat.mermaid.value,
    parser: ParserOption = None,
    config: ConfigOption = None,
    isolated: IsolatedOption = False,
) -> None:
    """Draw the workflow: protocols as nodes, artifact handoffs as edges, broken ones dashed."""
    from protolint.parsing import parse_document
    from protolint.report.graph import FORMATS
    from protolint.results import Problem
    from protolint.runner import Linter, UnreadableFile, collect_files, read_protocol, unchecked
    from protolint.workspace import Workspace

    _use_parser(parser)
    configuration = _configuration(config, isolated, None, None, None, None, None)
    try:
        files, problems, _ = collect_files(paths, configuration, Linter(configuration=configuration).is_protocol)
    except UserError as error:
        _fail(error)
    for problem in problems:
        _say(str(problem))
    docs = []
    for path in files:
        try:
            docs.append(parse_document(read_protocol(path), str(path)))
        except UnreadableFile as error:
            problems.append(unchecked(path, error))
            _say(str(problems[-1]))
        except UserError as error:
            problems.append(Problem(str(path), str(error)))
            _say(str(problems[-1]))
    sys.stdout.write(FORMATS[output_format.value](Workspace.of(docs)))
    if problems:  # a graph missing a protocol is not the workflow: say so in the exit code
        raise typer.Exit(2)


def _show_sections(paths: list[str]) -> None:
    from protolint.parsing import parse_document
    from protolint.report.sections import render_sections
    from protolint.runner import UnreadableFile, read_protocol

    for name in paths:
        try:
            text = read_protocol(Path(name))
        except UnreadableFile as error:
            _fail(f"{name}: {error}")
        sys.stdout.write(render_sections(parse_document(text, name)))


def _publish(run, chosen: str, output: Path | None, show_suppressed: bool = False, quiet: bool = False) -> None:
    """The report in `chosen` goes to stdout, or with --output to that file
    while stdout keeps the default report; the github report also appends
    the step summary when GitHub provides a summary file."""
    from protolint import report

    on_stdout = _terminal_format() if output else chosen
    if on_stdout != "github":  # github turns problems into annotations instead
        for problem in run.problems:
            _say(str(problem))
        for notice in (n for result in run.results for n in result.notices):
            _say(str(notice))
    if run.skipped:
        names = ", ".join(run.skipped[:5]) + (f" and {len(run.skipped) - 5} more" if len(run.skipped) > 5 else "")
        _say(f"note: not checked, as no pack applies to them (no protocol title such as '# PROTOCOL 1: …'): "
             f"{names}; name a file, or set `include`, to check it")
    if on_stdout == "text":
        from protolint.report import text as text_report
        from protolint.report.printer import printer
        text_report.print_report(run, printer(), show_suppressed=show_suppressed, quiet=quiet)
    else:
        sys.stdout.write(report.render(run, on_stdout, show_suppressed))
    if output:
        from protolint.atomic import write_text_atomic
        try:
            write_text_atomic(output, report.render(run, chosen, show_suppressed))
        except OSError as error:
            _fail(f"{output}: cannot write the report: {error.strerror or error}")
    summary_file = os.environ.get("GITHUB_STEP_SUMMARY")
    if summary_file and "github" in (chosen, on_stdout):
        from protolint.report.github import append_step_summary
        try:
            append_step_summary(run, summary_file)
        except OSError as error:
            _fail(f"{summary_file}: cannot append the step summary: {error.strerror or error}")


def _apply_fixes(linter, paths: list[str], write: bool, unsafe: bool) -> tuple[bool, list, list]:
    """Write each file's fixes or print their diff; say what was done and what
    was not.  Whether anything changed, the files that could not be written,
    and the paths that could not be read."""
    from protolint.results import Problem
    changed, refused, unread = False, [], []
    for fixed in linter.fix(paths, unsafe=unsafe):
        if isinstance(fixed, Problem):
            unread.append(fixed)
            continue
        if write and fixed.changed:
            try:
                fixed.write()
            except OSError as error:
                refused.append(Problem(str(fixed.path), f"not fixed: cannot write: {error.strerror or error}",
                                       fails_run=True))
        for line in fixed.messages(written=write):
            _say(line)
        changed = changed or fixed.changed
        if not write:
            sys.stdout.write(fixed.diff())
    return changed, refused, unread


@app.command()
def cycle(
    form: Annotated[str, typer.Argument(help="The input form (YAML) to generate from and check against.")],
    profile: Annotated[Optional[str], typer.Option(
        help="Generator profile: release-execution, release-management or generic. "
             "Default: from the form's protocol number and name.")] = None,
    from_draft: Annotated[Optional[str], typer.Option(
        "--from", help="Start from this draft instead of generating one.")] = None,
    output: Annotated[Optional[str], typer.Option(
        "--output", "-o", help="Where to write the final draft ('-': stdout, the rounds then go to stderr). "
                               "Default: .cursor/ai-driven-workflow/<n-name>.md")] = None,
    max_rounds: Annotated[int, typer.Option(min=1, max=100, help="Stop after this many rounds.")] = 10,
    regenerate_cmd: Annotated[Optional[str], typer.Option(
        help="External regenerator, e.g. an LLM command line; run without a shell. It gets the draft, "
             "the JSON report and the form as {draft} {report} {form} (and PROTOLINT_* variables) and "
             "writes the next draft to {output}.")] = None,
    regenerate_timeout: Annotated[float, typer.Option(min=1, help="Seconds the regenerator may take.")] = 300,
    report: Annotated[Optional[str], typer.Option(help="Write a JSON record of every round here.")] = None,
    project_root: Annotated[Optional[str], typer.Option(help="Where the automation scripts must exist.")] = None,
    unsafe_fixes: Annotated[bool, typer.Option("--unsafe-fixes", help="Let the fixers reorder sections.")] = False,
    force: Annotated[bool, typer.Option("--force", help="Overwrite an output file edited by hand.")] = False,
    analysis: Annotated[bool, typer.Option(
        "--analysis/--no-analysis",
        help="When the protocol passes, write its meta-analysis beside it (analysis-<name>.md).")] = True,
) -> None:
    """Generate a protocol from FORM and refine it until every check passes; exit 0 pass, 1 stopped, 2 input error."""
    import json
    from pathlib import Path

    from protolint.cycle import Regenerator, run_cycle
    from protolint.form import load_form
    from protolint.generate import PROFILES, default_output_path, default_profile, known_profile, render
    from protolint.atomic import atomic_write
    from contextlib import nullcontext

    from protolint.lock import OutputLock
    from protolint.output import ensure_writable, write_protocol
    from protolint.report.cycle import print_round, print_outcome
    from protolint.report.printer import printer
    from protolint.runner import UnreadableFile, read_protocol

    to_stdout = output == "-"
    console = printer(sys.stderr if to_stdout else sys.stdout)  # on stdout, only the protocol
    try:
        if profile is not None:
            known_profile(profile)
        loaded = load_form(form)
        _form_notices(form, loaded)
        chosen = profile or default_profile(loaded)
        target = Path("<stdout>") if to_stdout else Path(output) if output else default_output_path(loaded)
        if from_draft:
            try:
                draft, action = read_protocol(Path(from_draft)), "draft"
            except UnreadableFile as why:
                _fail(f"{from_draft}: {why}")
        else:
            draft, action = render(loaded, chosen), "generated"
        regenerator = Regenerator.parse(regenerate_cmd, regenerate_timeout) if regenerate_cmd else None
        root = Path(project_root).resolve() if project_root else None
        if not to_stdout:
            ensure_writable(target, force)  # before the first round, not after the regenerator's minutes
        if report:
            ensure_writable(Path(report), force=True)  # a report is ours to replace
        with nullcontext() if to_stdout else OutputLock(target, f"protolint cycle {form}"):
            console.line(f"cycle  {form} → {target}  profile {chosen}, pack {PROFILES[chosen].pack}")
            outcome = run_cycle(loaded, PROFILES[chosen].pack, draft, action=action, max_rounds=max_rounds,
                                regenerator=regenerator, project_root=root, unsafe=unsafe_fixes, path=str(target),
                                on_round=lambda r: print_round(console, r))
            if to_stdout:
                sys.stdout.write(outcome.text)
            else:
                write_protocol(target, outcome.text, force=force)
            if analysis and outcome.passed and not to_stdout:
                written = _write_analysis(target, outcome.text, PROFILES[chosen].pack, form, root)
            if report:
                atomic_write(Path(report), (json.dumps(outcome.as_json(), indent=2) + "\n").encode("utf-8"))
    except UserError as error:
        _fail(error)
    if analysis and outcome.passed and not to_stdout:
        console.line(f"wrote {written}")
    print_outcome(console, outcome, str(target))
    raise typer.Exit(0 if outcome.passed else 1)


def _write_analysis(protocol: Path, text: str, pack: str, form: str, root: Path | None) -> Path:
    """The seeds' loop ends in the meta-analysis: generate → check → analyze."""
    from protolint.atomic import write_text_atomic
    from protolint.report.analysis import render_markdown
    from protolint.runner import Linter

    target = protocol.parent / f"analysis-{protocol.stem}.md"
    linter = Linter([pack], form=form, project_root=root)
    write_text_atomic(target, render_markdown(linter.analyze_text(text, str(protocol))))
    return target


def _write_baseline(path: str, run) -> None:
    """Record the run's findings and stop: exit 0 once written (the point is to
    accept today's findings), 2 when nothing could be checked or written."""
    from protolint.baseline import write_baseline
    if not run.results:
        _fail(f"{path}: baseline not written: no file could be checked")
    try:
        count = write_baseline(path, run.results)
    except UserError as error:
        _fail(error)
    _say(f"protolint: wrote {count} finding(s) of {len(run.results)} file(s) to {path}")
    raise typer.Exit(0)


@app.command()
def generate(
    form: Annotated[str, typer.Argument(help="The filled input form (YAML).")],
    output: Annotated[Optional[str], typer.Option(
        "--output", "-o", help="Where to write; `-` prints to stdout. "
                               "Default: .cursor/ai-driven-workflow/<number>-<name>.md")] = None,
    profile: Annotated[Optional[str], typer.Option(
        help="release-execution, release-management or generic. Default: release-execution for "
             "11-production-deployment, release-management for 11-production-deployment-release-management, "
             "else generic.")] = None,
    template: Annotated[Optional[str], typer.Option(
        help="Render this Jinja2 template (same context as the shipped ones) instead of the profile's.")] = None,
    force: Annotated[bool, typer.Option(
        "--force", help="Overwrite OUT even if it holds content protolint did not write.")] = False,
) -> None:
    """Write a protocol from an input form; exit 2 on an invalid form or a refused overwrite."""
    from pathlib import Path

    from protolint.form import load_form
    from protolint.generate import PROFILES, default_output_path, default_profile, known_profile, render
    from protolint.output import write_protocol

    try:
        if profile is not None:
            known_profile(profile)
        loaded = load_form(form)
        _form_notices(form, loaded)
        chosen = profile or default_profile(loaded)
        text = render(loaded, chosen, Path(template) if template else None)
        if output == "-":
            sys.stdout.write(text)
            return
        path = Path(output) if output else default_output_path(loaded)
        write_protocol(path, text, force=force)
    except UserError as error:
        _fail(error)
    print(f"wrote {path} (profile {chosen}); "
          f"run `protolint check {path} --pack {PROFILES[chosen].pack} --form {form}`")


def _packs_here(pack: list[str] | None, config: str | None, isolated: bool) -> list:
    """The packs `check` would use here: --pack, else the configuration's, else every shipped one."""
    from protolint.runner import Linter

    configuration = _configuration(config, isolated, pack, None, None, None, None)
    try:
        return Linter(configuration=configuration).packs_here()
    except UserError as error:
        _fail(error)


@rules_app.command("list")
def rules_list(
    pack: Annotated[Optional[list[str]], typer.Option(
        "--pack", "-p", help="Only these packs (name or path). Default: the configuration's, else every shipped pack.")] = None,
    output_format: Annotated[str, typer.Option(
        "--format", "-f", callback=_one_of(SettingsFormat), help="text or json.")] = SettingsFormat.text.value,
    config: ConfigOption = None,
    isolated: IsolatedOption = False,
) -> None:
    """Every rule of the packs check uses here: pack, id, layer, severity, summary."""
    from protolint.report import rules as rules_report
    from protolint.report.printer import printer

    packs = _packs_here(pack, config, isolated)
    if output_format is SettingsFormat.json:
        sys.stdout.write(rules_report.render_json(packs))
        return
    printer().table(rules_report.COLUMNS, rules_report.rows(packs))


@rules_app.command("show")
def rules_show(rule_id: Annotated[str, typer.Argument(help="Rule id, e.g. core-L1-guardrail.")],
               pack: Annotated[Optional[list[str]], typer.Option("--pack", "-p")] = None,
               config: ConfigOption = None,
               isolated: IsolatedOption = False) -> None:
    """Explain one rule (of the packs check uses here, or any shipped pack): what it checks,
    why, and an example that passes and one that fails."""
    from protolint.report.explain import explain_rule
    from protolint.report.rules import unique_rules

    rules = unique_rules(_packs_here(pack, config, isolated) + ([] if pack else _load_packs(None)))
    for rule in rules:
        if rule.id == rule_id:
            sys.stdout.write(explain_rule(rule))
            return
    known = sorted(r.id for r in rules)
    close = [k for k in known if rule_id.lower() in k.lower()][:5]
    hint = f"; did you mean: {', '.join(close)}" if close else "; `protolint rules list` shows them all"
    _fail(f"no rule {rule_id!r}{hint}")


@app.command("config")
def show_config(
    path: Annotated[Optional[str], typer.Argument(
        help="The file (or directory) whose settings to show. Default: the working directory.")] = None,
    output_format: Annotated[str, typer.Option(
        "--format", "-f", callback=_one_of(SettingsFormat), help="text or json.")] = SettingsFormat.text.value,
    pack: PackOption = None,
    fail_on: FailOnOption = None,
    min_score: MinScoreOption = None,
    form: FormOption = None,
    project_root: ProjectRootOption = None,
    config: ConfigOption = None,
    isolated: IsolatedOption = False,
) -> None:
    """Show the settings that apply to a file, and where each comes from."""
    from pathlib import Path

    from protolint.report import settings as settings_report

    target = path or "."
    if not Path(target).exists():
        _fail(f"{target}: no such file or directory")
    configuration = _configuration(config, isolated, pack, fail_on, min_score, form, project_root)
    try:
        settings = configuration.for_file(target)
    except UserError as error:
        _fail(error)
    render = settings_report.render_json if output_format is SettingsFormat.json else settings_report.render_text
    sys.stdout.write(render(target, settings))


@app.command()
def init(directory: Annotated[str, typer.Argument(help="Where to write them.")] = ".") -> None:
    """Write a commented protolint.yaml, a starter pack (protolint-pack.yaml) and the schemas
    their editor modelines name (.protolint/schemas/); never overwrites."""
    from pathlib import Path

    from protolint.scaffold import write_starter
    try:
        written = write_starter(Path(directory))
    except UserError as error:
        _fail(error)
    for target in written:
        print(f"wrote {target}")
    print("next: edit them, then `protolint config` shows what applies and `protolint check` uses them")


@app.command()
def schema(name: Annotated[str, typer.Argument(help="Which schema: pack, config or form.")]) -> None:
    """Print a JSON Schema, for editors and other tools (pack: with installed plugins' check kinds)."""
    from protolint.schema import SCHEMAS, schema_text
    if name not in SCHEMAS:
        _fail(f"no schema {name!r}; choose one of: {', '.join(SCHEMAS)}")
    try:
        text = schema_text(name)
    except UserError as error:
        _fail(error)
    sys.stdout.write(text)


def _command_names() -> set[str]:
    """The app's own commands and groups: a new command is never read as a path."""
    names = {command.name or command.callback.__name__.replace("_", "-") for command in app.registered_commands}
    return names | {group.name for group in app.registered_groups}


def main() -> None:
    import gc

    # A run builds its documents in bulk, mostly without reference cycles: the
    # collector's default pace spends a fifth of a 10 MB check rescanning them.
    gc.freeze()
    gc.set_threshold(100_000, 50, 100)
    argv = sys.argv[1:]
    commands = _command_names()
    if argv and argv[0] not in commands and argv[0] not in ("--help", "-h", "--version"):
        close = difflib.get_close_matches(argv[0], sorted(commands), n=1, cutoff=0.75)
        if close and not argv[0].startswith("-") and not Path(argv[0]).exists():
            try:
                _fail(f"no such command {argv[0]!r} (did you mean {close[0]!r}?)")
            except typer.Exit as done:
                sys.exit(done.exit_code)
        sys.argv.insert(1, "check")  # `protolint FILE` checks FILE
    try:
        app(prog_name="protolint")
    except OSError as error:  # what the file system refuses is the user's to fix, not a bug
        where = f"{error.filename}: " if error.filename else ""
        _say(f"protolint: error: {where}{error.strerror or error}")
        sys.exit(2)
