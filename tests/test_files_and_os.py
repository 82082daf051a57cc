"""Files and the operating system, through the command line: --fix writes through
symlinks and keeps how a file is stored, refuses what may not be written; what
the OS refuses is one line and exit 2; walks name what they cannot read, follow
a named symlinked directory and check a named directory git ignores.

Permissions are tested as an unprivileged user: root may write anything, so
under root the command runs through `setpriv` as nobody, in a directory nobody
can reach: those runs are real processes."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from conftest import FIXTURES, PROTOCOLS, init_repository, protolint

FORM = FIXTURES / "forms" / "protocol-input-form-11-deployment-b999fbd.yaml"
PROJECT = FIXTURES / "project"
GOOD = PROTOCOLS / "release-execution" / "11-production-deployment.md"
UNFENCED = PROTOCOLS / "release-execution" / "failing" / "unfenced-communication.md"
NAME = "11-production-deployment.md"


def fix(*paths, cwd=None):
    return protolint("check", "--fix", "--form", FORM, "--project-root", PROJECT, *paths, cwd=cwd or FIXTURES.parent)


def fixable(directory: Path) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    return Path(shutil.copy(UNFENCED, directory / NAME))


# ---------------------------------------------------------------- --fix and how files are stored

def test_fix_writes_through_a_symlink_and_the_link_stays_a_link(tmp_path):
    real = fixable(tmp_path / "real")
    link = tmp_path / "linked" / NAME
    link.parent.mkdir()
    link.symlink_to(real)
    done = fix(link)
    assert done.returncode == 0, done.stdout + done.stderr
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert real.read_text(encoding="utf-8") != UNFENCED.read_text(encoding="utf-8")  # the target was fixed
    assert protolint("check", "--form", FORM, "--project-root", PROJECT, real).returncode == 0


def test_fix_refuses_a_read_only_file_in_one_line_and_still_fixes_the_others(tmp_path):
    locked = fixable(tmp_path / "locked")
    locked.chmod(0o444)
    other = fixable(tmp_path / "other")
    done = fix(locked, other)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert f"{locked}: error: not fixed: cannot write: the file is read-only" in done.stderr.splitlines()
    assert locked.read_bytes() == UNFENCED.read_bytes() and stat.S_IMODE(locked.stat().st_mode) == 0o444
    assert other.read_bytes() != UNFENCED.read_bytes()
    assert f"exit 2: {locked}: not checked: not fixed: cannot write: the file is read-only" in done.stdout


def test_fix_keeps_crlf_line_endings_and_the_byte_order_mark(tmp_path):
    target = tmp_path / NAME
    original = "\ufeff" + UNFENCED.read_text(encoding="utf-8").replace("\n", "\r\n")
    target.write_bytes(original.encode("utf-8"))
    done = fix(target)
    assert done.returncode == 0, done.stdout + done.stderr
    data = target.read_bytes()
    assert data != original.encode("utf-8") and data.startswith(b"\xef\xbb\xbf")
    assert data.count(b"\n") == data.count(b"\r\n") > original.count("\n")  # new lines are CRLF too
    assert b"\xef\xbb\xbf" not in data[3:]


def test_diff_says_would_fix_and_refuses_fix_with_diff_or_unsafe_fixes_alone(tmp_path):
    target = fixable(tmp_path)
    diff = protolint("check", "--diff", "--form", FORM, target)
    assert diff.returncode == 1 and diff.stdout.startswith("---")
    assert " would fix " in diff.stderr and " fixed " not in diff.stderr
    assert target.read_bytes() == UNFENCED.read_bytes()
    both = protolint("check", "--diff", "--fix", target)
    assert both.returncode == 2 and "--fix and --diff exclude each other" in both.stderr
    alone = protolint("check", "--unsafe-fixes", target)
    assert alone.returncode == 2 and "--unsafe-fixes needs --fix" in alone.stderr
    assert target.read_bytes() == UNFENCED.read_bytes()


def test_diff_names_a_path_it_could_not_read_and_exits_2(tmp_path):
    target = fixable(tmp_path)
    done = protolint("check", "--diff", "--form", FORM, target, tmp_path / "missing.md")
    assert done.returncode == 2 and done.stdout.startswith("---")  # the diff of the rest is still shown
    assert f"{tmp_path / 'missing.md'}: error: no such file or directory" in done.stderr


# ---------------------------------------------------------------- what the OS refuses

@pytest.fixture
def open_directory():
    """A directory an unprivileged user can reach (pytest's tmp_path is root's alone)."""
    path = Path(tempfile.mkdtemp(prefix="protolint-os-"))
    path.chmod(0o755)
    yield path
    for here, directories, _ in os.walk(path):
        for name in directories:
            os.chmod(os.path.join(here, name), 0o755)
    shutil.rmtree(path)


def unprivileged(*args, cwd: Path) -> subprocess.CompletedProcess:
    """protolint as a user the file permissions apply to."""
    prefix = []
    if os.geteuid() == 0:
        if not shutil.which("setpriv"):
            pytest.skip("running as root without setpriv: permissions cannot be tested")
        prefix = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
    environment = {**os.environ, "NO_COLOR": "1", "HOME": str(cwd)}
    return subprocess.run([*prefix, sys.executable, "-m", "protolint", *map(str, args)], cwd=cwd,
                          capture_output=True, text=True, env=environment, timeout=60)


def writable_by_all(*paths: Path) -> None:
    for path in paths:
        path.chmod(0o777 if path.is_dir() else 0o666)


def test_fix_in_a_read_only_directory_is_one_line_and_exit_2(open_directory):
    target = fixable(open_directory / "ro")
    writable_by_all(target)
    target.parent.chmod(0o555)
    done = unprivileged("check", "--fix", "--form", FORM, "--project-root", PROJECT, target, cwd=open_directory)
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    assert f"{target}: error: not fixed: cannot write: Permission denied" in done.stderr.splitlines()
    assert target.read_bytes() == UNFENCED.read_bytes()


def test_init_into_a_read_only_directory_is_one_line_and_exit_2(open_directory):
    target = open_directory / "ro"
    target.mkdir(mode=0o555)
    target.chmod(0o555)
    done = unprivileged("init", target, cwd=open_directory)
    assert done.returncode == 2
    assert done.stderr.splitlines() == [f"protolint: error: {target / 'protolint.yaml'}: cannot write: "
                                        "Permission denied"]


def test_cycle_into_a_read_only_directory_is_one_line_and_exit_2(open_directory):
    target = open_directory / "ro"
    target.mkdir()
    target.chmod(0o555)
    done = unprivileged("cycle", FORM, "-o", target / NAME, "--max-rounds", "1", "--no-analysis", cwd=open_directory)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert f"{target / NAME}: cannot write: Permission denied" in done.stderr


def test_unreadable_file_and_directory_are_named_and_the_rest_is_checked(open_directory):
    tree = open_directory / "tree"
    shutil.copytree(GOOD.parent, tree / "good", ignore=shutil.ignore_patterns("failing"))
    (tree / "secret").mkdir()
    shutil.copy(GOOD, tree / "secret" / NAME)
    shutil.copy(GOOD, tree / "locked.md")
    (tree / "locked.md").chmod(0o000)
    (tree / "secret").chmod(0o000)
    done = unprivileged("check", tree, cwd=open_directory)
    assert done.returncode == 2, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    lines = done.stderr.splitlines()
    assert f"{tree / 'secret'}: error: cannot read the directory: Permission denied" in lines
    assert f"{tree / 'locked.md'}: error: cannot read: Permission denied" in lines
    assert f"PASS  {tree / 'good' / NAME}" in done.stdout


def test_a_file_name_that_is_not_utf8_is_one_line_and_the_rest_is_checked(tmp_path):
    directory = tmp_path / "protocols"
    directory.mkdir()
    shutil.copy(GOOD, directory / NAME)
    with open(os.path.join(os.fsencode(directory), b"caf\xe9.md"), "wb") as handle:
        handle.write(GOOD.read_bytes())
    done = protolint("check", directory)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert done.stderr.splitlines() == [f"{directory}/caf\\xe9.md: error: the file name is not UTF-8; rename the file"]
    assert f"PASS  {directory / NAME}" in done.stdout


# ---------------------------------------------------------------- walks, git and named paths

def test_a_symlinked_directory_inside_a_git_repository_is_checked(tmp_path):
    repo = init_repository(tmp_path / "repo")
    fixable(repo / "real")
    (repo / "link").symlink_to(repo / "real")
    done = protolint("check", "--format", "json", "link", cwd=repo)
    assert "Traceback" not in done.stderr and "git check-ignore failed" not in done.stderr
    assert '"path": "link/11-production-deployment.md"' in done.stdout


def test_a_named_directory_git_ignores_is_checked_and_ignores_below_a_named_one_still_apply(tmp_path):
    repo = init_repository(tmp_path / "repo")
    (repo / ".gitignore").write_text("build/\ndrafts/\n", encoding="utf-8")
    shutil.copy(GOOD, (repo / "build").mkdir() or repo / "build" / NAME)
    shutil.copy(GOOD, (repo / "docs" / "drafts").mkdir(parents=True) or repo / "docs" / "drafts" / NAME)
    shutil.copy(GOOD, repo / "docs" / NAME)
    named = protolint("check", "build", cwd=repo)
    assert named.returncode == 0, named.stderr
    assert "holds no Markdown" not in named.stderr and f"PASS  build/{NAME}" in named.stdout
    walked = protolint("check", "docs", cwd=repo)
    assert walked.returncode == 0 and f"PASS  docs/{NAME}" in walked.stdout and "drafts" not in walked.stdout
    everything = protolint("check", ".", cwd=repo)
    assert "build" not in everything.stdout  # not named: git's ignores apply
