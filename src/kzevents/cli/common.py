"""What every command shares: how a command is declared, the option bundles, and the :class:`Context` a
command writes its results through. :mod:`kzevents.cli.runner` runs a command and turns whatever it raises
into a message and an exit code.

The conventions (README, "Command line"):

- the report (valid or not) goes to standard output; diagnostics, warnings about the run and progress go to
  standard error; ``-q`` keeps standard error to errors only and standard output to what is wrong, ``-v``
  adds details and timings on standard error;
- ``--json`` prints one JSON object on standard output, the same shape for every command and however many
  files (``schemas/cli-report.schema.json``): ``command``, ``exit_code``, ``status``, ``files`` (one entry
  per file read or written, with ``file``, ``role``, ``valid`` and ``problems``), ``result`` (what the
  command found) and ``errors`` (what stopped it), errors of every kind included;
- exit codes: 0 fine, 1 invalid data, 2 usage or environment (a missing file, a full disk...), 3 an internal
  error (a bug), 130 and 143 interrupted by SIGINT or SIGTERM;
- every command's ``--help`` has a description, examples and the exit codes;
- ``-`` is standard output where a format streams (CSV exports) and standard input where a reader takes it.

Adding a command is writing ``cli/<name>.py`` with ``COMMAND = Command(...)`` (its ``arguments`` adds the
command's own options, ``run`` takes a :class:`Context` and returns an exit code) and listing the module in
``kzevents.cli.COMMANDS``; ``tests/test_cli_conventions.py`` then checks its help and its ``--json``.
"""

from __future__ import annotations

import argparse
import json
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import attrs

from kzevents.errors import Problem

EXIT_OK, EXIT_INVALID, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3
EXIT_SIGINT, EXIT_SIGTERM = 130, 143
EXIT_CODES: tuple[tuple[int, str], ...] = (
    (EXIT_OK, "fine"),
    (EXIT_INVALID, "invalid data (the report says where: file, row, column)"),
    (EXIT_USAGE, "usage or environment: a bad option, a missing or unreadable file, a full disk..."),
    (EXIT_INTERNAL, "internal error (a bug in kzevents: please report it)"),
    (EXIT_SIGINT, "interrupted (Ctrl-C); 143 for SIGTERM: nothing half-written is left"),
)
STATUS = {EXIT_OK: "ok", EXIT_INVALID: "invalid", EXIT_USAGE: "error", EXIT_INTERNAL: "internal-error"}
STDIO = "-"


def status_of(code: int) -> str:
    return STATUS.get(code, "interrupted" if code >= 128 else "error")


@attrs.frozen
class Command:
    """One subcommand: its help texts, its own arguments and the function that runs it."""

    name: str
    help: str  # one line, in the list of commands
    description: str  # a paragraph, at the top of the command's --help
    examples: tuple[tuple[str, str], ...]  # (command line, what it does)
    arguments: Callable[[argparse.ArgumentParser], None]
    run: Callable[[Context], int]
    exit_codes: tuple[tuple[int, str], ...] = EXIT_CODES

    def epilog(self) -> str:
        lines = ["examples:"]
        for line, what in self.examples:
            lines += [f"  {line}", f"      {what}"]
        lines += ["", "exit codes:"]
        lines += [f"  {code:<4} {what}" for code, what in self.exit_codes]
        return "\n".join(lines)


def add_command(sub: Any, command: Command) -> argparse.ArgumentParser:
    """The command's parser: its arguments, the shared options, help with examples and exit codes."""
    p: argparse.ArgumentParser = sub.add_parser(
        command.name,
        help=command.help,
        description=textwrap.fill(command.description, 79),
        epilog=command.epilog(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    command.arguments(p)
    output_options(p)
    p.set_defaults(command=command)
    return p


# --- option bundles ----------------------------------------------------------------------------------


def output_options(p: argparse.ArgumentParser) -> None:
    """-q, -v and --json: every command takes them."""
    g = p.add_argument_group("output")
    g.add_argument(
        "--json", action="store_true", help="one JSON object on stdout (schemas/cli-report.schema.json)"
    )
    loud = g.add_mutually_exclusive_group()
    loud.add_argument("-q", "--quiet", action="store_true", help="print only what is wrong; no progress")
    loud.add_argument("-v", "--verbose", action="store_true", help="more detail and timings on stderr")


def format_option(p: argparse.ArgumentParser) -> None:
    """--format F, for commands that read a dataset file (detected from the header otherwise)."""
    # the plugin registry: imported here, when the parser is built, as the formats' names are needed
    from kzevents.formats.crosswalk import available

    p.add_argument(
        "--format", choices=available(), help="the file's format (default: detected from its header)"
    )


def date_order_option(p: argparse.ArgumentParser) -> None:
    """--date-order dmy|mdy: the day/month order of slash dates (4/1/2025), when the file cannot tell."""
    p.add_argument(
        "--date-order",
        choices=("dmy", "mdy"),
        help="order of slash dates such as 4/1/2025 (default: decided from the file; asked for when the "
        "file cannot tell)",
    )


def input_files(p: argparse.ArgumentParser, name: str, nargs: str | None = None, what: str = "") -> None:
    """Positional input file argument(s); ``-`` is standard input."""
    p.add_argument(name, nargs=nargs, help=(what or "input file") + " (- for standard input)")


def positive(kind: Callable[[str], Any]) -> Callable[[str], Any]:
    """An argparse type: a number above zero."""

    def parse(text: str) -> Any:
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
        if not value > 0:
            raise argparse.ArgumentTypeError(f"must be more than 0, not {text}")
        return value

    parse.__name__ = kind.__name__
    return parse


def fraction(text: str) -> float:
    """An argparse type: a number from 0 to 1."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not 0 <= value <= 1:
        raise argparse.ArgumentTypeError(f"must be between 0 and 1, not {text}")
    return value


# --- what a command writes through ----------------------------------------------------------------------


@attrs.define
class Context:
    """A running command: its arguments, where its report and diagnostics go, and what it found (the
    ``files``, ``result`` and ``errors`` of its JSON report)."""

    args: argparse.Namespace
    command: str
    files: list[dict[str, Any]] = attrs.field(factory=list)
    result: dict[str, Any] | None = None
    errors: list[Problem] = attrs.field(factory=list)
    bars: list[Any] = attrs.field(factory=list)

    @property
    def json(self) -> bool:
        return bool(getattr(self.args, "json", False))

    @property
    def quiet(self) -> bool:
        return bool(getattr(self.args, "quiet", False))

    @property
    def verbose(self) -> bool:
        return bool(getattr(self.args, "verbose", False))

    def report(self, text: str, wrong: bool = False) -> None:
        """A line of the report on stdout (none with --json; with -q only what is ``wrong``)."""
        if self.json or (self.quiet and not wrong):
            return
        self.close_bars()
        sys.stdout.write(text + "\n")
        sys.stdout.flush()

    def note(self, text: str) -> None:
        """A diagnostic on stderr (none with -q)."""
        if not self.quiet:
            self.close_bars()
            sys.stderr.write(f"kzevents: {text}\n")

    def detail(self, text: str) -> None:
        """A detail on stderr, with -v only."""
        if self.verbose:
            self.close_bars()
            sys.stderr.write(f"kzevents: {text}\n")

    def error(self, problem: Problem) -> None:
        """Something that stopped (part of) the command: on stderr, and in the JSON report's errors."""
        self.errors.append(problem)
        self.close_bars()
        sys.stderr.write(f"kzevents: error: {_text(problem)}\n")

    def file(self, file: str | Path, role: str, valid: bool | None = True, **more: Any) -> dict[str, Any]:
        """Add an entry to the report's ``files`` (``role`` is "input" or "output")."""
        entry: dict[str, Any] = {"file": str(file), "role": role, "valid": valid, "problems": []}
        entry.update(more)
        self.files.append(entry)
        return entry

    def progress(self, path: str | Path, label: str) -> Any:
        """A progress bar for reading ``path`` (a callback ``(rows, bytes)``), or None: only on a terminal,
        never with -q or --json."""
        if self.quiet or self.json or not sys.stderr.isatty():
            return None
        from kzevents.cli.progress import Bar  # tqdm: imported only when a bar is shown

        bar = Bar(path, label)
        self.bars.append(bar)
        return bar

    def close_bars(self) -> None:
        for bar in self.bars:
            bar.close()
        self.bars.clear()

    def envelope(self, code: int) -> dict[str, Any]:
        from kzevents._version import __version__

        return {
            "kzevents": __version__,
            "command": self.command,
            "exit_code": code,
            "status": status_of(code),
            "files": self.files,
            "result": self.result,
            "errors": [p.to_dict() for p in self.errors],
        }


def _text(problem: Problem) -> str:
    return problem.message if problem.file is None else f"{problem.location()}: {problem.message}"


def print_json(obj: Any) -> None:
    sys.stdout.write(json.dumps(obj, indent=2, ensure_ascii=False, default=str) + "\n")
    sys.stdout.flush()
