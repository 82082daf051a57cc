"""The shipped packs and vocabularies as parsed data, read without parsing YAML.

Every run reads the shipped YAML files, and parsing them is a tenth of a
one-file check.  `shipped.json` beside this module holds each file's data and
line index as `make schema` last wrote them, with the digest of the file they
came from.  A file whose bytes no longer match (a checkout where a pack was
edited) is parsed from its YAML as before: the copy can be stale, never wrong.
A test keeps the copy equal to the files.

    python -m protolint.shipped > linter/protolint/shipped.json
"""

from __future__ import annotations

import hashlib
import json
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from protolint.validation import LineIndex, line_index, parse_yaml

COPY = Path(__file__).with_name("shipped.json")


def shipped_rules_dir() -> Path:
    """Packs and the role vocabulary travel in the wheel as protolint/rules; a
    source checkout keeps them at the top level, beside linter/."""
    inside = Path(str(resources.files("protolint"))) / "rules"
    if inside.is_dir():
        return inside
    return Path(__file__).resolve().parents[2] / "rules"


def read_shipped(path: Path) -> tuple[Any, LineIndex]:
    """A shipped YAML file's data and line index: from the copy while it holds
    the file as it now is, else parsed from the file."""
    copy = parsed(path)
    return copy if copy is not None else _parse(path)


def _parse(path: Path) -> tuple[Any, LineIndex]:
    node, data = parse_yaml(path.read_text(encoding="utf-8"))
    return data, line_index(node)


def parsed(path: Path) -> tuple[Any, LineIndex] | None:
    """The data and line index of a shipped YAML file from the copy, or None
    when the copy does not hold this file as it now is."""
    try:
        name = path.resolve().relative_to(shipped_rules_dir().resolve()).as_posix()
    except ValueError:
        return None
    entry = _copies().get(name)
    if entry is None:
        return None
    try:
        current = hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None
    if current != entry["sha256"]:
        return None
    return entry["data"], {tuple(where): line for where, line in entry["lines"]}


@cache
def _copies() -> dict[str, Any]:
    try:
        return json.loads(COPY.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}  # no copy (or a damaged one): every file is parsed from its YAML


def copy_text() -> str:
    """The copy as `make schema` writes it: every shipped YAML file, parsed."""
    root = shipped_rules_dir()
    copies = {}
    for path in sorted(root.rglob("*.yaml")):
        data, lines = _parse(path)
        copies[path.relative_to(root).as_posix()] = {
            "sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
            "data": data,
            "lines": [[list(where), line] for where, line in lines.items()],
        }
    return json.dumps(copies, ensure_ascii=False, separators=(",", ":")) + "\n"


if __name__ == "__main__":
    print(copy_text(), end="")
