"""Every corpus form through the cycle: the last line never claims more than the
report shows.  A PASS is a protocol that `protolint check` with its form finds
nothing wrong with and that holds no placeholder; any other end names the form
fields to add or the rules still failing."""

from __future__ import annotations

import json
import re

import pytest

from conftest import CORPUS, needs_corpus, protolint
from protolint.form import FormError, load_form
from protolint.generate import PROFILES, default_profile

FORMS = sorted((CORPUS / "forms").glob("*.yaml")) if CORPUS.is_dir() else []
PLACEHOLDER = re.compile(r"None stated|\bTBD\b|\bnull\b|\{\{")


@needs_corpus()
@pytest.mark.parametrize("form", FORMS, ids=[f.stem for f in FORMS])
def test_the_cycle_passes_only_what_check_passes_and_otherwise_names_what_is_missing(tmp_path, form):
    out, record = tmp_path / "protocol.md", tmp_path / "rounds.json"
    done = protolint("cycle", form, "-o", out, "--report", record, cwd=tmp_path)
    if done.returncode == 2:  # a form that cannot be read: every problem on its own line, nothing written
        with pytest.raises(FormError):
            load_form(form)
        assert done.stderr and all(line.startswith(f"{form}") for line in done.stderr.splitlines())
        assert not out.exists()
        return
    last = done.stdout.strip().splitlines()[-1]
    report = json.loads(record.read_text(encoding="utf-8"))
    text = out.read_text(encoding="utf-8")
    if done.returncode == 0:
        assert last.startswith("PASS") and report["status"] == "pass"
        pack = PROFILES[default_profile(load_form(form))].pack
        check = protolint("check", out, "--pack", pack, "--form", form, "--format", "json", cwd=tmp_path)
        assert check.returncode == 0, check.stdout
        checked = json.loads(check.stdout)["files"][0]
        assert checked["findings"] == [] and all(not layer["lost"] for layer in checked["layers"])
        assert not PLACEHOLDER.search(text), PLACEHOLDER.search(text)
        return
    assert done.returncode == 1 and last.startswith("STOP"), done.stdout + done.stderr
    assert report["status"] in ("form-omission", "still-failing"), last
    if report["status"] == "form-omission":
        assert report["omissions"] and all(o["field"] in last for o in report["omissions"])
    named = {o["rule"] for o in report["omissions"]}
    for rule in report["rounds"][-1]["failing"]:
        assert rule in named or f"{rule} (" in last, (rule, last)
