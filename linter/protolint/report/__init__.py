"""Formatters: a Run in, text out.  They format; they never decide.

Each report format is a module of this package named in FORMATS, with one
`render(run, show_suppressed=False) -> str`: a new format is one module and its
name here, and the command line's `--format` offers it."""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from protolint.results import Run

FORMATS = ("text", "json", "github", "sarif", "junit")


def render(run: Run, name: str, show_suppressed: bool = False) -> str:
    """The report in format `name` as a string; the text report without colour.
    `show_suppressed` lists the findings hidden by comments or the baseline in
    the formats that leave them out by default (text, sarif); json always lists
    them, github and junit never."""
    return import_module(f"protolint.report.{name}").render(run, show_suppressed)
