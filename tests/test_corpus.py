"""Real protocols from ../shared/corpus/supertemplate/ under `core`: no crash, and
each one's verdict, score, missing layers and failing rules recorded, so any change
of judgement shows up in review.  After a deliberate rule change, refresh the
record with PROTOLINT_UPDATE_SNAPSHOT=1 and read the diff."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from conftest import CORPUS, needs_corpus
from protolint.runner import Linter, read_protocol

SNAPSHOT = Path(__file__).parent / "data" / "corpus-core.json"
pytestmark = needs_corpus()


def judge_corpus() -> dict:
    linter = Linter(["core"])
    record = {}
    for folder in ("protocols", "protocol-variants"):
        for path in sorted((CORPUS / folder).glob("*.md")):
            result = linter.check_text(read_protocol(path), str(path))
            record[f"{folder}/{path.name}"] = {
                "verdict": "PASS" if result.passed else "FAIL",
                "score": result.score,
                "missing_layers": result.missing_layers,
                "layers": {layer.id: layer.score for layer in result.layers},
                "findings": sorted({f.rule_id for f in result.findings}),
            }
    return record


@pytest.fixture(scope="module")
def judgement() -> dict:
    return judge_corpus()


def test_every_corpus_protocol_is_judged(judgement):
    assert len(judgement) == len(list((CORPUS / "protocols").glob("*.md"))) + \
        len(list((CORPUS / "protocol-variants").glob("*.md")))


def test_judgement_matches_the_record(judgement):
    if os.environ.get("PROTOLINT_UPDATE_SNAPSHOT"):
        SNAPSHOT.write_text(json.dumps(judgement, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    assert judgement == json.loads(SNAPSHOT.read_text(encoding="utf-8"))


@pytest.mark.parametrize("name, missing", [
    # read by hand: no persona, guardrail, prerequisites; no announcements or communication section
    ("protocols/28-meta-instruction-builder.md", ["L1", "L4"]),
    # a 54-line phase without any communication grammar (its one gate is a step: L2 is thin, not absent)
    ("protocol-variants/1-prd-creation.md", ["L4"]),
    # its announcements are bold paragraphs (`**[… | PHASE 0 START]**`): L4 is thin, not missing
    ("protocol-variants/10-ai-feature-engineering-transformation.md", []),
    # its gates and tagged templates belong to an embedded PRD template; its own prompts are quoted questions
    ("protocol-variants/generators_protocol-workflow--1-create-protocol-prd-99ea8ed.md", []),
    # the canonical protocols carry every layer
    ("protocols/15-production-deployment.md", []),
    ("protocols/04-project-bootstrap-context-engineering.md", []),
    # gates inside phases (`[MUST] Gate: …`) are gates: L2 is not missing
    ("protocol-variants/00-client-discovery-663df1f.md", []),
])
def test_missing_layers_as_a_careful_reader_sees_them(judgement, name, missing):
    assert judgement[name]["missing_layers"] == missing


def test_modern_protocols_pass_core(judgement):
    failing = [name for name, j in judgement.items()
               if name.startswith("protocols/") and j["verdict"] == "FAIL"]
    # 11 has no AI ROLE section at all; 28 is a stage-based meta builder without persona
    assert failing == ["protocols/11-integration-testing.md", "protocols/28-meta-instruction-builder.md"]
