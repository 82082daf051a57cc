"""One writer per output: a `cycle` holds a lock on its output for the whole loop.

Two loops writing one file would interleave: one prints PASS while the file
holds the other's failing draft.  The lock is an advisory `flock` on a
small file beside the output, so it dies with its process: no stale lock survives a crash or `kill -9`.
The file names its holder, so the second run can say who it waits for.
"""

from __future__ import annotations

import os
import socket
import time
from pathlib import Path

from protolint.errors import UserError


class OutputLocked(UserError):
    """Another run holds the output; the message names it."""


class OutputLock:
    def __init__(self, output: Path, purpose: str):
        self.path = output.parent / f".{output.name}.protolint-lock"
        self.output = output
        self.purpose = purpose
        self._handle = None

    def __enter__(self) -> OutputLock:
        self.acquire()
        return self

    def __exit__(self, *exc) -> None:
        self.release()

    def acquire(self) -> None:
        """Take the lock or raise OutputLocked naming the holder.  A lock file
        replaced by its holder's release while we waited is tried again."""
        while True:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                handle = open(self.path, "a+", encoding="utf-8")
            except OSError as error:
                raise UserError(f"{self.path}: cannot create the lock: {error.strerror or error}") from None
            if not _try_lock(handle):
                handle.seek(0)
                holder = handle.read().strip() or "another protolint run"
                handle.close()
                raise OutputLocked(f"{self.output}: in use by {holder}; wait for it to finish "
                                   f"(the lock is {self.path})")
            if _same_file(handle, self.path):
                break
            handle.close()  # the holder released and removed it between our open and lock
        handle.seek(0)
        handle.truncate()
        started = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime())
        handle.write(f"{self.purpose} (pid {os.getpid()} on {socket.gethostname()}, since {started})\n")
        handle.flush()
        self._handle = handle

    def release(self) -> None:
        if self._handle is None:
            return
        self.path.unlink(missing_ok=True)  # before unlocking, so a waiter never takes a removed file
        self._handle.close()  # closing drops the lock
        self._handle = None


def _try_lock(handle) -> bool:
    try:
        import fcntl
    except ImportError:  # not a POSIX system
        raise UserError("cycle needs a POSIX system (Linux, macOS) to lock its output") from None

    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def _same_file(handle, path: Path) -> bool:
    try:
        return os.path.samestat(os.fstat(handle.fileno()), os.stat(path))
    except FileNotFoundError:
        return False
