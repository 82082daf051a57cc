"""The workflow as a graph: protocols as nodes, artifact handoffs as labelled
edges; an edge to or from a protocol the workspace lacks is drawn apart
(dashed), so a broken chain shows at a glance."""

from __future__ import annotations

import json
import re

from protolint.workspace import Workspace, sort_key

_LABEL = 60
_TITLE_PREFIX = re.compile(r"^\s*PROTOCOL\s+\S+?\s*:\s*", re.IGNORECASE)


def _nodes(workspace: Workspace) -> list[tuple[str, str]]:
    named = {f.number: _TITLE_PREFIX.sub("", f.title) for f in workspace.protocols if f.number is not None}
    for a, b, _, _ in workspace.edges():
        for number in (a, b):
            named.setdefault(number, "")
    return sorted(named.items(), key=lambda item: sort_key(item[0]))


def _label(artifacts: tuple[str, ...]) -> str:
    text = ", ".join(artifacts)
    return text if len(text) <= _LABEL else text[:_LABEL - 1] + "…"


def render_mermaid(workspace: Workspace) -> str:
    out = ["graph LR"]
    for number, title in _nodes(workspace):
        node = f"P{number.replace('-', '_')}"
        if number in workspace.by_number:
            out.append(f'  {node}["{number}: {_escape(title)}"]')
        else:
            out.append(f'  {node}(["{number}: not in the workspace"])')
    for a, b, artifacts, dangling in workspace.edges():
        arrow = "-.->" if dangling else "-->"
        label = f"|{_escape(_label(artifacts))}|" if artifacts else ""
        out.append(f"  P{a.replace('-', '_')} {arrow}{label} P{b.replace('-', '_')}")
    return "\n".join(out) + "\n"


def render_dot(workspace: Workspace) -> str:
    out = ["digraph workflow {", "  rankdir=LR;"]
    for number, title in _nodes(workspace):
        style = "" if number in workspace.by_number else ", style=dashed"
        out.append(f'  "{number}" [label="{number}: {_escape(title or "not in the workspace")}"{style}];')
    for a, b, artifacts, dangling in workspace.edges():
        style = ", style=dashed" if dangling else ""
        out.append(f'  "{a}" -> "{b}" [label="{_escape(_label(artifacts))}"{style}];')
    out.append("}")
    return "\n".join(out) + "\n"


def render_json(workspace: Workspace) -> str:
    return json.dumps({
        "nodes": [{"protocol": n, "title": t, "present": n in workspace.by_number,
                   "files": [f.path for f in workspace.by_number.get(n, [])]} for n, t in _nodes(workspace)],
        "edges": [{"from": a, "to": b, "artifacts": list(names), "dangling": dangling}
                  for a, b, names, dangling in workspace.edges()],
    }, indent=1, ensure_ascii=False) + "\n"


FORMATS = {"mermaid": render_mermaid, "dot": render_dot, "json": render_json}


def _escape(text: str) -> str:
    return text.replace('"', "'")
