"""Shared paths and helpers for the test suite."""

from __future__ import annotations

import contextlib
import io
import os
import re
import shutil
import subprocess
import sys
import traceback
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from protolint.packs import PackLoader

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "fixtures"
PROTOCOLS = FIXTURES / "protocols"
CORPUS = ROOT.parent / "shared" / "corpus" / "supertemplate"


@pytest.fixture(scope="session")
def loader() -> PackLoader:
    return PackLoader()


def protolint(*args, cwd=ROOT, env=None, text=True) -> subprocess.CompletedProcess:
    """The command line as the console script enters it (`cli.main` with these
    arguments), run in this process: its working directory, environment and
    standard streams are swapped in for the run and put back after.  stdout is
    a pipe, not a terminal; a crash prints its traceback and exits 1, as a
    process would.  Environment values of None are unset."""
    import gc
    from unittest import mock

    from protolint import cli, parsing

    environment = {"NO_COLOR": "1", "COLUMNS": "200", **(env or {})}
    streams = {name: io.TextIOWrapper(io.BytesIO(), encoding="utf-8", newline="\n") for name in ("out", "err")}
    argv, directory, parser, threshold = sys.argv, os.getcwd(), parsing._chosen, gc.get_threshold()
    code = 0
    try:
        with mock.patch.dict(os.environ):
            for name, value in environment.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value
            os.chdir(cwd)
            sys.argv = ["protolint", *map(str, args)]
            with contextlib.redirect_stdout(streams["out"]), contextlib.redirect_stderr(streams["err"]):
                try:
                    cli.main()
                except SystemExit as done:
                    code = _exit_status(done.code)
                except Exception:  # noqa: BLE001 - a crash is an outcome the tests assert on
                    traceback.print_exc()
                    code = 1
    finally:
        sys.argv = argv
        os.chdir(directory)
        parsing._chosen = parser
        gc.unfreeze()
        gc.set_threshold(*threshold)
    out, err = (_read(streams[name], text) for name in ("out", "err"))
    return subprocess.CompletedProcess(["protolint", *map(str, args)], code, out, err)


def _exit_status(code) -> int:
    """What a process exits with for `sys.exit(code)`: a message exits 1 (and is printed)."""
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    print(code, file=sys.stderr)
    return 1


def _read(stream: io.TextIOWrapper, text: bool) -> str | bytes:
    """A captured stream as `subprocess.run(capture_output=True, text=text)` returns it."""
    stream.flush()
    raw = stream.buffer.getvalue()
    if not text:
        return raw
    return raw.decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")


def protolint_process(*args, cwd=ROOT, env=None, text=True, timeout=60) -> subprocess.CompletedProcess:
    """The command line as users run it, in a real subprocess: for what is about
    the process itself (its exit status, its streams, its start-up, its
    workers).  Environment values of None are unset."""
    environment = {**os.environ, "NO_COLOR": "1", "COLUMNS": "200"}
    for name, value in (env or {}).items():
        if value is None:
            environment.pop(name, None)
        else:
            environment[name] = value
    return subprocess.run([sys.executable, "-m", "protolint", *map(str, args)], cwd=cwd,
                          capture_output=True, text=text, env=environment, timeout=timeout)


EXPECTATIONS = re.compile(r"\n*<!-- expect:\n(?P<places>.*?)-->\n\Z", re.S)
EXPECTED_PLACE = re.compile(r"(?P<line>\d+): (?P<rules>.+)")
EXPECTED_RULE = re.compile(r"(?P<rule>[A-Za-z0-9][\w.-]*)(?: \((?P<layer>L\d)\))?")


def expected_findings(path: Path) -> set[tuple[int, str, str | None]]:
    """The findings a fixture says it triggers, as (line, rule id, layer or None).

    They close the fixture, in one HTML comment, one line per place a finding
    points at:

        <!-- expect:
        5: P11E-guardrail (L1), core-L1-guardrail (L1)
        -->

    The layer is optional.  The comment closes the file instead of trailing each
    line because findings mostly point at headings, and a comment on a heading's
    line would become part of its title; at the end it shifts no line and
    changes no finding (tests/test_fixtures.py and tests/test_workspace.py prove
    it for the fixtures that have one).  A failing protocol lists every finding
    of its test's run; a workspace fixture lists the cross-protocol (ws-) ones."""
    found = EXPECTATIONS.search(path.read_text(encoding="utf-8"))
    if found is None:
        return set()
    expected = set()
    for place in found["places"].splitlines():
        line = EXPECTED_PLACE.fullmatch(place)
        assert line, f"{path}: {place!r} is not `LINE: RULE-ID (LAYER), …`"
        for entry in line["rules"].split(", "):
            rule = EXPECTED_RULE.fullmatch(entry)
            assert rule, f"{path}: {entry!r} is not `RULE-ID` or `RULE-ID (LAYER)`"
            expected.add((int(line["line"]), rule["rule"], rule["layer"]))
    return expected


def without_expectations(text: str) -> str:
    """A fixture's text with its closing `<!-- expect:` comment taken out."""
    return EXPECTATIONS.sub("\n", text)


def init_repository(path: Path) -> Path:
    """A git repository at `path`: where config discovery stops, and what .gitignore applies to."""
    path.mkdir(parents=True, exist_ok=True)
    if shutil.which("git"):
        subprocess.run(["git", "init", "-q", str(path)], check=True)
    else:
        (path / ".git").mkdir()
    return path


def needs_corpus() -> pytest.MarkDecorator:
    return pytest.mark.skipif(not CORPUS.is_dir(), reason=f"corpus not present at {CORPUS}")


@pytest.fixture(autouse=True)
def outside_github_actions(monkeypatch):
    """Under GitHub Actions protolint defaults to annotations and writes a step
    summary; tests start from a plain terminal wherever they run and opt in."""
    for name in ("GITHUB_ACTIONS", "GITHUB_STEP_SUMMARY"):
        monkeypatch.delenv(name, raising=False)


def form_with_halts(source: Path, directory: Path) -> Path:
    """A copy of a form in which every [MUST] step states a halt condition: the
    bundled Protocol 11 forms leave some empty, and the seeds want one per
    mandatory action, so as they stand the cycle stops naming those fields."""
    import yaml

    form = yaml.safe_load(source.read_text(encoding="utf-8"))
    for phase in form["phases"]:
        for step in phase["steps"]:
            if step["action_type"] == "MUST" and not step.get("halt_condition"):
                step["halt_condition"] = f"Stop if {step['action_title'].lower()} cannot be completed."
    copy = directory / source.name
    copy.write_text(yaml.safe_dump(form, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return copy


# Fuzzing (tests/test_fuzz.py, tests/test_backends.py): a few dozen examples per
# test in `make test`, the same ones every run (CI passes or fails on the code,
# not on the draw); thousands, freshly drawn, in `make fuzz`
# (--hypothesis-profile=fuzz).  No deadline: the machine is shared, and a slow
# example is not a failure.
settings.register_profile("bounded", max_examples=25, deadline=None, derandomize=True,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
settings.register_profile("fuzz", max_examples=2000, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
settings.load_profile("bounded")
