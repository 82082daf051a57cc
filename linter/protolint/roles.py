"""Section roles: what each part of a protocol is, read once per parse.

Protocols name the same part in many ways (`## AI Persona`, `## 1. AI ROLE AND
MISSION`, `**Your Role:** You are ...`) and use the same word for unrelated parts
(`### CI/CD Integration` inside AUTOMATION HOOKS is not INTEGRATION POINTS).  So
rules do not search headings for words: the vocabulary in `rules/vocabulary/roles.yaml`
says how each role is recognised (anchored titles, top level or not, the roles
of enclosing sections that rule it out, labelled lines), and every section of
a Document carries the role it was read as.  Rules then select roles.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from protolint.document import CodeBlock, Document, Section, canonical_title
from protolint.regex import FullMatchSet, Pattern, compile_pattern
from protolint.shipped import read_shipped, shipped_rules_dir




EXAMPLE = "example"
"""The role of text that shows what to produce: never the protocol's own voice."""
EXAMPLE_INFO = frozenset({"markdown", "md"})
"""Fence info strings of embedded documents: templates, not the protocol's text."""


@dataclass(frozen=True, slots=True)
class Role:
    name: str
    title: str
    """How a message names the part (`QUALITY GATES`)."""
    summary: str
    titles: Pattern | None
    labels: Pattern | None
    top: bool
    pseudo: bool
    not_under: frozenset[str]
    not_titles: Pattern | None = None
    """Titles that rule the role out whatever `titles` says (RE2 has no lookahead)."""


@dataclass(frozen=True, slots=True)
class Vocabulary:
    roles: tuple[Role, ...]
    specs: dict = field(default_factory=dict, compare=False)
    """The roles as written, so a pack can extend them."""
    title_set: FullMatchSet | None = field(default=None, compare=False)
    label_set: FullMatchSet | None = field(default=None, compare=False)
    """Every role's titles (labels) matched at once: which roles a title fits, in
    one pass, where a match per role cost a dozen calls for every heading."""
    titled: tuple[Role, ...] = field(default=(), compare=False)
    labelled: tuple[Role, ...] = field(default=(), compare=False)
    """The roles in `title_set` (`label_set`), in order: its indices name them."""

    @property
    def names(self) -> list[str]:
        return [role.name for role in self.roles]

    def title(self, name: str) -> str:
        """How a message names a role (its `title`, else its name)."""
        return next((role.title for role in self.roles if role.name == name), name)

    def classify(self, sections: list[Section], top_level: int) -> None:
        """Give every section the first role it fits; a section inside an
        example is an example too, whatever its title says."""
        parents: list[Section] = []
        for section in sections:
            while parents and parents[-1].level >= section.level:
                parents.pop()
            above = {p.role for p in parents if p.role}
            if EXAMPLE in above:
                section.role = EXAMPLE
            elif section.in_code:
                section.role = None  # a command's comment titles a hook, whatever it says
            else:
                section.role = self._role_of(section, section.level <= top_level, above)
            parents.append(section)

    def _role_of(self, section: Section, top: bool, above: set[str]) -> str | None:
        """The first role, in order, whose titles (labels) fit the section and
        that stands where it may."""
        matches, members = ((self.label_set, self.labelled) if section.label_only
                             else (self.title_set, self.titled))
        if matches is None:
            return None
        for index in matches.matching(section.canonical):
            role = members[index]
            if self._stands(role, section, top, above):
                return role.name
        return None

    @staticmethod
    def _stands(role: Role, section: Section, top: bool, above: set[str]) -> bool:
        """Whether a role whose titles fit may stand here: at the top level if it
        must, not under a role that rules it out, not a title it excludes."""
        if role.top and not top or section.pseudo and not role.pseudo:
            return False
        if role.not_under & above:
            return False
        return section.label_only or role.not_titles is None or not role.not_titles.fullmatch(section.canonical)

    def extended(self, data: dict) -> Vocabulary:
        """This vocabulary with a pack's `roles:`: titles and labels added to a
        known role (its other settings may be restated), and new roles tried
        before the known ones (a team's own part is the more specific reading)."""
        specs = {name: dict(spec) for name, spec in self.specs.items()}
        added: dict[str, dict] = {}
        for name, spec in data.items():
            if name in specs:
                merged = specs[name]
                for key in ("titles", "labels", "not_under", "not_titles"):
                    if key in spec:
                        merged[key] = list(merged.get(key, [])) + list(spec[key])
                merged.update({k: v for k, v in spec.items() if k in ("title", "summary", "top", "pseudo")})
            else:
                added[name] = dict(spec)
        return compile_vocabulary({"roles": {**added, **specs}})

    def apply(self, doc: Document) -> None:
        """Read a parsed document again with this vocabulary (a pack's own)."""
        body = doc.sections
        top = doc.title.level + 1 if doc.title else min((s.level for s in body), default=2)
        for section in body:
            section.role = None
        self.classify(body, top)
        doc.foreign_lines = foreign_lines(body, doc.code_blocks)

    def label_role(self, label: str) -> str | None:
        """The role a bold label opening a paragraph names (`**Mission:**`), if any."""
        canonical = canonical_title(label)
        for role in self.roles:
            if role.labels is not None and role.labels.fullmatch(canonical):
                return role.name
        return None


def _alternatives(patterns: list[str] | None) -> Pattern | None:
    if not patterns:
        return None
    return compile_pattern("|".join(f"(?:{p})" for p in patterns))


def foreign_lines(sections: list[Section], code_blocks: list[CodeBlock]) -> frozenset[int]:
    """Examples and templates of what to produce: not the protocol's voice."""
    foreign: set[int] = set()
    for section in sections:
        if section.role == EXAMPLE:
            foreign.update(range(section.line, section.end_line + 1))
    for block in code_blocks:
        if block.language in EXAMPLE_INFO:
            foreign.update(range(block.line, block.end_line + 1))
    return frozenset(foreign)


def compile_vocabulary(data: dict) -> Vocabulary:
    roles = []
    for name, spec in (data.get("roles") or {}).items():
        roles.append(Role(
            name=name,
            title=spec.get("title", name),
            summary=spec.get("summary", ""),
            titles=_alternatives(spec.get("titles")),
            labels=_alternatives(spec.get("labels")),
            top=bool(spec.get("top", False)),
            pseudo=bool(spec.get("pseudo", True)),
            not_under=frozenset(spec.get("not_under", ())),
            not_titles=_alternatives(spec.get("not_titles")),
        ))
    specs = dict(data.get("roles") or {})
    titled = tuple(role for role, spec in zip(roles, specs.values()) if spec.get("titles"))
    labelled = tuple(role for role, spec in zip(roles, specs.values()) if spec.get("labels"))
    return Vocabulary(tuple(roles), specs, _set(specs, "titles"), _set(specs, "labels"), titled, labelled)


def _set(specs: dict, key: str) -> FullMatchSet | None:
    patterns = ["|".join(f"(?:{p})" for p in spec[key]) for spec in specs.values() if spec.get(key)]
    return FullMatchSet(patterns) if patterns else None


@lru_cache(maxsize=1)
def shipped_vocabulary() -> Vocabulary:
    """The vocabulary every Document is classified with (read once per process)."""
    path = shipped_rules_dir() / "vocabulary" / "roles.yaml"
    return compile_vocabulary(read_shipped(path)[0])
