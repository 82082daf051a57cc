"""Protocol input forms: load, validate, and read them in one layout.

A form is what a protocol is generated from and what form-bound rules compare a
protocol against.  Forms in the wild come in four layouts (see `LAYOUTS`); they
are validated against one JSON Schema and then read as the current layout, so
templates and rules name one set of fields, and the layout recognised is named
so that a person can tell how their form was read.

An incomplete form is the seed's "form omission": every problem is reported at
once, each with its YAML path and line, because the person filling the form
wants the whole list, not one error per run.
"""

from __future__ import annotations

import difflib
import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Iterator

from protolint.errors import UserError
from protolint.userfiles import Unreadable, read_user_text
from protolint.validation import MAX_YAML_CHARS, YAMLProblem, line_for, line_index, parse_yaml

SCHEMA_PATH = Path(__file__).parent / "schemas" / "form.schema.json"

# Older layouts: where their data lives in the current one.
LEGACY_SOURCES = {
    "inputs_from": "integration_inputs",
    "outputs_to": "integration_outputs",
    "announcements": "communication_protocols.status_announcements / communication_templates.status_announcements",
    "validation_prompts": "communication_protocols.validation_prompts / communication_templates.validation_prompts",
    "error_handling": "communication_protocols.error_messages / communication_protocols.error_handling "
                      "/ communication_templates.error_handling",
    "completion_checklist": "handoff_checklist",
}
# Keys the project's own forms spell otherwise, read as the field they mean (and
# said so): `aio_role` stands for `ai_role` in forms 9, 10 and 16 of the corpus.
KNOWN_ALIASES = {"aio_role": "ai_role"}
# The layouts found in the project's forms, each with the keys only it has: a
# form is in the last layout listed whose keys it uses, else the current one.
LAYOUTS = (
    ("current", ()),
    ("communication_protocols", ("communication_protocols",)),
    ("integration_* + communication_templates", ("integration_inputs", "integration_outputs",
                                                 "communication_templates")),
    ("integration_* pairs + communication_protocols + handoff_checklist",
     ("handoff_checklist", "communication_protocols.error_handling", "integration_inputs[].protocol",
      "integration_outputs[].protocol", "automation_hooks[].purpose")),
)
# "Between Protocol 10 (Staging) and Protocol 12 (Monitoring)": the protocol named
# after "and" or "before" is the one this protocol hands off to.
_NEXT_IN_WORKFLOW = re.compile(r"(?i)\b(?:and|before)\s+protocol\s+(?P<number>\d+[a-z]?)\b(?:\s*\((?P<name>[^)]*)\))?")
# The header comment that names the protocol: "# Protocol 16 Requirements (Documentation & Knowledge Transfer)".
_HEADER_NAME = re.compile(r"\((?P<name>[^()]+)\)\s*$|^(?P<line>[A-Za-z][^:()]*)$")


class FormError(UserError):
    """A form that cannot be used: every problem, each on its own line."""

    def __init__(self, path: str, problems: list[tuple[int | None, str]]):
        self.path, self.problems = path, problems
        super().__init__("\n".join(
            f"{path}:{line}: {problem}" if line else f"{path}: {problem}" for line, problem in problems))


@dataclass(frozen=True)
class Form:
    path: str
    raw: dict[str, Any]
    """The form as written (for the regenerator and for messages)."""
    data: dict[str, Any]
    """The form read in the current layout; what templates and rules see."""
    lines: dict[tuple, int]
    header_names: tuple[str, ...] = ()
    """Names the form's leading comment gives the protocol, as written
    (`Documentation & Knowledge Transfer`)."""
    aliases: tuple[tuple[int | None, str, str], ...] = ()
    """(line, key as written, field it was read as) for each known alias used."""

    @property
    def number(self) -> str:
        return str(self.data["protocol_number"])

    @property
    def slug(self) -> str:
        """`11-production-deployment`: the protocol's file stem."""
        name = self.data["protocol_name"]
        return name if name.startswith(f"{self.number}-") else f"{self.number}-{name}"

    @property
    def layout(self) -> str:
        return layout(self.raw)

    def field_name(self, top_key: str) -> str:
        """The name a person sees in their own form for a current-layout field."""
        written = next((old for _, old, new in self.aliases if new == top_key), None)
        if written:
            return written
        if top_key in self.raw or top_key not in LEGACY_SOURCES:
            return top_key
        return LEGACY_SOURCES[top_key]


@cache
def form_schema() -> dict:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def load_form(path: str | Path) -> Form:
    source = str(path)
    try:
        text = read_user_text(Path(path), "form", MAX_YAML_CHARS)
    except Unreadable as error:
        raise FormError(source, [(error.line, error.problem)]) from None
    try:
        node, raw = parse_yaml(text)
    except YAMLProblem as error:
        problem, line = error.problem, error.line
        raise FormError(source, [(line, problem)]) from None
    if not isinstance(raw, dict) or node is None:
        raise FormError(source, [(1, "a form is a YAML mapping (protocol_number, protocol_name, phases, …)")])
    lines = line_index(node)
    aliases = tuple((lines.get((old,)), old, new) for old, new in KNOWN_ALIASES.items()
                    if old in raw and new not in raw)
    for _, old, new in aliases:
        raw = {new if key == old else key: value for key, value in raw.items()}
        lines = {((new,) + place[1:] if place[:1] == (old,) else place): line for place, line in lines.items()}
    problems = validate(raw, lines)
    if problems:
        raise FormError(source, problems)
    return Form(source, raw, normalise(raw), lines, _header_names(text), aliases)


def next_in_workflow(data: dict) -> re.Match | None:
    """The protocol `phase_in_workflow` places this one before (`number`, and
    `name` when it is given in parentheses), or None."""
    return _NEXT_IN_WORKFLOW.search(data.get("phase_in_workflow") or "")


def layout(raw: dict) -> str:
    """The name of the layout the form is written in (see `LAYOUTS`)."""
    used = set(raw)
    communication = raw.get("communication_protocols")
    if isinstance(communication, dict):
        used |= {f"communication_protocols.{key}" for key in communication}
    for key in ("integration_inputs", "integration_outputs", "automation_hooks"):
        for item in raw.get(key) or []:
            if isinstance(item, dict):
                used |= {f"{key}[].{field}" for field in item}
    return next(name for name, keys in reversed(LAYOUTS) if not keys or used & set(keys))


def _header_names(text: str) -> tuple[str, ...]:
    """The names in the comment lines that open the form."""
    names = []
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        match = _HEADER_NAME.search(line.lstrip("# ").strip())
        if match:
            names.append((match["name"] or match["line"]).strip())
    return tuple(names)


def validate(raw: dict, lines: dict[tuple, int]) -> list[tuple[int | None, str]]:
    import jsonschema

    validator = jsonschema.Draft7Validator(form_schema())
    problems = []
    for error in sorted(validator.iter_errors(raw), key=lambda e: [str(p) for p in e.absolute_path]):
        path = tuple(error.absolute_path)
        problems.extend(_explain(error, path, raw, lines))
    problems.sort(key=lambda p: (p[0] or 0))
    return problems


def _explain(error: Any, path: tuple, raw: dict, lines: dict[tuple, int]) -> list[tuple[int | None, str]]:
    where = _dotted(path)
    line = line_for(lines, path)
    if error.validator == "required":
        key = error.message.split("'")[1]
        full = f"{where}.{key}" if where else key
        return [(line, f"{full} is missing{_misspelling(key, error.instance, path, lines)}")]
    if error.validator == "additionalProperties":
        allowed = list(error.schema.get("properties", {}))
        out = []
        for key in sorted(set(error.instance) - set(allowed)):
            close = difflib.get_close_matches(key, allowed, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            full = f"{where}.{key}" if where else key
            out.append((lines.get(path + (key,), line), f"{full} is not a form field{hint}"))
        return out
    if error.validator in ("minLength", "not") and error.instance in ("", None):
        return [(line, f"{where} is empty")]
    if error.validator == "minItems":
        return [(line, f"{where} is empty: list at least one")]
    if error.validator == "enum":
        choices = ", ".join(str(c) for c in error.validator_value)
        return [(line, f"{where} is {error.instance!r}; choose one of: {choices}")]
    if error.validator == "type":
        expected = error.validator_value if isinstance(error.validator_value, str) else " or ".join(error.validator_value)
        return [(line, f"{where} should be {_a(expected)}, not {type(error.instance).__name__}")]
    return [(line, f"{where}: {error.message}")]


def _misspelling(key: str, instance: dict, path: tuple, lines: dict[tuple, int]) -> str:
    close = difflib.get_close_matches(key, [k for k in instance if isinstance(k, str)], n=1, cutoff=0.75)
    if not close:
        return ""
    return f" (line {lines.get(path + (close[0],), '?')} has {close[0]!r}: misspelled?)"


def _a(kind: str) -> str:
    names = {"object": "a mapping", "array": "a list", "string": "a string", "integer": "a whole number"}
    return " or ".join(names.get(k, k) for k in kind.split(" or "))


def _dotted(path: tuple) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out



def normalise(raw: dict) -> dict[str, Any]:
    """The form in the current layout.  Only the reading changes, never the content."""
    data = {key: value for key, value in raw.items() if value is not None}
    data["protocol_number"] = str(raw["protocol_number"])
    for key in ("prerequisites", "inputs_from", "outputs_to", "automation_hooks", "validation_prompts",
                "error_handling", "completion_checklist", "focus_areas"):
        data.setdefault(key, [])
    if "integration_inputs" in raw and not data["inputs_from"]:
        data["inputs_from"] = [{"protocol": i.get("source_protocol") or i["protocol"],
                                "artifacts_consumed": i.get("artifacts_consumed") or i.get("artifacts") or ""}
                               for i in raw["integration_inputs"]]
    if "integration_outputs" in raw and not data["outputs_to"]:
        data["outputs_to"] = [{"protocol": o.get("target_protocol") or o["protocol"],
                               "artifacts_provided": o.get("artifacts_produced") or o.get("artifacts") or ""}
                              for o in raw["integration_outputs"]]
    if not data["completion_checklist"]:
        data["completion_checklist"] = list(raw.get("handoff_checklist") or [])
    data.pop("handoff_checklist", None)
    data["automation_hooks"] = [_hook_entry(hook) for hook in data["automation_hooks"]]
    for phase in data["phases"]:
        phase.setdefault("objective", "")
        phase["evidence_collection"] = phase.get("evidence_collection") or []
        for step in phase["steps"]:
            step.setdefault("communication_template", "")
            step["halt_condition"] = step.get("halt_condition") or ""
    data["announcements"] = _announcements(raw, data["phases"])
    communication = raw.get("communication_protocols") or raw.get("communication_templates") or {}
    if not data["validation_prompts"]:
        data["validation_prompts"] = [{"prompt_context": "", "prompt_template": p}
                                      for p in communication.get("validation_prompts", [])]
    if not data["error_handling"]:
        data["error_handling"] = [_error_entry(e) for e in
                                  communication.get("error_messages", communication.get("error_handling", []))]
    return data


def _hook_entry(hook: dict) -> dict:
    """A hook known by its purpose is named after the script its command runs
    (`python scripts/audit_doc_gaps.py …` → `audit_doc_gaps.py`), else its first word."""
    if hook.get("hook_name"):
        return hook
    words = hook["command"].split()
    script = next((w for w in words if re.search(r"\.(py|sh|js|ts|rb)$", w)), words[0])
    return {**hook, "hook_name": script.rsplit("/", 1)[-1]}


def _announcements(raw: dict, phases: list[dict]) -> list[str]:
    templates = raw.get("announcements")
    if isinstance(templates, dict):
        lines = []
        for phase in phases:
            for key in ("phase_start_template", "phase_complete_template"):
                if key == "phase_start_template" and _opens_itself(phase):
                    continue  # one start message per phase: the action's own
                if templates.get(key):
                    lines.append(_expand(templates[key], phase))
        if templates.get("automation_status_template"):
            lines.append(templates["automation_status_template"])
        return lines
    communication = raw.get("communication_protocols") or raw.get("communication_templates") or {}
    return list(communication.get("status_announcements", []))


def _expand(template: str, phase: dict) -> str:
    """A phase template with every spelling of the phase's number and name filled
    in (`{N}`, `{phase_number}`, `{phase_name}`, `{PHASE_NAME}`), none left half-done."""
    number, name = str(phase["phase_number"]), phase["phase_name"]
    return re.sub(r"\{(N|n|phase_number|PHASE_NUMBER|phase_name|PHASE_NAME|phase)\}",
                  lambda m: name if "name" in m[1].lower() else number, template)


def _opens_itself(phase: dict) -> bool:
    """One of the phase's actions announces its start (`[PHASE 2 START] - …`)."""
    said = " ".join(step.get("communication_template") or "" for step in phase["steps"])
    return bool(re.search(rf"(?i)\bPHASE\s+{re.escape(str(phase['phase_number']))}\s+START\b", said))


def _error_entry(entry: dict | str) -> dict[str, str]:
    if isinstance(entry, dict):  # communication_protocols.error_messages {code, message} or .error_handling {error_code, …}
        return {"error_type": entry.get("code") or entry["error_code"], "error_message_template": entry["message"],
                "recovery_steps": entry.get("recovery") or ""}
    code, _, recovery = entry.partition(":")  # communication_templates.error_handling: "Code: recovery"
    return {"error_type": code.strip(), "error_message_template": "", "recovery_steps": recovery.strip()}


# --- Form paths: `phases[*].steps[action_type=MUST]`, used by form-bound rules.

_SEGMENT = re.compile(r"(?P<key>[A-Za-z_][A-Za-z0-9_]*)(?:\[(?P<filter>[^\]]*)\])?")


@dataclass(frozen=True)
class FormItem:
    value: Any
    path: str
    """Where the item is in the form, for messages: `phases[1].steps[2]`."""
    parents: dict[str, Any]
    """Enclosing items by key (singular): `phase` for a step, so a rule can say
    "in the STEP of the same phase"."""


def parse_form_path(expression: str) -> list[tuple[str, str | None]]:
    """`phases[*].steps[action_type=MUST]` → [("phases", "*"), ("steps", "action_type=MUST")];
    a trailing `|split` reads a comma-separated value as its parts
    (`inputs_from[*].artifacts_consumed|split`).  Raises ValueError for anything else."""
    segments = []
    expression, bar, option = expression.partition("|")
    if bar and option.strip() != "split":
        raise ValueError(f"bad form path option |{option}: only |split is known")
    for part in expression.split("."):
        match = _SEGMENT.fullmatch(part.strip())
        if not match:
            raise ValueError(f"bad form path {expression!r} at {part!r}: use key, key[*] or key[field=value]")
        flt = match["filter"]
        if flt is not None and flt != "*" and "=" not in flt:
            raise ValueError(f"bad filter [{flt}] in form path {expression!r}: use [*] or [field=value]")
        segments.append((match["key"], flt))
    if bar:
        segments.append(("|split", None))
    return segments


def select(data: dict, segments: list[tuple[str, str | None]]) -> Iterator[FormItem]:
    """Every value the path reaches, with its place and its enclosing items."""
    def walk(value: Any, index: int, path: str, parents: dict[str, Any]) -> Iterator[FormItem]:
        if index == len(segments):
            yield FormItem(value, path, parents)
            return
        key, flt = segments[index]
        if key == "|split":
            for position, part in enumerate(p.strip() for p in str(value or "").split(",")):
                if part:
                    yield FormItem(part, f"{path}[{position}]", parents)
            return
        if not isinstance(value, dict) or key not in value:
            return
        child = value[key]
        here = f"{path}.{key}" if path else key
        if flt is None:
            yield from walk(child, index + 1, here, parents)
            return
        if not isinstance(child, list):
            return
        field_name, _, wanted = flt.partition("=")
        singular = key[:-1] if key.endswith("s") else key
        for position, element in enumerate(child):
            if flt != "*" and not (isinstance(element, dict) and str(element.get(field_name.strip())) == wanted.strip()):
                continue
            yield from walk(element, index + 1, f"{here}[{position}]", {**parents, singular: element})
    yield from walk(data, 0, "", {})
