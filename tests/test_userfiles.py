"""Packs, configurations, forms and baselines refuse a file they cannot read in
the same words: missing, refused by the system, not UTF-8 at a line and column."""

from __future__ import annotations

import pytest

from protolint.baseline import Baseline
from protolint.config import load_config
from protolint.errors import UserError
from protolint.form import load_form
from protolint.packs import PackLoader

LOADERS = {
    "pack": lambda path: PackLoader().load(str(path)),
    "configuration": lambda path: load_config(path, required=True),
    "form": load_form,
    "baseline": Baseline.load,
}
NAMES = {"pack": "pack.yaml", "configuration": "protolint.yaml", "form": "form.yaml", "baseline": "baseline.json"}


def refusal(what: str, path) -> str:
    with pytest.raises(UserError) as raised:
        LOADERS[what](path)
    return str(raised.value)


@pytest.mark.parametrize("what", sorted(LOADERS))
def test_a_file_that_is_not_utf8_is_refused_at_its_first_bad_byte(tmp_path, what):
    path = tmp_path / NAMES[what]
    path.write_bytes("# a comment\nname: caf\xe9\n".encode("latin-1"))
    place = f"{path}:2:10" if what == "baseline" else f"{path}:2"
    assert refusal(what, path) == f"{place}: {what} is not UTF-8 (byte 0xe9); save the file as UTF-8"


@pytest.mark.parametrize("what, problem", [
    ("pack", "no such pack file"),
    ("configuration", "no such configuration file"),
    ("form", "no such form file"),
    ("baseline", "baseline not found (create it with --write-baseline)"),
])
def test_a_missing_file_is_named(tmp_path, what, problem):
    path = tmp_path / NAMES[what]
    assert refusal(what, path) == f"{path}: {problem}"


@pytest.mark.parametrize("what", ["configuration", "form", "baseline"])
def test_a_directory_is_refused_with_the_systems_reason(tmp_path, what):
    path = tmp_path / NAMES[what]
    path.mkdir()
    assert refusal(what, path) == f"{path}: cannot read {what}: Is a directory"


def test_a_byte_order_mark_is_not_part_of_the_text(tmp_path):
    path = tmp_path / "baseline.json"
    path.write_bytes(b'\xef\xbb\xbf{"protolint_baseline": 1, "findings": []}')
    assert Baseline.load(path).entries == frozenset()
