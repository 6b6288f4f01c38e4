"""What a format plugin is: its layouts and everything the engines need to read, check and write it.

Each ``formats/<name>/__init__.py`` builds one :class:`Format` (``FORMAT``) from its modules — ``layouts``
(the column lists of each release), ``read`` (the normaliser: a batch of string columns -> the canonical
table), ``export`` (the named functions ``exporters/<name>.toml`` refers to) and ``rules`` (the cross-field
rules JSON Schema cannot say) — and :mod:`kzevents.formats.registry` lists the plugins. The engines
(:mod:`~kzevents.formats.detect`, :mod:`~kzevents.formats.reader`, :mod:`~kzevents.formats.check`, the
crosswalk and the writers) only ever ask a :class:`Format`; none of them names a format.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

import attrs
import pyarrow as pa

from kzevents.formats.normalise import Issues
from kzevents.validation.engine import Rule


@attrs.frozen
class Layout:
    """One column layout of a format (a release's header), detected from a file's header by name."""

    format: str
    name: str
    columns: tuple[str, ...]
    description: str
    encoding: str = "utf-8"
    has_header: bool = True  # False: line 1 is data and ``columns`` name the fields
    # how this layout departs from the format's JSON Schema, column by column: a pattern of its own, or
    # None where the column follows an older coding the schema does not describe (not checked)
    schema_overrides: tuple[tuple[str, str | None], ...] = ()
    unique_ids: bool = True  # False: one event spans several rows (the id repeats by design)
    # rows of one event spread over several rows (monadic ACLED): merged into one canonical row per id by
    # ``collapse``, and counted in the read report under ``collapse_label``
    collapse: Callable[[pa.Table], pa.Table] | None = None
    collapse_label: str = ""

    def names(self, header: list[str]) -> list[str]:
        """The field names to read the file with (an unnamed index column gets a placeholder name)."""
        if not self.has_header:
            return list(self.columns)
        return [h if h else f"_unnamed{i}" for i, h in enumerate(header)]


# a batch of string columns (as the CSV reader gives them) -> the canonical table
Normaliser = Callable[[pa.Table, Layout, Issues, Counter[str]], pa.Table]


@attrs.frozen
class Format:
    """A dataset format: ``exporters/<name>.toml`` (its crosswalk), ``schemas/<name>.schema.json`` (its row
    contract) and the code in ``formats/<name>/``."""

    name: str
    layouts: tuple[Layout, ...]
    normalise: Normaliser
    rules: Rule  # cross-field rules over a batch of string columns
    id_column: str  # the event identifier: unique in a file, the primary key of the export
    read_columns: frozenset[str]  # the columns the normaliser reads (the others are parsed, not decoded)
    read_coded: frozenset[str] = frozenset()  # ... of which these are decoded as dictionaries
    check_coded: frozenset[str] = frozenset()  # columns validated as dictionaries (few distinct values)
    # whether a file with this header may be Latin-1 (GTD's own file is); otherwise only UTF-8 is read
    latin1: Callable[[list[str]], bool] | None = None
    # a layout for files without a header row, recognised by their first line (None: always a header)
    headerless: Callable[[list[str]], Layout | None] | None = None
    # a step before the schema checks (e.g. ACLED's other date spellings as ISO dates)
    before_check: Callable[[pa.Table], pa.Table] | None = None
    # the columns holding dates a spreadsheet may have re-written as 4/1/2025 (their day/month order is
    # decided once per file, kzevents.formats.artefacts)
    date_columns: frozenset[str] = frozenset()
