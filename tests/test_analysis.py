"""`protolint analyze`: the meta-analysis cites the lines it rests on, and judges
layers exactly as `protolint check` does."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import CORPUS, FIXTURES, PROTOCOLS, needs_corpus, protolint
from protolint.report.analysis import render_markdown
from protolint.runner import Linter, read_protocol

EXAMPLE = PROTOCOLS / "release-execution" / "11-production-deployment.md"
GOLDEN = FIXTURES / "analysis" / "analysis-11-production-deployment.md"


def corpus() -> list[Path]:
    return [p for folder in ("protocols", "protocol-variants") for p in sorted((CORPUS / folder).glob("*.md"))]


@needs_corpus()
def test_every_reference_points_at_the_text_it_quotes():
    linter = Linter(["core"])
    checked = 0
    for path in corpus():
        text = read_protocol(path)
        lines = text.split("\n")
        analysis = linter.analyze_text(text, str(path))
        for entry in analysis.entries:
            cited = "\n".join(lines[entry.line - 1:entry.end_line])
            assert entry.quote.rstrip("…") in cited, (path.name, entry)
            assert all(0 < n <= len(lines) for n in entry.also), (path.name, entry)
            checked += 1
    assert checked > 500


@needs_corpus()
def test_coverage_is_the_judgement_of_check():
    linter = Linter(["core"])
    for path in corpus():
        text = read_protocol(path)
        result = linter.check_text(text, str(path))
        coverage = {c.layer: c for c in linter.analyze_text(text, str(path)).coverage}
        for layer in result.layers:
            status = coverage[layer.id].status
            assert (status == "missing") == layer.missing, (path.name, layer.id)
            failing = {f.rule_id for f in result.findings if f.layer == layer.id}
            assert (status == "captured") == (not failing), (path.name, layer.id)


@needs_corpus()
def test_a_thin_protocol_is_told_what_is_missing_in_the_rules_words():
    path = CORPUS / "protocol-variants" / "1-prd-creation.md"
    analysis = Linter(["core"]).analyze_text(read_protocol(path), str(path))
    l4 = next(c for c in analysis.coverage if c.layer == "L4")
    assert l4.status == "missing" and l4.evidence == 0
    assert any("announcement" in gap for gap in l4.gaps) and any("prompt" in gap for gap in l4.gaps)
    assert "### Layer 4: Communication Grammar\n\n_Nothing in this layer was found._" in render_markdown(analysis)


def test_the_bundled_protocol_11_analysis_is_the_golden_file():
    analysis = Linter().analyze_text(read_protocol(EXAMPLE), "fixtures/protocols/release-execution/11-production-deployment.md")
    assert render_markdown(analysis) == GOLDEN.read_text(encoding="utf-8")


def test_each_gate_and_step_is_an_entry_and_the_diagram_shows_them():
    analysis = Linter().analyze_text(read_protocol(EXAMPLE), str(EXAMPLE))
    gates = [e for e in analysis.entries if e.name == "Quality gate"]
    assert [e.quote for e in gates] == ["### Gate 1: Go/No-Go Gate", "### Gate 2: Deployment Success Gate",
                                        "### Gate 3: Post-Release Validation Gate"]
    assert [e.line for e in analysis.entries if e.name == "Step"] == [19, 51, 83]
    assert "│   ├── STEP 1: Release Readiness Confirmation (L19-L49)" in analysis.diagram
    assert analysis.diagram[-1] == "└── 7. HANDOFF CHECKLIST [handoff] (L254-L271)"


def test_cli_writes_one_analysis_per_protocol_and_names_a_file_it_cannot_read(tmp_path):
    out = tmp_path / "analyses"
    out.mkdir()
    done = protolint("analyze", EXAMPLE, tmp_path / "missing.md", "-o", out)
    assert done.returncode == 2
    assert f"{tmp_path / 'missing.md'}: error: cannot read" in done.stderr
    assert (out / "analysis-11-production-deployment.md").read_text(encoding="utf-8").startswith(
        "# Meta-Instruction Analysis:")
    as_json = protolint("analyze", EXAMPLE, "--format", "json")
    assert as_json.returncode == 0
    data = json.loads(as_json.stdout)
    assert {c["layer"]: c["status"] for c in data["coverage"]} == {
        "L1": "captured", "L2": "captured", "L3": "captured", "L4": "captured"}


@needs_corpus()
def test_cycle_writes_the_analysis_beside_a_protocol_that_passes(tmp_path):
    form = CORPUS / "forms" / "protocol-input-form-12-monitoring.yaml"
    done = protolint("cycle", form, "-o", tmp_path / "12-monitoring.md")
    assert done.returncode == 0, done.stdout + done.stderr
    written = tmp_path / "analysis-12-monitoring.md"
    assert f"wrote {written}" in done.stdout
    assert written.read_text(encoding="utf-8").startswith(f"# Meta-Instruction Analysis: {tmp_path / '12-monitoring.md'}")
    quiet = protolint("cycle", form, "-o", tmp_path / "other" / "12-monitoring.md", "--no-analysis")
    assert quiet.returncode == 0 and not (tmp_path / "other" / "analysis-12-monitoring.md").exists()
