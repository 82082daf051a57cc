"""Form → protocol: render a filled input form with the Jinja2 templates beside
this module.

A profile is a generator spec's Template Blueprint: which template lays the
protocol out and which pack judges the result.  Everything a protocol says comes
from the form or from the blueprint's fixed wording; where the form is silent
the protocol stays silent too, so the checks can name the missing field instead
of passing on invented content.  The only thing computed here is *where* form
data belongs (which phase a hook or a piece of evidence goes with), and that is
decided from the form's own words, never guessed.

The templates see one context (see `context()`); a user's `--template` gets
the same one and may `{% import "_blocks.md.j2" as blocks with context %}`.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from protolint.errors import UserError
from protolint.form import Form, next_in_workflow
from protolint.placement import hook_outputs, place, stems

if TYPE_CHECKING:
    from protolint.packs import RulePack

TEMPLATES = Path(__file__).parent / "templates"
OUTPUT_DIR = Path(".cursor/ai-driven-workflow")


class Profile(NamedTuple):
    template: str
    pack: str
    protocol: str | None
    """The protocol number the blueprint is written for; None: any."""


PROFILES: dict[str, Profile] = {
    # seeds/protocol-11-generator.md: sections 1–7, RELEASE EXECUTION WORKFLOW.
    "release-execution": Profile("release-execution.md.j2", "protocol-11-release-execution", "11"),
    # seeds/protocol-11-generator-playbook.md: RELEASE MANAGEMENT WORKFLOW.
    "release-management": Profile("release-management.md.j2", "protocol-11-release-management", "11"),
    # The same blueprint for any protocol, judged by core and the form's own items.
    "generic": Profile("generic.md.j2", "blueprint", None),
}

def profile_for(pack: RulePack) -> str:
    """The profile whose blueprint a pack judges: the nearest pack in its lineage
    that a profile names, else the generic blueprint every profile follows."""
    by_pack = {profile.pack: name for name, profile in PROFILES.items()}
    return next((by_pack[name] for name in pack.lineage if name in by_pack), "generic")


# The file names the two Protocol 11 specs generate; any other form is generic.
DEFAULT_PROFILES = {
    ("11", "production-deployment"): "release-execution",
    ("11", "production-deployment-release-management"): "release-management",
}

ARCHIVE_SUFFIXES = (".zip", ".tar.gz", ".tgz", ".tar", ".7z")
# The blueprint's sections in order, and the form fields a section that may be
# left out is written from: a form without any of them gets no such section
# (an empty heading would pass for one), and a fix that would add it back names
# these fields instead.
SECTIONS = ("role_and_mission", "workflow", "integration", "quality_gates", "communication", "automation", "handoff")
SECTION_SOURCES = {
    "integration": ("inputs_from", "outputs_to"),
    "communication": ("announcements", "validation_prompts", "error_handling"),
    "automation": ("automation_hooks",),
    "handoff": ("completion_checklist", "handoff_command", "next_protocol"),
}
SECTION_TITLES = {"INTEGRATION POINTS": "integration", "COMMUNICATION PROTOCOLS": "communication",
                  "AUTOMATION HOOKS": "automation", "HANDOFF CHECKLIST": "handoff"}
# "Between Protocol 3 (Process Tasks) and Protocol 4 (Quality Audit)", "… before Protocol 12 (Monitoring)".
_PHASE_REF = re.compile(r"(?i)\b(?:phase|step)\s+(\d+)\b")
_CONDITIONAL = re.compile(r"(?i)\b(if|when|unless|only|on failure)\b")
_ROLLBACK = re.compile(r"(?i)rollback")
_ROLLBACK_ACTION = re.compile(r"(?i)\b(initiate|trigger|execute|perform|run|start|invoke|begin)\w*\s+(an?\s+|the\s+)?rollback\b"
                              r"|\broll\s+back\b")
_ROLLBACK_TRIGGER = re.compile(r"(?i)rollback.*\b(if|when|trigger\w*)\b|\b(if|when|trigger\w*)\b.*rollback")
_WORD = re.compile(r"[a-z0-9]+")
# Words that say when, not what: they cannot tie a hook to a phase.
_FILLER = {"and", "the", "for", "with", "before", "after", "during", "prior", "phase", "step", "post", "pre",
           "from", "into", "then", "when", "once"}


def _plain_number(number: str) -> str:
    return number.lstrip("0") or number


def known_profile(name: str) -> str:
    """`name` when it is a profile, else the one error both `generate` and
    `cycle` give, before any form is read."""
    if name not in PROFILES:
        raise UserError(f"unknown profile {name!r}; choose one of: {', '.join(PROFILES)}")
    return name


def default_profile(form: Form) -> str:
    name = form.data["protocol_name"]
    number = _plain_number(form.number)
    stem = name[len(form.number) + 1:] if name.startswith(f"{form.number}-") else name
    return DEFAULT_PROFILES.get((number, stem), "generic")


def default_output_path(form: Form) -> Path:
    """Where the generator spec puts the protocol, relative to the project root."""
    return OUTPUT_DIR / f"{form.slug}.md"


def render(form: Form, profile: str | None = None, template: Path | None = None) -> str:
    """The protocol as Markdown: deterministic, ending in exactly one newline."""
    import jinja2

    profile = profile or default_profile(form)
    chosen = PROFILES[profile]
    if chosen.protocol and _plain_number(form.number) != chosen.protocol:
        raise UserError(f"{form.path}: the {profile} profile is the blueprint of Protocol {chosen.protocol}, "
                        f"and this form is Protocol {form.number}; use --profile generic")
    search = (str(template.parent), str(TEMPLATES)) if template is not None else (str(TEMPLATES),)
    environment = _environment(search)
    name = template.name if template is not None else chosen.template
    try:
        text = environment.get_template(name).render(context(form))
    except jinja2.TemplateNotFound as error:
        if template is None:
            raise
        raise UserError(f"{template}: no such template ({error.message or name})") from None
    except jinja2.TemplateSyntaxError as error:
        if template is None:
            raise
        raise UserError(f"{error.filename or template}:{error.lineno}: template syntax error: {error.message}") from None
    except jinja2.UndefinedError as error:
        if template is None:
            raise
        raise UserError(f"{template}{_template_line(error, template)}: {error.message}") from None
    return text.rstrip() + "\n"


@cache
def _environment(search: tuple[str, ...]) -> Any:
    """One Jinja2 environment per template path, so templates compile once."""
    import jinja2

    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(search), undefined=jinja2.StrictUndefined, autoescape=False,
        keep_trailing_newline=True, trim_blocks=True, lstrip_blocks=True)
    environment.filters["protocol"] = protocol_label
    environment.filters["article"] = article
    return environment


def _template_line(error: BaseException, template: Path) -> str:
    """`:line` of the user's template where rendering failed (Jinja2 maps its
    tracebacks back to template lines), or nothing."""
    line, traceback = "", error.__traceback__
    while traceback is not None:
        if Path(traceback.tb_frame.f_code.co_filename).resolve() == template.resolve():
            line = f":{traceback.tb_lineno}"
        traceback = traceback.tb_next
    return line


# --- The context the templates see.

def context(form: Form) -> dict[str, Any]:
    data = form.data
    phases = [_phase(p, data.get("quality_gates_summary") or []) for p in data["phases"]]
    hooks = [_hook(h, phases) for h in data["automation_hooks"]]
    templates = form.raw.get("announcements")
    status = templates.get("automation_status_template") or "" if isinstance(templates, dict) else ""
    placed = place(phases, hooks, data["validation_prompts"], data["error_handling"], data["announcements"], status,
                   data["protocol_name"])
    for phase in phases:
        phase["hooks"] = [h for h in hooks if any(p is phase for p in h["phases"])]
        phase["rollback"] = _rollback(phase, phase["hooks"])
    evidence = [e for p in phases for e in p["evidence_collection"]]
    archives = [e for e in evidence if e["storage_location"].lower().endswith(ARCHIVE_SUFFIXES)]
    next_protocol = _next_protocol(data)
    filled = {name for name, fields in SECTION_SOURCES.items() if any(data.get(f) for f in fields)}
    # The handoff also lists the archives, the announcements to deliver and what each downstream protocol receives.
    if archives or next_protocol or data["announcements"] or data["validation_prompts"] \
            or any(item.get("artifacts_provided") for item in data["outputs_to"]):
        filled.add("handoff")
    written = [name for name in SECTIONS if name not in SECTION_SOURCES or name in filled]
    return {
        "form": data,
        "number": form.number,
        "slug": form.slug,
        "title_name": _title_name(form),
        "domain": (data.get("domain_compliance") or "").strip().upper(),
        "phases": phases,
        "hooks": hooks,
        "archives": archives,
        # The form's own checklist item for an archive is not repeated in other words.
        "handoff_archives": [e for e in archives if not any(
            Path(e["storage_location"]).name in item for item in data["completion_checklist"])],
        "next_protocol": next_protocol,
        "handoff_prompts": placed["prompts"],
        "sections": {name: position for position, name in enumerate(written, 1)},
    }


def omitted_section_fields(title: str, form: Form) -> str | None:
    """The form fields that would give a blueprint section it leaves out
    (`AUTOMATION HOOKS` → `automation_hooks`), as the user's form names them."""
    name = SECTION_TITLES.get(title.upper())
    if name is None:
        return None
    return " or ".join(form.field_name(field) for field in SECTION_SOURCES[name])


def _next_protocol(data: dict) -> dict[str, str] | None:
    """The protocol to hand off to: the form's `next_protocol`, else the one its
    `phase_in_workflow` names after "and" or "before"; with the file stem the
    form gives for it (`next_protocol`, or an `outputs_to` of that number), so
    the handoff can `@apply` it, and none when the form names none."""
    if data.get("next_protocol"):
        return {"label": protocol_label(data["next_protocol"]), "slug": data["next_protocol"]}
    named = next_in_workflow(data)
    if named is None:
        return None
    number = _plain_number(named["number"])
    slug = next((item["protocol"] for item in data["outputs_to"]
                 if _plain_number(item["protocol"].split("-", 1)[0]) == number), None)
    label = f"Protocol {named['number']}" + (f" ({named['name']})" if named["name"] else "")
    return {"label": protocol_label(slug) if slug else label, "slug": slug}


def article(noun: str) -> str:
    """`a` or `an` as the noun is spoken: an engineer, a UAT coordinator, an SRE,
    a user."""
    word = (noun.split() or [""])[0]
    if len(word) > 1 and word.isupper():  # spelt out letter by letter
        return "an" if word[0] in "AEFHILMNORSX" else "a"
    return "an" if word[:1].lower() in "aeiou" and not re.match(r"(?i)u[nst][aeiou]|one", word) else "a"


def protocol_label(reference: str) -> str:
    """`10-pre-deployment-staging` → `Protocol 10 (10-pre-deployment-staging)`."""
    number = re.match(r"\d+[a-z]?(?=-|$)", reference, re.IGNORECASE)
    return f"Protocol {number.group()} ({reference})" if number else reference


def _title_name(form: Form) -> str:
    """`technical-design-architecture` → `TECHNICAL DESIGN ARCHITECTURE`, or the
    name the form's header comment spells with the same words
    (`Technical Design & Architecture` → `TECHNICAL DESIGN & ARCHITECTURE`)."""
    stem = form.slug[len(form.number) + 1:]
    words = stem.replace("_", "-").split("-")
    for name in form.header_names:
        if [w for w in _WORD.findall(name.lower()) if w != "and"] == [w.lower() for w in words if w]:
            return name.upper()
    return " ".join(words).upper()


def _phase(raw: dict, gates_summary: list[dict]) -> dict[str, Any]:
    """The form's phase, its gate with the criteria `quality_gates_summary` gives
    it where they name something its own criteria do not (a summary that only
    rewords them adds nothing)."""
    steps = [dict(step) for step in raw["steps"]]
    gate = raw["quality_gate"]
    summary = next((g.get("criteria") or "" for g in gates_summary if g["gate_name"] == gate["gate_name"]), "")
    differs = stems(summary) - stems(gate["criteria"])
    return {**raw, "steps": steps, "quality_gate": {**gate, "summary_criteria": summary if differs else ""}}


def _hook(raw: dict, phases: list[dict]) -> dict[str, Any]:
    trigger = raw.get("trigger_point") or ""
    return {**raw, "trigger_point": trigger, "expected_output": raw.get("expected_output") or "",
            "phases": _phases_of_hook(raw, phases),
            "conditional": bool(_CONDITIONAL.search(trigger)),
            # What the form calls it and when it runs, never what its command mentions (a rollback log).
            "is_rollback": any(_ROLLBACK.search(raw.get(k) or "") for k in ("hook_name", "trigger_point"))}


def _phases_of_hook(hook: dict, phases: list[dict]) -> list[dict]:
    """The phases a hook runs in: the ones its trigger names (`Phase 2 …`); else
    the one phase whose evidence its command writes (`--output PATH`), else the
    one whose evidence it mentions; else the one phase whose name and step titles
    share the most words with its trigger or purpose; else none."""
    by_number = {str(p["phase_number"]): p for p in phases}
    named = [by_number[n] for n in dict.fromkeys(_PHASE_REF.findall(hook.get("trigger_point") or ""))
             if n in by_number]
    if named:
        return named
    outputs = [path.rstrip("/") for path in hook_outputs(hook)]
    writing = [p for p in phases if any(place.strip().rstrip("/") in outputs for e in p["evidence_collection"]
                                        for place in e["storage_location"].split(" or "))]
    if len(writing) == 1:
        return writing
    output = f"{hook['command']} {hook.get('expected_output') or ''}"
    writing = [p for p in phases if any(e["storage_location"] in output for e in p["evidence_collection"])]
    if len(writing) == 1:
        return writing
    words = _words(f"{hook.get('trigger_point') or ''} {hook.get('purpose') or ''}")
    overlaps = [len(words & _words(" ".join([p["phase_name"], *(s["action_title"] for s in p["steps"])])))
                for p in phases]
    best = max(overlaps, default=0)
    if best and overlaps.count(best) == 1:
        return [phases[overlaps.index(best)]]
    return []


def _words(text: str) -> set[str]:
    return {w for w in _WORD.findall(text.lower()) if len(w) > 2 and w not in _FILLER}


def _rollback(phase: dict, hooks: list[dict]) -> dict[str, Any] | None:
    """The phase gate's rollback procedure, when the form calls for one: its
    failure handling says to roll back, or a hook of the phase is a rollback.
    Its triggers are what the form states as conditions: a step's halt condition
    that rolls back, a rollback hook's conditional trigger; never an instruction
    that only mentions a rollback."""
    on_gate_failure = bool(_ROLLBACK_ACTION.search(phase["quality_gate"]["failure_handling"]))
    rollback_hooks = [h for h in hooks if h["is_rollback"]]
    if not (on_gate_failure or rollback_hooks):
        return None
    triggers = [(step["action_title"], step["halt_condition"]) for step in phase["steps"]
                if _ROLLBACK_TRIGGER.search(step["halt_condition"])]
    return {"on_gate_failure": on_gate_failure, "triggers": triggers, "hooks": rollback_hooks,
            "hook_triggers": [h for h in rollback_hooks if h["conditional"]]}
