"""The text report: `path:line:col  severity  rule-id  message` per finding,
then the layer table and the verdict, then why the run fails, if it does.
Colour and a rich table only on a terminal, colour never with NO_COLOR (rich
honours it); in a pipe or a file every line is whole, never wrapped or cut (see
printer.py).  Suppressed and baselined findings are counted in the verdict and
listed only on request (`--show-suppressed`).  `quiet` keeps the findings, the
summary and the reasons the run fails: a line per file would drown a big run."""

from __future__ import annotations

import io

from protolint.engine import Finding, Result
from protolint.report.printer import PlainPrinter, Printer, Segment
from protolint.runner import Run, failures

_STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}


def finding_line(f: Finding) -> list[Segment]:
    return [(f"{f.path}:{f.line}:{f.column}  ", None), (f"{f.severity:<7}", _STYLE[f.severity]),
            (f"  {f.rule_id}  ", "bold"), (f.message, None)]


def _suppressed_line(s) -> list[Segment]:
    note = (f"  [suppressed by the comment on line {s.comment_line}]" if s.by == "comment"
            else "  [in the baseline]")
    return [(text, "dim") for text, _ in finding_line(s.finding)] + [(note, "dim")]


def print_layers(out: Printer, result: Result) -> None:
    rows = []
    for layer in result.layers:
        score = (f"{layer.score:.0f}", "red" if layer.missing else ("green" if layer.score == 100 else "yellow"))
        lost = ", ".join(layer.lost) or "-"
        if layer.missing:
            lost = f"MISSING LAYER: {lost}"
        rows.append([f"{layer.id} {layer.name}", score, str(layer.rules), lost])
    out.table(["Layer", "Score", "Rules", "Lost to"], rows, right=["Score", "Rules"])


def _verdict(result: Result) -> list[Segment]:
    word = "PASS" if result.passed else "FAIL"
    relation = "≥" if result.score >= result.threshold else "<"
    rest = (f"  {result.path}  pack {result.pack}: score {result.score:g} {relation} threshold "
            f"{result.threshold:g}")
    errors = sum(f.severity == "error" for f in result.findings)
    if errors:
        rest += f", {errors} error(s)"
    if result.missing_layers:
        rest += f", missing layer(s): {', '.join(result.missing_layers)}"
    for by, counted in (("comment", "suppressed"), ("baseline", "baselined")):
        count = sum(s.by == by for s in result.suppressed)
        if count:
            rest += f", {count} {counted}"
    return [(word, "bold green" if result.passed else "bold red"), (rest, None)]


def print_report(run: Run, out: Printer, show_suppressed: bool = False, quiet: bool = False) -> None:
    for result in run.results:
        for finding in result.findings:
            out.line(*finding_line(finding))
        for suppressed in result.suppressed if show_suppressed else ():
            out.line(*_suppressed_line(suppressed))
        if quiet:
            continue
        print_layers(out, result)
        if result.unchecked:
            out.line((f"not checked: {', '.join(result.unchecked)} (they need the input form, "
                      "--form FORM, or the project root, --project-root DIR)", "dim"))
        out.line(*_verdict(result))
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
    for failure in failures(run):
        out.line((str(failure), "bold red"))


def render(run: Run, show_suppressed: bool = False) -> str:
    """The same report without colour, for a file."""
    buffer = io.StringIO()
    print_report(run, PlainPrinter(buffer), show_suppressed)
    return buffer.getvalue()
