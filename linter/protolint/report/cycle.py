"""The cycle on the terminal: one line per round as it happens, then what is
still wrong, the final layer table and the reason the loop stopped (last line)."""

from __future__ import annotations

from rich.console import Console
from rich.text import Text

from protolint.cycle import CycleResult, Round
from protolint.report.text import _finding_line, print_layers


def print_round(console: Console, round_: Round) -> None:
    layers = "  ".join(f"{layer} {score:.0f}" for layer, score in round_.layers.items())
    line = Text(f"round {round_.number:>2}  {round_.action:<11} score {round_.score:>5g}  {layers}")
    if round_.fixed:
        line.append(f"  fixed: {', '.join(round_.fixed)}", style="green")
    line.append(f"  failing: {', '.join(round_.failing) or '-'}", style="red" if round_.failing else "green")
    console.print(line, soft_wrap=True)
    for rule_id, what in round_.applied:
        console.print(f"          fix {rule_id}: {what}", markup=False, highlight=False, soft_wrap=True)


def print_outcome(console: Console, outcome: CycleResult, path: str) -> None:
    console.print()
    if not outcome.passed:
        for finding in outcome.result.findings:
            console.print(_finding_line(finding), soft_wrap=True)
    for omission in outcome.omissions:
        console.print(f"form omission: {omission.rule_id} needs {omission.field}: {omission.detail}",
                      markup=False, highlight=False, soft_wrap=True)
    print_layers(console, outcome.result)
    word = {"pass": "PASS", "form-omission": "STOP form omission", "still-failing": "STOP still failing",
            "stall": "STOP stall", "refused": "STOP refused",
            "max-rounds": "STOP max rounds", "regenerator-failed": "STOP regenerator failed"}[outcome.status]
    verdict = Text(word, style="bold green" if outcome.passed else "bold red")
    verdict.append(f"  {path} after {len(outcome.rounds)} round(s): {outcome.reason}")
    console.print(verdict, soft_wrap=True)
