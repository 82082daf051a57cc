"""The text report: `path:line:col  severity  rule-id  message` per finding,
then the layer table and the verdict, then why the run fails, if it does.
Colour and a rich table only on a terminal, colour never with NO_COLOR (rich
honours it); in a pipe or a file every line is whole, never wrapped or cut (see
printer.py).  Suppressed and baselined findings are counted in the verdict and
listed only on request (`--show-suppressed`).  `quiet` keeps the findings, the
summary and the reasons the run fails: a line per file would drown a big run."""

from __future__ import annotations

import io

from protolint.report.lines import finding_line, print_layers, suppressed_line, verdict_line
from protolint.report.printer import PlainPrinter, Printer
from protolint.results import Run, not_checked


def print_report(run: Run, out: Printer, show_suppressed: bool = False, quiet: bool = False) -> None:
    for result in run.results:
        for finding in result.findings:
            out.line(*finding_line(finding))
        for suppressed in result.suppressed if show_suppressed else ():
            out.line(*suppressed_line(suppressed))
        if quiet:
            continue
        print_layers(out, result)
        if result.unchecked:
            out.line((not_checked(result.statuses), "dim"))
        out.line(*verdict_line(result, result.path))
        out.line()
    if quiet or len(run.results) > 1 or run.problems:
        passed = sum(r.passed for r in run.results)
        summary = f"{len(run.results)} file(s) checked: {passed} passed, {len(run.results) - passed} failed"
        baselined = sum(s.by == "baseline" for r in run.results for s in r.suppressed)
        if baselined:
            summary += f"; {baselined} finding(s) baselined"
        if run.problems:
            summary += f"; {len(run.problems)} not checked: " + ", ".join(p.path for p in run.problems)
        out.line(summary)
    for failure in run.failures:
        out.line((str(failure), "bold red"))


def render(run: Run, show_suppressed: bool = False) -> str:
    """The same report without colour, for a file."""
    buffer = io.StringIO()
    print_report(run, PlainPrinter(buffer), show_suppressed)
    return buffer.getvalue()
