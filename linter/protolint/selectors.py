"""Where a rule looks: a section by canonical title, then what inside it.

A selector is data in the pack (`in: {section: QUALITY GATES, select: subsections}`);
compiled once, it resolves against each Document to a Scope.  Checks never
search the whole file unless a rule says `select: document` (or `source` and
`comments`: the file as an agent reads it, comments included, for the trust rules).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from protolint.document import Document, Node, Section, canonical_title
from protolint.regex import Pattern, compile_pattern
from protolint.roles import shipped_vocabulary


@dataclass(slots=True)
class Scope:
    """What a rule's selector picked in one document."""

    document: Document | None
    """None when the nodes are an input form's values, not a document's parts
    (only kinds that do not `need_document` judge those)."""
    nodes: list[Node]
    description: str
    """For messages: "steps of section 'RELEASE EXECUTION WORKFLOW' (line 18)"."""
    anchor_line: int
    """Where to point when the thing looked for is absent: the section heading."""
    missing: list[str] = field(default_factory=list)
    """Canonical titles of sections the selector needed and the document lacks."""
    sections: list[Section] = field(default_factory=list)
    """The sections the selector anchored on, in document order: where a fix
    inserts text (empty for a selector not anchored on a section)."""
    project_root: Path | None = None
    """For kinds that look for files the protocol names (`needs_project_root`)."""
    workspace: Any = None
    """The other protocols of the run, for kinds that check claims across them
    (`needs_workspace`; a protolint.workspace.Workspace)."""


SELECT_KINDS = {
    "section": "",  # the section itself, heading included
    "body": "body of",
    "subsections": "subsections of",
    "steps": "steps of",
    "items": "list items in",
    "checkboxes": "checklist items in",
    "code": "code blocks in",
    "quotes": "block quotes in",
    "tables": "tables in",
    "bold": "bold text in",
    "title": "",
    "document": "",
    "intro": "",
    # The whole file as an agent reads it, whatever a reader is shown: the
    # lines as written (comments and front matter included), or its HTML comments.
    "source": "",
    "comments": "",
}

SELECTOR_SCHEMA = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "section": {"oneOf": [{"type": "string"},
                              {"type": "array", "items": {"type": "string"}, "minItems": 1}],
                    "description": "canonical section title, or alternative titles"},
        "section_pattern": {"type": "string", "description": "regex on the canonical section title"},
        "role": {"oneOf": [{"type": "string"},
                           {"type": "array", "items": {"type": "string"}, "minItems": 1}],
                 "description": "section role(s) from the role vocabulary (rules/vocabulary/roles.yaml)"},
        "exclude": {"type": "array", "items": {"type": "string"}, "minItems": 1,
                    "description": "roles whose text is not read (examples never are)"},
        "prose": {"type": "boolean",
                  "description": "read prose only: code blocks (templates, commands) are not read"},
        "level": {"type": "integer", "minimum": 1, "maximum": 6},
        "select": {"enum": sorted(SELECT_KINDS)},
        "where": {"type": "string", "description": "regex on each selected node's first line"},
    },
}


@dataclass(frozen=True, slots=True)
class Selector:
    names: frozenset[str] | None
    shown_name: str | None
    pattern: Pattern | None
    level: int | None
    select: str
    where: Pattern | None
    roles: frozenset[str] | None = None
    exclude: frozenset[str] = frozenset()
    prose: bool = False
    spec: Any = field(default=None, compare=False)
    """The selector as the pack wrote it, for `rules show`."""

    @classmethod
    def compile(cls, spec: dict) -> Selector:
        section = spec.get("section")
        alternatives = [section] if isinstance(section, str) else list(section or [])
        pattern = spec.get("section_pattern")
        where = spec.get("where")
        role = spec.get("role")
        roles = [role] if isinstance(role, str) else list(role or [])
        shown = alternatives[0] if alternatives else (f"/{pattern}/" if pattern else None)
        if roles and shown is None:
            shown = " or ".join(shipped_vocabulary().title(r) for r in roles)
        return cls(
            names=frozenset(canonical_title(a) for a in alternatives) if alternatives else None,
            shown_name=shown,
            pattern=compile_pattern(pattern) if pattern else None,
            level=spec.get("level"),
            select=spec.get("select", "section"),
            where=compile_pattern(where) if where else None,
            roles=frozenset(roles) if roles else None,
            exclude=frozenset(spec.get("exclude", ())),
            prose=bool(spec.get("prose", False)),
            spec=spec,
        )

    def resolve(self, doc: Document) -> Scope:
        """What this selector picks in `doc`; rules that select alike share it."""
        key = (self.names, self.shown_name, self.pattern and self.pattern.pattern, self.level, self.select,
               self.where and self.where.pattern, self.roles, self.exclude, self.prose)
        kept = doc.selected.get(key)
        if kept is not None:
            return replace(kept, document=doc)
        scope = self._resolve(doc)
        # kept without its document: a document holding itself would outlive its check
        doc.selected[key] = replace(scope, document=None)
        return scope

    def _resolve(self, doc: Document) -> Scope:
        fallback_line = doc.title.line if doc.title else 1
        if self.select == "title":
            title = doc.title
            nodes = [Node(title.line, title.line, title.title)] if title else []
            return Scope(doc, self._filter(nodes), "title heading", fallback_line)
        if self.select == "document" and self.roles is None:
            return Scope(doc, [self._own(doc, doc.root)], "the document", 1)
        if self.select == "source":
            return Scope(doc, [Node(1, max(len(doc.source), 1), "\n".join(doc.source))], "the text as written", 1)
        if self.select == "comments":
            return Scope(doc, self._filter(list(doc.comments)), "HTML comments", fallback_line)
        if self.select == "intro":
            first = doc.sections[0].line if doc.sections else len(doc.lines) + 1
            start = doc.title.line + 1 if doc.title else 1
            nodes = [self._own(doc, Node(start, first - 1, ""))] if first - 1 >= start else []
            return Scope(doc, nodes, "the text before the first section", fallback_line)
        anchored = self.names is not None or self.pattern is not None or self.roles is not None
        if anchored:
            anchors: list[Node] = self.anchors(doc)
            if not anchors:
                name = canonical_title(self.shown_name) if self.names else self.shown_name
                return Scope(doc, [], f"section {self.shown_name!r}", fallback_line, missing=[name])
            where = _describe_sections(anchors)
        else:
            anchors = [doc.root]
            where = "the document"
        nodes = self._filter(self._voice(doc, self._pick(doc, anchors)))
        prefix = SELECT_KINDS[self.select]
        description = f"{prefix} {where}" if prefix else where
        if self.where is not None:
            description += f" matching /{self.where.pattern}/"
        return Scope(doc, nodes, description, anchors[0].line if anchored else fallback_line,
                     sections=anchors if anchored else [])

    def anchors(self, doc: Document) -> list[Section]:
        """The sections this selector is anchored on (by role or by title), in
        document order."""
        if self.roles is not None:
            found = doc.sections_in_role(self.roles)
            return [s for s in found if self.level is None or s.level == self.level]
        return [s for s in doc.find_sections(self.names, self.pattern, self.level)
                if s.line not in doc.foreign_lines]

    def _excluded(self, doc: Document) -> frozenset[int]:
        """Lines this selector does not read: examples always, and the roles it excludes."""
        if not self.exclude and not self.prose:
            return doc.foreign_lines
        lines = set(doc.foreign_lines)
        for section in doc.sections_in_role(self.exclude):
            lines.update(range(section.line, section.end_line + 1))
        if self.prose:
            for block in doc.code_blocks:
                lines.update(range(block.line, block.end_line + 1))
        return frozenset(lines)

    def _own(self, doc: Document, node: Node) -> Node:
        """A span's text with the lines this selector does not read blanked."""
        excluded = self._excluded(doc)
        return _blanked(node, doc, excluded) if excluded else node

    def _voice(self, doc: Document, nodes: list[Node]) -> list[Node]:
        """Only the protocol's own voice: an example's gate is not the protocol's gate."""
        excluded = self._excluded(doc)
        if not excluded:
            return nodes
        kept = [n for n in nodes if n.line not in excluded]
        if self.select not in ("section", "body", "document"):
            return kept
        return [n if excluded.isdisjoint(range(n.line, n.end_line + 1)) else _blanked(n, doc, excluded)
                for n in kept]

    def _filter(self, nodes: list[Node]) -> list[Node]:
        if self.where is None:
            return nodes
        return [n for n in nodes if self.where.search(n.label)]

    def _pick(self, doc: Document, anchors: list[Node]) -> list[Node]:
        kind = self.select
        if kind == "section":
            return anchors
        if kind == "body":
            # a labelled paragraph (`**Mission:** Ship safely.`) is all body
            return [Node(start, a.end_line, doc.text_of(start, a.end_line))
                    for a in anchors
                    for start in [a.line if getattr(a, "label_only", False) else a.line + 1]
                    if a.end_line >= start]
        picked: list[Node] = []
        for anchor in anchors:
            if kind == "subsections":
                picked += anchor.children if isinstance(anchor, Section) else _top_sections(doc)
            elif kind == "steps":
                picked += [s for s in doc.within(doc.sections, anchor)
                           if s.step_number is not None and s is not anchor]
            elif kind == "items":
                picked += doc.within(doc.items, anchor)
            elif kind == "checkboxes":
                picked += [i for i in doc.within(doc.items, anchor) if i.checked is not None]
            elif kind == "code":
                picked += doc.within(doc.code_blocks, anchor)
            elif kind == "quotes":
                picked += doc.within(doc.quotes, anchor)
            elif kind == "tables":
                picked += doc.within(doc.tables, anchor)
            elif kind == "bold":
                picked += doc.within(doc.bold, anchor)
        return picked


@dataclass(frozen=True, slots=True)
class Union:
    """Several selectors read as one: `in: [section A, section B]`."""

    parts: tuple[Selector, ...]

    @property
    def shown_name(self) -> str | None:
        """How a message names the section the union looks in first."""
        return self.parts[0].shown_name

    @property
    def spec(self) -> list:
        return [p.spec for p in self.parts]

    def resolve(self, doc: Document) -> Scope:
        scopes = [p.resolve(doc) for p in self.parts]
        present = [s for s in scopes if not s.missing]
        missing = [m for s in scopes for m in s.missing]
        if missing and not any(s.nodes for s in present):
            # Nothing found anywhere: the absent section is the cause to report.
            return Scope(doc, [], " or ".join(s.description for s in scopes), scopes[0].anchor_line,
                         missing=missing)
        return Scope(doc, [n for s in present for n in s.nodes],
                     " and ".join(s.description for s in present), present[0].anchor_line,
                     sections=[section for s in present for section in s.sections])


def compile_selector(spec: dict | list | None) -> Selector | Union:
    if spec is None:
        return Selector.compile({"select": "document"})
    if isinstance(spec, list):
        return Union(tuple(Selector.compile(s) for s in spec))
    return Selector.compile(spec)


def _blanked(node: Node, doc: Document, excluded: frozenset[int]) -> Node:
    """The node with the text of the excluded lines blanked (line numbers kept)."""
    text = "\n".join("" if n in excluded else line
                     for n, line in enumerate(doc.lines[node.line - 1:node.end_line], start=node.line))
    return replace(node, text=text)


def _describe_sections(sections: list[Node]) -> str:
    first = sections[0]
    if len(sections) == 1:
        return f"section {first.title!r} (line {first.line})"
    lines = ", ".join(str(s.line) for s in sections)
    return f"sections {first.title!r} (lines {lines})"


def _top_sections(doc: Document) -> list[Section]:
    if doc.title is not None:
        return doc.title.children
    top = min((s.level for s in doc.sections), default=2)
    return [s for s in doc.sections if s.level == top]
