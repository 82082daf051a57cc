"""Time and peak memory of `protolint check` on 10 MB documents of one shape each.

Protocols are read up to 10 MB (runner.MAX_BYTES); a document that size must
be checked in time and memory linear in its length whatever it is made of.
Each shape is written to a temporary file and checked by the CLI in its own
process, so the peak resident memory measured is that run's alone.

    python benchmarks/big_documents.py [--size-mb 10] [--timeout 600] [SHAPE ...]
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

HEADER = "# PROTOCOL 1: BIG DOCUMENT\n\n## 1. AI ROLE AND MISSION\n\nYou are a **Release Manager**.\n\n## 2. WORKFLOW\n\n"


def _lines(size: int, line) -> str:
    parts = [HEADER]
    total = len(HEADER)
    number = 0
    while total < size:
        text = line(number)
        parts.append(text)
        total += len(text)
        number += 1
    return "".join(parts)


SHAPES = {
    "list": lambda n: f"- [MUST] item {n} of the checklist\n",
    "table": lambda n: (f"| Step | Owner | Evidence |\n|---|---|---|\n" if n == 0 else "")
                       + f"| step {n} | owner | `.artifacts/{n}.json` |\n",
    "headings": lambda n: f"## Section {n}\n" if n % 2 else f"### STEP {n}\n",
    "quotes": lambda n: f"> quoted line {n}\n\n",
}


def document(shape: str, size: int) -> str:
    return _lines(size, SHAPES[shape])


def measure(path: Path, timeout: float) -> tuple[float | None, float, float]:
    """Wall seconds (None past the timeout), CPU seconds and peak resident MB of
    one `protolint check`, read from that child alone (wait4), not the maximum
    over every child so far.  CPU time is what to compare on a shared machine."""
    start = time.perf_counter()
    child = subprocess.Popen([sys.executable, "-m", "protolint", "check", "--isolated", str(path)],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    seconds: float | None = None
    while True:
        pid, status, usage = os.wait4(child.pid, os.WNOHANG)
        if pid:
            seconds = time.perf_counter() - start
            break
        if time.perf_counter() - start > timeout:
            child.kill()
            _, status, usage = os.wait4(child.pid, 0)
            break
        time.sleep(0.05)
    child.returncode = status
    return seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def _cpu() -> str:
    try:
        info = Path("/proc/cpuinfo").read_text(encoding="utf-8")
    except OSError:
        return platform.processor() or platform.machine()
    return next((line.split(":", 1)[1].strip() for line in info.splitlines() if line.startswith("model name")),
                platform.machine())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("shapes", nargs="*", metavar="SHAPE", help=f"of {', '.join(SHAPES)} (default: all)")
    parser.add_argument("--size-mb", type=float, default=10.0)
    parser.add_argument("--timeout", type=float, default=600.0)
    args = parser.parse_args()
    unknown = set(args.shapes) - set(SHAPES)
    if unknown:
        parser.error(f"unknown shape {sorted(unknown)[0]!r}; choose from {', '.join(SHAPES)}")
    size = int(args.size_mb * 1024 * 1024) - 4096  # under the limit, whatever the last line adds
    print(f"# {date.today()}  {_cpu()}, {os.cpu_count()} cores  {platform.platform()}  "
          f"Python {platform.python_version()}  {args.size_mb:g} MB per document")
    print(f"{'shape':10} {'lines':>9} {'wall s':>9} {'CPU s':>9} {'peak MB':>9}")
    with tempfile.TemporaryDirectory() as folder:
        for shape in args.shapes or SHAPES:
            path = Path(folder) / f"{shape}.md"
            text = document(shape, size)
            path.write_text(text, encoding="utf-8")
            seconds, cpu, peak = measure(path, args.timeout)
            shown = f"{seconds:9.1f}" if seconds is not None else f">{args.timeout:8.0f}"
            print(f"{shape:10} {text.count(chr(10)):9d} {shown} {cpu:9.1f} {peak:9.0f}", flush=True)
            path.unlink()


if __name__ == "__main__":
    main()
