"""Configuration files: where they are, what they say, which one governs a file.

For each checked file protolint looks in the file's own directory, then in each
parent up to the repository root (the directory holding `.git`) or the
filesystem root, for the first of `protolint.yaml`, `.protolint.yaml`, and a
`pyproject.toml` with a `[tool.protolint]` table (a pyproject without it does
not count).  The nearest file governs the whole file: levels are not merged, as
in ruff without `extend` and in yamllint, so one file read tells everything that
applies and a subproject's settings never depend on where it is checked out.
`--config FILE` replaces discovery; `--isolated` ignores every config file.
Discovery is cached per directory: a run over many files reads each config once.

Paths and globs in a config file are relative to that file's directory.  Command-
line options override config values, which override the defaults; every value
remembers where it came from, which `protolint config` prints.

Rule selection follows ruff's `select`/`ignore`: `enable`, when given, is the set
of rules that run; `disable` removes rules and wins over `enable`.  An entry is a
rule id or an id prefix that ends at a dash (`core-L4` is every `core-L4-…` rule).
`per_file` entries apply in order to the files their globs match: `packs` and
`enable` replace the values above them, `disable` adds to them (as ruff's
per-file-ignores do).
"""

from __future__ import annotations

import os
import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

from protolint.errors import ConfigError, UserError
from protolint.packs import is_pack_path
from protolint.userfiles import Unreadable, read_user_text
from protolint.validation import (MAX_YAML_CHARS, LineIndex, YAMLProblem, first_error, line_for,
                                   line_index, parse_yaml)

CONFIG_FILES = ("protolint.yaml", ".protolint.yaml", "pyproject.toml")
DEFAULT_INCLUDE = ("*.md",)
ALWAYS_EXCLUDED = (".git", ".venv", "node_modules")
PATH_SETTINGS = ("form", "project_root")
LIST_SETTINGS = ("packs", "enable", "disable", "include", "exclude")


@dataclass(frozen=True, slots=True)
class Origin:
    """Where a value came from: a config file and line, "default" or "command line"."""

    source: str
    line: int | None = None

    def __str__(self) -> str:
        return f"{self.source}:{self.line}" if self.line else self.source


DEFAULT = Origin("default")
COMMAND_LINE = Origin("command line")


@dataclass(frozen=True, slots=True)
class PerFile:
    globs: tuple[str, ...]
    values: Mapping[str, Any]
    origins: Mapping[str, Origin]


@dataclass(frozen=True)
class Settings:
    """The settings in force for the files one config file governs (or the
    defaults); `for_file` narrows them to one file."""

    base: Path
    """The directory the config's paths and globs are relative to."""
    config_file: Path | None = None
    packs: tuple[str, ...] | None = None
    """Shipped pack names and absolute pack paths; None: chosen by each pack's applies_to."""
    form: Path | None = None
    project_root: Path | None = None
    fail_on: str = "error"
    min_score: float | None = None
    enable: tuple[str, ...] = ()
    disable: tuple[str, ...] = ()
    include: tuple[str, ...] = DEFAULT_INCLUDE
    exclude: tuple[str, ...] = ALWAYS_EXCLUDED
    respect_gitignore: bool = True
    workspace: bool = False
    """Read the files of a run together and add the cross-protocol rules."""
    per_file: tuple[PerFile, ...] = ()
    origins: Mapping[str, tuple[Origin, ...]] = field(default_factory=dict)

    SHOWN = ("packs", "form", "project_root", "fail_on", "min_score", "enable", "disable",
             "include", "exclude", "respect_gitignore", "workspace")

    def origin(self, key: str) -> str:
        return " + ".join(map(str, self.origins.get(key, (DEFAULT,))))

    def for_file(self, path: str | Path) -> Settings:
        """These settings with the `per_file` entries that match `path` applied."""
        relative = self.relative(path)
        changes: dict[str, Any] = {}
        origins = dict(self.origins)
        for entry in self.per_file:
            if not _spec(entry.globs).match_file(relative):
                continue
            for key, value in entry.values.items():
                if key == "disable":
                    value = changes.get("disable", self.disable) + value
                    origins[key] = origins.get(key, ()) + (entry.origins[key],)
                else:
                    origins[key] = (entry.origins[key],)
                changes[key] = value
        return replace(self, **changes, origins=origins) if changes else self

    def overridden(self, values: Mapping[str, Any]) -> Settings:
        """Command-line values on top of these; None means "not given"."""
        given = {key: value for key, value in values.items() if value is not None}
        if not given:
            return self
        if "packs" in given:  # paths stay as typed: relative to the working directory
            given["packs"] = tuple(given["packs"])
        if "form" in given:
            given["form"] = Path(given["form"])
        if "project_root" in given:
            given["project_root"] = Path(given["project_root"]).resolve()
        origins = {**self.origins, **{key: (COMMAND_LINE,) for key in given}}
        return replace(self, **given, origins=origins)

    def rule_selected(self, rule_id: str) -> bool:
        if any(names_rule(entry, rule_id) for entry in self.disable):
            return False
        return not self.enable or any(names_rule(entry, rule_id) for entry in self.enable)

    def relative(self, path: str | Path) -> str:
        """`path` relative to `base`, as globs see it; a path outside `base` keeps
        all its parts, so only unanchored globs (`*.md`, `drafts/`) can match it."""
        absolute = Path(os.path.abspath(path))
        try:
            return absolute.relative_to(self.base).as_posix()
        except ValueError:
            return absolute.relative_to(absolute.anchor).as_posix()

    def walks_into(self, directory: Path) -> bool:
        return not self._excluded.match_file(self.relative(directory) + "/")

    def walk_picks(self, file: Path) -> bool:
        relative = self.relative(file)
        return self._included.match_file(relative) and not self._excluded.match_file(relative)

    @cached_property
    def _included(self):
        return _spec(self.include)

    @cached_property
    def _excluded(self):
        return _spec(self.exclude)


def names_rule(entry: str, rule_id: str) -> bool:
    """An `enable`/`disable` entry names a rule by its id or an id prefix ending at a dash."""
    return rule_id == entry or rule_id.startswith(f"{entry}-")


@lru_cache(maxsize=256)
def _spec(globs: tuple[str, ...]):
    """Globs read as .gitignore lines (pathspec, as yamllint does): `*` stays in
    one directory, `**` crosses them, a glob without `/` matches at any depth."""
    import pathspec
    return pathspec.GitIgnoreSpec.from_lines(globs)


class Configuration:
    """The settings for each path of a run: discovered (cached per directory),
    or from one `--config` file, or the defaults, with command-line values on top."""

    def __init__(self, config_file: str | Path | None = None, isolated: bool = False,
                 overrides: Mapping[str, Any] | None = None) -> None:
        if config_file is not None and isolated:
            raise UserError("--config and --isolated exclude each other: --isolated ignores every config file")
        self.isolated = isolated
        self.overrides = dict(overrides or {})
        self.defaults = Settings(base=Path.cwd())
        self.explicit = load_config(Path(config_file), required=True) if config_file is not None else None
        self._nearest: dict[Path, Settings | None] = {}
        self._roots: dict[Path, Path | None] = {}

    def for_directory(self, directory: str | Path) -> Settings:
        """The settings that govern files in `directory`, before per_file and the command line."""
        if self.explicit is not None:
            return self.explicit
        if self.isolated:
            return self.defaults
        return self._discover(Path(os.path.abspath(directory))) or self.defaults

    def for_file(self, path: str | Path) -> Settings:
        directory = path if Path(path).is_dir() else Path(os.path.abspath(path)).parent
        return self.for_directory(directory).for_file(path).overridden(self.overrides)

    def repository_root(self, directory: str | Path) -> Path | None:
        """The nearest directory at or above `directory` that holds `.git`."""
        directory = Path(os.path.abspath(directory))
        if directory not in self._roots:
            if (directory / ".git").exists():
                self._roots[directory] = directory
            elif directory.parent == directory:
                self._roots[directory] = None
            else:
                self._roots[directory] = self.repository_root(directory.parent)
        return self._roots[directory]

    def _discover(self, directory: Path) -> Settings | None:
        if directory in self._nearest:
            return self._nearest[directory]
        found = None
        for name in CONFIG_FILES:
            candidate = directory / name
            if candidate.is_file():
                found = load_config(candidate, required=False)
                if found is not None:
                    break
        if found is None and self.repository_root(directory) != directory and directory.parent != directory:
            found = self._discover(directory.parent)
        self._nearest[directory] = found
        return found


def load_config(path: Path, required: bool) -> Settings | None:
    """One config file, validated.  A pyproject.toml without `[tool.protolint]`
    is None, or an error when the file was named on the command line."""
    shown = shown_path(path)
    try:
        # pyproject.toml too: a configuration is read up to the same limit
        text = read_user_text(path, "configuration", MAX_YAML_CHARS)
    except Unreadable as error:
        raise ConfigError(shown, error.problem, error.line) from None
    if path.suffix == ".toml":
        if len(text) > MAX_YAML_CHARS:
            raise ConfigError(shown, f"file is larger than {MAX_YAML_CHARS // 1024 // 1024} MB; "
                                     "configuration files are read up to that size")
        data, lines = _read_toml(text, shown)
        if data is None:
            if required:
                raise ConfigError(shown, "has no [tool.protolint] table")
            return None
    else:
        data, lines = _read_yaml(text, shown)
    failure = first_error(_validator(), data, "config")
    if failure:
        problem, where = failure
        raise ConfigError(shown, problem, line_for(lines, where))
    return _settings(data, lines, Path(os.path.abspath(path)), shown)


def _read_yaml(text: str, shown: str) -> tuple[dict, LineIndex]:
    try:
        node, data = parse_yaml(text)
    except YAMLProblem as error:
        raise ConfigError(shown, error.problem, error.line) from None
    if node is None:  # an empty file: every setting at its default
        return {}, {}
    if not isinstance(data, dict):
        raise ConfigError(shown, "a configuration file is a YAML mapping of settings (packs: …, fail_on: …)", 1)
    return data, line_index(node)


_TOML_ERROR_PLACE = re.compile(r"\s*\(at line (\d+), column \d+\)$")


def _read_toml(text: str, shown: str) -> tuple[dict | None, LineIndex]:
    if "protolint" not in text:  # most pyprojects are not ours: skip parsing them
        return None, {}
    import tomllib

    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        place = _TOML_ERROR_PLACE.search(str(error))
        problem = _TOML_ERROR_PLACE.sub("", str(error))
        raise ConfigError(shown, f"TOML syntax error: {problem}", int(place.group(1)) if place else None) from None
    tool = document.get("tool")
    if not isinstance(tool, dict) or "protolint" not in tool:
        return None, {}
    lines = _toml_lines(text)
    if not isinstance(tool["protolint"], dict):
        raise ConfigError(shown, "tool.protolint must be a table of settings", lines.get(()))
    return tool["protolint"], lines


_TOML_TABLE = re.compile(r"^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?\s*(?:#.*)?$")
_TOML_KEY = re.compile(r"""^\s*([A-Za-z0-9_-]+|"[^"]*")\s*=""")


def _toml_lines(text: str) -> LineIndex:
    """JSON path -> line for the keys of `[tool.protolint]` and its sub-tables
    (`[[tool.protolint.per_file]]`): tomllib keeps no positions, and a line scan
    finds every setting's line; values inside inline tables fall back to their key."""
    index: LineIndex = {}
    table: tuple | None = None
    arrays: Counter[str] = Counter()
    prefix = "tool.protolint."
    for number, line in enumerate(text.splitlines(), 1):
        header = _TOML_TABLE.match(line)
        if header:
            name = header.group(2).replace(" ", "").replace('"', "")
            table = None
            if name == "tool.protolint":
                table = ()
            elif name.startswith(prefix):
                sub = name[len(prefix):]
                table = (sub,)
                if header.group(1) == "[[":
                    table = (sub, arrays[sub])
                    arrays[sub] += 1
                    index.setdefault((sub,), number)
            if table is not None:
                index[table] = number
            continue
        key = _TOML_KEY.match(line) if table is not None else None
        if key:
            index.setdefault(table + (key.group(1).strip('"'),), number)
    return index


@lru_cache(maxsize=1)
def _validator():
    import jsonschema

    from protolint.schema import config_schema
    return jsonschema.Draft7Validator(config_schema())


def _settings(data: dict, lines: LineIndex, path: Path, shown: str) -> Settings:
    base = path.parent
    values = {key: _value(key, value, base) for key, value in data.items() if key != "per_file"}
    origins = {key: (Origin(shown, lines.get((key,))),) for key in values}
    per_file = []
    for position, entry in enumerate(data.get("per_file", [])):
        per_file.append(PerFile(
            globs=tuple(entry["files"]),
            values={key: _value(key, value, base) for key, value in entry.items() if key != "files"},
            origins={key: Origin(shown, line_for(lines, ("per_file", position, key))) for key in entry},
        ))
    if "exclude" in values:
        values["exclude"] = ALWAYS_EXCLUDED + values["exclude"]
    return Settings(base=base, config_file=path, per_file=tuple(per_file), origins=origins, **values)


def _value(key: str, value: Any, base: Path) -> Any:
    if key == "packs":
        return tuple(_pack_reference(ref, base) for ref in value)
    if key in PATH_SETTINGS:
        return Path(os.path.normpath(base / Path(value).expanduser()))
    if key in LIST_SETTINGS:
        return tuple(value)
    if key == "min_score":
        return float(value)
    return value


def _pack_reference(reference: str, base: Path) -> str:
    """Pack paths become absolute (relative to the config's directory); names stay names."""
    if not is_pack_path(reference):
        return reference
    return os.path.normpath(base / Path(reference).expanduser())


def shown_path(path: str | Path) -> str:
    """A path as messages show it: relative to the working directory when under it."""
    absolute = os.path.abspath(path)
    relative = os.path.relpath(absolute)
    return absolute if relative.startswith("..") else relative
