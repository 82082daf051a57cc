"""The loop cannot be gamed and never loses work: a regenerator's suppression
comments and gutted drafts are refused, one output has one writer, the output is
known writable before the first round, broken regenerator output is a clear stop
with the best draft written, and `-o -` is stdout."""

from __future__ import annotations

import json
import sys

import pytest

from conftest import FIXTURES, PROTOCOLS, protolint, protolint_process
from test_cycle import FORMS, PROJECT

FORM = FORMS / "protocol-input-form-11-deployment-b999fbd.yaml"
GOOD = PROTOCOLS / "release-execution" / "11-production-deployment.md"
PERSONA = "You are a **Release Manager**."


@pytest.fixture
def draft(tmp_path):
    """A draft failing one rule (the persona) that only a regenerator can mend."""
    path = tmp_path / "draft.md"
    path.write_text(GOOD.read_text().replace(PERSONA, "You are an assistant."))
    return path


def regenerator(tmp_path, body: str) -> str:
    """A regenerator script: `text` is the current draft; it writes `out`."""
    script = tmp_path / "regenerate.py"
    script.write_text("import os, sys\ntext = open(os.environ['PROTOLINT_DRAFT'], encoding='utf-8').read()\n"
                      "out = os.environ['PROTOLINT_OUTPUT']\n" + body)
    return f"{sys.executable} {script}"


def cycle(draft, out, command, *extra, run=protolint):
    return run("cycle", FORM, "--from", draft, "-o", out, "--project-root", PROJECT,
               "--no-analysis", "--regenerate-cmd", command, *extra)


def repaired(text: str) -> str:
    return text.replace("You are an assistant.", PERSONA)


def test_a_regenerator_that_disables_every_rule_is_refused_and_the_best_draft_kept(tmp_path, draft):
    command = regenerator(tmp_path, "open(out, 'w').write('<!-- protolint-disable-file -->\\n# Release\\n')\n")
    out, record = tmp_path / "out.md", tmp_path / "r.json"
    done = cycle(draft, out, command, "--report", record)
    assert done.returncode == 1, done.stdout + done.stderr
    last = done.stdout.strip().splitlines()[-1]
    assert last.startswith("STOP refused") and "PASS" not in done.stdout
    assert "adds suppression comments (line 1: <!-- protolint-disable-file -->)" in last
    assert out.read_text() == draft.read_text()
    assert json.loads(record.read_text())["status"] == "refused"


def test_a_regenerator_that_hides_one_failing_rule_in_a_full_draft_is_refused(tmp_path, draft):
    """Keeping the whole protocol does not excuse a suppression the regenerator added."""
    command = regenerator(tmp_path, "open(out, 'w').write(text.replace('You are an assistant.', "
                                    "'<!-- protolint-disable-next-line P11E-persona -->\\nYou are an assistant.'))\n")
    done = cycle(draft, tmp_path / "out.md", command)
    assert done.returncode == 1
    assert "protolint-disable-next-line P11E-persona" in done.stdout.strip().splitlines()[-1]


def test_the_users_own_suppression_comments_stay_honoured(tmp_path, draft):
    """Comments the user wrote in the starting draft are theirs: a regenerator
    that keeps them (and mends the rest) passes."""
    draft.write_text("<!-- protolint-disable-file core-L3-duplicate-sections -->\n" + draft.read_text())
    command = regenerator(tmp_path, "open(out, 'w').write(text.replace('You are an assistant.', "
                                    f"{PERSONA!r}))\n")
    done = cycle(draft, tmp_path / "out.md", command)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.strip().splitlines()[-1].startswith("PASS")


def test_a_regenerator_that_drops_most_of_the_protocol_is_refused(tmp_path, draft):
    command = regenerator(tmp_path, "open(out, 'w').write(''.join(text.splitlines(True)[:40]))\n")
    done = cycle(draft, tmp_path / "out.md", command)
    assert done.returncode == 1
    last = done.stdout.strip().splitlines()[-1]
    assert last.startswith("STOP refused") and "drops most of the protocol" in last
    assert (tmp_path / "out.md").read_text() == draft.read_text()


def test_a_regenerator_writing_text_that_is_not_utf8_stops_clearly_and_the_best_draft_is_written(tmp_path, draft):
    command = regenerator(tmp_path, "open(out, 'wb').write(text.encode('cp1252', 'replace') + b'caf\\xe9 \\xff')\n")
    out = tmp_path / "out.md"
    done = cycle(draft, out, command)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    last = done.stdout.strip().splitlines()[-1]
    assert last.startswith("STOP regenerator failed") and "not UTF-8" in last
    assert out.read_text() == draft.read_text()


def test_what_a_regenerator_prints_is_not_read_so_bytes_that_are_not_utf8_there_do_no_harm(tmp_path, draft):
    command = regenerator(tmp_path, "sys.stdout.buffer.write(b'\\xff\\xfe log'); sys.stderr.buffer.write(b'\\xe9')\n"
                                    f"open(out, 'w').write(text.replace('You are an assistant.', {PERSONA!r}))\n")
    done = cycle(draft, tmp_path / "out.md", command)
    assert done.returncode == 0, done.stdout + done.stderr


def test_a_failing_regenerator_that_prints_bytes_that_are_not_utf8_is_quoted_not_a_crash(tmp_path, draft):
    command = regenerator(tmp_path, "sys.stderr.buffer.write(b'model \\xff unavailable\\n'); sys.exit(4)\n")
    done = cycle(draft, tmp_path / "out.md", command)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "regenerator exited with status 4: model \ufffd unavailable" in done.stdout


def test_a_second_cycle_on_the_same_output_is_refused_naming_the_first(tmp_path, draft):
    from protolint.lock import OutputLock

    out = tmp_path / "out.md"
    with OutputLock(out, "protolint cycle other-form.yaml"):  # held by this process, so the cycle runs in another
        done = cycle(draft, out, regenerator(tmp_path, ""), run=protolint_process)
    assert done.returncode == 2
    assert "round" not in done.stdout  # refused before any work
    message = done.stderr.strip().splitlines()[-1]
    assert message.startswith(f"protolint: error: {out}: in use by protolint cycle other-form.yaml (pid ")
    assert not out.exists()


def test_the_lock_dies_with_its_holder_and_is_removed_after_the_run(tmp_path, draft):
    """A lock file left by a killed run holds no OS lock: the next run proceeds."""
    out = tmp_path / "out.md"
    stale = tmp_path / ".out.md.protolint-lock"
    stale.write_text("protolint cycle old.yaml (pid 99999 on elsewhere, since yesterday)\n")
    command = regenerator(tmp_path, f"open(out, 'w').write(text.replace('You are an assistant.', {PERSONA!r}))\n")
    done = cycle(draft, out, command)
    assert done.returncode == 0, done.stdout + done.stderr
    assert not stale.exists()


def test_an_output_that_cannot_be_written_is_refused_before_the_first_round(tmp_path, draft):
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("")
    done = cycle(draft, blocker / "out.md", regenerator(tmp_path, ""))
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "round" not in done.stdout
    assert "cannot" in done.stderr and str(blocker) in done.stderr


def test_a_hand_written_output_is_refused_before_the_first_round(tmp_path, draft):
    out = tmp_path / "out.md"
    out.write_text("# My own notes\n")
    done = cycle(draft, out, regenerator(tmp_path, ""))
    assert done.returncode == 2
    assert "round" not in done.stdout
    assert "not overwriting" in done.stderr and out.read_text() == "# My own notes\n"


def test_output_dash_is_stdout_with_the_rounds_on_stderr(tmp_path):
    done = protolint("cycle", FIXTURES / "forms" / "protocol-input-form-11-deployment-b999fbd.yaml",
                     "-o", "-", "--project-root", PROJECT)
    assert done.returncode == 1  # the bundled form leaves one halt condition empty
    assert done.stdout.startswith("# PROTOCOL 11")
    assert "round  1" in done.stderr and done.stderr.strip().splitlines()[-1].startswith("STOP form omission")
    assert "round" not in done.stdout and not (tmp_path / "-").exists()


def test_an_empty_hand_made_output_is_refused_before_the_first_round(tmp_path, draft):
    out = tmp_path / "out.md"
    out.write_text("")
    done = cycle(draft, out, regenerator(tmp_path, ""))
    assert done.returncode == 2 and "round" not in done.stdout and "not overwriting" in done.stderr


def test_a_report_that_cannot_be_written_is_refused_before_the_first_round(tmp_path, draft):
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("")
    done = cycle(draft, tmp_path / "out.md", regenerator(tmp_path, ""), "--report", blocker / "r.json")
    assert done.returncode == 2 and "round" not in done.stdout
    assert f"{blocker / 'r.json'}: cannot write" in done.stderr
