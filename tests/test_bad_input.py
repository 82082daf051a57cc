"""Bad input: one clear line per file naming it and the problem; the rest is still
checked; exit 2 when a named path does not exist or cannot be read (a typo must
not pass green), or when nothing could be checked; never a traceback."""

from __future__ import annotations

import json

from conftest import PROTOCOLS, protolint

GOOD = PROTOCOLS / "release-execution" / "11-production-deployment.md"


def bad_files(tmp_path):
    (tmp_path / "empty.md").write_text("", encoding="utf-8")
    (tmp_path / "binary.md").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    (tmp_path / "latin1.md").write_bytes("# PROTOCOL 1\n\nCaf\xe9 au lait\n".encode("latin-1"))
    with open(tmp_path / "huge.md", "wb") as handle:
        handle.truncate(50 * 1024 * 1024)  # sparse: 50 MB without writing them
    (tmp_path / "nomarkdown").mkdir()
    (tmp_path / "nomarkdown" / "notes.txt").write_text("hello", encoding="utf-8")
    return {
        "empty.md": "empty file: nothing to check",
        "binary.md": "binary file, not Markdown",
        "latin1.md:3:4": "not UTF-8 (byte 0xe9); save the file as UTF-8",
        "huge.md": "file is 50.0 MB; protocols are read up to 10 MB",
        "nomarkdown": "directory holds no Markdown files (*.md)",
        "missing.md": "no such file or directory",
    }


def test_each_bad_input_is_one_line_and_good_files_still_checked(tmp_path):
    expected = bad_files(tmp_path)
    paths = [tmp_path / name.split(":")[0] for name in expected]
    result = protolint("--format", "json", *paths, GOOD)
    assert result.returncode == 2, result.stderr  # the good file passed; the missing one fails the run
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == len(expected)
    for name, problem in expected.items():
        assert f"{tmp_path / name}: error: {problem}" in lines
    data = json.loads(result.stdout)
    assert [f["path"] for f in data["files"]] == [str(GOOD)]
    assert {p["path"].rsplit("/", 1)[-1] for p in data["problems"]} == {n.split(":")[0] for n in expected}
    assert data["files"][0]["verdict"] == "PASS" and data["exit"]["code"] == 2
    assert data["exit"]["reasons"] == [  # the rest was read, but holds no protocol's text
        {"path": str(tmp_path / "missing.md"), "reason": "not checked: no such file or directory", "code": 2, "kind": "unchecked"}]


def test_a_path_that_could_not_be_checked_fails_the_run_after_the_others(tmp_path):
    expected = bad_files(tmp_path)
    result = protolint(*[tmp_path / name.split(":")[0] for name in expected])
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    typo = protolint(GOOD, tmp_path / "typo.md")  # a typo in CI's paths must not pass green
    assert typo.returncode == 2
    assert "PASS" in typo.stdout  # the good file was still checked
    assert f"exit 2: {tmp_path / 'typo.md'}: not checked: no such file or directory" in typo.stdout.splitlines()
    failing = protolint(PROTOCOLS / "release-execution" / "failing" / "no-guardrail.md", tmp_path / "typo.md")
    assert failing.returncode == 2  # an input error outranks a failing protocol


def test_text_summary_lists_unreadable_files(tmp_path):
    (tmp_path / "empty.md").write_text("   \n", encoding="utf-8")
    result = protolint(GOOD, tmp_path / "empty.md")
    assert "1 not checked: " in result.stdout and "empty.md" in result.stdout


def test_bom_and_crlf_are_ordinary_input(tmp_path):
    text = GOOD.read_text(encoding="utf-8").replace("\n", "\r\n")
    path = tmp_path / "11-production-deployment.md"
    path.write_bytes("\ufeff".encode() + text.encode("utf-8"))
    result = json.loads(protolint("--format", "json", path).stdout)
    assert result["files"][0]["verdict"] == "PASS"


def test_directory_recurses_for_markdown(tmp_path):
    nested = tmp_path / "a" / "b"
    nested.mkdir(parents=True)
    (nested / "11-production-deployment.md").write_text(GOOD.read_text(encoding="utf-8"), encoding="utf-8")
    (nested / "ignore.txt").write_text("x", encoding="utf-8")
    data = json.loads(protolint("--format", "json", tmp_path).stdout)
    assert [f["path"] for f in data["files"]] == [str(nested / "11-production-deployment.md")]


def test_a_document_nested_past_the_limit_is_one_line_with_either_parser_and_the_rest_is_checked(tmp_path):
    """Every list item and quote keeps its text, so nesting multiplies memory:
    a file of thousands of nested quotes is refused at the line that goes too
    deep, by both parsers alike, and walked directories still find it."""
    from protolint.parsing import MAX_NESTING

    deep = tmp_path / "deep.md"
    deep.write_text("# PROTOCOL 1: X\n\n" + "".join(">" * depth + " x\n" for depth in range(1, 3000)))
    good = tmp_path / "11-production-deployment.md"
    good.write_text((PROTOCOLS / "release-execution" / "11-production-deployment.md").read_text())
    for parser in ("pyromark", "markdown-it"):
        done = protolint("check", str(tmp_path), "--parser", parser, "--no-cache")
        assert f"{deep}:{MAX_NESTING + 3}:1: error: lists and block quotes nested more than {MAX_NESTING} levels" \
            in done.stderr, done.stderr
        assert "Traceback" not in done.stderr and f"PASS  {good}" in done.stdout


def test_a_walk_reads_the_title_below_front_matter_that_holds_hash_lines(tmp_path):
    protocol = tmp_path / "deploy.md"
    protocol.write_text("---\n# owner: platform team\n---\n# PROTOCOL 11: DEPLOY\n\n## 1. AI ROLE\n\nYou are a deployer.\n")
    done = protolint("check", str(tmp_path), "--format", "json", "--no-cache")
    assert [f["path"] for f in json.loads(done.stdout)["files"]] == [str(protocol)]
