"""`protolint init`: the starter files load, validate, and drive `protolint check`;
their editor modelines name schema files init wrote beside them; nothing
existing is ever overwritten."""

from __future__ import annotations

import json
import re
import shutil

import jsonschema
import pytest
import yaml

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
    assert result.stdout.splitlines()[:4] == [
        "wrote protolint.yaml", "wrote protolint-pack.yaml",
        "wrote .protolint/schemas/config.schema.json", "wrote .protolint/schemas/pack.schema.json"]

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


@pytest.mark.parametrize("name, schema", [("protolint.yaml", "config"), ("protolint-pack.yaml", "pack")])
def test_modelines_name_the_written_schemas_which_the_starter_files_satisfy(project, name, schema):
    """Editors resolve a modeline path against the YAML file's directory (the
    yaml-language-server convention), so it must hold there, offline."""
    assert protolint("init", cwd=project).returncode == 0
    text = (project / name).read_text(encoding="utf-8")
    modeline = re.fullmatch(r"# yaml-language-server: \$schema=(\S+)", text.splitlines()[0])
    assert modeline, text.splitlines()[0]
    path = (project / name).parent / modeline.group(1)
    assert path.is_file() and not modeline.group(1).startswith(("/", "http"))
    printed = protolint("schema", schema, cwd=project)
    assert printed.returncode == 0 and path.read_text(encoding="utf-8") == printed.stdout
    validator = jsonschema.Draft202012Validator(json.loads(path.read_text(encoding="utf-8")))
    assert [error.message for error in validator.iter_errors(yaml.safe_load(text))] == []


EXISTING = ["protolint.yaml", "protolint-pack.yaml", ".protolint/schemas/config.schema.json",
            ".protolint/schemas/pack.schema.json"]


@pytest.mark.parametrize("existing", EXISTING)
def test_init_refuses_to_overwrite_and_writes_nothing(project, existing):
    (project / existing).parent.mkdir(parents=True, exist_ok=True)
    (project / existing).write_text("mine\n", encoding="utf-8")
    result = protolint("init", cwd=project)
    assert result.returncode == 2
    assert result.stderr.strip() == (f"protolint: error: {existing} already exists; nothing written "
                                     "(move or delete it to start afresh)")
    assert (project / existing).read_text(encoding="utf-8") == "mine\n"
    written = sorted(p.relative_to(project).as_posix() for p in project.rglob("*")
                     if p.is_file() and ".git" not in p.relative_to(project).parts)
    assert written == sorted([existing, EXECUTION.name])


def test_init_keeps_schema_files_that_hold_what_it_would_write(project):
    """Starting afresh means moving the YAML files away; the schemas may stay."""
    assert protolint("init", cwd=project).returncode == 0
    for name in ("protolint.yaml", "protolint-pack.yaml"):
        (project / name).unlink()
    again = protolint("init", cwd=project)
    assert again.returncode == 0, again.stderr
    assert [line for line in again.stdout.splitlines() if line.startswith("wrote ")] == \
        ["wrote protolint.yaml", "wrote protolint-pack.yaml"]


def test_init_into_a_missing_directory_is_an_input_error(tmp_path):
    result = protolint("init", tmp_path / "nowhere")
    assert result.returncode == 2 and "no such directory" in result.stderr and "Traceback" not in result.stderr
