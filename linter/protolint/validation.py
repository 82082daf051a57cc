"""Schema validation with line numbers, shared by packs, forms and configuration files.

All are data a person writes; all are checked against a JSON Schema, and a
mistake is reported as one sentence at the line that causes it.  The data and
a map from JSON path to line come from one parse.

Every YAML file protolint reads goes through `parse_yaml`, which refuses what
would make it hang or run out of memory: a file over MAX_YAML_CHARS, nesting
deeper than MAX_YAML_DEPTH, and aliases that repeat more than
MAX_ALIAS_REPEATS nodes (ten nested aliases of ten items each make ten
billion: the "billion laughs").
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from protolint.errors import did_you_mean

if TYPE_CHECKING:
    import yaml

LineIndex = dict[tuple, int]

MAX_YAML_CHARS = 1024 * 1024
MAX_YAML_DEPTH = 64
MAX_ALIAS_REPEATS = 10_000


class YAMLProblem(ValueError):
    """Why a YAML file cannot be read, and the 1-based line: a syntax error or
    one of the limits above.  The caller names the file, in its own error type.
    (PyYAML's own errors never leave `parse_yaml`, so no reader of YAML imports
    PyYAML: a run that reads none, as a plain check does, spends no time on it.)"""

    def __init__(self, problem: str, line: int | None = None):
        super().__init__(problem)
        self.problem, self.line = problem, line


class YAMLLimitError(YAMLProblem):
    """A YAML file past one of the limits above."""


def parse_yaml(text: str) -> tuple[yaml.Node | None, Any]:
    """One parse gives both the data and the node tree that knows its lines
    (libyaml when the platform has it), or YAMLProblem."""
    import yaml

    if len(text) > MAX_YAML_CHARS:
        raise YAMLLimitError(f"file is larger than {MAX_YAML_CHARS // 1024 // 1024} MB; "
                             f"YAML files are read up to {MAX_YAML_CHARS // 1024 // 1024} MB")
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)(text)
    try:
        node = loader.get_single_node()
        if node is not None:
            _check_expansion(node)
        return node, (loader.construct_document(node) if node is not None else None)
    except yaml.YAMLError as error:
        raise YAMLProblem(*_place(error)) from None
    finally:
        loader.dispose()


def _check_expansion(root: yaml.Node) -> None:
    """Walk the tree as the data will be (aliases followed), giving up as soon
    as aliases have repeated MAX_ALIAS_REPEATS nodes or it nests too deep: the
    walk costs at most the file's own nodes plus that limit."""
    import yaml

    seen: set[int] = set()
    repeats = 0
    stack: list[tuple[yaml.Node, int]] = [(root, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_YAML_DEPTH:
            raise YAMLLimitError(f"YAML nested more than {MAX_YAML_DEPTH} levels deep", node.start_mark.line + 1)
        if id(node) in seen:
            repeats += 1
            if repeats > MAX_ALIAS_REPEATS:
                raise YAMLLimitError(f"YAML aliases repeat more than {MAX_ALIAS_REPEATS:,} nodes "
                                     f"(an alias bomb?); write the values out", node.start_mark.line + 1)
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            stack.extend((part, depth + 1) for pair in node.value for part in pair)
        elif isinstance(node, yaml.SequenceNode):
            stack.extend((item, depth + 1) for item in node.value)


def _place(error: yaml.YAMLError) -> tuple[str, int | None]:
    """What a YAML syntax error says, and its 1-based line."""
    mark = getattr(error, "problem_mark", None)
    problem = getattr(error, "problem", None) or str(error).split("\n", 1)[0]  # a bad character: no mark
    return f"YAML syntax error: {problem}", (mark.line + 1 if mark else None)


def line_index(node: yaml.Node, path: tuple = (), index: LineIndex | None = None) -> LineIndex:
    """JSON path -> 1-based line, from the composed YAML tree, so every error can
    point at the line that causes it."""
    import yaml

    index = {} if index is None else index
    index[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            line_index(value, path + (key.value,), index)
            index[path + (key.value,)] = key.start_mark.line + 1  # the key's line, not its value's
    elif isinstance(node, yaml.SequenceNode):
        for position, value in enumerate(node.value):
            line_index(value, path + (position,), index)
    return index


def line_for(lines: LineIndex, path: tuple) -> int | None:
    """The line of `path`, or of its nearest ancestor the index knows."""
    while path and path not in lines:
        path = path[:-1]
    return lines.get(path)


def first_error(validator: Any, data: Any, root: str) -> tuple[str, tuple] | None:
    """The one schema error a person should read, worded, with its JSON path;
    None when `data` is valid.  `root` names the document in messages."""
    errors = sorted(validator.iter_errors(data), key=lambda e: list(e.absolute_path))
    if not errors:
        return None
    error = _deepest(errors)
    path = tuple(error.absolute_path)
    if error.validator == "additionalProperties":  # point at the unknown key, not at its mapping
        unknown = sorted(set(error.instance) - set(error.schema.get("properties", {})))
        path += tuple(unknown[:1])
    return _explain(error, root), path


def _deepest(errors: list) -> Any:
    """Of several schema errors, the most specific, looking through `if/then`
    branches to the key that is really wrong."""
    import jsonschema

    best = jsonschema.exceptions.best_match(errors, key=lambda e: (len(e.absolute_path), -len(e.context)))
    while best.context and not _is_one_of_required(best):
        best = jsonschema.exceptions.best_match(best.context)
    return best


def _is_one_of_required(error: Any) -> bool:
    return error.validator == "anyOf" and all("required" in s for s in error.validator_value)


def _explain(error: Any, root: str) -> str:
    where = ".".join(str(p) for p in error.absolute_path) or root
    validator = error.validator
    if validator == "additionalProperties":
        allowed = sorted(k for k in error.schema.get("properties", {}))
        unexpected = sorted(set(error.instance) - set(allowed))
        keys = ", ".join(repr(k) for k in unexpected)
        hint = did_you_mean(unexpected[0], allowed) if len(unexpected) == 1 else ""
        return f"unknown key {keys} in {where}{hint}; valid keys: {', '.join(allowed)}"
    if validator == "enum":
        key = error.absolute_path[-1] if error.absolute_path else "value"
        choices = ", ".join(str(c) for c in error.validator_value)
        return f"{error.instance!r} is not a valid {key}{did_you_mean(error.instance, error.validator_value)}; " \
               f"choose one of: {choices}"
    if validator == "required":
        missing = error.message.split("'")[1] if "'" in error.message else error.message
        return f"{where} is missing required key {missing!r}"
    if _is_one_of_required(error):
        options = ", ".join(s["required"][0] for s in error.validator_value)
        return f"{where} needs one of: {options}"
    return f"{where}: {error.message}"
