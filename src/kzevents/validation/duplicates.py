"""Identifiers that occur more than once in a file, found in bounded memory: a 64-bit hash of each id is
kept while the file streams by, and only the ids whose hash repeats are read again and compared."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

import numpy as np
import pyarrow as pa

from kzevents.errors import Problem
from kzevents.validation.report import Report


def report_duplicates(
    stream: Iterable[pa.RecordBatch],
    column: str,
    hashes: list[np.ndarray],
    report: Report,
    already: np.ndarray,
) -> None:
    """Identifiers that occur more than once in the file. The first pass kept a 64-bit hash of each id;
    rows whose hash repeats are candidates, and their ids are read again (that column only) and compared
    as strings, so a clash of hashes never reports a duplicate. ``already`` marks the rows that failed
    another rule (counted once in ``failing_rows``)."""
    every = np.concatenate(hashes)
    hashes.clear()
    ordered = np.sort(every)
    repeated = np.unique(ordered[1:][ordered[1:] == ordered[:-1]])
    del ordered
    if len(repeated) == 0:
        return
    candidates = np.flatnonzero(np.isin(every, repeated))
    del every
    found: dict[int, str] = {}
    start = 0
    for batch in stream:  # the id column alone, read again
        end = start + batch.num_rows
        lo, hi = np.searchsorted(candidates, [start, end])
        if hi > lo:
            rows = candidates[lo:hi]
            values = batch.column(column).take(pa.array(rows - start)).to_pylist()
            found.update(zip(rows.tolist(), values, strict=True))
        start = end
    seen = Counter(found.values())
    for row, value in sorted(found.items()):
        if seen[value] > 1:
            report.add(
                Problem(
                    code="duplicate-id",
                    message="identifier occurs more than once in the file",
                    file=report.file,
                    row=row + 1,
                    column=column,
                    value=value[:200],
                )
            )
            report.failing_rows += 0 if already[row] else 1
