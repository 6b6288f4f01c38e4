"""``kzevents convert``: a file read into the canonical table and written as Parquet."""

from __future__ import annotations

import argparse

from kzevents.cli.common import (
    EXIT_OK,
    STDIO,
    Command,
    Context,
    date_order_option,
    format_option,
    input_files,
)
from kzevents.errors import UsageError


def arguments(p: argparse.ArgumentParser) -> None:
    input_files(
        p,
        "src",
        what="ACLED, GTD or UCDP GED file: CSV (also .gz, .bz2, .xz, .zst, .zip), .xlsx (path.xlsx::SHEET), "
        "JSON; format and layout detected from the header",
    )
    p.add_argument("dest", help="the Parquet file to write (replaced only once complete; never the source)")
    format_option(p)
    date_order_option(p)
    p.add_argument(
        "--skip-invalid",
        action="store_true",
        help="write the readable rows and list every other row, with its row, line, reasons and text, in "
        "DEST.rejected.csv beside DEST (out.parquet -> out.rejected.csv)",
    )


def run(ctx: Context) -> int:
    from kzevents.outputs.converter import convert, rejected_path  # pyarrow: when the command runs

    src, dest = ctx.args.src, ctx.args.dest
    if dest == STDIO:
        raise UsageError(
            "Parquet is not written to standard output (its footer comes last): give a file name"
        )
    bar = ctx.progress(src, "converting")
    skip = bool(ctx.args.skip_invalid)
    report = convert(
        src, dest, ctx.args.format, progress=bar, skip_invalid=skip, date_order=ctx.args.date_order
    )
    if bar is not None:
        bar.finish()
    normalised = dict(sorted(report.normalised.items()))
    ctx.file(
        report.file or src,
        "input",
        format=report.layout,
        rows=report.rows_in,
        rejected=report.rows_rejected,
        normalised=normalised,
    )
    ctx.file(dest, "output", format="parquet", rows=report.rows_out)
    if skip:
        ctx.file(rejected_path(dest), "output", format="csv", rows=report.rows_rejected)
    ctx.result = report.to_dict()
    ctx.report(
        f"{report.file or src} ({report.layout}): {report.rows_in:,} data rows read, "
        f"{report.rows_out:,} events written to {dest}"
    )
    if skip:
        ctx.report(
            f"  rejected: {report.rows_rejected:,} row(s) that cannot be read, "
            f"listed in {rejected_path(dest)}",
            wrong=report.rows_rejected > 0,
        )
    for what, n in normalised.items():
        ctx.report(f"  normalised: {what}: {n:,}")
    return EXIT_OK


COMMAND = Command(
    name="convert",
    help="read an ACLED/GTD/GED file (CSV, xlsx, JSON, zipped...) into the canonical table, write Parquet",
    description=(
        "Read an ACLED, GTD or UCDP GED file (any layout, detected from the header; CSV, also gzip, "
        "bzip2, xz, zstd or zip compressed, an .xlsx workbook, the ACLED or UCDP API's JSON, JSON Lines, "
        "or - for standard input) into kzevents' canonical table and write it as Parquet, streaming in "
        "bounded memory. Text is kept as it is (only an empty field is missing); a value that cannot be "
        "read stops the conversion with its file, row and column, and nothing is written, unless "
        "--skip-invalid lists such rows in DEST.rejected.csv instead. DEST is replaced only when the new "
        "file is complete."
    ),
    examples=(
        ("kzevents convert acled_download.csv acled.parquet", "convert one file"),
        ("kzevents convert --format gtd globalterrorismdb.csv gtd.parquet", "force the format"),
        ("kzevents convert -q --json ged.csv ged.parquet", "no output but the JSON report"),
        ("kzevents convert globalterrorismdb_0522dist.xlsx gtd.parquet", "GTD's workbook, first sheet"),
        ("kzevents convert ged231-csv.zip ged.parquet", "the CSV inside UCDP's zip"),
        ("curl -s URL | kzevents convert - acled.parquet", "the ACLED API's JSON from standard input"),
        ("kzevents convert --skip-invalid cut.csv out.parquet", "keep the readable rows; out.rejected.csv"),
    ),
    arguments=arguments,
    run=run,
)
