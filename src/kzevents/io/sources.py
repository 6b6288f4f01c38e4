"""The input layer: every source a user holds opened the same way, whatever its container.

    src = open_source("ged231-csv.zip")       # a path: what it is comes from its bytes, not its name
    src = open_source("gtd.xlsx::Data")       # a sheet; "x.zip::member.csv" names a member of a zip
    src = open_source("-")                    # standard input (copied to a temporary file)
    src = open_source(fileobj)                # a binary file object (copied unless seekable)

Containers (gzip, bzip2, xz, zstd, zip) are peeled off by their magic bytes, up to three deep. A source is
a :class:`CsvSource` (text for the CSV parser: a seekable local file, or a stream from a container), a
:class:`~kzevents.io.spreadsheet.XlsxSource` or :class:`~kzevents.io.records.JsonSource` (rows as Arrow
string columns), or a :class:`ParquetSource`. Anything else is refused with what it is and what is read.
Nothing here knows a format: ``accept_header`` (given by the readers) says whether a header is a known
layout's, to choose the member of a zip or the sheet of a workbook.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

import pyarrow as pa

from kzevents.errors import AccessError, DataError, Problem
from kzevents.io.raw import Raw, local

HEAD = 1 << 20  # bytes looked at to tell what a source is
STDIN_NAME = "<stdin>"
AcceptHeader = Callable[[list[str]], bool]


class Source:
    """An opened input: its name in messages (``a.zip::a.csv``, ``gtd.xlsx::Data``, ``<stdin>``), its kind,
    the containers peeled off, what reading it changed (``normalised``, per kind) and the problems of its
    cells that are not the data's (Excel error cells, a JSON page of a larger download)."""

    kind = ""

    def __init__(self, raw: Raw, chain: list[str]) -> None:
        self.raw, self.chain, self.name = raw, chain, raw.name
        self.normalised: Counter[str] = Counter()
        self.problems: list[Problem] = []

    def close(self) -> None:
        self.raw.close()

    def __enter__(self) -> Source:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def describe(self) -> str:
        via = " in ".join(reversed(self.chain))
        return f"{self.name}: {self.kind}" + (f" ({via})" if via else "")

    def problem(self, code: str, message: str, row: int | None = 0, column: str | None = None) -> DataError:
        return DataError([Problem(code, message, self.name, row=row, column=column)])


class CsvSource(Source):
    """CSV text. ``local_path`` is a seekable local file holding exactly the text (a plain file, a spooled
    standard input), which a parser may read at random; otherwise the text comes as a stream (a compressed
    file, a zip member) from :meth:`open` / :meth:`arrow_stream`, each a new stream from the first byte."""

    kind = "csv"

    @property
    def local_path(self) -> Path | None:
        return self.raw.path

    def open(self) -> IO[bytes]:
        return self.raw.open()

    def arrow_stream(self) -> pa.NativeFile:
        return self.raw.arrow_stream()

    def parse_source(self) -> Path | Raw:
        """What the CSV parser is given: the seekable local file when there is one (a parallel parser can
        cut it at record boundaries), the re-openable stream otherwise."""
        return self.local_path if self.local_path is not None else self.raw


class TableSource(Source):
    """Rows that come as cells, not as CSV text (xlsx, JSON): ``header()`` and ``batches()`` of string
    columns, row N of the source being the N-th data row (the N-th record)."""

    def header(self) -> list[str]:
        raise NotImplementedError

    def batches(self, columns: list[str] | None, empty_as_null: bool) -> Any:
        raise NotImplementedError

    def raw_texts(self, rows: set[int]) -> dict[int, str]:
        """The text of some data rows, as the source holds them (for the list of rejected rows)."""
        raise NotImplementedError


class ParquetSource(Source):
    """A Parquet file (kzevents' own canonical or GeoParquet files are read; others are refused)."""

    kind = "parquet"

    def local_file(self) -> Path:
        if self.raw.path is None:
            self.raw = local(self.raw)
        assert self.raw.path is not None
        return self.raw.path

    def metadata(self) -> dict[bytes, bytes]:
        import pyarrow.parquet as pq

        try:
            return dict(pq.ParquetFile(self.local_file()).schema_arrow.metadata or {})
        except (pa.ArrowInvalid, OSError) as exc:
            raise self.problem("parquet", f"not a readable Parquet file ({exc})") from None

    def is_kzevents(self) -> bool:
        return b"kzevents" in self.metadata()


def missing_member(path: str, what: str, names: list[str]) -> AccessError:
    return AccessError(path, f"no {what} of that name", f"it holds: {', '.join(names) or 'nothing'}")


# what opens a source inside a container (a zip member): given by kzevents.io.opening
OpenRaw = Callable[[Raw, "str | None", list[str], "AcceptHeader | None"], Source]
