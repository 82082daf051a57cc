"""Golden files: one run over tests/data/report-run/ (a passing file, a failing
one, an empty one; a suppressed, a baselined and an unused-suppression finding;
blocked and unchecked rules) rendered in every format of report.FORMATS.  A change
to any report shows here as a diff to read.

After a deliberate change: `PROTOLINT_WRITE_GOLDEN=1 .venv/bin/python -m pytest
tests/test_report_golden.py` rewrites them (`make golden` does too)."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

import pytest

from protolint import __version__, report
from protolint.baseline import Baseline
from protolint.runner import Linter

RUN = Path(__file__).parent / "data" / "report-run"
GOLDEN = RUN / "golden"


@pytest.fixture(scope="module")
def run():
    with contextlib.chdir(RUN):
        linter = Linter(["pack.yaml"], baseline=Baseline.load("baseline.json"), report_unused_suppressions=True)
        yield linter.run(["passing.md", "failing.md", "empty.md"])


def stable(text: str) -> str:
    """What may differ between machines and releases, replaced: the working
    directory (SARIF's %SRCROOT%) and protolint's version."""
    text = text.replace(RUN.resolve().as_uri(), "file:///REPORT-RUN")
    return text.replace(f'"{__version__}"', '"VERSION"')


@pytest.mark.parametrize("name", report.FORMATS)
def test_each_format_renders_its_golden_report(run, name):
    with contextlib.chdir(RUN):
        rendered = stable(report.render(run, name, show_suppressed=True))
    golden = GOLDEN / f"{name}.golden"
    if os.environ.get("PROTOLINT_WRITE_GOLDEN"):
        GOLDEN.mkdir(exist_ok=True)
        golden.write_text(rendered, encoding="utf-8")
    assert golden.is_file(), f"no golden file {golden.name}: write it with PROTOLINT_WRITE_GOLDEN=1"
    assert rendered == golden.read_text(encoding="utf-8")


def test_no_golden_file_is_left_without_its_format():
    assert sorted(p.stem for p in GOLDEN.glob("*.golden")) == sorted(report.FORMATS)
