"""Which files a directory walk checks: the governing config's `include` and
`exclude` globs, and what git ignores when `respect_gitignore` is on.

Ignored files are asked of git itself (`git check-ignore --stdin`, one call per
repository per walk) rather than read from .gitignore files: git alone knows
every source of ignores (nested .gitignore files, .git/info/exclude, the user's
core.excludesFile, negations), and, as git does, it never calls a tracked file
ignored.  Files named on the command line are not walked, so always checked.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from protolint.config import Configuration
from protolint.errors import UserError


def walk(directory: Path, configuration: Configuration) -> list[Path]:
    """The files to check under `directory`, in a stable order."""
    found: list[Path] = []
    for current, subdirectories, names in os.walk(directory):
        here = Path(current)
        settings = configuration.for_directory(here)
        subdirectories[:] = [name for name in subdirectories if settings.walks_into(here / name)]
        found.extend(here / name for name in names
                     if settings.walk_picks(here / name) and (here / name).is_file())
    return sorted(_without_git_ignored(found, configuration))


def _without_git_ignored(files: list[Path], configuration: Configuration) -> list[Path]:
    kept: list[Path] = []
    by_repository: dict[Path, list[Path]] = {}
    for file in files:
        root = (configuration.repository_root(file.parent)
                if configuration.for_directory(file.parent).respect_gitignore else None)
        if root is None:
            kept.append(file)
        else:
            by_repository.setdefault(root, []).append(file)
    for root, candidates in by_repository.items():
        ignored = git_ignored(root, candidates)
        kept.extend(file for file in candidates if file not in ignored)
    return kept


def git_ignored(root: Path, files: list[Path]) -> set[Path]:
    """The subset of `files` (all inside the work tree at `root`) that git ignores."""
    relative = {Path(os.path.abspath(file)).relative_to(root).as_posix(): file for file in files}
    try:
        answer = subprocess.run(["git", "-C", str(root), "check-ignore", "--stdin", "-z"],
                                input="\0".join(relative) + "\0", capture_output=True, text=True, timeout=60)
    except FileNotFoundError:
        raise UserError(f"{root}: respect_gitignore is on, but git is not installed; install git "
                        "or set respect_gitignore: false") from None
    except subprocess.TimeoutExpired:
        raise UserError(f"{root}: git check-ignore did not answer within 60 s") from None
    if answer.returncode not in (0, 1):  # 1: nothing ignored
        raise UserError(f"{root}: git check-ignore failed: {answer.stderr.strip()}")
    return {relative[name] for name in answer.stdout.split("\0") if name in relative}
