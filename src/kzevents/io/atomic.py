"""The one atomic writer: every file kzevents writes goes through here.

A file is written to a temporary file in the destination's folder (so the rename cannot cross file
systems), flushed and synced to disk, given the mode a new file gets under the umask (0644 under 022) or
the mode of the file it replaces, and renamed over the destination; the folder is synced after the rename.
A failed or interrupted write removes its temporary file and leaves the previous file as it was. Only a
regular file is ever replaced: a folder, a symbolic link, a device or a pipe is refused with a message
(:func:`kzevents.io.paths.check_destination`).

Temporary files are named ``.<name>.kzevents-tmp-<pid>-<random>``: a run killed before it could clean up
(SIGKILL, power loss) leaves one behind, and the next run that writes into that folder removes those whose
process is gone.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from kzevents.errors import AccessError
from kzevents.io.paths import access_error, check_destination

TMP_MARK = ".kzevents-tmp-"
_TMP_RE = re.compile(r"^\..*" + re.escape(TMP_MARK) + r"(\d+)-[0-9a-f]+$")


def temp_name(dest: Path) -> str:
    """The name of a temporary file for ``dest`` (the name is cut so the temporary name stays short)."""
    return f".{dest.name[:100]}{TMP_MARK}{os.getpid()}-{secrets.token_hex(4)}"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # someone else's process
        return True
    return True


def stale_temp_files(folder: Path) -> list[Path]:
    """kzevents' temporary files in ``folder`` whose process has ended (left by a killed run)."""
    found = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return []
    for entry in entries:
        m = _TMP_RE.match(entry.name)
        if m is None or int(m.group(1)) == os.getpid() or _alive(int(m.group(1))):
            continue
        if entry.is_file(follow_symlinks=False):
            found.append(Path(entry.path))
    return found


def remove_stale_temp_files(folder: Path) -> list[Path]:
    """Remove what :func:`stale_temp_files` finds; returns the files removed."""
    removed = []
    for path in stale_temp_files(folder):
        with contextlib.suppress(OSError):
            path.unlink()
            removed.append(path)
    return removed


def _fsync_folder(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        with contextlib.suppress(OSError):  # some file systems cannot sync a folder
            os.fsync(fd)
    finally:
        os.close(fd)


@contextlib.contextmanager
def atomic_path(dest: str | Path) -> Iterator[Path]:
    """A temporary path beside ``dest`` for a writer that wants a path (a Parquet writer); when the block
    ends without an exception the file is synced and renamed over ``dest``, when it raises (or is
    interrupted) the temporary file is removed and ``dest`` is left as it was. The writer must have closed
    the file when the block ends. OSErrors come out as :class:`~kzevents.errors.AccessError` naming
    ``dest``."""
    dest = check_destination(dest)
    folder = dest.parent
    remove_stale_temp_files(folder)
    try:
        mode = os.stat(dest).st_mode & 0o7777 if dest.exists() else None
        tmp = folder / temp_name(dest)
        # 0o666 and the umask, as for any new file; or the mode of the file replaced
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), 0o666)
    except OSError as exc:
        raise access_error(exc, dest, "write") from None
    try:
        try:
            if mode is not None:
                os.fchmod(fd, mode)
        finally:
            os.close(fd)
        yield tmp
        fd = os.open(tmp, os.O_WRONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
        check_destination(dest)  # it may have become a folder or a link while we wrote
        os.replace(tmp, dest)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        if isinstance(exc, OSError) and not isinstance(exc, AccessError):
            raise access_error(exc, dest, "write") from exc
        raise
    _fsync_folder(folder)


@contextlib.contextmanager
def atomic_open(dest: str | Path) -> Iterator[IO[bytes]]:
    """A binary file object whose contents replace ``dest`` atomically when the block ends."""
    with atomic_path(dest) as tmp, open(tmp, "wb") as fh:
        yield fh
        fh.flush()


def atomic_write_bytes(dest: str | Path, data: bytes) -> None:
    """Write ``data`` to ``dest`` atomically."""
    with atomic_open(dest) as fh:
        fh.write(data)


def spool(stream: IO[bytes], prefix: str) -> Path:
    """A private temporary copy of a stream that cannot be read twice (standard input, a pipe), in
    ``$TMPDIR``: not an output, so it is not renamed anywhere; its owner removes it when done."""
    import shutil
    import tempfile

    fd, tmp = tempfile.mkstemp(prefix=prefix)
    try:
        with os.fdopen(fd, "wb") as out:
            shutil.copyfileobj(stream, out, 1 << 20)
    except BaseException:
        os.unlink(tmp)
        raise
    return Path(tmp)
