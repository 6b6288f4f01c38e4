"""Subcommands beyond ``info``; each imports what it needs when it runs (pyarrow only here)."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

FORMATS = ("acled", "gtd", "ged", "parquet", "datapackage")


def cmd_export(args: argparse.Namespace) -> int:
    from kzevents.exports import export

    results = export(out=args.out, formats=args.format or None)
    if args.json:
        print(
            json.dumps(
                [
                    {
                        "format": r.format,
                        "path": r.path,
                        "rows": r.rows,
                        "excluded": [{"event_id": e.event_id, "reason": e.reason} for e in r.excluded],
                    }
                    for r in results
                ],
                indent=2,
            )
        )
    else:
        for r in results:
            line = f"{r.format:12} {r.rows:4} rows  {r.path}"
            if r.excluded:
                line += f"  ({len(r.excluded)} incidents left out, see *_excluded.csv)"
            print(line)
    return 0


def cmd_validate(args: argparse.Namespace) -> int:
    from kzevents.progress import terminal_progress
    from kzevents.validation import validate_file

    reports = [
        validate_file(path, args.format, progress=terminal_progress(path, "validating"))
        for path in args.files
    ]
    if args.json:
        out: Any = [r.to_dict() for r in reports]
        print(json.dumps(out if len(out) > 1 else out[0], indent=2, ensure_ascii=False))
    else:
        for r in reports:
            print(str(r), file=sys.stdout if r.valid else sys.stderr)
    return 0 if all(r.valid for r in reports) else 1


def cmd_convert(args: argparse.Namespace) -> int:
    from kzevents.progress import terminal_progress
    from kzevents.readers import convert

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
    return 0


def _load_any(path: str) -> Any:
    """A canonical table from a kzevents Parquet file or any ACLED/GTD/GED CSV."""
    if path.endswith(".parquet"):
        from kzevents.parquet import read_parquet

        return read_parquet(path)
    from kzevents.readers import read

    return read(path)[0]


def cmd_merge(args: argparse.Namespace) -> int:
    from pathlib import Path

    import pyarrow.parquet as pq

    from kzevents.exports import atomic_write_bytes
    from kzevents.matching import MatchParams, merge

    params = MatchParams(km=args.km, days=args.days, threshold=args.threshold)
    tables = [_load_any(p) for p in args.inputs]
    merged, links, summary = merge(tables, params)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    import io

    for name, table in (("merged.parquet", merged), ("links.parquet", links)):
        buf = io.BytesIO()
        pq.write_table(table, buf, compression="zstd")
        atomic_write_bytes(out / name, buf.getvalue())
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
    return 0


def register(sub: Any) -> None:
    """Add subcommands to the ``kzevents`` parser."""
    p = sub.add_parser("export", help="write the dataset in every format (or --format ones) into --out")
    p.add_argument("--out", required=True, help="output directory (created if missing)")
    p.add_argument(
        "--format",
        action="append",
        choices=FORMATS,
        help="format to write (repeatable); default: all of " + ", ".join(FORMATS),
    )
    p.add_argument("--json", action="store_true", help="machine-readable summary")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("validate", help="check CSV files against their format's JSON Schema and rules")
    p.add_argument("files", nargs="+", help="CSV files (format detected from the header)")
    p.add_argument("--format", choices=("acled", "gtd", "ged"), help="force the format")
    p.add_argument("--json", action="store_true", help="machine-readable report")
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("convert", help="read an ACLED/GTD/GED CSV into the canonical table and write Parquet")
    p.add_argument("src", help="input CSV (format and layout detected from the header)")
    p.add_argument("dest", help="output .parquet file")
    p.add_argument("--format", choices=("acled", "gtd", "ged"), help="force the format")
    p.add_argument("--json", action="store_true", help="machine-readable report")
    p.set_defaults(func=cmd_convert)

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
    p.set_defaults(func=cmd_merge)
