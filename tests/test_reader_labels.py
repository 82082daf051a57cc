"""`core`'s missing layers against a careful reader's labels.

tests/data/reader-labels.tsv labels every layer of every corpus protocol and
variant present, partial or missing, with the lines the reader relied on; the
labels were written by reading the files, not by running protolint.  A layer a
reader sees must never be reported missing, and a layer a reader cannot find
must be.  Partial layers may go either way."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from conftest import CORPUS, needs_corpus
from protolint.runner import Linter, read_protocol

LABELS = Path(__file__).parent / "data" / "reader-labels.tsv"
pytestmark = needs_corpus()


def reader_labels() -> dict[str, dict[str, str]]:
    labels: dict[str, dict[str, str]] = {}
    with LABELS.open(encoding="utf-8") as handle:
        rows = csv.reader((line for line in handle if not line.startswith("#")), delimiter="\t")
        next(rows)
        for name, layer, label, _evidence in rows:
            labels.setdefault(name, {})[layer] = label
    return labels


@pytest.fixture(scope="module")
def missing_layers() -> dict[str, list[str]]:
    linter = Linter(["core"])
    return {name: linter.check_text(read_protocol(CORPUS / name), name).missing_layers
            for name in reader_labels()}


def test_every_corpus_protocol_is_labelled():
    names = {f"{folder}/{path.name}" for folder in ("protocols", "protocol-variants")
             for path in (CORPUS / folder).glob("*.md")}
    assert set(reader_labels()) == names
    assert all(set(layers) == {"L1", "L2", "L3", "L4"} for layers in reader_labels().values())


def test_no_present_layer_is_called_missing(missing_layers):
    wrong = [(name, layer) for name, layers in reader_labels().items()
             for layer, label in layers.items() if label == "present" and layer in missing_layers[name]]
    assert wrong == []


def test_every_missing_layer_is_reported(missing_layers):
    unnoticed = [(name, layer) for name, layers in reader_labels().items()
                 for layer, label in layers.items() if label == "missing" and layer not in missing_layers[name]]
    assert unnoticed == []
