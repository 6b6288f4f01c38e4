"""The progress line: on a terminal only, never in CI logs or when piped."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest

from kzevents.cli.progress import terminal_progress
from kzevents.outputs.converter import convert

from .conftest import FIXTURES


class FakeTTY(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_no_progress_when_not_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stderr", io.StringIO())
    assert terminal_progress(FIXTURES / "acled" / "monadic.csv", "reading") is None


def test_progress_on_a_terminal(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    tty = FakeTTY()
    monkeypatch.setattr(sys, "stderr", tty)
    src = FIXTURES / "acled" / "current_text.csv"
    convert(src, tmp_path / "o.parquet", progress=terminal_progress(src, "converting"))
    out = tty.getvalue()
    assert "converting current_text.csv: 3 rows" in out and "%" in out


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
