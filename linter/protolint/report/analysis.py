"""The meta-analysis as Markdown (the format people in this field write by
hand: PHASE MAP, META-ARCHITECTURE DIAGRAM, COVERAGE) or as JSON."""

from __future__ import annotations

import json
from dataclasses import asdict

from protolint.analysis import LAYER_NAMES, Analysis


def render_markdown(analysis: Analysis) -> str:
    out = [f"# Meta-Instruction Analysis: {analysis.path}", "",
           f"Protocol: {analysis.title}  ",
           f"Judged by pack `{analysis.pack}`: score {analysis.score:g}, "
           f"{'PASS' if analysis.passed else 'FAIL'}.", "", "## PHASE MAP"]
    for layer in _layers(analysis):
        entries = [e for e in analysis.entries if e.layer == layer]
        out += ["", f"### Layer {layer[1:]}: {LAYER_NAMES.get(layer, layer)}"]
        if not entries:
            out += ["", "_Nothing in this layer was found._"]
        for number, entry in enumerate(entries, start=1):
            ref = f"L{entry.line}" if entry.line == entry.end_line else f"L{entry.line}-L{entry.end_line}"
            out += ["", f"**Step {number}:** {entry.name} (ref. {ref})", f"- Source: `{_code(entry.quote)}`"]
            if entry.also:
                out.append(f"- Also stated at: {', '.join(f'L{n}' for n in entry.also)}")
            out.append(f"- Reasoning: {entry.why}")
    out += ["", "## META-ARCHITECTURE DIAGRAM", "", "```", *analysis.diagram, "```", "", "## COVERAGE", "",
            "| layer | status | evidence | found | what is missing |", "|---|---|---|---|---|"]
    for cover in analysis.coverage:
        found = ", ".join(cover.found) if cover.found else "nothing"
        gaps = "; ".join(cover.gaps) if cover.gaps else "-"
        out.append(f"| {cover.layer} {cover.name} | {cover.status} | {cover.evidence} | {_cell(found)} | {_cell(gaps)} |")
    return "\n".join(out) + "\n"


def render_json(analysis: Analysis) -> str:
    return json.dumps(asdict(analysis), indent=1, ensure_ascii=False) + "\n"


def _layers(analysis: Analysis) -> list[str]:
    return [c.layer for c in analysis.coverage]


def _code(text: str) -> str:
    return text.replace("`", "'")


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")
