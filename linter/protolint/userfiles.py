"""Reading the files a user names besides protocols: packs, configurations,
forms, baselines.

Each is read the same way and, when it cannot be, refused with the same
sentences — missing, refused by the system, not UTF-8 (with the line and
column of the first bad byte) — so every kind of file fails in one line
`path[:line[:column]]: problem` under its own error type.
"""

from __future__ import annotations

from pathlib import Path


class Unreadable(Exception):
    """Why a file cannot be read, worded for its author; the caller names the
    file, in its own error type."""

    def __init__(self, problem: str, line: int | None = None, column: int | None = None):
        super().__init__(problem)
        self.problem, self.line, self.column = problem, line, column


def read_user_text(path: Path, what: str, limit: int | None = None, missing: str | None = None) -> str:
    """The file's text (a byte-order mark dropped), at most `limit` characters
    and one more, so that a longer file is refused by whoever set the limit
    without being read whole.  `what` names the file in messages ("pack");
    `missing` replaces "no such {what} file"."""
    try:
        with open(path, encoding="utf-8-sig") as stream:
            return stream.read(-1 if limit is None else limit + 1)
    except FileNotFoundError:
        raise Unreadable(missing or f"no such {what} file") from None
    except OSError as error:
        raise Unreadable(f"cannot read {what}: {error.strerror or error}") from None
    except UnicodeDecodeError:
        raise _not_utf8(path, what, limit) from None


def _not_utf8(path: Path, what: str, limit: int | None) -> Unreadable:
    """Where the first byte that is not UTF-8 is: the text stream's error counts
    from its last buffer, so the bytes are read again (no more than the limit
    allows) and decoded whole."""
    with open(path, "rb") as stream:
        data = stream.read(-1 if limit is None else 4 * limit + 4)
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[:error.start].count(b"\n") + 1
        column = error.start - (data.rfind(b"\n", 0, error.start) + 1) + 1
        return Unreadable(f"{what} is not UTF-8 (byte 0x{data[error.start]:02x}); save the file as UTF-8",
                          line, column)
    return Unreadable(f"{what} is not UTF-8; save the file as UTF-8")
