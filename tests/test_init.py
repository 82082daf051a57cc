"""`protolint init`: the starter files load, validate, and drive `protolint check`;
nothing existing is ever overwritten."""

from __future__ import annotations

import json
import shutil

import pytest

from conftest import PROTOCOLS, init_repository, protolint
from protolint.config import load_config
from protolint.engine import check_document
from protolint.packs import PackLoader
from protolint.parsing import parse_document

EXECUTION = PROTOCOLS / "release-execution" / "11-production-deployment.md"


@pytest.fixture
def project(tmp_path):
    """A fresh repository (where config discovery stops) holding one protocol."""
    init_repository(tmp_path)
    shutil.copy(EXECUTION, tmp_path / EXECUTION.name)
    return tmp_path


def test_init_writes_a_config_and_pack_that_check_then_uses(project):
    result = protolint("init", cwd=project)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[:2] == ["wrote protolint.yaml", "wrote protolint-pack.yaml"]

    settings = load_config(project / "protolint.yaml", required=True)
    assert settings.packs == (str(project / "protolint-pack.yaml"),)
    text = (project / "protolint.yaml").read_text(encoding="utf-8")
    for key in ("packs", "form", "project_root", "fail_on", "min_score", "enable", "disable",
                "include", "exclude", "respect_gitignore", "per_file"):
        assert f"\n{key}:" in text or f"\n# {key}:" in text, f"{key} is not shown in the starter config"
    pack = PackLoader().load(str(project / "protolint-pack.yaml"))
    assert pack.name == "team" and pack.lineage == ("team", "core")

    checked = json.loads(protolint("--format", "json", EXECUTION.name, cwd=project).stdout)
    (file,) = checked["files"]
    assert file["pack"] == "team"
    assert "team-L1-owner" in [f["rule"] for f in file["findings"]]


def test_the_starter_rule_examples_hold(project):
    protolint("init", cwd=project)
    pack = PackLoader().load(str(project / "protolint-pack.yaml"))
    (rule,) = [r for r in pack.rules if r.id == "team-L1-owner"]
    alone = type(pack)(name="alone", description="", source="", layers=pack.layers, threshold=0, rules=(rule,))

    def lost(text: str) -> bool:
        return any(layer.lost for layer in check_document(parse_document(text, "x.md"), alone).layers)

    assert not lost(rule.examples["pass"]) and lost(rule.examples["fail"])


@pytest.mark.parametrize("existing", ["protolint.yaml", "protolint-pack.yaml"])
def test_init_refuses_to_overwrite_and_writes_nothing(project, existing):
    (project / existing).write_text("mine\n", encoding="utf-8")
    result = protolint("init", cwd=project)
    assert result.returncode == 2
    assert result.stderr.strip() == (f"protolint: error: {existing} already exists; nothing written "
                                     "(move or delete it to start afresh)")
    assert (project / existing).read_text(encoding="utf-8") == "mine\n"
    assert sorted(p.name for p in project.iterdir() if p.name != ".git") == sorted([existing, EXECUTION.name])


def test_init_into_a_missing_directory_is_an_input_error(tmp_path):
    result = protolint("init", tmp_path / "nowhere")
    assert result.returncode == 2 and "no such directory" in result.stderr and "Traceback" not in result.stderr
