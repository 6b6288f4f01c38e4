"""Pictures of the dataset, drawn from the canonical table: a map of the incidents over Kazakhstan's
first-level units and a timeline of incidents and fatalities per month.

The map draws the units of ``data/boundaries/kz_admin1.geojson`` (shipped with the package: geokz /
OCHA COD-AB, CC BY 4.0, see its SOURCE.md; nothing is downloaded), one marker per incident placed below
the country level (its size by fatalities, its colour by event type, its shape by what the point stands
for: filled where the point is the place itself, hollow where it is near it or stands for a nearby place
or an area, a diamond where only the region is known); incidents known only at country level are counted
in the caption, not drawn. The timeline stacks incidents and fatalities (best) per month by event type,
with the month's low-high range as error bars.

matplotlib is an extra (``pip install 'kzevents[plot]'``); it is imported when a picture is drawn. No
pyplot: each figure is its own Agg canvas, so nothing global is touched. Files go through the atomic
writer and carry their counts in the PNG metadata (``kzevents-markers``...), which the tests read.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from collections import Counter, defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import attrs
import pyarrow as pa

from kzevents.dataset.load import load
from kzevents.dataset.model import Dataset
from kzevents.errors import UsageError
from kzevents.io.atomic import atomic_write_bytes
from kzevents.io.paths import ensure_folder
from kzevents.outputs.writer import canonical
from kzevents.resources import resource_dir

ATTRIBUTION = (
    "Boundaries: geokz 1.0.2 (A. Rodionov, CC BY 4.0), from the OCHA/UNHCR Kazakhstan COD-AB; "
    "units since 2022"
)
# what the point stands for -> marker: filled circle (the place), hollow circle (near it, a nearby place's
# point, an area's nominal point), hollow diamond (the region's point)
MARKERS = {
    "town": ("o", True, "exact place"),
    "near_town": ("o", False, "near a place, an area, or\na nearby place's point"),
    "town_nearby_point": ("o", False, None),
    "area": ("o", False, None),
    "region": ("D", False, "region only (its point)"),
}
DPI = 100
ALMATY = (76.25, 78.05, 42.95, 44.05)  # lon, lon, lat, lat of the inset: most incidents are around Almaty


@attrs.frozen
class Picture:
    path: str
    kind: str  # "map" | "timeline"
    counts: dict[str, int]


def _matplotlib() -> Any:
    try:
        import matplotlib  # an extra: imported when a picture is drawn, kept out of `import kzevents`
    except ModuleNotFoundError:
        raise UsageError("kzevents plot needs matplotlib: pip install 'kzevents[plot]'") from None
    return matplotlib


def _figure(width: float, height: float) -> Any:
    _matplotlib()
    from matplotlib.backends.backend_agg import FigureCanvasAgg  # the extra, on use (see _matplotlib)
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), dpi=DPI)
    FigureCanvasAgg(fig)
    return fig


def _colours(types: Sequence[str]) -> dict[str, Any]:
    import matplotlib as mpl  # the extra, on use (see _matplotlib)

    palette = mpl.colormaps["tab10"]
    return {t: palette(i % 10) for i, t in enumerate(types)}


def _save(fig: Any, path: Path, counts: dict[str, int]) -> None:
    buf = io.BytesIO()
    meta = {"Software": None, **{f"kzevents-{k}": str(v) for k, v in counts.items()}}
    fig.savefig(buf, format="png", dpi=DPI, metadata=meta, pil_kwargs={"optimize": True})
    atomic_write_bytes(path, buf.getvalue())


def boundaries() -> dict[str, Any]:
    """The first-level units (GeoJSON FeatureCollection, property ``code`` = ISO 3166-2:KZ)."""
    text = resource_dir("data").joinpath("boundaries", "kz_admin1.geojson").read_text(encoding="utf-8")
    result: dict[str, Any] = json.loads(text)
    return result


def _rings(geometry: dict[str, Any]) -> list[list[list[float]]]:
    polygons = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
    return [ring for polygon in polygons for ring in polygon]


def draw_map(table: pa.Table, path: Path) -> Picture:
    """The incidents over the first-level units."""
    from matplotlib.collections import PolyCollection  # the extra, on use (see _matplotlib)
    from matplotlib.lines import Line2D
    from matplotlib.patches import Rectangle

    cols = ["event_type", "geo_precision", "latitude", "longitude", "fatalities_best"]
    rows = table.select(cols).to_pylist()
    types = sorted({str(r["event_type"]) for r in rows})
    colour = _colours(types)
    fig = _figure(10.0, 5.4)
    ax = fig.add_axes((0.0, 0.07, 0.66, 0.85))
    rings = [ring for f in boundaries()["features"] for ring in _rings(f["geometry"])]

    def draw(axes: Any, extent: tuple[float, float, float, float]) -> Counter[str]:
        axes.add_collection(PolyCollection(rings, facecolors="#eeeeea", edgecolors="#9a9a9a", linewidths=0.5))
        drawn = Counter[str]()
        for precision, (shape, filled, _) in MARKERS.items():
            sel = [r for r in rows if r["geo_precision"] == precision and r["latitude"] is not None]
            if not sel:
                continue
            colours = [colour[str(r["event_type"])] for r in sel]
            axes.scatter(
                [r["longitude"] for r in sel],
                [r["latitude"] for r in sel],
                s=[24 + 14 * (r["fatalities_best"] or 0) for r in sel],
                marker=shape,
                c=colours if filled else "none",
                edgecolors=colours,
                linewidths=1.4,
                alpha=0.75,
                zorder=3,
            )
            drawn[precision] += len(sel)
        axes.set_xlim(extent[0], extent[1])
        axes.set_ylim(extent[2], extent[3])
        axes.set_aspect(1.45)  # about 1 / cos(46 degrees): Kazakhstan's mean latitude
        return drawn

    drawn = draw(ax, (46.0, 88.0, 40.2, 55.8))
    ax.set_axis_off()
    inset = fig.add_axes((0.455, 0.05, 0.25, 0.34))  # over China, south-east of the map
    draw(inset, ALMATY)
    inset.set_xticks([])
    inset.set_yticks([])
    inset.set_title("around Almaty", fontsize=7, loc="left")
    ax.add_patch(
        Rectangle((ALMATY[0], ALMATY[2]), ALMATY[1] - ALMATY[0], ALMATY[3] - ALMATY[2], fill=False, lw=0.6)
    )
    country = sum(1 for r in rows if r["geo_precision"] == "country")
    markers = sum(drawn.values())
    fig.text(0.01, 0.93, f"kzevents: {len(rows)} incidents, 2011-2012", fontsize=13)
    legend = fig.add_axes((0.71, 0.07, 0.28, 0.85))
    legend.set_axis_off()
    handles = [Line2D([], [], marker="o", ls="", color=colour[t], label=t.replace("_", " ")) for t in types]
    handles += [
        Line2D([], [], marker=m, ls="", mfc="#555555" if f else "none", mec="#555555", label=label)
        for m, f, label in MARKERS.values()
        if label
    ]
    handles += [
        Line2D([], [], marker="o", ls="", mfc="none", mec="#555555", ms=(24 + 14 * k) ** 0.5, label=label)
        for k, label in ((0, "no deaths"), (5, "5 killed"), (15, "15 killed"))
    ]
    legend.legend(handles=handles, loc="upper left", frameon=False, fontsize=8)
    fig.text(
        0.01,
        0.02,
        f"{markers} incidents drawn; {country} known only at country level are not. {ATTRIBUTION}.",
        fontsize=6.5,
        color="#555555",
    )
    counts = {"markers": markers, "country-level": country, "units": len(boundaries()["features"])}
    _save(fig, path, counts)
    return Picture(str(path), "map", counts)


def _months(start: dt.date, end: dt.date) -> list[tuple[int, int]]:
    out, (y, m) = [], (start.year, start.month)
    while (y, m) <= (end.year, end.month):
        out.append((y, m))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def draw_timeline(table: pa.Table, path: Path) -> Picture:
    """Incidents and fatalities per month, stacked by event type, low-high as error bars."""
    cols = ["event_type", "event_date", "fatalities_low", "fatalities_best", "fatalities_high"]
    rows = table.select(cols).to_pylist()
    types = sorted({str(r["event_type"]) for r in rows})
    colour = _colours(types)
    months = _months(min(r["event_date"] for r in rows), max(r["event_date"] for r in rows))
    index = {m: i for i, m in enumerate(months)}
    incidents: dict[str, list[int]] = defaultdict(lambda: [0] * len(months))
    deaths: dict[str, list[int]] = defaultdict(lambda: [0] * len(months))
    low, high = [0] * len(months), [0] * len(months)
    for r in rows:
        i = index[(r["event_date"].year, r["event_date"].month)]
        incidents[str(r["event_type"])][i] += 1
        deaths[str(r["event_type"])][i] += r["fatalities_best"] or 0
        low[i] += r["fatalities_low"] or 0
        high[i] += r["fatalities_high"] or 0
    fig = _figure(9.0, 5.2)
    top = fig.add_axes((0.07, 0.56, 0.66, 0.36))
    bottom = fig.add_axes((0.07, 0.12, 0.66, 0.36), sharex=top)
    x = list(range(len(months)))
    bars = 0
    for ax, series in ((top, incidents), (bottom, deaths)):
        base = [0] * len(months)
        for t in types:
            values = series[t]
            ax.bar(x, values, bottom=base, color=colour[t], width=0.8, label=t.replace("_", " "))
            bars += sum(1 for v in values if v)
            base = [b + v for b, v in zip(base, values, strict=True)]
    best = [sum(deaths[t][i] for t in types) for i in x]
    with_range = [i for i in x if high[i] > low[i]]
    bottom.errorbar(
        with_range,
        [best[i] for i in with_range],
        yerr=[[best[i] - low[i] for i in with_range], [high[i] - best[i] for i in with_range]],
        fmt="none",
        ecolor="#222222",
        capsize=3,
        linewidth=1,
    )
    top.set_ylabel("incidents")
    bottom.set_ylabel("killed (best; low-high)")
    bottom.set_xticks(x, [f"{m:02d}/{y % 100:02d}" for y, m in months], fontsize=7, rotation=90)
    top.tick_params(labelbottom=False)
    title = f"kzevents: incidents and fatalities per month ({len(rows)} incidents)"
    top.set_title(title, fontsize=11, loc="left")
    top.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False, fontsize=8)
    counts = {
        "months": len(months),
        "incidents": sum(sum(v) for v in incidents.values()),
        "fatalities": sum(best),
        "bars": bars,
        "error-bars": len(with_range),
    }
    _save(fig, path, counts)
    return Picture(str(path), "timeline", counts)


def plot(data: Dataset | pa.Table | None = None, out: str | Path = "plots") -> list[Picture]:
    """Draw the map (``kzevents_map.png``) and the timeline (``kzevents_timeline.png``) into ``out``."""
    _matplotlib()
    table = canonical(load() if data is None else data)
    if table.num_rows == 0:
        raise UsageError("nothing to plot: the table has no rows")
    out = ensure_folder(out)
    return [
        draw_map(table, out / "kzevents_map.png"),
        draw_timeline(table, out / "kzevents_timeline.png"),
    ]
