"""``kzevents convert``: a file read into the canonical table and written as Parquet."""

from __future__ import annotations

import argparse

from kzevents.cli.common import EXIT_OK, STDIO, Command, Context, format_option, input_files
from kzevents.errors import UsageError


def arguments(p: argparse.ArgumentParser) -> None:
    input_files(p, "src", what="ACLED, GTD or UCDP GED CSV file, format and layout detected from the header")
    p.add_argument("dest", help="the Parquet file to write (replaced only once complete; never the source)")
    format_option(p)


def run(ctx: Context) -> int:
    from kzevents.outputs.converter import convert  # pyarrow: imported when the command runs

    src, dest = ctx.args.src, ctx.args.dest
    if dest == STDIO:
        raise UsageError(
            "Parquet is not written to standard output (its footer comes last): give a file name"
        )
    bar = ctx.progress(src, "converting")
    report = convert(src, dest, ctx.args.format, progress=bar)
    if bar is not None:
        bar.finish()
    normalised = dict(sorted(report.normalised.items()))
    ctx.file(src, "input", format=report.layout, rows=report.rows_in, normalised=normalised)
    ctx.file(dest, "output", format="parquet", rows=report.rows_out)
    ctx.result = report.to_dict()
    ctx.report(
        f"{src} ({report.layout}): {report.rows_in:,} data rows read, "
        f"{report.rows_out:,} events written to {dest}"
    )
    for what, n in normalised.items():
        ctx.report(f"  normalised: {what}: {n:,}")
    return EXIT_OK


COMMAND = Command(
    name="convert",
    help="read an ACLED/GTD/GED CSV into the canonical table and write Parquet",
    description=(
        "Read an ACLED, GTD or UCDP GED file (any layout, detected from the header) into kzevents' "
        "canonical table and write it as Parquet, streaming in bounded memory. Text is kept as it is "
        "(only an empty field is missing); a value that cannot be read stops the conversion with its "
        "file, row and column, and nothing is written. DEST is replaced only when the new file is "
        "complete."
    ),
    examples=(
        ("kzevents convert acled_download.csv acled.parquet", "convert one file"),
        ("kzevents convert --format gtd globalterrorismdb.csv gtd.parquet", "force the format"),
        ("kzevents convert -q --json ged.csv ged.parquet", "no output but the JSON report"),
    ),
    arguments=arguments,
    run=run,
)
