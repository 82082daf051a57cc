"""GitHub Actions workflow commands: one annotation per finding, findings of a
file folded in a log group, a Markdown summary for the step.

GitHub shows at most 10 error, 10 warning and 10 notice annotations per step
(50 per job) and drops the rest silently.  So every finding is printed to the
log; those beyond the cap as plain lines, and one last notice says how many
the annotations leave out.  The cap never changes the exit code.
"""

from __future__ import annotations

from collections import Counter

from protolint.report.lines import verdict_line
from protolint.report.location import repo_path
from protolint.results import Finding, Notice, Problem, Run, not_checked

ANNOTATIONS_PER_KIND = 10
COMMAND = {"error": "error", "warning": "warning", "info": "notice"}


def escape_data(text: str) -> str:
    """The message part of a workflow command (as actions/toolkit escapes it).
    Plain log lines get it too: a file name with a newline in it must not be
    able to start a line of its own, which the runner would read as a command."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """A property value: also `:` and `,`, which delimit properties."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(name: str, message: str, **properties: object) -> str:
    props = ",".join(f"{key}={escape_property(str(value))}" for key, value in properties.items()
                     if value is not None)
    return f"::{name}{' ' + props if props else ''}::{escape_data(message)}"


class _Budget:
    """Annotations left per kind.  One notice is held back for the closing
    notice whenever anything at all goes over the cap."""

    def __init__(self, wanted: Counter[str]):
        over = any(count > ANNOTATIONS_PER_KIND for count in wanted.values())
        self.left = {kind: ANNOTATIONS_PER_KIND for kind in COMMAND.values()}
        if over:
            self.left["notice"] -= 1
        self.unshown = 0

    def take(self, kind: str) -> bool:
        if self.left[kind] > 0:
            self.left[kind] -= 1
            return True
        self.unshown += 1
        return False


def _finding(finding: Finding, budget: _Budget) -> str:
    kind = COMMAND[finding.severity]
    if budget.take(kind):
        return command(kind, finding.message, file=repo_path(finding.path), line=finding.line,
                       endLine=finding.end_line, col=finding.column, title=finding.rule_id)
    return escape_data(f"{finding.severity}  {repo_path(finding.path)}:{finding.line}:{finding.column}  "
                       f"{finding.rule_id}  {finding.message}")


def _problem(problem: Problem, budget: _Budget) -> str:
    if budget.take("error"):
        return command("error", problem.message, file=repo_path(problem.path), line=problem.line,
                       col=problem.column, title="protolint")
    place = f":{problem.line}:{problem.column}" if problem.line else ""
    return escape_data(f"error  {repo_path(problem.path)}{place}  {problem.message}")


def _notice(notice: Notice, budget: _Budget) -> str:
    """A suppression comment protolint cannot use: a warning, as the other formats print it."""
    if budget.take("warning"):
        return command("warning", notice.message, file=repo_path(notice.path), line=notice.line,
                       col=notice.column, title="protolint")
    return escape_data(f"warning  {repo_path(notice.path)}:{notice.line}:{notice.column}  {notice.message}")


def render(run: Run, show_suppressed: bool = False) -> str:
    """Annotations; a suppressed finding is never annotated, asked or not."""
    wanted = Counter(COMMAND[f.severity] for r in run.results for f in r.findings)
    wanted["error"] += len(run.problems)
    wanted["warning"] += sum(len(r.notices) for r in run.results)
    # a FAIL verdict and an unreadable path are on lines of their own already
    thresholds = [failure for failure in run.failures if failure.kind == "threshold"]
    wanted["error"] += len(thresholds)
    budget = _Budget(wanted)
    lines = []
    for result in run.results:
        if result.findings or result.notices:
            lines.append(command("group", repo_path(result.path)))
            lines.extend(_finding(f, budget) for f in result.findings)
            lines.extend(_notice(n, budget) for n in result.notices)
            lines.append("::endgroup::")
        lines.append(escape_data("".join(text for text, _ in verdict_line(result, repo_path(result.path)))))
        if result.unchecked:
            lines.append(escape_data(not_checked(result.statuses)))
    lines.extend(_problem(p, budget) for p in run.problems)
    for failure in thresholds:
        lines.append(command("error", str(failure), file=repo_path(failure.path), title="protolint")
                     if budget.take("error") else escape_data(str(failure)))
    if budget.unshown:
        lines.append(command(
            "notice", f"{budget.unshown} more not shown as annotations (GitHub shows {ANNOTATIONS_PER_KIND} "
                      f"errors, warnings and notices each per step); every finding is in the log",
            title="protolint"))
    return "\n".join(lines) + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def step_summary(run: Run) -> str:
    """A Markdown table for the job summary page: one row per file."""
    layer_ids = sorted({layer.id for r in run.results for layer in r.layers})
    header = ["File", "Verdict", "Score", "Threshold", "Pack", *layer_ids, "Missing layers"]
    lines = ["## protolint", "",
             "| " + " | ".join(header) + " |",
             "|" + "|".join(["---", ":-:", "--:", "--:", "---", *["--:"] * len(layer_ids), "---"]) + "|"]
    for result in run.results:
        scores = {layer.id: f"{layer.score:g}" for layer in result.layers}
        row = [f"`{_cell(repo_path(result.path))}`", "✅ PASS" if result.passed else "❌ FAIL",
               f"{result.score:g}", f"{result.threshold:g}", _cell(result.pack),
               *(scores.get(layer_id, "–") for layer_id in layer_ids),
               ", ".join(result.missing_layers) or "–"]
        lines.append("| " + " | ".join(row) + " |")
    passed = sum(r.passed for r in run.results)
    lines += ["", f"{len(run.results)} file(s) checked: {passed} passed, {len(run.results) - passed} failed."]
    if run.problems:
        lines += ["", "Could not be checked:", ""]
        lines += [f"- `{_cell(repo_path(p.path))}`: {_cell(p.message)}" for p in run.problems]
    return "\n".join(lines) + "\n\n"


def append_step_summary(run: Run, summary_file: str) -> None:
    """GITHUB_STEP_SUMMARY is shared by every step of the job: append, never replace."""
    with open(summary_file, "a", encoding="utf-8") as handle:
        handle.write(step_summary(run))
