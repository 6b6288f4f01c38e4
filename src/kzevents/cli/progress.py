"""The progress bar on stderr for long reads (tqdm): bytes of the file with rate and time left, the rows so
far; shown only on a terminal (never in CI logs, when piped, with -q or --json). A finished read ends at
100 % on a line of its own, so what follows starts on a clean line."""

from __future__ import annotations

import sys
from pathlib import Path

from tqdm import tqdm


class Bar:
    """A callback ``(rows, bytes read)`` for the readers, drawing a tqdm bar."""

    def __init__(self, path: str | Path, label: str) -> None:
        p = Path(path)
        total = p.stat().st_size if str(path) != "-" and p.is_file() else None
        self.bar = tqdm(
            total=total,
            desc=f"{label} {p.name}",
            unit="B",
            unit_scale=True,
            unit_divisor=1024,
            file=sys.stderr,
            leave=True,
            dynamic_ncols=True,
            mininterval=0.1,
        )
        self.rows = 0
        self.closed = False

    def __call__(self, rows: int, done_bytes: int) -> None:
        if self.closed:
            return
        self.rows = rows
        done = min(done_bytes, self.bar.total) if self.bar.total is not None else done_bytes
        self.bar.set_postfix_str(f"{rows:,} rows", refresh=False)
        self.bar.update(max(done - self.bar.n, 0))  # (redraws at most every mininterval)

    def finish(self) -> None:
        """The read is complete: 100 % and a line of its own."""
        if self.closed:
            return
        self.bar.set_postfix_str(f"{self.rows:,} rows", refresh=False)
        if self.bar.total is not None and self.bar.n < self.bar.total:
            self.bar.update(self.bar.total - self.bar.n)
        self.bar.refresh()
        self.close()

    def close(self) -> None:
        """End the bar's line (where it stands) before anything else is printed."""
        if not self.closed:
            self.closed = True
            self.bar.close()
