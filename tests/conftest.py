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
