"""``kzevents validate``: files checked against their format's JSON Schema and rules."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from kzevents.cli.common import EXIT_INVALID, EXIT_OK
from kzevents.cli.progress import terminal_progress
from kzevents.formats.crosswalk import available


def register(sub: Any) -> None:
    p = sub.add_parser("validate", help="check CSV files against their format's JSON Schema and rules")
    p.add_argument("files", nargs="+", help="CSV files (format detected from the header)")
    p.add_argument("--format", choices=available(), help="force the format")
    p.add_argument("--json", action="store_true", help="machine-readable report")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from kzevents.formats.check import validate_file  # pyarrow: imported when the command runs

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
    return EXIT_OK if all(r.valid for r in reports) else EXIT_INVALID
