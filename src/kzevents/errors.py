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
    """The caller asked for something that cannot be done (unknown format, bad option): exit code 2."""

    def problem(self) -> Problem:
        """The error as a :class:`Problem` (for the ``errors`` list of a JSON report)."""
        return Problem("usage", str(self))


class AccessError(UsageError, OSError):
    """A file or folder cannot be read or written as asked: missing, a folder where a file is expected (or
    the reverse), no permission, a full disk, a special file. Names the path and says what to do; exit code
    2 (a problem of the environment, not of the data). Also an :class:`OSError`, so ``except OSError`` in
    callers keeps working."""

    def __init__(self, path: object, what: str, hint: str = "", errno: int | None = None) -> None:
        self.path = str(path)
        self.what = what
        self.hint = hint
        message = f"{self.path}: {what}" + (f" ({hint})" if hint else "")
        Exception.__init__(self, message)
        self.errno = errno
        self.filename = self.path
        self.message = message

    def __str__(self) -> str:
        return self.message

    def __reduce__(self) -> tuple[object, ...]:
        return (type(self), (self.path, self.what, self.hint, self.errno))

    def problem(self) -> Problem:
        return Problem("access", self.what + (f" ({self.hint})" if self.hint else ""), self.path)


class MissingDependency(KzeventsError, ImportError):
    """An optional library (an extra: ``kzevents[pandas]``, ``[polars]``, ``[geo]``) is not installed; the
    message is the one line that installs it."""


class Interrupted(KeyboardInterrupt):
    """The run was stopped by a signal (SIGINT is Ctrl-C, SIGTERM a polite kill): raised in the main thread
    by the command line's signal handlers, so that every ``finally`` runs (writer threads joined, temporary
    files removed). A :class:`KeyboardInterrupt`, so code that handles Ctrl-C handles both."""

    def __init__(self, signum: int, name: str) -> None:
        super().__init__(name)
        self.signum = signum
        self.name = name

    @property
    def exit_code(self) -> int:
        return 128 + self.signum  # 130 for SIGINT, 143 for SIGTERM, as shells report them
