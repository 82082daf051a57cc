"""Build a Document from Markdown: one parse per file.

The parser decides what is a heading, a list item or a fence (so a `# comment`
inside a fenced shell block is never a heading); this module only turns its
tokens into the parser-independent model of `document.py`.  Two parsers read
the same text into the same tokens: markdown-it-py (CommonMark, the reference)
and pulldown-cmark through pyromark (`pulldown.py`, many times faster), the
default when it imports.  A differential test keeps their Documents identical.
"""

from __future__ import annotations

import difflib
import re
from itertools import islice

from functools import cache
from typing import TYPE_CHECKING, Callable

from protolint.document import (
    MARKER_NAMES,
    Bold,
    CodeBlock,
    Directive,
    Document,
    FenceProblem,
    ListItem,
    Marker,
    Node,
    Quote,
    Section,
    Table,
    canonical_title,
)
from protolint.errors import UserError
from protolint.roles import foreign_lines, shipped_vocabulary

if TYPE_CHECKING:
    from markdown_it.token import Token

_MARKER = re.compile(r"\[(" + "|".join(MARKER_NAMES) + r")\]")
_CHECKBOX = re.compile(r"^\[( |x|X)\]\s")
# blank (in a block quote: only its markers) or a thematic break: no text of the span above
_TRAILER = re.compile(r"^[ \t>]*$|^\s*(?:-{3,}|\*{3,}|_{3,})\s*$")
_SECTION_NUMBER = re.compile(r"^\s*(\d+[A-Za-z]?(?:\.\d+)*)\.?(?=\s)")
_FRONT_MATTER_LIMIT = 60  # a banner or YAML header longer than this is not a header
_COMMENT = re.compile(r"<!--(.*?)-->", re.DOTALL)
_DIRECTIVE = re.compile(r"protolint-([\w-]*)(.*)", re.DOTALL | re.IGNORECASE)
_DIRECTIVE_ACTIONS = ("disable", "enable", "disable-next-line", "disable-file")
_RULE_ID = re.compile(r"[A-Za-z0-9][\w.-]*")
_FENCE = re.compile(r"^( {0,3})(`{3,}|~{3,})[ \t]*([^`\s]*)[^`]*$")
_SHELL_INFO = frozenset({"", "bash", "sh", "shell", "zsh", "console"})
_SHELL_COMMENT = re.compile(r"^\s*#\s*(\S.*?)\s*$")
_LABEL_END = re.compile(r"^\s*:?\s*$")
# A title, not a sentence: a bold guardrail ("**DO NOT deploy on Fridays.**") is no heading.
_HEADING_LIKE = re.compile(r"^(?!(?:\S+\s+){12})[^\n]*[^.!?\s]\s*$")


PARSERS = ("pyromark", "markdown-it")


@cache
def _backend(parser: str) -> Callable[[str], list[Token]]:
    """The tokenizer of a parser, imported on first use (each costs start-up time)."""
    if parser == "pyromark":
        from protolint.pulldown import tokens
        return tokens
    if parser == "markdown-it":
        from markdown_it import MarkdownIt
        return MarkdownIt("commonmark", {"html": True}).enable("table").parse
    raise ValueError(f"unknown parser {parser!r}; one of {', '.join(PARSERS)}")


def _default_parser() -> str:
    try:
        _backend("pyromark")
    except ImportError:  # no wheel for this platform: the reference parser reads the same
        return "markdown-it"
    return "pyromark"


_chosen: str | None = None


def use_parser(parser: str | None) -> None:
    """Choose the parser of every later `parse_document` in this process (None:
    the default): one run reads all its files, fixes and blueprints with one."""
    global _chosen
    if parser is not None:
        _backend(parser)
    _chosen = parser


def parser_in_use() -> str:
    global _chosen
    if _chosen is None:
        _chosen = _default_parser()
    return _chosen


def front_matter_end(lines: list[str]) -> int:
    """The index of the first line after a leading `---` block (YAML front
    matter or a banner), or 0 when there is none."""
    if not lines or lines[0].strip() != "---":
        return 0
    for end in range(1, min(len(lines), _FRONT_MATTER_LIMIT)):
        if lines[end].strip() in ("---", "..."):
            return end + 1
    return 0


def _split_front_matter(lines: list[str]) -> str | None:
    """Blank a leading `---` block (YAML front matter or a banner) in place.

    Left in, the closing `---` under a banner line would make that line a
    setext heading, and YAML keys would read as prose.
    """
    end = front_matter_end(lines)
    if not end:
        return None
    header = "\n".join(lines[1:end - 1])
    for i in range(end):
        lines[i] = ""
    return header


def _inline_text(token: Token) -> str:
    return "".join(
        child.content for child in (token.children or [])
        if child.type in ("text", "code_inline", "html_inline")
    ) or token.content


def parse_directive(body: str, line: int, column: int, end_line: int) -> Directive | None:
    """The directive in an HTML comment's body, or None for an ordinary comment.

    `protolint-disable A, B` and `protolint-disable A B` are the same; a comment
    that starts with `protolint-` but is not a usable directive is kept, with the
    problem, so it can be reported instead of silently doing nothing."""
    match = _DIRECTIVE.fullmatch(body.strip())
    if match is None:
        return None
    action, rest = match.group(1).lower(), match.group(2)
    rules = tuple(word for word in re.split(r"[,\s]+", rest) if word)
    problem = None
    if action not in _DIRECTIVE_ACTIONS:
        close = difflib.get_close_matches(action, _DIRECTIVE_ACTIONS, n=1)
        hint = f"; did you mean protolint-{close[0]}?" if close else \
            "; use protolint-" + ", protolint-".join(_DIRECTIVE_ACTIONS)
        problem = f"unknown directive 'protolint-{match.group(1)}'{hint}"
    elif rest and not rest[0].isspace() and rest[0] != ",":
        problem = f"no space after 'protolint-{action}'"
    else:
        bad = [word for word in rules if not _RULE_ID.fullmatch(word)]
        if bad:
            problem = (f"{bad[0]!r} is not a rule id (list rule ids after the directive, "
                       f"separated by commas or spaces)")
    return Directive(action, rules, line, column, end_line, problem)


def parse_document(text: str, path: str = "<string>", parser: str | None = None) -> Document:
    # markdown-it reads a lone CR as a line break; so must the line index (an
    # editor or agent integration hands over text as it is)
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    source = list(lines)
    front_matter = _split_front_matter(lines)
    readable, problems = _mend_nested_fences(lines)
    tokens = _backend(parser or parser_in_use())("\n".join(readable))
    return _DocumentBuilder(path, lines, front_matter, problems, source).build(tokens)


def _mend_nested_fences(lines: list[str]) -> tuple[list[str], list[FenceProblem]]:
    """Read a fence nested in another of the same kind as its author meant.

    Inside a fenced block, a line such as ```` ```mermaid ```` is content to a
    CommonMark parser, and the next bare ```` ``` ```` closes the *outer* block:
    the rest of an embedded template turns into live sections and the outer
    block's own closing fence opens a new block that swallows the document.
    Authors mean a nested block, so the parser is given the inner fences with
    the other fence character (lines and columns unchanged), and the problem is
    kept for the structure rule: other readers still see the broken version.
    An unclosed fence is reported too."""
    readable = list(lines)
    problems: list[FenceProblem] = []
    outer: tuple[int, str, int] | None = None  # (line, char, length)
    inner: list[int] = []
    for number, text in enumerate(lines, start=1):
        match = _FENCE.match(text)
        if match is None:
            continue
        char, length, info = match.group(2)[0], len(match.group(2)), match.group(3)
        if outer is None:
            outer = (number, char, length)
        elif char != outer[1] or length < outer[2]:
            continue
        elif info:
            inner.append(number)
            problems.append(FenceProblem(outer[0], number, "nested"))
            readable[number - 1] = text.replace(char * length, _OTHER_FENCE[char] * length, 1)
        elif inner:
            inner.pop()
            readable[number - 1] = text.replace(char * length, _OTHER_FENCE[char] * length, 1)
        else:
            outer = None
    if outer is not None:
        problems.append(FenceProblem(outer[0], max(len(lines), outer[0]), "unclosed"))
    return readable, problems


_OTHER_FENCE = {"`": "~", "~": "`"}


MAX_NESTING = 18
"""Lists, list items and block quotes open inside one another.  Every item and
quote keeps its text, so each level deeper costs a copy of the text again;
markdown-it-py stops nesting at about 20 levels, pulldown-cmark never does.  No
protocol nests this deep; a file that does is refused, by both parsers alike."""

_CONTAINERS = {"bullet_list_open": 1, "ordered_list_open": 1, "list_item_open": 1, "blockquote_open": 1,
               "bullet_list_close": -1, "ordered_list_close": -1, "list_item_close": -1, "blockquote_close": -1}


class DocumentTooDeep(UserError):
    """A document nested past MAX_NESTING, at the line where it goes deeper."""

    def __init__(self, line: int):
        super().__init__(f"lists and block quotes nested more than {MAX_NESTING} levels deep; "
                         "protocols are read to that depth")
        self.line = line


def _refuse_deep_nesting(tokens: list[Token]) -> None:
    depth = 0
    for token in tokens:
        depth += _CONTAINERS.get(token.type, 0)
        if depth > MAX_NESTING:
            raise DocumentTooDeep(token.map[0] + 1 if token.map else 1)


class _DocumentBuilder:
    def __init__(self, path: str, lines: list[str], front_matter: str | None,
                 fence_problems: list[FenceProblem], source: list[str]):
        self.path = path
        self.lines = lines
        self.source = source
        self.front_matter = front_matter
        self.fence_problems = fence_problems
        self.headings: list[tuple[int, int, str, bool]] = []  # (line, level, title, pseudo)
        self.labels: list[tuple[int, int, str, bool]] = []  # (line, end line, title, from code)
        self.vocabulary = shipped_vocabulary()
        self.items: list[ListItem] = []
        self.code: list[CodeBlock] = []
        self.quotes: list[Quote] = []
        self.tables: list[Table] = []
        self.bold: list[Bold] = []
        self.code_lines: set[int] = set()
        self.directives: list[Directive] = []
        self.comments: list[Node] = []

    def span_text(self, start: int, end: int) -> str:
        return "\n".join(self.lines[start - 1:end])

    def trimmed_end(self, start: int, end: int) -> int:
        """Last line of a span, ignoring trailing blank lines (`>` alone is a
        blank line of a quote) and `---` rules.  Parsers disagree on whether a
        span takes the blank lines below it; no reader does."""
        while end > start and (not self.lines[end - 1].strip() or _TRAILER.match(self.lines[end - 1])):
            end -= 1
        return end

    def build(self, tokens: list[Token]) -> Document:
        _refuse_deep_nesting(tokens)
        self.collect_directives(tokens)
        # Comments are invisible to a reader, so no rule may be satisfied by one.
        for tok in tokens:
            if tok.type == "html_block" and tok.content.lstrip().startswith("<!--"):
                for n in range(tok.map[0], tok.map[1]):
                    self.lines[n] = ""
        list_stack: list[bool] = []  # ordered?
        depth = 0
        pending_item: ListItem | None = None
        for i, tok in enumerate(tokens):
            kind = tok.type
            if kind == "heading_open":
                title = _inline_text(tokens[i + 1]).strip()
                self.headings.append((tok.map[0] + 1, int(tok.tag[1]), title, False))
            elif kind == "paragraph_open" and tok.level == 0 and tok.map:
                self.bold_paragraph(tok, tokens[i + 1])
            elif kind in ("bullet_list_open", "ordered_list_open"):
                list_stack.append(kind == "ordered_list_open")
            elif kind in ("bullet_list_close", "ordered_list_close"):
                list_stack.pop()
            elif kind == "list_item_open":
                start, end = tok.map[0] + 1, tok.map[1]
                end = self.trimmed_end(start, end)
                pending_item = ListItem(start, end, self.span_text(start, end), depth=depth,
                                        ordered=bool(list_stack and list_stack[-1]))
                self.items.append(pending_item)
                depth += 1
            elif kind == "list_item_close":
                depth -= 1
            elif kind == "inline":
                if pending_item is not None:
                    box = _CHECKBOX.match(tok.content)
                    if box:
                        pending_item.checked = box.group(1) != " "
                    pending_item = None
                self.collect_bold(tok)
            elif kind in ("fence", "code_block"):
                start, end = tok.map[0] + 1, tok.map[1]
                content = tok.content
                if kind == "fence" and start < end:  # as written, not as mended for the parser
                    closed = _FENCE.match(self.lines[end - 1]) is not None
                    content = self.span_text(start + 1, end - 1 if closed else end)
                    content = content + "\n" if content else ""
                self.code.append(CodeBlock(start, end, self.span_text(start, end),
                                           info=tok.info.strip(), content=content,
                                           fenced=kind == "fence"))
                self.code_lines.update(range(start, end + 1))
                pending_item = None
            elif kind == "blockquote_open":
                start, end = tok.map[0] + 1, self.trimmed_end(tok.map[0] + 1, tok.map[1])
                self.quotes.append(Quote(start, end, self.span_text(start, end)))
            elif kind == "table_open":
                self.tables.append(self.table(tokens, i))
        for block in self.code:
            self.commented_commands(block)
        sections = self.sections()
        title = next((s for s in sections if s.level == 1), None)
        body = [s for s in sections if s is not title]
        top = title.level + 1 if title else min((s.level for s in body), default=2)
        self.vocabulary.classify(body, top)
        return Document(
            path=self.path,
            lines=self.lines,
            title=title,
            sections=body,
            items=self.items,
            code_blocks=self.code,
            quotes=self.quotes,
            tables=self.tables,
            markers=self.markers(),
            bold=self.bold,
            front_matter=self.front_matter,
            directives=sorted(self.directives, key=lambda d: (d.line, d.column)),
            fence_problems=self.fence_problems,
            foreign_lines=foreign_lines(body, self.code),
            source=self.source,
            comments=self.comments,
        )

    def commented_commands(self, block: CodeBlock) -> None:
        """In a fenced shell block that lists several commands, each under its
        own comment, every comment titles the command below it -- the way a
        protocol lists its hooks in one block instead of one subsection each."""
        if not block.fenced or block.language not in _SHELL_INFO:
            return
        first, last = block.line + 1, block.end_line - 1
        chunks: list[tuple[int, str]] = []
        commands = 0
        for number in range(first, last + 1):
            text = self.lines[number - 1]
            comment = _SHELL_COMMENT.match(text)
            if comment and (not chunks or commands):
                chunks.append((number, comment.group(1)))
                commands = 0
            elif text.strip() and not comment and chunks:
                commands += 1
        if len(chunks) < 2 or not commands:
            return
        for (line, title), (after, _) in zip(chunks, chunks[1:] + [(last + 1, "")]):
            self.labels.append((line, self.trimmed_end(line, after - 1), title, True))

    def bold_paragraph(self, unendedtok: Token, inline: Token) -> None:
        """A paragraph that is one bold line (`**Gate 1: Go/No-Go Gate**`) is a
        heading in all but syntax; one opened by a bold role label
        (`**Your Role:** You are ...`) states that role in place of a section."""
        children = [c for c in inline.children or [] if not (c.type == "text" and not c.content)]
        if len(children) < 3 or children[0].type != "strong_open":
            return
        close = next((n for n, c in enumerate(children) if c.type == "strong_close"), None)
        if close is None:
            return
        inside = children[1:close]
        if any(c.type not in ("text", "code_inline") for c in inside):
            return
        label = "".join(c.content for c in inside).strip()
        rest = children[close + 1:]
        line, end = unendedtok.map[0] + 1, unendedtok.map[1]
        if not label:
            return
        if end == line and all(c.type == "text" and _LABEL_END.match(c.content) for c in rest) \
                and _HEADING_LIKE.match(label):
            self.headings.append((line, 0, label.rstrip(":").strip(), True))
            return
        role = self.vocabulary.label_role(label.rstrip(":").strip())
        if role is not None and (label.endswith(":") or (rest and rest[0].type == "text"
                                                         and rest[0].content.lstrip().startswith(":"))):
            self.labels.append((line, self.trimmed_end(line, end), label.rstrip(":").strip(), False))

    def collect_directives(self, tokens: list[Token]) -> None:
        """HTML comments and the directives in them, as the parser sees them:
        raw HTML blocks and inline HTML only, never a fence or a code span that
        quotes one."""
        for tok in tokens:
            if tok.type == "html_block":
                self.add_directives(tok.content, tok.map[0] + 1)
            elif tok.type == "inline" and tok.map and "<" in tok.content:
                line = tok.map[0] + 1
                for child in tok.children or []:
                    if child.type in ("softbreak", "hardbreak"):
                        line += 1
                    elif child.type == "html_inline":
                        self.add_directives(child.content, line)
                        line += child.content.count("\n")

    def add_directives(self, html: str, first_line: int) -> None:
        line, counted = first_line, 0
        for comment in _COMMENT.finditer(html):
            line += html.count("\n", counted, comment.start())  # from the last comment on, not the start
            counted = comment.start()
            opening = comment.group(0).split("\n", 1)[0]
            source = self.lines[line - 1] if 0 < line <= len(self.lines) else ""
            column = max(source.find(opening), 0) + 1
            end_line = line + comment.group(0).count("\n")
            self.comments.append(self.comment_node(line, column, end_line))
            directive = parse_directive(comment.group(1), line, column, end_line)
            if directive is not None:
                self.directives.append(directive)

    def comment_node(self, line: int, column: int, end_line: int) -> Node:
        """The comment's lines as written, the text before `<!--` and after
        `-->` blanked to spaces: columns inside it are columns in the file."""
        spanned = self.lines[line - 1:end_line]
        if not spanned:
            return Node(line, end_line, "")
        spanned[0] = " " * (column - 1) + spanned[0][column - 1:]
        close = spanned[-1].find("-->", column + 3 if len(spanned) == 1 else 0)
        if close >= 0:
            spanned[-1] = spanned[-1][:close + 3]
        return Node(line, end_line, "\n".join(spanned))

    def collect_bold(self, tok: Token) -> None:
        if "**" not in tok.content and "__" not in tok.content:
            return  # no strong emphasis without its delimiters in the source
        line = tok.map[0] + 1 if tok.map else 0
        inside: list[str] | None = None
        for child in tok.children or []:
            if child.type in ("softbreak", "hardbreak"):
                line += 1
            elif child.type == "strong_open":
                inside = []
            elif child.type == "strong_close" and inside is not None:
                text = "".join(inside)
                source = self.lines[line - 1] if 0 < line <= len(self.lines) else ""
                column = max(source.find("**"), source.find("__"), 0) + 1
                self.bold.append(Bold(line, line, text, column=column))
                inside = None
            elif inside is not None and child.type in ("text", "code_inline"):
                inside.append(child.content)

    def table(self, tokens: list[Token], start: int) -> Table:
        unendedtok = tokens[start]
        first, last = unendedtok.map[0] + 1, unendedtok.map[1]
        header: list[str] = []
        rows: list[list[str]] = []
        row: list[str] = []
        in_head = False
        for tok in islice(tokens, start + 1, None):  # not a copy of the rest of the document
            if tok.type == "table_close":
                break
            if tok.type == "thead_open":
                in_head = True
            elif tok.type == "thead_close":
                in_head = False
            elif tok.type == "tr_open":
                row = []
            elif tok.type == "inline":
                row.append(_inline_text(tok).strip())
            elif tok.type == "tr_close":
                if in_head:
                    header = row
                else:
                    rows.append(row)
        last = self.trimmed_end(first, last)
        return Table(first, last, self.span_text(first, last), header=header, rows=rows)

    def markers(self) -> list[Marker]:
        """`[MUST]`-style markers in prose, bare or in backticks; not inside code blocks,
        where they are quoted examples rather than instructions."""
        found = []
        for number, text in enumerate(self.lines, start=1):
            if number in self.code_lines or "[" not in text:
                continue
            for match in _MARKER.finditer(text):
                found.append(Marker(match.group(1), number, match.start() + 1))
        return found

    def sections(self) -> list[Section]:
        headings = self.levelled_headings()
        ends = _section_ends(headings, len(self.lines))
        sections: list[Section] = []
        stack: list[Section] = []
        labels = iter(sorted(self.labels))
        label = next(labels, None)
        for (line, level, title, pseudo), end in zip(headings, ends):
            while label is not None and label[0] < line:
                self.add_label(label, stack, sections)
                label = next(labels, None)
            end = self.trimmed_end(line, max(end, line))
            number = _SECTION_NUMBER.match(title)
            section = Section(line, end, self.span_text(line, end), title=title,
                              canonical=canonical_title(title), level=level,
                              number=number.group(1) if number else None, pseudo=pseudo)
            while stack and stack[-1].level >= level:
                stack.pop()
            if stack:
                stack[-1].children.append(section)
            stack.append(section)
            sections.append(section)
        while label is not None:
            self.add_label(label, stack, sections)
            label = next(labels, None)
        return sections

    def levelled_headings(self) -> list[tuple[int, int, str, bool]]:
        """Headings in order, a bold pseudo-heading one level below the real
        heading it stands under (so the next real heading of that level ends it)."""
        ordered = sorted(self.headings)
        levelled = []
        real = 1
        for line, level, title, pseudo in ordered:
            if pseudo:
                level = min(real + 1, 7)
            else:
                real = level
            levelled.append((line, level, title, pseudo))
        return levelled

    def add_label(self, label: tuple[int, int, str, bool], stack: list[Section],
                  sections: list[Section]) -> None:
        line, end, text, in_code = label
        while stack and stack[-1].end_line < line:
            stack.pop()
        level = stack[-1].level + 1 if stack else 2
        section = Section(line, end, self.span_text(line, end), title=text,
                          canonical=canonical_title(text), level=level,
                          pseudo=True, label_only=not in_code, in_code=in_code)
        if stack:
            stack[-1].children.append(section)
        sections.append(section)


def _section_ends(headings: list[tuple[int, int, str, bool]], total: int) -> list[int]:
    """Where each heading's section ends: the line before the next heading of
    the same or a higher level, else the last line.  One pass with the headings
    still open: a document of many headings is read in linear time."""
    ends = [total] * len(headings)
    unended: list[int] = []  # indexes of headings whose end is not yet known, levels rising
    for index, (line, level, _, _) in enumerate(headings):
        while unended and headings[unended[-1]][1] >= level:
            ends[unended.pop()] = line - 1
        unended.append(index)
    return ends
