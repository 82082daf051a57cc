"""The protocols of a workflow read together: who hands what to whom.

A team's 20-30 protocols pass artifacts along ("Inputs From Protocol 10:
`rollback-plan.md`", "Ready for Protocol 12", `@apply …/12-monitoring.md`).  A
claim in one file is only true if the other file agrees, so these facts are
gathered once per run from the same parsed Documents the per-file checks use,
and the workspace check kinds and `protolint graph` read them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from protolint.document import Document, Section

_NUMBER_IN_TITLE = re.compile(r"\bPROTOCOL\s+([0-9]+[A-Za-z]?(?:-[A-Za-z]+)?)\s*:", re.IGNORECASE)
_NUMBER_IN_NAME = re.compile(r"^([0-9]+[A-Za-z]?)-")
PROTOCOL_REF = re.compile(r"\bProtocol\s+([0-9]+[A-Za-z]?(?:-[A-Za-z]{1,4}\b)?)\b(?!\s*\.\d)", re.IGNORECASE)
HANDOFF_REF = re.compile(r"\b(?:ready for|handoff to|hand off to|proceed to|route to)\s+protocol\s+([0-9]+[A-Za-z]?)\b"
                         r"|@apply\s+\S*?/?([0-9]+[A-Za-z]?)-[\w.-]+\.md\b", re.IGNORECASE)
ARTIFACT = re.compile(r"`([^`\n]*?[\w-]+\.(?:md|json|ya?ml|csv|txt|zip|log|html|pdf|xml|sql))`")
_INPUT_TITLE = re.compile(r"\binputs?\b|\bfrom\b|\bupstream\b|\bpredecessor")
_OUTPUT_TITLE = re.compile(r"\boutputs?\b|\bto\b|\bdownstream\b|\bsuccessor")


def protocol_number(doc: Document) -> str | None:
    """`11` for `# PROTOCOL 11: …` (or, without such a title, a file named `11-….md`)."""
    if doc.title is not None:
        found = _NUMBER_IN_TITLE.search(doc.title.title)
        if found:
            return normal_number(found.group(1))
    found = _NUMBER_IN_NAME.match(Path(doc.path).name)
    return normal_number(found.group(1)) if found else None


def normal_number(text: str) -> str:
    """`05b`, `5b` and `5B` are one protocol; `00-CD` keeps its suffix."""
    head = re.match(r"0*([0-9]+)(.*)", text)
    return (head.group(1) + head.group(2).lower()) if head else text.lower()


def sort_key(number: str) -> tuple[int, str]:
    head = re.match(r"([0-9]+)(.*)", number)
    return (int(head.group(1)), head.group(2)) if head else (10 ** 6, number)


@dataclass(frozen=True, slots=True)
class Reference:
    """A claim in one protocol about another, at the line that makes it."""

    protocol: str
    line: int
    artifacts: tuple[str, ...] = ()


@dataclass(slots=True)
class ProtocolFacts:
    path: str
    number: str | None
    title: str
    title_line: int
    inputs: list[Reference] = field(default_factory=list)
    outputs: list[Reference] = field(default_factory=list)
    handoffs: list[Reference] = field(default_factory=list)
    artifacts: set[str] = field(default_factory=set)
    """Every file name the protocol names in its own voice (outputs, evidence, handoff)."""


def facts_of(doc: Document) -> ProtocolFacts:
    facts = ProtocolFacts(doc.path, protocol_number(doc), doc.title.title if doc.title else Path(doc.path).name,
                          doc.title.line if doc.title else 1)
    facts.handoffs = handoffs_of(doc)
    for number, text in enumerate(doc.lines, start=1):
        if number not in doc.foreign_lines:
            facts.artifacts.update(_names(text))
    for section in doc.sections_in_role({"integration"}, outermost=False):
        for kind, references in (("in", facts.inputs), ("out", facts.outputs)):
            if _direction(section) != kind:
                continue
            for line in range(section.line + 1, section.end_line + 1):
                if line in doc.foreign_lines:
                    continue
                text = doc.lines[line - 1]
                for match in PROTOCOL_REF.finditer(text):
                    reference = Reference(normal_number(match.group(1)), line, tuple(_names(text)))
                    if reference not in references:
                        references.append(reference)
    return facts


def handoffs_of(doc: Document) -> list[Reference]:
    """Every handoff the protocol states in its own voice, in order."""
    return [Reference(normal_number(match.group(1) or match.group(2)), number)
            for number, text in enumerate(doc.lines, start=1) if number not in doc.foreign_lines
            for match in HANDOFF_REF.finditer(text)]


def _direction(section: Section) -> str | None:
    """`in` for an Inputs From part, `out` for Outputs To; None for the whole
    INTEGRATION POINTS section (its parts say which way)."""
    title = section.canonical
    has_in, has_out = bool(_INPUT_TITLE.search(title)), bool(_OUTPUT_TITLE.search(title))
    if has_in and not has_out:
        return "in"
    if has_out and not has_in:
        return "out"
    return None


def _names(text: str) -> list[str]:
    return [Path(match.group(1).strip()).name for match in ARTIFACT.finditer(text)]


@dataclass(slots=True)
class Workspace:
    protocols: list[ProtocolFacts]
    by_number: dict[str, list[ProtocolFacts]] = field(default_factory=dict)
    by_path: dict[str, ProtocolFacts] = field(default_factory=dict)

    @classmethod
    def of(cls, docs: list[Document]) -> Workspace:
        workspace = cls([facts_of(doc) for doc in docs])
        for facts in workspace.protocols:
            workspace.by_path[facts.path] = facts
            if facts.number is not None:
                workspace.by_number.setdefault(facts.number, []).append(facts)
        return workspace

    def facts(self, path: str) -> ProtocolFacts | None:
        return self.by_path.get(path)

    def edges(self) -> list[tuple[str, str, tuple[str, ...], bool]]:
        """(from, to, artifacts, dangling) for every handoff of artifacts: an
        input of B from A is the edge A → B; an output of A to B is A → B."""
        found: dict[tuple[str, str], set[str]] = {}
        for facts in self.protocols:
            if facts.number is None:
                continue
            for ref in facts.inputs:
                found.setdefault((ref.protocol, facts.number), set()).update(ref.artifacts)
            for ref in facts.outputs + facts.handoffs:
                found.setdefault((facts.number, ref.protocol), set()).update(ref.artifacts)
        return [(a, b, tuple(sorted(names)), a not in self.by_number or b not in self.by_number)
                for (a, b), names in sorted(found.items(), key=lambda item: (sort_key(item[0][0]), sort_key(item[0][1])))
                if a != b]
