"""CSV text as RFC 4180 writes it, and as every reader reads it back: a field is quoted when it holds a
comma, a quote, a line feed or a carriage return (a lone field that is empty too, or the row would read as
a blank line). Python's csv writer decides by its line terminator, so with ``"\\n"`` it leaves a carriage
return unquoted, which readers (Arrow, spreadsheets) take for the end of the row."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

_SPECIAL = frozenset(',"\r\n')


def field(value: str) -> str:
    if _SPECIAL.isdisjoint(value):
        return value
    return '"' + value.replace('"', '""') + '"'


def csv_text(rows: Iterable[Sequence[str]]) -> str:
    """The rows as CSV text, one ``\\n`` after each row."""
    lines = []
    for row in rows:
        if len(row) == 1 and row[0] == "":
            lines.append('""')
        else:
            lines.append(",".join(field(v) for v in row))
    return "".join(line + "\n" for line in lines)
