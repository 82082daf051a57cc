"""Many files checked by worker processes, the report as a serial run gives it.

Workers are forked from the process that holds the Linter, so they inherit it
and every pack it compiled before the fork (a pack that only the files of a
worker need is compiled there, once per worker).  A result travels back as a cache entry
(JSON-shaped, no compiled patterns: RE2's cannot be pickled) and gets its rules
back from the packs here.  A file whose check raised a user error in a worker
is checked again here, so the error surfaces exactly as in a serial run.
"""

from __future__ import annotations

import itertools
import os
from collections import deque
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from protolint import cache
from protolint.errors import UserError
from protolint.results import Problem, Result

if TYPE_CHECKING:
    from protolint.packs import Rule

PARALLEL_FROM = 16
"""Fewer files are checked in process: starting workers would cost more than it saves."""

CheckFile = Callable[[Path], tuple[Result | Problem, str | None]]
"""One file's result (or why it could not be checked) and its title: Linter._check_file."""

_INHERITED: CheckFile | None = None
"""What a forked worker checks files with, inherited from the process that forked it."""


def default_jobs() -> int:
    """The cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def check_files(check_file: CheckFile, rules_for: Callable[[Path, str | None], tuple[Rule, ...]],
                files: list[Path], jobs: int) -> Iterator[Result | Problem]:
    """Each file's outcome, in the files' order, from `jobs` forked workers;
    at most two chunks per worker are in flight, so memory stays flat.
    `rules_for(path, title)`: the rules a result sent back as an entry gets back."""
    from concurrent.futures import ProcessPoolExecutor
    from multiprocessing import get_context

    global _INHERITED
    _INHERITED = check_file
    size = max(1, min(32, len(files) // (jobs * 4)))
    chunks = iter([files[i:i + size] for i in range(0, len(files), size)])
    with ProcessPoolExecutor(jobs, mp_context=get_context("fork")) as pool:
        pending = deque(pool.submit(_check_chunk, chunk) for chunk in itertools.islice(chunks, 2 * jobs))
        while pending:
            done = pending.popleft().result()
            following = next(chunks, None)
            if following:
                pending.append(pool.submit(_check_chunk, following))
            for path, (kind, payload) in done:
                if kind == "problem":
                    yield payload
                elif kind == "error":
                    yield check_file(path)[0]
                else:
                    yield cache.result_of(payload, rules_for(path, payload["title"]))


def _check_chunk(paths: list[Path]) -> list[tuple[Path, tuple[str, object]]]:
    """In a worker: each file's outcome as something that pickles."""
    done = []
    for path in paths:
        try:
            outcome, title = _INHERITED(path)
        except UserError as error:
            done.append((path, ("error", str(error))))
            continue
        if isinstance(outcome, Problem):
            done.append((path, ("problem", outcome)))
        else:
            done.append((path, ("result", cache.entry_of(outcome, title))))
    return done
