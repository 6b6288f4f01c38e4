"""``kzevents plot``: the map and the timeline are written, non-empty, with one marker per incident placed
below the country level; the shipped boundaries hold every gazetteer place in its own unit."""

from __future__ import annotations

import builtins
from pathlib import Path
from typing import Any

import pytest

import kzevents
from kzevents.cli import main

PNG = b"\x89PNG\r\n\x1a\n"


def _meta(path: Path) -> dict[str, str]:
    from PIL import Image  # a matplotlib dependency

    with Image.open(path) as im:
        assert im.size[0] >= 800 and im.size[1] >= 400
        return {k: str(v) for k, v in im.text.items()}


def test_plot_writes_the_map_and_the_timeline(tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    assert main(["plot", "--out", str(tmp_path)]) == 0
    ds = kzevents.load()
    mapped = [inc for inc in ds if inc.place_precision.value != "country"]
    for name in ("kzevents_map.png", "kzevents_timeline.png"):
        data = (tmp_path / name).read_bytes()
        assert data.startswith(PNG) and len(data) > 20_000, name
    the_map = _meta(tmp_path / "kzevents_map.png")
    assert int(the_map["kzevents-markers"]) == len(mapped)  # one marker per incident placed in a unit
    assert int(the_map["kzevents-country-level"]) == len(ds) - len(mapped)
    assert int(the_map["kzevents-units"]) == 20  # the first-level units since 2022
    timeline = _meta(tmp_path / "kzevents_timeline.png")
    assert int(timeline["kzevents-incidents"]) == len(ds)
    assert int(timeline["kzevents-fatalities"]) == sum(inc.fatalities.best for inc in ds)
    ranges = {(i.date.start.year, i.date.start.month) for i in ds if i.fatalities.high > i.fatalities.low}
    assert int(timeline["kzevents-error-bars"]) == len(ranges)  # a low-high bar for each such month


def test_without_matplotlib_a_one_line_hint(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    real = builtins.__import__

    def no_matplotlib(name: str, *args: Any, **kwargs: Any) -> Any:
        if name.split(".")[0] == "matplotlib":
            raise ModuleNotFoundError(f"No module named {name!r}")
        return real(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_matplotlib)
    assert main(["plot", "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == ["kzevents: error: kzevents plot needs matplotlib: pip install 'kzevents[plot]'"]
    assert not list(tmp_path.iterdir())


def _inside(lon: float, lat: float, ring: list[list[float]]) -> bool:
    """Ray casting: whether the point is inside the ring."""
    inside = False
    for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True):
        if (y1 > lat) != (y2 > lat) and lon < x1 + (lat - y1) * (x2 - x1) / (y2 - y1):
            inside = not inside
    return inside


def test_every_place_lies_in_its_units_polygon() -> None:
    from kzevents.outputs.plots import boundaries

    units: dict[str, list[list[list[list[float]]]]] = {}
    for f in boundaries()["features"]:
        g = f["geometry"]
        polygons = g["coordinates"] if g["type"] == "MultiPolygon" else [g["coordinates"]]
        units[f["properties"]["code"]] = polygons
    for place in kzevents.load().places.values():
        if place.admin1 is None:
            continue  # the country
        polygons = units[place.admin1]
        hit = any(
            _inside(place.longitude, place.latitude, poly[0])
            and not any(_inside(place.longitude, place.latitude, hole) for hole in poly[1:])
            for poly in polygons
        )
        assert hit, (place.id, place.admin1)
