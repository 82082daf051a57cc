"""Formatters: a Run in, text out.  They format; they never decide."""

from __future__ import annotations

from importlib import import_module

from protolint.runner import Run


def render(run: Run, name: str) -> str:
    """The report in format `name` (text, json, github, sarif, junit) as a
    string; the text report without colour."""
    module = import_module(f"protolint.report.{name}")
    return module.render_plain(run) if name == "text" else module.render(run)
