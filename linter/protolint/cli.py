"""The command line: parse arguments, call the library, print, exit.

`protolint FILE…` is `protolint check FILE…`: a linter is run on files far more
often than it is asked anything else.
"""

from __future__ import annotations

import sys
from enum import Enum
from typing import Annotated, Optional

import typer

from protolint import __version__
from protolint.errors import UserError

app = typer.Typer(add_completion=False, no_args_is_help=True, rich_markup_mode=None,
                  help="Lint AI workflow protocols (Markdown) against YAML rule packs, "
                       "scored by layer L1–L4.")
rules_app = typer.Typer(no_args_is_help=True, help="List and explain the rules of the packs.")
app.add_typer(rules_app, name="rules")

COMMANDS = {"check", "rules"}


class Format(str, Enum):
    text = "text"
    json = "json"


class FailOn(str, Enum):
    error = "error"
    warning = "warning"
    info = "info"
    never = "never"


def _stderr():
    from rich.console import Console
    return Console(stderr=True, highlight=False)


def _fail(message: str) -> None:
    _stderr().print(f"protolint: error: {message}", markup=False, highlight=False, soft_wrap=True)
    raise typer.Exit(2)


def _load_packs(references: list[str] | None) -> list:
    """The named packs, or every shipped one; a bad pack ends the command with exit 2."""
    from protolint.packs import PackLoader
    try:
        loader = PackLoader()
        return [loader.load(p) for p in references] if references else loader.load_all()
    except UserError as error:
        _fail(str(error))


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
    paths: Annotated[list[str], typer.Argument(help="Protocol files or directories (searched for *.md).")],
    pack: Annotated[Optional[list[str]], typer.Option(
        "--pack", "-p", help="Pack name or path to a pack YAML; repeatable. Default: by applies_to, else core.")] = None,
    output_format: Annotated[Format, typer.Option("--format", "-f", help="Report format.")] = Format.text,
    fail_on: Annotated[FailOn, typer.Option(help="Lowest finding severity that fails the run.")] = FailOn.error,
    min_score: Annotated[Optional[float], typer.Option(
        min=0, max=100, help="Also fail when a file's overall score is below this.")] = None,
    # -- suppressions and baselines --
    show_suppressed: Annotated[bool, typer.Option(
        help="List the findings hidden by suppression comments or the baseline (text report).")] = False,
    report_unused_suppressions: Annotated[bool, typer.Option(
        help="Report suppression comments that hide nothing (protolint-unused-suppression).")] = False,
    baseline: Annotated[Optional[str], typer.Option(
        metavar="FILE", help="Report only findings not recorded in this baseline.")] = None,
    write_baseline: Annotated[Optional[str], typer.Option(
        metavar="FILE", help="Record today's findings in this baseline file and exit 0.")] = None,
) -> None:
    """Check protocols; exit 0 pass, 1 findings/score fail, 2 usage or input error."""
    from protolint.runner import Linter, exit_code

    if baseline and write_baseline:
        _fail("--baseline and --write-baseline exclude each other: writing records every finding")
    try:
        from protolint.baseline import Baseline
        linter = Linter(pack, baseline=Baseline.load(baseline) if baseline else None,
                        report_unused_suppressions=report_unused_suppressions)
        run = linter.run(paths)
    except UserError as error:
        _fail(str(error))
    stderr = _stderr()
    for problem in run.problems:
        stderr.print(str(problem), markup=False, highlight=False, soft_wrap=True)
    for notice in (n for result in run.results for n in result.notices):
        stderr.print(str(notice), markup=False, highlight=False, soft_wrap=True)
    if write_baseline:
        _write_baseline(write_baseline, run)
    if output_format is Format.json:
        from protolint.report import json as json_report
        sys.stdout.write(json_report.render(run))
    else:
        from rich.console import Console

        from protolint.report import text as text_report
        text_report.render(run, Console(highlight=False), show_suppressed=show_suppressed)
    raise typer.Exit(exit_code(run, fail_on.value, min_score))


def _write_baseline(path: str, run) -> None:
    """Record the run's findings and stop: exit 0 once written (the point is to
    accept today's findings), 2 when nothing could be checked or written."""
    from protolint.baseline import write_baseline
    if not run.results:
        _fail(f"{path}: baseline not written: no file could be checked")
    try:
        count = write_baseline(path, run.results)
    except UserError as error:
        _fail(str(error))
    _stderr().print(f"protolint: wrote {count} finding(s) of {len(run.results)} file(s) to {path}",
                    markup=False, highlight=False, soft_wrap=True)
    raise typer.Exit(0)


@rules_app.command("list")
def rules_list(pack: Annotated[Optional[list[str]], typer.Option(
        "--pack", "-p", help="Only these packs (name or path).")] = None) -> None:
    """Every rule of the shipped packs (or the given ones): pack, id, layer, severity, summary."""
    from rich.console import Console
    from rich.table import Table

    packs = _load_packs(pack)
    table = Table(show_edge=False, pad_edge=False)
    for column in ("Pack", "Rule", "Layer", "Severity", "Summary"):
        table.add_column(column)
    seen: set[str] = set()
    for loaded in packs:
        for rule in loaded.rules:
            if rule.id in seen:
                continue
            seen.add(rule.id)
            table.add_row(rule.pack, rule.id, rule.layer, rule.severity, rule.summary)
    Console(highlight=False).print(table)


@rules_app.command("show")
def rules_show(rule_id: Annotated[str, typer.Argument(help="Rule id, e.g. core-L1-guardrail.")],
               pack: Annotated[Optional[list[str]], typer.Option("--pack", "-p")] = None) -> None:
    """Explain one rule: what it checks, why, and an example that passes and one that fails."""
    from protolint.report.explain import explain_rule
    packs = _load_packs(pack)
    for loaded in packs:
        for rule in loaded.rules:
            if rule.id == rule_id:
                sys.stdout.write(explain_rule(rule))
                return
    known = sorted({r.id for p in packs for r in p.rules})
    close = [k for k in known if rule_id.lower() in k.lower()][:5]
    hint = f"; did you mean: {', '.join(close)}" if close else "; `protolint rules list` shows them all"
    _fail(f"no rule {rule_id!r}{hint}")


def main() -> None:
    argv = sys.argv[1:]
    if argv and argv[0] not in COMMANDS and argv[0] not in ("--help", "-h", "--version"):
        sys.argv.insert(1, "check")
    app(prog_name="protolint")
