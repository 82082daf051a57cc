"""docs/seed-checklists.md names only rules the shipped packs have, maps every seed rule, and leaves nothing pending."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from protolint.packs import PackLoader, shipped_pack_names

DOC = Path(__file__).resolve().parents[1] / "docs" / "seed-checklists.md"
RULE_ID = re.compile(r"`((?:core|form|P11E|P11M)-[A-Za-z0-9-]+)`")


@pytest.fixture(scope="module")
def text() -> str:
    return DOC.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def shipped_ids() -> set[str]:
    loader = PackLoader()
    return {rule.id for name in shipped_pack_names() for rule in loader.load(name).rules}


def test_the_seed_packs_are_shipped():
    assert {"core", "form", "protocol-11-release-execution", "protocol-11-release-management"} <= set(shipped_pack_names())


def test_every_rule_id_in_the_doc_exists(text, shipped_ids):
    mentioned = set(RULE_ID.findall(text))
    assert mentioned, "the doc names no rule ids: has the id pattern changed?"
    assert {i.split("-")[0] for i in mentioned} == {"core", "form", "P11E", "P11M"}
    missing = sorted(mentioned - shipped_ids)
    assert not missing, f"docs/seed-checklists.md names rules no shipped pack has: {missing}"


def test_nothing_is_pending(text):
    assert "pending" not in text.lower()


@pytest.mark.parametrize("pack", ["protocol-11-release-execution", "protocol-11-release-management"])
def test_every_seed_rule_is_mapped(text, pack):
    own = {rule.id for rule in PackLoader().load(pack).rules if rule.id.startswith(("P11E-", "P11M-"))}
    unmapped = sorted(own - set(RULE_ID.findall(text)))
    assert not unmapped, f"docs/seed-checklists.md does not map these {pack} rules: {unmapped}"
