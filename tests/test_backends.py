"""Both Markdown parsers read every protocol into the identical Document, so no
verdict depends on which one ran: the corpus, the fixtures and generated
Markdown-ish text, parsed with markdown-it-py (the reference) and pyromark.

The generated text leaves out two inputs on which markdown-it-py departs from
CommonMark and pulldown-cmark follows it; neither occurs in the corpus:

- A line indented four or more columns right after a paragraph nested in two
  block quotes, or in a list item whose text starts past column 4
  (`> > a` then `    - b`; `   * a` then `    # b`): CommonMark reads it as a
  lazy continuation of the paragraph (spec: `> foo` / `    - bar`);
  markdown-it-py ends the paragraph and opens an indented code block.  The
  generator puts a blank line before every indented line.
- A tab inside a line of a nested block quote (`> > \\t x`): CommonMark's tab
  stops leave one space of content in the code block (` x`), markdown-it-py
  none.  The generator writes spaces there instead.

And one table: a line with a pipe and one cell (`a |`) straight above a line of
only dashes is, for markdown-it-py, a one-column table (its delimiter row needs
no pipe); pulldown-cmark wants a pipe there and reads a heading.  Protocols
write a table's delimiter row with pipes.  The generator puts a blank line
between such lines.

And one where the two parsers place an end differently: an empty block quote
nested in another (a line of only `> >`) ends, for markdown-it-py, at the next
line with content, for pulldown-cmark on its own line; so `> >` then `> `
gives the inner quote two lines or one.  The generator gives such a line a word.
"""

from __future__ import annotations

import dataclasses
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from conftest import CORPUS, FIXTURES, ROOT, protolint
from protolint.parsing import PARSERS, parse_document, parser_in_use


def assert_same_document(text: str, path: str = "<string>") -> None:
    reference = dataclasses.asdict(parse_document(text, path, parser="markdown-it"))
    other = dataclasses.asdict(parse_document(text, path, parser="pyromark"))
    for key in reference:
        assert other[key] == reference[key], f"{path}: {key} differs"


def corpus_protocols() -> list[Path]:
    if not CORPUS.is_dir():
        return []
    return sorted(CORPUS.rglob("*.md"))


@pytest.mark.skipif(not CORPUS.is_dir(), reason=f"corpus not present at {CORPUS}")
def test_every_corpus_protocol_reads_the_same_with_both_parsers():
    files = corpus_protocols()
    assert len(files) >= 26  # protocols, variants, generators, analyses
    for path in files:
        assert_same_document(path.read_text(encoding="utf-8"), str(path))


def test_every_fixture_reads_the_same_with_both_parsers():
    files = sorted(FIXTURES.rglob("*.md"))
    assert files
    for path in files:
        assert_same_document(path.read_text(encoding="utf-8"), str(path))


_CONTAINERS = ["", "", "", "", " ", "  ", "   ", "    ", "\t", "> ", ">", "> > ", "  > ", ">> "]
_BLOCKS = ["", "", "", "# ", "## ", "### ", "#### ", "- ", "* ", "+ ", "1. ", "2) ", "10. ", "- [ ] ", "- [x] ",
           "* [X] ", "```", "```bash", "```markdown", "~~~", "````", "| ", "---", "===", "***", "<!-- ", "<!--",
           "-->", "<div>", "</div>", "- # ", "> ", "1. **", "**"]
_WORDS = ["a", "Step 1:", "STEP 2.1 Deploy", "**b**", "**Role:**", "**Gate 1: Go/No-Go**", "*c*", "`code`",
          "`[MUST]`", "[MUST]", "[CRITICAL]", "|", "| x |", "|---|", ":--", "<!-- protolint-disable r1 -->",
          "<!-- protolint-disable-next-line a, b -->", "<!-- protolint-bogus -->", "<!-- x", "-->", "&amp;",
          "\\*", "**", "__d__", "![i](u)", "[l](u)", "#", "e.", "  ", "\t", "<b>", "`", "~~~", "```", "\\",
          "[ ]", "GATE", "HALT", "## Mission", "# run tests", "&#35;"]


@st.composite
def markdownish(draw) -> str:
    lines: list[str] = []
    for _ in range(draw(st.integers(1, 16))):
        if draw(st.integers(0, 4)) == 0:
            lines.append("")
            continue
        container = draw(st.sampled_from(_CONTAINERS))
        words = draw(st.lists(st.sampled_from(_WORDS), max_size=5))
        line = container + draw(st.sampled_from(_BLOCKS)) + " ".join(words)
        if line.replace(" ", "").startswith(">>"):
            line = line.replace("\t", "    ")  # no tab in a nested quote (module docstring)
            if not line.replace(">", "").strip():
                line += "a"  # no empty nested quote (module docstring)
        underline = line[len(container):].strip()
        if lines and "|" in lines[-1] and underline and not underline.strip("-: "):
            lines.append("")  # no one-cell table header over a line of dashes (module docstring)
        if lines and lines[-1].strip() and line.startswith(("    ", "\t")):
            lines.append("")  # no indented line straight after text (module docstring)
        lines.append(line)
    return "\n".join(lines) + draw(st.sampled_from(["", "\n", "\r\n", "\n\n"]))


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(markdownish())
@example("## a # \t\n## #\t\n  > ## ![i](u) \t\n")  # pulldown-cmark keeps a closing run beside a tab
@example("+ \n\t+ ")  # a list nested after a tab starts on its own line
@example("```bash\nls\n   ")  # markdown-it reads no last line of only spaces
@example("> ```\n> a\n> ")  # nor, into an unclosed fence, one of only quote markers
@example("    code")  # an indented block ends with a newline
@example("~~~\\* a &amp;\nx\n~~~")  # the info string as written
@example("> - \n> \n> ")  # an empty item in a quote: a lone '>' below it is a blank line
@example("a \t\na\n---")  # a line break keeps the line's trailing tab as text
def test_generated_markdown_reads_the_same_with_both_parsers(text):
    assert_same_document(text)


@pytest.mark.parametrize("ending", ["", " ", "  ", "\t", " \t", "\t ", "  \t", "\t  ", " \t ", "\\", " \\"])
@pytest.mark.parametrize("line", ["a", "**a**", "`c`", "a <b>"])
@pytest.mark.parametrize("layout", ["{}\nb\n---", "{}\nb", "> {}\n> b", "- {}\n  b", "{}\nb\n==="])
def test_a_line_break_keeps_the_same_trailing_whitespace(ending, line, layout):
    assert_same_document(layout.format(line + ending))


def test_pyromark_is_the_default_parser():
    assert PARSERS == ("pyromark", "markdown-it")
    assert parser_in_use() == "pyromark"


def test_an_unknown_parser_is_refused():
    with pytest.raises(ValueError, match="unknown parser 'commonmark'"):
        parse_document("# P\n", parser="commonmark")


def test_check_gives_the_same_report_with_either_parser():
    reports = {}
    for parser in PARSERS:
        run = protolint("check", FIXTURES / "protocols", "--pack", "core", "--format", "json",
                        "--parser", parser)
        assert run.returncode in (0, 1), run.stderr
        reports[parser] = run.stdout
    assert reports["pyromark"] == reports["markdown-it"]
    assert '"findings"' in reports["pyromark"]


def test_without_pyromark_the_reference_parser_reads():
    """A platform without a pyromark wheel still lints: markdown-it-py is the default there."""
    code = ("import sys; sys.modules['pyromark'] = None\n"
            "from protolint.parsing import parser_in_use, parse_document\n"
            "print(parser_in_use(), parse_document('# P\\n\\n## Goal\\n').sections[0].title)")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert run.stdout.split() == ["markdown-it", "Goal"], run.stderr
