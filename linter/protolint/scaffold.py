"""`protolint init`: a commented configuration and a starter pack, written
beside each other so the configuration's `packs: [./protolint-pack.yaml]` holds.

Nothing is overwritten: when either file exists, neither is written.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from protolint.atomic import write_text_atomic
from protolint.errors import UserError

STARTER_FILES = ("protolint.yaml", "protolint-pack.yaml")


def write_starter(directory: Path) -> list[Path]:
    """Write the starter files into `directory`; the paths written."""
    if not directory.is_dir():
        raise UserError(f"{directory}: no such directory")
    targets = [directory / name for name in STARTER_FILES]
    existing = [str(target) for target in targets if target.exists()]
    if existing:
        one = len(existing) == 1
        raise UserError(f"{', '.join(existing)} already exist{'s' if one else ''}; nothing written "
                        f"(move or delete {'it' if one else 'them'} to start afresh)")
    starter = resources.files("protolint").joinpath("starter")
    for target in targets:
        write_text_atomic(target, starter.joinpath(target.name).read_text(encoding="utf-8"))
    return targets
