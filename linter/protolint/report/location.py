"""Where a file is, as CI tools want it: relative to the working directory
(the repository root in CI), with forward slashes."""

from __future__ import annotations

from pathlib import Path


def relative_path(path: str) -> Path | None:
    """The path relative to the working directory, or None when it lies outside."""
    try:
        return Path(path).resolve().relative_to(Path.cwd().resolve())
    except ValueError:
        return None


def repo_path(path: str) -> str:
    """Forward-slash path relative to the working directory when it lies inside,
    else absolute: what GitHub matches annotations against."""
    relative = relative_path(path)
    return relative.as_posix() if relative is not None else Path(path).resolve().as_posix()
