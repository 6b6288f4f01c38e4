"""Normalisers for GTD and UCDP GED files (filled in by the readers for those formats)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

import pyarrow as pa

NORMALISERS: dict[str, Callable[[pa.Table, Any, Any, Counter[str]], pa.Table]] = {}
