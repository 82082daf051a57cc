"""The text report: `path:line:col  severity  rule-id  message` per finding,
then the layer table and the verdict, then why the run fails, if it does.
Colour and a rich table only on a terminal, colour never with NO_COLOR (rich
honours both); in a pipe or a file every line is whole, never wrapped or cut.
Suppressed and baselined findings are counted in the verdict and listed only
on request (`--show-suppressed`).  `quiet` keeps the findings, the summary and
the reasons the run fails: a line per file would drown a big run."""

from __future__ import annotations

import io

from rich.console import Console
from rich.text import Text

from protolint.engine import Finding, Result
from protolint.report.table import print_table
from protolint.runner import Run, failures

_STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}


def _finding_line(f: Finding) -> Text:
    line = Text(f"{f.path}:{f.line}:{f.column}  ")
    line.append(f"{f.severity:<7}", style=_STYLE[f.severity])
    line.append(f"  {f.rule_id}  ", style="bold")
    line.append(f.message)
    return line


def _suppressed_lines(result: Result) -> list[Text]:
    lines = []
    for s in result.suppressed:
        line = _finding_line(s.finding)
        line.append(f"  [suppressed by the comment on line {s.comment_line}]" if s.by == "comment"
                    else "  [in the baseline]")
        line.stylize("dim")
        lines.append(line)
    return lines


def print_layers(console: Console, result: Result) -> None:
    rows = []
    for layer in result.layers:
        score = Text(f"{layer.score:.0f}",
                     style="red" if layer.missing else ("green" if layer.score == 100 else "yellow"))
        lost = ", ".join(layer.lost) or "-"
        if layer.missing:
            lost = f"MISSING LAYER: {lost}"
        rows.append([f"{layer.id} {layer.name}", score, str(layer.rules), lost])
    print_table(console, ["Layer", "Score", "Rules", "Lost to"], rows, right=["Score", "Rules"])


def _verdict(result: Result) -> Text:
    word = "PASS" if result.passed else "FAIL"
    text = Text(word, style="bold green" if result.passed else "bold red")
    relation = "≥" if result.score >= result.threshold else "<"
    text.append(f"  {result.path}  pack {result.pack}: score {result.score:g} {relation} threshold "
                f"{result.threshold:g}")
    errors = sum(f.severity == "error" for f in result.findings)
    if errors:
        text.append(f", {errors} error(s)")
    if result.missing_layers:
        text.append(f", missing layer(s): {', '.join(result.missing_layers)}")
    for by, word in (("comment", "suppressed"), ("baseline", "baselined")):
        count = sum(s.by == by for s in result.suppressed)
        if count:
            text.append(f", {count} {word}")
    return text


def render(run: Run, console: Console, show_suppressed: bool = False, quiet: bool = False) -> None:
    for result in run.results:
        for line in [_finding_line(f) for f in result.findings] + \
                (_suppressed_lines(result) if show_suppressed else []):
            console.print(line, soft_wrap=True)
        if quiet:
            continue
        print_layers(console, result)
        if result.unchecked:
            console.print(f"not checked: {', '.join(result.unchecked)} (they need the input form, "
                          "--form FORM, or the project root, --project-root DIR)", style="dim", soft_wrap=True)
        console.print(_verdict(result), soft_wrap=True)
        console.print()
    if quiet or len(run.results) > 1 or run.problems:
        passed = sum(r.passed for r in run.results)
        summary = f"{len(run.results)} file(s) checked: {passed} passed, {len(run.results) - passed} failed"
        baselined = sum(s.by == "baseline" for r in run.results for s in r.suppressed)
        if baselined:
            summary += f"; {baselined} finding(s) baselined"
        if run.problems:
            summary += f"; {len(run.problems)} could not be read: " + ", ".join(p.path for p in run.problems)
        console.print(summary, soft_wrap=True)
    for failure in failures(run):
        console.print(str(failure), style="bold red", markup=False, highlight=False, soft_wrap=True)


def render_plain(run: Run, show_suppressed: bool = False, quiet: bool = False) -> str:
    """The same report without colour, for a file."""
    buffer = io.StringIO()
    render(run, Console(file=buffer, color_system=None, force_terminal=False, highlight=False),
           show_suppressed, quiet)
    return buffer.getvalue()
