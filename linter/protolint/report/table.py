"""Tables for people and for pipes.  On a terminal: a rich table that fits the
window.  Anywhere else (a pipe, a file, a CI log): one plain line per row, the
columns padded but never cut or wrapped, so `grep` and `cut` see whole values."""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Console
from rich.table import Table
from rich.text import Text

Cell = str | Text


def print_table(console: Console, columns: Sequence[str], rows: Sequence[Sequence[Cell]],
                right: Sequence[str] = ()) -> None:
    """`rows` under `columns`; the columns named in `right` are right-aligned."""
    if console.is_terminal:
        table = Table(show_edge=False, pad_edge=False)
        for column in columns:
            table.add_column(column, justify="right" if column in right else "left")
        for row in rows:
            table.add_row(*row)
        console.print(table)
        return
    for line in plain_lines(columns, rows, right):
        console.print(line, markup=False, highlight=False, soft_wrap=True)


def plain_lines(columns: Sequence[str], rows: Sequence[Sequence[Cell]], right: Sequence[str] = ()) -> list[str]:
    cells = [list(columns)] + [[cell.plain if isinstance(cell, Text) else cell for cell in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(columns))]
    return ["  ".join(cell.rjust(width) if column in right else cell.ljust(width)
                      for cell, width, column in zip(row, widths, columns)).rstrip()
            for row in cells]
