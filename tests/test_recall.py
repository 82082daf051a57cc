"""Recall of the `core` pack: when a part of a real protocol is taken away, does
core say something new about it, in the layer that part belongs to?

Every protocol in the corpus (protocols/ and protocol-variants/) is mutated once
per part it has — its guardrail lines, its role section, its quality gates, its
halt conditions, its action markers, its integration, automation-hook, handoff
and communication sections, the fences of its communication templates — or two
of its core sections are swapped out of order.  Core must then report a finding
it did not report for the original.  The bar is 95 % overall and 85 % for each
mutation that at least three protocols can undergo.

The mutations are written the way an editor would cut a document, not the way
core reads one: they import no rule and share no pattern with the packs, so a
rule cannot pass by agreeing with the harness about what a part looks like.  The
reader below is deliberately plain — lines, fenced blocks (``` and ~~~, so a `#`
inside a fence is code, not a heading), ATX headings — and a section is a
heading with everything up to the next heading of the same or a higher level.
Core sections are recognised at the top level only (the shallowest heading
level below the H1), by their whole canonical title: numbering such as "2." or
"00-CD.", emoji, emphasis, a trailing "(LEGACY)" and case are stripped, and the
rest must be one of the titles in PART_TITLES.  A protocol has a part only when
this reader finds it; a protocol without it is left out of that mutation's
count rather than counted as a miss.  A core section that appears twice at the
top level (some protocols append a second AUTOMATION HOOKS or HANDOFF
CHECKLIST) loses every copy, or the copy left behind would still satisfy core.

"Noticed" means the mutated text yields a (rule id, message) pair in the
expected layer that the original did not, with line numbers taken out of the
message because every cut moves them.  A new message from a rule that already
fired counts: a rule that used to complain about one thing and now names the
removed part has noticed it.  A swap removes nothing, so no layer owns it: a
new finding in any layer counts, whichever rule judges the order of sections.

Run as a script from the repository root (`python tests/test_recall.py`) for
the table alone.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
# Run as a script, the file has neither pytest's rootdir on the path nor, outside the venv, the package.
sys.path.extend(str(entry) for entry in (HERE, HERE.parent / "linter") if str(entry) not in sys.path)

from conftest import CORPUS, needs_corpus  # noqa: E402
from protolint.runner import Linter, read_protocol  # noqa: E402

OVERALL_BAR = 0.95
MUTATION_BAR = 0.85
FEWEST_HELD_TO_BAR = 3
"""Below this many protocols a mutation's rate says more about the corpus than about core."""

FOLDERS = ("protocols", "protocol-variants")

# --- a plain reader of Markdown -------------------------------------------------

FENCE = re.compile(r"^\s*(`{3,}|~{3,})")
HEADING = re.compile(r"^(#{1,6})\s+(.*?)(?:\s+#+)?\s*$")


@dataclass(frozen=True)
class Heading:
    index: int
    level: int
    title: str


@dataclass(frozen=True)
class Section:
    heading: Heading
    start: int
    end: int
    """Exclusive: the index of the next heading of the same or a higher level, or the line count."""


@dataclass(frozen=True)
class Outline:
    lines: list[str]
    kinds: list[str]
    """Per line: "fence" for a fence delimiter, "code" inside a fence, "heading", or "text" for the prose."""
    headings: list[Heading]

    @property
    def sections(self) -> list[Section]:
        spans = []
        for position, heading in enumerate(self.headings):
            later = (h.index for h in self.headings[position + 1:] if h.level <= heading.level)
            spans.append(Section(heading, heading.index, next(later, len(self.lines))))
        return spans

    @property
    def top_level(self) -> list[Section]:
        """The core sections sit right under the title: ## in most protocols, but
        a protocol without an H1 or one that starts at ### is read the same way."""
        levels = [h.level for h in self.headings if h.level > 1]
        if not levels:
            return []
        return [s for s in self.sections if s.heading.level == min(levels)]

    def prose(self) -> list[int]:
        return [index for index, kind in enumerate(self.kinds) if kind == "text"]


def read(text: str) -> Outline:
    """A fence closes only on the same character at least as long, alone on its
    line (CommonMark); an indented fence counts, because protocols fence the
    templates inside list items."""
    lines = text.splitlines()
    kinds: list[str] = []
    headings: list[Heading] = []
    opened: str | None = None
    for index, line in enumerate(lines):
        fence = FENCE.match(line)
        if opened is None and fence:
            opened = fence.group(1)
            kinds.append("fence")
        elif opened is not None:
            closes = fence and fence.group(1)[0] == opened[0] and len(fence.group(1)) >= len(opened) \
                and not line.strip()[len(fence.group(1)):].strip()
            kinds.append("fence" if closes else "code")
            if closes:
                opened = None
        elif heading := HEADING.match(line):
            kinds.append("heading")
            headings.append(Heading(index, len(heading.group(1)), heading.group(2)))
        else:
            kinds.append("text")
    return Outline(lines, kinds, headings)


NUMBERING = re.compile(r"^(?:\d+(?:\.\d+)*\.?|[\w-]*\d[\w-]*\.)\s+")


def canonical(title: str) -> str:
    """The title an editor would read out: "## 10. HANDOFF CHECKLIST (LEGACY)" is the handoff checklist."""
    title = re.sub(r"[*_`]", "", title.lower()).replace("&", " and ")
    title = re.sub(r"^\W+", "", title)
    title = re.sub(r"^\W+", "", NUMBERING.sub("", title))
    title = re.sub(r"\s*\([^)]*\)\W*$", "", title)
    return " ".join(re.sub(r"\W+$", "", title).split())


PART_TITLES = {
    "role": re.compile(r"ai role\b.*|ai persona|role"),
    "workflow": re.compile(r"workflow"),
    "integration": re.compile(r"integration points"),
    "gates": re.compile(r"quality gates"),
    "communication": re.compile(r"communication protocols|communication"),
    "hooks": re.compile(r"automation hooks"),
    "handoff": re.compile(r"handoff checklist|handoff"),
}
CANONICAL_ORDER = list(PART_TITLES)
"""AI ROLE → WORKFLOW → INTEGRATION POINTS → QUALITY GATES → COMMUNICATION → AUTOMATION HOOKS → HANDOFF."""


def part_of(title: str) -> str | None:
    name = canonical(title)
    return next((part for part, pattern in PART_TITLES.items() if pattern.fullmatch(name)), None)


def core_sections(outline: Outline, part: str) -> list[Section]:
    return [s for s in outline.top_level if part_of(s.heading.title) == part]


# --- the mutations ----------------------------------------------------------------
# Each takes the outline of a protocol and returns its lines with one part taken
# away, or None when the reader finds no such part in it.

Mutation = Callable[[Outline], list[str] | None]


def without(outline: Outline, doomed: set[int]) -> list[str] | None:
    if not doomed:
        return None
    return [line for index, line in enumerate(outline.lines) if index not in doomed]


def spanned(sections: list[Section]) -> set[int]:
    return {index for section in sections for index in range(section.start, section.end)}


def remove_section(part: str) -> Mutation:
    def mutation(outline: Outline) -> list[str] | None:
        return without(outline, spanned(core_sections(outline, part)))
    return mutation


BOLD = re.compile(r"\*\*(.+?)\*\*|__(.+?)__")
GUARDRAIL = re.compile(r"\[(?:CRITICAL|STRICT)\]|\bCRITICAL\b|\bDO NOT\b|\bNEVER\b|\bMUST NOT\b", re.IGNORECASE)


def remove_guardrail(outline: Outline) -> list[str] | None:
    """The guardrail is what the role section puts in bold as a prohibition."""
    role = spanned(core_sections(outline, "role"))
    return without(outline, {
        index for index in outline.prose()
        if index in role
        and any(GUARDRAIL.search(bold.group(1) or bold.group(2)) for bold in BOLD.finditer(outline.lines[index]))
    })


HALT = re.compile(
    r"\b(?:halt|stop|pause|abort)|\bawait|\bwait(?:s|ing)? (?:for|until)\b|\bescalat"
    r"|\b(?:do not|don't|must not|never) (?:proceed|continue|advance|move on)"
    r"|\b(?:do not|don't|must not|never|cannot)\b.*\b(?:without|until|unless)\b"
    r"|\bbefore (?:proceeding|continuing|moving on)\b|\bfail(?:ure)? action\b"
    r"|\b(?:block|freeze|suspend)(?:s|ed|ing)?\b.*\b(?:until|if|unless|progress)\b",
    re.IGNORECASE)


def remove_halts(outline: Outline) -> list[str] | None:
    """Generous on purpose: a halt left behind would let core pass for the wrong
    reason, so a prohibition with a condition ("DO NOT deploy without approval")
    goes too, even from the guardrail.  Headings stay — "COMMUNICATION & HALT PROMPTS" names a section, it
    states no halt — and so do fenced templates, which quote rather than instruct."""
    return without(outline, {
        index for index in outline.prose()
        if HALT.search(outline.lines[index])
    })


MARKER = re.compile(r"(\*\*|__)?`?\[(?:MUST|GUIDELINE|STRICT)\]`?(?(1)\1)\s*")


def remove_markers(outline: Outline) -> list[str] | None:
    """The emphasis that wrapped only the marker goes with it, so no empty `****` is left to read as bold."""
    lines = list(outline.lines)
    for index in outline.prose():
        lines[index] = MARKER.sub("", lines[index])
    return None if lines == outline.lines else lines


GATE_ITEM = re.compile(
    r"^\s*(?:[-*+]|\d+[.)])?\s*(?:\*\*|__|`|\[(?:MUST|STRICT|GUIDELINE)\]|\s)*(?:quality\s+)?gate(?:\s+\d+)?\s*(?:\*\*|__)?\s*:",
    re.IGNORECASE)
GATE_TITLE = re.compile(r"^(?:quality )?gate(?:\s+\d+)?\s*:|\bquality gates?$")
"""A subsection that is a gate ("Gate 2: Security", "STEP 6: QUALITY GATE"), not one that mentions gates."""


def continuation(outline: Outline, item: int) -> range:
    """A list item and the lines indented under it (its criteria, its fenced prompt)."""
    indent = len(outline.lines[item]) - len(outline.lines[item].lstrip())
    end = item + 1
    for index in range(item + 1, len(outline.lines)):
        line = outline.lines[index]
        if outline.kinds[index] == "code":
            end = index + 1
        elif line.strip():
            if len(line) - len(line.lstrip()) <= indent:
                break
            end = index + 1
    return range(item, end)


def remove_gates(outline: Outline) -> list[str] | None:
    """Every gate, wherever the protocol states it: the QUALITY GATES sections,
    gate subsections such as "### STEP 6: QUALITY GATE", and "**`[MUST]` Gate: …**"
    items with the lines indented under them."""
    subsections = [s for s in outline.sections if GATE_TITLE.search(canonical(s.heading.title))]
    items = {index for index in outline.prose()
             if GATE_ITEM.match(outline.lines[index])}
    return without(outline, spanned(core_sections(outline, "gates")) | spanned(subsections)
                   | {i for item in items for i in continuation(outline, item)})


def unfence_communication(outline: Outline) -> list[str] | None:
    """The templates stay, word for word; only their fences go, so they become prose."""
    communication = spanned(core_sections(outline, "communication"))
    return without(outline, {index for index in communication if outline.kinds[index] == "fence"})


def swap_sections(outline: Outline) -> list[str] | None:
    """The first two core sections, in document order, that stand in canonical
    order change places; whatever lies between them stays where it was."""
    found = [(CANONICAL_ORDER.index(part), s) for s in outline.top_level if (part := part_of(s.heading.title))]
    for (rank, first), (next_rank, second) in zip(found, found[1:]):
        if rank < next_rank:
            lines = outline.lines
            return (lines[:first.start] + lines[second.start:second.end] + lines[first.end:second.start]
                    + lines[first.start:first.end] + lines[second.end:])
    return None


MUTATIONS: dict[str, tuple[str | None, Mutation]] = {
    "guardrail": ("L1", remove_guardrail),
    "role-section": ("L1", remove_section("role")),
    "quality-gates": ("L2", remove_gates),
    "halt-conditions": ("L2", remove_halts),
    "markers": ("L3", remove_markers),
    "integration": ("L3", remove_section("integration")),
    "hooks": ("L3", remove_section("hooks")),
    "handoff": ("L3", remove_section("handoff")),
    "communication": ("L4", remove_section("communication")),
    "communication-fences": ("L4", unfence_communication),
    "swap": (None, swap_sections),
}
"""Each mutation, the layer whose findings must change (None: any layer), and the cut."""

# --- the measurement --------------------------------------------------------------

LINE_NUMBERS = re.compile(r"\blines? \d+(?:, \d+)*")


def said(linter: Linter, text: str, name: str) -> set[tuple[str | None, str, str]]:
    result = linter.check_text(text, name)
    return {(f.layer, f.rule_id, LINE_NUMBERS.sub("line #", f.message)) for f in result.findings}


def corpus_files() -> list[Path]:
    return [path for folder in FOLDERS for path in sorted((CORPUS / folder).glob("*.md"))]


def measure(linter: Linter, files: list[Path] | None = None) -> dict:
    """Per mutation: its layer, the protocols that have the part, those where core
    noticed its loss, and the misses; and the same counted over all mutations.
    `files` defaults to the corpus; protocols nobody tuned on can be measured too."""
    tally = {name: {"layer": layer, "files": [], "noticed": [], "misses": []} for name, (layer, _) in MUTATIONS.items()}
    for path in files or corpus_files():
        name = f"{path.parent.name}/{path.name}"
        text = read_protocol(path)
        outline = read(text)
        before = said(linter, text, str(path))
        for mutation, (layer, cut) in MUTATIONS.items():
            lines = cut(outline)
            if lines is None:
                continue
            after = said(linter, "\n".join(lines) + "\n", str(path))
            new = {finding for finding in after - before if layer is None or finding[0] == layer}
            row = tally[mutation]
            row["files"].append(name)
            row["noticed" if new else "misses"].append(name)
    for row in tally.values():
        row["rate"] = len(row["noticed"]) / len(row["files"]) if row["files"] else None
    files = sum(len(row["files"]) for row in tally.values())
    noticed = sum(len(row["noticed"]) for row in tally.values())
    return {"mutations": tally, "overall": {"files": files, "noticed": noticed, "rate": noticed / files if files else None}}


def table(recall: dict) -> str:
    def rate(value: float | None) -> str:
        return "–" if value is None else f"{value:.0%}"

    rows = [f"{'mutation':<22}{'layer':<7}{'files':>6}{'noticed':>9}{'rate':>7}"]
    for name, row in recall["mutations"].items():
        rows.append(f"{name:<22}{row['layer'] or 'any':<7}{len(row['files']):>6}{len(row['noticed']):>9}{rate(row['rate']):>7}")
    overall = recall["overall"]
    rows.append(f"{'overall':<29}{overall['files']:>6}{overall['noticed']:>9}{rate(overall['rate']):>7}")
    rows += [f"MISS {name} {miss}" for name, row in recall["mutations"].items() for miss in row["misses"]]
    return "\n".join(rows)


@pytest.fixture(scope="module")
def linter() -> Linter:
    return Linter(["core"])


@pytest.fixture(scope="module")
def recall(linter) -> dict:
    measured = measure(linter)
    print("\n" + table(measured))
    return measured


@needs_corpus()
def test_core_notices_a_removed_part_overall(recall):
    overall = recall["overall"]
    assert overall["rate"] >= OVERALL_BAR, \
        f"core noticed {overall['noticed']} of {overall['files']} mutations, under {OVERALL_BAR:.0%}"


@needs_corpus()
def test_core_notices_each_kind_of_removal(recall):
    short = {name: f"{len(row['noticed'])}/{len(row['files'])}" for name, row in recall["mutations"].items()
             if len(row["files"]) >= FEWEST_HELD_TO_BAR and row["rate"] < MUTATION_BAR}
    assert not short, f"under {MUTATION_BAR:.0%}: {short}"


# --- the harness itself, on a protocol small enough to read -----------------------

SAMPLE = """\
# PROTOCOL 99: SAMPLE RELEASE

## 1. AI ROLE AND MISSION
You are a **Release Manager**.

**🚫 [CRITICAL] Never deploy without approval.**

## 2. WORKFLOW
### STEP 1: Build
1. **`[MUST]` Build:** Halt if the build fails.
   ```bash
   # a comment, not a heading
   make build
   ```
2. **`[MUST]` Gate: Build green**
   - Pass criteria: exit code 0

## 3. QUALITY GATES
### Gate 1: Build
- Criteria: exit code 0

## 4. COMMUNICATION PROTOCOLS
~~~text
[PHASE 1 START] Building.
~~~

## REFERENCES
- none
"""


def mutate(name: str, text: str = SAMPLE) -> str | None:
    lines = MUTATIONS[name][1](read(text))
    return None if lines is None else "\n".join(lines) + "\n"


def test_reader_knows_fences_and_titles():
    assert [h.title for h in read(SAMPLE).headings if h.level == 2] == [
        "1. AI ROLE AND MISSION", "2. WORKFLOW", "3. QUALITY GATES", "4. COMMUNICATION PROTOCOLS", "REFERENCES"]
    assert [part_of(title) for title in ("00-CD. AI ROLE AND MISSION", "10. HANDOFF CHECKLIST (LEGACY)",
                                         "🎯 Quality Gates", "ROLES & RESPONSIBILITIES",
                                         "COMMUNICATION & STAKEHOLDER ALIGNMENT")] == \
        ["role", "handoff", "gates", None, None]


def test_removing_a_section_takes_its_subsections_and_nothing_else():
    cut = "\n".join(remove_section("gates")(read(SAMPLE))) + "\n"
    assert "QUALITY GATES" not in cut and "### Gate 1" not in cut
    assert cut == SAMPLE.replace("## 3. QUALITY GATES\n### Gate 1: Build\n- Criteria: exit code 0\n\n", "")
    assert "   # a comment, not a heading\n" in cut


def test_cuts_inside_lines_leave_the_rest_in_place():
    assert "**🚫" not in mutate("guardrail") and "**Release Manager**" in mutate("guardrail")
    assert "1. **Build:** Halt if" in mutate("markers")
    assert "Halt if" not in mutate("halt-conditions") and "Never deploy" not in mutate("halt-conditions")
    assert "make build" in mutate("halt-conditions")
    assert "~~~" not in mutate("communication-fences") and "[PHASE 1 START] Building." in mutate("communication-fences")
    assert mutate("communication-fences").count("```") == 2


def test_removing_the_gates_takes_the_section_and_the_gates_inside_steps():
    cut = mutate("quality-gates")
    assert "QUALITY GATES" not in cut and "Gate: Build green" not in cut and "Pass criteria" not in cut
    assert "make build" in cut and "Halt if the build fails." in cut
    assert mutate("hooks") is None and mutate("handoff") is None


def test_swap_puts_the_later_section_first_and_keeps_every_line():
    swapped = mutate("swap")
    assert swapped.index("## 2. WORKFLOW") < swapped.index("## 1. AI ROLE AND MISSION")
    assert sorted(swapped.splitlines()) == sorted(SAMPLE.splitlines())


if __name__ == "__main__":
    print(table(measure(Linter(["core"]), [Path(arg) for arg in sys.argv[1:]] or None)))
