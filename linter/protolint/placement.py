"""Where the form's data is used: which action runs a hook, records a piece of
evidence, asks a validation prompt; which announcement opens and closes a phase.

An agent follows the action it is on.  Human authors put the command, the
prompt and the evidence inside the action that uses them, so the generator
does too, and keeps the catalogue sections as summaries.  Every decision is
taken from the form's own data, strongest signal first (words matched against
an action's title before its instructions), and one fixed rule ends the cases no
signal decides, so nothing is placed by chance:

- a hook runs in the action its trigger or purpose names; a hook whose trigger
  is a failure runs when the phase's gate fails, and any other conditional hook
  only in an action its trigger names; else a hook runs in the action that
  records the evidence it writes, else in the one its script's name names; else
  it is listed with its trigger under its phase;
- a piece of evidence is recorded by the action running the hook that writes
  it, else by the one that names it, else by the one whose words share most stems
  with its name, else (a phase listing one item per action) by the action in
  the same position, else by the phase's last `[MUST]` action, so a gate never
  waits on an optional action;
- a validation prompt is asked in the action its context names (`Before alert
  testing`: before that action; otherwise after it); a prompt whose context
  names no action but the handoff is asked at the handoff; a prompt without a
  context stays in the catalogue, since the form does not say where it belongs;
- an error template is reported at the halt condition that raises it: the one
  action whose halt condition shares at least two stems with the error's code
  and message (`MissingSourceArtifact` ↔ "Missing source artifact required …");
- an announcement tagged `PHASE n START` or `PHASE n COMPLETE` opens or closes
  phase n, unless one of the phase's actions already opens it.
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath
from typing import Any

_WORD = re.compile(r"[a-z0-9]+")
_SUFFIX = re.compile(r"(?<=[a-z]{3})(ations?|ings?|ions?|ed|es|s|e)$")
# Words that say when, not what: they tie nothing to an action.
_FILLER = {"and", "the", "for", "with", "before", "after", "during", "prior", "phase", "step", "post", "pre",
           "from", "into", "then", "when", "once", "all", "any", "each", "are", "has", "have", "not", "this",
           "that", "yes", "its", "python", "bash", "scripts", "script", "artifacts", "json", "csv", "txt", "yaml"}
# The paths a command writes: after an output flag or a redirection.
_OUTPUT = re.compile(r"(?:--output|--out|--report|--results|-o|>)(?:=|\s+)(?P<path>[^\s;|&]+)")
_PHASE_TAG = re.compile(r"(?i)\bPHASE\s+(?P<number>\d+)\s+(?P<kind>START|COMPLETE)\b")
_BEFORE = re.compile(r"(?i)^\s*(before|prior to|ahead of)\b")
_SCRIPT = re.compile(r"\.(py|sh|js|ts|rb|ps1)$")
_HANDOFF = re.compile(r"(?i)\bhand\s*-?off\b")
_FAILURE = re.compile(r"(?i)\bfail(ure|s|ed)?\b")


def stems(text: str) -> set[str]:
    """Words without their ending, cut to five letters, so `validated` and
    `validation` are one, and `tune` and `tuning`."""
    return {_SUFFIX.sub("", w)[:5] for w in _WORD.findall(text.lower()) if len(w) > 2 and w not in _FILLER}


def hook_outputs(hook: dict) -> list[str]:
    """The paths a hook's command writes (`--output PATH`, `> PATH`)."""
    return [m["path"].strip("'\"") for m in _OUTPUT.finditer(hook["command"])]


def _locations(item: dict) -> list[str]:
    """`docs/ or .artifacts/documentation/drafts/` → both places."""
    return [part.strip() for part in item["storage_location"].split(" or ") if part.strip()]


def _writes(hook: dict, item: dict) -> bool:
    return any(out.rstrip("/") == place.rstrip("/") for out in hook_outputs(hook) for place in _locations(item))


def _step_text(step: dict) -> str:
    return " ".join(step.get(k) or "" for k in ("action_title", "instructions", "communication_template",
                                                "halt_condition")).lower()


def _names(step: dict, item: dict) -> bool:
    """The step names the item: its file name (a directory's name is too common
    a word to count) or the item's own words."""
    text = _step_text(step)
    files = [PurePosixPath(place).name.lower() for place in _locations(item) if PurePosixPath(place).suffix]
    return any(name in text for name in files) or item["evidence_item"].lower() in text


def _item_stems(item: dict) -> set[str]:
    files = " ".join(PurePosixPath(place).stem.replace("-", " ").replace("_", " ") for place in _locations(item))
    return stems(f"{item['evidence_item']} {files}")


def _best(wanted: set[str], steps: list[dict], domain: frozenset[str]) -> int | None:
    """The one step whose title shares most stems with `wanted`, else the one
    whose title and instructions do; None on a tie or when none shares any.
    The protocol's own name (`documentation`, `deployment`) says what every
    action is about, so its words count only when they are all `wanted` says."""
    wanted = (wanted - domain) or wanted
    for text in (lambda s: s["action_title"], lambda s: f"{s['action_title']} {s['instructions']}"):
        overlaps = [len(wanted & stems(text(s))) for s in steps]
        best = max(overlaps, default=0)
        if best and overlaps.count(best) == 1:
            return overlaps.index(best)
    return None


def place(phases: list[dict], hooks: list[dict], prompts: list[dict], errors: list[dict], announcements: list[str],
          status_template: str, protocol_name: str) -> dict[str, Any]:
    """Give each step its `hooks`, `evidence`, `errors`, `ask_before` and `ask_after`, each
    phase its `start`, `complete`, the hooks to run when its gate fails
    (`failure_hooks`) and those no action runs (`loose_hooks`); return what
    belongs to the handoff (`prompts`)."""
    domain = frozenset(stems(protocol_name.replace("-", " ")))
    for phase in phases:
        for step in phase["steps"]:
            step.update(hooks=[], evidence=[], errors=[], ask_before=[], ask_after=[])
        own = [h for h in hooks if any(p is phase for p in h["phases"])]
        phase["loose_hooks"], phase["failure_hooks"] = [], []
        for hook in own:
            index = _hook_step(hook, phase, domain)
            if index is not None:
                target = phase["steps"][index]["hooks"]
            else:
                target = phase["failure_hooks" if _FAILURE.search(hook.get("trigger_point") or "") else "loose_hooks"]
            target.append({**hook, "status": status_template.replace("{script_name}", _script(hook))
                           if status_template else ""})
        _place_evidence(phase, domain)
        phase["start"], phase["complete"] = _phase_announcements(phase, announcements)
    handoff = []
    steps = [step for phase in phases for step in phase["steps"]]
    for prompt in prompts:
        context = prompt.get("prompt_context") or ""
        index = _best(stems(context), steps, domain) if context else None
        if index is None:
            if _HANDOFF.search(context):
                handoff.append(prompt)
            continue
        steps[index]["ask_before" if _BEFORE.match(context) else "ask_after"].append(prompt)
    for error in errors:
        index = _halt_raising(error, steps, domain)
        if index is not None:
            steps[index]["errors"].append(error)
    return {"prompts": handoff}


def _halt_raising(error: dict, steps: list[dict], domain: frozenset[str]) -> int | None:
    code = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", error["error_type"])
    said = stems(f"{code} {error.get('error_message_template') or ''}")
    overlaps = [len((said - domain or said) & stems(step["halt_condition"])) for step in steps]
    best = max(overlaps, default=0)
    return overlaps.index(best) if best >= 2 and overlaps.count(best) == 1 else None


def _script(hook: dict) -> str:
    """The script a hook runs, as its command names it (`scripts/deploy.sh`), else its name."""
    return next((w for w in hook["command"].split() if _SCRIPT.search(w)), hook["hook_name"])


def _hook_step(hook: dict, phase: dict, domain: frozenset[str]) -> int | None:
    steps = phase["steps"]
    said = f"{hook.get('trigger_point') or ''} {hook.get('purpose') or ''}"
    index = _best(stems(said), steps, domain)
    if index is not None or hook["conditional"] or _FAILURE.search(hook.get("trigger_point") or ""):
        return index
    for item in phase["evidence_collection"]:
        if _writes(hook, item):
            named = [i for i, step in enumerate(steps) if _names(step, item)]
            if len(named) == 1:
                return named[0]
            by_stems = _best(_item_stems(item), steps, domain)
            if by_stems is not None:
                return by_stems
    script = " ".join(PurePosixPath(w).stem.replace("_", " ").replace("-", " ") for w in hook["command"].split()[:3])
    return _best(stems(f"{hook['hook_name'].replace('_', ' ')} {script}"), steps, domain)


def _place_evidence(phase: dict, domain: frozenset[str]) -> None:
    steps, items = phase["steps"], phase["evidence_collection"]
    mandatory = [i for i, s in enumerate(steps) if s["action_type"] == "MUST"] or [len(steps) - 1]
    for position, item in enumerate(items):
        owners = [i for i, step in enumerate(steps) if any(_writes(h, item) for h in step["hooks"])]
        owners = owners or [i for i, step in enumerate(steps) if _names(step, item)]
        if not owners:
            by_stems = _best(_item_stems(item), steps, domain)
            owners = [by_stems] if by_stems is not None else []
        if not owners:
            owners = [position] if len(items) == len(steps) else [mandatory[-1]]
        for index in owners:
            steps[index]["evidence"].append(item["storage_location"])


def _phase_announcements(phase: dict, announcements: list[str]) -> tuple[str, str]:
    start = complete = ""
    said = " ".join(step.get("communication_template") or "" for step in phase["steps"])
    opened = any(m["number"] == str(phase["phase_number"]) and m["kind"].upper() == "START"
                 for m in _PHASE_TAG.finditer(said))
    for line in announcements:
        match = _PHASE_TAG.search(line)
        if match is None or match["number"] != str(phase["phase_number"]):
            continue
        if match["kind"].upper() == "START" and not opened and not start:
            start = line
        elif match["kind"].upper() == "COMPLETE" and not complete:
            complete = line
    return start, complete
