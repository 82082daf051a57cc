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

COMMANDS = {"check", "generate", "rules"}


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
) -> None:
    """Check protocols; exit 0 pass, 1 findings/score fail, 2 usage or input error."""
    from protolint.runner import Linter, exit_code

    try:
        linter = Linter(pack)
        run = linter.run(paths)
    except UserError as error:
        _fail(str(error))
    stderr = _stderr()
    for problem in run.problems:
        stderr.print(str(problem), markup=False, highlight=False, soft_wrap=True)
    if output_format is Format.json:
        from protolint.report import json as json_report
        sys.stdout.write(json_report.render(run))
    else:
        from rich.console import Console

        from protolint.report import text as text_report
        text_report.render(run, Console(highlight=False))
    raise typer.Exit(exit_code(run, fail_on.value, min_score))


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

    from protolint.form import FormError, load_form
    from protolint.generate import PROFILES, default_output_path, default_profile, render
    from protolint.output import write_protocol

    if profile is not None and profile not in PROFILES:
        _fail(f"unknown profile {profile!r}; choose one of: {', '.join(PROFILES)}")
    try:
        loaded = load_form(form)
    except FormError as error:
        stderr = _stderr()
        for line, problem in error.problems:
            place = f"{error.path}:{line}" if line else error.path
            stderr.print(f"{place}: error: {problem}", markup=False, highlight=False, soft_wrap=True)
        raise typer.Exit(2)
    chosen = profile or default_profile(loaded)
    try:
        text = render(loaded, chosen, Path(template) if template else None)
        if output == "-":
            sys.stdout.write(text)
            return
        path = Path(output) if output else default_output_path(loaded)
        write_protocol(path, text, force=force)
    except UserError as error:
        _fail(str(error))
    print(f"wrote {path} (profile {chosen}); "
          f"run `protolint check {path} --pack {PROFILES[chosen].pack} --form {form}`")


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
