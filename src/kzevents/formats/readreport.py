"""What a read did: the layout, the rows in and out, what was normalised (counted per kind, and per
distinct value where a value was changed or left empty), and, reading with ``skip_invalid``, every row that
was rejected with its number, its line in the source, its text and every reason."""

from __future__ import annotations

from collections import Counter
from typing import Any

import attrs

from kzevents.errors import Problem


@attrs.define
class Rejected:
    """A row left out by ``skip_invalid``: the N-th data row, the line it starts on in the source (None for
    workbooks and JSON), the row as the source holds it, and every reason."""

    row: int
    line: int | None
    text: str
    reasons: list[Problem]

    def reason_text(self) -> str:
        return "; ".join(
            f"{p.column + ': ' if p.column else ''}{p.message}"
            + (f" (value {p.value!r})" if p.value is not None else "")
            for p in self.reasons
        )

    def to_dict(self) -> dict[str, Any]:
        return {"row": self.row, "line": self.line, "text": self.text, "reasons": self.reason_text()}


@attrs.define
class ReadReport:
    """What a read normalised (counts per kind), the layout it found and the rows it rejected."""

    file: str
    layout: str
    rows_in: int = 0
    rows_out: int = 0
    normalised: Counter[str] = attrs.field(factory=Counter)
    rejected: list[Rejected] = attrs.field(factory=list)

    @property
    def rows_rejected(self) -> int:
        return len(self.rejected)

    def to_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "layout": self.layout,
            "rows_in": self.rows_in,
            "rows_out": self.rows_out,
            "rows_rejected": self.rows_rejected,
            "normalised": dict(sorted(self.normalised.items())),
        }
