"""The README's Python examples run, and its two commands are the ones .ci/run uses."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from .conftest import FIXTURES, ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_readme_python_examples_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocks = re.findall(r"```python\n(.*?)```", README, flags=re.S)
    assert blocks
    # the examples name a user's own download; give them one of our fixtures under that name
    shutil.copy(FIXTURES / "acled" / "pre2023.csv", tmp_path / "acled_download.csv")
    monkeypatch.chdir(tmp_path)
    for block in blocks:
        exec(compile(block, "README.md", "exec"), {})


def test_readme_commands_are_what_ci_runs() -> None:
    sh = re.findall(r"```sh\n(.*?)```", README, flags=re.S)[0]
    commands = [line for line in sh.splitlines() if line and not line.startswith("#")]
    assert len(commands) == 2
    ci = (ROOT / ".ci" / "run").read_text()
    for c in commands:
        assert c in ci, c


def test_readme_python_examples_type_check(tmp_path: Path) -> None:
    """A user's script written as the README shows type-checks: the public names are typed (the lazy ones
    through kzevents' TYPE_CHECKING imports), not ``object``."""
    mypy_api = pytest.importorskip("mypy.api", reason="mypy is in the test extra")
    blocks = re.findall(r"```python\n(.*?)```", README, flags=re.S)
    script = tmp_path / "readme_examples.py"
    script.write_text("\n\n".join(blocks), encoding="utf-8")
    stdout, stderr, status = mypy_api.run(
        [
            "--strict",
            "--no-incremental",
            "--cache-dir",
            str(tmp_path / ".mypy_cache"),
            "--ignore-missing-imports",
            str(script),
        ]
    )
    assert status == 0, stdout + stderr
