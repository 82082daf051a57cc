"""The form checked against itself before a protocol is generated from it.

A form can be complete, field by field, and still ask the impossible: a gate
that waits for evidence a later phase produces, artifacts promised downstream
that no action makes, a gate that needs what only an optional action yields,
two hooks overwriting one file, a handoff to another protocol than the one the
form places it before.  The generator would write each faithfully and the agent
would be stuck (or a failure handling doing what the guardrail forbids), so each
is a finding on the form, at its line, for the person
who fills it in.  These are warnings: the form is still read and generated.
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath
from typing import Any, NamedTuple

from protolint.form import Form, next_in_workflow
from protolint.placement import hook_outputs, stems
from protolint.validation import line_for

_FILE = re.compile(r"[\w.-]+\.[a-z]{2,4}\b")
_PROTOCOL = re.compile(r"(?i)\bprotocol\s+(?P<number>\d+)")
# "DO NOT deploy to production without …": the act the guardrail forbids until a condition holds.
_GUARDED = re.compile(r"(?i)\b(?:do\s+not|never|don't)\s+(?P<act>[a-z][a-z /-]*?)\s*(?=\b(?:without|until|before|unless|or|and)\b|[,.;]|$)")
# Words with which a failure handling waits or refuses instead of going ahead.
_WAITS = re.compile(r"(?i)\b(not|never|until|before|after|once|hold|stop|pause|halt|block|defer|rerun|re-run|resolve)\b")


class FormFinding(NamedTuple):
    line: int | None
    message: str


def check_form(form: Form, context: dict[str, Any]) -> list[FormFinding]:
    """Every contradiction in the form, in the order of its lines.  `context` is
    the generator's (its phases already say which action records what)."""
    findings = [*_gates_waiting_on_later_phases(form), *_evidence_written_later(form, context["hooks"]),
                *_promised_but_not_produced(form),
                *_gates_needing_optional_actions(form, context["phases"]), *_hooks_writing_one_file(form),
                *_next_protocol_disagreeing(form), *_guardrail_contradicted(form)]
    return sorted(findings, key=lambda f: f.line or 0)


def _files(item: dict) -> set[str]:
    return {PurePosixPath(part.strip()).name.lower() for part in item["storage_location"].split(" or ")
            if PurePosixPath(part.strip()).suffix}


def _gates_waiting_on_later_phases(form: Form) -> list[FormFinding]:
    phases, out = form.data["phases"], []
    for index, phase in enumerate(phases):
        criteria = phase["quality_gate"]["criteria"].lower()
        earlier = {name for p in phases[:index + 1] for item in p["evidence_collection"] for name in _files(item)}
        for later in phases[index + 1:]:
            for item in later["evidence_collection"]:
                named = {name for name in _files(item) if name in criteria} - earlier
                if named:
                    out.append(FormFinding(
                        line_for(form.lines, ("phases", index, "quality_gate", "criteria")),
                        f"phases[{index}].quality_gate '{phase['quality_gate']['gate_name']}' needs "
                        f"{', '.join(sorted(named))}, which phase {later['phase_number']} produces later"))
    return out


def _evidence_written_later(form: Form, hooks: list[dict]) -> list[FormFinding]:
    """A phase's evidence that only a hook of a later phase writes: its gate
    would be judged before the file exists."""
    out = []
    for index, phase in enumerate(form.data["phases"]):
        for position, item in enumerate(phase["evidence_collection"]):
            writers = [h for h in hooks if _files(item) & {PurePosixPath(p).name.lower() for p in hook_outputs(h)}]
            numbers = [str(p["phase_number"]) for h in writers for p in h["phases"]]
            if writers and numbers and all(_later(n, phase["phase_number"]) for n in numbers):
                out.append(FormFinding(
                    line_for(form.lines, ("phases", index, "evidence_collection", position)),
                    f"phases[{index}] records {item['storage_location']} before its gate, but only "
                    f"{', '.join(h['hook_name'] for h in writers)} writes it, in phase {', '.join(dict.fromkeys(numbers))}"))
    return out


def _later(number: str, than: Any) -> bool:
    try:
        return int(number) > int(than)
    except ValueError:
        return False


def _promised_but_not_produced(form: Form) -> list[FormFinding]:
    data = form.data
    produced = {name for phase in data["phases"] for item in phase["evidence_collection"] for name in _files(item)}
    produced |= {PurePosixPath(path).name.lower() for hook in data["automation_hooks"] for path in hook_outputs(hook)}
    key = "outputs_to" if "outputs_to" in form.raw else "integration_outputs"
    out = []
    for index, item in enumerate(data["outputs_to"]):
        promised = _FILE.findall(item.get("artifacts_provided") or "")
        missing = sorted(dict.fromkeys(name for name in promised if name.lower() not in produced))
        if missing:
            out.append(FormFinding(
                line_for(form.lines, (key, index)),
                f"{key}[{index}] promises {', '.join(missing)} to {item['protocol']}, "
                f"but no phase's evidence or hook produces {'it' if len(missing) == 1 else 'them'}"))
    return out


def _gates_needing_optional_actions(form: Form, phases: list[dict]) -> list[FormFinding]:
    """A gate whose criteria name an evidence item (by its last word, the thing
    it is: `Forward recommendations` → recommendations) that only `[GUIDELINE]`
    actions record; unless the form itself calls that item or criterion optional."""
    out = []
    for index, phase in enumerate(phases):
        criteria = stems(phase["quality_gate"]["criteria"])
        for item in phase["evidence_collection"]:
            recorders = [s for s in phase["steps"] if item["storage_location"] in s["evidence"]]
            head = stems(item["evidence_item"].split()[-1])
            optional = "optional" in item["evidence_item"].lower() or "optional" in phase["quality_gate"]["criteria"].lower()
            if recorders and head and head <= criteria and not optional \
                    and all(s["action_type"] == "GUIDELINE" for s in recorders):
                titles = ", ".join(s["action_title"] for s in recorders)
                out.append(FormFinding(
                    line_for(form.lines, ("phases", index, "quality_gate", "criteria")),
                    f"phases[{index}].quality_gate '{phase['quality_gate']['gate_name']}' needs "
                    f"{item['evidence_item']}, which only the optional [GUIDELINE] action {titles} records"))
    return out


def _hooks_writing_one_file(form: Form) -> list[FormFinding]:
    out, writers = [], {}
    for index, hook in enumerate(form.data["automation_hooks"]):
        for path in hook_outputs(hook):
            if path in writers:
                out.append(FormFinding(
                    line_for(form.lines, ("automation_hooks", index)),
                    f"automation_hooks[{index}] '{hook['hook_name']}' writes {path}, "
                    f"as automation_hooks[{writers[path]}] does: one overwrites the other"))
            writers.setdefault(path, index)
    return out


def _guardrail_contradicted(form: Form) -> list[FormFinding]:
    """A gate's failure handling that does what the guardrail forbids, every word
    of it (`deploy to production` under "DO NOT deploy to production without
    approval"), and neither waits nor refuses."""
    guarded = _GUARDED.search(form.data["primary_guardrail"])
    if guarded is None:
        return []
    act = stems(guarded["act"])
    out = []
    for index, phase in enumerate(form.data["phases"]):
        handling = phase["quality_gate"]["failure_handling"]
        if act and act <= stems(handling) and not _WAITS.search(handling):
            out.append(FormFinding(
                line_for(form.lines, ("phases", index, "quality_gate", "failure_handling")),
                f"phases[{index}].quality_gate.failure_handling ({handling!r}) lets the agent "
                f"{guarded['act'].lower()} when the gate fails, which primary_guardrail forbids"))
    return out


def _next_protocol_disagreeing(form: Form) -> list[FormFinding]:
    data = form.data
    placed = next_in_workflow(data)
    if placed is None:
        return []
    number = re.match(r"\d+", placed["number"]).group(0)  # the claims below are compared by digits
    wanted = number.lstrip("0") or "0"
    out = []
    claims = [("next_protocol", re.match(r"\d+", data.get("next_protocol") or "")),
              ("handoff_command", _PROTOCOL.search(data.get("handoff_command") or ""))]
    for field, claim in claims:
        if claim is not None and (claim.group(0) if field == "next_protocol" else claim["number"]).lstrip("0") != wanted:
            out.append(FormFinding(
                line_for(form.lines, (field,)),
                f"{field} hands off to Protocol {claim.group(0) if field == 'next_protocol' else claim['number']}, "
                f"but phase_in_workflow places this protocol before Protocol {number}"))
    return out
