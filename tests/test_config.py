"""Configuration files: discovery, relative paths, validation with lines,
per-file overrides, rule selection, directory walks, and the command line on top."""

from __future__ import annotations

import json
import shutil
import textwrap
from pathlib import Path

import jsonschema
import pytest

import protolint.config as config_module
from conftest import FIXTURES, PROTOCOLS, init_repository, protolint
from protolint.config import Configuration, load_config
from protolint.errors import ConfigError, PackError, UserError
from protolint.form import form_schema
from protolint.packs import PackLoader, shipped_packs_dir
from protolint.runner import Linter, collect_files
from protolint.schema import config_schema, shipped_pack_schema

EXECUTION = PROTOCOLS / "release-execution" / "11-production-deployment.md"
NO_GUARDRAIL = PROTOCOLS / "release-execution" / "failing" / "no-guardrail.md"
FORM = FIXTURES / "forms" / "protocol-input-form-11-deployment.yaml"
needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


@pytest.fixture
def repo(tmp_path) -> Path:
    return init_repository(tmp_path / "repo")


# ---------------------------------------------------------------- discovery

def test_nearest_config_wins_whole_levels_are_not_merged(repo):
    write(repo / "protolint.yaml", "fail_on: warning\ndisable: [core-L4]\n")
    write(repo / "sub" / ".protolint.yaml", "min_score: 50\n")
    configuration = Configuration()
    top = configuration.for_file(repo / "a.md")
    deep = configuration.for_file(repo / "sub" / "deeper" / "b.md")
    assert (top.config_file, top.fail_on, top.disable) == (repo / "protolint.yaml", "warning", ("core-L4",))
    assert deep.config_file == repo / "sub" / ".protolint.yaml"
    assert (deep.min_score, deep.fail_on, deep.disable) == (50.0, "error", ())


def test_discovery_stops_at_the_repository_root(tmp_path, repo):
    write(tmp_path / "protolint.yaml", "fail_on: never\n")  # above the repository: not ours
    settings = Configuration().for_file(repo / "docs" / "a.md")
    assert settings.config_file is None and settings.fail_on == "error"


def test_pyproject_counts_only_with_a_tool_protolint_table(repo):
    write(repo / "protolint.yaml", "fail_on: warning\n")
    write(repo / "plain" / "pyproject.toml", "[project]\nname = 'plain'\n")
    write(repo / "tooled" / "pyproject.toml", """
        [project]
        name = "tooled"

        [tool.protolint]
        packs = ["core"]
        fail_on = "info"
        """)
    configuration = Configuration()
    assert configuration.for_file(repo / "plain" / "a.md").config_file == repo / "protolint.yaml"
    tooled = configuration.for_file(repo / "tooled" / "a.md")
    assert (tooled.packs, tooled.fail_on) == (("core",), "info")
    assert tooled.origin("fail_on") == f"{repo / 'tooled' / 'pyproject.toml'}:6"


def test_one_directory_prefers_protolint_yaml_then_dotfile_then_pyproject(repo):
    write(repo / "pyproject.toml", "[tool.protolint]\nfail_on = 'info'\n")
    assert Configuration().for_file(repo / "a.md").fail_on == "info"
    write(repo / ".protolint.yaml", "fail_on: warning\n")
    assert Configuration().for_file(repo / "a.md").fail_on == "warning"
    write(repo / "protolint.yaml", "fail_on: never\n")
    assert Configuration().for_file(repo / "a.md").fail_on == "never"


def test_discovery_reads_each_config_once_per_run(repo, monkeypatch):
    write(repo / "protolint.yaml", "fail_on: warning\n")
    write(repo / "b" / "protolint.yaml", "fail_on: info\n")
    reads: list[Path] = []
    real = config_module.load_config

    def counting(path, required):
        reads.append(path)
        return real(path, required)

    monkeypatch.setattr(config_module, "load_config", counting)
    configuration = Configuration()
    files = [repo / folder / f"{n}.md" for folder in ("a", "b", "b/c", "d/e/f", ".") for n in range(100)]
    governed = {configuration.for_file(path).config_file for path in files}
    assert governed == {repo / "protolint.yaml", repo / "b" / "protolint.yaml"}
    assert sorted(reads) == [repo / "b" / "protolint.yaml", repo / "protolint.yaml"]


def test_paths_in_a_config_are_relative_to_its_directory(repo, monkeypatch):
    write(repo / "cfg" / "protolint.yaml", """
        packs: [core, ./packs/team.yaml]
        form: forms/input.yaml
        project_root: ..
        per_file:
          - files: ["legacy/*.md"]
            packs: [other.yaml]
        """)
    elsewhere = repo / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    configuration = Configuration()
    settings = configuration.for_file(repo / "cfg" / "a.md")
    assert settings.packs == ("core", str(repo / "cfg" / "packs" / "team.yaml"))
    assert settings.form == repo / "cfg" / "forms" / "input.yaml"
    assert settings.project_root == repo
    assert configuration.for_file(repo / "cfg" / "legacy" / "b.md").packs == (str(repo / "cfg" / "other.yaml"),)


def test_config_option_replaces_discovery_and_isolated_ignores_all(repo, tmp_path):
    write(repo / "protolint.yaml", "fail_on: warning\n")
    chosen = write(tmp_path / "ci.yaml", "fail_on: info\n")
    assert Configuration(chosen).for_file(repo / "a.md").fail_on == "info"
    assert Configuration(isolated=True).for_file(repo / "a.md").config_file is None
    with pytest.raises(UserError, match="exclude each other"):
        Configuration(chosen, isolated=True)
    with pytest.raises(ConfigError, match="no such configuration file"):
        Configuration(tmp_path / "missing.yaml")
    plain = write(tmp_path / "pyproject.toml", "[project]\nname = 'x'\n")
    with pytest.raises(ConfigError, match=r"has no \[tool.protolint\] table"):
        Configuration(plain)


def test_command_line_overrides_config_which_overrides_defaults(repo):
    write(repo / "protolint.yaml", "fail_on: warning\nmin_score: 70\n")
    settings = Configuration(overrides={"fail_on": "never", "min_score": None}).for_file(repo / "a.md")
    assert (settings.fail_on, settings.min_score, settings.respect_gitignore) == ("never", 70.0, True)
    assert settings.origin("fail_on") == "command line"
    assert settings.origin("min_score").endswith("protolint.yaml:2")
    assert settings.origin("respect_gitignore") == "default"


# ---------------------------------------------------------------- validation

@pytest.mark.parametrize("name, text, line, words", [
    ("protolint.yaml", "packs: [core]\ncolour: red\n", 2,
     "unknown key 'colour' in config; valid keys: disable, enable, exclude, fail_on"),
    ("protolint.yaml", "fail_on: fatal\n", 1, "'fatal' is not a valid fail_on; choose one of: error, warning"),
    ("protolint.yaml", "packs: core\n", 1, "packs: 'core' is not of type 'array'"),
    ("protolint.yaml", "min_score: 120\n", 1, "min_score: 120 is greater than the maximum of 100"),
    ("protolint.yaml", "per_file:\n  - files: ['*.md']\n    colour: 1\n", 3, "unknown key 'colour' in per_file.0"),
    ("protolint.yaml", "per_file:\n  - disable: [x]\n", 2, "per_file.0 is missing required key 'files'"),
    ("protolint.yaml", "respect_gitignore: sometimes\n", 1, "respect_gitignore: 'sometimes' is not of type 'boolean'"),
    ("protolint.yaml", "- packs\n", 1, "a configuration file is a YAML mapping of settings"),
    ("protolint.yaml", "packs: [core\n", 2, "YAML syntax error"),
    ("pyproject.toml", "[project]\nname = 'x'\n\n[tool.protolint]\nfail_on = 'error'\nmin_score = 'high'\n", 6,
     "min_score: 'high' is not of type 'number'"),
    ("pyproject.toml", "[tool.protolint]\npacks = ['core']\n\n[[tool.protolint.per_file]]\nfiles = ['*.md']\n"
     "\n[[tool.protolint.per_file]]\nfiles = ['x.md']\nenable = 3\n", 9, "per_file.1.enable: 3 is not of type 'array'"),
    ("pyproject.toml", "[tool.protolint]\nbogus = 1\n", 2, "unknown key 'bogus' in config"),
    ("pyproject.toml", "[tool.protolint\npacks = []\n", 1, "TOML syntax error"),
])
def test_bad_config_is_one_error_with_file_line_and_key(tmp_path, name, text, line, words):
    path = write(tmp_path / name, text)
    with pytest.raises(ConfigError) as caught:
        load_config(path, required=True)
    assert words in str(caught.value)
    assert caught.value.line == line
    assert str(caught.value).startswith(f"{path}:{line}: ")


def test_config_schema_names_exactly_the_settings_the_code_reads():
    schema = config_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    assert set(schema["properties"]) == set(config_module.Settings.SHOWN) | {"per_file"}


def test_shipped_packs_carry_the_schema_modeline_and_errors_keep_their_lines(tmp_path):
    modeline = "# yaml-language-server: $schema=../linter/protolint/schemas/pack.schema.json"
    for pack in shipped_packs_dir().glob("*.yaml"):
        assert pack.read_text(encoding="utf-8").splitlines()[0] == modeline, pack.name
    path = write(tmp_path / "pack.yaml", f"{modeline}\npack: p\nthreshold: high\n")
    with pytest.raises(PackError) as caught:
        PackLoader().load(str(path))
    assert caught.value.line == 3


# ---------------------------------------------------------------- per_file and rule selection

def test_per_file_entries_replace_packs_and_enable_and_add_to_disable(repo):
    write(repo / "protolint.yaml", """
        packs: [core]
        enable: [core-L1, core-L2]
        disable: [core-L1-prerequisites]
        per_file:
          - files: ["drafts/**"]
            disable: [core-L2-approvals]
          - files: ["drafts/legacy-*.md"]
            packs: [protocol-11-release-execution]
            enable: [P11E]
        """)
    configuration = Configuration()
    plain = configuration.for_file(repo / "a.md")
    draft = configuration.for_file(repo / "drafts" / "x" / "b.md")
    legacy = configuration.for_file(repo / "drafts" / "legacy-c.md")
    assert (plain.packs, plain.enable, plain.disable) == (("core",), ("core-L1", "core-L2"), ("core-L1-prerequisites",))
    assert draft.disable == ("core-L1-prerequisites", "core-L2-approvals")
    assert draft.origin("disable") == f"{draft.config_file}:3 + {draft.config_file}:6"
    assert (legacy.packs, legacy.enable) == (("protocol-11-release-execution",), ("P11E",))
    assert legacy.origin("packs") == f"{legacy.config_file}:8"


def test_enable_and_disable_select_rules_by_id_or_prefix(repo):
    target = repo / EXECUTION.name
    shutil.copy(EXECUTION, target)
    write(repo / "protolint.yaml", "enable: [core-L1, P11E-guardrail]\ndisable: [core-L1-persona]\n")
    linter = Linter(configuration=Configuration())
    result = linter.run([str(target)]).results[0]
    rules = {rule.id for rule in linter.packs_for(str(target), None).rules}
    assert rules == {"core-L1-role-section", "core-L1-mission", "core-L1-guardrail", "P11E-guardrail"}
    assert result.pack == "protocol-11-release-execution"  # the pack is still chosen by applies_to


@pytest.mark.parametrize("text, line, words", [
    ("fail_on: error\ndisable:\n  - core-L1-prerequisits\n", 2,
     "disable: 'core-L1-prerequisits' names no rule; did you mean core-L1-prerequisites?"),
    ("fail_on: error\npacks: [core, ./team.yaml]\n", 2, "packs: team.yaml: no such pack file"),
    ("packs: [core, nonesuch]\n", 1, "packs: nonesuch: unknown pack 'nonesuch'; shipped packs: blueprint, core"),
    ("fail_on: error\nform: forms/none.yaml\n", 2, "form: forms/none.yaml: no such form file"),
    ("project_root: nowhere\n", 1, "project_root: nowhere is not a directory"),
])
def test_a_configured_value_that_names_nothing_is_an_error_at_its_line(repo, monkeypatch, text, line, words):
    target = repo / EXECUTION.name
    shutil.copy(EXECUTION, target)
    write(repo / "protolint.yaml", text)
    monkeypatch.chdir(repo)
    with pytest.raises(ConfigError) as caught:
        Linter(configuration=Configuration()).run([str(target)])
    assert caught.value.line == line
    assert str(caught.value).startswith(f"protolint.yaml:{line}: {words}")


def test_form_and_project_root_from_the_config_reach_the_checks(repo):
    target = repo / EXECUTION.name
    shutil.copy(EXECUTION, target)

    def result():
        return Linter(configuration=Configuration()).run([str(target)]).results[0]

    before = result()
    assert "P11E-scripts-exist" in before.unchecked  # needs the project root
    assert "form-L2-gates" in before.unchecked  # needs the form
    write(repo / "protolint.yaml", f"project_root: {FIXTURES / 'project'}\nform: {FORM.name}\n")
    shutil.copy(FORM, repo / FORM.name)
    settings = Configuration().for_file(target)
    assert (settings.project_root, settings.form) == (FIXTURES / "project", repo / FORM.name)
    assert not result().unchecked  # every rule ran, with the configured form and project root


# ---------------------------------------------------------------- directory walks

@needs_git
def test_walks_follow_include_exclude_and_gitignore_named_files_always_checked(repo, monkeypatch):
    for name in ("docs/a.md", "docs/drafts/b.md", "node_modules/x/c.md", "build/d.md", "sub/e.md",
                 "sub/f.markdown", "top.md", "notes.txt"):
        write(repo / name, "# PROTOCOL\n")
    write(repo / ".gitignore", "build/\n")
    write(repo / "protolint.yaml", "exclude: [docs/drafts/]\n")
    write(repo / "sub" / "protolint.yaml", "include: ['*.markdown']\n")
    monkeypatch.chdir(repo)

    def collected(*paths):
        files, problems, _ = collect_files(list(paths), Configuration())
        assert not problems
        return [path.as_posix() for path in files]

    assert collected(".") == ["docs/a.md", "sub/f.markdown", "top.md"]
    assert collected(".", "docs/drafts/b.md", "build/d.md") == [
        "docs/a.md", "sub/f.markdown", "top.md", "docs/drafts/b.md", "build/d.md"]
    write(repo / "protolint.yaml", "exclude: [docs/drafts/]\nrespect_gitignore: false\n")
    assert collected(".") == ["build/d.md", "docs/a.md", "sub/f.markdown", "top.md"]
    files, _, _ = collect_files(["."], Configuration(isolated=True))
    assert [p.as_posix() for p in files] == ["docs/a.md", "docs/drafts/b.md", "sub/e.md", "top.md"]


# ---------------------------------------------------------------- the command line

def test_check_reads_the_config_and_the_command_line_wins(repo):
    target = repo / "failing.md"
    shutil.copy(NO_GUARDRAIL, target)
    write(repo / "protolint.yaml", "packs: [protocol-11-release-execution]\nfail_on: never\n")
    assert protolint(target, cwd=repo).returncode == 0
    assert protolint("--fail-on", "error", target, cwd=repo).returncode == 1
    isolated = protolint("--isolated", "--format", "json", target, cwd=repo)
    assert json.loads(isolated.stdout)["files"][0]["pack"] == "core"  # no applies_to match without the config


def test_config_command_shows_each_value_and_where_it_came_from(repo):
    write(repo / "protolint.yaml", "packs: [core]\nfail_on: warning\nper_file:\n  - files: ['x.md']\n"
                                   "    disable: [core-L4]\n")
    write(repo / "x.md", "# PROTOCOL\n")
    text = protolint("config", "x.md", "--min-score", "60", cwd=repo)
    assert text.returncode == 0, text.stderr
    rows = {line.split()[0]: line.split() for line in text.stdout.splitlines()[1:]}
    assert text.stdout.splitlines()[0] == "x.md: protolint.yaml"
    assert rows["fail_on"][1:] == ["warning", "protolint.yaml:2"]
    assert rows["min_score"][1:] == ["60.0", "command", "line"]
    assert rows["disable"][1:] == ["[core-L4]", "protolint.yaml:5"]
    assert rows["form"][1:] == ["-", "default"]
    data = json.loads(protolint("config", "x.md", "--format", "json", cwd=repo).stdout)
    assert data["config_file"] == "protolint.yaml"
    assert data["settings"]["packs"] == {"value": ["core"], "from": "protolint.yaml:1"}
    assert data["settings"]["exclude"] == {"value": [".git", ".venv", "node_modules"], "from": "default"}


def test_a_bad_config_ends_the_command_with_one_line_and_exit_2(repo):
    write(repo / "protolint.yaml", "packs: [core]\nfail_on: fatal\n")
    write(repo / "x.md", "# PROTOCOL\n")
    for args in (["x.md"], ["config", "x.md"]):
        result = protolint(*args, cwd=repo)
        assert result.returncode == 2
        assert result.stderr.strip().splitlines() == [
            "protolint: error: protolint.yaml:2: 'fatal' is not a valid fail_on; choose one of: "
            "error, warning, info, never"]


def test_schema_command_prints_the_shipped_schemas(tmp_path):
    pack = protolint("schema", "pack", cwd=tmp_path)
    config = protolint("schema", "config", cwd=tmp_path)
    form = protolint("schema", "form", cwd=tmp_path)
    assert json.loads(pack.stdout) == shipped_pack_schema()
    assert json.loads(config.stdout) == config_schema()
    assert json.loads(form.stdout) == form_schema()
    unknown = protolint("schema", "colour", cwd=tmp_path)
    assert unknown.returncode == 2 and "choose one of: pack, config, form" in unknown.stderr

