"""Rule packs: load YAML, validate against the pack schema, resolve `extends`,
compile every rule once.

A pack names where it applies, its layers and threshold, and its rules.  A bad
pack is one PackError naming the file, the line and the rule — found before
any protocol is checked.
"""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass, field
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from protolint.binding import is_form_bound
from protolint.checks import REGEX_PARAMETERS, CheckKind, load_builtin_checks
from protolint.errors import PackError
from protolint.form import parse_form_path
from protolint.selectors import Selector, Union, compile_selector

DEFAULT_LAYERS = {
    "L1": ("System-Level Decisions", 1.0),
    "L2": ("Behavioral Control", 1.0),
    "L3": ("Procedural Logic", 1.0),
    "L4": ("Communication Grammar", 1.0),
}
DEFAULT_THRESHOLD = 80.0


@dataclass(frozen=True, slots=True)
class Layer:
    id: str
    name: str
    weight: float


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    layer: str
    severity: str
    weight: float
    essential: bool
    summary: str
    message: str
    kind: CheckKind
    params: dict[str, Any]
    selector: Selector | Union
    pack: str
    source: str
    line: int
    rationale: str = ""
    examples: dict[str, str] = field(default_factory=dict)
    template: dict[str, Any] | None = None
    """The rule as written, for a form-bound rule: rendered per form item at
    check time (see binding.py); `params` and `selector` are unused then."""
    from_form: str | None = None
    """Form path that supplies what this rule asks for: when the form lacks it,
    the failure is a form omission, not a defect of the protocol."""
    fix: dict[str, Any] | None = None

    @property
    def form_bound(self) -> bool:
        return self.template is not None


@dataclass(frozen=True, slots=True)
class RulePack:
    name: str
    description: str
    source: str
    layers: dict[str, Layer]
    threshold: float
    rules: tuple[Rule, ...]
    files: tuple[str, ...] = ()
    title: re.Pattern[str] | None = None
    lineage: tuple[str, ...] = ()
    """This pack and every pack it extends, nearest first."""
    form: str | None = None
    """The pack's default input form (absolute path), used when none is given."""

    def applies_to(self, path: str, title: str | None) -> bool:
        name = Path(path).name
        if any(fnmatch.fnmatch(name, glob) or fnmatch.fnmatch(path, glob) for glob in self.files):
            return True
        return bool(self.title and title and self.title.search(title))


def combine(packs: list[RulePack]) -> RulePack:
    """The packs in effect for one file, read as one: rules by id (the first pack
    to define an id wins), every layer, the strictest threshold."""
    if len(packs) == 1:
        return packs[0]
    rules: dict[str, Rule] = {}
    layers: dict[str, Layer] = {}
    for pack in packs:
        for rule in pack.rules:
            rules.setdefault(rule.id, rule)
        for layer_id, layer in pack.layers.items():
            layers.setdefault(layer_id, layer)
    return RulePack(
        name=" + ".join(p.name for p in packs),
        description="; ".join(p.description for p in packs if p.description),
        source=", ".join(p.source for p in packs),
        layers=dict(sorted(layers.items())),
        threshold=max(p.threshold for p in packs),
        rules=tuple(rules.values()),
        lineage=tuple(dict.fromkeys(n for p in packs for n in p.lineage)),
        form=next((p.form for p in packs if p.form), None),
    )


def shipped_packs_dir() -> Path:
    """Packs travel in the wheel as protolint/rules; a source checkout keeps
    them at the top level, beside linter/."""
    inside = Path(str(resources.files("protolint"))) / "rules"
    if inside.is_dir():
        return inside
    return Path(__file__).resolve().parents[2] / "rules"


def shipped_pack_names() -> list[str]:
    return sorted(p.stem for p in shipped_packs_dir().glob("*.yaml"))


def _parse_yaml(text: str) -> tuple[yaml.Node | None, Any]:
    """One parse gives both the data and the node tree that knows its lines
    (libyaml when the platform has it: packs are read on every run)."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)(text)
    try:
        node = loader.get_single_node()
        return node, (loader.construct_document(node) if node is not None else None)
    finally:
        loader.dispose()


def _line_index(node: yaml.Node, path: tuple = (), index: dict | None = None) -> dict[tuple, int]:
    """JSON path -> 1-based line, from the composed YAML tree, so every error can
    point at the line that causes it."""
    index = {} if index is None else index
    index[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            _line_index(value, path + (key.value,), index)
            index[path + (key.value,)] = key.start_mark.line + 1  # the key's line, not its value's
    elif isinstance(node, yaml.SequenceNode):
        for position, value in enumerate(node.value):
            _line_index(value, path + (position,), index)
    return index


class PackLoader:
    """Loads packs by name or path, each file once, and compiles their rules."""

    def __init__(self) -> None:
        self.kinds = load_builtin_checks()
        self._compiled: dict[Path, RulePack] = {}

    @cached_property
    def _validator(self):
        import jsonschema

        from protolint.schema import shipped_pack_schema
        return jsonschema.Draft202012Validator(shipped_pack_schema())

    def resolve(self, reference: str, relative_to: Path | None = None) -> Path:
        """A pack reference is a path (`./my-pack.yaml`) or a shipped pack name (`core`)."""
        looks_like_path = reference.endswith((".yaml", ".yml")) or "/" in reference or "\\" in reference
        if looks_like_path:
            candidate = Path(reference).expanduser()
            if not candidate.is_absolute() and relative_to is not None:
                candidate = relative_to / candidate
            if not candidate.is_file():
                raise PackError(reference, "no such pack file")
            return candidate.resolve()
        shipped = shipped_packs_dir() / f"{reference}.yaml"
        if not shipped.is_file():
            names = ", ".join(shipped_pack_names())
            raise PackError(reference, f"unknown pack {reference!r}; shipped packs: {names}")
        return shipped.resolve()

    def load(self, reference: str) -> RulePack:
        return self._load(self.resolve(reference), ())

    def load_all(self) -> list[RulePack]:
        return [self.load(name) for name in shipped_pack_names()]

    def _load(self, path: Path, chain: tuple[Path, ...]) -> RulePack:
        if path in chain:
            cycle = " -> ".join(p.name for p in chain + (path,))
            raise PackError(str(chain[-1]), f"extends cycle: {cycle}")
        if path in self._compiled:
            return self._compiled[path]
        data, lines = self._read(path)
        source = str(path)
        parents = []
        for position, reference in enumerate(data.get("extends", [])):
            try:
                parents.append(self._load(self.resolve(reference, path.parent), chain + (path,)))
            except PackError as error:
                if error.path == reference:  # unresolvable reference: point at the extends line
                    raise PackError(source, error.problem, lines.get(("extends", position))) from None
                raise
        pack = self._compile(data, lines, source, parents)
        self._compiled[path] = pack
        return pack

    def _read(self, path: Path) -> tuple[dict, dict[tuple, int]]:
        source = str(path)
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise PackError(source, f"cannot read pack: {error}") from None
        try:
            node, data = _parse_yaml(text)
        except yaml.YAMLError as error:
            mark = getattr(error, "problem_mark", None)
            problem = getattr(error, "problem", None) or str(error)
            raise PackError(source, f"YAML syntax error: {problem}",
                            mark.line + 1 if mark else None) from None
        if not isinstance(data, dict) or node is None:
            raise PackError(source, "a pack is a YAML mapping with at least a `pack:` name", 1)
        lines = _line_index(node)
        errors = sorted(self._validator.iter_errors(data), key=lambda e: list(e.absolute_path))
        if errors:
            error = _deepest(errors)
            path_ = tuple(error.absolute_path)
            raise PackError(source, _explain(error), _line_for(lines, path_), _rule_id(data, path_))
        return data, lines

    def _compile(self, data: dict, lines: dict[tuple, int], source: str,
                 parents: list[RulePack]) -> RulePack:
        name = data["pack"]
        layers: dict[str, Layer] = {}
        for parent in parents:
            layers.update(parent.layers)
        if "layers" in data:
            layers = {lid: Layer(lid, spec["name"], float(spec.get("weight", 1.0)))
                      for lid, spec in data["layers"].items()}
        if not layers:
            layers = {lid: Layer(lid, n, w) for lid, (n, w) in DEFAULT_LAYERS.items()}

        rules: dict[str, Rule] = {}
        for parent in parents:
            for rule in parent.rules:
                rules.setdefault(rule.id, rule)
        own: set[str] = set()
        for position, spec in enumerate(data.get("rules", [])):
            rule_id = spec["id"]
            line = lines.get(("rules", position, "id"), lines.get(("rules", position)))
            if rule_id in own:
                raise PackError(source, f"duplicate rule id {rule_id!r}", line, rule_id)
            own.add(rule_id)
            if spec["layer"] not in layers:
                raise PackError(source, f"layer {spec['layer']!r} is not defined; layers: "
                                        f"{', '.join(layers)}", lines.get(("rules", position, "layer")), rule_id)
            rules.pop(rule_id, None)  # a redefinition replaces the inherited rule in place of order
            rules[rule_id] = self._compile_rule(spec, name, source, line, lines, position)
        for position, rule_id in enumerate(data.get("disable", [])):
            if rule_id not in rules:
                raise PackError(source, f"cannot disable unknown rule {rule_id!r}",
                                lines.get(("disable", position)), rule_id)
            del rules[rule_id]

        applies = data.get("applies_to", {})
        form = (str((Path(source).parent / data["form"]).resolve()) if "form" in data
                else next((p.form for p in parents if p.form), None))
        title = applies.get("title")
        threshold = data.get("threshold", parents[0].threshold if parents else DEFAULT_THRESHOLD)
        return RulePack(
            name=name,
            description=data.get("description", ""),
            source=source,
            layers=layers,
            threshold=float(threshold),
            rules=tuple(rules.values()),
            files=tuple(applies.get("files", [])),
            title=self._regex(title, source, lines.get(("applies_to", "title")), None) if title else None,
            lineage=(name,) + tuple(n for p in parents for n in p.lineage),
            form=form,
        )

    def _compile_rule(self, spec: dict, pack: str, source: str, line: int,
                      lines: dict[tuple, int], position: int) -> Rule:
        rule_id = spec["id"]
        kind = self.kinds[spec["check"]]

        def where(*keys: Any) -> int:
            return lines.get(("rules", position) + keys, line)

        for key in ("for_each", "from_form"):
            if key in spec:
                try:
                    parse_form_path(spec[key])
                except ValueError as error:
                    raise PackError(source, str(error), where(key), rule_id) from None
        template = None
        params: dict[str, Any] = {}
        if is_form_bound(spec):
            template = spec
            self._check_templates(spec, source, line, rule_id)
            kind_parameters: Any = ()
        else:
            kind_parameters = kind.parameters
        for key in kind_parameters:
            if key not in spec:
                continue
            value = spec[key]
            if key in REGEX_PARAMETERS:
                if isinstance(value, list):
                    value = [self._regex(v, source, where(key, i), rule_id) for i, v in enumerate(value)]
                else:
                    value = self._regex(value, source, where(key), rule_id)
            elif key == "target":
                value = self._selector(value, source, where(key), rule_id)
            params[key] = value
        if kind.prepare is not None and template is None:
            params = kind.prepare(params)
        return Rule(
            id=rule_id,
            layer=spec["layer"],
            severity=spec.get("severity", "error"),
            weight=float(spec.get("weight", 1.0)),
            essential=bool(spec.get("essential", False)),
            summary=spec["summary"],
            message=spec["message"],
            kind=kind,
            params=params,
            selector=self._selector(spec.get("in"), source, where("in"), rule_id),
            pack=pack,
            source=source,
            line=line,
            rationale=spec.get("rationale", "").strip(),
            examples=spec.get("examples", {}),
            template=template,
            from_form=spec.get("from_form"),
            fix=spec.get("fix"),
        )

    @staticmethod
    def _check_templates(spec: dict, source: str, line: int, rule_id: str) -> None:
        """A template error is the pack's fault: report it at load, not per file."""
        import jinja2

        def strings(value: Any):
            if isinstance(value, str):
                yield value
            elif isinstance(value, list):
                for v in value:
                    yield from strings(v)
            elif isinstance(value, dict):
                for v in value.values():
                    yield from strings(v)
        for text in strings({k: v for k, v in spec.items() if k != "examples"}):
            if "{{" in text or "{%" in text:
                try:
                    jinja2.Environment().parse(text)
                except jinja2.TemplateSyntaxError as error:
                    raise PackError(source, f"bad template {text!r}: {error.message}", line, rule_id) from None

    def _selector(self, spec: Any, source: str, line: int, rule_id: str) -> Selector | Union:
        try:
            return compile_selector(spec)
        except re.error as error:
            raise PackError(source, f"bad regular expression in selector: {error}", line, rule_id) from None

    @staticmethod
    def _regex(pattern: str, source: str, line: int | None, rule_id: str | None) -> re.Pattern[str]:
        try:
            return re.compile(pattern)
        except re.error as error:
            raise PackError(source, f"bad regular expression /{pattern}/: {error}", line, rule_id) from None


def _deepest(errors: list) -> Any:
    """Of several schema errors, the one a person should read: the most specific,
    looking through `if/then` branches to the key that is really wrong."""
    import jsonschema

    best = jsonschema.exceptions.best_match(errors, key=lambda e: (len(e.absolute_path), -len(e.context)))
    while best.context and not _is_one_of_required(best):
        best = jsonschema.exceptions.best_match(best.context)
    return best


def _is_one_of_required(error: Any) -> bool:
    return error.validator == "anyOf" and all("required" in s for s in error.validator_value)


def _explain(error: Any) -> str:
    where = ".".join(str(p) for p in error.absolute_path) or "pack"
    validator = error.validator
    if validator == "additionalProperties":
        allowed = sorted(k for k in error.schema.get("properties", {}))
        unexpected = sorted(set(error.instance) - set(allowed))
        keys = ", ".join(repr(k) for k in unexpected)
        return f"unknown key {keys} in {where}; valid keys: {', '.join(allowed)}"
    if validator == "enum":
        key = error.absolute_path[-1] if error.absolute_path else "value"
        choices = ", ".join(str(c) for c in error.validator_value)
        return f"{error.instance!r} is not a valid {key}; choose one of: {choices}"
    if validator == "required":
        missing = error.message.split("'")[1] if "'" in error.message else error.message
        return f"{where} is missing required key {missing!r}"
    if _is_one_of_required(error):
        options = ", ".join(s["required"][0] for s in error.validator_value)
        return f"{where} needs one of: {options}"
    return f"{where}: {error.message}"


def _line_for(lines: dict[tuple, int], path: tuple) -> int | None:
    while path and path not in lines:
        path = path[:-1]
    return lines.get(path)


def _rule_id(data: dict, path: tuple) -> str | None:
    if len(path) >= 2 and path[0] == "rules" and isinstance(path[1], int):
        rules = data.get("rules") or []
        if path[1] < len(rules) and isinstance(rules[path[1]], dict):
            rule_id = rules[path[1]].get("id")
            return rule_id if isinstance(rule_id, str) else None
    return None
