"""The progress bar (tqdm): on a terminal only, never in CI logs, when piped, with -q or --json; bytes with
rate and time left; a finished read ends at 100 % on a line of its own, before the report."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest

from kzevents.cli import main

from .conftest import FIXTURES
from .test_streaming import row, write


class FakeTTY(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture
def big(tmp_path: Path) -> Path:
    path = tmp_path / "big.csv"
    write(path, [row(i, "n" * 200) for i in range(20_000)])
    return path


@pytest.mark.parametrize("command", ["convert", "validate"])
def test_bar_on_a_terminal_ends_at_100_percent_on_its_own_line(
    command: str, big: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import kzevents.formats.reader as reader_module
    import kzevents.io.csvstream as csvstream

    monkeypatch.setattr(reader_module, "PARSE_BLOCK", 1 << 16)  # many updates
    monkeypatch.setattr(csvstream, "PARSE_BLOCK", 1 << 16)
    tty, out = FakeTTY(), io.StringIO()
    monkeypatch.setattr(sys, "stderr", tty)
    monkeypatch.setattr(sys, "stdout", out)
    args = [command, str(big)] + ([str(tmp_path / "o.parquet")] if command == "convert" else [])
    assert main(args) == 0
    err = tty.getvalue()
    last = err.rstrip("\n").split("\r")[-1]  # what the terminal shows at the end
    assert "100%" in last and "big.csv" in last and "20,000 rows" in last, err[-400:]
    assert "B/s" in err  # a rate (and tqdm's remaining time in the same bracket)
    assert err.endswith("\n")  # its own line: the report below starts clean
    assert "100%" not in out.getvalue() and "big.csv" in out.getvalue()


def test_no_bar_with_quiet_or_json(big: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for flag in ("-q", "--json"):
        tty = FakeTTY()
        monkeypatch.setattr(sys, "stderr", tty)
        monkeypatch.setattr(sys, "stdout", io.StringIO())
        assert main(["validate", flag, str(big)]) == 0
        assert "%" not in tty.getvalue(), flag


def test_bar_stops_where_it_is_on_an_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rows = [row(i) for i in range(50)]
    rows[40] += ",surplus"
    write(tmp_path / "bad.csv", rows)
    tty = FakeTTY()
    monkeypatch.setattr(sys, "stderr", tty)
    assert main(["convert", str(tmp_path / "bad.csv"), str(tmp_path / "o.parquet")]) == 1
    err = tty.getvalue()
    assert "row 41" in err and "\nkzevents:" in err  # the message starts on a line of its own


def test_piped_command_prints_no_progress(tmp_path: Path) -> None:
    r = subprocess.run(
        [
            sys.executable,
            "-m",
            "kzevents",
            "convert",
            str(FIXTURES / "acled" / "monadic.csv"),
            str(tmp_path / "o.parquet"),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert r.returncode == 0 and "\r" not in r.stderr and "%" not in r.stderr
    assert "tqdm" not in r.stderr
