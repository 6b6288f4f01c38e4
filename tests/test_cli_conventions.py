"""The command line's conventions, for every command (a new command in kzevents.cli.COMMANDS is checked too):
--help with a description, examples and exit codes; --json one object of the documented shape
(schemas/cli-report.schema.json) whatever happens; reports on stdout, diagnostics on stderr; -q and -v;
validate checks every file and exits with the worst result; `-` for standard output where a format streams."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from kzevents.cli import ARROW_ALLOCATOR, COMMANDS, build_parser, main, prefer_jemalloc

from .conftest import FIXTURES, ROOT

SCHEMA = json.loads((ROOT / "schemas" / "cli-report.schema.json").read_text(encoding="utf-8"))
GOOD = FIXTURES / "acled" / "current_text.csv"
BAD = FIXTURES / "bad" / "latitude_123.csv"
NAMES = [m.COMMAND.name for m in COMMANDS]


def run_json(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict[str, Any], str]:
    try:
        code = main([*args, "--json"])
    except SystemExit as exc:  # argparse's usage errors
        code = int(exc.code or 0)
    out = capsys.readouterr()
    report = json.loads(out.out)
    jsonschema.validate(report, SCHEMA)
    assert report["exit_code"] == code
    return code, report, out.err


def test_the_schema_is_a_valid_json_schema() -> None:
    jsonschema.Draft202012Validator.check_schema(SCHEMA)


@pytest.mark.parametrize("name", NAMES)
def test_every_command_documents_itself(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main([name, "--help"])
    assert exc.value.code == 0
    text = capsys.readouterr().out
    command = next(m.COMMAND for m in COMMANDS if m.COMMAND.name == name)
    assert command.description.split()[0] in text and len(command.description) > 80
    assert "examples:" in text and f"kzevents {name}" in text.split("examples:")[1]
    codes = text.split("exit codes:")[1]
    for code in ("0", "1", "2"):
        assert f"\n  {code} " in codes, codes
    for option in ("--json", "-q, --quiet", "-v, --verbose"):
        assert option in text


def test_main_help_lists_every_command(capsys: pytest.CaptureFixture[str]) -> None:
    build_parser().print_help()
    text = capsys.readouterr().out
    assert all(name in text for name in NAMES)


def test_json_shape_for_every_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, info, _ = run_json(capsys, "info")
    assert code == 0 and info["result"]["incidents"] > 0 and info["files"] == []
    code, exp, _ = run_json(capsys, "export", "--out", str(tmp_path / "dist"), "--format", "acled")
    assert code == 0 and {f["role"] for f in exp["files"]} == {"output"}
    assert exp["files"][0]["file"].endswith("kzevents_acled.csv")
    code, conv, _ = run_json(capsys, "convert", str(GOOD), str(tmp_path / "o.parquet"))
    assert code == 0 and [f["role"] for f in conv["files"]] == ["input", "output"]
    assert conv["files"][0]["rows"] == 3 and conv["files"][1]["rows"] == 3
    parquet = str(tmp_path / "o.parquet")
    code, merged, _ = run_json(capsys, "merge", parquet, str(GOOD), "--out", str(tmp_path / "m"))
    assert code == 0 and merged["result"]["merged_rows"] >= 3
    assert [f["role"] for f in merged["files"]] == ["input", "input", "output", "output", "output"]


def test_json_errors_are_in_the_same_shape(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # invalid data: in the file's entry
    code, r, err = run_json(capsys, "convert", str(BAD), str(tmp_path / "o.parquet"))
    assert code == 1 and r["status"] == "invalid" and r["files"][0]["valid"] is False
    assert r["files"][0]["problems"][0]["column"] == "latitude"
    # environment: in errors, naming the file
    code, r, err = run_json(capsys, "convert", str(GOOD), str(GOOD))
    assert code == 2 and r["status"] == "error" and r["errors"][0]["file"] == str(GOOD)
    assert "source file" in err
    # usage (argparse): in errors too
    code, r, err = run_json(capsys, "merge", str(GOOD), "--km", "-5", "--out", str(tmp_path))
    assert code == 2 and r["errors"][0]["code"] == "usage" and "--km" in err
    # a fake Parquet given to merge
    fake = tmp_path / "fake.parquet"
    fake.write_bytes(b"PAR1 not really")
    code, r, err = run_json(capsys, "merge", str(fake), str(GOOD), "--out", str(tmp_path / "m"))
    assert code == 1 and r["files"][0]["file"] == str(fake) and r["files"][0]["valid"] is False
    assert "Traceback" not in err


def test_validate_same_keys_for_one_file_or_many(capsys: pytest.CaptureFixture[str]) -> None:
    _, one, _ = run_json(capsys, "validate", str(GOOD))
    _, two, _ = run_json(capsys, "validate", str(GOOD), str(BAD))
    assert one.keys() == two.keys() and len(one["files"]) == 1 and len(two["files"]) == 2
    assert one["files"][0].keys() == two["files"][1].keys()


def test_validate_checks_every_file_and_exits_with_the_worst(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = str(tmp_path / "missing.csv")
    assert main(["validate", str(GOOD), str(BAD)]) == 1
    assert main(["validate", str(GOOD), missing, str(BAD)]) == 2
    out = capsys.readouterr()
    assert out.out.count("current_text.csv: acled-current, 3 rows: valid") == 2
    assert out.out.count("latitude_123.csv") >= 2 and "missing.csv: no such file" in out.err
    code, r, _ = run_json(capsys, "validate", missing, str(GOOD))
    assert code == 2 and [f["valid"] for f in r["files"]] == [False, True]
    assert r["files"][0]["problems"][0]["code"] == "access"


def test_reports_on_stdout_diagnostics_on_stderr(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(BAD)]) == 1
    out = capsys.readouterr()
    assert "row 2, column latitude" in out.out and out.err == ""
    assert main(["validate", str(GOOD)]) == 0
    out = capsys.readouterr()
    assert "valid" in out.out and out.err == ""


def test_quiet_and_verbose(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "-q", str(GOOD)]) == 0
    assert capsys.readouterr().out == ""
    assert main(["validate", "-q", str(GOOD), str(BAD)]) == 1
    out = capsys.readouterr().out
    assert "latitude_123.csv" in out and "current_text.csv" not in out
    assert main(["convert", "-q", str(GOOD), str(tmp_path / "o.parquet")]) == 0
    assert capsys.readouterr() == ("", "")
    assert main(["convert", "-v", str(GOOD), str(tmp_path / "o.parquet")]) == 0
    out = capsys.readouterr()
    assert "3 data rows read" in out.out and "took" in out.err
    with pytest.raises(SystemExit):
        main(["validate", "-q", "-v", str(GOOD)])


def test_the_command_line_asks_for_jemalloc_unless_told(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delitem(sys.modules, "pyarrow")  # (as when the command line starts)
    environ: dict[str, str] = {}
    assert prefer_jemalloc(environ, "linux") and environ == {ARROW_ALLOCATOR: "jemalloc"}
    chosen = {ARROW_ALLOCATOR: "mimalloc"}  # the user's choice stands
    assert not prefer_jemalloc(chosen, "linux") and chosen == {ARROW_ALLOCATOR: "mimalloc"}
    for platform in ("darwin", "win32"):  # no jemalloc in those wheels: Arrow's default
        assert not prefer_jemalloc(environ := {}, platform) and environ == {}
    monkeypatch.setitem(sys.modules, "pyarrow", object())  # loaded: too late to choose
    assert not prefer_jemalloc(environ := {}, "linux") and environ == {}


@pytest.mark.skipif(sys.platform != "linux", reason="the command line asks for jemalloc on Linux only")
@pytest.mark.parametrize(
    ("chosen", "pool"), [(None, "jemalloc"), ("mimalloc", "mimalloc"), ("system", "system")]
)
def test_a_command_runs_with_the_allocator_asked_for(chosen: str | None, pool: str) -> None:
    environ = {k: v for k, v in os.environ.items() if k != ARROW_ALLOCATOR}
    if chosen is not None:
        environ[ARROW_ALLOCATOR] = chosen
    r = subprocess.run(
        [sys.executable, "-m", "kzevents", "validate", "-v", str(GOOD)],
        capture_output=True,
        text=True,
        env=environ,
        check=False,
    )
    assert r.returncode == 0, r.stderr
    assert re.search(rf"validate took [\d.]+ s, peak memory \d+ MB \({pool} allocator\)", r.stderr), r.stderr


def test_export_to_standard_output(tmp_path: Path) -> None:
    r = subprocess.run(
        [sys.executable, "-m", "kzevents", "export", "--out", "-", "--format", "gtd"],
        capture_output=True,
        check=False,
    )
    assert r.returncode == 0, r.stderr
    main(["export", "--out", str(tmp_path), "--format", "gtd", "-q"])
    assert r.stdout == (tmp_path / "kzevents_gtd.csv").read_bytes()
    assert b"left out" in r.stderr  # GTD's exclusions are said on stderr
    for args in (
        ["--format", "parquet"],
        ["--format", "acled", "--format", "gtd"],
        ["--format", "acled", "--json"],
    ):
        assert main(["export", "--out", "-", *args]) == 2


def test_closed_pipe_is_not_an_error() -> None:
    """`kzevents export --out - | head -1` ends quietly (as a tool killed by SIGPIPE), no traceback."""
    if shutil.which("head") is None:
        pytest.skip("no head command")
    r = subprocess.run(
        f"{sys.executable} -m kzevents export --out - --format acled | head -c 10",
        shell=True,
        capture_output=True,
        check=False,
    )
    assert r.stdout == b"event_id_c" and b"Traceback" not in r.stderr


def test_usage_errors_exit_2_without_traceback() -> None:
    for args in (
        ["no-such-command"],
        [],
        ["merge", "x.csv", "--km", "-5", "--out", "o"],
        ["merge", "x", "--threshold", "2", "--out", "o"],
    ):
        r = subprocess.run(
            [sys.executable, "-m", "kzevents", *args], capture_output=True, text=True, check=False
        )
        assert r.returncode == 2 and "Traceback" not in r.stderr, (args, r.stderr)


def test_bash_completion_knows_every_command_and_option(tmp_path: Path) -> None:
    bash = shutil.which("bash")
    if bash is None:
        pytest.skip("no bash")
    script = subprocess.run(
        [sys.executable, "-m", "kzevents", "completion", "bash"], capture_output=True, text=True, check=True
    ).stdout
    (tmp_path / "c.sh").write_text(script)

    def complete(*words: str) -> list[str]:
        line = " ".join(f"'{w}'" for w in words)
        code = f"source {tmp_path}/c.sh; COMP_WORDS=({line}); COMP_CWORD={len(words) - 1}; _kzevents; "
        code += 'printf "%s\\n" "${COMPREPLY[@]}"'
        r = subprocess.run([bash, "-c", code], capture_output=True, text=True, check=True, cwd=tmp_path)
        return r.stdout.split()

    assert complete("kzevents", "va") == ["validate"]
    assert set(complete("kzevents", "")) >= set(NAMES)
    assert complete("kzevents", "merge", "--th") == ["--threshold"]
    assert "--actor-types" in complete("kzevents", "export", "--")
    assert complete("kzevents", "validate", "c.") == ["c.sh"]  # file names for arguments
