"""The circular workflow end to end, through the real CLI: generate, check,
refine, and the honest stops (form omission, stall, regenerator)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest

from conftest import CORPUS, FIXTURES, PROTOCOLS, ROOT, needs_corpus

FORMS = FIXTURES / "forms"
PROJECT = FIXTURES / "project"


def protolint(*args, cwd=ROOT):
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "200"}
    return subprocess.run([sys.executable, "-m", "protolint", *map(str, args)], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("version, profile", [("b999fbd", "release-execution"),
                                              ("3d628b3", "release-management")])
def test_each_seed_with_its_form_version_ends_pass(tmp_path, version, profile):
    out, report = tmp_path / "protocol.md", tmp_path / "rounds.json"
    done = protolint("cycle", FORMS / f"protocol-input-form-11-deployment-{version}.yaml", "--profile", profile,
                     "-o", out, "--report", report, "--project-root", PROJECT)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.strip().splitlines()[-1].startswith("PASS")
    record = json.loads(report.read_text())
    assert record["status"] == "pass" and record["rounds"][-1]["failing"] == []
    assert out.read_text().startswith("# PROTOCOL 11")


@needs_corpus()
def test_newest_form_through_the_execution_seed_stops_on_a_form_omission(tmp_path):
    done = protolint("cycle", CORPUS / "forms" / "protocol-input-form-11-deployment.yaml",
                     "--profile", "release-execution", "-o", tmp_path / "p.md", "--report", tmp_path / "r.json")
    assert done.returncode == 1
    last = done.stdout.strip().splitlines()[-1]
    assert last.startswith("STOP form omission")
    record = json.loads((tmp_path / "r.json").read_text())
    fields = {o["field"] for o in record["omissions"]}
    # the seed's gates, scripts and error templates are not in this form
    assert {"phases[*].quality_gate.gate_name", "automation_hooks[*].command",
            "error_handling[*].error_message_template"} <= fields
    assert (tmp_path / "p.md").is_file()  # the best draft is kept


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
    assert last.startswith("STOP stall") and "P11E-persona" in last


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


@needs_corpus()
@pytest.mark.parametrize("name", ["6-technical-design", "7-environment", "12-monitoring"])
def test_corpus_forms_cycle_to_pass_with_the_generic_profile(tmp_path, name):
    done = protolint("cycle", CORPUS / "forms" / f"protocol-input-form-{name}.yaml", "--profile", "generic",
                     "-o", tmp_path / "p.md")
    assert done.returncode == 0, done.stdout + done.stderr


@needs_corpus()
@pytest.mark.parametrize("name", ["9-integration", "10-staging"])
def test_corpus_forms_with_a_misspelled_role_are_refused_precisely(tmp_path, name):
    done = protolint("cycle", CORPUS / "forms" / f"protocol-input-form-{name}.yaml", "--profile", "generic",
                     "-o", tmp_path / "p.md")
    assert done.returncode == 2
    assert "ai_role is missing (line 7 has 'aio_role': misspelled?)" in done.stderr
    assert not (tmp_path / "p.md").exists()


def test_a_fix_the_form_cannot_supply_names_the_missing_field():
    from protolint.fix import fix_text
    from protolint.form import load_form
    from protolint.packs import PackLoader

    path = PROTOCOLS / "release-execution" / "failing" / "no-handoff-to-12.md"
    form = load_form(FORMS / "protocol-input-form-11-deployment-3d628b3.yaml")  # has no handoff_command
    report = fix_text(path.read_text(), str(path), PackLoader().load("protocol-11-release-execution"), form)
    assert report.form_fields["P11E-completion-command"] == "handoff_command"
    assert "handoff_command" in report.unavailable["P11E-completion-command"]
