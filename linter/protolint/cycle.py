"""The circular workflow: form -> draft -> check -> refine -> check ... -> stop.

Every round checks the draft against the profile's pack with the form.  A
failing draft is refined by the built-in fixers first and, when they have
nothing left, by an external regenerator (an LLM command line, say).  The loop
stops honestly:

    pass           no rule of the pack fails, whatever its severity, and every
                   layer L1-L4 is captured; the final draft is checked once more
                   from scratch and the fixers must have nothing left to do
                   (stability).  A draft whose verdict passes while warning or
                   info rules fail is refined like any other: a verdict line
                   never claims more than the report shows
    form omission  a failing rule needs data the form does not have: the form
                   fields to add are named, nothing is invented
    still failing  nothing is left to refine (no fixer mends the failing rules,
                   no form field supplies them, no regenerator is given): every
                   rule still failing is named, with why its fix was not made
    stall          a round changed neither the score nor the failing rules, or
                   produced a draft seen before (A -> B -> A), or broke a rule
                   that passed before (the ratchet)
    refused        the regenerator's draft games the loop: it adds suppression
                   comments (the loop honours only the user's own), or drops
                   most of the previous draft; the best draft is kept
    max rounds     the limit is reached; the best draft is kept
    regenerator    the external command failed, timed out or wrote nothing
"""

from __future__ import annotations

import hashlib
import json
import os
import shlex
import subprocess
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from protolint.checks import Hit
from protolint.document import Document, Node
from protolint.engine import Inputs, Outcome, check_rules, result_of
from protolint.fix import FixReport, fix_text
from protolint.form import Form, parse_form_path, select
from protolint.packs import PackLoader, RulePack
from protolint.parsing import parse_document
from protolint.results import Result, not_checked, result_to_dict
from protolint.selectors import Scope

CORE_LAYERS = ("L1", "L2", "L3", "L4")


@dataclass(frozen=True, slots=True)
class Omission:
    rule_id: str
    field: str
    """The form field to fill, as the user's form names it."""
    detail: str


@dataclass(slots=True)
class Round:
    number: int
    action: str
    """What produced this round's draft: generated, draft, fixers, regenerator."""
    score: float
    layers: dict[str, float]
    failing: list[str]
    fixed: list[str]
    """Rules that failed in the previous round and pass now."""
    applied: list[tuple[str, str]] = field(default_factory=list)
    """Fixes applied after this round's check (rule id, what was done)."""
    unavailable: dict[str, str] = field(default_factory=dict)
    """Failing rules whose fix could not be applied, and why."""


@dataclass(slots=True)
class CycleResult:
    status: str
    reason: str
    text: str
    """The best draft: the passing one, or the one with the highest score."""
    result: Result
    rounds: list[Round]
    omissions: list[Omission] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return self.status == "pass"

    def as_json(self) -> dict:
        return {
            "status": self.status,
            "reason": self.reason,
            "score": self.result.score,
            "omissions": [{"rule": o.rule_id, "field": o.field, "detail": o.detail} for o in self.omissions],
            "rounds": [{"round": r.number, "action": r.action, "score": r.score, "layers": r.layers,
                        "failing": r.failing, "fixed": r.fixed,
                        "applied": [{"rule": rule, "fix": what} for rule, what in r.applied],
                        "unavailable": [{"rule": rule, "why": why} for rule, why in r.unavailable.items()]}
                       for r in self.rounds],
        }


@dataclass(frozen=True, slots=True)
class Regenerator:
    """An external command that writes the next draft.  Run as an argv list,
    never through a shell.  It gets the current draft, the JSON report and the
    form as files: in `{draft}`, `{report}`, `{form}`, `{output}` placeholders of
    its arguments and in the environment as PROTOLINT_DRAFT, PROTOLINT_REPORT,
    PROTOLINT_FORM and PROTOLINT_OUTPUT; it must write the new draft to the output path."""

    argv: tuple[str, ...]
    timeout: float = 300.0

    @classmethod
    def parse(cls, command: str, timeout: float) -> Regenerator:
        argv = tuple(shlex.split(command))
        if not argv:
            from protolint.errors import UserError
            raise UserError("--regenerate-cmd is empty")
        return cls(argv, timeout)

    def run(self, draft: str, report: dict, form_path: str, work: Path) -> str:
        """The regenerated draft; RegeneratorFailed says why there is none."""
        draft_file, report_file, output = work / "draft.md", work / "report.json", work / "next.md"
        draft_file.write_text(draft, encoding="utf-8")
        report_file.write_text(json.dumps(report, indent=2), encoding="utf-8")
        output.unlink(missing_ok=True)
        places = {"draft": str(draft_file), "report": str(report_file), "form": str(Path(form_path).resolve()),
                  "output": str(output)}
        argv = [arg.format_map(_Placeholders(places)) for arg in self.argv]
        env = {**os.environ, **{f"PROTOLINT_{k.upper()}": v for k, v in places.items()}}
        try:
            done = subprocess.run(argv, env=env, capture_output=True, timeout=self.timeout,
                                  stdin=subprocess.DEVNULL)
        except FileNotFoundError:
            raise RegeneratorFailed(f"regenerator {argv[0]!r} not found") from None
        except subprocess.TimeoutExpired:
            raise RegeneratorFailed(f"regenerator timed out after {self.timeout:g} s") from None
        except OSError as error:
            raise RegeneratorFailed(f"regenerator could not run: {error.strerror or error}") from None
        if done.returncode != 0:
            said = (done.stderr or done.stdout).decode("utf-8", errors="replace")  # only quoted, never read
            tail = said.strip().splitlines()[-1:] or [""]
            raise RegeneratorFailed(f"regenerator exited with status {done.returncode}: {tail[0]}".rstrip(": "))
        try:
            data = output.read_bytes()
        except OSError:
            data = b""
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as error:
            raise RegeneratorFailed(f"regenerator wrote text that is not UTF-8 to {output} "
                                    f"(byte {data[error.start]:#04x} at offset {error.start})") from None
        if not text.strip():
            raise RegeneratorFailed(f"regenerator wrote nothing to {output} (PROTOLINT_OUTPUT)")
        return text.replace("\r\n", "\n")


class RegeneratorFailed(Exception):
    pass


class _Placeholders(dict):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


@dataclass(frozen=True, slots=True)
class _Checked:
    """A draft as one round judged it: the best one so far is what a stop
    keeps, and each round is held against the one before (a stall, the ratchet)."""

    text: str
    result: Result
    failing: frozenset[str]

    @property
    def score(self) -> float:
        return self.result.score

    def stop(self, status: str, reason: str, rounds: list[Round], omissions: list[Omission] | None = None) -> CycleResult:
        """The loop stops keeping this draft."""
        return CycleResult(status, reason, self.text, self.result, rounds, omissions or [])


def run_cycle(form: Form, pack_name: str, draft: str, *, action: str = "generated", max_rounds: int = 10,
              regenerator: Regenerator | None = None, project_root: Path | None = None,
              unsafe: bool = False, path: str = "draft.md",
              on_round: Callable[[Round], None] = lambda r: None) -> CycleResult:
    loader = PackLoader()
    pack = loader.with_trust(loader.load(pack_name))
    inputs = Inputs(form.data, project_root)
    rounds: list[Round] = []
    seen = {_digest(draft)}
    best: _Checked | None = None
    previous: _Checked | None = None
    text = draft
    before = None  # the previous round's document
    with tempfile.TemporaryDirectory(prefix="protolint-cycle-") as scratch:
        for number in range(1, max_rounds + 1):
            doc = parse_document(text, path)
            if action == "regenerator" and (why := gamed(before, doc)):
                return best.stop("refused", f"round {number}: the regenerator's draft {why}; kept the best draft",
                                 rounds)
            before = doc
            outcomes, result = _check(doc, pack, inputs)
            now = _Checked(text, result, frozenset(o.rule.id for o in outcomes if o.failed))
            failing = now.failing
            round_ = Round(number, action, result.score, {l.id: l.score for l in result.layers},
                           sorted(failing), sorted(previous.failing - failing) if previous else [])
            rounds.append(round_)
            if previous is not None and failing - previous.failing:
                broken = sorted(failing - previous.failing)
                on_round(round_)
                return best.stop("stall", f"round {number} broke rules that passed before "
                                          f"({', '.join(broken)}); kept the best draft", rounds)
            if best is None or now.score > best.score:
                best = now
            if previous is not None and (now.score, now.failing) == (previous.score, previous.failing):
                on_round(round_)
                return best.stop("stall", f"round {number} changed neither the score nor the failing rules "
                                          f"({', '.join(sorted(failing))})", rounds)
            previous = now
            uncovered = [layer for layer in CORE_LAYERS if layer in result.missing_layers]
            if not failing and result.passed and not uncovered:
                on_round(round_)
                return _confirm(text, path, pack, form, inputs, unsafe, rounds)

            fixes = fix_text(text, path, pack, form, project_root, unsafe)
            round_.applied, round_.unavailable = fixes.applied, fixes.unavailable
            on_round(round_)
            omissions = form_omissions([o for o in outcomes if o.failed], form, fixes)
            if fixes.changed:
                candidate, action = fixes.text, "fixers"
            elif omissions:
                fields = ", ".join(dict.fromkeys(o.field for o in omissions))
                others = failing - {o.rule_id for o in omissions}
                besides = f"; {len(others)} other rule(s) still fail: {_named(others, fixes)}" if others else ""
                return best.stop("form-omission", f"the form lacks what the pack requires; add: {fields}{besides}",
                                 rounds, omissions)
            elif regenerator is not None:
                report = {"form": form.path, "round": number, "result": result_to_dict(result)}
                try:
                    candidate = regenerator.run(text, report, form.path, Path(scratch))
                except RegeneratorFailed as why:
                    return best.stop("regenerator-failed", f"{why}; kept the best draft", rounds)
                action = "regenerator"
            else:
                return best.stop("still-failing", _still_failing(failing, result, fixes), rounds)
            if _digest(candidate) in seen:
                return best.stop("stall", f"round {number + 1} produced a draft already seen in an earlier "
                                          "round (oscillation)", rounds)
            seen.add(_digest(candidate))
            text = candidate
    return best.stop("max-rounds", f"no pass within {max_rounds} rounds; kept the best draft "
                                   f"(score {best.score:g})", rounds)


# A regenerator may rewrite every line, but a draft with less than this share
# of the previous draft's text has dropped the protocol, not refined it.
KEPT_SHARE = 0.5


def gamed(before: Document, after: Document) -> str | None:
    """Why a regenerated draft is refused, or None.  A suppression comment
    the previous draft did not have would make rules pass by hiding them (the
    loop honours only the comments the user wrote); a draft that keeps less
    than half of the previous one's text passes rules by having nothing left
    for them to look at."""
    known = Counter(d.text for d in before.directives)
    added = []
    for directive in after.directives:
        if known[directive.text] > 0:
            known[directive.text] -= 1
        else:
            added.append(directive)
    if added:
        places = ", ".join(f"line {d.line}: <!-- {d.text} -->" for d in added[:3])
        more = f" and {len(added) - 3} more" if len(added) > 3 else ""
        return f"adds suppression comments ({places}{more}), which the loop does not honour"
    kept, was = _content_size(after), _content_size(before)
    if was and kept < KEPT_SHARE * was:
        return (f"keeps {kept:,} of the previous draft's {was:,} characters of text: a draft that drops "
                f"most of the protocol is refused")
    return None


def _content_size(doc: Document) -> int:
    """Characters a reader sees (comments and front matter are blank in `lines`)."""
    return sum(len(line.strip()) for line in doc.lines)


def _still_failing(failing: set[str], result: Result, fixes: FixReport) -> str:
    """Why the loop stops with rules failing: each rule by name with the reason
    its fix was not made, and the pack's verdict only as what it is."""
    verdict = (f" (the pack's verdict alone would pass: score {result.score:g}, no error rule fails)"
               if result.passed else "")
    return (f"{len(failing)} rule(s) still fail: {_named(failing, fixes)}; no fix or form field can supply them; "
            f"give --regenerate-cmd or edit the draft{verdict}")


def _named(rules: set[str], fixes: FixReport) -> str:
    """Failing rules, each with why its fix was not made."""
    def why(rule: str) -> str:
        if rule in fixes.unsafe:
            return "unsafe fix not applied: give --unsafe-fixes"
        return fixes.unavailable.get(rule, "no fix")
    return ", ".join(f"{rule} ({why(rule)})" for rule in sorted(rules))


def _confirm(text: str, path: str, pack: RulePack, form: Form, inputs: Inputs, unsafe: bool,
             rounds: list[Round]) -> CycleResult:
    """Stability: a fresh check of the final draft fails no rule and the fixers
    have nothing left to do."""
    fresh = PackLoader()
    fresh_pack = fresh.with_trust(fresh.load(pack.name))
    outcomes, again = _check(parse_document(text, path), fresh_pack, inputs)
    leftover = fix_text(text, path, fresh_pack, form, inputs.project_root, unsafe)
    if any(o.failed for o in outcomes) or not again.passed or leftover.changed:
        return CycleResult("stall", "the passing draft is not stable: a fresh check or the fixers change it",
                           text, again, rounds)
    checked = sum(1 for o in outcomes if o.skipped is None)
    unchecked = f"; {not_checked(again.statuses)}" if again.unchecked else ""
    return CycleResult("pass", f"all {checked} rules checked pass and layers {', '.join(CORE_LAYERS)} are "
                               f"captured (score {again.score:g}){unchecked}", text, again, rounds)


def form_omissions(failing: list[Outcome], form: Form, fixes: FixReport) -> list[Omission]:
    """Failing rules that the form cannot satisfy: the rule's own check (or the
    check its `from_form` declares), run on the values of the form field it
    names, fails there too.  A check of each value (`each`) names the very
    items that fail it (`phases[2].steps[1].halt_condition`), so the person
    filling the form knows which entry to write."""
    found: list[Omission] = []
    for outcome in failing:
        rule = outcome.rule
        if rule.from_form is None or rule.form_bound:
            continue
        source = rule.from_form
        items = list(select(form.data, parse_form_path(source.field)))
        values = [_value_node(item.value, position) for position, item in enumerate(items, 1)]
        scope = Scope(None, values or [Node(1, 1, "")], f"the form's {_as_named(source.field, form)}", 1)
        if source.kind is None:
            hits = rule.kind.function(scope, rule.params)
        else:
            hits = source.kind.function(scope, source.expects)
        if values and source.expects is not None and source.expects.get("each"):
            found += [Omission(rule.id, _as_named(items[hit.line - 1].path, form),
                               _value_detail(values[hit.line - 1], hit)) for hit in hits]
            continue
        details = [hit.detail for hit in hits]
        if details:
            found.append(Omission(rule.id, _as_named(source.field, form), "; ".join(details)))
    for rule_id, form_field in fixes.form_fields.items():
        found.append(Omission(rule_id, form_field, fixes.unavailable[rule_id]))
    return found


def _as_named(path: str, form: Form) -> str:
    """A form path with its top field as the user's own form names it."""
    top = path.split(".")[0].split("[")[0]
    return path.replace(top, form.field_name(top), 1)


def _value_detail(value: Node, hit: Hit) -> str:
    return "empty in the form" if not value.text.strip() else hit.detail


def _value_node(value: object, position: int) -> Node:
    """One form value as a node: a mapping (a hook, a gate) as its `key: value`
    lines, so a message names it by its first field."""
    if isinstance(value, dict):
        text = "\n".join(f"{key}: {item}" for key, item in value.items() if not isinstance(item, (dict, list)))
    else:
        text = " ".join(str(value).split())
    return Node(position, position, text)


def _check(doc: Document, pack: RulePack, inputs: Inputs) -> tuple[list[Outcome], Result]:
    outcomes = check_rules(doc, pack, inputs)
    return outcomes, result_of(doc, pack, outcomes)


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
