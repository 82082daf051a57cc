"""The composite GitHub Action (action.yml), run as far as it runs off GitHub.

Each `run:` step is taken from action.yml as written and run the way the runner
runs a `shell: bash` step (`bash --noprofile --norc -eo pipefail FILE`), with
the environment the runner would give it: the step's `env:` mapping with
`${{ inputs.* }}` resolved from the inputs a workflow passes (or the action's
defaults), GITHUB_ACTIONS=true, GITHUB_ACTION_PATH, GITHUB_STEP_SUMMARY.  The
`python` step output is the Python protolint is installed in: this test
suite's own, and in the slow test a fresh venv the install step fills.

Not exercised here: the GitHub runner itself — its expression engine beyond
those `${{ }}` forms, actions/setup-python, and how GitHub renders the
annotations and the job summary.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import venv
from pathlib import Path

import pytest
import yaml

from conftest import PROTOCOLS, ROOT
from test_formats import annotations, sarif_errors

ACTION = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
EXPRESSION = re.compile(r"^\$\{\{\s*([\w.-]+)\s*\}\}$")
PASSING = PROTOCOLS / "release-execution" / "11-production-deployment.md"
FAILING = PROTOCOLS / "release-execution" / "failing" / "no-guardrail.md"


def step(name: str) -> dict:
    return next(s for s in ACTION["runs"]["steps"] if s.get("name") == name)


def step_env(spec: dict, inputs: dict[str, str], python: str) -> dict[str, str]:
    """The step's env: as the runner evaluates it, for the forms action.yml uses."""
    unknown = set(inputs) - set(ACTION["inputs"])
    assert not unknown, f"not inputs of the action: {unknown}"
    values = {f"inputs.{name}": str(inputs.get(name, spec.get("default", "")))
              for name, spec in ACTION["inputs"].items()}
    values["steps.python.outputs.python-path"] = python
    env = {}
    for key, expression in spec.get("env", {}).items():
        match = EXPRESSION.match(str(expression))
        assert match and match.group(1) in values, f"{key}: {expression} is not an expression this test resolves"
        env[key] = values[match.group(1)]
    return env


def run_step(name: str, workspace: Path, inputs: dict[str, str] | None = None, python: str = sys.executable,
             trace: bool = False) -> subprocess.CompletedProcess:
    spec = step(name)
    assert spec["shell"] == "bash"
    script = workspace.parent / f"{name.replace(' ', '-')}.sh"
    script.write_text(spec["run"], encoding="utf-8")
    env = {
        "PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", str(workspace)),
        "GITHUB_ACTIONS": "true", "GITHUB_WORKSPACE": str(workspace), "GITHUB_ACTION_PATH": str(ROOT),
        "GITHUB_STEP_SUMMARY": str(workspace.parent / "step-summary.md"),
        **step_env(spec, inputs or {}, python),
    }
    shell = ["bash", "--noprofile", "--norc", "-eo", "pipefail"] + (["-x"] if trace else [])
    return subprocess.run([*shell, str(script)], cwd=workspace, env=env, capture_output=True, text=True,
                          timeout=600)


@pytest.fixture
def workspace(tmp_path) -> Path:
    """A repository checkout with one protocol that passes and one that fails."""
    root = tmp_path / "workspace"
    (root / "protocols" / "good").mkdir(parents=True)
    (root / "protocols" / "bad").mkdir()
    shutil.copy(PASSING, root / "protocols" / "good" / "11-production-deployment.md")
    shutil.copy(FAILING, root / "protocols" / "bad" / "11-production-deployment.md")
    return root


def test_inputs_reach_scripts_only_through_the_environment():
    for spec in ACTION["runs"]["steps"]:
        assert "${{" not in spec.get("run", ""), spec.get("name")
    assert {"paths", "packs", "form", "fail-on", "sarif"} <= set(ACTION["inputs"])
    assert ACTION["inputs"]["paths"]["default"] == "." and ACTION["inputs"]["fail-on"]["default"] == "error"
    assert '"$GITHUB_ACTION_PATH"' in step("Install protolint")["run"]


def test_passing_protocol_passes(workspace):
    result = run_step("Check protocols", workspace, {"paths": "protocols/good"})
    assert result.returncode == 0, result.stderr
    assert annotations(result.stdout) == []
    assert "PASS  protocols/good/11-production-deployment.md" in result.stdout
    assert "✅ PASS" in (workspace.parent / "step-summary.md").read_text(encoding="utf-8")


def test_default_paths_check_the_whole_workspace_and_fail_with_annotations(workspace):
    result = run_step("Check protocols", workspace)
    assert result.returncode == 1
    found = annotations(result.stdout)
    assert ("error", "protocols/bad/11-production-deployment.md", "P11E-guardrail") in \
        [(kind, props["file"], props["title"]) for kind, props, _ in found]
    assert "PASS  protocols/good/" in result.stdout and "FAIL  protocols/bad/" in result.stdout


def test_fail_on_never_reports_but_passes(workspace):
    result = run_step("Check protocols", workspace, {"fail-on": "never"})
    assert result.returncode == 0 and annotations(result.stdout)


def test_several_paths_and_packs_separated_by_spaces_and_newlines(workspace):
    inputs = {"paths": "protocols/good\n  protocols/bad ", "packs": "core\nprotocol-11-release-execution"}
    result = run_step("Check protocols", workspace, inputs)
    assert result.returncode == 1
    verdicts = [line for line in result.stdout.splitlines() if line.startswith(("PASS", "FAIL"))]
    assert len(verdicts) == 2
    assert all("pack core + protocol-11-release-execution" in line for line in verdicts)


def test_sarif_input_writes_sarif_and_prints_each_finding_once(workspace):
    result = run_step("Check protocols", workspace, {"sarif": "protolint.sarif"})
    assert result.returncode == 1
    document = json.loads((workspace / "protolint.sarif").read_text(encoding="utf-8"))
    assert sarif_errors(document) == []
    results = document["runs"][0]["results"]
    assert results
    got = [(props["file"], props["title"], int(props["line"])) for _, props, _ in annotations(result.stdout)]
    expected = [(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"], r["ruleId"],
                 r["locations"][0]["physicalLocation"]["region"]["startLine"]) for r in results]
    assert got == expected  # one annotation per finding, none twice, no SARIF on stdout
    assert "$schema" not in result.stdout


def invocation(trace: str) -> str:
    """The protolint command line as bash -x shows it."""
    (line,) = [line for line in trace.splitlines() if line.startswith("+ exec ")]
    return line


def test_form_is_passed_only_when_given(workspace):
    with_form = run_step("Check protocols", workspace, {"form": "forms/input form.yaml"}, trace=True)
    assert invocation(with_form.stderr).endswith(
        "-m protolint check --fail-on error --form 'forms/input form.yaml' --format github -- .")
    without = run_step("Check protocols", workspace, trace=True)
    assert invocation(without.stderr).endswith("-m protolint check --fail-on error --format github -- .")


def test_inputs_cannot_inject_shell(workspace):
    hostile_paths = run_step("Check protocols", workspace, {
        "paths": '"; touch injected1; echo " $(touch${IFS}injected2) `touch${IFS}injected3`',
        "sarif": "out.sarif; touch injected4"})
    assert hostile_paths.returncode == 2  # no such files: nothing could be checked
    missing = {props["file"] for _, props, _ in annotations(hostile_paths.stdout)}
    assert missing == {'";', "touch", "injected1;", "echo", '"', "$(touch${IFS}injected2)", "`touch${IFS}injected3`"}
    hostile_pack = run_step("Check protocols", workspace, {"packs": "$(touch${IFS}injected5)"})
    assert hostile_pack.returncode == 2
    assert "unknown pack '$(touch${IFS}injected5)'" in hostile_pack.stderr
    assert not list(workspace.glob("injected*"))


@pytest.mark.slow
def test_install_step_then_check_in_a_fresh_python(workspace, tmp_path):
    """The install step for real: pip installs protolint from the action's path
    into a Python that has never seen it, and the check step runs with it."""
    fresh = tmp_path / "python"
    venv.create(fresh, with_pip=True)
    python = str(fresh / "bin" / "python")
    installed = run_step("Install protolint", workspace, python=python)
    assert installed.returncode == 0, installed.stderr
    result = run_step("Check protocols", workspace, {"paths": "protocols/bad", "sarif": "out.sarif"}, python=python)
    assert result.returncode == 1
    assert any(props["title"] == "P11E-guardrail" for _, props, _ in annotations(result.stdout))
    assert sarif_errors(json.loads((workspace / "out.sarif").read_text(encoding="utf-8"))) == []
