"""What a spreadsheet (or pandas) leaves in a file it re-saved: integers written as decimals (``3.0``) and
dates written with slashes (``4/1/2025``, ``01/04/2025``), whose day/month order is decided once per file
from the data: a first number above 12 means day first (dmy), a second above 12 month first (mdy); a file
with both, or where every slash date reads both ways, is an error asking for ``--date-order dmy|mdy``."""

from __future__ import annotations

import contextvars

import attrs
import pyarrow as pa
import pyarrow.compute as pc

from kzevents.arrays import FALSE, holds_byte, lit
from kzevents.errors import DataError, Problem

INTEGRAL_DECIMAL = r"^\s*-?[0-9]+\.0+\s*$"
SLASH = r"^\s*(?P<a>[0-9]{1,2})/(?P<b>[0-9]{1,2})/(?P<y>[0-9]{4}|[0-9]{2})(?: 0?0:00(?::00)?)?\s*$"
INTEGRAL_LABEL = "integers written as decimals (3.0 read as 3)"
ORDERS = ("dmy", "mdy")
# the day/month order of the file being read ("dmy", "mdy", or None: no slash dates decided yet); set by
# the reader and the validator around each batch's work
DATE_ORDER: contextvars.ContextVar[str | None] = contextvars.ContextVar("date_order", default=None)


def integral_decimals(a: pa.Array) -> tuple[pa.Array, pa.Array | None]:
    """``a`` with each integral decimal ("3.0", "-12.00") written as the integer, and the mask of those
    cells (None when there is none). A real decimal ("3.5") is left for the integer rule to refuse."""
    if a.type != pa.string():
        a = a.cast(pa.string())
    if not holds_byte(a, 0x2E):  # no "." anywhere (one look at the buffer; most integer columns)
        return a, None
    hit = pc.fill_null(pc.match_substring_regex(a, INTEGRAL_DECIMAL), FALSE)
    if not pc.any(hit).as_py():
        return a, None
    stripped = pc.replace_substring_regex(pc.utf8_trim_whitespace(a), r"\.0+$", "")
    return pc.if_else(hit, stripped, a), hit


def has_slash_dates(values: pa.Array) -> bool:
    if not holds_byte(values, 0x2F):  # no "/" anywhere: the pattern need not run (most files)
        return False
    return bool(pc.any(pc.fill_null(pc.match_substring_regex(values, SLASH), FALSE)).as_py())


@attrs.define
class DateOrder:
    """The evidence a file's slash dates give about their day/month order."""

    file: str
    given: str | None = None  # --date-order
    dmy: str | None = None  # a date only day/month reads (13/1/2025)
    mdy: str | None = None
    either: str | None = None  # one that reads both ways (4/1/2025)
    column: str | None = None

    def observe(self, values: pa.Array, column: str) -> None:
        """Feed a column's values (only slash dates count)."""
        values = pc.unique(values.cast(pa.string()))
        parts = pc.extract_regex(pc.fill_null(values, lit("", pa.string())), SLASH)
        valid = pc.is_valid(parts)
        if not pc.any(valid).as_py():
            return
        parts, text = parts.filter(valid), values.filter(valid)
        a = pc.cast(parts.field("a"), pa.int32())
        b = pc.cast(parts.field("b"), pa.int32())
        twelve = lit(12, pa.int32())
        masks = {
            "dmy": pc.and_(pc.greater(a, twelve), pc.less_equal(b, twelve)),
            "mdy": pc.and_(pc.greater(b, twelve), pc.less_equal(a, twelve)),
            "either": pc.and_(
                pc.and_(pc.less_equal(a, twelve), pc.less_equal(b, twelve)), pc.not_equal(a, b)
            ),
        }
        for kind, mask in masks.items():
            if getattr(self, kind) is None and pc.any(mask).as_py():
                setattr(self, kind, text.filter(mask)[0].as_py())
                self.column = self.column or column

    def decide(self) -> str:
        """The order ("dmy", "mdy"; "dmy" too when every slash date has day = month), or a DataError."""
        if self.given is not None:
            return self.given
        if self.dmy and self.mdy:
            message = (
                f"slash dates in both orders: {self.dmy!r} is day/month, {self.mdy!r} month/day; "
                "fix the file or give --date-order dmy|mdy"
            )
            raise DataError([Problem("date-order", message, self.file, column=self.column)])
        if self.dmy or self.mdy:
            return "dmy" if self.dmy else "mdy"
        if self.either:
            message = (
                f"slash dates such as {self.either!r} read as day/month or as month/day and no date in the "
                "file tells which: give --date-order dmy|mdy"
            )
            raise DataError(
                [Problem("date-order", message, self.file, column=self.column, value=self.either)]
            )
        return "dmy"


def slash_dates(a: pa.Array, order: str) -> tuple[pa.Array, pa.Array]:
    """(date32, null where not a real date; mask of slash-shaped cells) in ``order``. Two-digit years as
    Python's %y reads them (69-99 -> 19xx, 00-68 -> 20xx); 31/6 is not a date."""
    parts = pc.extract_regex(pc.fill_null(a, lit("", pa.string())), SLASH)
    shaped = pc.fill_null(pc.is_valid(parts), FALSE)
    month_key, day_key = ("b", "a") if order == "dmy" else ("a", "b")

    def part(key: str, stand_in: str) -> pa.Array:  # (a cell of another shape gets a stand-in)
        return pc.if_else(shaped, parts.field(key), lit(stand_in, pa.string()))

    month = pc.utf8_lpad(part(month_key, "1"), 2, "0")
    day = pc.utf8_lpad(part(day_key, "1"), 2, "0")
    y = part("y", "2000")
    yi = pc.cast(y, pa.int32())
    century = pc.if_else(pc.greater(yi, lit(68, pa.int32())), lit(1900, pa.int32()), lit(2000, pa.int32()))
    short = pc.equal(pc.utf8_length(y), lit(2, pa.int32()))
    y4 = pc.if_else(short, pc.cast(pc.add(yi, century), pa.string()), y)
    iso = pc.binary_join_element_wise(y4, month, day, lit("-", pa.string()))
    parsed = pc.strptime(iso, format="%Y-%m-%d", unit="s", error_is_null=True)
    good = pc.fill_null(pc.and_(shaped, pc.equal(pc.strftime(parsed, format="%Y-%m-%d"), iso)), FALSE)
    return pc.if_else(good, pc.cast(parsed, pa.date32()), lit(None, pa.date32())), shaped
