"""Bytes that can be read again from the start: a file, a spooled copy of standard input or a pipe, a
seekable file object, a member of a zip, the decompressed text of a gzip/bzip2/xz/zstd file.

Every reader that needs a second pass (the sniffer, the error locator, the restart after a row longer than
a parse block, the duplicate-id pass, the rejected rows' text) opens the source again: files, zip members
and compressed files are simply re-opened (and decompressed again); only what cannot be read twice
(standard input, pipes, non-seekable file objects) is copied, still compressed, to a temporary file.
"""

from __future__ import annotations

import bz2
import contextlib
import gzip
import io
import lzma
import os
import zipfile
from pathlib import Path
from typing import IO, Any

import pyarrow as pa

from kzevents.io.atomic import spool

SPOOL_PREFIX = "kzevents-spool-"


class Raw:
    """Bytes that can be opened again from the start; each :meth:`open` is a new, independent stream."""

    name: str
    path: Path | None = None  # a local seekable file holding exactly these bytes, when there is one

    def open(self) -> IO[bytes]:
        raise NotImplementedError

    def arrow_stream(self) -> pa.NativeFile:
        """A stream for pyarrow's CSV reader. Never a path string: ``pyarrow.csv.open_csv(str)`` picks a
        decompressor from the file's extension (a plain CSV named .gz fails, a gzip named .csv is parsed
        as text)."""
        if self.path is not None:
            return pa.OSFile(str(self.path))
        return pa.PythonFile(self.open(), mode="r")

    def consumed(self) -> int:
        """How far into the outermost file the last stream opened has read (for progress)."""
        return 0

    def close(self) -> None:
        """Remove what this source made (a spool); the inner sources are closed too."""
        inner = getattr(self, "inner", None)
        if isinstance(inner, Raw):
            inner.close()


class FileRaw(Raw):
    """A local file."""

    def __init__(self, path: Path, name: str | None = None) -> None:
        self.path, self.name = path, name or str(path)
        self._last: Any = None

    def open(self) -> IO[bytes]:
        assert self.path is not None
        self._last = open(self.path, "rb")
        return self._last  # type: ignore[no-any-return]

    def arrow_stream(self) -> pa.NativeFile:
        assert self.path is not None
        self._last = pa.OSFile(str(self.path))
        return self._last

    def consumed(self) -> int:
        try:
            return int(self._last.tell()) if self._last is not None and not self._last.closed else 0
        except (OSError, ValueError):
            return 0


class SpoolRaw(FileRaw):
    """A temporary copy of a stream that cannot be read twice (standard input, a pipe), in ``$TMPDIR``;
    removed by :meth:`close` (the readers close their sources in a ``finally``)."""

    def __init__(self, stream: IO[bytes], name: str) -> None:
        super().__init__(spool(stream, SPOOL_PREFIX), name)

    def close(self) -> None:
        if self.path is not None:
            self.path.unlink(missing_ok=True)
            self.path = None


class FileObjRaw(Raw):
    """A seekable binary file object (``io.BytesIO``, an open file): each :meth:`open` is a view that seeks
    back to where the object stood when it was given (views are read one at a time)."""

    def __init__(self, fobj: IO[bytes], name: str) -> None:
        self.fobj, self.name, self.start = fobj, name, fobj.tell()

    def open(self) -> IO[bytes]:
        self.fobj.seek(self.start)
        return io.BufferedReader(_View(self.fobj))


class _View(io.RawIOBase):
    """A file object (or an Arrow stream) read through; closing the view closes the source only when it
    ``owns`` it."""

    def __init__(self, f: Any, owns: bool = False) -> None:
        self.f, self.owns = f, owns

    def readable(self) -> bool:
        return True

    def readinto(self, b: Any) -> int:
        data = self.f.read(len(b))
        b[: len(data)] = data
        return len(data)

    def close(self) -> None:
        if self.owns:
            with contextlib.suppress(Exception):
                self.f.close()
        super().close()


class ZipMemberRaw(Raw):
    """One member of a zip archive (deflate, bzip2 and lzma members; not Deflate64)."""

    def __init__(self, archive: Raw, member: str) -> None:
        self.inner, self.member = archive, member
        self.name = f"{archive.name}::{member}"
        self._last: Any = None

    def open(self) -> IO[bytes]:
        assert self.inner.path is not None  # archives that are not files are spooled first
        zf = zipfile.ZipFile(self.inner.path)
        self._last = zf.fp
        return _Closing(zf.open(self.member), zf)

    def consumed(self) -> int:
        with contextlib.suppress(Exception):
            return int(self._last.tell()) if self._last is not None else 0
        return 0


class _Closing(io.BufferedReader):
    """A zip member's stream that closes its archive with it."""

    def __init__(self, member: IO[bytes], archive: zipfile.ZipFile) -> None:
        super().__init__(member)  # type: ignore[arg-type]
        self._archive = archive

    def close(self) -> None:
        try:
            super().close()
        finally:
            self._archive.close()


class Decompressed(Raw):
    """The decompressed bytes of ``inner``: gzip (every member of a multi-member file), bzip2, xz or zstd.
    pyarrow decompresses gzip, bzip2 and zstd of a file without holding the GIL; xz (which pyarrow lacks)
    and streams that are not files go through Python's modules."""

    def __init__(self, inner: Raw, codec: str) -> None:
        self.inner, self.codec, self.name = inner, codec, inner.name
        self._last: Any = None

    def open(self) -> IO[bytes]:
        f = self.inner.open()
        if self.codec == "gzip":
            return gzip.GzipFile(fileobj=f)  # type: ignore[return-value]
        if self.codec == "bz2":
            return bz2.BZ2File(f)
        if self.codec == "xz":
            return lzma.LZMAFile(f)
        # no zstd in the standard library before Python 3.14: pyarrow's codec
        stream = pa.CompressedInputStream(pa.PythonFile(f, mode="r"), "zstd")
        return io.BufferedReader(_View(stream, owns=True))

    def arrow_stream(self) -> pa.NativeFile:
        if self.inner.path is not None and self.codec in ("gzip", "bz2", "zstd"):
            self._last = pa.OSFile(str(self.inner.path))
            return pa.CompressedInputStream(self._last, self.codec)
        self._last = None
        return pa.PythonFile(self.open(), mode="r")

    def consumed(self) -> int:
        if self._last is not None:
            with contextlib.suppress(Exception):
                return int(self._last.tell())
        return self.inner.consumed()


class Renamed(Raw):
    """``raw`` (a spool) under the name of the source it copies."""

    def __init__(self, raw: Raw, name: str, was: Raw) -> None:
        self.raw, self.name, self.path, self.was = raw, name, raw.path, was

    def open(self) -> IO[bytes]:
        return self.raw.open()

    def arrow_stream(self) -> pa.NativeFile:
        return self.raw.arrow_stream()

    def consumed(self) -> int:
        return self.raw.consumed()

    def close(self) -> None:
        self.raw.close()
        self.was.close()


def local(raw: Raw) -> Raw:
    """``raw`` as a local file (zip archives and workbooks are read at random): spooled unless it is one."""
    if raw.path is not None:
        return raw
    with raw.open() as f:
        spool = SpoolRaw(f, raw.name)
    return Renamed(spool, raw.name, raw)


def head(raw: Raw | Path, n: int) -> bytes:
    """The first ``n`` bytes (fewer if the source is shorter)."""
    with open_binary(raw) as f:
        out = bytearray()
        while len(out) < n:
            chunk = f.read(n - len(out))
            if not chunk:
                break
            out += chunk
        return bytes(out)


def open_binary(src: Raw | str | os.PathLike[str]) -> IO[bytes]:
    """A new binary stream of a :class:`Raw` source or a path, from its first byte."""
    if isinstance(src, Raw):
        return src.open()
    return open(src, "rb")


def name_of(src: Raw | str | os.PathLike[str]) -> str:
    return src.name if isinstance(src, Raw) else str(src)
