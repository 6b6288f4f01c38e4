"""The result of validating a file: every problem (up to a limit), counts per rule, warnings apart."""

from __future__ import annotations

from collections import Counter
from typing import Any

import attrs

from kzevents.errors import Problem

MAX_LISTED = 1000  # problems listed one by one; beyond this only counted per rule

# rule codes that only warn: a file whose rows break them is still valid (exit 0), and the report lists
# them apart. Modules that register cross-field rules add their warning codes here.
WARNING_CODES: set[str] = set()


@attrs.define
class Report:
    """The result of validating a file: every problem (up to a limit) and counts per rule; warnings (rules
    in WARNING_CODES) are kept apart and do not make the file invalid."""

    file: str
    format: str
    rows: int = 0
    problems: list[Problem] = attrs.field(factory=list)
    counts: Counter[str] = attrs.field(factory=Counter)
    failing_rows: int = 0
    warnings: list[Problem] = attrs.field(factory=list)
    warning_counts: Counter[str] = attrs.field(factory=Counter)

    @property
    def valid(self) -> bool:
        return not self.counts

    def add(self, p: Problem) -> None:
        if p.code in WARNING_CODES:
            self.warning_counts[p.code] += 1
            if len(self.warnings) < MAX_LISTED:
                self.warnings.append(p)
            return
        self.counts[p.code] += 1
        if len(self.problems) < MAX_LISTED:
            self.problems.append(p)

    def count(self, code: str) -> None:
        """One more finding of ``code`` beyond those listed."""
        (self.warning_counts if code in WARNING_CODES else self.counts)[code] += 1

    def merge(self, other: Report) -> None:
        """Add a later batch's findings (rows already offset)."""
        room = MAX_LISTED - len(self.problems)
        self.problems.extend(other.problems[: max(room, 0)])
        self.counts.update(other.counts)
        self.warnings.extend(other.warnings[: max(MAX_LISTED - len(self.warnings), 0)])
        self.warning_counts.update(other.warning_counts)
        self.rows += other.rows
        self.failing_rows += other.failing_rows

    def to_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "format": self.format,
            "valid": self.valid,
            "rows": self.rows,
            "failing_rows": self.failing_rows,
            "counts": dict(sorted(self.counts.items())),
            "problems": [p.to_dict() for p in self.problems],
            "truncated": sum(self.counts.values()) > len(self.problems),
            "warning_counts": dict(sorted(self.warning_counts.items())),
            "warnings": [p.to_dict() for p in self.warnings],
        }

    def __str__(self) -> str:
        head = f"{self.file}: {self.format}, {self.rows} rows: " + (
            "valid" if self.valid else f"{sum(self.counts.values())} problem(s) in {self.failing_rows} row(s)"
        )
        if self.warning_counts:
            head += f", {sum(self.warning_counts.values())} warning(s)"
        lines = [head, *(f"  {p}" for p in self.problems)]
        if not self.valid:
            lines.append("  per rule: " + ", ".join(f"{k} {v}" for k, v in sorted(self.counts.items())))
        lines += [f"  warning: {p}" for p in self.warnings]
        if self.warning_counts:
            counts = ", ".join(f"{k} {v}" for k, v in sorted(self.warning_counts.items()))
            lines.append(f"  warnings per rule: {counts}")
        return "\n".join(lines)
