"""The built wheel carries the shipped packs and templates: installed into a
fresh venv and run from an unrelated directory, `protolint rules list` shows
every pack and `protolint generate` renders a form."""

from __future__ import annotations

import subprocess
import sys
import venv

import pytest

from conftest import FIXTURES, PROTOCOLS, ROOT

pytestmark = pytest.mark.slow


def test_wheel_installs_and_finds_its_packs(tmp_path):
    dist = tmp_path / "dist"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(dist), str(ROOT)],
                   check=True, timeout=300)
    (wheel,) = dist.glob("protolint_md-*.whl")
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    python = env_dir / "bin" / "python"
    subprocess.run([str(python), "-m", "pip", "install", "--quiet", str(wheel)], check=True, timeout=600)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    listing = subprocess.run([str(env_dir / "bin" / "protolint"), "rules", "list"], cwd=elsewhere,
                             capture_output=True, text=True, timeout=60, env={"COLUMNS": "200", "PATH": ""})
    assert listing.returncode == 0, listing.stderr
    for pack in ("core", "protocol-11-release-execution", "protocol-11-release-management"):
        assert pack in listing.stdout
    fixture = PROTOCOLS / "release-execution" / "11-production-deployment.md"
    checked = subprocess.run([str(python), "-m", "protolint", str(fixture)], cwd=elsewhere,
                             capture_output=True, text=True, timeout=60)
    assert checked.returncode == 0 and "PASS" in checked.stdout
    form = FIXTURES / "forms" / "protocol-input-form-11-deployment-b999fbd.yaml"
    generated = subprocess.run([str(env_dir / "bin" / "protolint"), "generate", str(form)], cwd=elsewhere,
                               capture_output=True, text=True, timeout=60)
    assert generated.returncode == 0, generated.stderr
    protocol = elsewhere / ".cursor" / "ai-driven-workflow" / "11-production-deployment.md"
    assert protocol.read_text(encoding="utf-8").startswith("# PROTOCOL 11: PRODUCTION DEPLOYMENT")
