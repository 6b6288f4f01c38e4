"""The root exception and the problem report shared by loading and validation."""

from __future__ import annotations

from collections.abc import Iterable

import attrs


class KzeventsError(Exception):
    """Root of every exception kzevents raises on purpose."""


@attrs.frozen
class Problem:
    """One thing wrong with one value: where it is, what it is, which rule it breaks."""

    code: str  # the rule, e.g. "schema", "ref-place", "type"
    message: str
    file: str | None = None
    path: str | None = None  # JSON path ($.claims[0].quote) for curated data
    row: int | None = None  # 1-based data row for tabular files (header is row 0)
    column: str | None = None
    value: str | None = None

    def location(self) -> str:
        parts = [self.file or "<input>"]
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column is not None:
            parts.append(f"column {self.column}")
        if self.path is not None:
            parts.append(self.path)
        return ": ".join(parts) if len(parts) == 1 else f"{parts[0]}: " + ", ".join(parts[1:])

    def __str__(self) -> str:
        val = f" (value {self.value!r})" if self.value is not None else ""
        return f"{self.location()}: {self.message}{val} [{self.code}]"

    def to_dict(self) -> dict[str, object]:
        return attrs.asdict(self)


class DataError(KzeventsError):
    """Invalid data; carries every problem found, not only the first."""

    def __init__(self, problems: Iterable[Problem], summary: str = "invalid data") -> None:
        self.problems = tuple(problems)
        lines = [f"{summary}: {len(self.problems)} problem(s)"]
        lines += [f"  {p}" for p in self.problems[:50]]
        if len(self.problems) > 50:
            lines.append(f"  ... and {len(self.problems) - 50} more")
        super().__init__("\n".join(lines))


class UsageError(KzeventsError):
    """The caller asked for something that cannot be done (unknown format, missing file)."""


class MissingDependency(KzeventsError, ImportError):
    """An optional library (an extra: ``kzevents[pandas]``, ``[polars]``, ``[geo]``) is not installed; the
    message is the one line that installs it."""
