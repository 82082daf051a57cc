"""The hooks of .pre-commit-hooks.yaml, `protolint` and `protolint-fix`, run by
real pre-commit the way a user's repository runs them: a `.pre-commit-config.yaml`
naming this checkout as `repo:` at a commit `rev:`, `pre-commit run --all-files`.

pre-commit clones `repo` at `rev` and pip-installs it into a fresh environment,
so the hook runs the code of that commit.  A clean checkout is used as it is, at
HEAD (as CI sees it).  A checkout with uncommitted changes is first copied into
a throw-away repository and committed there, so the hook runs the code under
test rather than the last commit.  (`pre-commit try-repo` does similar, but
leaves out untracked files and never reads a user's config file.)

Needs git and PyPI (for the hook environment's dependencies); about a minute,
most of it pip building that environment.  Both hooks come from the same repo
and rev, so they share one environment: the tests share pre-commit's cache.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import FIXTURES, PROTOCOLS, ROOT, without_expectations

pytestmark = pytest.mark.slow

PASSING = PROTOCOLS / "release-execution" / "11-production-deployment.md"
FAILING = PROTOCOLS / "release-execution" / "failing" / "no-guardrail.md"
FORM = FIXTURES / "forms" / "protocol-input-form-11-deployment-b999fbd.yaml"
GIT = ["git", "-c", "user.name=protolint tests", "-c", "user.email=tests@protolint.invalid",
       "-c", "commit.gpgsign=false", "-c", "init.defaultBranch=main"]


def git(*args, cwd: Path) -> str:
    return subprocess.run([*GIT, *args], cwd=cwd, check=True, capture_output=True, text=True,
                          timeout=120).stdout


def hook_repository(scratch: Path) -> tuple[Path, str]:
    """(repo, rev) holding the working tree as it is now, hooks file included."""
    try:
        dirty = git("status", "--porcelain", "--untracked-files=all", cwd=ROOT)
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("not a git checkout: pre-commit installs hooks from a git repository")
    if not dirty:
        return ROOT, git("rev-parse", "HEAD", cwd=ROOT).strip()
    snapshot = scratch / "hook-repo"
    listed = git("ls-files", "--cached", "--others", "--exclude-standard", "-z", cwd=ROOT).split("\0")
    for name in filter(None, listed):
        source = ROOT / name
        if source.is_file():  # a tracked file deleted in the working tree stays out
            (snapshot / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, snapshot / name)
    git("init", "--quiet", cwd=snapshot)
    git("add", "--all", cwd=snapshot)
    git("commit", "--quiet", "--message", "working tree under test", cwd=snapshot)
    return snapshot, git("rev-parse", "HEAD", cwd=snapshot).strip()


@dataclass(frozen=True)
class Hooks:
    repo: Path
    rev: str
    env: dict[str, str]
    """pre-commit's environment: its cache (PRE_COMMIT_HOME) holds the built hook environment."""


@pytest.fixture(scope="module")
def hooks(tmp_path_factory) -> Hooks:
    """The hook repository and one pre-commit cache for the module: the hook
    environment is built once."""
    scratch = tmp_path_factory.mktemp("hooks")
    repo, rev = hook_repository(scratch)
    return Hooks(repo, rev, {**os.environ, "PRE_COMMIT_HOME": str(scratch / "pre-commit-home"),
                             "NO_COLOR": "1", "PRE_COMMIT_COLOR": "never"})


def user_repository(path: Path, hooks: Hooks, hook: str) -> Path:
    """A git repository whose .pre-commit-config.yaml runs `hook` on protocols/."""
    (path / "protocols").mkdir(parents=True)
    git("init", "--quiet", cwd=path)
    (path / ".pre-commit-config.yaml").write_text(
        f"repos:\n"
        f"  - repo: {hooks.repo}\n"
        f"    rev: {hooks.rev}\n"
        f"    hooks:\n"
        f"      - id: {hook}\n"
        f"        files: ^protocols/\n",
        encoding="utf-8")
    return path


def pre_commit_run(project: Path, hooks: Hooks) -> subprocess.CompletedProcess:
    """Stage everything, as a user does before committing, and run the configured hooks."""
    git("add", "--all", cwd=project)
    return subprocess.run([sys.executable, "-m", "pre_commit", "run", "--all-files"], cwd=project,
                          env=hooks.env, capture_output=True, text=True, timeout=900)


def test_protolint_hook_fails_a_failing_protocol_and_passes_a_passing_one(tmp_path, hooks):
    project = user_repository(tmp_path / "project", hooks, "protolint")
    (project / "README.md").write_text("# Not a protocol\n\nLeft alone: the hook is narrowed to protocols/.\n",
                                       encoding="utf-8")
    protocol = project / "protocols" / "11-production-deployment.md"

    shutil.copy(FAILING, protocol)
    failing = pre_commit_run(project, hooks)
    assert failing.returncode == 1, failing.stdout + failing.stderr
    assert "protolint" in failing.stdout and "Failed" in failing.stdout
    assert "protocols/11-production-deployment.md:5:1  error    P11E-guardrail" in failing.stdout
    assert "README.md" not in failing.stdout

    shutil.copy(PASSING, protocol)
    passing = pre_commit_run(project, hooks)
    assert passing.returncode == 0, passing.stdout + passing.stderr
    assert "Passed" in passing.stdout


def test_fix_hook_mends_the_protocol_fails_that_run_and_passes_the_next(tmp_path, hooks):
    """pre-commit's convention for a hook that rewrites files: the run that
    changed them fails, so the user sees and stages the change; the next passes.
    The hook takes no arguments: the form the fix needs comes from protolint.yaml."""
    project = user_repository(tmp_path / "project", hooks, "protolint-fix")
    (project / "forms").mkdir()
    shutil.copy(FORM, project / "forms" / FORM.name)
    (project / "protolint.yaml").write_text(f"form: forms/{FORM.name}\n", encoding="utf-8")
    protocol = project / "protocols" / "11-production-deployment.md"
    protocol.write_text(without_expectations(FAILING.read_text(encoding="utf-8")), encoding="utf-8")

    fixing = pre_commit_run(project, hooks)
    assert fixing.returncode == 1, fixing.stdout + fixing.stderr
    assert "protolint (fix)" in fixing.stdout and "Failed" in fixing.stdout
    assert "files were modified by this hook" in fixing.stdout
    assert "exit code" not in fixing.stdout  # protolint passed the mended file: the change alone fails the run
    assert "protocols/11-production-deployment.md: fixed core-L1-guardrail" in fixing.stdout
    # the form's guardrail inserted where it belongs: the fixture that passes, byte for byte
    assert protocol.read_text(encoding="utf-8") == PASSING.read_text(encoding="utf-8")

    again = pre_commit_run(project, hooks)
    assert again.returncode == 0, again.stdout + again.stderr
    assert "Passed" in again.stdout
    assert protocol.read_text(encoding="utf-8") == PASSING.read_text(encoding="utf-8")
