"""How fast protolint is, as ratios and rates measured in one run (`make bench`).

Every number comes from whole `protolint` processes (what a user waits for),
except the floor: reading and parsing the corpus protocols with markdown-it-py
in this process, the least any Markdown linter in Python must spend.  Ratios
to the floor hold across machines better than seconds do.

    python benchmarks/bench.py [--corpus DIR] [--copies N]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus" / "supertemplate" / "protocols"


def floor(files: list[Path], repeat: int = 5) -> float:
    """Seconds to read and parse every file with markdown-it-py, best of `repeat`."""
    from markdown_it import MarkdownIt

    parser = MarkdownIt("commonmark").enable("table")
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        for path in files:
            parser.parse(path.read_text(encoding="utf-8"))
        best = min(best, time.perf_counter() - start)
    return best


def events_floor(files: list[Path], repeat: int = 5) -> float:
    """Seconds for pyromark's events of every file in this process, best of
    `repeat`: what any checker reading them in Python pays before its own work."""
    import pyromark

    markdown = pyromark.Markdown(options=pyromark.Options.ENABLE_TABLES)
    texts = [path.read_text(encoding="utf-8") for path in files]
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        for text in texts:
            list(markdown.events_with_range(text, merge_text=True))
        best = min(best, time.perf_counter() - start)
    return best


def byte_compile() -> None:
    """Write protolint's bytecode as an installer does: with
    PYTHONDONTWRITEBYTECODE set (as on some CI machines) every run would
    otherwise compile the modules again, which no installed user pays."""
    import compileall

    import protolint

    compileall.compile_dir(Path(protolint.__file__).parent, quiet=1)


def run(args: list[str], cwd: Path) -> tuple[float, float]:
    """Wall seconds and peak resident MiB of one protolint process (output to a pipe)."""
    start = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-m", "protolint", *args], cwd=cwd,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    elapsed = time.perf_counter() - start
    if process.returncode not in (0, 1):
        raise SystemExit(f"protolint {' '.join(args)} exited with {process.returncode}")
    return elapsed, usage.ru_maxrss / 1024


def best_of(args: list[str], cwd: Path, repeat: int) -> tuple[float, float]:
    runs = [run(args, cwd) for _ in range(repeat)]
    return min(t for t, _ in runs), max(m for _, m in runs)


def median_of(args: list[str], cwd: Path, repeat: int) -> float:
    return statistics.median(run(args, cwd)[0] for _ in range(repeat))


def has_option(option: str) -> bool:
    done = subprocess.run([sys.executable, "-m", "protolint", "check", "--help"], capture_output=True, text=True,
                          env={**os.environ, "COLUMNS": "300"})
    return option in done.stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--copies", type=int, default=2000, help="files in the many-files runs")
    options = parser.parse_args()
    files = sorted(options.corpus.glob("*.md"))
    if not files:
        raise SystemExit(f"no protocols in {options.corpus}")
    rows: list[tuple[str, str, str, bool | None]] = []

    def row(what: str, value: str, target: str, met: bool | None) -> None:
        rows.append((what, value, target, met))
        mark = {True: "met", False: "NOT met", None: ""}[met]
        print(f"{what:<58} {value:>16}   {target:<14} {mark}", flush=True)

    print(f"{len(files)} protocols from {options.corpus}, {os.cpu_count()} cores, Python {sys.version.split()[0]}\n")
    byte_compile()
    base = floor(files)
    row("floor: read + parse with markdown-it-py (in process)", f"{base * 1000:.0f} ms", "", None)
    row("  for scale: pyromark's events alone (in process)", f"{events_floor(files) / base:.2f} x floor", "", None)
    with tempfile.TemporaryDirectory(prefix="protolint-bench-") as scratch:
        work = Path(scratch)
        corpus = work / "corpus"
        shutil.copytree(options.corpus, corpus)
        check = ["check", str(corpus), "--pack", "core", "--no-cache", "-j", "1"]
        full, _ = best_of(check, work, 3)
        row("full check of the corpus, default parser, 1 process", f"{full / base:.2f} x floor", "<= 0.25 x",
            full / base <= 0.25)
        if has_option("--parser"):
            reference, _ = best_of([*check, "--parser", "markdown-it"], work, 3)
            row("full check of the corpus, --parser markdown-it", f"{reference / base:.2f} x floor", "<= 1.2 x",
                reference / base <= 1.2)
        start = median_of(["--version"], work, 7)
        row("  for scale: protolint --version, whole process", f"{start:.3f} s", "", None)
        cold = median_of(["check", str(files[0]), "--no-cache"], work, 7)
        row("one file, cold, whole process", f"{cold:.3f} s", "<= 0.2 s", cold <= 0.2)

        many = work / "many"
        many.mkdir()
        for index in range(options.copies):
            source = files[index % len(files)]
            shutil.copy(source, many / f"{index:05d}-{source.name}")
        tenth = work / "tenth"
        shutil.copytree(many, tenth, ignore=lambda _, names: sorted(names)[options.copies // 10:])
        serial, memory = run(["check", str(many), "--pack", "core", "--no-cache", "-j", "1"], work)
        row(f"{options.copies} files, 1 process", f"{options.copies / serial:.0f} files/s", ">= 200 files/s",
            options.copies / serial >= 200)
        _, small_memory = run(["check", str(tenth), "--pack", "core", "--no-cache", "-j", "1"], work)
        row(f"peak memory, {options.copies // 10} then {options.copies} files",
            f"{small_memory:.0f} / {memory:.0f} MiB", "<= 100 MiB", memory <= 100)
        parallel, _ = run(["check", str(many), "--pack", "core", "--no-cache", "-j", "2"], work)
        row(f"{options.copies} files, --jobs 2 vs --jobs 1", f"{serial / parallel:.2f} x faster", ">= 1.6 x",
            serial / parallel >= 1.6)
        cold_cache, _ = run(["check", str(many), "--pack", "core", "-j", "1"], work)
        warm, _ = run(["check", str(many), "--pack", "core", "-j", "1"], work)
        row(f"{options.copies} files, warm cache vs cold", f"{warm / cold_cache:.1%}", "<= 10 %",
            warm / cold_cache <= 0.10)
    missed = [what for what, _, _, met in rows if met is False]
    targets = [what for what, _, _, met in rows if met is not None]
    print(f"\n{len(targets) - len(missed)} of {len(targets)} targets met" + (f"; not met: {len(missed)}" if missed else ""))


if __name__ == "__main__":
    main()
