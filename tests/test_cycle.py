"""The circular workflow end to end, through the command line: generate, check,
refine, and the honest stops (form omission, stall, regenerator)."""

from __future__ import annotations

import difflib
import json
import shutil
import sys

import pytest
import yaml

from conftest import CORPUS, FIXTURES, PROTOCOLS, form_with_halts, needs_corpus, protolint

FORMS = FIXTURES / "forms"
PROJECT = FIXTURES / "project"


# The [MUST] steps each bundled form leaves without a halt condition, which
# both seeds require of every mandatory action.
SILENT_HALTS = {
    "b999fbd": ["phases[2].steps[2].halt_condition"],
    "3d628b3": [f"phases[{p}].steps[{s}].halt_condition" for p, s in [(0, 0), (1, 0), (1, 2), (2, 0), (2, 1)]],
}


@pytest.mark.parametrize("version, profile", [("b999fbd", "release-execution"),
                                              ("3d628b3", "release-management")])
def test_each_seed_with_its_form_version_stops_naming_each_halt_the_form_leaves_empty(tmp_path, version, profile):
    done = protolint("cycle", FORMS / f"protocol-input-form-11-deployment-{version}.yaml", "--profile", profile,
                     "-o", tmp_path / "protocol.md", "--report", tmp_path / "rounds.json", "--project-root", PROJECT)
    assert done.returncode == 1, done.stdout + done.stderr
    last = done.stdout.strip().splitlines()[-1]
    assert last.startswith("STOP form omission") and last.endswith("add: " + ", ".join(SILENT_HALTS[version]))
    record = json.loads((tmp_path / "rounds.json").read_text())
    assert [o["field"] for o in record["omissions"]] == SILENT_HALTS[version]
    assert {o["detail"] for o in record["omissions"]} == {"empty in the form"}
    assert "None stated" not in (tmp_path / "protocol.md").read_text()


@pytest.mark.parametrize("version, profile", [("b999fbd", "release-execution"),
                                              ("3d628b3", "release-management")])
def test_each_seed_with_its_form_version_and_every_halt_stated_ends_pass(tmp_path, version, profile):
    out, report = tmp_path / "protocol.md", tmp_path / "rounds.json"
    form = form_with_halts(FORMS / f"protocol-input-form-11-deployment-{version}.yaml", tmp_path)
    done = protolint("cycle", form, "--profile", profile,
                     "-o", out, "--report", report, "--project-root", PROJECT)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.strip().splitlines()[-1].startswith("PASS")
    record = json.loads(report.read_text())
    assert record["status"] == "pass" and record["rounds"][-1]["failing"] == []
    assert out.read_text().startswith("# PROTOCOL 11")


NEWEST_FORM = CORPUS / "forms" / "protocol-input-form-11-deployment.yaml"

# What each seed's checklist requires and the newest form 11 (four phases, other
# gate names) lacks: rule -> the form fields the stop names.  A rule that wants
# something of each [MUST] step names the very steps whose field is empty.
NEWEST_FORM_HALTS = ["phases[0].steps[1].halt_condition", "phases[1].steps[1].halt_condition",
                     "phases[3].steps[1].halt_condition"]
NEWEST_FORM_OMISSIONS = {
    "release-execution": {
        "P11E-step-phases": ["phases[*].phase_name"],
        "P11E-gates-named": ["phases[*].quality_gate.gate_name"],
        "P11E-step-halt": NEWEST_FORM_HALTS,
        "P11E-halt-topics": ["phases[*].steps[*].halt_condition"],
        "P11E-evidence-kinds": ["phases[*].evidence_collection[*].evidence_item"],
        "P11E-evidence-archive": ["phases[*].evidence_collection[*].storage_location"],
        "P11E-automation-scripts": ["automation_hooks[*].command"],
        "P11E-automation-outputs": ["automation_hooks[0]", "automation_hooks[3]"],
        "P11E-rollback-conditional": ["automation_hooks[*].trigger_point"],
        "P11E-prompts": ["validation_prompts[*].prompt_template"],
        "P11E-handoff-prompt": ["validation_prompts[*].prompt_template"],
        "P11E-error-templates": ["error_handling[*].error_message_template"],
    },
    "release-management": {
        "P11M-phase-topics": ["phases[*].phase_name"],
        "P11M-gates-named": ["phases[*].quality_gate.gate_name"],
        "P11M-step-halt": NEWEST_FORM_HALTS,
        "P11M-evidence-lists": ["phases[*].evidence_collection[*].evidence_item"],
        "P11M-telemetry-handoff": ["outputs_to[*].artifacts_provided"],
        "P11M-automation-scripts": ["automation_hooks[*].command"],
        "P11M-error-codes": ["error_handling[*].error_type"],
    },
}


def add_halts(form: dict) -> None:
    """halt_condition: the [MUST] steps the newest form leaves without one."""
    phases = form["phases"]
    phases[0]["steps"][1]["halt_condition"] = "Stop until every stakeholder of the release scope has confirmed."
    phases[1]["steps"][1]["halt_condition"] = "Stop if staging health checks fail."
    phases[3]["steps"][1]["halt_condition"] = "Stop until the release report is complete and filed."


def add_release_execution_entries(form: dict) -> None:
    """The entries the release-execution seed asks of the newest form, one group per omission."""
    phases = form["phases"]
    # phase_name: the seed's three phases among the four
    phases[0]["phase_name"] = "Release Readiness Verification and Approval"
    phases[2]["phase_name"] = "Controlled Production Deployment and Immediate Monitoring"
    phases[3]["phase_name"] = "Post-Release Validation and Documentation"
    # gate_name: Go/No-Go, Deployment Success (health metrics, rollback readiness), Post-Release Validation
    phases[0]["quality_gate"]["gate_name"] = "Go/No-Go Gate"
    phases[2]["quality_gate"]["gate_name"] = "Deployment Success Gate"
    phases[2]["quality_gate"]["criteria"] += " Health metrics stable and rollback readiness maintained."
    phases[3]["quality_gate"]["gate_name"] = "Post-Release Validation Gate"
    # halt_condition: halts on failed health checks and on failing validation
    phases[2]["steps"][2]["halt_condition"] = "Stop and initiate rollback if health checks fail or critical alerts fire."
    phases[3]["steps"][1]["halt_condition"] = "Stop if post-release validation fails; evaluate rollback or hotfix."
    # evidence_item / storage_location: audit, run log, health metrics, communications, a zipped bundle
    for phase, item, location in [
            (0, "Release readiness audit", "release-readiness-audit.json"),
            (2, "Deployment run log", "deployment-run-log.txt"),
            (3, "Deployment health metrics", "deployment-health-metrics.json"),
            (3, "Release communications", "release-communications.md"),
            (3, "Release evidence bundle", "release-evidence-bundle.zip")]:
        phases[phase]["evidence_collection"].append(
            {"evidence_item": item, "storage_location": f".artifacts/deployment/{location}"})
    # automation_hooks: validation_gates.py; outputs under .artifacts/deployment/; rollback only on failure
    form["automation_hooks"].insert(0, {
        "hook_name": "validation_gates.py", "trigger_point": "Phase 1 go/no-go gate",
        "command": "python scripts/validation_gates.py --gate release-readiness "
                   "--output .artifacts/deployment/release-readiness-audit.json",
        "expected_output": "release-readiness-audit.json with gate results"})
    hooks = {hook["hook_name"]: hook for hook in form["automation_hooks"]}
    hooks["deploy_backend.sh"]["expected_output"] = ".artifacts/deployment/deployment-run-log.txt with command results"
    hooks["rollback_backend.sh"]["trigger_point"] = "Phase 3: rollback only if the production deployment fails"
    hooks["rollback_backend.sh"]["expected_output"] = ".artifacts/deployment/rollback-log.txt with mitigation evidence"
    # prompt_template: a go/no-go prompt and a post-release prompt confirming the monitoring handoff
    form["validation_prompts"].insert(0, {
        "prompt_context": "Before production deployment",
        "prompt_template": "[GO/NO-GO] Prerequisites validated. Approve production deployment? (go/no-go)"})
    form["validation_prompts"].append({
        "prompt_context": "After post-release validation",
        "prompt_template": "[VALIDATION] Post-release checks completed. Confirm release ready for monitoring handoff? (yes/no)"})
    # error_message_template: missing prerequisites, deployment failure, validation failure
    errors = form["error_handling"]
    errors[0]["error_message_template"] = "[ERROR] Required release prerequisites missing or outdated."
    errors[1]["error_message_template"] = "[CRITICAL] Deployment failure detected: {error}."
    errors.append({"error_type": "ValidationFailure",
                   "error_message_template": "[ERROR] Post-release validation failed: {failing_checks}.",
                   "recovery_steps": "Evaluate rollback or hotfix; notify stakeholders."})


def add_release_management_entries(form: dict) -> None:
    """The entries the release-management seed asks of the newest form."""
    phases = form["phases"]
    # phase_name: a stabilization phase
    phases[3]["phase_name"] = "Release Stabilization and Documentation"
    # gate_name: Release Authorization (its criteria already name approvals and the rollback plan),
    # Production Deployment, Stabilization & Handoff
    phases[0]["quality_gate"]["gate_name"] = "Release Authorization Gate"
    phases[2]["quality_gate"]["gate_name"] = "Production Deployment Gate"
    phases[3]["quality_gate"]["gate_name"] = "Stabilization & Handoff Gate"
    # evidence_item, artifacts_provided: telemetry, handed to Protocol 12
    phases[3]["evidence_collection"].append({"evidence_item": "Stabilization telemetry snapshot",
                                             "storage_location": ".artifacts/deployment/telemetry-snapshot.json"})
    form["outputs_to"][0]["artifacts_provided"] += ", telemetry-snapshot.json"
    # command: the playbook's three scripts
    for script, trigger, output in [("release_gatekeeper.py", "Phase 1 release authorization", "release-authorization.json"),
                                    ("deployment_executor.py", "Phase 3 production deployment", "production-deployment-report.json"),
                                    ("stabilization_monitor.py", "Phase 4 health window", "telemetry-snapshot.json")]:
        form["automation_hooks"].append({
            "hook_name": script, "trigger_point": trigger,
            "command": f"python scripts/{script} --output .artifacts/deployment/{output}",
            "expected_output": output})
    # error_type: MissingApproval
    form["error_handling"].append({"error_type": "MissingApproval",
                                   "error_message_template": "[ERROR] Production approval not recorded.",
                                   "recovery_steps": "Request approval again; do not deploy."})


@needs_corpus()
@pytest.mark.parametrize("profile", sorted(NEWEST_FORM_OMISSIONS))
def test_newest_form_through_each_seed_stops_naming_what_the_seed_requires(tmp_path, profile):
    done = protolint("cycle", NEWEST_FORM, "--profile", profile, "-o", tmp_path / "p.md",
                     "--report", tmp_path / "r.json", "--project-root", PROJECT)
    assert done.returncode == 1
    assert done.stdout.strip().splitlines()[-1].startswith("STOP form omission")
    record = json.loads((tmp_path / "r.json").read_text())
    assert record["status"] == "form-omission"
    named: dict[str, list[str]] = {}
    for omission in record["omissions"]:
        named.setdefault(omission["rule"], []).append(omission["field"])
    assert named == NEWEST_FORM_OMISSIONS[profile]
    assert (tmp_path / "p.md").is_file()  # the best draft is kept


@needs_corpus()
@pytest.mark.parametrize("profile, add_entries", [("release-execution", add_release_execution_entries),
                                                  ("release-management", add_release_management_entries)])
def test_newest_form_with_the_named_entries_added_ends_pass(tmp_path, profile, add_entries):
    form = yaml.safe_load(NEWEST_FORM.read_text(encoding="utf-8"))
    add_halts(form)
    add_entries(form)
    copy = tmp_path / "protocol-input-form-11-deployment.yaml"
    copy.write_text(yaml.safe_dump(form, sort_keys=False, allow_unicode=True), encoding="utf-8")
    done = protolint("cycle", copy, "--profile", profile, "-o", tmp_path / "p.md", "--project-root", PROJECT)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.strip().splitlines()[-1].startswith("PASS")


@pytest.mark.parametrize("variant", ["no-guardrail", "no-quality-gates", "steps-without-markers",
                                     "unfenced-communication", "no-handoff-to-12"])
def test_fix_mends_failing_fixtures_to_pass(tmp_path, variant):
    target = tmp_path / "11-production-deployment.md"
    shutil.copy(PROTOCOLS / "release-execution" / "failing" / f"{variant}.md", target)
    done = protolint("check", target, "--fix", "--form", FORMS / "protocol-input-form-11-deployment-b999fbd.yaml",
                     "--project-root", PROJECT)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "fixed " in done.stderr


def test_reordering_is_unsafe_and_needs_consent(tmp_path):
    target = tmp_path / "11-production-deployment.md"
    shutil.copy(PROTOCOLS / "release-execution" / "failing" / "sections-out-of-order.md", target)
    form = FORMS / "protocol-input-form-11-deployment-b999fbd.yaml"
    done = protolint("check", target, "--fix", "--form", form, "--project-root", PROJECT)
    assert done.returncode == 1 and "rerun with --unsafe-fixes" in done.stderr
    diff = protolint("check", target, "--diff", "--unsafe-fixes", "--form", form)
    assert diff.returncode == 1 and diff.stdout.startswith("---")
    done = protolint("check", target, "--fix", "--unsafe-fixes", "--form", form, "--project-root", PROJECT)
    assert done.returncode == 0, done.stdout + done.stderr


def test_a_draft_the_fixers_cannot_mend_stops_with_the_reason(tmp_path):
    draft = tmp_path / "draft.md"
    text = (PROTOCOLS / "release-execution" / "11-production-deployment.md").read_text()
    draft.write_text(text.replace("You are a **Release Manager**.", "You are an assistant."))
    done = protolint("cycle", FORMS / "protocol-input-form-11-deployment-b999fbd.yaml", "--from", draft,
                     "-o", tmp_path / "out.md", "--project-root", PROJECT)
    assert done.returncode == 1
    last = done.stdout.strip().splitlines()[-1]
    assert last.startswith("STOP still failing") and "1 rule(s) still fail: P11E-persona (no fix)" in last
    assert "verdict alone would pass" not in last  # an error rule fails: the verdict fails too


def test_a_regenerator_that_changes_nothing_stalls(tmp_path):
    draft = tmp_path / "draft.md"
    text = (PROTOCOLS / "release-execution" / "11-production-deployment.md").read_text()
    draft.write_text(text.replace("You are a **Release Manager**.", "You are an assistant."))
    same = f"{sys.executable} -c \"import shutil,os; shutil.copy(os.environ['PROTOLINT_DRAFT'], os.environ['PROTOLINT_OUTPUT'])\""
    done = protolint("cycle", FORMS / "protocol-input-form-11-deployment-b999fbd.yaml", "--from", draft,
                     "-o", tmp_path / "out.md", "--regenerate-cmd", same, "--report", tmp_path / "r.json")
    assert done.returncode == 1
    assert done.stdout.strip().splitlines()[-1].startswith("STOP stall")
    assert len(json.loads((tmp_path / "r.json").read_text())["rounds"]) <= 2


def test_a_regenerator_that_repairs_the_draft_passes(tmp_path):
    draft = tmp_path / "draft.md"
    good = PROTOCOLS / "release-execution" / "11-production-deployment.md"
    draft.write_text(good.read_text().replace("You are a **Release Manager**.", "You are an assistant."))
    script = tmp_path / "repair.py"
    script.write_text("import sys\ntext = open(sys.argv[1]).read()\n"
                      "open(sys.argv[2], 'w').write(text.replace('You are an assistant.', "
                      "'You are a **Release Manager**.'))\n")
    done = protolint("cycle", FORMS / "protocol-input-form-11-deployment-b999fbd.yaml", "--from", draft,
                     "-o", tmp_path / "out.md", "--project-root", PROJECT,
                     "--regenerate-cmd", f"{sys.executable} {script} {{draft}} {{output}}")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "regenerator" in done.stdout


def test_a_failing_regenerator_is_reported_and_the_best_draft_kept(tmp_path):
    draft = tmp_path / "draft.md"
    draft.write_text((PROTOCOLS / "release-execution" / "11-production-deployment.md").read_text()
                     .replace("You are a **Release Manager**.", "You are an assistant."))
    done = protolint("cycle", FORMS / "protocol-input-form-11-deployment-b999fbd.yaml", "--from", draft,
                     "-o", tmp_path / "out.md", "--regenerate-cmd", f"{sys.executable} -c \"raise SystemExit(3)\"")
    assert done.returncode == 1
    assert "regenerator exited with status 3" in done.stdout
    assert (tmp_path / "out.md").read_text() == draft.read_text()


# Where the corpus protocol 15 (written by an agent from the newest form 11)
# departs from that form: other gate names, steps not carried over, other
# upstream artifacts, error codes and prompts rewritten.  Every layer is there (core passes); the form's items are not.
PROTOCOL_15_DEPARTURES = ["core-L3-duplicate-sections", "form-L2-gate-in-phase", "form-L2-gates", "form-L3-evidence",
                          "form-L3-hooks", "form-L3-inputs", "form-L3-outputs", "form-L3-step-details",
                          "form-L3-step-markers", "form-L4-errors", "form-L4-prompts"]


@needs_corpus()
def test_from_a_corpus_protocol_the_rest_is_handed_to_the_regenerator(tmp_path):
    """The seeds' real case: an agent wrote the protocol; protolint checks it
    against its form and hands what no fixer can mend to the regenerator."""
    draft = CORPUS / "protocols" / "15-production-deployment.md"
    received = tmp_path / "received"
    script = tmp_path / "regenerate.py"
    script.write_text("import os, shutil, sys\n"
                      "os.makedirs(sys.argv[1], exist_ok=True)\n"
                      "for name in ('DRAFT', 'REPORT', 'FORM'):\n"
                      "    shutil.copy(os.environ['PROTOLINT_' + name], os.path.join(sys.argv[1], name))\n"
                      "shutil.copy(os.environ['PROTOLINT_DRAFT'], os.environ['PROTOLINT_OUTPUT'])\n")
    out, record = tmp_path / "15-production-deployment.md", tmp_path / "rounds.json"
    done = protolint("cycle", NEWEST_FORM, "--profile", "generic", "--from", draft, "-o", out,
                     "--report", record, "--regenerate-cmd", f"{sys.executable} {script} {received}")
    assert done.returncode == 1
    last = done.stdout.strip().splitlines()[-1]
    assert last.startswith("STOP stall") and "already seen" in last  # it handed back the same draft
    rounds = json.loads(record.read_text())["rounds"]
    # Its handoff announces completion only in bold prose: the fixers add the form's fenced announcement.
    assert [r["action"] for r in rounds] == ["draft", "fixers"]
    assert rounds[0]["failing"] == ["blueprint-L4-completion", *PROTOCOL_15_DEPARTURES]
    assert [a["rule"] for a in rounds[0]["applied"]] == ["blueprint-L4-completion"]
    assert rounds[1]["failing"] == PROTOCOL_15_DEPARTURES
    assert rounds[0]["layers"]["L1"] == 100  # role, mission and guardrail are there
    # the regenerator got the mended draft, the form, and a report naming every departure
    original, mended = draft.read_text(encoding="utf-8"), out.read_text(encoding="utf-8")
    changes = [line for line in difflib.ndiff(original.splitlines(), mended.splitlines()) if line[:2] in ("+ ", "- ")]
    assert [line for line in changes if line.strip() not in ("+", "+ ```")] == [  # nothing else added, nothing lost
        "+ [PROTOCOL COMPLETE] - Production deployment finalized. Ready for Protocol 12 (Monitoring & Observability)."]
    assert (received / "DRAFT").read_text(encoding="utf-8") == mended
    assert (received / "FORM").read_bytes() == NEWEST_FORM.read_bytes()
    report = json.loads((received / "REPORT").read_text())
    assert {f["rule"] for f in report["result"]["findings"]} == set(PROTOCOL_15_DEPARTURES)


@needs_corpus()
def test_from_a_corpus_protocol_the_fixers_mend_what_the_form_gives(tmp_path):
    """Through the release-execution seed: the form's completion command is added
    to the handoff; the seed's workflow section is not added a second time beside
    the protocol's own `## 3. WORKFLOW`; what the seed asks and the form lacks
    ends the cycle as a form omission."""
    draft = CORPUS / "protocols" / "15-production-deployment.md"
    out, record = tmp_path / "15-production-deployment.md", tmp_path / "rounds.json"
    done = protolint("cycle", NEWEST_FORM, "--profile", "release-execution", "--from", draft, "-o", out,
                     "--report", record, "--project-root", PROJECT)
    assert done.returncode == 1
    assert done.stdout.strip().splitlines()[-1].startswith("STOP form omission")
    first, second = json.loads(record.read_text())["rounds"]
    assert [a["rule"] for a in first["applied"]] == ["P11E-completion-command"]
    assert second["fixed"] == ["P11E-completion-command"] and second["score"] > first["score"]
    declined = {u["rule"]: u["why"] for u in first["unavailable"]}
    assert "'3. WORKFLOW' (line 45)" in declined["P11E-sections-present"]
    original, mended = draft.read_text(encoding="utf-8"), out.read_text(encoding="utf-8")
    added = "[PROTOCOL COMPLETE] - Production deployment finalized. Ready for Protocol 12"
    assert added in mended and mended.replace(mended[mended.index("```\n" + added):], "") in original
    assert mended.count("WORKFLOW\n") == original.count("WORKFLOW\n")


@needs_corpus()
@pytest.mark.parametrize("name", ["6-technical-design", "7-environment", "12-monitoring"])
def test_corpus_forms_cycle_to_pass_with_the_generic_profile(tmp_path, name):
    done = protolint("cycle", CORPUS / "forms" / f"protocol-input-form-{name}.yaml", "--profile", "generic",
                     "-o", tmp_path / "p.md")
    assert done.returncode == 0, done.stdout + done.stderr


@needs_corpus()
@pytest.mark.parametrize("name", ["9-integration", "10-staging", "16-documentation"])
def test_corpus_forms_that_write_aio_role_are_read_and_say_so(tmp_path, name):
    """The project's own forms spell the role `aio_role`: a known alias, read as
    `ai_role` with a note at its line, not refused."""
    form = CORPUS / "forms" / f"protocol-input-form-{name}.yaml"
    done = protolint("cycle", form, "--profile", "generic", "-o", tmp_path / "p.md")
    assert done.returncode in (0, 1), done.stderr
    assert f"{form}:7: note: aio_role read as ai_role" in done.stderr
    assert (tmp_path / "p.md").exists()


def test_a_fix_the_form_cannot_supply_names_the_missing_field():
    from protolint.fix import fix_text
    from protolint.form import load_form
    from protolint.packs import PackLoader

    path = PROTOCOLS / "release-execution" / "failing" / "no-handoff-to-12.md"
    form = load_form(FORMS / "protocol-input-form-11-deployment-3d628b3.yaml")  # has no handoff_command
    report = fix_text(path.read_text(), str(path), PackLoader().load("protocol-11-release-execution"), form)
    assert report.form_fields["P11E-completion-command"] == "handoff_command"
    assert "handoff_command" in report.unavailable["P11E-completion-command"]


def test_a_missing_section_is_not_added_beside_one_of_the_same_kind():
    """`## 4. GATES` may be the QUALITY GATES under another name: the fixer says
    so instead of adding a second gates section."""
    from protolint.fix import fix_text
    from protolint.form import load_form
    from protolint.packs import PackLoader

    path = PROTOCOLS / "release-execution" / "11-production-deployment.md"
    text = path.read_text().replace("## 4. QUALITY GATES", "## 4. GATES")
    form = load_form(FORMS / "protocol-input-form-11-deployment-b999fbd.yaml")
    report = fix_text(text, str(path), PackLoader().load("protocol-11-release-execution"), form)
    assert report.text.count("GATES\n") == 1
    assert "the draft has section '4. GATES' (line 130); if it is the QUALITY GATES, rename it" \
        in report.unavailable["P11E-sections-present"]


def test_fix_leaves_what_a_suppression_comment_hides(tmp_path):
    target = tmp_path / "11-production-deployment.md"
    text = (PROTOCOLS / "release-execution" / "failing" / "unfenced-communication.md").read_text()
    target.write_text("<!-- protolint-disable-file P11E-communication-fenced, core-L4-templates-fenced, form-L4-prompts -->\n"
                      + text)
    done = protolint("check", target, "--fix", "--form", FORMS / "protocol-input-form-11-deployment-b999fbd.yaml",
                     "--project-root", PROJECT)
    assert done.returncode == 0, done.stdout + done.stderr
    assert target.read_text().endswith(text) and "fixed " not in done.stderr


@pytest.mark.parametrize("command", [["cycle", "{form}"], ["check", "{protocol}", "--form", "{form}"]])
def test_an_invalid_form_is_one_placed_line_per_problem(tmp_path, command):
    form = tmp_path / "form.yaml"
    form.write_text('protocol_number: "11"\nprotocol_name: "x"\nai_rol: "Architect"\nphases: []\n', encoding="utf-8")
    places = {"form": str(form), "protocol": str(PROTOCOLS / "release-execution" / "11-production-deployment.md")}
    done = protolint(*[arg.format(**places) for arg in command], cwd=tmp_path)
    assert done.returncode == 2
    lines = done.stderr.splitlines()
    assert f"{form}:3: error: ai_rol is not a form field; did you mean 'ai_role'?" in lines
    assert f"{form}:4: error: phases is empty: list at least one" in lines
    assert all(line.startswith(f"{form}:") for line in lines)


def test_a_fix_that_does_not_mend_its_rule_is_not_kept_and_the_form_is_named(tmp_path):
    """The form's guardrail is inserted only if it is what the rule asks for;
    one without approval and rollback leaves the draft alone and names the field."""
    form = yaml.safe_load((FORMS / "protocol-input-form-11-deployment-b999fbd.yaml").read_text(encoding="utf-8"))
    form["primary_guardrail"] = "Be careful in production."
    copy = tmp_path / "form.yaml"
    copy.write_text(yaml.safe_dump(form, sort_keys=False), encoding="utf-8")
    draft = PROTOCOLS / "release-execution" / "failing" / "no-guardrail.md"
    done = protolint("cycle", copy, "--from", draft, "-o", tmp_path / "out.md", "--report", tmp_path / "r.json",
                     "--project-root", PROJECT)
    assert done.returncode == 1
    record = json.loads((tmp_path / "r.json").read_text())
    assert record["status"] == "form-omission"
    assert {o["rule"]: o["field"] for o in record["omissions"]} == {"P11E-guardrail": "primary_guardrail"}
    # the general bold-guardrail rule is mended by the form's text; the seed's, which wants approval
    # and rollback in it, is not, and its fix is not kept
    assert [a["rule"] for r in record["rounds"] for a in r["applied"]] == ["core-L1-guardrail"]
    unavailable = {u["rule"]: u["why"] for r in record["rounds"] for u in r["unavailable"]}
    assert unavailable["P11E-guardrail"].endswith("was not kept: the rule still fails")
    assert (tmp_path / "out.md").read_text().count("Be careful in production.") == 1


def test_a_fix_that_would_break_a_passing_rule_is_not_kept(tmp_path):
    from protolint.fix import fix_text
    from protolint.packs import PackLoader

    pack = tmp_path / "pack.yaml"
    pack.write_text("""\
pack: owners
layers: {L1: {name: System-Level Decisions}}
rules:
  - id: owner-named
    layer: L1
    summary: The mission names an owner
    message: No owner
    in: {section: AI ROLE AND MISSION}
    check: contains
    pattern: 'Owner:'
    fix: {action: insert, at: after_heading, text: "Owner: TODO"}
  - id: no-placeholders
    layer: L1
    summary: No TODO left
    message: A TODO is left
    in: {select: document}
    check: absent
    text: TODO
""", encoding="utf-8")
    text = "# PROTOCOL 1: X\n\n## 1. AI ROLE AND MISSION\n\nYou are a **Release Manager**.\n"
    report = fix_text(text, "p.md", PackLoader().load(str(pack)))
    assert report.text == text and report.applied == []
    assert report.unavailable["owner-named"].endswith("was not kept: it would break no-placeholders")


WARNING_PACK = """\
pack: warnings-only
threshold: 50
layers: {L1: {name: System-Level Decisions}}
rules:
  - id: role-named
    layer: L1
    severity: error
    summary: The mission names a role
    message: No role
    in: {section: AI ROLE AND MISSION}
    check: contains
    pattern: 'You are'
  - id: owner-named
    layer: L1
    severity: warning
    summary: The mission names an owner
    message: No owner
    in: {section: AI ROLE AND MISSION}
    check: contains
    pattern: 'Owner:'
"""


def test_a_draft_whose_verdict_passes_while_a_warning_fails_is_not_a_pass(tmp_path):
    """The pack's verdict passes (no error, score over the threshold), yet a
    warning rule fails and nothing can mend it: the loop names the rule."""
    from protolint.cycle import run_cycle
    from protolint.form import load_form

    pack = tmp_path / "pack.yaml"
    pack.write_text(WARNING_PACK, encoding="utf-8")
    draft = "# PROTOCOL 11: X\n\n## 1. AI ROLE AND MISSION\n\nYou are a **Release Manager**.\n"
    outcome = run_cycle(load_form(FORMS / "protocol-input-form-11-deployment-b999fbd.yaml"), str(pack), draft,
                        action="draft")
    assert outcome.result.passed  # what `protolint check` would say
    assert outcome.status == "still-failing" and not outcome.passed
    assert outcome.reason.startswith("1 rule(s) still fail: owner-named (no fix); no fix or form field can supply them")
    assert outcome.reason.endswith("(the pack's verdict alone would pass: score 50, no error rule fails)")


@needs_corpus()
def test_form_9_with_its_role_corrected_stops_naming_the_rules_still_failing(tmp_path):
    """The issue's case: the verdict passed at 96.4 with two rules failing, and the
    cycle said PASS "every check passes".  Now the last line names both rules."""
    form = tmp_path / "protocol-input-form-9-integration.yaml"
    form.write_text((CORPUS / "forms" / "protocol-input-form-9-integration.yaml").read_text(encoding="utf-8")
                    .replace("aio_role:", "ai_role:"), encoding="utf-8")
    done = protolint("cycle", form, "-o", tmp_path / "p.md", "--report", tmp_path / "r.json")
    assert done.returncode == 1, done.stdout + done.stderr
    last = done.stdout.strip().splitlines()[-1]
    # No hooks and no handoff_command: no AUTOMATION HOOKS section, no completion announcement, and the
    # cycle names both fields; the core rules it cannot trace to a field are named with why.
    assert last.endswith("the form lacks what the pack requires; add: handoff_command, automation_hooks; "
                         "3 other rule(s) still fail: core-L3-automation-fenced (no fix), "
                         "core-L3-automation-hooks (no fix), core-L4-error-templates (no fix)")
    record = json.loads((tmp_path / "r.json").read_text())
    assert {o["rule"]: o["field"] for o in record["omissions"]} == {
        "blueprint-L4-completion": "handoff_command", "blueprint-L3-sections": "automation_hooks"}


@pytest.mark.parametrize("profile, rule", [("generic", "blueprint-L3-sections"),
                                           ("release-execution", "P11E-sections-present")])
def test_a_form_without_hooks_gets_no_empty_section_and_the_cycle_names_the_field(tmp_path, profile, rule):
    form = yaml.safe_load(form_with_halts(FORMS / "protocol-input-form-11-deployment-b999fbd.yaml", tmp_path)
                          .read_text(encoding="utf-8"))
    form["automation_hooks"] = []
    copy = tmp_path / "form.yaml"
    copy.write_text(yaml.safe_dump(form, sort_keys=False), encoding="utf-8")
    done = protolint("cycle", copy, "--profile", profile, "-o", tmp_path / "p.md", "--report", tmp_path / "r.json")
    assert done.returncode == 1
    assert "AUTOMATION HOOKS" not in (tmp_path / "p.md").read_text(encoding="utf-8")
    omissions = json.loads((tmp_path / "r.json").read_text())["omissions"]
    assert {"rule": rule, "field": "automation_hooks",
            "detail": "the form gives nothing for section 'automation hooks': add automation_hooks"} in omissions
