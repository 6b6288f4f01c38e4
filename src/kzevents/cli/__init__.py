"""The command line: a thin shell over the library, one module per command.

Exit codes: 0 fine, 1 invalid data, 2 usage error. Each command module registers its arguments and imports
the library (and pyarrow) only when it runs, so ``kzevents --help`` stays fast.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

from kzevents._version import DATASET_VERSION, __version__
from kzevents.cli import convert, export, info, merge, plot, validate
from kzevents.cli.common import EXIT_INVALID, EXIT_OK, EXIT_USAGE, print_json
from kzevents.errors import DataError, KzeventsError, UsageError

COMMANDS = (info, export, validate, convert, merge, plot)

__all__ = ["EXIT_INVALID", "EXIT_OK", "EXIT_USAGE", "build_parser", "main"]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kzevents",
        description="Curated dataset of the 2011-2012 militant violence in Kazakhstan: "
        "summary, exports in ACLED/GTD/GED/Parquet formats, validation and merging.",
    )
    parser.add_argument(
        "--version", action="version", version=f"kzevents {__version__} (dataset {DATASET_VERSION})"
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for command in COMMANDS:
        command.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    func: Callable[[argparse.Namespace], int] | None = getattr(args, "func", None)
    if func is None:
        parser.print_help()
        return EXIT_USAGE
    try:
        return func(args)
    except DataError as exc:
        if getattr(args, "json", False):
            print_json({"valid": False, "problems": [p.to_dict() for p in exc.problems]})
        else:
            print(f"kzevents: {exc}", file=sys.stderr)
        return EXIT_INVALID
    except UsageError as exc:
        print(f"kzevents: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KzeventsError as exc:
        print(f"kzevents: error: {exc}", file=sys.stderr)
        return EXIT_INVALID
    except KeyboardInterrupt:
        print("kzevents: interrupted", file=sys.stderr)
        return 130
