"""The one atomic writer (kzevents.io.atomic): mode from the umask or the replaced file, fsync, no temporary
file left, only regular files replaced, stale temporary files of killed runs removed, clear messages."""

from __future__ import annotations

import errno
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from kzevents.errors import AccessError, UsageError
from kzevents.io import atomic
from kzevents.io.atomic import TMP_MARK, atomic_open, atomic_path, atomic_write_bytes, stale_temp_files
from kzevents.io.paths import check_destination, ensure_folder

ROOT_USER = os.geteuid() == 0


@pytest.fixture
def umask022() -> object:
    old = os.umask(0o022)
    yield
    os.umask(old)


def test_new_file_gets_the_umask_mode(tmp_path: Path, umask022: object) -> None:
    atomic_write_bytes(tmp_path / "a.csv", b"x\n")
    assert (tmp_path / "a.csv").stat().st_mode & 0o777 == 0o644
    os.umask(0o027)
    atomic_write_bytes(tmp_path / "b.csv", b"x\n")
    assert (tmp_path / "b.csv").stat().st_mode & 0o777 == 0o640


def test_replaced_file_keeps_its_mode(tmp_path: Path, umask022: object) -> None:
    dest = tmp_path / "a.csv"
    dest.write_bytes(b"old\n")
    dest.chmod(0o664)
    atomic_write_bytes(dest, b"new\n")
    assert dest.read_bytes() == b"new\n" and dest.stat().st_mode & 0o777 == 0o664


def test_written_data_is_synced_before_the_rename(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    events: list[str] = []
    real_fsync, real_replace = os.fsync, os.replace
    monkeypatch.setattr(atomic.os, "fsync", lambda fd: (events.append("fsync"), real_fsync(fd))[1])
    monkeypatch.setattr(atomic.os, "replace", lambda a, b: (events.append("replace"), real_replace(a, b))[1])
    atomic_write_bytes(tmp_path / "a.csv", b"x")
    assert events[:2] == ["fsync", "replace"]  # the file's data, then the rename (then the folder)


def test_failure_leaves_the_previous_file_and_no_temporary(tmp_path: Path) -> None:
    dest = tmp_path / "a.csv"
    dest.write_bytes(b"previous\n")
    with pytest.raises(RuntimeError), atomic_open(dest) as fh:
        fh.write(b"half")
        raise RuntimeError("boom")
    assert dest.read_bytes() == b"previous\n"
    assert [p.name for p in tmp_path.iterdir()] == ["a.csv"]


def test_interrupt_leaves_the_previous_file_and_no_temporary(tmp_path: Path) -> None:
    dest = tmp_path / "a.csv"
    dest.write_bytes(b"previous\n")
    with pytest.raises(KeyboardInterrupt), atomic_open(dest) as fh:
        fh.write(b"half")
        raise KeyboardInterrupt
    assert dest.read_bytes() == b"previous\n" and len(list(tmp_path.iterdir())) == 1


def test_full_disk_is_one_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    dest = tmp_path / "a.parquet"
    dest.write_bytes(b"previous")
    with pytest.raises(AccessError) as exc, atomic_path(dest):
        # what pyarrow raises when the disk fills (the errno only in the message)
        raise OSError("Error writing bytes to file. Detail: [errno 28] No space left on device")
    assert str(dest) in str(exc.value) and "no space left" in str(exc.value)
    assert "free some space" in str(exc.value) and exc.value.errno == errno.ENOSPC
    assert isinstance(exc.value, OSError) and isinstance(exc.value, UsageError)
    assert dest.read_bytes() == b"previous" and len(list(tmp_path.iterdir())) == 1


@pytest.mark.parametrize(
    ("make", "word"),
    [
        (lambda p: p.mkdir(), "is a folder"),
        (lambda p: p.symlink_to(p.parent / "target"), "symbolic link"),
        (lambda p: os.mkfifo(p), "named pipe"),
    ],
)
def test_only_regular_files_are_replaced(tmp_path: Path, make: object, word: str) -> None:
    (tmp_path / "target").write_bytes(b"target\n")
    dest = tmp_path / "dest"
    make(dest)  # type: ignore[operator]
    with pytest.raises(AccessError) as exc:
        atomic_write_bytes(dest, b"x")
    assert str(dest) in str(exc.value) and word in str(exc.value)
    assert (tmp_path / "target").read_bytes() == b"target\n"
    assert not any(TMP_MARK in p.name for p in tmp_path.iterdir())


def test_socket_and_device_are_refused(tmp_path: Path) -> None:
    with pytest.raises(AccessError, match="character device"):
        check_destination("/dev/null")
    sock = socket.socket(socket.AF_UNIX)
    path = tmp_path / "s"
    sock.bind(str(path))
    try:
        with pytest.raises(AccessError, match="socket"):
            atomic_write_bytes(path, b"x")
    finally:
        sock.close()


def test_dev_stdout_is_never_replaced() -> None:
    """Writing to /dev/stdout as root once replaced the device link with a file."""
    before = os.lstat("/dev/stdout")
    with pytest.raises(AccessError):
        atomic_write_bytes("/dev/stdout", b"x")
    assert os.lstat("/dev/stdout") == before


@pytest.mark.parametrize(
    ("dest", "word"),
    [
        ("missing/a.csv", "does not exist"),
        ("file.txt/a.csv", "is a file, not a folder"),
        ("x" * 300 + ".csv", "too long"),
    ],
)
def test_bad_destinations(tmp_path: Path, dest: str, word: str) -> None:
    (tmp_path / "file.txt").write_bytes(b"a file\n")
    with pytest.raises(AccessError) as exc:
        atomic_write_bytes(tmp_path / dest, b"x")
    assert word in str(exc.value) and str(tmp_path / dest) in str(exc.value)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file.txt"]


def test_long_name_that_fits_is_written(tmp_path: Path) -> None:
    name = "x" * 250 + ".csv"  # 254 bytes: fits, though the temporary name must be shortened
    atomic_write_bytes(tmp_path / name, b"ok")
    assert (tmp_path / name).read_bytes() == b"ok"


@pytest.mark.skipif(ROOT_USER, reason="root writes into read-only folders")
def test_read_only_folder(tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        with pytest.raises(AccessError, match="permission denied"):
            atomic_write_bytes(folder / "a.csv", b"x")
    finally:
        folder.chmod(0o755)


def test_permission_denied_is_one_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The same path as a read-only folder, for a run as root (which may write anywhere)."""

    def denied(*args: object, **kwargs: object) -> int:
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(atomic.os, "open", denied)
    with pytest.raises(AccessError) as exc:
        atomic_write_bytes(tmp_path / "a.csv", b"x")
    assert "permission denied" in str(exc.value) and "a.csv" in str(exc.value)


def test_stale_temporary_files_are_removed_by_the_next_write(tmp_path: Path) -> None:
    """A run killed with SIGKILL leaves its temporary file; the next write into the folder removes it
    (a live process's temporary file and other files are left alone)."""
    code = (
        "import os, sys\n"
        "from kzevents.io.atomic import atomic_open\n"
        "with atomic_open(sys.argv[1]) as fh:\n"
        "    fh.write(b'half'); fh.flush()\n"
        "    print('writing', flush=True)\n"
        "    sys.stdin.read()\n"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", code, str(tmp_path / "big.parquet")],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None and proc.stdout.readline() == "writing\n"
    left = [p for p in tmp_path.iterdir() if TMP_MARK in p.name]
    assert len(left) == 1 and left[0].name.startswith(".big.parquet")
    assert stale_temp_files(tmp_path) == []  # its process is alive
    proc.kill()
    proc.wait()
    assert stale_temp_files(tmp_path) == left
    alive = tmp_path / f".other.csv{TMP_MARK}{os.getppid()}-abcd1234"  # a live process (our parent)
    alive.write_bytes(b"")
    (tmp_path / "notes.tmp").write_bytes(b"not ours")
    atomic_write_bytes(tmp_path / "small.csv", b"x")
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([alive.name, "notes.tmp", "small.csv"])


def test_ensure_folder(tmp_path: Path) -> None:
    assert ensure_folder(tmp_path / "a" / "b").is_dir()
    (tmp_path / "f").write_bytes(b"")
    with pytest.raises(AccessError, match="is a file, not a folder"):
        ensure_folder(tmp_path / "f")
    with pytest.raises(AccessError, match="a part of the path is a file"):
        ensure_folder(tmp_path / "f" / "sub")


def test_every_output_goes_through_the_atomic_writer() -> None:
    """No other module opens files for writing, renames or makes temporary files (one writer)."""
    src = Path(__file__).resolve().parents[1] / "src" / "kzevents"
    offenders = []
    for path in src.rglob("*.py"):
        if path.name == "atomic.py":
            continue
        text = path.read_text(encoding="utf-8")
        for needle in ("mkstemp", "NamedTemporaryFile", "os.replace", "os.rename", '"wb"', "'wb'", '"w"'):
            if needle in text:
                offenders.append(f"{path.relative_to(src)}: {needle}")
    assert offenders == []
