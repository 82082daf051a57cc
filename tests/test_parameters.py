"""Typed check-kind parameters: the declaration, not the name, decides how a
value is compiled, and the schema refuses what the loader cannot judge."""

from __future__ import annotations

import textwrap

import pytest

from protolint.binding import bind
from protolint.checks import CheckKind, check
from protolint.checks.builtin import load_builtin_checks
from protolint.errors import PackError
from protolint.packs import PackLoader
from protolint.parameters import (Flag, ParameterError, Regex, RegexList, RegexMap, Selector,
                                  compile_parameters, freeze)
from protolint.regex import Pattern
from protolint.selectors import Selector as CompiledSelector

KINDS = load_builtin_checks()


def probe(**parameters) -> CheckKind:
    return CheckKind("probe", lambda scope, params: [], parameters)


def test_a_parameter_is_a_regex_because_its_kind_declares_it_so():
    kind = probe(needle=Regex(), needles=RegexList(), named=RegexMap(), elsewhere=Selector(), strict=Flag())
    compiled = compile_parameters(kind, {"needle": "a+", "needles": ["b", "c"], "named": {"key": "d"},
                                         "elsewhere": {"section": "GATES"}, "strict": True, "other": "x"})
    assert isinstance(compiled["needle"], Pattern) and compiled["needle"].pattern == "a+"
    assert [p.pattern for p in compiled["needles"]] == ["b", "c"]
    assert compiled["named"]["key"].pattern == "d"
    assert isinstance(compiled["elsewhere"], CompiledSelector)
    assert compiled["strict"] is True and "other" not in compiled
    # `pattern` is not a regex by its name: a kind that declares no such parameter ignores it
    assert compile_parameters(probe(strict=Flag()), {"pattern": "(", "strict": False}) == {"strict": False}


def test_a_bad_pattern_names_where_it_is_inside_the_parameter():
    kind = probe(needles=RegexList(), named=RegexMap(), elsewhere=Selector())
    for raw, at, words in [({"needles": ["ok", "(?=x)"]}, ("needles", 1), "lookahead"),
                           ({"named": {"token": "(a"}}, ("named", "token"), "bad regular expression /(a/"),
                           ({"elsewhere": {"where": "(?<=x)"}}, ("elsewhere",), "in selector")]:
        with pytest.raises(ParameterError) as raised:
            compile_parameters(kind, raw)
        assert raised.value.at == at and words in raised.value.problem


def test_a_kind_with_an_untyped_parameter_is_refused_at_registration():
    with pytest.raises(TypeError, match="declare parameter\\(s\\) max with a type"):
        check("untyped_probe", parameters={"max": {"type": "integer"}})


def test_frozen_specs_tell_types_apart_and_ignore_mapping_order():
    assert freeze({"a": [1, "x"], "b": {"c": None}}) == freeze({"b": {"c": None}, "a": [1, "x"]})
    assert freeze({"min": 1}) != freeze({"min": True})
    assert freeze(["a", "b"]) != freeze({"a": "b"})


def test_the_binder_compiles_each_distinct_rendering_once():
    spec = {"for_each": "phases[*]", "check": "contains", "pattern": "{{ item.name }} gate",
            "in": {"section": "{{ item.name }}"}}
    form = {"phases": [{"name": "Go"}, {"name": "Go"}, {"name": "Stop (now)"}]}
    first, again, other = bind(spec, KINDS["contains"], form)
    assert first.params is again.params and first.selector is again.selector
    assert other.params["pattern"].pattern == r"Stop\s+\(now\) gate"  # the form's words escaped
    assert other.params is not first.params


def pack_with(rule: str) -> str:
    return textwrap.dedent("""\
        pack: p
        rules:
          - id: r
            layer: L1
            summary: s
            message: m
        """) + textwrap.indent(textwrap.dedent(rule), "    ")


def test_a_kind_that_reads_the_document_takes_from_form_only_with_a_check_of_its_own(tmp_path):
    path = tmp_path / "pack.yaml"
    path.write_text(pack_with("check: sections\nrequired: [Gates]\nfrom_form: phases[*].phase_name\n"))
    with pytest.raises(PackError, match="rules.0.from_form: 'phases\\[\\*\\].phase_name' is not of type 'object'"):
        PackLoader().load(str(path))
    path.write_text(pack_with("check: sections\nrequired: [Gates]\n"
                              "from_form: {field: 'phases[*].phase_name', pattern: '(?i)gate'}\n"))
    (rule,) = PackLoader().load(str(path)).rules
    assert rule.from_form.kind.name == "contains" and rule.from_form.expects["pattern"].pattern == "(?i)gate"
