"""Access to the files shipped inside the package (``data/``, ``schemas/``, ``exporters/``).

In an installed wheel they live at ``kzevents/data`` etc. and are reached through
:mod:`importlib.resources`. In a source checkout installed in editable mode they are the top-level
directories of the repository; that is the only case where the repository layout is used.
"""

from __future__ import annotations

import functools
import json
import tomllib
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any


@functools.cache
def resource_dir(name: str) -> Traversable:
    """The shipped directory ``name`` (``"data"``, ``"schemas"`` or ``"exporters"``)."""
    packaged = files("kzevents").joinpath(name)
    if packaged.is_dir():
        return packaged
    checkout = Path(__file__).resolve().parents[2] / name  # editable install of a source checkout
    if checkout.is_dir() and (checkout.parent / "pyproject.toml").is_file():
        return checkout
    raise FileNotFoundError(f"kzevents resource directory {name!r} is missing from the installation")


def read_text(directory: str, filename: str) -> str:
    return resource_dir(directory).joinpath(filename).read_text(encoding="utf-8")


@functools.cache
def load_toml(directory: str, filename: str) -> dict[str, Any]:
    return tomllib.loads(read_text(directory, filename))


@functools.cache
def load_json(directory: str, filename: str) -> Any:
    return json.loads(read_text(directory, filename))


def schema(name: str) -> dict[str, Any]:
    """The JSON Schema ``schemas/<name>.schema.json``."""
    result: dict[str, Any] = load_json("schemas", f"{name}.schema.json")
    return result
