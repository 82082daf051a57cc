"""The JSON Schemas protolint ships, and the pack schema derived from the
registered check kinds.

The shipped file `schemas/pack.schema.json` is `build_pack_schema()`'s output
for the built-in kinds and fix actions, a rule's keys being the typed
parameters its kind declares (`make schema` writes it; a test keeps the two
equal), so editors and the loader validate against the same vocabulary the
engine runs.
When a pack uses a plugin's kind, the loader generates the schema again with
that kind in it; the shipped file never names plugins.  The configuration
schema is written by hand: it is the one source of the config vocabulary.
"""

from __future__ import annotations

import json
from importlib import resources
from collections.abc import Callable, Mapping
from typing import Any

from protolint.checks import FORM_VALUES_KIND, CheckKind
from protolint.checks.builtin import load_builtin_checks
from protolint.fixes import COMMON_PARAMETERS, FixAction
from protolint.fixes.builtin import load_fix_actions
from protolint.selectors import SELECTOR_SCHEMA

SCHEMA_ID = "https://protolint.dev/schemas/pack.schema.json"
LAYER_ID = {"type": "string", "pattern": "^L[0-9]$"}

RULE_PROPERTIES: dict[str, Any] = {
    "id": {"type": "string", "pattern": "^[A-Za-z][A-Za-z0-9_.-]*$"},
    "layer": LAYER_ID,
    "severity": {"enum": ["error", "warning", "info"]},
    "weight": {"type": "number", "exclusiveMinimum": 0},
    "essential": {"type": "boolean",
                  "description": "the layer counts as missing when all its essential rules fail"},
    "summary": {"type": "string", "minLength": 1},
    "message": {"type": "string", "minLength": 1},
    "rationale": {"type": "string"},
    "examples": {"type": "object", "additionalProperties": False,
                 "properties": {"pass": {"type": "string"}, "fail": {"type": "string"},
                                "form": {"type": "string",
                                         "description": "YAML: the form fields a form-bound rule's examples use"},
                                "workspace": {"type": "object", "additionalProperties": {"type": "string"},
                                              "description": "other protocols (file name: text) a workspace rule's examples are checked among"}}},
    "in": {"oneOf": [{"$ref": "#/definitions/selector"},
                     {"type": "array", "items": {"$ref": "#/definitions/selector"}, "minItems": 1}]},
    "check": {"type": "string"},
    "for_each": {"type": "string",
                 "description": "form path (phases[*].steps[action_type=MUST]): run the rule once per "
                                "form item, its parameters rendered with {{ item.… }}, {{ phase.… }}, {{ form.… }}"},
    "from_form": {"oneOf": [
        {"type": "string",
         "description": "form path that supplies what the rule asks for: a failure the form "
                        "cannot mend (the rule's check fails on the path's values too) is "
                        "reported as a form omission naming this field"},
        {"$ref": "#/definitions/form_source"},
    ]},
    "fix": {"$ref": "#/definitions/fix"},
}

def build_fix_schema(actions: Mapping[str, FixAction] | None = None) -> dict[str, Any]:
    """A rule's `fix:`: the action's name, then the parameters that action declares."""
    actions = load_fix_actions() if actions is None else actions
    branches = []
    for name in sorted(actions):
        action = actions[name]
        then: dict[str, Any] = {"properties": {"action": True, **{k: True for k in COMMON_PARAMETERS},
                                               **{k: p.schema for k, p in action.parameters.items()}},
                                "additionalProperties": False}
        if action.required:
            then["required"] = list(action.required)
        branches.append({"if": {"properties": {"action": {"const": name}}, "required": ["action"]},
                         "then": then})
    unsafe = sorted(name for name, action in actions.items() if not action.safe)
    return {
        "type": "object",
        "required": ["action"],
        "description": "how `--fix` and `cycle` mend a failure of this rule (texts are Jinja2 "
                       "templates over form, item, phase)",
        "properties": {"action": {"enum": sorted(actions)},
                       **{k: p.schema for k, p in COMMON_PARAMETERS.items()},
                       "safe": {**COMMON_PARAMETERS["safe"].schema,
                                "description": f"default: true, except {', '.join(unsafe)}" if unsafe
                                else "default: true"}},
        "allOf": branches,
    }


def _form_source_schema(kind: CheckKind) -> dict[str, Any]:
    schema: dict[str, Any] = {
        "type": "object",
        "additionalProperties": False,
        "required": ["field", *kind.required],
        "description": f"form path and a `{kind.name}` check its values must pass, in place of the "
                       "rule's own check (for rules that look for the protocol's wording)",
        "properties": {"field": {"type": "string", "description": "form path"}, **_parameters(kind)},
    }
    if kind.requires_one_of:
        schema["anyOf"] = [{"required": [p]} for p in kind.requires_one_of]
    return schema


def _parameters(kind: CheckKind) -> dict[str, Any]:
    return {key: parameter.schema for key, parameter in kind.parameters.items()}


def build_pack_schema(kinds: Mapping[str, CheckKind] | None = None) -> dict[str, Any]:
    """The pack schema for these check kinds (default: the built-ins).  A kind
    that reads more than the selected nodes cannot judge a form's values: its
    rules take `from_form` only with a check of its own."""
    kinds = load_builtin_checks() if kinds is None else kinds
    branches = []
    for name in sorted(kinds):
        kind = kinds[name]
        then: dict[str, Any] = {
            "properties": {**{k: True for k in RULE_PROPERTIES}, **_parameters(kind)},
            "additionalProperties": False,
        }
        if not kind.judges_values:  # the mapping's own check judges the values, never this kind
            then["properties"]["from_form"] = {"$ref": "#/definitions/form_source"}
        if kind.required:
            then["required"] = list(kind.required)
        if kind.requires_one_of:
            then["anyOf"] = [{"required": [p]} for p in kind.requires_one_of]
        branches.append({"if": {"properties": {"check": {"const": name}}, "required": ["check"]},
                         "then": then})
    rule = {
        "type": "object",
        "required": ["id", "layer", "summary", "message", "check"],
        "properties": {**RULE_PROPERTIES, "check": {"enum": sorted(kinds)}},
        "allOf": branches,
    }
    return {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "$id": SCHEMA_ID,
        "title": "protolint rule pack",
        "type": "object",
        "additionalProperties": False,
        "required": ["pack"],
        "properties": {
            "pack": {"type": "string", "pattern": "^[A-Za-z0-9][A-Za-z0-9_.-]*$"},
            "description": {"type": "string"},
            "extends": {"type": "array", "items": {"type": "string"}},
            "applies_to": {
                "type": "object", "additionalProperties": False,
                "properties": {"files": {"type": "array", "items": {"type": "string"}},
                               "title": {"type": "string"}},
            },
            "threshold": {"type": "number", "minimum": 0, "maximum": 100},
            "layers": {
                "type": "object",
                "propertyNames": LAYER_ID,
                "additionalProperties": {
                    "type": "object", "additionalProperties": False, "required": ["name"],
                    "properties": {"name": {"type": "string"},
                                   "weight": {"type": "number", "minimum": 0},
                                   "trust": {"type": "boolean",
                                             "description": "its rules judge whether the text can be trusted: "
                                                            "they never move a score (an error fails the verdict) "
                                                            "and only a comment naming them hides them"}},
                },
            },
            "disable": {"type": "array", "items": {"type": "string"}},
            "roles": {
                "type": "object",
                "description": "section roles added to the shipped vocabulary (rules/vocabulary/roles.yaml), or titles and labels added to a known role",
                "additionalProperties": {
                    "type": "object", "additionalProperties": False,
                    "properties": {
                        "title": {"type": "string", "description": "how a message names the part"},
                        "summary": {"type": "string"},
                        "titles": {"type": "array", "items": {"type": "string"}},
                        "labels": {"type": "array", "items": {"type": "string"}},
                        "top": {"type": "boolean"},
                        "pseudo": {"type": "boolean"},
                        "not_under": {"type": "array", "items": {"type": "string"}},
                        "not_titles": {"type": "array", "items": {"type": "string"},
                                       "description": "titles that rule the role out, whatever `titles` says"},
                    },
                },
            },
            "form": {"type": "string", "description": "default input form, relative to this pack"},
            "rules": {"type": "array", "items": {"$ref": "#/definitions/rule"}},
        },
        "definitions": {"rule": rule, "selector": SELECTOR_SCHEMA, "fix": build_fix_schema(),
                        "form_source": _form_source_schema(kinds[FORM_VALUES_KIND])},
    }


def _shipped(name: str) -> dict[str, Any]:
    return json.loads(resources.files("protolint").joinpath(f"schemas/{name}.schema.json").read_text("utf-8"))


def shipped_pack_schema() -> dict[str, Any]:
    return _shipped("pack")


def installed_pack_schema() -> dict[str, Any]:
    """The pack schema with every installed plugin's kinds (the shipped one when there are none)."""
    from protolint.plugins import plugin_check_kinds

    plugins = plugin_check_kinds()
    return build_pack_schema({**load_builtin_checks(), **plugins}) if plugins else shipped_pack_schema()


def config_schema() -> dict[str, Any]:
    return _shipped("config")


SCHEMAS: dict[str, Callable[[], dict[str, Any]]] = {
    "pack": installed_pack_schema,
    "config": config_schema,
    "form": lambda: _shipped("form"),
}
"""What `protolint schema NAME` prints: adding a schema is one entry here."""


def schema_text(name: str) -> str:
    """The schema as `protolint schema NAME` prints it and `protolint init` saves it."""
    return json.dumps(SCHEMAS[name](), indent=2, ensure_ascii=False) + "\n"


if __name__ == "__main__":
    print(json.dumps(build_pack_schema(), indent=2, ensure_ascii=False))
