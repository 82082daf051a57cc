"""The check kinds protolint ships.  Each kind is one module that registers
itself when imported; this module imports them, so adding a kind is its module
and one name below.  (Kept apart from the registry in `checks/__init__.py`,
which the kinds import: the registry never imports them back.)"""

from __future__ import annotations

from protolint import checks
from protolint.checks import (  # noqa: F401  (each registers itself)
    CheckKind, characters, encoding, presence, references, secrets, structure, text, workspace)


def load_builtin_checks() -> dict[str, CheckKind]:
    """The shipped kinds; plugin kinds share the registry but not this list, so
    the shipped pack schema stays built-ins only."""
    return {name: kind for name, kind in checks.REGISTRY.items()
            if kind.function.__module__.startswith("protolint.checks.")}
