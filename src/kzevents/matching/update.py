"""ACLED is a living dataset: a newer download upserted by id, ACLED's deletions applied."""

from __future__ import annotations

from collections.abc import Sequence

import pyarrow as pa
import pyarrow.compute as pc


def update_acled(current: pa.Table, newer: pa.Table, deleted_ids: Sequence[str] = ()) -> pa.Table:
    """ACLED is a living dataset: upsert a newer download by ``event_id`` and drop deleted events."""
    newer_ids = newer.column("event_id")
    keep = pc.invert(pc.is_in(current.column("event_id"), value_set=newer_ids.combine_chunks()))
    out = pa.concat_tables([current.filter(keep), newer.cast(current.schema)])
    if deleted_ids:
        gone = pc.is_in(out.column("event_id"), value_set=pa.array(list(deleted_ids), pa.string()))
        out = out.filter(pc.invert(gone))
    return out.unify_dictionaries().combine_chunks()
