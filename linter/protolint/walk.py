"""Which files a directory walk checks: the governing config's `include` and
`exclude` globs, and what git ignores when `respect_gitignore` is on.

Ignored files are asked of git itself (`git check-ignore --stdin`, one call per
repository per walk) rather than read from .gitignore files: git alone knows
every source of ignores (nested .gitignore files, .git/info/exclude, the user's
core.excludesFile, negations), and, as git does, it never calls a tracked file
ignored.  Git is asked about a file by its real path (a file reached through a
symlinked directory is the file the link names), in the repository that holds
it.  What the user names is checked, as in ruff and black: files named on the
command line are not walked at all, and a named directory that git ignores is
walked without asking git (git then calls everything inside it ignored).
Without an `include` in the configuration, a walk checks the protocols among
the *.md files: those a pack's `applies_to` matches by name or title, so a
README or CHANGELOG beside them is not checked as a protocol.  A
directory that cannot be read is reported, never skipped in silence.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from protolint.config import Configuration
from protolint.errors import UserError


@dataclass(slots=True)
class Walk:
    files: list[Path] = field(default_factory=list)
    problems: list[tuple[Path, str]] = field(default_factory=list)
    """What the walk could not take: a directory it cannot read, a file name that is not UTF-8."""
    not_protocols: list[Path] = field(default_factory=list)
    """Files `include` picks that no pack applies to (when `include` is not configured)."""


def walk(directory: Path, configuration: Configuration, is_protocol: Callable[[Path], bool] | None = None) -> Walk:
    """The files to check under `directory`, in a stable order.  Where the
    configuration sets no `include`, `is_protocol` narrows the *.md files to
    protocols (by the packs' applies_to)."""
    found = Walk()
    picked: list[Path] = []
    included: set[Path] = set()  # picked by a configured `include`: no protocol test

    def unreadable(error: OSError) -> None:
        found.problems.append((Path(error.filename or directory),
                               f"cannot read the directory: {error.strerror or error}"))

    for current, subdirectories, names in os.walk(directory, onerror=unreadable):
        here = Path(current)
        settings = configuration.for_directory(here)
        subdirectories[:] = [name for name in subdirectories if settings.walks_into(here / name)]
        for name in names:
            if not utf8_name(here / name):  # globs read the name with its bad bytes escaped
                if settings.walk_picks(Path(shown(here / name))) and (here / name).is_file():
                    found.problems.append((here / name, NOT_UTF8_NAME))
                continue
            if settings.walk_picks(here / name) and (here / name).is_file():
                picked.append(here / name)
                if "include" in settings.origins:
                    included.add(here / name)
    # git's ignores first: an ignored file is neither read for its title nor named as passed over
    for path in sorted(_without_git_ignored(directory, picked, configuration)):
        if is_protocol is None or path in included or is_protocol(path):
            found.files.append(path)
        else:
            found.not_protocols.append(path)
    return found


NOT_UTF8_NAME = "the file name is not UTF-8; rename the file"


def utf8_name(path: Path) -> bool:
    """False for a name the file system gave as bytes that are not UTF-8
    (Python holds them as surrogates, which no report can print)."""
    try:
        str(path).encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def shown(path: Path) -> str:
    """A path for messages, its non-UTF-8 bytes escaped: `caf\\xe9.md`."""
    return os.fsencode(path).decode("utf-8", errors="backslashreplace")


def _without_git_ignored(named: Path, files: list[Path], configuration: Configuration) -> list[Path]:
    kept: list[Path] = []
    by_repository: dict[Path, dict[Path, Path]] = {}
    for file in files:
        real = Path(os.path.realpath(file))
        root = (configuration.repository_root(real.parent)
                if configuration.for_directory(file.parent).respect_gitignore else None)
        if root is None:
            kept.append(file)
        else:
            by_repository.setdefault(root, {})[real] = file
    named_real = Path(os.path.realpath(named))
    for root, candidates in by_repository.items():
        if named_real != root and named_real.is_relative_to(root) and git_ignored(root, [named_real]):
            kept.extend(candidates.values())  # the user named an ignored directory: check it
            continue
        ignored = git_ignored(root, list(candidates))
        kept.extend(file for real, file in candidates.items() if real not in ignored)
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
