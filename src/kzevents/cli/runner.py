"""Running a command: signals, the exceptions a command may raise turned into one message and one exit
code each (never a traceback for a user's mistake), and the JSON report.

=========================================  =====  ==============================================
raised                                     exit   printed
=========================================  =====  ==============================================
``DataError`` (invalid data)               1      every problem: file, row, column, value, rule
``AccessError`` / ``UsageError``           2      the file and what to do
``MissingDependency`` (an extra)           2      the line that installs it
``OSError`` not caught below               2      the file and the system's reason
SIGINT (Ctrl-C), SIGTERM                   130,   "interrupted"; ``finally`` blocks have run, so
                                           143    no temporary file is left and DEST is intact
a closed standard output (``| head``)      141    nothing (as a tool killed by SIGPIPE)
anything else                              3      "internal error" and the traceback (a bug)
=========================================  =====  ==============================================
"""

from __future__ import annotations

import contextlib
import gc
import os
import signal
import sys
import threading
import time
import traceback
from collections.abc import Iterator
from types import FrameType

from kzevents.cli.common import EXIT_INTERNAL, EXIT_INVALID, EXIT_USAGE, Command, Context, print_json
from kzevents.errors import AccessError, DataError, Interrupted, MissingDependency, Problem, UsageError

EXIT_PIPE = 128 + 13


@contextlib.contextmanager
def stop_on_signals() -> Iterator[None]:
    """SIGINT and SIGTERM raise :class:`Interrupted` in the main thread (SIGTERM would otherwise end the
    process at once, skipping every clean-up). Signals after the first are ignored while the clean-up runs;
    the previous handlers come back at the end."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    first: list[int] = []

    def handler(signum: int, frame: FrameType | None) -> None:
        if first:  # cleaning up after the first: let it finish
            return
        first.append(signum)
        raise Interrupted(signum, signal.Signals(signum).name)

    old = {s: signal.signal(s, handler) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for s, h in old.items():
            signal.signal(s, h)


def run(command: Command, args: object) -> int:
    """Run ``command`` with its parsed ``args``; returns the exit code."""
    ctx = Context(args, command.name)  # type: ignore[arg-type]
    started = time.monotonic()
    code = EXIT_INTERNAL
    try:
        with stop_on_signals():
            try:
                code = command.run(ctx)
            finally:
                ctx.close_bars()
    except DataError as exc:
        code = EXIT_INVALID
        _data_error(ctx, exc)
    except (UsageError, AccessError) as exc:
        code = EXIT_USAGE
        ctx.error(exc.problem())
    except MissingDependency as exc:  # an extra that is not installed: the message is how to install it
        code = EXIT_USAGE
        ctx.error(Problem("missing-dependency", str(exc)))
    except Interrupted as exc:
        code = exc.exit_code
        ctx.errors.append(Problem("interrupted", f"stopped by {exc.name}; nothing half-written was left"))
        sys.stderr.write(f"\nkzevents: interrupted ({exc.name})\n")
    except KeyboardInterrupt:
        code = 130
        ctx.errors.append(Problem("interrupted", "stopped by SIGINT; nothing half-written was left"))
        sys.stderr.write("\nkzevents: interrupted\n")
    except BrokenPipeError:
        # the reader of our output went away (`kzevents export --out - | head`): stop quietly
        with contextlib.suppress(OSError):
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        return EXIT_PIPE
    except MemoryError:
        code = EXIT_USAGE
        ctx.error(Problem("memory", "out of memory: close other programs, or split the input"))
    except OSError as exc:
        code = EXIT_USAGE
        name = exc.filename or "<file>"
        ctx.error(Problem("access", f"{exc.strerror or exc}", str(name)))
    except Exception as exc:  # a bug: say so, with the traceback to report
        code = EXIT_INTERNAL
        ctx.errors.append(Problem("internal", f"{type(exc).__name__}: {exc}"))
        sys.stderr.write("kzevents: internal error (a bug in kzevents; please report it with this):\n")
        traceback.print_exc(file=sys.stderr)
    # Arrow can abort the interpreter at exit when a Python-backed stream (an xz file, a zip member) is still
    # referenced by one of its threads (apache/arrow#34314): collect them while Arrow lives. The command has
    # ended: a signal now finds its outputs in place (the console entry point ignores it)
    gc.collect()
    ctx.detail(f"{command.name} took {time.monotonic() - started:.2f} s{_memory()}, exit code {code}")
    if ctx.json:
        print_json(ctx.envelope(code))
    return code


def _memory() -> str:
    """The process's peak memory and Arrow's allocator (cli.prefer_jemalloc), for -v; "" where unknown."""
    try:
        import resource
    except ImportError:  # (Windows)
        return ""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux, bytes on macOS
    mb = peak / (1 << 20) if sys.platform == "darwin" else peak / (1 << 10)
    pyarrow = sys.modules.get("pyarrow")
    pool = f" ({pyarrow.default_memory_pool().backend_name} allocator)" if pyarrow is not None else ""
    return f", peak memory {mb:.0f} MB{pool}"


def _data_error(ctx: Context, exc: DataError) -> None:
    """Invalid data that stopped the command: each file it names gets its problems in ``files``."""
    by_file: dict[str, list[Problem]] = {}
    for p in exc.problems:
        by_file.setdefault(p.file or "<input>", []).append(p)
    for file, problems in by_file.items():
        entry = next((f for f in ctx.files if f["file"] == file and f["role"] == "input"), None)
        if entry is None:
            entry = ctx.file(file, "input", valid=False)
        entry["valid"] = False
        entry["problems"] = [p.to_dict() for p in problems]
    if not exc.problems:
        ctx.errors.append(Problem("invalid", str(exc)))
    ctx.close_bars()
    sys.stderr.write(f"kzevents: {exc}\n")
