"""Formatters: a Run in, text out.  They format; they never decide."""

from __future__ import annotations

FORMATS = ("text", "json")
