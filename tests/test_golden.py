"""Golden files: every corpus form, in each of its layouts, and the protocol it
generates, committed under fixtures/generated/ and read in full as the agent
that must follow it.  A change to what the generator writes shows here as a
diff to read, not as a surprise in someone's protocol.

After a deliberate change, `make golden` rewrites them (PROTOLINT_WRITE_GOLDEN=1)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from conftest import CORPUS, FIXTURES, needs_corpus
from protolint.form import FormError, load_form
from protolint.generate import render

GENERATED = FIXTURES / "generated"
FORMS = FIXTURES / "forms"
CORPUS_FORMS = CORPUS / "forms"


def form_for(stem: str) -> Path:
    """The fixture copy when there is one (a corpus form corrected to load), else the corpus form."""
    copy = FORMS / f"{stem}.yaml"
    return copy if copy.is_file() else CORPUS_FORMS / f"{stem}.yaml"


GOLDEN = sorted(GENERATED.glob("*.md"))


@pytest.mark.parametrize("golden", GOLDEN, ids=[g.stem for g in GOLDEN])
def test_each_form_generates_its_golden_protocol(golden):
    form = form_for(golden.stem)
    if not form.is_file():
        pytest.skip(f"corpus not present at {CORPUS}")
    text = render(load_form(form))
    if os.environ.get("PROTOLINT_WRITE_GOLDEN"):
        golden.write_text(text, encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8")


@needs_corpus()
def test_every_corpus_form_has_a_golden_protocol_or_cannot_be_read():
    missing = []
    for path in sorted(CORPUS_FORMS.glob("*.yaml")):
        try:
            load_form(form_for(path.stem))
        except FormError:
            continue  # the blank template: every field empty
        golden = GENERATED / f"{path.stem}.md"
        if os.environ.get("PROTOLINT_WRITE_GOLDEN") and not golden.is_file():
            GENERATED.mkdir(exist_ok=True)
            golden.write_text(render(load_form(form_for(path.stem))), encoding="utf-8")
        if not golden.is_file():
            missing.append(path.stem)
    assert missing == []
