"""Formatters: a Run in, text out.  They format; they never decide."""

from __future__ import annotations

from importlib import import_module

from protolint.runner import Run


def render(run: Run, name: str, show_suppressed: bool = False) -> str:
    """The report in format `name` (text, json, github, sarif, junit) as a
    string; the text report without colour.  `show_suppressed` lists the
    findings hidden by comments or the baseline in the formats that leave them
    out by default (text, sarif); json always lists them, github and junit never."""
    module = import_module(f"protolint.report.{name}")
    if name == "text":
        return module.render_plain(run, show_suppressed)
    if name == "sarif":
        return module.render(run, show_suppressed)
    return module.render(run)
