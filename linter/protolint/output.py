"""Writing protocols: atomically, and never over a person's edits.

A generated protocol is often edited by hand afterwards.  So protolint records
what it last wrote to each file (a sha256 in `.protolint-state.json` beside the
file) and overwrites a file only while it still holds exactly that.  A file
with no record counts as hand-written.  Every write, the record included, goes
to a temporary file in the same directory and is moved into place with
os.replace, so a crash leaves the old file or the new one, never half of each.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path

from protolint.atomic import atomic_write
from protolint.errors import UserError

STATE_FILE = ".protolint-state.json"
STATE_VERSION = 1


class OverwriteRefused(UserError):
    """The file holds content protolint did not write; the message says why."""


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def write_protocol(path: str | Path, text: str, force: bool = False) -> None:
    """Write `text` to `path` (parents created), unless that would destroy content
    protolint did not write there; `force` overwrites anyway."""
    path = Path(path)
    data = text.encode("utf-8")
    state = read_state(path.parent)
    if path.exists() and not force:
        _refuse_unless_ours(path, data, state.get(path.name))
    state[path.name] = digest(data)
    record = json.dumps({"version": STATE_VERSION, "written": dict(sorted(state.items()))}, indent=2) + "\n"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(path, data)
        atomic_write(path.parent / STATE_FILE, record.encode("utf-8"))
    except OSError as error:
        raise UserError(f"{error.filename or path}: cannot write: {error.strerror or error}") from None


def ensure_writable(path: str | Path, force: bool = False) -> None:
    """Refuse now what `write_protocol` would refuse at the end: a loop of
    regenerator minutes must not end in "cannot write".  The directory is
    probed with a real temporary file (permission bits lie for root and on
    network drives); a file protolint did not write is refused unless `force`."""
    path = Path(path)
    if path.is_dir():
        raise UserError(f"{path}: is a directory; give a file name")
    if path.exists() and not force:
        recorded = read_state(path.parent).get(path.name)
        if _current_digest(path) != recorded:  # whatever the final draft will be, it is not ours to replace
            raise _not_ours(path, recorded)
    if path.exists() and not os.access(path, os.W_OK):
        raise UserError(f"{path}: cannot write: the file is read-only")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=path.parent):
            pass
    except OSError as error:
        raise UserError(f"{path}: cannot write: {error.strerror or error}") from None


def _refuse_unless_ours(path: Path, data: bytes, recorded: str | None) -> None:
    if _current_digest(path) not in (recorded, digest(data)):
        raise _not_ours(path, recorded)


def _current_digest(path: Path) -> str:
    try:
        return digest(path.read_bytes())
    except OSError as error:
        raise OverwriteRefused(f"{path}: cannot read the existing file: {error.strerror or error}") from None


def _not_ours(path: Path, recorded: str | None) -> OverwriteRefused:
    if recorded is None:
        reason = "it exists and protolint did not write it (no record in " + STATE_FILE + ")"
    else:
        reason = "it was changed since protolint last wrote it"
    return OverwriteRefused(f"{path}: not overwriting: {reason}; use --force to replace it, "
                            f"or -o to write elsewhere")


def read_state(directory: Path) -> dict[str, str]:
    """File name → sha256 of what protolint last wrote there.  A missing or
    unreadable record is empty: every file then counts as hand-written."""
    try:
        state = json.loads((directory / STATE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    written = state.get("written") if isinstance(state, dict) else None
    if not isinstance(written, dict):
        return {}
    return {name: sha for name, sha in written.items() if isinstance(name, str) and isinstance(sha, str)}
