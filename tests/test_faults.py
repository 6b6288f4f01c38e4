"""Faults of the environment, through the real commands: one clear message each (the file named, what to
do), exit 2 (1 for bad data), no traceback, nothing left behind and nothing changed."""

from __future__ import annotations

import errno
import os
import subprocess
import sys
from pathlib import Path

import pytest

from kzevents.cli import main
from kzevents.io.atomic import TMP_MARK

from .conftest import FIXTURES

GOOD = FIXTURES / "acled" / "current_text.csv"
ROOT_USER = os.geteuid() == 0


def cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(list(args))
    out = capsys.readouterr()
    text = out.out + out.err
    assert "Traceback" not in text
    return code, out.err


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def work(tmp_path: Path) -> Path:
    (tmp_path / "events.csv").write_bytes(GOOD.read_bytes())
    (tmp_path / "a_file.txt").write_bytes(b"not a folder\n")
    (tmp_path / "a_folder").mkdir()
    return tmp_path


@pytest.mark.parametrize(
    ("args", "named", "says"),
    [
        # source == DEST (the source would be replaced by Parquet)
        (["convert", "{w}/events.csv", "{w}/events.csv"], "events.csv", "is the source file"),
        (["convert", "{w}/events.csv", "{w}/./a_folder/../events.csv"], "events.csv", "is the source file"),
        # a folder as DEST, a file where a folder is expected, a missing folder
        (["convert", "{w}/events.csv", "{w}/a_folder"], "a_folder", "is a folder"),
        (["convert", "{w}/events.csv", "{w}/a_file.txt/out.parquet"], "a_file.txt", "not a folder"),
        (["convert", "{w}/events.csv", "{w}/missing/out.parquet"], "missing", "does not exist"),
        (["export", "--out", "{w}/a_file.txt"], "a_file.txt", "is a file, not a folder"),
        (["export", "--out", "{w}/a_file.txt/sub", "--format", "gtd"], "a_file.txt", "is a file"),
        (["merge", "{w}/events.csv", "--out", "{w}/a_file.txt"], "a_file.txt", "not a folder"),
        # special files and links are never replaced
        (["convert", "{w}/events.csv", "/dev/null"], "/dev/null", "character device"),
        (["convert", "{w}/events.csv", "/dev/stdout"], "/dev/stdout", "symbolic link"),
        # sources that cannot be read
        (["validate", "{w}/nothing.csv"], "nothing.csv", "no such file"),
        (["validate", "{w}/a_folder"], "a_folder", "is a folder"),
        (["convert", "{w}/a_folder", "{w}/o.parquet"], "a_folder", "is a folder"),
        (["convert", "{w}/nothing.csv", "{w}/o.parquet"], "nothing.csv", "no such file"),
        (["merge", "{w}/nothing.parquet", "{w}/events.csv", "--out", "{w}/m"], "nothing.parquet", "no such"),
        # a name longer than the file system allows
        (["convert", "{w}/events.csv", "{w}/" + "n" * 300 + ".parquet"], "nnnn", "too long"),
        # standard output where a format does not stream
        (["convert", "{w}/events.csv", "-"], "standard output", "file name"),
    ],
)
def test_environment_faults(
    work: Path, args: list[str], named: str, says: str, capsys: pytest.CaptureFixture[str]
) -> None:
    before = snapshot(work)
    code, err = cli(capsys, *(a.format(w=work) for a in args))
    assert code == 2, err
    assert named in err and says in err, err
    assert snapshot(work) == before


def test_symlink_as_dest_is_refused_and_its_target_kept(
    work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (work / "target.parquet").write_bytes(b"the target")
    (work / "link.parquet").symlink_to(work / "target.parquet")
    code, err = cli(capsys, "convert", str(work / "events.csv"), str(work / "link.parquet"))
    assert code == 2 and "link.parquet" in err and "symbolic link" in err
    assert (work / "target.parquet").read_bytes() == b"the target" and (work / "link.parquet").is_symlink()


def test_source_reached_through_a_link_is_the_source(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    os.link(work / "events.csv", work / "hard.csv")
    code, err = cli(capsys, "convert", str(work / "hard.csv"), str(work / "events.csv"))
    assert code == 2 and "is the source file" in err
    assert (work / "events.csv").read_bytes() == GOOD.read_bytes()


def test_merge_output_over_an_input_is_refused(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli(capsys, "convert", str(work / "events.csv"), str(work / "merged.parquet"))[0] == 0
    before = snapshot(work)
    code, err = cli(
        capsys, "merge", str(work / "merged.parquet"), str(work / "events.csv"), "--out", str(work)
    )
    assert code == 2 and "merged.parquet" in err and "source file" in err
    assert snapshot(work) == before


def test_full_disk_while_converting(
    work: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """pyarrow's error when the disk fills (errno in the message only): one message, the temporary file
    removed, the previous DEST intact."""
    import pyarrow.parquet as pq

    def full(self: object, *args: object, **kwargs: object) -> None:
        raise OSError("Error writing bytes to file. Detail: [errno 28] No space left on device")

    monkeypatch.setattr(pq.ParquetWriter, "write_table", full)
    dest = work / "a_folder" / "out.parquet"
    dest.write_bytes(b"previous")
    code, err = cli(capsys, "convert", str(work / "events.csv"), str(dest))
    assert code == 2 and "out.parquet" in err and "no space left" in err and "free some space" in err
    assert dest.read_bytes() == b"previous" and [p.name for p in dest.parent.iterdir()] == ["out.parquet"]


def test_full_disk_while_exporting(
    work: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import kzevents.io.atomic as atomic

    def full(fd: int) -> None:  # a delayed-allocation file system reports ENOSPC at fsync
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(atomic.os, "fsync", full)
    out = work / "dist"
    out.mkdir()
    (out / "kzevents_gtd.csv").write_bytes(b"previous export")
    code, err = cli(capsys, "export", "--out", str(out), "--format", "gtd")
    assert code == 2 and "kzevents_gtd.csv" in err and "no space left" in err
    assert snapshot(out) == {"kzevents_gtd.csv": b"previous export"}


@pytest.mark.parametrize("command", ["export", "convert"])
def test_unwritable_folder(
    work: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], command: str
) -> None:
    """A read-only folder (for a run as root too, which chmod cannot stop: the temporary file's creation
    fails as it would)."""
    import kzevents.io.atomic as atomic

    real_open = os.open

    def denied(path: object, flags: int, *args: object, **kwargs: object) -> int:
        if TMP_MARK in str(path):
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real_open(path, flags, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(atomic.os, "open", denied)
    target = work / "a_folder"
    args = (
        ["export", "--out", str(target)]
        if command == "export"
        else ["convert", str(work / "events.csv"), str(target / "o.parquet")]
    )
    code, err = cli(capsys, *args)
    assert code == 2 and "permission denied" in err and str(target) in err, err
    assert list(target.iterdir()) == []


@pytest.mark.skipif(ROOT_USER, reason="root reads and writes files whatever their mode")
def test_really_read_only_and_unreadable(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ro = work / "ro"
    ro.mkdir()
    ro.chmod(0o555)
    (work / "secret.csv").write_bytes(GOOD.read_bytes())
    (work / "secret.csv").chmod(0o000)
    try:
        code, err = cli(capsys, "convert", str(work / "events.csv"), str(ro / "o.parquet"))
        assert code == 2 and "permission denied" in err
        code, err = cli(capsys, "validate", str(work / "secret.csv"), str(work / "events.csv"))
        assert code == 2 and "secret.csv" in err and "permission" in err
    finally:
        ro.chmod(0o755)
        (work / "secret.csv").chmod(0o644)


def test_unreadable_source(
    work: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import builtins

    real_open = builtins.open

    def denied(file: object, *args: object, **kwargs: object) -> object:
        if str(file).endswith("events.csv"):
            raise PermissionError(errno.EACCES, "Permission denied", str(file))
        return real_open(file, *args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(builtins, "open", denied)
    code, err = cli(capsys, "validate", str(work / "events.csv"), str(GOOD))
    assert code == 2 and "events.csv" in err and "cannot be read" in err
    assert "check its permissions" in err


@pytest.mark.parametrize(
    ("content", "says"),
    [(b"PAR1 this is no Parquet file", "not a readable Parquet file"), (None, "not a readable Parquet file")],
)
def test_merge_refuses_fake_and_truncated_parquet(
    work: Path, content: bytes | None, says: str, capsys: pytest.CaptureFixture[str]
) -> None:
    path = work / "in.parquet"
    if content is None:  # a real file cut short, as a broken download
        assert cli(capsys, "convert", str(work / "events.csv"), str(path))[0] == 0
        path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    else:
        path.write_bytes(content)
    code, err = cli(capsys, "merge", str(path), str(work / "events.csv"), "--out", str(work / "m"))
    assert code == 1 and "in.parquet" in err and says in err
    assert not (work / "m").exists()


def test_the_real_command_never_prints_a_traceback(tmp_path: Path) -> None:
    for args in (
        ["convert", str(GOOD), str(GOOD)],
        ["convert", str(GOOD), str(tmp_path / "nope" / "o.parquet")],
        ["merge", str(GOOD), "--km", "-5", "--out", str(tmp_path)],
        ["validate", str(GOOD), str(tmp_path / "missing.csv")],
    ):
        r = subprocess.run(
            [sys.executable, "-m", "kzevents", *args], capture_output=True, text=True, check=False
        )
        assert r.returncode == 2 and "Traceback" not in r.stderr and "kzevents" in r.stderr, (args, r.stderr)
