"""``kzevents export``: the dataset in every format into one folder (or one CSV format to stdout)."""

from __future__ import annotations

import argparse
import sys

from kzevents.cli.common import EXIT_OK, STDIO, Command, Context
from kzevents.errors import UsageError
from kzevents.formats.crosswalk import available

OUTPUT_FORMATS = ("parquet", "geojson", "datapackage")  # besides each format's CSV


def arguments(p: argparse.ArgumentParser) -> None:
    formats = (*available(), *OUTPUT_FORMATS)
    p.add_argument(
        "--out",
        required=True,
        help="output folder (created if missing), or - to write one CSV --format to standard output",
    )
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


def run(ctx: Context) -> int:
    # pyarrow: imported when the command runs, not for --help
    if ctx.args.out == STDIO:
        return _to_stdout(ctx)
    from kzevents.outputs.exporter import export

    results = export(out=ctx.args.out, formats=ctx.args.format or None, actor_types=ctx.args.actor_types)
    for r in results:
        excluded = [{"event_id": e.event_id, "reason": e.reason} for e in r.excluded]
        entry = ctx.file(r.path or "", "output", format=r.format, rows=r.rows, excluded=excluded)
        if r.excluded_path:
            entry["excluded_path"] = r.excluded_path
            ctx.file(r.excluded_path, "output", format="csv", rows=len(r.excluded))
        line = f"{r.format:14} {r.rows:4} rows  {r.path}"
        if r.excluded:
            line += f"  ({len(r.excluded)} incidents left out, listed in {r.excluded_path})"
        ctx.report(line)
    return EXIT_OK


def _to_stdout(ctx: Context) -> int:
    """One CSV format streamed to standard output (what is left out is said on stderr)."""
    formats = ctx.args.format or []
    if ctx.json:
        raise UsageError("--out - and --json would both write to standard output: give one of them")
    if len(formats) != 1 or formats[0] not in available():
        raise UsageError(
            "--out - writes one CSV format to standard output: give exactly one of "
            + ", ".join(f"--format {f}" for f in available())
        )
    from kzevents.dataset.load import load
    from kzevents.outputs.writer import write_csv

    options = {"actor_types": ctx.args.actor_types} if formats[0] == "acled" else {}
    result = write_csv(load(), sys.stdout.buffer, formats[0], **options)
    sys.stdout.buffer.flush()
    excluded = [{"event_id": e.event_id, "reason": e.reason} for e in result.excluded]
    ctx.file(STDIO, "output", format=result.format, rows=result.rows, excluded=excluded)
    if result.excluded:
        ctx.note(f"{len(result.excluded)} incidents left out of {result.format} (--out DIR lists them)")
    ctx.detail(f"{result.format}: {result.rows} rows written to standard output")
    return EXIT_OK


COMMAND = Command(
    name="export",
    help="write the dataset in every format (or --format ones) into --out",
    description=(
        "Write kzevents' curated dataset as ACLED-style, GTD and UCDP GED CSV files (each checked "
        "against its JSON Schema before it is written; incidents a format's inclusion rules leave out are "
        "listed in *_excluded.csv), GeoParquet (parquet/kzevents.parquet), GeoJSON and a Frictionless "
        "datapackage.json. Files are replaced atomically; two exports of the same data are byte-identical."
    ),
    examples=(
        ("kzevents export --out dist/", "every format into dist/"),
        ("kzevents export --out dist/ --format gtd --format parquet", "two of them"),
        (
            "kzevents export --out dist/ --format acled --actor-types numeric",
            "ACLED with numeric actor codes",
        ),
        ("kzevents export --out - --format acled > acled.csv", "one CSV format to standard output"),
    ),
    arguments=arguments,
    run=run,
)
