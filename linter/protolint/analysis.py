"""The meta-analysis of a protocol: its layer map with line references.

The analysis is the same judgement as `protolint check`, seen from the other
side: `rules/vocabulary/analysis.yaml` names, for each element of the map, the
rule that judges it, and the element's entries are exactly the parts that
rule's selector and pattern find.  A layer `check` calls missing is missing
here, for the same reasons; nothing is inferred that the rules did not find.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from protolint.checks import locate
from protolint.document import Document, Node, Section
from protolint.packs import Rule
from protolint.results import Result
from protolint.shipped import read_shipped, shipped_rules_dir

LAYER_NAMES = {"L1": "System-Level Decisions", "L2": "Behavioral Control", "L3": "Procedural Logic",
               "L4": "Communication Grammar", "L5": "Cognitive & Learning"}
_QUOTE = 100
_PLACES = 8


@dataclass(frozen=True, slots=True)
class Entry:
    """One element of the map: where it stands and the text it rests on."""

    name: str
    layer: str
    line: int
    end_line: int
    quote: str
    """The first line of the element as written, shortened with `…`."""
    why: str
    also: tuple[int, ...] = ()
    """Other lines where the same element is stated (every halt, every prompt)."""


@dataclass(frozen=True, slots=True)
class Coverage:
    layer: str
    name: str
    status: str
    """`captured`, `partial` or `missing` (missing: as `check` reports it)."""
    evidence: int
    gaps: tuple[str, ...] = ()
    """What is missing, in the words of the rules that failed."""
    found: tuple[str, ...] = ()
    """The elements found in the layer, by name."""


@dataclass(slots=True)
class Analysis:
    path: str
    title: str
    entries: list[Entry]
    diagram: list[str]
    coverage: list[Coverage]
    pack: str = ""
    score: float = 0.0
    passed: bool = False
    notes: list[str] = field(default_factory=list)


@lru_cache(maxsize=1)
def element_vocabulary() -> tuple[dict, ...]:
    path = shipped_rules_dir() / "vocabulary" / "analysis.yaml"
    return tuple(read_shipped(path)[0]["elements"])


def analyze(doc: Document, result: Result) -> Analysis:
    """The analysis of a document `check` has judged (`result`: the rules that ran, and their verdict)."""
    rules = {rule.id: rule for rule in result.rules}
    entries: list[Entry] = []
    for element in element_vocabulary():
        if "role" in element:
            entries += _role_entries(doc, element)
        elif element["rule"] in rules and not rules[element["rule"]].form_bound:
            entries += _rule_entries(doc, rules[element["rule"]], element)
    return Analysis(
        path=doc.path,
        title=doc.title.title if doc.title else doc.path,
        entries=entries,
        diagram=_diagram(doc),
        coverage=_coverage(entries, result),
        pack=result.pack,
        score=result.score,
        passed=result.passed,
    )


def _entry(doc: Document, element: dict, node: Node, also: tuple[int, ...] = ()) -> Entry:
    return Entry(element["name"], element["layer"], node.line, node.end_line,
                 _quote(doc, node.line, node.end_line), element["why"], also)


def _quote(doc: Document, line: int, end_line: int) -> str:
    for number in range(line, end_line + 1):
        text = doc.lines[number - 1].strip()
        if text:
            return text if len(text) <= _QUOTE else text[:_QUOTE - 1].rstrip() + "…"
    return ""


def _role_entries(doc: Document, element: dict) -> list[Entry]:
    sections = doc.sections_in_role({element["role"]})
    if not sections:
        return []
    return [_entry(doc, element, sections[0], tuple(s.line for s in sections[1:_PLACES + 1]))]


def _rule_entries(doc: Document, rule: Rule, element: dict) -> list[Entry]:
    scope = rule.selector.resolve(doc)
    if not scope.nodes:
        return []
    needles = rule.params.get("_needles")
    if needles:  # a `contains` rule: the lines its patterns match are the element
        lines = sorted({locate(node, match.start())[0] for node in scope.nodes
                        for _, pattern in needles for match in pattern.finditer(node.text)})
        if not lines:
            return []
        if element.get("each"):
            return [_entry(doc, element, Node(n, n, "")) for n in lines]
        return [_entry(doc, element, Node(lines[0], lines[0], ""), tuple(lines[1:_PLACES + 1]))]
    nodes = sorted(scope.nodes, key=lambda n: n.line)
    if element.get("each"):
        # a section that collects its parts (QUALITY GATES over its gates) is listed by part
        nodes = [part for node in nodes for part in (_parts(node) or [node])]
        return [_entry(doc, element, node) for node in nodes]
    return [_entry(doc, element, nodes[0], tuple(n.line for n in nodes[1:_PLACES + 1]))]


def _parts(node: Node) -> list[Section]:
    if not isinstance(node, Section):
        return []
    return [child for child in node.children if child.role == node.role and not child.in_code]


def _coverage(entries: list[Entry], result: Result) -> list[Coverage]:
    """Per layer, the elements found and, in the words of the rules that failed
    (their messages, not the checker's detail), what is missing."""
    messages = {rule.id: rule.message for rule in result.rules}
    failing: dict[str, dict[str, str]] = {}
    for finding in result.findings:
        if finding.layer:
            failing.setdefault(finding.layer, {}).setdefault(
                finding.rule_id, messages.get(finding.rule_id, finding.message))
    for layer in result.layers:  # lost points without a finding: a rule that could not run
        for lost in layer.lost:
            rule_id = lost.split(" ", 1)[0]
            if "(no section" not in lost:  # an absent section is the finding of the rule that wants it
                failing.setdefault(layer.id, {}).setdefault(rule_id, messages.get(rule_id, lost))
    layers = [layer.id for layer in result.layers]
    if any(e.layer == "L5" for e in entries) and "L5" not in layers:
        layers.append("L5")
    coverage = []
    for layer in layers:
        gaps = tuple(failing.get(layer, {}).values())
        status = "missing" if layer in result.missing_layers else "partial" if gaps else "captured"
        found = tuple(dict.fromkeys(e.name for e in entries if e.layer == layer))
        evidence = sum(1 + len(e.also) for e in entries if e.layer == layer)
        coverage.append(Coverage(layer, LAYER_NAMES.get(layer, layer), status, evidence, gaps, found))
    return coverage


def _diagram(doc: Document) -> list[str]:
    """Sections, their steps and gates, as a tree with line ranges."""
    top = doc.title.children if doc.title else [s for s in doc.sections
                                                 if s.level == min(x.level for x in doc.sections)]
    root = f"{doc.title.title if doc.title else doc.path} (L{1 if not doc.title else doc.title.line}-L{len(doc.lines)})"
    lines = [root]
    shown = [s for s in top if s.role != "example"]
    for index, section in enumerate(shown):
        last = index == len(shown) - 1
        lines.append(f"{'└── ' if last else '├── '}{_label(section)}")
        children = [c for c in section.children if c.role in ("step", "gates") and not c.in_code]
        for position, child in enumerate(children):
            branch = "    " if last else "│   "
            lines.append(f"{branch}{'└── ' if position == len(children) - 1 else '├── '}{_label(child)}")
    return lines


def _label(section: Section) -> str:
    role = f" [{section.role}]" if section.role and section.role not in ("step",) else ""
    return f"{section.title}{role} (L{section.line}-L{section.end_line})"
