"""``kzevents merge``: events of several datasets matched, links and a de-duplicated union written."""

from __future__ import annotations

import argparse
import io
import json
from pathlib import Path
from typing import Any

from kzevents.cli.common import EXIT_OK, Command, Context, fraction, input_files, positive
from kzevents.errors import UsageError


def arguments(p: argparse.ArgumentParser) -> None:
    input_files(p, "inputs", "+", "kzevents .parquet or ACLED/GTD/GED CSV files, most trusted first")
    p.add_argument("--out", required=True, help="output folder: merged.parquet, links.parquet, summary.json")
    p.add_argument(
        "--km", type=positive(float), default=25.0, help="window in km for two town-level points (default 25)"
    )
    p.add_argument(
        "--km-near",
        type=positive(float),
        default=50.0,
        help="window in km when either point is only near a place (default 50)",
    )
    p.add_argument(
        "--days",
        type=non_negative_int,
        default=3,
        help="largest gap in days between the date intervals (default 3)",
    )
    p.add_argument(
        "--threshold",
        type=fraction,
        default=0.5,
        help="match probability a one-to-one link needs, after the competition between candidates, "
        "0-1 (default 0.5)",
    )
    p.add_argument(
        "--many-threshold",
        type=fraction,
        default=0.7,
        help="match probability an extra, one-to-many link needs, 0-1 (default 0.7)",
    )
    p.add_argument(
        "--actors",
        action="append",
        default=[],
        metavar="TOML",
        help="an actor crosswalk file added over the shipped one (repeatable)",
    )


def non_negative_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more, not {text}")
    return value


def _load_any(ctx: Context, path: str) -> Any:
    """A canonical table from a kzevents Parquet file or any ACLED/GTD/GED file (the input layer tells)."""
    from kzevents.formats.reader import read  # pyarrow and the readers: when the command runs

    bar = ctx.progress(path, "reading")
    table, report = read(path, progress=bar)
    if bar is not None:
        bar.finish()
    fmt = "parquet" if report.layout == "kzevents-parquet" else report.layout
    ctx.file(report.file or path, "input", format=fmt, rows=report.rows_in)
    return table


def run(ctx: Context) -> int:
    # pyarrow and the matcher: imported when the command runs, not for --help
    import pyarrow.parquet as pq

    from kzevents.io.atomic import atomic_write_bytes
    from kzevents.io.paths import check_not_sources, ensure_folder
    from kzevents.matching import MatchParams, merge
    from kzevents.outputs.parquet import write_parquet

    args = ctx.args
    try:
        params = MatchParams(
            km=args.km,
            km_near=args.km_near,
            days=args.days,
            threshold=args.threshold,
            many_threshold=args.many_threshold,
            actor_crosswalks=tuple(args.actors),
        )
    except ValueError as e:
        raise UsageError(f"merge: {e}") from e
    out = Path(args.out)
    targets = [out / "merged.parquet", out / "links.parquet", out / "summary.json"]
    for target in targets:  # before any work: an input must not be overwritten by an output
        check_not_sources(target, args.inputs)
    tables = [_load_any(ctx, p) for p in args.inputs]
    merged, links, summary = merge(tables, params)
    ensure_folder(out)
    write_parquet(merged, targets[0])  # the canonical GeoParquet, as export and convert write
    ctx.file(targets[0], "output", format="parquet", rows=merged.num_rows)
    buf = io.BytesIO()  # the links keep their own schema
    pq.write_table(links, buf, compression="zstd")
    atomic_write_bytes(targets[1], buf.getvalue())
    ctx.file(targets[1], "output", format="parquet", rows=links.num_rows)
    atomic_write_bytes(targets[2], (json.dumps(summary, indent=2) + "\n").encode())
    ctx.file(targets[2], "output", format="json")
    ctx.result = summary
    for d in summary["datasets"]:
        ctx.report(
            f"{d['dataset']:10} {d['rows']:8} rows  {d['linked']:7} linked  {d['collapsed']:7} collapsed  "
            f"{d['kept']:8} kept  {d['coarse']:6} coarse (never linked)"
        )
    ctx.report(f"merged: {summary['merged_rows']} events -> {targets[0]}, links -> {targets[1]}")
    return EXIT_OK


COMMAND = Command(
    name="merge",
    help="match events of two or more datasets and write links + a de-duplicated union",
    description=(
        "Match the events of two or more datasets (kzevents Parquet or ACLED, GTD, GED CSV files) on "
        "country, actors (through the actor crosswalk), what happened, fatalities, place names, distance "
        "and time relative to each side's precision, and publishers, with weights learned per dataset pair "
        "(Fellegi-Sunter, EM), and write the links (each comparison's level and weight, the match "
        "probability), the de-duplicated union (the row of the earliest input kept, every collapsed "
        "dataset:id listed in provenance) and a summary. List the most trusted dataset first."
    ),
    examples=(
        ("kzevents merge dist/kzevents.parquet acled.csv --out merged/", "our events against ACLED"),
        ("kzevents merge a.csv b.csv --km 10 --days 1 --out m/", "a tighter window"),
        ("kzevents merge a.csv b.csv --threshold 0.5 --actors mine.toml --out m/", "stricter, more actors"),
    ),
    arguments=arguments,
    run=run,
)
