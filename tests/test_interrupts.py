"""Ctrl-C (SIGINT) and SIGTERM during `convert`: exit 130 / 143, no traceback or crash (the Parquet writer
was closed under a running write: a pyarrow traceback or a segmentation fault in 3 of 5 attempts), the
writer thread joined first, no temporary file left, the previous DEST intact (or, when the signal comes after
the new file was renamed into place, the complete new file). Also during `validate`."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kzevents.io.atomic import TMP_MARK

from .test_streaming import row, write


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("big") / "big.csv"
    write(path, [row(i % 5000) for i in range(200_000)])  # about 80 MB: a second or two to convert
    return path


def _temporaries(folder: Path) -> list[Path]:
    return [p for p in folder.iterdir() if TMP_MARK in p.name]


def _wait_for_writing(folder: Path, proc: subprocess.Popen[bytes], timeout: float = 60) -> bool:
    """Until the temporary Parquet file has data (the writer thread is at work)."""
    end = time.monotonic() + timeout
    while time.monotonic() < end and proc.poll() is None:
        tmp = _temporaries(folder)
        if tmp and tmp[0].stat().st_size > 0:
            return True
        time.sleep(0.005)
    return False


@pytest.mark.parametrize(
    ("signum", "code", "delay"),
    [
        (signal.SIGINT, 130, 0.0),
        (signal.SIGINT, 130, 0.05),
        (signal.SIGINT, 130, 0.2),
        (signal.SIGTERM, 143, 0.0),
        (signal.SIGTERM, 143, 0.05),
        (signal.SIGTERM, 143, 0.2),
    ],
)
def test_convert_stops_cleanly(big: Path, tmp_path: Path, signum: int, code: int, delay: float) -> None:
    dest = tmp_path / "out.parquet"
    dest.write_bytes(b"the previous export")
    proc = subprocess.Popen(
        [sys.executable, "-X", "faulthandler", "-m", "kzevents", "convert", str(big), str(dest)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    writing = _wait_for_writing(tmp_path, proc)
    time.sleep(delay)
    proc.send_signal(signum)
    _, err = proc.communicate(timeout=120)
    if proc.returncode == 0:
        pytest.skip("the conversion ended before the signal (a fast machine): nothing to interrupt")
    assert writing
    assert proc.returncode == code, err.decode()
    text = err.decode()
    assert "Traceback" not in text and "Fatal Python error" not in text and "interrupted" in text, text
    assert _temporaries(tmp_path) == []
    if dest.read_bytes() != b"the previous export":
        # the signal came after the new file was renamed into place (the commit), while the command was
        # reporting: then DEST is the complete new file, never a part of one
        import pyarrow.parquet as pq

        assert pq.read_metadata(dest).num_rows == 200_000


@pytest.mark.parametrize(("signum", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_validate_stops_cleanly(big: Path, signum: int, code: int) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "kzevents", "validate", "--json", str(big)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    time.sleep(1.0)
    proc.send_signal(signum)
    out, err = proc.communicate(timeout=120)
    if proc.returncode in (0, 1):
        pytest.skip("validation ended before the signal")
    assert proc.returncode == code and b"Traceback" not in err
    import json

    report = json.loads(out)
    assert report["status"] == "interrupted" and report["exit_code"] == code
