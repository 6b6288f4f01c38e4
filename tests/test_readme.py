"""The README's Python examples run, and its two commands are the ones .ci/run uses."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from kzevents.cli import main

from .conftest import FIXTURES, ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def _folder(tmp_path: Path) -> Path:
    """What the README's examples start from: a user's own download (one of our fixtures under that name)
    and the folder ``kzevents export --out dist/`` writes."""
    shutil.copy(FIXTURES / "acled" / "pre2023.csv", tmp_path / "acled_download.csv")
    assert main(["export", "--out", str(tmp_path / "dist")]) == 0
    return tmp_path


def test_readme_python_examples_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocks = re.findall(r"```python\n(.*?)```", README, flags=re.S)
    assert blocks
    assert any("duckdb" in b and "geopandas" in b and "polars" in b and "pandas" in b for b in blocks)
    monkeypatch.chdir(_folder(tmp_path))
    for block in blocks:
        exec(compile(block, "README.md", "exec"), {})


def test_readme_r_example_runs(tmp_path: Path) -> None:
    """The "Using the data" R lines, when R (with sf) is installed."""
    rscript = shutil.which("Rscript")
    if rscript is None:
        pytest.skip("R is not installed (Rscript not on PATH)")
    has_sf = subprocess.run([rscript, "-e", "library(sf)"], capture_output=True, check=False)
    if has_sf.returncode != 0:
        pytest.skip("the R package sf is not installed")
    (block,) = re.findall(r"```r\n(.*?)```", README, flags=re.S)
    script = tmp_path / "readme.R"
    script.write_text(block, encoding="utf-8")
    r = subprocess.run(
        [rscript, str(script)], cwd=_folder(tmp_path), capture_output=True, text=True, check=False
    )
    assert r.returncode == 0, r.stderr


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
