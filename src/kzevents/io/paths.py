"""Files and folders as a user names them: checked before any work starts, and the operating system's errors
turned into one clear message each (the path, what is wrong, what to do) instead of a traceback.

Every message is an :class:`~kzevents.errors.AccessError` (exit code 2: a problem of the environment, not
of the data).
"""

from __future__ import annotations

import errno as E
import os
import re
import stat
from collections.abc import Iterable
from pathlib import Path

from kzevents.errors import AccessError

STDIO = "-"  # standard input as a source, standard output as a destination

# errno -> (what is wrong, what to do)
_WHY: dict[int, tuple[str, str]] = {
    E.ENOENT: ("no such file or folder", "check the path"),
    E.EACCES: ("permission denied", "check its permissions, or choose another place"),
    E.EPERM: ("operation not permitted", "check its permissions, or choose another place"),
    E.EROFS: ("the file system is read-only", "write somewhere else"),
    E.ENOSPC: ("no space left on the device", "free some space, or write somewhere else"),
    E.EDQUOT: ("disk quota exceeded", "free some space, or write somewhere else"),
    E.EFBIG: ("file too large for this file system", "write somewhere else"),
    E.ENAMETOOLONG: ("file name too long", "choose a shorter name"),
    E.ENOTDIR: ("a part of the path is a file, not a folder", "check the path"),
    E.EISDIR: ("is a folder, not a file", "give a file name"),
    E.ELOOP: ("too many levels of symbolic links", "check the path"),
    E.EIO: ("input/output error", "the device may be failing; try another place"),
    E.ETXTBSY: ("the file is busy", "close the program using it"),
}


def errno_of(exc: BaseException) -> int | None:
    """The errno of an OSError, also when pyarrow only wrote it into the message ("[errno 28] ...")."""
    number = getattr(exc, "errno", None)
    if isinstance(number, int):
        return number
    found = re.search(r"errno[ =]?(\d+)", str(exc), re.IGNORECASE)
    return int(found.group(1)) if found else None


def access_error(exc: BaseException, path: str | Path, doing: str) -> AccessError:
    """The OSError ``exc`` met while trying to ``doing`` ("read", "write") ``path`` as an AccessError."""
    if isinstance(exc, AccessError):
        return exc
    number = errno_of(exc)
    what, hint = _WHY.get(number or -1, (getattr(exc, "strerror", None) or str(exc), ""))
    return AccessError(path, f"cannot {doing}: {what}", hint, number)


def _kind(mode: int) -> str:
    for test, name in (
        (stat.S_ISDIR, "a folder"),
        (stat.S_ISLNK, "a symbolic link"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISFIFO, "a named pipe (FIFO)"),
        (stat.S_ISSOCK, "a socket"),
    ):
        if test(mode):
            return name
    return "not a regular file"


def check_source(path: str | Path) -> Path:
    """A file to read: it exists, is a file (or a pipe or device, read as a stream) and can be opened."""
    p = Path(path)
    if str(path) == STDIO:  # the input layer (sources, containers, stdin) is where it will be read
        raise AccessError("-", "standard input cannot be read yet", "give a file name")
    try:
        st = p.stat()
    except FileNotFoundError:
        raise AccessError(p, "no such file", "check the name") from None
    except OSError as exc:
        raise access_error(exc, p, "read") from None
    if stat.S_ISDIR(st.st_mode):
        raise AccessError(p, "is a folder, not a file", "give the file inside it", E.EISDIR)
    try:
        with open(p, "rb"):
            pass
    except OSError as exc:
        raise AccessError(
            p,
            "cannot be read: " + _WHY.get(exc.errno or -1, (str(exc), ""))[0],
            "check its permissions",
            exc.errno,
        ) from None
    return p


def same_file(a: str | Path, b: str | Path) -> bool:
    """Whether two paths are one file (also through links); False when either does not exist."""
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def check_not_sources(dest: str | Path, sources: Iterable[str | Path]) -> None:
    """A destination must not be one of the sources (it would be replaced while, or before, it is read)."""
    for src in sources:
        if str(src) != STDIO and same_file(src, dest):
            raise AccessError(
                dest, f"is the source file {src} itself", "give another destination: the source would be lost"
            )


def check_destination(dest: str | Path) -> Path:
    """A file to (re)place atomically: its folder exists and is a folder, and it is a regular file or
    absent (a folder, a symbolic link, a device or a pipe is never replaced)."""
    p = Path(dest)
    if str(dest) == STDIO:
        raise AccessError(p, "this output cannot go to standard output", "give a file name")
    try:
        st = os.lstat(p)
    except FileNotFoundError:
        st = None
    except OSError as exc:
        raise access_error(exc, p, "write") from None
    if st is not None and not stat.S_ISREG(st.st_mode):
        kind = _kind(st.st_mode)
        hint = "give a file name" if kind == "a folder" else "kzevents only replaces regular files; "
        if kind == "a symbolic link":
            hint += "give the link's target, or another name"
        elif kind != "a folder":
            hint += "to write to standard output give -, where the format allows it"
        raise AccessError(p, f"is {kind}", hint)
    folder = p.parent
    try:
        fst = folder.stat()
    except FileNotFoundError:
        raise AccessError(
            p, f"its folder {folder} does not exist", "create it first, or choose another place"
        ) from None
    except NotADirectoryError:
        raise AccessError(
            p, "a part of the path is a file, not a folder", "check the path", E.ENOTDIR
        ) from None
    except OSError as exc:
        raise access_error(exc, p, "write") from None
    if not stat.S_ISDIR(fst.st_mode):
        raise AccessError(p, f"{folder} is a file, not a folder", "check the path", E.ENOTDIR)
    try:
        limit = os.pathconf(folder, "PC_NAME_MAX")
    except (OSError, ValueError):
        limit = 255
    if len(os.fsencode(p.name)) > limit:
        raise AccessError(
            p, f"file name too long (more than {limit} bytes)", "choose a shorter name", E.ENAMETOOLONG
        )
    return p


def ensure_folder(path: str | Path) -> Path:
    """A folder to write into, created (with its parents) when missing; a file in the way is an error."""
    p = Path(path)
    if str(path) == STDIO:
        raise AccessError(p, "a folder is needed here, not standard output", "give a folder")
    if p.exists() and not p.is_dir():
        raise AccessError(p, "is a file, not a folder", "give a folder; it is created if missing", E.ENOTDIR)
    try:
        p.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise AccessError(
            p, "a part of the path is a file, not a folder", "check the path", E.ENOTDIR
        ) from None
    except OSError as exc:
        raise access_error(exc, p, "create the folder") from None
    return p
