"""`protolint config`: the settings in force for one path, each with where it
came from (a config file and line, "default", or "command line")."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from protolint.config import Settings, shown_path


def _plain(value: Any) -> Any:
    """A value as JSON holds it; paths as the user would type them here."""
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    if isinstance(value, Path) or (isinstance(value, str) and os.path.isabs(value)):
        return shown_path(value)
    return value


def _rows(settings: Settings) -> list[tuple[str, Any, str]]:
    rows = [(key, getattr(settings, key), settings.origin(key)) for key in Settings.SHOWN]
    if settings.per_file:
        entries = [{"files": list(e.globs), **{k: _plain(v) for k, v in e.values.items()}} for e in settings.per_file]
        rows.append(("per_file", entries, ", ".join(str(e.origins["files"]) for e in settings.per_file)))
    return rows


def render_json(path: str, settings: Settings) -> str:
    document = {
        "path": path,
        "config_file": shown_path(settings.config_file) if settings.config_file else None,
        "settings": {key: {"value": _plain(value), "from": origin} for key, value, origin in _rows(settings)},
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def render_text(path: str, settings: Settings) -> str:
    source = shown_path(settings.config_file) if settings.config_file else "no config file (defaults)"
    lines = [f"{path}: {source}"]
    shown = [(key, _text(key, value), origin) for key, value, origin in _rows(settings)]
    width = max(len(key) for key, _, _ in shown)
    value_width = max(len(value) for _, value, _ in shown)
    lines += [f"  {key:<{width}}  {value:<{value_width}}  {origin}" for key, value, origin in shown]
    return "\n".join(lines) + "\n"


def _text(key: str, value: Any) -> str:
    if value is None:
        return "(by applies_to, else core)" if key == "packs" else "-"
    if key == "per_file":
        return "; ".join(" ".join(f"{k}={_text(k, v)}" for k, v in entry.items()) for entry in value)
    plain = _plain(value)
    if isinstance(plain, list):
        return "[" + ", ".join(str(v) for v in plain) + "]"
    if isinstance(plain, bool):
        return str(plain).lower()
    return str(plain)
