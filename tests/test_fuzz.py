"""Nothing a user can write produces a traceback: fuzzed documents (through the
API and the command line), packs, forms and configurations either work or give
the project's one-line errors (a UserError; exit 2 on the command line).

Bounded in `make test`; `make fuzz` runs thousands of examples per test.
"""

from __future__ import annotations

import copy

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import FIXTURES, PROTOCOLS, protolint
from protolint.config import load_config
from protolint.errors import UserError
from protolint.form import load_form
from protolint.generate import render
from protolint.packs import PackLoader
from protolint.parsing import parse_document
from protolint.runner import Linter

# Pieces protocols are made of, and the characters that broke parsers before:
# lone CRs, BOMs, zero-width and bidirectional controls, NULs, unclosed fences.
FRAGMENTS = [
    "# PROTOCOL 1: X\n", "## AI ROLE AND MISSION\n", "## QUALITY GATES\n", "### STEP 1: Go\n", "### STEP 3\n",
    "**Gate 1: Go/No-Go**\n", "**Your Role:** You are a **Release Manager**.\n", "- [MUST] item\n",
    "1. **`[GUIDELINE]` Do it:**\n", "  - nested\n", "> quote\n", "| a | b |\n|---|---|\n| c | d |\n",
    "```bash\n# deploy\nrun.sh\n", "```\n", "~~~markdown\n", "---\n", "<!-- protolint-disable core-L1-role -->\n",
    "<!-- protolint-disable-file -->\n", "<!-- protolint-enabl x -->", "<div>\n<!-- a -->\n<!-- b -->\n</div>\n",
    "[CRITICAL] approve and rollback\n", "**[STRICT] halt until approved**\n", "Protocol 12 and 04/09\n",
    "`.artifacts/x.json`\n", "\r", "\r\n", "\n", "\n\n", "\t", " ", "\ufeff", "\u200b", "\u202e", "\x00", "é", "🚀",
    "[", "]", "(", "*", "_", "#", "|", "`", "<!--", "-->", "\\",
]
documents = st.one_of(
    st.lists(st.sampled_from(FRAGMENTS), max_size=40).map("".join),
    st.text(max_size=300),
)


@given(documents)
def test_any_document_checks_through_the_api(text):
    for pack in ("core", "protocol-11-release-execution"):
        result = _LINTERS[pack].check_text(text, "fuzzed.md")
        assert 0 <= result.score <= 100


_LINTERS = {pack: Linter([pack]) for pack in ("core", "protocol-11-release-execution")}


@given(documents)
def test_nodes_are_in_document_order(text):
    """Sections and items are found by bisection (Document.within): that needs
    every node list in document order, whatever the text."""
    doc = parse_document(text)
    for nodes in (doc.sections, doc.items, doc.code_blocks, doc.quotes, doc.tables, doc.bold):
        lines = [n.line for n in nodes]
        assert lines == sorted(lines)
        for span in doc.sections[:5] + [doc.root]:
            assert doc.within(nodes, span) == [n for n in nodes if span.line <= n.line <= span.end_line]


@settings(max_examples=max(2, settings.default.max_examples // 5))
@given(st.lists(documents, min_size=1, max_size=6))
def test_any_documents_check_through_the_command_line(tmp_path_factory, texts):
    folder = tmp_path_factory.mktemp("docs")
    for number, text in enumerate(texts):
        (folder / f"p{number}.md").write_bytes(text.encode("utf-8", "surrogatepass"))
    result = protolint("check", "--isolated", folder, "--format", "json")
    assert result.returncode in (0, 1, 2), result.stderr
    assert "Traceback" not in result.stderr, result.stderr


# Packs: the keys a pack has, with values of every shape (and hostile patterns).
SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(-3, 200), st.floats(allow_nan=True),
    st.sampled_from(["core", "form", "./missing.yaml", "L1", "L9", "error", "fatal", "contains", "present",
                     "absent", "sections", "order", "fenced", "count", "consistent_names", "files_exist",
                     "(?=x)", "(a+)+$", "(", "\\1", "a\\Z", "[CRITICAL]", "{{ item.x }}", "{% if %}", "phases[*]",
                     "phases[*].steps[*]", "section", "items", "steps", "document", "title", "role", "gates",
                     "QUALITY GATES", "*.md", "", "é", "\x00"]),
    st.text(max_size=8),
)
KEYS = st.sampled_from([
    "pack", "description", "extends", "applies_to", "files", "title", "layers", "name", "weight", "threshold",
    "rules", "disable", "roles", "form", "id", "layer", "severity", "summary", "message", "check", "in",
    "section", "section_pattern", "role", "exclude", "select", "where", "level", "prose", "pattern",
    "patterns", "text", "texts", "each", "vacuous", "min", "max", "required", "ordered", "order", "tolerate",
    "roles", "numbers", "prefix", "extract", "target", "source", "for_each", "from_form", "field", "fix",
    "action", "at", "with", "lines", "titles", "labels", "not_titles", "not_under", "top", "pseudo",
])
VALUES = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(KEYS, inner, max_size=4),
                      max_leaves=10)
RULES = st.fixed_dictionaries(
    {"id": st.sampled_from(["team-a", "team-b"]), "layer": st.sampled_from(["L1", "L4", "L9"]),
     "summary": st.just("s"), "message": st.just("m"),
     "check": st.sampled_from(["contains", "absent", "present", "count", "sections", "fenced", "order",
                               "consistent_names", "path_prefix", "sequence", "duplicates", "nonesuch"])},
    optional={key: VALUES for key in ("in", "pattern", "patterns", "text", "each", "min", "max", "required",
                                      "order", "extract", "target", "for_each", "from_form", "fix", "severity")})
PACKS = st.fixed_dictionaries({"pack": st.sampled_from(["team", "core"])}, optional={
    "extends": st.lists(st.sampled_from(["core", "form", "nonesuch"]), max_size=2) | VALUES,
    "rules": st.lists(RULES, max_size=3) | VALUES, "roles": VALUES, "layers": VALUES, "applies_to": VALUES,
    "disable": VALUES, "threshold": VALUES, "form": VALUES,
})
SAMPLE = (PROTOCOLS / "release-execution" / "11-production-deployment.md").read_text(encoding="utf-8")


@given(st.one_of(PACKS.map(yaml.safe_dump), VALUES.map(yaml.safe_dump), st.text(max_size=200)))
def test_any_pack_loads_or_is_one_clear_error(tmp_path_factory, text):
    path = tmp_path_factory.mktemp("pack") / "team.yaml"
    path.write_text(text, encoding="utf-8")
    try:
        pack = PackLoader().load(str(path))
    except UserError as error:
        assert str(error).startswith(str(path)) and "\n" not in str(error)
        return
    try:
        result = Linter([str(path)]).check_text(SAMPLE, "p.md")
    except UserError:
        return
    assert result.pack == pack.name or pack.name in result.pack


CONFIG_KEYS = st.sampled_from(["packs", "enable", "disable", "include", "exclude", "fail_on", "min_score",
                               "per_file", "files", "form", "project_root", "workspace", "nonesuch"])
CONFIGS = st.dictionaries(CONFIG_KEYS, VALUES | st.lists(SCALARS, max_size=3), max_size=5)


@given(st.one_of(CONFIGS.map(yaml.safe_dump), st.text(max_size=200)))
def test_any_configuration_loads_or_is_one_clear_error(tmp_path_factory, text):
    folder = tmp_path_factory.mktemp("config")
    path = folder / "protolint.yaml"
    path.write_text(text, encoding="utf-8")
    (folder / "p.md").write_text(SAMPLE, encoding="utf-8")
    try:
        load_config(path, required=True)
        Linter(configuration=None).run([str(folder / "p.md")])
    except UserError as error:
        assert "\n" not in str(error)


FORM = yaml.safe_load((FIXTURES / "forms" / "protocol-input-form-11-deployment.yaml").read_text(encoding="utf-8"))


def _paths(value, path=()):
    yield path
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _paths(item, path + (key,))
    elif isinstance(value, list):
        for position, item in enumerate(value):
            yield from _paths(item, path + (position,))


FORM_PATHS = list(_paths(FORM))[1:]


@st.composite
def damaged_forms(draw):
    """The bundled form with a few of its values (at any depth) replaced by anything."""
    form = copy.deepcopy(FORM)
    for path in draw(st.lists(st.sampled_from(FORM_PATHS), min_size=1, max_size=4)):
        parent = form
        try:
            for key in path[:-1]:
                parent = parent[key]
            parent[path[-1]] = draw(VALUES)
        except (KeyError, IndexError, TypeError):
            continue  # an earlier replacement removed this place
    return form


@given(st.one_of(damaged_forms().map(yaml.safe_dump), st.text(max_size=200)))
def test_any_form_loads_or_is_one_clear_error(tmp_path_factory, text):
    path = tmp_path_factory.mktemp("form") / "form.yaml"
    path.write_text(text, encoding="utf-8")
    try:
        form = load_form(path)
    except UserError as error:
        assert all(line.startswith(str(path)) for line in str(error).splitlines())
        return
    try:
        render(form)
    except UserError as error:
        assert str(error)


@given(st.lists(st.tuples(st.integers(1, 7), st.booleans()), max_size=60), st.integers(0, 5))
def test_section_ends_in_one_pass_are_the_next_heading_at_or_above(levels, extra):
    """parsing._section_ends replaces a scan of every later heading per heading."""
    from protolint.parsing import _section_ends
    headings = [(2 * n + 1, level, "t", pseudo) for n, (level, pseudo) in enumerate(levels)]
    total = 2 * len(headings) + extra
    expected = [next((later[0] - 1 for later in headings[i + 1:] if later[1] <= level), total)
                for i, (_, level, _, _) in enumerate(headings)]
    assert _section_ends(headings, total) == expected


@given(documents)
def test_a_findings_section_is_the_innermost_one(text):
    """engine.section_titles paints each line once instead of searching every section per finding."""
    from protolint.engine import _section_at, section_titles
    doc = parse_document(text)
    titles = section_titles(doc)
    for line in range(0, len(doc.lines) + 2):
        best = None
        for section in doc.sections:
            if section.line <= line <= section.end_line and (best is None or section.level >= best.level):
                best = section
        assert _section_at(titles, line) == (best.title if best else None)
