"""Check kinds from plugins (`protolint.checks` entry points), through the real CLI.

The example plugin under tests/plugins/ is built and installed with pip into a
directory put on PYTHONPATH, where importlib.metadata finds its entry points as
it would in a virtualenv: those runs are real processes, started with that
PYTHONPATH.  Broken plugins are installed distributions too, laid
out as an installer leaves them (a dist-info with entry_points.txt)."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest

from conftest import PROTOCOLS, ROOT, protolint, protolint_process
from protolint.schema import shipped_pack_schema

PLUGIN = ROOT / "tests" / "plugins" / "protolint-example-plugin"
EXECUTION = PROTOCOLS / "release-execution" / "11-production-deployment.md"


def pack_using(kind: str, extra: str = "") -> str:
    return textwrap.dedent(f"""\
        pack: concise
        extends: [core]
        rules:
          - id: concise-steps
            layer: L3
            severity: warning
            summary: Steps are short enough to scan
            message: A step is too long to scan
            in: {{section_pattern: workflow, select: steps}}
            check: {kind}
        """) + extra


@pytest.fixture(scope="module")
def example_plugin(tmp_path_factory):
    site = tmp_path_factory.mktemp("site")
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(site),
                    str(PLUGIN)], check=True, timeout=600)
    return {"PYTHONPATH": str(site)}


@pytest.mark.slow
def test_a_pack_uses_a_plugin_kind_through_the_cli(example_plugin, tmp_path):
    pack = tmp_path / "concise.yaml"
    pack.write_text(pack_using("max_words", "    max: 40\n"), encoding="utf-8")
    result = protolint_process("--format", "json", "--pack", pack, EXECUTION, env=example_plugin)
    assert result.returncode == 0, result.stderr
    (file,) = json.loads(result.stdout)["files"]
    long_steps = [f for f in file["findings"] if f["rule"] == "concise-steps"]
    assert long_steps and all("words, more than 40" in f["message"] for f in long_steps)
    assert long_steps[0]["message"].startswith("A step is too long to scan ('STEP 1:")

    schema = json.loads(protolint_process("schema", "pack", env=example_plugin).stdout)
    assert "max_words" in schema["definitions"]["rule"]["properties"]["check"]["enum"]
    assert "max_words" not in shipped_pack_schema()["definitions"]["rule"]["properties"]["check"]["enum"]

    shown = protolint_process("rules", "show", "concise-steps", "--pack", pack, env=example_plugin)
    assert shown.returncode == 0 and "max_words" in shown.stdout


@pytest.mark.slow
def test_plugin_kind_parameters_are_validated_by_its_schema(example_plugin, tmp_path):
    pack = tmp_path / "concise.yaml"
    pack.write_text(pack_using("max_words", "    max: forty\n"), encoding="utf-8")
    result = protolint_process("--pack", pack, EXECUTION, env=example_plugin)
    assert result.returncode == 2
    assert result.stderr.strip() == (f"protolint: error: {pack}:11: rule concise-steps: "
                                     "rules.0.max: 'forty' is not of type 'integer'")


def test_an_uninstalled_kind_is_a_pack_error_that_mentions_plugins(tmp_path):
    pack = tmp_path / "concise.yaml"
    pack.write_text(pack_using("max_words", "    max: 40\n"), encoding="utf-8")
    result = protolint("--pack", pack, EXECUTION)
    assert result.returncode == 2
    assert f"{pack}:10: rule concise-steps: 'max_words' is not a valid check" in result.stderr
    assert "install a plugin that provides it" in result.stderr


@pytest.fixture
def broken_plugins(tmp_path):
    """Two installed plugins: one whose module fails to import, one whose entry
    point names a function it never registered."""
    site = tmp_path / "site"
    info = site / "broken_plugin-0.1.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: broken-plugin\nVersion: 0.1\n", encoding="utf-8")
    (info / "entry_points.txt").write_text(
        "[protolint.checks]\nbroken_kind = broken_plugin:broken_kind\nsilent_kind = broken_plugin_silent:silent\n",
        encoding="utf-8")
    (site / "broken_plugin.py").write_text("raise ImportError('needs a library that is not installed')\n",
                                           encoding="utf-8")
    (site / "broken_plugin_silent.py").write_text("def silent(scope, params):\n    return []\n", encoding="utf-8")
    return {"PYTHONPATH": str(site)}


def test_a_broken_plugin_is_one_error_naming_plugin_and_entry_point(broken_plugins, tmp_path):
    pack = tmp_path / "concise.yaml"
    pack.write_text(pack_using("broken_kind"), encoding="utf-8")
    result = protolint_process("--pack", pack, EXECUTION, env=broken_plugins)
    assert result.returncode == 2
    assert result.stderr.strip() == (
        f"protolint: error: {pack}:10: rule concise-steps: plugin broken-plugin (entry point "
        "broken_kind = broken_plugin:broken_kind): cannot be loaded: ImportError: needs a library that is not installed")

    pack.write_text(pack_using("silent_kind"), encoding="utf-8")
    silent = protolint_process("--pack", pack, EXECUTION, env=broken_plugins)
    assert silent.returncode == 2
    assert "plugin broken-plugin (entry point silent_kind = broken_plugin_silent:silent): " \
           "registers no check kind named 'silent_kind'" in silent.stderr

    schema = protolint_process("schema", "pack", env=broken_plugins)
    assert schema.returncode == 2 and "plugin broken-plugin" in schema.stderr and "Traceback" not in schema.stderr


def test_plugins_load_only_when_a_pack_needs_one(broken_plugins):
    """Shipped packs use built-in kinds only: an installed broken plugin never runs."""
    result = protolint_process(EXECUTION, env=broken_plugins)
    assert result.returncode == 0 and "PASS" in result.stdout
