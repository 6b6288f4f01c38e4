"""``kzevents convert``: a file read into the canonical table and written as Parquet."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from kzevents.cli.common import EXIT_OK
from kzevents.cli.progress import terminal_progress
from kzevents.formats.crosswalk import available


def register(sub: Any) -> None:
    p = sub.add_parser("convert", help="read an ACLED/GTD/GED CSV into the canonical table and write Parquet")
    p.add_argument("src", help="input CSV (format and layout detected from the header)")
    p.add_argument("dest", help="output .parquet file")
    p.add_argument("--format", choices=available(), help="force the format")
    p.add_argument("--json", action="store_true", help="machine-readable report")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from kzevents.outputs.converter import convert  # pyarrow: imported when the command runs

    report = convert(args.src, args.dest, args.format, progress=terminal_progress(args.src, "converting"))
    if sys.stderr.isatty():
        sys.stderr.write("\n")
    if args.json:
        print(json.dumps(report.to_dict(), indent=2))
    else:
        print(
            f"{args.src} ({report.layout}): {report.rows_in} rows read, "
            f"{report.rows_out} events written to {args.dest}"
        )
        for what, n in sorted(report.normalised.items()):
            print(f"  normalised: {what}: {n}")
    return EXIT_OK
