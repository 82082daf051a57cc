"""Rule packs: load YAML, validate against the pack schema, resolve `extends`,
compile every rule once.

A pack names where it applies, its layers and threshold, and its rules.  A bad
pack is one PackError naming the file, the line and the rule — found before
any protocol is checked.
"""

from __future__ import annotations

import difflib
import fnmatch
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import Any

from protolint.binding import is_form_bound
from protolint.checks import FORM_VALUES_KIND, CheckKind
from protolint.checks.builtin import load_builtin_checks
from protolint.errors import PackError, PluginError, did_you_mean
from protolint.parameters import ParameterError, compile_parameters, compile_value
from protolint.regex import Pattern, PatternError, compile_pattern
from protolint.roles import Vocabulary, shipped_vocabulary
from protolint.shipped import parsed, shipped_rules_dir
from protolint.selectors import Selector, Union, compile_selector
from protolint.userfiles import Unreadable, read_user_text
from protolint.validation import (MAX_YAML_CHARS, LineIndex, YAMLProblem, first_error, line_for,
                                   line_index, parse_yaml)

DEFAULT_LAYERS = {
    "L1": ("System-Level Decisions", 1.0),
    "L2": ("Behavioral Control", 1.0),
    "L3": ("Procedural Logic", 1.0),
    "L4": ("Communication Grammar", 1.0),
}
DEFAULT_THRESHOLD = 80.0
TRUST_PACK = "trust"


@dataclass(frozen=True, slots=True)
class Layer:
    id: str
    name: str
    weight: float
    trust: bool = False
    """Its rules judge whether the text can be trusted (what a reviewer cannot
    see), not how the protocol is built: they never move a score, an error
    among them fails the verdict, and only a comment naming them hides them."""


@dataclass(frozen=True, slots=True)
class FormSource:
    """Where the input form supplies what a rule asks for, and how to tell
    whether it does: a failure the form cannot mend is a form omission, not a
    defect of the protocol."""

    field: str
    """Form path: `phases[*].quality_gate.gate_name`."""
    kind: CheckKind | None = None
    expects: dict[str, Any] | None = None
    """Parameters of `kind` (FORM_VALUES_KIND) run on the field's values in place
    of the rule's own check: for rules that look for the protocol's wording (an
    "Expected output" label) or at one item among many, which the form's values
    cannot be held to as they stand."""


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
    from_form: FormSource | None = None
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
    title: Pattern | None = None
    lineage: tuple[str, ...] = ()
    """This pack and every pack it extends, nearest first."""
    form: str | None = None
    """The pack's default input form (absolute path), used when none is given."""
    vocabulary: Vocabulary | None = None
    """The section roles this pack reads documents with, when it (or a pack it
    extends) adds to the shipped vocabulary; None: the shipped one."""

    def applies_to(self, path: str, title: str | None) -> bool:
        return _applies(self.files, self.title, path, title)


@dataclass(frozen=True, slots=True)
class PackScope:
    """Which files a pack applies to, read without compiling its rules: a run
    compiles only the packs some file it checks needs (a one-file check
    compiles one or two of the shipped packs, not all of them)."""

    name: str
    files: tuple[str, ...]
    title: Pattern | None
    lineage: tuple[str, ...]

    def applies_to(self, path: str, title: str | None) -> bool:
        return _applies(self.files, self.title, path, title)


def _applies(files: tuple[str, ...], pattern: Pattern | None, path: str, title: str | None) -> bool:
    name = Path(path).name
    if any(fnmatch.fnmatch(name, glob) or fnmatch.fnmatch(path, glob) for glob in files):
        return True
    return bool(pattern and title and pattern.search(title))


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
        vocabulary=next((p.vocabulary for p in packs if p.vocabulary), None),
    )


shipped_packs_dir = shipped_rules_dir


def shipped_pack_names() -> list[str]:
    return sorted(p.stem for p in shipped_packs_dir().glob("*.yaml"))


class PackLoader:
    """Loads packs by name or path, each file once, and compiles their rules.

    The shipped packs are validated against the schema (and their templates
    parsed) by the test suite, so a run trusts them and spends neither the
    jsonschema nor the jinja2 import on them; `verify_shipped` is the test's
    way in.  A user's pack is always validated."""

    def __init__(self, verify_shipped: bool = False) -> None:
        self.kinds = load_builtin_checks()
        self._builtin = frozenset(self.kinds)
        self._compiled: dict[Path, RulePack] = {}
        self._scopes: dict[Path, PackScope] = {}
        self._unread: dict[Path, tuple[dict, LineIndex]] = {}
        """Packs whose scope was read, their rules not yet compiled."""
        self._extends: dict[Path, tuple[Path, ...]] = {}
        self._verify_shipped = verify_shipped
        self._shipped_dir = shipped_packs_dir().resolve()

    def _verified(self, source: str) -> bool:
        return self._verify_shipped or Path(source).parent != self._shipped_dir

    @cached_property
    def _validator(self):
        """The shipped schema, or one generated with the plugin kinds in use."""
        import jsonschema

        from protolint.schema import build_pack_schema, shipped_pack_schema
        plugins = set(self.kinds) - self._builtin
        return jsonschema.Draft7Validator(build_pack_schema(self.kinds) if plugins else shipped_pack_schema())

    def resolve(self, reference: str, relative_to: Path | None = None) -> Path:
        """A pack reference is a path (`./my-pack.yaml`) or a shipped pack name (`core`)."""
        if is_pack_path(reference):
            candidate = Path(reference).expanduser()
            if not candidate.is_absolute() and relative_to is not None:
                candidate = relative_to / candidate
            if not candidate.is_file():
                raise PackError(reference, "no such pack file")
            return candidate.resolve()
        shipped = shipped_packs_dir() / f"{reference}.yaml"
        if not shipped.is_file():
            names = ", ".join(shipped_pack_names())
            raise PackError(reference, f"unknown pack {reference!r}{did_you_mean(reference, shipped_pack_names())}"
                                       f"; shipped packs: {names}")
        return shipped.resolve()

    def load(self, reference: str) -> RulePack:
        return self._load(self.resolve(reference), ())

    def load_all(self) -> list[RulePack]:
        return [self.load(name) for name in shipped_pack_names()]

    def scope(self, reference: str, chain: tuple[Path, ...] = ()) -> PackScope:
        """Where a pack applies, from its file and those it extends, its rules
        left uncompiled until `load`."""
        path = self.resolve(reference)
        if path in chain:
            self.load(reference)  # the extends cycle, said as loading says it
        if path in self._compiled:
            pack = self._compiled[path]
            return PackScope(pack.name, pack.files, pack.title, pack.lineage)
        if path not in self._scopes:
            data, lines = self._unread[path] = self._read(path)
            parents = [self.scope(str(self.resolve(parent, path.parent)), chain + (path,))
                       for parent in data.get("extends", [])]
            self._scopes[path] = self._scope_of(data, lines, str(path), parents)
        return self._scopes[path]

    def _scope_of(self, data: dict, lines: LineIndex, source: str,
                  parents: list[PackScope] | list[RulePack]) -> PackScope:
        applies = data.get("applies_to", {})
        title = applies.get("title")
        return PackScope(
            name=data["pack"], files=tuple(applies.get("files", [])),
            title=self._regex(title, source, lines.get(("applies_to", "title")), None) if title else None,
            lineage=(data["pack"],) + tuple(n for p in parents for n in p.lineage))

    def with_trust(self, pack: RulePack) -> RulePack:
        """The pack with the trust rules beside its own, under its own name:
        whatever packs run, what a reviewer cannot see is checked too."""
        if TRUST_PACK in pack.lineage:
            return pack
        combined = combine([pack, self.load(TRUST_PACK)])
        return replace(combined, name=pack.name, description=pack.description, source=pack.source)

    def _load(self, path: Path, chain: tuple[Path, ...]) -> RulePack:
        if path in chain:
            cycle = " -> ".join(p.name for p in chain + (path,))
            raise PackError(str(chain[-1]), f"extends cycle: {cycle}")
        if path in self._compiled:
            return self._compiled[path]
        data, lines = self._unread.pop(path, None) or self._read(path)
        source = str(path)
        parents = []
        for position, reference in enumerate(data.get("extends", [])):
            try:
                parents.append(self._load(self.resolve(reference, path.parent), chain + (path,)))
            except PackError as error:
                if error.path == reference:  # unresolvable reference: point at the extends line
                    raise PackError(source, error.problem, lines.get(("extends", position))) from None
                raise
        scope = self._scopes.get(path) or self._scope_of(data, lines, source, parents)
        pack = self._compile(data, lines, source, parents, scope)
        self._compiled[path] = pack
        self._extends[path] = tuple(self.resolve(reference, path.parent) for reference in data.get("extends", []))
        return pack

    @property
    def builtin_kinds(self) -> frozenset[str]:
        return self._builtin

    def sources(self, reference: str) -> list[Path]:
        """The pack file a reference names and every file it extends, loaded."""
        found, todo = [], [self.resolve(reference)]
        self.load(reference)
        while todo:
            path = todo.pop()
            if path not in found:
                found.append(path)
                todo.extend(self._extends.get(path, ()))
        return found

    def _read(self, path: Path) -> tuple[dict, LineIndex]:
        source = str(path)
        if not self._verified(source):
            copy = parsed(path)
            if copy is not None:
                return copy
        try:
            text = read_user_text(path, "pack", MAX_YAML_CHARS)
        except Unreadable as error:
            raise PackError(source, error.problem, error.line) from None
        try:
            node, data = parse_yaml(text)
        except YAMLProblem as error:
            raise PackError(source, error.problem, error.line) from None
        if not isinstance(data, dict) or node is None:
            raise PackError(source, "a pack is a YAML mapping with at least a `pack:` name", 1)
        lines = line_index(node)
        self._add_plugin_kinds(data, lines, source)
        failure = first_error(self._validator, data, "pack") if self._verified(source) else None
        if failure:
            problem, path_ = failure
            raise PackError(source, problem, line_for(lines, path_), _rule_id(data, path_))
        return data, lines

    def _add_plugin_kinds(self, data: dict, lines: LineIndex, source: str) -> None:
        """Kinds the built-ins lack come from plugins, loaded only when a pack
        names one: scanning installed packages for entry points costs more than
        most runs spend checking."""
        rules = data.get("rules")
        wanted: dict[str, int] = {}
        for position, spec in enumerate(rules if isinstance(rules, list) else []):
            kind = spec.get("check") if isinstance(spec, dict) else None
            if isinstance(kind, str) and kind not in self.kinds:
                wanted.setdefault(kind, position)
        if not wanted:
            return
        from protolint.plugins import plugin_check_kinds, plugin_kind_names
        try:
            found = plugin_check_kinds(set(wanted))
        except PluginError as error:
            position = wanted.get(error.kind, 0)
            raise PackError(source, str(error), lines.get(("rules", position, "check")),
                            _rule_id(data, ("rules", position))) from None
        self.kinds = {**self.kinds, **found}
        self.__dict__.pop("_validator", None)
        for kind, position in wanted.items():
            if kind not in found:
                known = sorted(set(self.kinds) | plugin_kind_names())
                close = difflib.get_close_matches(kind, known, n=1)
                hint = f"; did you mean {close[0]!r}?" if close else " (or install a plugin that provides it)"
                raise PackError(source, f"{kind!r} is not a valid check; choose one of: {', '.join(known)}{hint}",
                                lines.get(("rules", position, "check")), _rule_id(data, ("rules", position)))

    def _compile(self, data: dict, lines: LineIndex, source: str,
                 parents: list[RulePack], scope: PackScope) -> RulePack:
        name = scope.name
        layers: dict[str, Layer] = {}
        for parent in parents:
            layers.update(parent.layers)
        if "layers" in data:
            layers = {lid: Layer(lid, spec["name"], float(spec.get("weight", 1.0)), bool(spec.get("trust", False)))
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
        vocabulary = next((p.vocabulary for p in parents if p.vocabulary), None)
        if "roles" in data:
            try:
                vocabulary = (vocabulary or shipped_vocabulary()).extended(data["roles"])
            except PatternError as error:
                raise PackError(source, f"bad regular expression in a role's titles or labels: {error}",
                                lines.get(("roles",))) from None
        self._check_roles(data, lines, source, vocabulary or shipped_vocabulary())
        for position, rule_id in enumerate(data.get("disable", [])):
            if rule_id not in rules:
                raise PackError(source, f"cannot disable unknown rule {rule_id!r}",
                                lines.get(("disable", position)), rule_id)
            del rules[rule_id]

        form = (str((Path(source).parent / data["form"]).resolve()) if "form" in data
                else next((p.form for p in parents if p.form), None))
        threshold = data.get("threshold", parents[0].threshold if parents else DEFAULT_THRESHOLD)
        return RulePack(
            name=name,
            description=data.get("description", ""),
            source=source,
            layers=layers,
            threshold=float(threshold),
            rules=tuple(rules.values()),
            files=scope.files,
            title=scope.title,
            lineage=scope.lineage,
            form=form,
            vocabulary=vocabulary,
        )

    @staticmethod
    def _check_roles(data: dict, lines: LineIndex, source: str, vocabulary: Vocabulary) -> None:
        """Every role a rule of this pack selects is in the vocabulary it reads with."""
        known = vocabulary.names
        for position, spec in enumerate(data.get("rules", [])):
            selectors = spec.get("in")
            for part in selectors if isinstance(selectors, list) else [selectors]:
                if not isinstance(part, dict):
                    continue
                role = part.get("role")
                names = ([role] if isinstance(role, str) else list(role or [])) + list(part.get("exclude", []))
                for name in names:
                    if name not in known:
                        close = difflib.get_close_matches(name, known, n=1)
                        hint = f"; did you mean {close[0]!r}?" if close else f"; known roles: {', '.join(known)}"
                        raise PackError(source, f"unknown section role {name!r}{hint}",
                                        lines.get(("rules", position, "in")), spec.get("id"))

    def _compile_rule(self, spec: dict, pack: str, source: str, line: int,
                      lines: LineIndex, position: int) -> Rule:
        rule_id = spec["id"]
        kind = self.kinds[spec["check"]]

        def where(*keys: Any) -> int:
            return lines.get(("rules", position) + keys, line)

        if "for_each" in spec:
            self._form_path(spec["for_each"], source, where("for_each"), rule_id)
        template = spec if is_form_bound(spec) else None
        params: dict[str, Any] = {}
        try:
            if template is None:
                params = compile_parameters(kind, spec)
            elif self._verified(source):
                self._check_templates(spec, source, line, rule_id)
                for key, parameter in kind.parameters.items():
                    if parameter.regex and key in spec:
                        compile_value(kind, key, _as_written(spec[key]))
        except ParameterError as error:
            raise PackError(source, error.problem, where(*error.at), rule_id) from None
        fix = spec.get("fix")
        if isinstance(fix, dict) and self._verified(source):  # a fix's patterns fail at load, not when fixing
            from protolint.fixes.builtin import load_fix_actions

            action = load_fix_actions().get(fix.get("action"))
            for key in action.patterns if action else ():
                if isinstance(fix.get(key), str):
                    self._regex(_as_written(fix[key]), source, where("fix", key), rule_id)
        selector = self._selector(spec.get("in"), source, where("in"), rule_id)
        try:
            from_form = self._form_source(spec.get("from_form"), source, where, rule_id)
        except ParameterError as error:
            raise PackError(source, error.problem, where("from_form", *error.at), rule_id) from None
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
            selector=selector,
            pack=pack,
            source=source,
            line=line,
            rationale=spec.get("rationale", "").strip(),
            examples=spec.get("examples", {}),
            template=template,
            from_form=from_form,
            fix=spec.get("fix"),
        )

    @staticmethod
    def _form_path(expression: str, source: str, line: int, rule_id: str) -> None:
        from protolint.form import parse_form_path

        try:
            parse_form_path(expression)
        except ValueError as error:
            raise PackError(source, str(error), line, rule_id) from None

    def _form_source(self, spec: str | dict | None, source: str, where: Callable[..., int],
                     rule_id: str) -> FormSource | None:
        """`from_form: PATH`, or `{field: PATH, pattern…, each}` with its own check."""
        if spec is None:
            return None
        if isinstance(spec, str):
            self._form_path(spec, source, where("from_form"), rule_id)
            return FormSource(spec)
        self._form_path(spec["field"], source, where("from_form", "field"), rule_id)
        kind = self.kinds[FORM_VALUES_KIND]
        return FormSource(spec["field"], kind, compile_parameters(kind, {k: v for k, v in spec.items() if k != "field"}))

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
        except PatternError as error:
            raise PackError(source, f"bad regular expression in selector: {error}", line, rule_id) from None

    @staticmethod
    def _regex(pattern: str, source: str, line: int | None, rule_id: str | None) -> Pattern:
        try:
            return compile_pattern(pattern)
        except PatternError as error:
            raise PackError(source, f"bad regular expression /{pattern}/: {error}", line, rule_id) from None


_TEMPLATE_VALUE = re.compile(r"\{\{.*?\}\}|\{%.*?%\}", re.DOTALL)


def _as_written(pattern: str | list[str] | dict[str, str]) -> str | list[str] | dict[str, str]:
    """A templated pattern with each `{{ … }}` read as a literal word, so it can
    be compiled at load: the form's values are escaped into it at check time."""
    if isinstance(pattern, list):
        return [_as_written(p) for p in pattern]
    if isinstance(pattern, dict):
        return {name: _as_written(p) for name, p in pattern.items()}
    return _TEMPLATE_VALUE.sub(lambda m: "x" if m.group(0).startswith("{{") else "", pattern)


def is_pack_path(reference: str) -> bool:
    """`./team.yaml` and `packs/team` are paths; `core` is a shipped pack's name."""
    return reference.endswith((".yaml", ".yml")) or "/" in reference or "\\" in reference


def _rule_id(data: dict, path: tuple) -> str | None:
    if len(path) >= 2 and path[0] == "rules" and isinstance(path[1], int):
        rules = data.get("rules") or []
        if path[1] < len(rules) and isinstance(rules[path[1]], dict):
            rule_id = rules[path[1]].get("id")
            return rule_id if isinstance(rule_id, str) else None
    return None
