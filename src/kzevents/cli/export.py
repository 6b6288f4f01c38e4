"""``kzevents export``: the dataset in every format into one folder."""

from __future__ import annotations

import argparse
import json
from typing import Any

from kzevents.cli.common import EXIT_OK
from kzevents.formats.crosswalk import available

OUTPUT_FORMATS = ("parquet", "geojson", "datapackage")  # besides each format's CSV


def register(sub: Any) -> None:
    formats = (*available(), *OUTPUT_FORMATS)
    p = sub.add_parser("export", help="write the dataset in every format (or --format ones) into --out")
    p.add_argument("--out", required=True, help="output directory (created if missing)")
    p.add_argument(
        "--format",
        action="append",
        choices=formats,
        help="format to write (repeatable); default: all of " + ", ".join(formats),
    )
    p.add_argument(
        "--actor-types",
        choices=("text", "numeric"),
        default="text",
        help="ACLED inter1/inter2/interaction as text (ACLED's downloads since 2024, the default) or as "
        "numeric codes (earlier downloads), to stack with the file you have",
    )
    p.add_argument("--json", action="store_true", help="machine-readable summary")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from kzevents.outputs.exporter import export  # pyarrow: imported when the command runs, not for --help

    results = export(out=args.out, formats=args.format or None, actor_types=args.actor_types)
    if args.json:
        print(
            json.dumps(
                [
                    {
                        "format": r.format,
                        "path": r.path,
                        "rows": r.rows,
                        "excluded": [{"event_id": e.event_id, "reason": e.reason} for e in r.excluded],
                        "excluded_path": r.excluded_path,
                    }
                    for r in results
                ],
                indent=2,
            )
        )
    else:
        for r in results:
            line = f"{r.format:14} {r.rows:4} rows  {r.path}"
            if r.excluded:
                line += f"  ({len(r.excluded)} incidents left out, listed in {r.excluded_path})"
            print(line)
    return EXIT_OK
