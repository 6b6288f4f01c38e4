"""``kzevents merge``: events of several datasets matched, links and a de-duplicated union written."""

from __future__ import annotations

import argparse
import io
import json
from pathlib import Path
from typing import Any

from kzevents.cli.common import EXIT_OK


def register(sub: Any) -> None:
    p = sub.add_parser(
        "merge", help="match events of two or more datasets and write links + a de-duplicated union"
    )
    p.add_argument(
        "inputs", nargs="+", help="kzevents .parquet or ACLED/GTD/GED CSV files, most trusted first"
    )
    p.add_argument(
        "--out", required=True, help="output directory: merged.parquet, links.parquet, summary.json"
    )
    p.add_argument("--km", type=float, default=25.0, help="spatial window in km (default 25)")
    p.add_argument("--days", type=int, default=2, help="temporal window in days (default 2)")
    p.add_argument("--threshold", type=float, default=0.55, help="minimum score for a link (default 0.55)")
    p.add_argument("--json", action="store_true", help="machine-readable summary")
    p.set_defaults(func=run)


def _load_any(path: str) -> Any:
    """A canonical table from a kzevents Parquet file or any ACLED/GTD/GED CSV."""
    # pyarrow and the readers: imported when the command runs, not for --help
    from kzevents.formats.reader import read
    from kzevents.outputs.parquet import read_parquet

    if path.endswith(".parquet"):
        return read_parquet(path)
    return read(path)[0]


def run(args: argparse.Namespace) -> int:
    # pyarrow and the matcher: imported when the command runs, not for --help
    import pyarrow.parquet as pq

    from kzevents.io.atomic import atomic_write_bytes
    from kzevents.matching import MatchParams, merge
    from kzevents.outputs.parquet import write_parquet

    params = MatchParams(km=args.km, days=args.days, threshold=args.threshold)
    tables = [_load_any(p) for p in args.inputs]
    merged, links, summary = merge(tables, params)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    write_parquet(merged, out / "merged.parquet")  # the canonical GeoParquet, as export and convert write
    buf = io.BytesIO()  # the links keep their own schema
    pq.write_table(links, buf, compression="zstd")
    atomic_write_bytes(out / "links.parquet", buf.getvalue())
    atomic_write_bytes(out / "summary.json", (json.dumps(summary, indent=2) + "\n").encode())
    if args.json:
        print(json.dumps(summary, indent=2))
    else:
        for d in summary["datasets"]:
            print(
                f"{d['dataset']:10} {d['rows']:8} rows  {d['matched']:7} matched  "
                f"{d['unmatched']:8} unmatched"
            )
        print(
            f"merged: {summary['merged_rows']} events -> {out}/merged.parquet, links -> {out}/links.parquet"
        )
    return EXIT_OK
