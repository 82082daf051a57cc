"""The cycle on the terminal: one line per round as it happens, then what is
still wrong, the final layer table and the reason the loop stopped (last line)."""

from __future__ import annotations

from protolint.cycle import CycleResult, Round
from protolint.report.lines import finding_line, print_layers
from protolint.report.printer import Printer

STOPS = {"pass": "PASS", "form-omission": "STOP form omission", "still-failing": "STOP still failing",
         "stall": "STOP stall", "refused": "STOP refused", "max-rounds": "STOP max rounds",
         "regenerator-failed": "STOP regenerator failed"}


def print_round(out: Printer, round_: Round) -> None:
    layers = "  ".join(f"{layer} {score:.0f}" for layer, score in round_.layers.items())
    line = [(f"round {round_.number:>2}  {round_.action:<11} score {round_.score:>5g}  {layers}", None)]
    if round_.fixed:
        line.append((f"  fixed: {', '.join(round_.fixed)}", "green"))
    line.append((f"  failing: {', '.join(round_.failing) or '-'}", "red" if round_.failing else "green"))
    out.line(*line)
    for rule_id, what in round_.applied:
        out.line(f"          fix {rule_id}: {what}")


def print_outcome(out: Printer, outcome: CycleResult, path: str) -> None:
    out.line()
    if not outcome.passed:
        for finding in outcome.result.findings:
            out.line(*finding_line(finding))
    for omission in outcome.omissions:
        out.line(f"form omission: {omission.rule_id} needs {omission.field}: {omission.detail}")
    print_layers(out, outcome.result)
    out.line((STOPS[outcome.status], "bold green" if outcome.passed else "bold red"),
             f"  {path} after {len(outcome.rounds)} round(s): {outcome.reason}")
