"""What each Markdown parser costs, on the corpus protocols, in one run.

The floor is reading and parsing the corpus protocols with markdown-it-py
(`MarkdownIt('commonmark').enable('table')`), as in the performance issue;
every other row is a ratio to it.  In process: reading + parsing to tokens and
to Documents with each parser.  Whole process: `protolint check` of the
protocols folder with `--pack core` and each `--parser` (stdout discarded).
Best of several repeats, so other load on the machine counts as little as
possible.

    .venv/bin/python benchmarks/parse.py [PROTOCOLS_DIR]
"""

from __future__ import annotations

import os
import platform
import subprocess
import sys
import time
from pathlib import Path

from markdown_it import MarkdownIt

from protolint.parsing import parse_document
from protolint.pulldown import tokens as pyromark_tokens

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = ROOT.parent / "shared" / "corpus" / "supertemplate" / "protocols"


def best(function, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT
    files = sorted(folder.glob("*.md"))
    if not files:
        sys.exit(f"{folder}: no protocols to measure")
    reference = MarkdownIt("commonmark").enable("table")

    def read():
        return [path.read_text(encoding="utf-8") for path in files]

    def floor():
        for text in read():
            reference.parse(text)

    def tokens_pyromark():
        for text in read():
            pyromark_tokens(text)

    def documents(parser):
        def run():
            for path, text in zip(files, read()):
                parse_document(text, str(path), parser=parser)
        return run

    def check(parser):
        command = [sys.executable, "-m", "protolint", "check", str(folder), "--pack", "core", "--parser", parser]
        return lambda: subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                      env={**os.environ, "NO_COLOR": "1"}, check=False)

    documents("pyromark")()  # import both backends and the vocabulary before timing
    documents("markdown-it")()
    base = best(floor, 7)
    rows = [
        ("floor: read + markdown-it-py tokens", base),
        ("read + pyromark tokens (as markdown-it's)", best(tokens_pyromark, 7)),
        ("read + Documents, --parser markdown-it", best(documents("markdown-it"), 5)),
        ("read + Documents, --parser pyromark", best(documents("pyromark"), 5)),
        ("protolint check --pack core --parser markdown-it", best(check("markdown-it"), 3)),
        ("protolint check --pack core --parser pyromark", best(check("pyromark"), 3)),
    ]
    print(f"{len(files)} protocols in {folder}; {platform.python_implementation()} "
          f"{platform.python_version()}, {os.cpu_count()} cores; best of 3-7 runs")
    print(f"{'':52} {'seconds':>9} {'× floor':>8} {'files/s':>8}")
    for name, seconds in rows:
        print(f"{name:52} {seconds:9.3f} {seconds / base:8.2f} {len(files) / seconds:8.0f}")


if __name__ == "__main__":
    main()
