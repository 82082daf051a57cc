"""Writing protocols: atomic, and never over content protolint did not write
unless forced; what protolint wrote is recorded beside the file."""

from __future__ import annotations

import json
import os
import stat

import pytest

from protolint.errors import UserError
from protolint.output import STATE_FILE, OverwriteRefused, digest, read_state, write_protocol


def test_writes_creates_parents_and_records_what_it_wrote(tmp_path):
    path = tmp_path / "a" / "b" / "11-x.md"
    write_protocol(path, "# one\n")
    assert path.read_text(encoding="utf-8") == "# one\n"
    state = json.loads((path.parent / STATE_FILE).read_text(encoding="utf-8"))
    assert state == {"version": 1, "written": {"11-x.md": digest(b"# one\n")}}
    assert sorted(p.name for p in path.parent.iterdir()) == [STATE_FILE, "11-x.md"]  # no temp files left


def test_overwrites_its_own_output(tmp_path):
    path = tmp_path / "p.md"
    write_protocol(path, "# one\n")
    write_protocol(path, "# two\n")
    assert path.read_text(encoding="utf-8") == "# two\n"
    assert read_state(tmp_path) == {"p.md": digest(b"# two\n")}


def test_refuses_a_file_edited_since_it_was_written(tmp_path):
    path = tmp_path / "p.md"
    write_protocol(path, "# one\n")
    path.write_text("# one\nmy edit\n", encoding="utf-8")
    with pytest.raises(OverwriteRefused, match="changed since protolint last wrote it; use --force"):
        write_protocol(path, "# two\n")
    assert path.read_text(encoding="utf-8") == "# one\nmy edit\n"
    write_protocol(path, "# two\n", force=True)
    assert path.read_text(encoding="utf-8") == "# two\n"
    assert read_state(tmp_path) == {"p.md": digest(b"# two\n")}


def test_a_file_without_a_record_counts_as_hand_written(tmp_path):
    path = tmp_path / "p.md"
    path.write_text("# mine\n", encoding="utf-8")
    with pytest.raises(OverwriteRefused, match="protolint did not write it"):
        write_protocol(path, "# generated\n")
    write_protocol(path, "# mine\n")  # the same content is no loss: allowed, and now recorded
    assert read_state(tmp_path) == {"p.md": digest(b"# mine\n")}


def test_a_damaged_record_protects_every_file(tmp_path):
    path = tmp_path / "p.md"
    write_protocol(path, "# one\n")
    (tmp_path / STATE_FILE).write_text("{not json", encoding="utf-8")
    with pytest.raises(OverwriteRefused):
        write_protocol(path, "# two\n")


def test_records_of_other_files_are_kept(tmp_path):
    write_protocol(tmp_path / "a.md", "a\n")
    write_protocol(tmp_path / "b.md", "b\n")
    assert read_state(tmp_path) == {"a.md": digest(b"a\n"), "b.md": digest(b"b\n")}


def test_a_failed_write_leaves_the_old_file_whole(tmp_path, monkeypatch):
    path = tmp_path / "p.md"
    write_protocol(path, "# one\n")

    def crash(source, target):
        raise OSError(28, "No space left on device", str(target))

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(UserError, match="cannot write: No space left on device"):
        write_protocol(path, "# two\n")
    assert path.read_text(encoding="utf-8") == "# one\n"
    assert read_state(tmp_path) == {"p.md": digest(b"# one\n")}
    assert sorted(p.name for p in tmp_path.iterdir()) == [STATE_FILE, "p.md"]


def test_an_existing_file_keeps_its_mode(tmp_path):
    path = tmp_path / "p.md"
    write_protocol(path, "# one\n")
    path.chmod(0o640)
    write_protocol(path, "# two\n")
    assert stat.S_IMODE(path.stat().st_mode) == 0o640


def test_a_new_file_gets_the_usual_mode(tmp_path):
    path = tmp_path / "p.md"
    write_protocol(path, "# one\n")
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~umask


def test_an_unwritable_place_is_a_user_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    with pytest.raises(UserError, match="cannot write"):
        write_protocol(blocker / "p.md", "# one\n")


def test_an_atomic_write_to_a_device_or_pipe_writes_through_it(tmp_path):
    """`--output /dev/null` must not replace the device with a regular file: any
    target that is not a regular file (here a FIFO, as a device is) is written through."""
    import threading

    from protolint.atomic import write_text_atomic

    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    received = []
    reader = threading.Thread(target=lambda: received.append(pipe.read_text(encoding="utf-8")))
    reader.start()
    write_text_atomic(pipe, "report\n")
    reader.join(timeout=10)
    assert received == ["report\n"] and stat.S_ISFIFO(pipe.stat().st_mode)
