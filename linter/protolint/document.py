"""The Document: what a protocol is made of, with 1-based line spans.

Rules address a protocol by structure (a section, its steps, its list items, its
fenced blocks), never by scanning raw text for a word.  This module is the model
those addresses resolve against.  It knows nothing about any Markdown parser:
`parsing.py` builds a Document from markdown-it-py's tokens, or from
pulldown-cmark's events read into the same tokens (`pulldown.py`), and both
must build the identical Document (tests/test_backends.py).
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field

from protolint.regex import Pattern

MARKER_NAMES = ("MUST", "GUIDELINE", "CRITICAL", "STRICT")

_ID_PREFIX = re.compile(r"^\s*(?:\d+[A-Za-z]?(?:-[A-Za-z]+)?(?:\.\d+)*\.?|[A-Z]{1,3}\.)\s+")
_NUMBERING = re.compile(r"^(?:\d+[a-z]?\s+)+")
_SUFFIX = re.compile(r"\((?:legacy|deprecated|optional)\)", re.IGNORECASE)
_NON_WORD = re.compile(r"[^\w\s]+")
_SPACES = re.compile(r"\s+")
_STEP = re.compile(r"^(step|phase)\s+(\d+(?:\s\d+)*)")


def canonical_title(text: str) -> str:
    """Reduce a heading to what a reader would call the section.

    `## 2. RELEASE MANAGEMENT WORKFLOW`, `## 11. Release Management Workflow`
    and `## 🚀 Release Management Workflow (LEGACY)` all become
    `release management workflow`: numbering, case, emoji, punctuation and
    status suffixes are decoration, and `&` reads as `and`.
    """
    text = _ID_PREFIX.sub("", unicodedata.normalize("NFKC", text)).replace("&", " and ")
    text = _SUFFIX.sub(" ", text).lower().replace("_", " ")
    text = _NON_WORD.sub(" ", text)
    text = _SPACES.sub(" ", text).strip()
    return _NUMBERING.sub("", text).strip()


def _line(node: Node) -> int:
    return node.line


@dataclass(slots=True)
class Node:
    """Anything a rule can select: a span of lines and its text."""

    line: int
    end_line: int
    text: str

    @property
    def label(self) -> str:
        """The first line, which is what a reader scans to recognise the node."""
        return self.text.split("\n", 1)[0].strip()


@dataclass(slots=True)
class Section(Node):
    title: str = ""
    canonical: str = ""
    level: int = 1
    number: str | None = None
    children: list[Section] = field(default_factory=list)
    pseudo: bool = False
    """A bold line standing alone as a paragraph (`**Gate 1: Go/No-Go**`), or a
    paragraph opened by a bold role label (`**Mission:** ...`): a lighter heading."""
    label_only: bool = False
    """The labelled-paragraph kind of pseudo section: it spans its paragraph only."""
    in_code: bool = False
    """A commented command in a fenced shell block (`# deploy_backend -- STEP 2`
    over its command): one block listing several hooks lists them as subsections."""
    role: str | None = None
    """What this section is (`gates`, `handoff`, ...), from the role vocabulary."""

    @property
    def label(self) -> str:
        return self.title

    @property
    def step_number(self) -> str | None:
        """`3.1` for `### STEP 3.1: …` or `### PHASE 3.1 …`; None for other headings."""
        match = _STEP.match(self.canonical)
        return match.group(2).replace(" ", ".") if match else None


@dataclass(slots=True)
class ListItem(Node):
    depth: int = 0
    ordered: bool = False
    checked: bool | None = None  # None: not a `- [ ]` checkbox


@dataclass(slots=True)
class CodeBlock(Node):
    info: str = ""
    content: str = ""
    fenced: bool = True

    @property
    def language(self) -> str:
        """The info string's first word, lower-cased (`bash`, `markdown`); empty without one."""
        words = self.info.split(maxsplit=1)
        return words[0].lower() if words else ""


@dataclass(slots=True)
class Quote(Node):
    pass


@dataclass(slots=True)
class Table(Node):
    header: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)


@dataclass(slots=True)
class Marker:
    name: str
    line: int
    column: int


@dataclass(slots=True)
class Bold(Node):
    column: int = 1


@dataclass(frozen=True, slots=True)
class FenceProblem:
    """A fence that does not read as its author meant: a reader (and an agent)
    sees different text than the author wrote."""

    line: int
    """Where the outer (or unclosed) fence opens."""
    end_line: int
    """The inner fence that closes it early, or the last line an unclosed one swallows."""
    kind: str
    """`nested` or `unclosed`."""


@dataclass(frozen=True, slots=True)
class Directive:
    """A `<!-- protolint-… -->` comment as written, found by the parser (so one
    inside a code block or code span is not a directive).  What it suppresses
    is decided against a pack, in `suppressions.py`."""

    action: str
    """`disable`, `enable`, `disable-next-line` or `disable-file`."""
    rules: tuple[str, ...]
    """Rule ids as written; empty means every rule."""
    line: int
    column: int
    end_line: int
    """Last line of the comment: `disable-next-line` looks below it."""
    problem: str | None = None
    """Why the comment cannot be used (a misspelt action, a bad rule list)."""

    @property
    def text(self) -> str:
        return " ".join((f"protolint-{self.action}", *self.rules))


@dataclass(slots=True)
class Document:
    path: str
    lines: list[str]
    """Source lines as a reader sees them: HTML comments and front matter blanked."""
    title: Section | None
    sections: list[Section]
    """Every heading below the title, in document order."""
    items: list[ListItem]
    code_blocks: list[CodeBlock]
    quotes: list[Quote]
    tables: list[Table]
    markers: list[Marker]
    bold: list[Bold]
    front_matter: str | None = None
    directives: list[Directive] = field(default_factory=list)
    """Suppression comments, in document order."""
    fence_problems: list[FenceProblem] = field(default_factory=list)
    foreign_lines: frozenset[int] = frozenset()
    """Lines that are not the protocol's own voice: examples and templates of
    what to produce (sections read as `example`, ```markdown fences)."""
    source: list[str] = field(default_factory=list)
    """The lines as written, nothing blanked: what an agent reads, comments,
    front matter and all (the trust rules look here)."""
    comments: list[Node] = field(default_factory=list)
    """Each HTML comment as the parser found it (none quoted in code), its text
    the source lines it spans with everything outside the comment blanked to
    spaces, so a column inside it is its column in the file."""
    selected: dict = field(default_factory=dict, compare=False, repr=False)
    """What each selector picked here, worked out once: many rules read the same
    sections, and the whole document with its examples blanked is large."""

    def sections_in_role(self, roles: set[str] | frozenset[str], outermost: bool = True) -> list[Section]:
        """Sections read as one of `roles`; with `outermost`, not those nested
        in another section already picked (a gate inside QUALITY GATES)."""
        picked: list[Section] = []
        for section in self.sections:
            if section.role in roles:
                if outermost and picked and picked[-1].line <= section.line <= picked[-1].end_line:
                    continue
                picked.append(section)
        return picked

    @property
    def root(self) -> Node:
        return Node(1, max(len(self.lines), 1), "\n".join(self.lines))

    def find_sections(self, names: set[str] | None = None,
                      pattern: Pattern | None = None,
                      level: int | None = None) -> list[Section]:
        return [
            s for s in self.sections
            if (level is None or s.level == level)
            and (names is None or s.canonical in names)
            and (pattern is None or pattern.search(s.canonical))
        ]

    def within(self, nodes: list, span: Node) -> list:
        """The nodes that lie inside `span` (a section, or the whole document).
        Every node list of a Document is in document order, so the nodes are
        found by bisection: a rule over many sections stays linear."""
        first = bisect_left(nodes, span.line, key=_line)
        last = bisect_right(nodes, span.end_line, lo=first, key=_line)
        return nodes[first:last]

    def text_of(self, line: int, end_line: int) -> str:
        return "\n".join(self.lines[line - 1:end_line])
