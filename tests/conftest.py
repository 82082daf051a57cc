"""Shared paths and helpers for the test suite."""

from __future__ import annotations

from pathlib import Path

import pytest

from protolint.packs import PackLoader

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "fixtures"
PROTOCOLS = FIXTURES / "protocols"
CORPUS = ROOT.parent / "shared" / "corpus" / "supertemplate"


@pytest.fixture(scope="session")
def loader() -> PackLoader:
    return PackLoader()


def needs_corpus() -> pytest.MarkDecorator:
    return pytest.mark.skipif(not CORPUS.is_dir(), reason=f"corpus not present at {CORPUS}")


@pytest.fixture(autouse=True)
def outside_github_actions(monkeypatch):
    """Under GitHub Actions protolint defaults to annotations and writes a step
    summary; tests start from a plain terminal wherever they run and opt in."""
    for name in ("GITHUB_ACTIONS", "GITHUB_STEP_SUMMARY"):
        monkeypatch.delenv(name, raising=False)
