"""The precision protolint publishes is the one the reader's labels give."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import ROOT
from protolint.packs import PackLoader, shipped_pack_names
from protolint.precision import describe, rules_table, shipped, tally
from protolint.shipped import shipped_rules_dir

LABELS = Path(__file__).parent / "data" / "finding-labels.tsv"


def test_shipped_precision_is_the_labels_tally():
    expected = tally(LABELS)
    recorded = json.loads((shipped_rules_dir() / "vocabulary" / "precision.json").read_text(encoding="utf-8"))
    assert recorded == expected, "run `python -m protolint.precision tests/data/finding-labels.tsv .`"
    assert sum(c["judged"] for c in expected.values()) >= 100


def test_docs_list_every_shipped_rule_with_its_measure():
    loader = PackLoader()
    rules = {r.id: r for name in shipped_pack_names() for r in loader.load(name).rules}
    table = rules_table(sorted(rules.values(), key=lambda r: r.id), tally(LABELS))
    assert (ROOT / "docs" / "rules.md").read_text(encoding="utf-8") == table


def test_rules_show_states_the_measure():
    rule, counts = next(iter(shipped().items()))
    line = describe(rule)
    assert f"{counts['judged']} findings" in line and f"{counts['false']} false" in line
    assert describe("no-such-rule") is None
