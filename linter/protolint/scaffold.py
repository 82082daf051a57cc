"""`protolint init`: a commented configuration and a starter pack, written
beside each other so the configuration's `packs: [./protolint-pack.yaml]` holds,
and the JSON Schemas they are edited against.

Each YAML file starts with a yaml-language-server modeline naming its schema by
a path relative to the file, in `.protolint/schemas/`: editors validate and
complete offline, against the vocabulary of the protolint that wrote them (the
pack schema with any installed plugins' kinds), and the files can be committed.

Nothing is overwritten: when a file exists, none is written.  A schema file
that already holds exactly what would be written is no conflict, so starting
afresh needs only the YAML files moved away.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path, PurePosixPath

from protolint.atomic import write_text_atomic
from protolint.errors import UserError
from protolint.schema import schema_text

STARTER_FILES = {"protolint.yaml": "config", "protolint-pack.yaml": "pack"}
"""Each starter file and the schema its modeline names."""
SCHEMA_DIRECTORY = PurePosixPath(".protolint", "schemas")


def starter_files(directory: Path) -> dict[Path, str]:
    """What `init` writes into `directory`: path and content, starter files first."""
    starter = resources.files("protolint").joinpath("starter")
    files, schemas = {}, {}
    for name, schema in STARTER_FILES.items():
        schema_path = SCHEMA_DIRECTORY / f"{schema}.schema.json"
        files[directory / name] = (f"# yaml-language-server: $schema={schema_path}\n#\n"
                                   + starter.joinpath(name).read_text(encoding="utf-8"))
        schemas[directory / schema_path] = schema_text(schema)
    return {**files, **schemas}


def write_starter(directory: Path) -> list[Path]:
    """Write the starter files and their schemas into `directory`; the paths written."""
    if not directory.is_dir():
        raise UserError(f"{directory}: no such directory")
    files = starter_files(directory)
    existing = [target for target in files if target.exists()]
    conflicts = [str(target) for target in existing
                 if target.name in STARTER_FILES or target.read_text(encoding="utf-8") != files[target]]
    if conflicts:
        one = len(conflicts) == 1
        raise UserError(f"{', '.join(conflicts)} already exist{'s' if one else ''}; nothing written "
                        f"(move or delete {'it' if one else 'them'} to start afresh)")
    written = []
    for target, text in files.items():
        if target not in existing:
            try:
                target.parent.mkdir(parents=True, exist_ok=True)
                write_text_atomic(target, text)
            except OSError as error:
                done = f" (written: {', '.join(map(str, written))})" if written else ""
                raise UserError(f"{error.filename or target}: cannot write: {error.strerror or error}{done}") from None
            written.append(target)
    return written
