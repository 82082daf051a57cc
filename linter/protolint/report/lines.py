"""The lines several reports share, each written once: a finding, the layer
table, the verdict line (text, github, the cycle's summary)."""

from __future__ import annotations

from protolint.report.printer import Printer, Segment
from protolint.results import Finding, Result, Suppressed

_STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}


def finding_line(f: Finding) -> list[Segment]:
    return [(f"{f.path}:{f.line}:{f.column}  ", None), (f"{f.severity:<7}", _STYLE[f.severity]),
            (f"  {f.rule_id}  ", "bold"), (f.message, None)]


def suppressed_line(s: Suppressed) -> list[Segment]:
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


def verdict_line(result: Result, path: str) -> list[Segment]:
    """`PASS  path  pack P: score S ≥ threshold T, 2 error(s), missing layer(s): L2, 1 suppressed`."""
    relation = "≥" if result.score >= result.threshold else "<"
    rest = f"  {path}  pack {result.pack}: score {result.score:g} {relation} threshold {result.threshold:g}"
    errors = sum(f.severity == "error" for f in result.findings)
    if errors:
        rest += f", {errors} error(s)"
    if result.missing_layers:
        rest += f", missing layer(s): {', '.join(result.missing_layers)}"
    for by, counted in (("comment", "suppressed"), ("baseline", "baselined")):
        count = sum(s.by == by for s in result.suppressed)
        if count:
            rest += f", {count} {counted}"
    return [(result.verdict, "bold green" if result.passed else "bold red"), (rest, None)]
