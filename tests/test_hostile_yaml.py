"""YAML written by someone else (a pack, a configuration, a form) cannot make
protolint hang or run out of memory: alias bombs, deep nesting and huge files
are one line each, exit 2, without a traceback."""

from __future__ import annotations

import pytest

from conftest import PROTOCOLS, protolint
from protolint.validation import MAX_ALIAS_REPEATS, MAX_YAML_CHARS, YAMLLimitError, line_index, parse_yaml

GOOD = PROTOCOLS / "release-execution" / "11-production-deployment.md"


def alias_bomb(prefix: str = "") -> str:
    """Nine levels of nine aliases: 387 million strings once expanded, a few hundred bytes written."""
    lines = [prefix + 'a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for level in range(1, 10):
        refs = ", ".join([f"*a{level - 1}"] * 9)
        lines.append(f"a{level}: &a{level} [{refs}]")
    return "\n".join(lines) + "\n"


def test_an_alias_bomb_is_refused_before_it_is_expanded():
    with pytest.raises(YAMLLimitError, match="aliases repeat more than") as caught:
        parse_yaml(alias_bomb())
    assert caught.value.line is not None


def test_a_recursive_alias_is_refused():
    with pytest.raises(YAMLLimitError, match="nested more than 64 levels"):  # it would nest forever
        parse_yaml("a: &x [1, *x]\n")


def test_deep_nesting_is_refused():
    with pytest.raises(YAMLLimitError, match="nested more than"):
        parse_yaml("a: " + "[" * 200 + "]" * 200 + "\n")


def test_ordinary_aliases_still_read_and_index():
    node, data = parse_yaml("base: &b {in: [x, y]}\nrules:\n  - *b\n  - *b\n")
    assert data["rules"] == [{"in": ["x", "y"]}] * 2
    assert ("rules", 1, "in", 1) in line_index(node)


def test_a_file_over_the_limit_is_refused_unread():
    with pytest.raises(YAMLLimitError, match="larger than 1 MB"):
        parse_yaml("a: 1\n" + "#" * MAX_YAML_CHARS)


def test_the_limit_leaves_room_for_real_files():
    items = "\n".join(f"  - item {n}" for n in range(MAX_ALIAS_REPEATS * 2))
    assert len(parse_yaml("list:\n" + items)[1]["list"]) == MAX_ALIAS_REPEATS * 2


@pytest.mark.parametrize("where", ["pack", "config", "form"])
@pytest.mark.parametrize("text, words", [
    (alias_bomb(), "aliases repeat more than 10,000 nodes"),
    ("a: 1\n" + "# padding\n" * (MAX_YAML_CHARS // 10 + 1), "larger than 1 MB"),
    ("a: " + "[" * 100 + "]" * 100 + "\n", "nested more than 64 levels"),
])
def test_hostile_yaml_is_one_line_and_exit_2(tmp_path, where, text, words):
    hostile = tmp_path / f"{where}.yaml"
    hostile.write_text(text, encoding="utf-8")
    if where == "form":
        result = protolint("generate", hostile, "-o", tmp_path / "out.md")
    else:
        result = protolint("check", f"--{where}", hostile, GOOD)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr and "MemoryError" not in result.stderr
    errors = [line for line in result.stderr.splitlines() if "error" in line]
    assert len(errors) == 1 and str(hostile) in errors[0] and words in errors[0], result.stderr


def test_every_yaml_reader_goes_through_the_limited_parser():
    """The shipped vocabularies, packs, forms and configurations are read by
    parse_yaml; no module parses YAML on its own."""
    from pathlib import Path

    import protolint
    package = Path(protolint.__file__).parent
    offenders = [path.name for path in package.rglob("*.py")
                 if path.name != "validation.py" and any(call in path.read_text(encoding="utf-8")
                                                         for call in ("yaml.safe_load", "yaml.load(", "SafeLoader"))]
    assert offenders == []
