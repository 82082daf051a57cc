"""`protolint generate`: a form rendered with a profile's template passes the
profile's pack, except where the form itself lacks what a rule needs; every
string of the form reaches the protocol verbatim; the same form gives the same
bytes."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import CORPUS, FIXTURES, ROOT, form_with_halts, needs_corpus, protolint, protolint_process
from protolint.errors import UserError
from protolint.form import Form, FormError, load_form, normalise
from protolint.generate import PROFILES, default_output_path, default_profile, render
from protolint.parsing import parse_document
from protolint.runner import Linter

FORMS = FIXTURES / "forms"
EXECUTION_FORM = FORMS / "protocol-input-form-11-deployment-b999fbd.yaml"
MANAGEMENT_FORM = FORMS / "protocol-input-form-11-deployment-3d628b3.yaml"
# An older form without announcements, validation prompts or error handling.
SILENT_FORM = FORMS / "protocol-input-form-11-deployment-494bfaf.yaml"
CORPUS_FORMS = CORPUS / "forms"


def check(text: str, pack: str, name: str):
    return Linter([pack]).check_text(text, name)


def failing_rules(result) -> set[str]:
    return {lost.split(" ")[0] for layer in result.layers for lost in layer.lost}


def section(text: str, heading: str) -> str:
    """The lines from `heading` to the next heading of the same level or above."""
    level = len(heading.split(" ")[0])
    lines = text.splitlines()
    start = lines.index(heading)
    end = next((i for i in range(start + 1, len(lines))
                if (match := re.match(r"(#+) ", lines[i])) and len(match.group(1)) <= level), len(lines))
    return "\n".join(lines[start:end])


# --- Each profile against its pack.

def test_release_execution_form_fails_only_where_it_leaves_a_halt_empty(tmp_path):
    form = load_form(EXECUTION_FORM)
    result = check(render(form, "release-execution"), "protocol-11-release-execution", "11-production-deployment.md")
    # "Archive Release Evidence" is [MUST] with an empty halt: no bullet is written, the seed's rule fails.
    assert [(f.rule_id, f.section) for f in result.findings] == [
        ("P11E-step-halt", "STEP 3: Post-Release Validation & Communication")]
    stated = load_form(form_with_halts(EXECUTION_FORM, tmp_path))
    result = check(render(stated, "release-execution"), "protocol-11-release-execution", "11-production-deployment.md")
    assert result.findings == []
    assert result.passed and result.score == 100


def test_release_management_form_passes_its_playbook_once_every_halt_is_stated(tmp_path):
    form = load_form(MANAGEMENT_FORM)
    result = check(render(form, "release-management"), "protocol-11-release-management",
                   "11-production-deployment-release-management.md")
    assert failing_rules(result) == {"P11M-step-halt"}  # five [MUST] steps without a halt in the form
    form = load_form(form_with_halts(MANAGEMENT_FORM, tmp_path))
    result = check(render(form, "release-management"), "protocol-11-release-management",
                   "11-production-deployment-release-management.md")
    # The playbook's "Protocols 10, 04/09" inputs: the form lists 10 and 04, which
    # P11M-integration-inputs reads as satisfying "04/09" (04 or 09).
    assert [p["protocol"].split("-")[0] for p in form.data["inputs_from"]] == ["10", "04"]
    assert failing_rules(result) == set()


@needs_corpus()
@pytest.mark.parametrize("name", ["6-technical-design", "7-environment", "12-monitoring"])
def test_corpus_forms_pass_core_with_the_generic_profile(name):
    form = load_form(CORPUS_FORMS / f"protocol-input-form-{name}.yaml")
    assert default_profile(form) == "generic"
    result = check(render(form), "core", f"{form.slug}.md")
    # These forms give every field core looks for: no rule fails.
    assert failing_rules(result) == set()
    assert result.passed and result.score == 100


def test_a_form_without_communication_fails_exactly_the_communication_rules():
    form = load_form(SILENT_FORM)
    # The form omission: no announcements, no validation prompts, no error handling.
    assert not (form.data["announcements"] or form.data["validation_prompts"] or form.data["error_handling"])
    text = render(form, "generic")
    result = check(text, "core", "protocol.md")
    # No COMMUNICATION PROTOCOLS section is written (an empty heading would pass for one), and the
    # sections after it move up: core-L4-communication-section fails, and core-L4-templates-fenced
    # with it (it has no section to look in); core-L4-prompts: no prompt template exists (none in the
    # form, and no step template asks one); core-L4-error-templates: no error template.  Announcements
    # still pass: the steps' own communication templates carry `[PHASE n START]` tags.
    assert "COMMUNICATION PROTOCOLS" not in text
    assert [line for line in text.splitlines() if line.startswith("## ")][4:] == [
        "## 5. AUTOMATION HOOKS", "## 6. HANDOFF CHECKLIST"]
    assert failing_rules(result) == {"core-L4-communication-section", "core-L4-prompts", "core-L4-error-templates",
                                     "core-L4-templates-fenced"}
    assert result.passed  # warnings only


# --- Everything the form gives, verbatim.

def loadable_forms() -> list[Path]:
    paths = sorted(FORMS.glob("*.yaml")) + (sorted(CORPUS_FORMS.glob("*.yaml")) if CORPUS_FORMS.is_dir() else [])
    forms = []
    for path in paths:
        try:
            load_form(path)
        except FormError:
            continue
        forms.append(path)
    return forms


def form_strings(data: dict) -> list[str]:
    """Every string the protocol must carry word for word."""
    strings = [data["ai_role"], data["purpose"], data["primary_guardrail"], *data["announcements"],
               *data["completion_checklist"], data.get("handoff_command", ""), data.get("context", "")]
    for phase in data["phases"]:
        strings += [phase["phase_name"], phase["objective"], *phase["quality_gate"].values()]
        for step in phase["steps"]:
            strings += [step["action_title"], step["instructions"], step["communication_template"],
                        step["halt_condition"]]
        for item in phase["evidence_collection"]:
            strings += [item["evidence_item"], item["storage_location"]]
    for hook in data["automation_hooks"]:
        strings += [hook["hook_name"], hook.get("trigger_point", ""), hook["command"], hook.get("expected_output", ""),
                    hook.get("purpose", "")]
    for error in data["error_handling"]:
        strings += [error["error_type"], error["error_message_template"], error["recovery_steps"]]
    for prompt in data["validation_prompts"]:
        strings += [prompt["prompt_context"], prompt["prompt_template"]]
    for link in (*data["prerequisites"], *data["inputs_from"], *data["outputs_to"]):
        strings += [value for value in link.values()]
    return [s for s in strings if s]


@pytest.mark.parametrize("path", loadable_forms(), ids=lambda p: f"{p.parent.parent.name}/{p.name}")
def test_every_form_string_appears_verbatim(path):
    form = load_form(path)
    for profile in {default_profile(form), "generic"}:
        text = render(form, profile)
        missing = [s for s in form_strings(form.data) if s not in text]
        assert missing == [], f"{profile}: not in the protocol: {missing}"


_text = st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=40).map(str.strip) \
    .filter(bool)


@st.composite
def forms(draw) -> Form:
    steps = st.fixed_dictionaries({"action_type": st.sampled_from(["MUST", "GUIDELINE"]), "action_title": _text,
                                   "instructions": _text, "communication_template": _text | st.just(""),
                                   "halt_condition": _text | st.just("")})
    phases = draw(st.lists(st.fixed_dictionaries({
        "phase_name": _text, "objective": _text, "steps": st.lists(steps, min_size=1, max_size=3),
        "evidence_collection": st.lists(st.fixed_dictionaries({"evidence_item": _text, "storage_location": _text}),
                                        max_size=3),
        "quality_gate": st.fixed_dictionaries({"gate_name": _text, "criteria": _text, "failure_handling": _text}),
    }), min_size=1, max_size=4))
    for number, phase in enumerate(phases, 1):
        phase["phase_number"] = number
    raw = {"protocol_number": "7", "protocol_name": "x", "purpose": draw(_text), "ai_role": draw(_text),
           "primary_guardrail": draw(_text), "phases": phases,
           "automation_hooks": draw(st.lists(st.fixed_dictionaries({
               "hook_name": _text, "trigger_point": _text, "command": _text, "expected_output": _text}), max_size=3)),
           "error_handling": draw(st.lists(st.fixed_dictionaries({
               "error_type": _text, "error_message_template": _text, "recovery_steps": _text}), max_size=2)),
           "validation_prompts": draw(st.lists(st.fixed_dictionaries({
               "prompt_context": _text, "prompt_template": _text}), max_size=2))}
    return Form("generated.yaml", raw, normalise(raw), {})


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(forms())
def test_any_form_renders_deterministically_with_every_string(form):
    text = render(form, "generic")
    assert text == render(form, "generic")
    assert text.endswith("\n") and not text.endswith("\n\n")
    assert [s for s in form_strings(form.data) if s not in text] == []
    parse_document(text, "generated.md")  # and it stays Markdown protolint can read


def test_output_is_deterministic_across_processes():
    """Same form → same bytes, whatever the interpreter's hash seed."""
    outputs = {protolint_process("generate", EXECUTION_FORM, "-o", "-", env={"PYTHONHASHSEED": seed}).stdout
               for seed in ("1", "2")}
    assert len(outputs) == 1
    (text,) = outputs
    assert text == render(load_form(EXECUTION_FORM))


# --- What the blueprint derives from the form.

def test_default_profile_and_output_path():
    execution, management = load_form(EXECUTION_FORM), load_form(MANAGEMENT_FORM)
    assert default_profile(execution) == "release-execution"
    assert default_profile(management) == "release-management"
    other = dataclasses.replace(execution, data={**execution.data, "protocol_number": "6"})
    assert default_profile(other) == "generic"
    assert default_output_path(execution) == Path(".cursor/ai-driven-workflow/11-production-deployment.md")
    assert default_output_path(management) == \
        Path(".cursor/ai-driven-workflow/11-production-deployment-release-management.md")
    assert {name: profile.pack for name, profile in PROFILES.items()} == {
        "release-execution": "protocol-11-release-execution",
        "release-management": "protocol-11-release-management", "generic": "blueprint"}


def test_a_protocol_11_profile_refuses_another_protocol():
    form = load_form(EXECUTION_FORM)
    other = dataclasses.replace(form, data={**form.data, "protocol_number": "6"})
    with pytest.raises(UserError, match="Protocol 11.*Protocol 6; use --profile generic"):
        render(other, "release-execution")


def test_titles_and_workflow_headings_per_profile():
    form = load_form(EXECUTION_FORM)
    first_lines = {p: render(form, p).splitlines()[0] for p in PROFILES}
    assert first_lines["release-execution"] == \
        "# PROTOCOL 11: PRODUCTION DEPLOYMENT & RELEASE MANAGEMENT (RELEASE MANAGEMENT COMPLIANT)"
    assert first_lines["generic"] == "# PROTOCOL 11: PRODUCTION DEPLOYMENT (RELEASE MANAGEMENT COMPLIANT)"
    assert "## 2. RELEASE MANAGEMENT WORKFLOW" in render(form, "release-management")
    assert "## 2. PRODUCTION DEPLOYMENT WORKFLOW" in render(form, "generic")
    untagged = dataclasses.replace(form, data={k: v for k, v in form.data.items() if k != "domain_compliance"})
    assert render(untagged, "generic").splitlines()[0] == "# PROTOCOL 11: PRODUCTION DEPLOYMENT"


def test_steps_state_what_the_form_states_and_nothing_else():
    text = render(load_form(EXECUTION_FORM), "release-execution")
    archive = section(text, "### STEP 3: Post-Release Validation & Communication")
    # A [MUST] step with an empty halt has no halt bullet: no label without the form's text.
    assert "3. **`[MUST]` Archive Release Evidence:**\n" in archive
    assert "Halt condition" not in archive.split("3. **`[MUST]` Archive Release Evidence:**")[1]
    # A [GUIDELINE] step with an empty halt has no halt bullet.
    guideline = archive.split("2. **`[GUIDELINE]` Publish Release Communications:**")[1].split("3. **")[0]
    assert "Halt condition" not in guideline
    assert "> \"[COMMUNICATION] Publishing release summary and stakeholder updates...\"" in guideline


def test_step_evidence_where_the_step_names_it_and_every_item_with_one_action():
    text = render(load_form(MANAGEMENT_FORM), "release-management")
    step = section(text, "### STEP 1: Release Readiness & Approval Confirmation")
    # "Stop until release-approvals.json contains all required approvals" names the file.
    approvals = step.split("2. **`[MUST]` Validate Governance Approvals:**")[1].split("3. **")[0]
    assert "* **Evidence:** `.artifacts/deployment/release-approvals.json`" in approvals
    for phase in load_form(MANAGEMENT_FORM).data["phases"]:
        actions = section(text, f"### STEP {phase['phase_number']}: {phase['phase_name']}").split("**Evidence Collection:**")[0]
        for item in phase["evidence_collection"]:
            assert actions.count(f"`{item['storage_location']}`") == 1, item


def action(text: str, phase: str, number: int) -> str:
    """The lines of the numbered action `number` in the workflow STEP `phase`."""
    step = section(text, phase).split("**Evidence Collection:**")[0]
    return re.split(r"\n\d+\. \*\*", step)[number]


def test_evidence_by_hook_output_then_name_then_stems_then_order():
    text = render(load_form(DOCUMENTATION_FORM))
    evidence = lambda phase, number: re.findall(r"\* \*\*Evidence:\*\* (.*)", action(text, phase, number))
    inventory = "### STEP 1: Knowledge Inventory and Scope Confirmation"
    # Stems (source inventory); and the gap analysis its hook audit_doc_gaps.py writes, though the next
    # action's halt condition names it: the action producing a file records it, not the one reading it.
    assert evidence(inventory, 1) == ["`.artifacts/documentation/source-inventory.json`, "
                                      "`.artifacts/documentation/gap-analysis.json`"]
    # "Documentation schedule": the protocol's own name says nothing, "schedule" names Establish Timeline.
    assert evidence(inventory, 3) == ["`.artifacts/documentation/doc-schedule.md`"]
    drafting = "### STEP 2: Drafting, Consolidation, and Tooling Setup"
    assert evidence(drafting, 1) == ["`docs/ or .artifacts/documentation/drafts/`"]  # the hook it runs writes docs/
    assert evidence(drafting, 3) == ["`.artifacts/documentation/media-manifest.json`"]  # one item per action: by order
    publication = "### STEP 4: Publication, Enablement, and Handoff"
    assert evidence(publication, 2) == ["`.artifacts/documentation/enablement-summary.md`"]


def test_hook_commands_run_inside_the_action_and_failure_hooks_after_the_gate():
    text = render(load_form(FORMS / "protocol-input-form-11-deployment.yaml"), "generic")
    checks = action(text, "### STEP 3: Production Deployment and Immediate Monitoring", 3)
    assert "* **Run `collect_perf.py`:**\n     ```bash\n     python scripts/collect_perf.py" in checks
    assert "```\n     [AUTOMATION] scripts/collect_perf.py executed: {status}\n     ```" in checks
    production = section(text, "### STEP 3: Production Deployment and Immediate Monitoring")
    # "Phase 3 failure handling": run when the gate fails, never as a step of a normal run.
    assert "If the gate fails, run `rollback_backend.sh` (Phase 3 failure handling; see QUALITY GATES):" in production
    assert "* **Run `rollback_backend.sh`" not in production
    # "Phase 2 and Phase 3 deployments" names two actions of Phase 3 equally: listed with its trigger.
    assert "Also in this step, run `deploy_backend.sh` (when: Phase 2 and Phase 3 deployments):" in production


def test_a_validation_prompt_is_asked_where_its_context_says():
    text = render(load_form(FORMS / "protocol-input-form-11-deployment.yaml"), "generic")
    health = action(text, "### STEP 4: Release Review and Documentation", 1)
    assert "* **Then ask (After health window):**\n     ```\n     [RELEASE COMPLETE] Health window passed." in health


def test_one_start_message_per_phase():
    text = render(load_form(FORMS / "protocol-input-form-11-deployment.yaml"), "generic")
    workflow = section(text, "## 2. PRODUCTION DEPLOYMENT WORKFLOW")
    for number in range(1, 5):
        assert len(re.findall(rf"\[PHASE {number} START\]", workflow)) == 1, number
    # Phase 3's start is its second action's; the form's start template is not a second one.
    assert "[PHASE 3 START] - Production Deployment and Immediate Monitoring..." not in text


def test_rollback_procedure_only_where_the_form_calls_for_rollback():
    text = render(load_form(EXECUTION_FORM), "release-execution")
    gates = section(text, "## 4. QUALITY GATES")
    assert "Rollback" not in section(gates, "### Gate 1: Go/No-Go Gate")
    deployment = section(gates, "### Gate 2: Deployment Success Gate")
    assert "- **When to trigger a rollback:**" in deployment
    assert "  - `rollback_backend` trigger: Phase 2 if deployment fails" in deployment
    assert "  - Initiate rollback, capture incident summary, and notify stakeholders." in deployment
    # "rollback gaps" is not a call to roll back.
    management = section(render(load_form(MANAGEMENT_FORM), "release-management"), "## 4. QUALITY GATES")
    assert "Rollback Procedure" not in section(management, "### Gate 1: Release Authorization Gate")
    assert "Rollback Procedure" in section(management, "### Gate 2: Production Deployment Gate")


def test_hooks_are_aligned_to_the_step_their_form_data_points_at():
    execution = section(render(load_form(EXECUTION_FORM)), "## 6. AUTOMATION HOOKS")
    rollback = section(execution, "### rollback_backend (conditional)")
    assert "**Step:** STEP 2 – Controlled Production Deployment" in rollback  # "Phase 2 if deployment fails"
    assert "run `rollback_backend` only when its trigger occurs" in rollback
    assert "```bash\nbash scripts/rollback_backend.sh --env production" in rollback
    assert "**Expected output:** rollback-run-log.txt documenting rollback actions" in rollback
    management = section(render(load_form(MANAGEMENT_FORM)), "## 6. AUTOMATION HOOKS")
    # "Before production deployment": no phase number; the command reads phase 1's checklist.
    assert "**Step:** STEP 1 – Release Readiness & Approval Confirmation" in \
        section(management, "### release_gatekeeper.py")
    assert "**Step:** STEP 3 – Post-Deployment Stabilization & Handoff" in \
        section(management, "### stabilization_monitor.py")


def test_handoff_routes_to_the_next_protocol_and_names_the_archive():
    handoff = section(render(load_form(EXECUTION_FORM)), "## 7. HANDOFF CHECKLIST")
    assert "- [ ] Evidence archive stored for downstream protocols: " \
           "`.artifacts/deployment/release-evidence-bundle.zip`" in handoff
    assert "- [ ] Protocol 13 (13-incident-response-rollback) has received: " \
           "rollback-readiness-checklist.md, release-evidence-bundle.zip" in handoff
    assert handoff.endswith("```\n[PROTOCOL COMPLETE] - Production deployment finalized. Ready for Protocol 12 "
                            "(Monitoring & Observability).\n@apply .cursor/ai-driven-workflow/"
                            "12-monitoring-observability.md\n```")
    # No handoff_command and no next_protocol in the form: no completion announcement is made up, and
    # the next protocol is the one phase_in_workflow names ("… and Protocol 12 (Post-Deployment
    # Monitoring)"), at the file its outputs_to gives for Protocol 12.
    handoff = section(render(load_form(MANAGEMENT_FORM)), "## 7. HANDOFF CHECKLIST")
    assert "[PROTOCOL COMPLETE]" not in handoff
    assert handoff.endswith("When every item is checked, hand off to Protocol 12 "
                            "(12-post-deployment-monitoring-observability):\n\n```\n"
                            "@apply .cursor/ai-driven-workflow/12-post-deployment-monitoring-observability.md\n```")


# --- A user's template.

def test_user_template_gets_the_same_context_and_the_shipped_blocks(tmp_path):
    template = tmp_path / "mine.md.j2"
    template.write_text('{% import "_blocks.md.j2" as blocks with context %}'
                        "# {{ slug }} by {{ form.ai_role }}\n\n{{ blocks.quality_gates(1) }}", encoding="utf-8")
    text = render(load_form(EXECUTION_FORM), "generic", template)
    assert text.startswith("# 11-production-deployment by Release Manager\n\n## 1. QUALITY GATES\n")
    assert "### Gate 3: Post-Release Validation Gate" in text


@pytest.mark.parametrize("body, message", [
    ("line one\n{{ form.no_such_field }}\n", r"mine\.md\.j2:2: .*no_such_field"),
    ("line one\n{% if %}\n", r"mine\.md\.j2:2: template syntax error"),
])
def test_user_template_errors_name_file_and_line(tmp_path, body, message):
    template = tmp_path / "mine.md.j2"
    template.write_text(body, encoding="utf-8")
    with pytest.raises(UserError, match=message):
        render(load_form(EXECUTION_FORM), "generic", template)


# --- The command line.

def generate_cli(*args, cwd=ROOT):
    return protolint("generate", *args, cwd=cwd)


def test_cli_writes_the_default_path_and_says_how_to_check_it(tmp_path):
    form = form_with_halts(EXECUTION_FORM, tmp_path)
    result = generate_cli(form, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    written = tmp_path / ".cursor" / "ai-driven-workflow" / "11-production-deployment.md"
    assert written.read_text(encoding="utf-8") == render(load_form(form))
    assert result.stdout == (f"wrote .cursor/ai-driven-workflow/11-production-deployment.md (profile release-execution); "
                             f"run `protolint check .cursor/ai-driven-workflow/11-production-deployment.md "
                             f"--pack protocol-11-release-execution --form {form}`\n")
    check_run = protolint(written, cwd=tmp_path)
    assert check_run.returncode == 0 and "PASS" in check_run.stdout


def test_cli_refuses_to_overwrite_edits_without_force(tmp_path):
    out = tmp_path / "11-production-deployment.md"
    assert generate_cli(EXECUTION_FORM, "-o", out).returncode == 0
    assert generate_cli(EXECUTION_FORM, "-o", out).returncode == 0  # its own output: fine
    out.write_text(out.read_text(encoding="utf-8") + "\nA note of mine.\n", encoding="utf-8")
    refused = generate_cli(EXECUTION_FORM, "-o", out)
    assert refused.returncode == 2
    assert f"{out}: not overwriting: it was changed since protolint last wrote it; use --force" in refused.stderr
    assert "A note of mine." in out.read_text(encoding="utf-8")
    assert generate_cli(EXECUTION_FORM, "-o", out, "--force").returncode == 0
    assert "A note of mine." not in out.read_text(encoding="utf-8")


def test_cli_stdout_writes_nothing(tmp_path):
    result = generate_cli(MANAGEMENT_FORM, "-o", "-", cwd=tmp_path)
    assert result.returncode == 0
    assert result.stdout == render(load_form(MANAGEMENT_FORM), "release-management")
    assert list(tmp_path.iterdir()) == []


def test_cli_invalid_form_lists_every_problem_and_exits_2(tmp_path):
    form = tmp_path / "form.yaml"
    form.write_text('protocol_number: "6"\nprotocol_name: "x"\nai_rol: "Architect"\nphases: []\n', encoding="utf-8")
    result = generate_cli(form, cwd=tmp_path)
    assert result.returncode == 2 and result.stdout == ""
    lines = result.stderr.splitlines()
    assert f"{form}:3: error: ai_rol is not a form field; did you mean 'ai_role'?" in lines
    assert f"{form}:4: error: phases is empty: list at least one" in lines
    assert all(line.startswith(f"{form}:") and ": error: " in line for line in lines)
    assert "Traceback" not in result.stderr and not (tmp_path / ".cursor").exists()


@pytest.mark.parametrize("args, message", [
    (["--profile", "nonesuch"], "unknown profile 'nonesuch'; choose one of: release-execution, release-management, generic"),
    (["--template", "no-such.md.j2"], "no-such.md.j2: no such template"),
])
def test_cli_usage_errors_exit_2(tmp_path, args, message):
    result = generate_cli(EXECUTION_FORM, *args, cwd=tmp_path)
    assert result.returncode == 2
    assert message in result.stderr and "Traceback" not in result.stderr


def test_generate_and_cycle_refuse_an_unknown_profile_alike(tmp_path):
    said = set()
    for command in ("generate", "cycle"):
        result = protolint(command, EXECUTION_FORM, "--profile", "release", "-o", tmp_path / "out.md", cwd=tmp_path)
        assert result.returncode == 2 and not (tmp_path / "out.md").exists()
        said.add(result.stderr.strip())
    assert said == {"protolint: error: unknown profile 'release'; choose one of: "
                    "release-execution, release-management, generic"}


# --- Where the form is silent: no placeholder, no empty section, the ending it names.

def with_data(form: Form, **changes) -> Form:
    data = {key: value for key, value in form.data.items() if changes.get(key, value) is not None}
    data.update({key: value for key, value in changes.items() if value is not None})
    return dataclasses.replace(form, data=data)


def test_no_form_gives_a_placeholder_or_a_bare_label_a_rule_could_count():
    for path in loadable_forms():
        text = render(load_form(path))
        assert not re.search(r"None stated|\bTBD\b|\{\{", text), path
        assert not re.search(r"\*\*(Halt condition|Action|Trigger|Expected output|Criteria|Failure Handling):\*\*[ \t]*$",
                             text, re.MULTILINE), path


def test_a_form_without_hooks_gets_no_automation_section_and_the_next_sections_move_up():
    form = with_data(load_form(EXECUTION_FORM), automation_hooks=[])
    text = render(form, "generic")
    assert "AUTOMATION HOOKS" not in text and "**Automation:**" not in text
    assert [line for line in text.splitlines() if line.startswith("## ")][-2:] == [
        "## 5. COMMUNICATION PROTOCOLS", "## 6. HANDOFF CHECKLIST"]
    result = check(text, "blueprint", "protocol.md")
    assert "blueprint-L3-sections" in failing_rules(result)


def test_the_next_protocol_comes_from_phase_in_workflow_when_the_form_names_no_other():
    form = with_data(load_form(EXECUTION_FORM), handoff_command="", next_protocol="",
                     phase_in_workflow="Between Protocol 10 (Pre-Deployment) and Protocol 14 (Audit)")
    handoff = section(render(form), "## 7. HANDOFF CHECKLIST")
    # No outputs_to for Protocol 14: its file is not known, so nothing to @apply; no announcement is made up.
    assert handoff.endswith("\n\nWhen every item is checked, hand off to Protocol 14 (Audit).")
    assert "@apply" not in handoff and "[PROTOCOL COMPLETE]" not in handoff
    silent = with_data(form, phase_in_workflow="Immediately after production deployment, before operations.")
    assert "hand off to" not in render(silent)


# --- Every layout the project's forms are written in.

DOCUMENTATION_FORM = FORMS / "protocol-input-form-16-documentation.yaml"
INTEGRATION_FORM = FORMS / "protocol-input-form-9-integration.yaml"


@pytest.mark.parametrize("path, layout", [
    (EXECUTION_FORM, "current"), (MANAGEMENT_FORM, "communication_protocols"),
    (INTEGRATION_FORM, "integration_* + communication_templates"),
    (DOCUMENTATION_FORM, "integration_* pairs + communication_protocols + handoff_checklist")])
def test_each_layout_is_recognised_and_named(path, layout, tmp_path):
    assert load_form(path).layout == layout
    result = generate_cli(path, "-o", tmp_path / "p.md", cwd=tmp_path)
    assert result.returncode == 0 and result.stderr.splitlines()[0] == f"{path}: form layout: {layout}"


def test_the_documentation_layout_is_read_field_by_field():
    data = load_form(DOCUMENTATION_FORM).data
    assert data["inputs_from"][0] == {"protocol": "1-create-prd", "artifacts_consumed": "final PRD updates, acceptance criteria"}
    assert data["outputs_to"][1] == {"protocol": "18-maintenance-support",
                                     "artifacts_provided": "feedback backlog, knowledge inventory"}
    assert data["error_handling"][0] == {
        "error_type": "MissingSourceArtifact",
        "error_message_template": "[ERROR] Required source artifact not located for documentation scope.",
        "recovery_steps": "Engage upstream owner, update inventory, rerun gap analysis."}
    # A hook known by its purpose is named after its script; the handoff checklist is the completion checklist.
    assert [h["hook_name"] for h in data["automation_hooks"]] == [
        "audit_doc_gaps.py", "generate_doc_portal.py", "verify_doc_accuracy.py", "schedule_enablement.py"]
    assert data["automation_hooks"][0]["purpose"] == "Identify missing source artifacts before drafting."
    assert data["completion_checklist"][0] == "Source inventory reconciled with gaps resolved."


def test_a_hook_needs_a_name_or_a_purpose(tmp_path):
    form = tmp_path / "form.yaml"
    form.write_text(EXECUTION_FORM.read_text(encoding="utf-8").replace('- hook_name: "release_readiness_check"',
                                                                         '- expected_output: "unnamed"'), encoding="utf-8")
    with pytest.raises(FormError, match=r"automation_hooks\[\d\]\.hook_name is missing"):
        load_form(form)


def test_the_title_keeps_the_name_the_forms_header_gives_it():
    assert render(load_form(DOCUMENTATION_FORM)).startswith(
        "# PROTOCOL 16: DOCUMENTATION & KNOWLEDGE TRANSFER (KNOWLEDGE MANAGEMENT COMPLIANT)\n")


def test_gate_summary_criteria_appear_where_they_name_something_the_gate_does_not():
    gates = section(render(load_form(INTEGRATION_FORM)), "## 4. QUALITY GATES")
    # "Scope reconciled, environment validated." only rewords gate 1; gate 2's summary adds "passing".
    assert gates.count("**Also (gate summary):**") == 2
    assert "- **Also (gate summary):** Contract validation configured and passing." in gates
    assert "Scope reconciled, environment validated." not in gates


# --- The form against itself.

def form_findings(path: Path) -> list[tuple[int | None, str]]:
    from protolint.consistency import check_form
    from protolint.generate import context

    form = load_form(path)
    return [(f.line, f.message) for f in check_form(form, context(form))]


def test_a_form_that_contradicts_itself_is_told_where(tmp_path):
    assert form_findings(INTEGRATION_FORM) == [
        (150, "phases[3].quality_gate 'Sign-Off Gate' needs Forward recommendations, "
              "which only the optional [GUIDELINE] action Publish Recommendations records"),
        (161, "integration_outputs[0] promises INTEGRATION-EVIDENCE.zip to 4-quality-audit, "
              "but no phase's evidence or hook produces it"),
        (163, "integration_outputs[1] promises contract-validation-results.json to 10-pre-deployment-staging, "
              "but no phase's evidence or hook produces it")]
    text = EXECUTION_FORM.read_text(encoding="utf-8")
    form = tmp_path / "form.yaml"
    # A gate that names a later phase's evidence; two hooks writing one file; a handoff elsewhere.
    data = yaml.safe_load(text)
    data["phases"][0]["quality_gate"]["criteria"] += " post-release-validation-report.json reviewed."
    data["automation_hooks"][1]["command"] = data["automation_hooks"][0]["command"] = "python x.py --output out.json"
    data["next_protocol"] = "13-incident-response-rollback"
    data["phases"][1]["quality_gate"]["failure_handling"] = "Deploy to production with documented exceptions."
    form.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    messages = [message for _, message in form_findings(form)]
    assert any("needs post-release-validation-report.json, which phase 3 produces later" in m for m in messages), messages
    assert "automation_hooks[1] 'deploy_backend' writes out.json, as automation_hooks[0] does: " \
           "one overwrites the other" in messages
    assert "next_protocol hands off to Protocol 13, but phase_in_workflow places this protocol before Protocol 12" \
           in messages
    # "DO NOT deploy to production without explicit go/no-go approval …"
    assert "phases[1].quality_gate.failure_handling ('Deploy to production with documented exceptions.') lets the " \
           "agent deploy to production when the gate fails, which primary_guardrail forbids" in messages
    result = generate_cli(form, "-o", tmp_path / "p.md", cwd=tmp_path)
    assert result.returncode == 0
    assert any(line.startswith(f"{form}:") and ": warning: next_protocol hands off to Protocol 13" in line
               for line in result.stderr.splitlines())


def test_evidence_a_later_phase_writes_is_found_and_a_consistent_form_has_no_findings():
    # collect_perf ("Phase 3 validation") writes the health metrics Phase 2's gate is judged on.
    assert form_findings(EXECUTION_FORM) == [
        (101, "phases[1] records .artifacts/deployment/deployment-health-metrics.json before its gate, "
              "but only collect_perf writes it, in phase 3")]
    assert form_findings(FORMS / "protocol-input-form-11-deployment-3d628b3.yaml") == []


# --- No seams, no guessed conditions.

@pytest.mark.parametrize("role, said", [("UAT Coordinator", "a"), ("SRE Lead", "an"), ("Engineer", "an"),
                                        ("User Advocate", "a"), ("Release Manager", "a")])
def test_the_role_gets_the_article_it_is_spoken_with(role, said):
    from protolint.generate import article
    assert article(role) == said


def test_a_phase_template_is_expanded_whichever_way_it_spells_the_phase(tmp_path):
    data = yaml.safe_load(EXECUTION_FORM.read_text(encoding="utf-8"))
    data["announcements"]["phase_complete_template"] = "[PHASE {phase_number} COMPLETE] {PHASE_NAME} done."
    form = tmp_path / "form.yaml"
    form.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    text = render(load_form(form), "generic")
    assert "[PHASE 1 COMPLETE] Release Readiness Confirmation done." in text and "{PHASE_NAME}" not in text


def test_a_rollback_is_what_the_form_calls_one_never_what_a_command_mentions(tmp_path):
    data = yaml.safe_load(EXECUTION_FORM.read_text(encoding="utf-8"))
    data["automation_hooks"] = [{"hook_name": "collect_logs", "trigger_point": "Phase 1 readiness audit",
                                 "command": "python scripts/collect_logs.py --output .artifacts/deployment/rollback.log"}]
    form = tmp_path / "form.yaml"
    form.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    gates = section(render(load_form(form), "generic"), "## 4. QUALITY GATES")
    assert "Rollback Procedure" not in section(gates, "### Gate 1: Go/No-Go Gate")


def test_an_error_template_is_reported_at_the_halt_that_raises_it():
    text = render(load_form(DOCUMENTATION_FORM))
    compile_inventory = action(text, "### STEP 1: Knowledge Inventory and Scope Confirmation", 1)
    assert ("   * **Halt condition:** Missing source artifact required for documentation scope\n"
            "   * **On halt, report `MissingSourceArtifact`:**\n"
            "     ```\n     [ERROR] Required source artifact not located for documentation scope.\n     ```\n"
            "     Recovery: Engage upstream owner, update inventory, rerun gap analysis.") in compile_inventory
    # ReviewRejection names no halt condition closely enough: it stays in the catalogue only.
    assert text.count("ReviewRejection") == 1
