"""References that must hold across a protocol: protocol numbers, evidence paths,
names that one section introduces and another must repeat."""

from __future__ import annotations

import re

from protolint.checks import Hit, check, locate
from protolint.parameters import Choice, Flag, Literal, Number, Regex, Selector, Text
from protolint.selectors import Scope

# "Protocol 12", "Protocols 10, 04/09", "Protocols 12 and 05": a word, then numbers.
_PROTOCOL_LIST = re.compile(
    r"\bprotocols?\s+((?:\d+[a-z]?)(?:\s*(?:,|/|&|\band\b|\bor\b)\s*\d+[a-z]?)*)", re.IGNORECASE)
_NUMBER = re.compile(r"\d+")
# A protocol file or id: "12-monitoring-observability" (.md or not).
_PROTOCOL_FILE = re.compile(r"(?<![\w.-])(\d{1,2})-[a-z][a-z0-9-]*", re.IGNORECASE)
_DEFAULT_PATH = re.compile(r"\.artifacts/[^\s`'\")\]>,;]+")


def protocol_numbers(text: str) -> set[int]:
    """Every protocol number a text refers to, leading zeros ignored (04 is 4)."""
    found = {int(n) for m in _PROTOCOL_LIST.finditer(text) for n in _NUMBER.findall(m.group(1))}
    found.update(int(m.group(1)) for m in _PROTOCOL_FILE.finditer(text))
    return found


@check("protocol_refs", parameters={
    "numbers": Literal({"type": "array", "minItems": 1,
                        "items": {"oneOf": [{"type": "integer", "minimum": 0},
                                            {"type": "array", "items": {"type": "integer", "minimum": 0},
                                             "minItems": 2}]}},
                       "each a number, or a list of alternatives"),
}, required=["numbers"])
def protocol_refs(scope: Scope, params: dict) -> list[Hit]:
    """The selection refers to each listed protocol ("Protocol 12", "Protocols
    10, 04/09", or a protocol file such as `12-monitoring-observability.md`)."""
    if not scope.nodes:
        return [Hit(scope.anchor_line, f"nothing to check: no {scope.description}")]
    seen: set[int] = set()
    for node in scope.nodes:
        seen |= protocol_numbers(node.text)
    wanted = [n if isinstance(n, list) else [n] for n in params["numbers"]]
    missing = [options for options in wanted if not seen.intersection(options)]
    if not missing:
        return []
    listed = ", ".join("Protocol " + " or ".join(str(n) for n in options) for options in missing)
    return [Hit(scope.anchor_line, f"{listed} not referenced in {scope.description}")]


@check("path_prefix", parameters={
    "prefix": Text(minLength=1),
    "pattern": Regex("what counts as a path (default: .artifacts/…)"),
    "min": Number("paths with the prefix required (default 1)", minimum=0),
    "all": Flag("every path found must use the prefix"),
}, required=["prefix"])
def path_prefix(scope: Scope, params: dict) -> list[Hit]:
    """Evidence paths live under one storage root (`.artifacts/deployment/`)."""
    prefix = params["prefix"]
    pattern = params.get("pattern") or _DEFAULT_PATH
    hits: list[Hit] = []
    good = 0
    for node in scope.nodes:
        for match in pattern.finditer(node.text):
            if match.group(0).startswith(prefix):
                good += 1
            elif params.get("all"):
                line, column = locate(node, match.start())
                hits.append(Hit(line, f"{match.group(0)!r} is not under {prefix}", column=column))
    wanted = params.get("min", 1)
    if good < wanted:
        hits.insert(0, Hit(scope.anchor_line,
                           f"{good} path(s) under {prefix} in {scope.description}, expected at least {wanted}"))
    return hits


@check("consistent_names", parameters={
    "extract": Regex("regex with one group: the names to carry over"),
    "source": Choice("label", "text", description="extract from each node's first line (default) or its whole text"),
    "target": Selector("where every extracted name must appear"),
    "ignore_case": Flag(),
}, required=["extract", "target"], needs_document=True)
def consistent_names(scope: Scope, params: dict) -> list[Hit]:
    """Names introduced in one place (gate names in QUALITY GATES) appear, spelled
    the same, in another (the workflow)."""
    target = params["target"].resolve(scope.document)
    flags = re.IGNORECASE if params.get("ignore_case", True) else 0
    names: dict[str, int] = {}
    for node in scope.nodes:
        if params.get("source") == "text":
            for match in params["extract"].finditer(node.text):
                names.setdefault(match.group(1).strip(), locate(node, match.start())[0])
        else:
            match = params["extract"].search(node.label)
            if match:
                names.setdefault(match.group(1).strip(), node.line)
    names.pop("", None)
    if not names:
        return [Hit(scope.anchor_line, f"no names matching /{params['extract'].pattern}/ in {scope.description}")]
    if target.missing:
        return [Hit(scope.anchor_line, f"{target.description} not found",
                    missing_sections=tuple(target.missing))]
    hits = []
    for name, line in names.items():
        needle = re.compile(re.escape(name), flags)
        if not any(needle.search(t.text) for t in target.nodes):
            hits.append(Hit(line, f"{name!r} (line {line}) does not appear in {target.description}"))
    return hits


_SCRIPT = re.compile(r"(?<![\w./-])((?:[\w.-]+/)*[\w.-]+\.(?:py|sh|js|ts|rb|ps1))\b")


@check("files_exist", parameters={
    "extract": Regex("regex whose first group (or whole match) is a path (default: script files)"),
    "min": Number("paths required in the selection (default 1)", minimum=0),
}, needs_project_root=True)
def files_exist(scope: Scope, params: dict) -> list[Hit]:
    """Every file the selection names (a script in an automation command) exists
    under the project root: a protocol that runs a missing script fails at run time."""
    pattern = params.get("extract") or _SCRIPT
    root = scope.project_root
    hits: list[Hit] = []
    named = 0
    for node in scope.nodes:
        for match in pattern.finditer(node.text):
            line_start = node.text.rfind("\n", 0, match.start()) + 1
            if node.text[line_start:match.start()].lstrip().startswith("#"):
                continue  # a comment names a hook; only commands run scripts
            name = match.group(1) if pattern.groups else match.group(0)
            named += 1
            if not (root / name).is_file():
                line, column = locate(node, match.start())
                hits.append(Hit(line, f"{name!r} does not exist under {root}", column=column))
    wanted = params.get("min", 1)
    if named < wanted:
        hits.insert(0, Hit(scope.anchor_line, f"{named} file name(s) in {scope.description}, expected at least {wanted}"))
    return hits
