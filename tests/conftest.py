"""Shared paths and helpers for the test suite."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from protolint.packs import PackLoader

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "fixtures"
PROTOCOLS = FIXTURES / "protocols"
CORPUS = ROOT.parent / "shared" / "corpus" / "supertemplate"


@pytest.fixture(scope="session")
def loader() -> PackLoader:
    return PackLoader()


def protolint(*args, cwd=ROOT, env=None) -> subprocess.CompletedProcess:
    """The command line as users run it, in a real subprocess."""
    environment = {**os.environ, "NO_COLOR": "1", "COLUMNS": "200", **(env or {})}
    return subprocess.run([sys.executable, "-m", "protolint", *map(str, args)], cwd=cwd,
                          capture_output=True, text=True, env=environment, timeout=60)


def init_repository(path: Path) -> Path:
    """A git repository at `path`: where config discovery stops, and what .gitignore applies to."""
    path.mkdir(parents=True, exist_ok=True)
    if shutil.which("git"):
        subprocess.run(["git", "init", "-q", str(path)], check=True)
    else:
        (path / ".git").mkdir()
    return path


def needs_corpus() -> pytest.MarkDecorator:
    return pytest.mark.skipif(not CORPUS.is_dir(), reason=f"corpus not present at {CORPUS}")


@pytest.fixture(autouse=True)
def outside_github_actions(monkeypatch):
    """Under GitHub Actions protolint defaults to annotations and writes a step
    summary; tests start from a plain terminal wherever they run and opt in."""
    for name in ("GITHUB_ACTIONS", "GITHUB_STEP_SUMMARY"):
        monkeypatch.delenv(name, raising=False)


def form_with_halts(source: Path, directory: Path) -> Path:
    """A copy of a form in which every [MUST] step states a halt condition: the
    bundled Protocol 11 forms leave some empty, and the seeds want one per
    mandatory action, so as they stand the cycle stops naming those fields."""
    import yaml

    form = yaml.safe_load(source.read_text(encoding="utf-8"))
    for phase in form["phases"]:
        for step in phase["steps"]:
            if step["action_type"] == "MUST" and not step.get("halt_condition"):
                step["halt_condition"] = f"Stop if {step['action_title'].lower()} cannot be completed."
    copy = directory / source.name
    copy.write_text(yaml.safe_dump(form, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return copy


# Fuzzing (tests/test_fuzz.py, tests/test_backends.py): a few dozen examples per
# test in `make test`, the same ones every run (CI passes or fails on the code,
# not on the draw); thousands, freshly drawn, in `make fuzz`
# (--hypothesis-profile=fuzz).  No deadline: the machine is shared, and a slow
# example is not a failure.
settings.register_profile("bounded", max_examples=25, deadline=None, derandomize=True,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
settings.register_profile("fuzz", max_examples=2000, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
settings.load_profile("bounded")
