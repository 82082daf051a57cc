"""Claims one protocol makes about the others, checked against them.

Each kind reads the facts protolint.workspace gathered for the whole run and
reports at the line of the protocol that makes the claim.  Without
`--workspace` these kinds do not run (the rule is listed as not checked).
"""

from __future__ import annotations

import re

from protolint.checks import Hit, check
from protolint.parameters import Choice, Flag
from protolint.selectors import Scope

_EVIDENCE_DIR = re.compile(r"\.artifacts/protocol-([0-9]+[A-Za-z]?)/")
_WRITES = re.compile(r"(?i)\b(evidence|stor(e|ed|age)|sav(e|ed)|writ(e|es|ten)|archiv\w*|generat\w*|produc\w*)\b")
_READS = re.compile(r"(?i)\b(from|inputs?|upstream|prerequisites?|load\w*|read(s|ing)?|review\w*|consum\w*|receiv\w*)\b")


@check("workspace_refs", parameters={
    "of": Choice("inputs", "outputs", "handoffs",
                 description="which claims: inputs from, outputs to, or handoffs to other protocols"),
    "artifacts": Flag("each artifact an input names must be named by the protocol it comes from"),
}, required=["of"], reports_missing_sections=True, needs_workspace=True)
def workspace_refs(scope: Scope, params: dict) -> list[Hit]:
    """Every protocol the claims name exists in the workspace; with `artifacts`,
    every input artifact is one the named protocol produces (names among its
    outputs or evidence)."""
    workspace = scope.workspace
    facts = workspace.facts(scope.document.path)
    hits: list[Hit] = []
    for ref in getattr(facts, params["of"]) if facts else []:
        others = workspace.by_number.get(ref.protocol)
        if not others:
            hits.append(Hit(ref.line, f"Protocol {ref.protocol} is not in the workspace"))
            continue
        if params.get("artifacts"):
            unknown = [name for name in ref.artifacts if not any(name in o.artifacts for o in others)]
            if unknown:
                hits.append(Hit(ref.line, f"{', '.join(map(repr, unknown))} is not named by Protocol "
                                          f"{ref.protocol} ({others[0].path})"))
    return hits


@check("workspace_unique", reports_missing_sections=True, needs_workspace=True)
def workspace_unique(scope: Scope, params: dict) -> list[Hit]:
    """No two protocols claim the same number: inputs and handoffs by number
    would not know which one they mean."""
    facts = scope.workspace.facts(scope.document.path)
    if facts is None or facts.number is None:
        return []
    others = [o for o in scope.workspace.by_number.get(facts.number, []) if o.path != facts.path]
    if not others:
        return []
    return [Hit(facts.title_line, f"Protocol {facts.number} is also claimed by "
                                  f"{', '.join(o.path for o in others)}")]


@check("workspace_order", reports_missing_sections=True, needs_workspace=True)
def workspace_order(scope: Scope, params: dict) -> list[Hit]:
    """An input comes from a protocol that runs earlier (a lower number), and two
    protocols do not take inputs from each other: either is a workflow that
    cannot start."""
    from protolint.workspace import sort_key

    workspace = scope.workspace
    facts = workspace.facts(scope.document.path)
    if facts is None or facts.number is None:
        return []
    hits: list[Hit] = []
    for ref in facts.inputs:
        if ref.protocol not in workspace.by_number or ref.protocol == facts.number:
            continue
        back = [r for other in workspace.by_number[ref.protocol] for r in other.inputs if r.protocol == facts.number]
        if back:
            hits.append(Hit(ref.line, f"Protocol {ref.protocol} takes inputs from this protocol too "
                                      f"(line {back[0].line} of {workspace.by_number[ref.protocol][0].path}): a cycle"))
        elif sort_key(ref.protocol) > sort_key(facts.number):
            hits.append(Hit(ref.line, f"an input from Protocol {ref.protocol}, which runs after Protocol {facts.number}"))
    return hits


@check("own_number", reports_missing_sections=True, needs_document=True)
def own_number(scope: Scope, params: dict) -> list[Hit]:
    """Inside one protocol, the evidence it writes and its handoffs agree with its
    own number (a line that reads from another protocol is an input, not a
    claim): `.artifacts/protocol-15/` in Protocol 11 is copied text, and a
    handoff to Protocol 12 beside a completion that routes to 13 is a contradiction."""
    from protolint.workspace import handoffs_of, normal_number, protocol_number

    doc = scope.document
    own = protocol_number(doc)
    hits: list[Hit] = []
    seen: set[str] = set()
    inputs = {n for s in doc.sections_in_role({"prerequisites", "integration"})
              for n in range(s.line, s.end_line + 1)}
    if own is not None:  # one finding per foreign directory, at its first use
        for number, text in enumerate(doc.lines, start=1):
            if number in doc.foreign_lines or number in inputs:
                continue
            if not _WRITES.search(text) or _READS.search(text):
                continue  # reading another protocol's evidence is what inputs do
            for match in _EVIDENCE_DIR.finditer(text):
                if normal_number(match.group(1)) != own and match.group(0) not in seen:
                    seen.add(match.group(0))
                    hits.append(Hit(number, f"evidence under {match.group(0)!r} in Protocol {own}",
                                    column=match.start() + 1))
    handoffs = handoffs_of(doc)
    targets = {ref.protocol for ref in handoffs}
    if len(targets) > 1:
        first = handoffs[0]
        other = next(ref for ref in handoffs if ref.protocol != first.protocol)
        hits.append(Hit(other.line, f"hands off to Protocol {other.protocol}, but line {first.line} "
                                    f"hands off to Protocol {first.protocol}"))
    return hits
