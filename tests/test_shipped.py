"""The parsed copy of the shipped YAML files: equal to the files, and never
used for a file that changed since it was written."""

from __future__ import annotations

import hashlib

from protolint import shipped
from protolint.packs import PackLoader
from protolint.validation import line_index, parse_yaml


def test_the_copy_is_the_shipped_files_parsed():
    """`make schema` writes it; run it after editing a shipped pack or vocabulary."""
    assert shipped.COPY.read_text(encoding="utf-8") == shipped.copy_text()
    for path in sorted(shipped.shipped_rules_dir().rglob("*.yaml")):
        node, data = parse_yaml(path.read_text(encoding="utf-8"))
        assert shipped.parsed(path) == (data, line_index(node))


def test_a_file_that_changed_since_the_copy_is_read_from_its_yaml(monkeypatch, tmp_path):
    core = shipped.shipped_rules_dir() / "core.yaml"
    stale = {"core.yaml": {"sha256": hashlib.sha256(b"an older core").hexdigest(),
                           "data": {"pack": "stale", "rules": []}, "lines": []}}
    monkeypatch.setattr(shipped, "_copies", lambda: stale)
    assert shipped.parsed(core) is None
    assert PackLoader().load("core").name == "core"  # read from the YAML, not the stale copy
    outside = tmp_path / "core.yaml"
    outside.write_bytes(core.read_bytes())
    assert shipped.parsed(outside) is None  # only the shipped files themselves


def test_without_a_copy_every_file_is_read_from_its_yaml(monkeypatch):
    monkeypatch.setattr(shipped, "COPY", shipped.COPY.with_name("no-such-copy.json"))
    shipped._copies.cache_clear()
    try:
        assert shipped.parsed(shipped.shipped_rules_dir() / "core.yaml") is None
        assert {rule.id for rule in PackLoader().load("core").rules} >= {"core-L1-guardrail"}
    finally:
        shipped._copies.cache_clear()
