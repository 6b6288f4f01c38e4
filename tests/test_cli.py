from __future__ import annotations

import json
import subprocess
import sys

import pytest

from kzevents._version import DATASET_VERSION, __version__
from kzevents.cli import main


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kzevents", *args], capture_output=True, text=True, check=False
    )


def test_version() -> None:
    r = run("--version")
    assert r.returncode == 0 and r.stdout.strip() == f"kzevents {__version__} (dataset {DATASET_VERSION})"


@pytest.mark.parametrize("flag", ["--help", "--version"])
def test_help_does_not_import_pyarrow(flag: str) -> None:
    code = "import sys; from kzevents.cli import main\n"
    code += f"try:\n    main(['{flag}'])\nexcept SystemExit:\n    pass\n"
    code += "assert 'pyarrow' not in sys.modules, 'pyarrow imported'\nassert 'jsonschema' not in sys.modules"
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert r.returncode == 0, r.stderr


def test_usage_error_exits_2() -> None:
    assert run("no-such-command").returncode == 2
    assert run().returncode == 2


def test_info_json_matches_the_dataset() -> None:
    import kzevents

    r = run("info", "--json")
    assert r.returncode == 0, r.stderr
    d = json.loads(r.stdout)["result"]
    ds = kzevents.load()
    assert d["incidents"] == len(ds)
    assert d["fatalities_total"]["best"] == sum(i.fatalities.best for i in ds)
    assert {s["id"] for s in d["sources"]} == {"000", "001", "002", "003", "004"}
    assert d["conflicts"], "the sources disagree on several incidents; info must show it"


def test_info_text_shows_conflicts(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["info"]) == 0
    out = capsys.readouterr().out
    assert "conflicts between sources" in out and " vs " in out
