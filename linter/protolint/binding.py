"""Form-bound rules: a rule whose expectations come from the input form.

A rule with `for_each: phases[*].steps[action_type=MUST]` runs once per form
item, its parameters and selector rendered with `{{ item.… }}`, `{{ phase.… }}`
(the enclosing phase) and `{{ form.… }}`.  A value put into a regular
expression is escaped, and its spaces match any run of whitespace, so the
form's exact words are required but a line break between them is not an error.
A needle that renders empty (a form field left blank) asks for nothing.

Rendering happens once per item and compiling once per distinct rendering
(keyed by its frozen spec), not per document.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any, Iterator

import re2

from protolint.checks import CheckKind
from protolint.parameters import Selector as SelectorParameter
from protolint.parameters import compile_parameters, freeze
from protolint.selectors import Selector, Union, compile_selector

if TYPE_CHECKING:
    from protolint.form import FormItem

SELECTOR_REGEX_KEYS = frozenset({"section_pattern", "where"})


@dataclass(frozen=True, slots=True)
class BoundCheck:
    item: FormItem | None
    params: dict[str, Any]
    selector: Selector | Union

    @property
    def label(self) -> str:
        """How a finding names the form item it is about."""
        if self.item is None:
            return ""
        value = self.item.value
        if isinstance(value, dict):
            for key in ("action_title", "gate_name", "hook_name", "error_type", "evidence_item",
                        "protocol", "prompt_context", "phase_name"):
                if value.get(key):
                    return f"form {self.item.path} {value[key]!r}"
        elif isinstance(value, str) and value.strip():
            return f"form {self.item.path} {value!r}"
        return f"form {self.item.path}"


def is_form_bound(spec: dict) -> bool:
    return "for_each" in spec or "{{" in repr({k: v for k, v in spec.items()
                                               if k not in ("fix", "examples", "message", "summary", "rationale")})


@cache
def _environment(for_regex: bool):
    import jinja2

    def finalize(value: Any) -> str:
        text = "" if value is None else str(value)
        return re.sub(r"(\\ )+", r"\\s+", re2.escape(text)) if for_regex else text
    return jinja2.Environment(undefined=jinja2.ChainableUndefined, finalize=finalize,
                              autoescape=False, keep_trailing_newline=False)


@cache
def _template(source: str, for_regex: bool):
    return _environment(for_regex).from_string(source)


def render_value(value: Any, context: dict, for_regex: bool) -> Any:
    if isinstance(value, str):
        return _template(value, for_regex).render(context) if "{{" in value or "{%" in value else value
    if isinstance(value, list):
        return [render_value(v, context, for_regex) for v in value]
    if isinstance(value, dict):
        return {name: render_value(v, context, for_regex) for name, v in value.items()}
    return value


def _render_selector(spec: Any, context: dict) -> Any:
    if spec is None:
        return None
    if isinstance(spec, list):
        return [_render_selector(s, context) for s in spec]
    return {k: render_value(v, context, k in SELECTOR_REGEX_KEYS) for k, v in spec.items()}


def items_of(for_each: str | None, form_data: dict) -> list[FormItem | None]:
    if for_each is None:
        return [None]
    from protolint.form import parse_form_path, select

    return list(select(form_data, parse_form_path(for_each)))


def context_for(item: FormItem | None, form_data: dict) -> dict[str, Any]:
    context: dict[str, Any] = {"form": form_data}
    if item is not None:
        context.update(item.parents)
        context["item"] = item.value
    return context


def bind(spec: dict, kind: CheckKind, form_data: dict) -> Iterator[BoundCheck]:
    """The rule's checks for this form: one per item, with empty needles dropped."""
    for item in items_of(spec.get("for_each"), form_data):
        context = context_for(item, form_data)
        params = _bound_params(spec, kind, context)
        if params is None:
            continue
        yield BoundCheck(item, params, _compiled_selector(_render_selector(spec.get("in"), context)))


def _bound_params(spec: dict, kind: CheckKind, context: dict) -> dict[str, Any] | None:
    raw: dict[str, Any] = {}
    for key, parameter in kind.parameters.items():
        if key not in spec:
            continue
        if isinstance(parameter, SelectorParameter):
            raw[key] = _render_selector(spec[key], context)
            continue
        value = render_value(spec[key], context, parameter.regex)
        if isinstance(value, list):
            value = [v for v in value if not (isinstance(v, str) and not v.strip())]
            if not value:
                continue
        elif isinstance(value, str) and not value.strip():
            continue
        raw[key] = value
    needle_keys = set(kind.requires_one_of) | set(kind.required)
    if needle_keys and not needle_keys & set(raw):
        return None  # every needle rendered empty: the form asks for nothing here
    key = (kind.name, freeze(raw))
    if key not in _PARAMS:
        _PARAMS[key] = compile_parameters(kind, raw)
    return _PARAMS[key]


_PARAMS: dict[tuple, dict[str, Any]] = {}
_SELECTORS: dict[Any, Selector | Union] = {}


def _compiled_selector(rendered: Any) -> Selector | Union:
    key = freeze(rendered)
    if key not in _SELECTORS:
        _SELECTORS[key] = compile_selector(rendered)
    return _SELECTORS[key]
