"""Build the wheel, install it in a fresh virtual environment and use it from outside the repository."""

from __future__ import annotations

import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

import pytest

from .conftest import ROOT


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    r = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-w",
            str(out),
            str(ROOT),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert r.returncode == 0, r.stderr
    (whl,) = out.glob("kzevents-*.whl")
    return whl


def test_wheel_ships_data_schemas_and_exporters(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    assert "kzevents/data/places.toml" in names
    assert "kzevents/data/admin1.toml" in names
    assert any(n.startswith("kzevents/data/incidents/KZE-") for n in names)
    assert "kzevents/schemas/incident.schema.json" in names
    assert any(n.startswith("kzevents/exporters/") for n in names)
    assert "kzevents/py.typed" in names
    # the map's boundaries with their provenance and licence, and both licences in the metadata
    for name in ("kz_admin1.geojson", "SOURCE.md", "LICENSE.txt"):
        assert f"kzevents/data/boundaries/{name}" in names
    meta = next(n for n in names if n.endswith(".dist-info/METADATA"))
    text = zipfile.ZipFile(wheel).read(meta).decode()
    assert "License-Expression: MIT AND CC-BY-4.0" in text
    assert any(n.endswith("licenses/LICENSE-DATA") for n in names)


def test_installed_wheel_works_outside_the_repository(wheel: Path, tmp_path: Path) -> None:
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    py = env_dir / "bin" / "python"
    # dependencies come from this environment (a .pth file), kzevents itself only from the wheel
    purelib = subprocess.run(
        [str(py), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    Path(purelib, "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    subprocess.run(
        [str(py), "-m", "pip", "install", "-q", "--no-deps", "--no-index", "--force-reinstall", str(wheel)],
        check=True,
    )
    work = tmp_path / "elsewhere"
    work.mkdir()
    code = (
        "import kzevents, pathlib; ds = kzevents.load(); t = ds.to_arrow();"
        f"assert kzevents.__file__.startswith({str(env_dir)!r}), kzevents.__file__;"
        "print(len(ds), t.num_rows)"
    )
    r = subprocess.run([str(py), "-c", code], cwd=work, capture_output=True, text=True, check=False)
    assert r.returncode == 0, r.stderr
    n, rows = map(int, r.stdout.split())
    assert n == rows and n >= 20
    r = subprocess.run(
        [str(env_dir / "bin" / "kzevents"), "info"], cwd=work, capture_output=True, text=True, check=False
    )
    assert r.returncode == 0, r.stderr
    assert "incidents:" in r.stdout
