"""The command line: a thin shell over the library.

Exit codes: 0 fine, 1 invalid data, 2 usage error. Heavy modules (pyarrow) are imported inside the
command that needs them, so ``kzevents --help`` stays fast.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from typing import Any

from kzevents._version import __version__
from kzevents.errors import DataError, KzeventsError, UsageError

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2


def _print_json(obj: Any) -> None:
    sys.stdout.write(json.dumps(obj, indent=2, ensure_ascii=False, default=str) + "\n")


def cmd_info(args: argparse.Namespace) -> int:
    from kzevents.summary import format_info, info

    d = info()
    if args.json:
        _print_json(d)
    else:
        print(format_info(d))
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kzevents",
        description="Curated dataset of the 2011-2012 militant violence in Kazakhstan: "
        "summary, exports in ACLED/GTD/GED/Parquet formats, validation and merging.",
    )
    parser.add_argument("--version", action="version", version=f"kzevents {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser(
        "info", help="summarise the curated dataset (incidents, fatalities, sources, conflicts)"
    )
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(func=cmd_info)

    _register_more(sub)
    return parser


def _register_more(sub: Any) -> None:
    """Commands defined in other modules (kept importable without pyarrow)."""
    from kzevents import cli_commands

    cli_commands.register(sub)


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
            _print_json({"valid": False, "problems": [p.to_dict() for p in exc.problems]})
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
