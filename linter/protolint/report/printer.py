"""Where reports are printed.  On a terminal: rich's colour and tables that fit
the window.  Anywhere else (a pipe, a file, a CI log): plain whole lines, the
table columns padded but never cut or wrapped, so `grep` and `cut` see whole
values; and rich is not even imported, as it costs more to start than a check
of one file does.

A report writes lines of segments, `(text, style)` pairs, with rich's style
names; a plain printer drops the styles."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from typing import TextIO

Segment = tuple[str, str | None]
Cell = str | Segment


def printer(stream: TextIO | None = None) -> Printer:
    """A printer for `stream` (stdout by default): rich on a terminal, plain otherwise."""
    stream = stream or sys.stdout
    if _is_terminal(stream):
        return RichPrinter(stream)
    return PlainPrinter(stream)


def _is_terminal(stream: TextIO) -> bool:
    if os.environ.get("FORCE_COLOR"):
        return True
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


class PlainPrinter:
    def __init__(self, stream: TextIO):
        self.stream = stream

    def line(self, *segments: Cell) -> None:
        self.stream.write("".join(_text(s) for s in segments) + "\n")

    def table(self, columns: Sequence[str], rows: Sequence[Sequence[Cell]], right: Sequence[str] = ()) -> None:
        for line in plain_lines(columns, rows, right):
            self.stream.write(line + "\n")


class RichPrinter:
    def __init__(self, stream: TextIO):
        from rich.console import Console

        self.console = Console(file=stream, highlight=False)

    def line(self, *segments: Cell) -> None:
        from rich.text import Text

        self.console.print(Text.assemble(*segments), soft_wrap=True)

    def table(self, columns: Sequence[str], rows: Sequence[Sequence[Cell]], right: Sequence[str] = ()) -> None:
        from rich.table import Table
        from rich.text import Text

        table = Table(show_edge=False, pad_edge=False)
        for column in columns:
            table.add_column(column, justify="right" if column in right else "left")
        for row in rows:
            table.add_row(*(Text.assemble(cell) for cell in row))
        self.console.print(table)


Printer = PlainPrinter | RichPrinter


def plain_lines(columns: Sequence[str], rows: Sequence[Sequence[Cell]], right: Sequence[str] = ()) -> list[str]:
    cells = [list(columns)] + [[_text(cell) for cell in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(columns))]
    return ["  ".join(cell.rjust(width) if column in right else cell.ljust(width)
                      for cell, width, column in zip(row, widths, columns)).rstrip()
            for row in cells]


def _text(cell: Cell) -> str:
    return cell if isinstance(cell, str) else cell[0]
