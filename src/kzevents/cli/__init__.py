"""The command line: a thin shell over the library, one module per command.

Each command module declares ``COMMAND`` (:class:`kzevents.cli.common.Command`); :mod:`kzevents.cli.runner`
runs it, turning whatever it raises into one message and an exit code (0 fine, 1 invalid data, 2 usage or
environment, 3 internal error, 130/143 interrupted). Command modules import the library (and pyarrow) only
when they run, so ``kzevents --help`` stays fast.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
from collections.abc import MutableMapping, Sequence

from kzevents._version import DATASET_VERSION, __version__
from kzevents.cli import completion, convert, export, info, merge, plot, validate
from kzevents.cli.common import (
    EXIT_INTERNAL,
    EXIT_INVALID,
    EXIT_OK,
    EXIT_USAGE,
    Command,
    Context,
    add_command,
    print_json,
)
from kzevents.cli.runner import run
from kzevents.errors import Problem

COMMANDS = (info, export, validate, convert, merge, plot, completion)  # modules with a COMMAND

__all__ = [
    "ARROW_ALLOCATOR",
    "COMMANDS",
    "EXIT_INTERNAL",
    "EXIT_INVALID",
    "EXIT_OK",
    "EXIT_USAGE",
    "build_parser",
    "console",
    "main",
    "prefer_jemalloc",
]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kzevents",
        description="Curated dataset of the 2011-2012 militant violence in Kazakhstan: "
        "summary, exports in ACLED/GTD/GED/Parquet formats, validation and merging.",
        epilog="Each command has its own --help with examples and exit codes.",
    )
    parser.add_argument(
        "--version", action="version", version=f"kzevents {__version__} (dataset {DATASET_VERSION})"
    )
    sub = parser.add_subparsers(dest="command_name", metavar="COMMAND")
    for module in COMMANDS:
        add_command(sub, module.COMMAND)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    words = list(sys.argv[1:] if argv is None else argv)
    try:
        args = parser.parse_args(words)  # a usage error exits 2 here, with argparse's message on stderr
    except SystemExit as exc:
        if exc.code not in (0, None) and "--json" in words:  # ... and the JSON report says so too
            ctx = Context(argparse.Namespace(json=True), words[0] if words else "")
            ctx.errors.append(Problem("usage", "invalid arguments (see the message on stderr)"))
            print_json(ctx.envelope(EXIT_USAGE))
        raise
    command: Command | None = getattr(args, "command", None)
    if command is None:
        parser.print_help()
        return EXIT_USAGE
    return run(command, args)


def console() -> int:
    """The program's entry point (the ``kzevents`` script, ``python -m kzevents``): :func:`main` with SIGINT
    and SIGTERM ignored outside the command itself. While a command runs, :mod:`kzevents.cli.runner` stops it
    cleanly on either (exit 130/143); once it has finished and its outputs are in place, a late signal has
    nothing left to interrupt, and would otherwise kill the interpreter while it shuts down."""
    for s in (signal.SIGINT, signal.SIGTERM):
        signal.signal(s, signal.SIG_IGN)
    prefer_jemalloc(os.environ)
    return main()


# Arrow's allocator, chosen once, on its first allocation, from this variable (its values: "mimalloc",
# the default, "jemalloc", "system")
ARROW_ALLOCATOR = "ARROW_DEFAULT_MEMORY_POOL"


def prefer_jemalloc(environ: MutableMapping[str, str], platform: str = sys.platform) -> bool:
    """Ask for Arrow's jemalloc allocator in this process, on Linux, unless the user chose an allocator
    (``ARROW_DEFAULT_MEMORY_POOL``) or pyarrow is already loaded; returns whether it asked.

    Streaming keeps Arrow's live memory small (30-70 MB for the 1M-row ACLED file), but mimalloc, Arrow's
    default, holds on to each thread's freed pages. Peak memory, five interleaved runs each (issue #17):
    ``validate`` 273-291 MB with mimalloc, 218-225 MB with jemalloc; ``convert`` 302-326 and 260-298 MB;
    the same times. Only the command line chooses, for its own process: a program that imports kzevents
    keeps its allocator. The pip wheels carry jemalloc on Linux only; a pyarrow built without it says so
    on stderr and keeps its default (``ARROW_DEFAULT_MEMORY_POOL=mimalloc`` silences it)."""
    if platform != "linux" or ARROW_ALLOCATOR in environ or "pyarrow" in sys.modules:
        return False
    environ[ARROW_ALLOCATOR] = "jemalloc"
    return True
