"""The `protolint` hook of .pre-commit-hooks.yaml, run by real pre-commit the way a
user's repository runs it: a `.pre-commit-config.yaml` naming this checkout as
`repo:` at a commit `rev:`, `pre-commit run --all-files`.

pre-commit clones `repo` at `rev` and pip-installs it into a fresh environment,
so the hook runs the code of that commit.  A clean checkout is used as it is, at
HEAD (as CI sees it).  A checkout with uncommitted changes is first copied into
a throw-away repository and committed there, so the hook runs the code under
test rather than the last commit.  (`pre-commit try-repo` does similar, but
leaves out untracked files and never reads a user's config file.)

Needs git and PyPI (for the hook environment's dependencies); about a minute,
most of it pip building that environment.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import PROTOCOLS, ROOT

pytestmark = pytest.mark.slow

PASSING = PROTOCOLS / "release-execution" / "11-production-deployment.md"
FAILING = PROTOCOLS / "release-execution" / "failing" / "no-guardrail.md"
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


def test_protolint_hook_fails_a_failing_protocol_and_passes_a_passing_one(tmp_path):
    repo, rev = hook_repository(tmp_path)
    project = tmp_path / "project"
    (project / "protocols").mkdir(parents=True)
    git("init", "--quiet", cwd=project)
    (project / ".pre-commit-config.yaml").write_text(
        f"repos:\n"
        f"  - repo: {repo}\n"
        f"    rev: {rev}\n"
        f"    hooks:\n"
        f"      - id: protolint\n"
        f"        files: ^protocols/\n",
        encoding="utf-8")
    (project / "README.md").write_text("# Not a protocol\n\nLeft alone: the hook is narrowed to protocols/.\n",
                                       encoding="utf-8")
    protocol = project / "protocols" / "11-production-deployment.md"
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"), "NO_COLOR": "1",
           "PRE_COMMIT_COLOR": "never"}

    def pre_commit_run(content: Path) -> subprocess.CompletedProcess:
        shutil.copy(content, protocol)
        git("add", "--all", cwd=project)
        return subprocess.run([sys.executable, "-m", "pre_commit", "run", "--all-files"], cwd=project,
                              env=env, capture_output=True, text=True, timeout=900)

    failing = pre_commit_run(FAILING)
    assert failing.returncode == 1, failing.stdout + failing.stderr
    assert "protolint" in failing.stdout and "Failed" in failing.stdout
    assert "protocols/11-production-deployment.md:5:1  error    P11E-guardrail" in failing.stdout
    assert "README.md" not in failing.stdout

    passing = pre_commit_run(PASSING)
    assert passing.returncode == 0, passing.stdout + passing.stderr
    assert "Passed" in passing.stdout
