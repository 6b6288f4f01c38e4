"""``kzevents validate``: files checked against their format's JSON Schema and rules."""

from __future__ import annotations

import argparse

from kzevents.cli.common import (
    EXIT_INVALID,
    EXIT_OK,
    EXIT_USAGE,
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
        "files",
        "+",
        "ACLED, GTD or UCDP GED file(s): CSV (also compressed or zipped), .xlsx, JSON or kzevents Parquet; "
        "format and layout detected from the header",
    )
    format_option(p)
    date_order_option(p)


def run(ctx: Context) -> int:
    from kzevents.formats.check import validate_file  # pyarrow: imported when the command runs

    worst = EXIT_OK
    for path in ctx.args.files:
        bar = ctx.progress(path, "validating")
        try:
            report = validate_file(path, ctx.args.format, progress=bar, date_order=ctx.args.date_order)
        except UsageError as exc:  # a file that cannot be read: said, and the next file is checked
            problem = exc.problem()
            ctx.error(problem)
            ctx.file(path, "input", valid=False, problems=[problem.to_dict()])
            worst = max(worst, EXIT_USAGE)
            continue
        if bar is not None:
            bar.finish()
        ctx.files.append({"role": "input", **report.to_dict()})
        ctx.report(str(report), wrong=not report.valid)
        if not report.valid:
            worst = max(worst, EXIT_INVALID)
    return worst


COMMAND = Command(
    name="validate",
    help="check CSV files against their format's JSON Schema and rules",
    description=(
        "Check ACLED, GTD and UCDP GED files (any layout, detected from the header) against the format's "
        "JSON Schema, its cross-field rules, duplicate identifiers, cells a spreadsheet would run as a "
        "formula, NUL bytes and oversized cells. Every file given is checked, and every problem is "
        "reported with its file, row, column, value and rule; the exit code is the worst of the files'."
    ),
    examples=(
        ("kzevents validate dist/kzevents_acled.csv", "check one export"),
        ("kzevents validate -q acled_*.csv gtd.csv", "check many files, print only those with problems"),
        ("kzevents validate --json download.csv > report.json", "a machine-readable report"),
    ),
    arguments=arguments,
    run=run,
    exit_codes=(
        (0, "every file is valid (warnings are listed but do not count)"),
        (1, "some file has problems"),
        (2, "some file cannot be read (missing, a folder, no permission); the others are still checked"),
        (3, "internal error (a bug in kzevents: please report it)"),
        (130, "interrupted (Ctrl-C); 143 for SIGTERM"),
    ),
)
