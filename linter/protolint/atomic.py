"""Atomic writes: a reader (or a crash) never sees half a file.

Every file protolint writes (a fixed or generated protocol, a report, a
baseline, a starter config) goes through here: a temporary file in the same
directory, flushed to disk, then renamed over the target."""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from pathlib import Path


def atomic_write(path: Path, data: bytes) -> None:
    """Replace `path` with `data` in one step.  The new file keeps the mode of
    the one it replaces, or gets the usual one for a new file (0666 less the
    umask), not mkstemp's 0600.  A target that is not a regular file (a device
    such as /dev/null or /dev/stdout, a pipe) is written to, never replaced.
    A symlink is written through: the file it names is replaced and the link
    stays a link.  A file without write permission is refused (PermissionError)
    even where the rename would succeed, as for root: its owner marked it so."""
    if path.is_symlink():
        path = Path(os.path.realpath(path))
    try:
        status = path.stat()
        mode = status.st_mode & 0o777
    except FileNotFoundError:
        status, mode = None, 0o666 & ~_umask()
    if status is not None and stat.S_ISREG(status.st_mode) and not _writable(path, mode):
        raise PermissionError(errno.EACCES, "the file is read-only", str(path))
    if status is not None and not stat.S_ISREG(status.st_mode):
        with open(path, "wb") as handle:
            handle.write(data)
        return
    try:
        descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as error:  # name the file being written, not the temporary one
        raise type(error)(error.errno, error.strerror, str(path)) from None
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def write_text_atomic(path: Path, text: str) -> None:
    atomic_write(path, text.encode("utf-8"))


def _writable(path: Path, mode: int) -> bool:
    return bool(mode & 0o222) and os.access(path, os.W_OK)


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current
