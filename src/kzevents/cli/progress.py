"""A progress line on stderr for long reads, shown only when stderr is a terminal (never in CI logs or
when piped)."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path

Progress = Callable[[int, int], None]  # (data rows so far, bytes so far) -> None


def terminal_progress(path: str | Path, label: str) -> Progress | None:
    """A callback that redraws "label: N rows (P%)" at most ten times a second, or None when stderr is not
    a terminal."""
    if not sys.stderr.isatty() or not Path(path).is_file():
        return None
    total = max(Path(path).stat().st_size, 1)
    last = [0.0]

    def show(rows: int, done_bytes: int) -> None:
        now = time.monotonic()
        if now - last[0] < 0.1 and done_bytes < total:
            return
        last[0] = now
        pct = min(100.0, 100.0 * done_bytes / total)
        end = "\n" if done_bytes >= total else ""
        sys.stderr.write(f"\r{label} {Path(path).name}: {rows:,} rows ({pct:5.1f}%)" + end)
        sys.stderr.flush()

    return show
