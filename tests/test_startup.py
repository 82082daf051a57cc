"""A check starts lean: in a pipe, with the default parser and shipped packs, it
imports none of the libraries it does not use there (each costs more to import
than checking a protocol does).  Measured by the modules imported, not by time."""

from __future__ import annotations

import os
import subprocess
import sys

from conftest import PROTOCOLS, ROOT

NOT_ON_THE_CHECK_PATH = {"rich", "jinja2", "jsonschema", "pydantic", "markdown_it", "ftfy"}


def imported(*args: str, whole: bool = False) -> set[str]:
    """Top-level packages (with `whole`, every module) a real `protolint`
    process imported (`-X importtime`)."""
    done = subprocess.run([sys.executable, "-X", "importtime", "-m", "protolint", *args], cwd=ROOT,
                          capture_output=True, text=True, env={**os.environ, "NO_COLOR": "1"}, timeout=60)
    assert done.returncode in (0, 1), done.stderr[-2000:]
    return {line.split("|")[-1].strip() if whole else line.split("|")[-1].strip().split(".")[0]
            for line in done.stderr.splitlines() if line.startswith("import time:")}


def test_a_check_in_a_pipe_imports_only_what_it_uses():
    protocol = PROTOCOLS / "release-execution" / "11-production-deployment.md"
    assert imported("check", str(protocol), "--no-cache") & NOT_ON_THE_CHECK_PATH == set()


def test_the_libraries_are_imported_where_they_are_used(tmp_path):
    """The measure above can fail: the reference parser and the validation of a
    user's pack against the JSON Schema do import theirs."""
    protocol = PROTOCOLS / "release-execution" / "11-production-deployment.md"
    pack = tmp_path / "team.yaml"
    pack.write_text("pack: team\nextends: [core]\n")
    loaded = imported("check", str(protocol), "--no-cache", "--parser", "markdown-it", "--pack", str(pack))
    assert {"markdown_it", "jsonschema"} <= loaded


def test_a_check_of_a_protocol_without_a_form_imports_no_form_fix_or_workspace_code(tmp_path):
    """Forms, fixes, the workspace, pyproject files and YAML are read by some
    runs; a plain check of one protocol pays for none of them."""
    protocol = tmp_path / "03-brief.md"
    protocol.write_text("# PROTOCOL 3: Brief\n\n## 1. ROLE\n\nYou are a writer.\n", encoding="utf-8")
    loaded = imported("check", str(protocol), "--no-cache", "--isolated", whole=True)
    assert "protolint.packs" in loaded  # the measure sees protolint's own modules
    unused = {"protolint.form", "protolint.fix", "protolint.fixes", "protolint.fixing", "protolint.workspace",
              "protolint.generate", "tomllib", "yaml"}  # the shipped packs come from their parsed copy
    assert loaded & unused == set()
