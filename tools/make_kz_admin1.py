#!/usr/bin/env python3
"""Regenerate kz_admin1.geojson: Kazakhstan's 20 first-level units (post-2022), simplified.

This is a build-time tool. kzevents never runs it and never downloads anything: the package ships
its output, and this script only documents and reproduces how that output was made from a local
copy of the source files.

Source (see SOURCE.md for licence, attribution and the full provenance chain)
    repository  https://github.com/arodionoff/geokz  (R package "geokz" 1.0.2, licence CC BY 4.0)
    commit      41c1a00454ec9e01bda031b5074920bd82de02ce  (2024-07-01, "geokz 1.0.2")
    files       inst/shape/kaz_admbnda_adm1_2024.{shp,shx,dbf,prj,cpg}
    get them    git clone https://github.com/arodionoff/geokz && cd geokz &&
                git checkout 41c1a00454ec9e01bda031b5074920bd82de02ce
                (or download the five files from
                https://github.com/arodionoff/geokz/tree/41c1a00454ec9e01bda031b5074920bd82de02ce/inst/shape)

Usage
    python tools/make_kz_admin1.py --src DIR_WITH_THE_FIVE_FILES --admin1 data/admin1.toml \
        --out data/boundaries/kz_admin1.geojson

Requirements (versions the shipped file was built with; other versions may move a vertex or two,
which is why the script prints a warning instead of failing):
    Python 3.11, shapely 2.1.x/2.2.x with GEOS 3.14, pyshp 3.x

Method
    1. Check the sha256 of every input file (refuse to run on anything else).
    2. Read the 20 polygons (EPSG:4326). Drop zero-area sliver holes/parts (< MIN_RING_AREA).
    3. Split the polygons' boundaries into shared arcs (each border between two units, and each
       stretch of the country's outline, is one arc), simplify every arc once with Douglas-Peucker
       (TOLERANCE_DEG, arc end points fixed), round to DECIMALS, and rebuild the polygons from the
       simplified arcs. Neighbours therefore keep exactly the same border: no gaps, no overlaps.
    4. Assign each rebuilt face to the unit it overlaps most; drop faces smaller than MIN_PART_AREA
       (a guard: at the default settings none is dropped, all 57 source parts survive, Caspian islets
       included).
    5. Write one Feature per unit, sorted by code, with the properties
       code (ISO 3166-2:KZ numeric, as in data/admin1.toml), name (kzevents' display name from
       data/admin1.toml), source_id (geokz ADM1_PCODE), source_kato (KATO code), source_name
       (geokz ADM1_EN), source_name_ru (ADM1_RU).
    --vintage 2011 instead dissolves Abai into East Kazakhstan, Jetisu into Almaty Region, Ulytau
    into Karaganda and Shymkent into South Kazakhstan (16 units, legacy alpha codes); the cities keep
    their current extents, so this only approximates the 2011-2012 map.
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import json
import sys
import tomllib
from pathlib import Path

import shapefile  # pyshp
import shapely
from shapely.geometry import MultiPolygon, Polygon, mapping, shape

# --- pinned input -------------------------------------------------------------------------------
SOURCE_REPOSITORY = "https://github.com/arodionoff/geokz"
SOURCE_COMMIT = "41c1a00454ec9e01bda031b5074920bd82de02ce"
SOURCE_PATH = "inst/shape/kaz_admbnda_adm1_2024"
SOURCE_SHA256 = {
    ".shp": "e9cd4e520b263ebe2f984be026b25850be56853ecf6e623ab041cf21d0dfe6f7",
    ".shx": "4bf4bbbd34a272c4fd43a482b190d2f57d4fe6d5cf97b9657f65eef4a07ef684",
    ".dbf": "d54e7f6e68e2a0f8778b8231aba861d77794b38f0a4fc009006ac67a2010fd95",
    ".prj": "a02a27b1d1982c8516d83398e85a3c8b1aef1713c13ef4d84d7bde17430c07c4",
    ".cpg": "3ad3031f5503a4404af825262ee8232cc04d4ea6683d42c5dd0a2f2a27ac9824",
}
EXPECTED_UNITS = 20

# --- simplification settings ----------------------------------------------------------------------
TOLERANCE_DEG = 0.01  # Douglas-Peucker tolerance on each shared arc, degrees (~1.1 km N-S, ~0.8 km E-W)
DECIMALS = 4  # coordinates rounded to 1e-4 degree (~10 m) after simplification
MIN_RING_AREA = 1e-6  # deg^2 (~0.01 km^2): source sliver holes/parts below this are removed first
MIN_PART_AREA = 5e-5  # deg^2 (~0.4 km^2): guard, rebuilt faces below this are dropped (none at 0.01)

ATTRIBUTION = (
    "Administrative boundaries: geokz 1.0.2 by Alexander Rodionov (CC BY 4.0), "
    "based on the OCHA/UNHCR Kazakhstan COD-AB (HDX cod-ab-kaz); simplified by kzevents"
)

# --vintage 2011: dissolve the post-2018/2022 units back into the 16 units of 2011-2012 (legacy codes).
# City extents stay as in the source (Almaty and Astana grew after 2012), so this is an approximation.
DISSOLVE_2011 = {"KZ-10": "KZ-63", "KZ-33": "KZ-19", "KZ-62": "KZ-35", "KZ-79": "KZ-61"}
NAMES_2011 = {"KZ-61": "South Kazakhstan"}

BUILT_WITH = {"shapely": "2.2.0", "geos": "3.14.1", "pyshp": "3.1.6"}


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def check_inputs(stem: Path) -> None:
    for ext, digest in SOURCE_SHA256.items():
        path = stem.with_suffix(ext)
        if not path.is_file():
            sys.exit(f"missing input {path}")
        got = sha256(path)
        if got != digest:
            sys.exit(f"{path}: sha256 {got} is not the pinned {digest}")


def read_units(stem: Path) -> list[dict]:
    reader = shapefile.Reader(str(stem), encoding="utf-8")
    units = []
    for rec in reader.iterShapeRecords():
        props = rec.record.as_dict()
        geom = shape(rec.shape.__geo_interface__)
        if not geom.is_valid:
            geom = shapely.make_valid(geom)
        units.append({"props": props, "geom": clean(geom, MIN_RING_AREA)})
    if len(units) != EXPECTED_UNITS:
        sys.exit(f"expected {EXPECTED_UNITS} units, read {len(units)}")
    return units


def polygons(geom) -> list[Polygon]:
    if geom.is_empty:
        return []
    if isinstance(geom, Polygon):
        return [geom]
    if isinstance(geom, MultiPolygon):
        return list(geom.geoms)
    return [g for part in geom.geoms for g in polygons(part)]  # GeometryCollection


def clean(geom, min_area: float):
    """Drop parts and holes smaller than min_area (deg^2)."""
    parts = []
    for poly in polygons(geom):
        if poly.area < min_area:
            continue
        holes = [ring for ring in poly.interiors if Polygon(ring).area >= min_area]
        parts.append(Polygon(poly.exterior, holes))
    return MultiPolygon(parts) if len(parts) > 1 else parts[0]


def shared_arcs(geoms) -> list[shapely.LineString]:
    """Boundaries of all units, noded and merged into arcs between junctions."""
    noded = shapely.union_all([g.boundary for g in geoms])
    merged = shapely.line_merge(noded)
    return list(getattr(merged, "geoms", [merged]))


def simplify_arc(arc: shapely.LineString) -> list[tuple[float, float]]:
    simple = arc.simplify(TOLERANCE_DEG, preserve_topology=True)
    coords = [(round(x, DECIMALS), round(y, DECIMALS)) for x, y in simple.coords]
    dedup = [coords[0]] + [c for prev, c in itertools.pairwise(coords) if c != prev]
    if arc.is_closed and len(dedup) < 4:
        # a small closed ring (an exclave) collapsed: keep it at the original resolution
        dedup = [(round(x, DECIMALS), round(y, DECIMALS)) for x, y in arc.coords]
    return dedup


def rebuild(units: list[dict]) -> dict[int, object]:
    geoms = [u["geom"] for u in units]
    arcs = [simplify_arc(a) for a in shared_arcs(geoms)]
    lines = [shapely.LineString(c) for c in arcs if len(c) >= 2]
    noded = shapely.union_all(lines)  # re-node: rounding could in principle create new crossings
    faces = list(shapely.polygonize(list(getattr(noded, "geoms", [noded]))).geoms)
    tree = shapely.STRtree(geoms)
    owner_parts: dict[int, list[Polygon]] = {i: [] for i in range(len(units))}
    for face in faces:
        if face.area < MIN_PART_AREA:
            continue
        candidates = tree.query(face)
        best, best_area = None, 0.0
        for i in candidates:
            area = face.intersection(geoms[i]).area
            if area > best_area:
                best, best_area = int(i), area
        if best is None or best_area < 0.5 * face.area:
            continue  # a face outside every unit: an enclosed gap (lake ring etc.), not part of a unit
        owner_parts[best].append(face)
    out = {}
    for i, parts in owner_parts.items():
        merged = shapely.union_all(parts)
        merged = shapely.set_precision(merged, 10**-DECIMALS)  # exact grid, no new vertices
        merged = shapely.orient_polygons(merged)  # RFC 7946: exterior rings counter-clockwise
        if not merged.is_valid or merged.is_empty:
            sys.exit(f"unit {units[i]['props']['ADM1_EN']}: invalid geometry after simplification")
        out[i] = merged
    return out


def dissolve_2011(features: list[dict], admin1: dict) -> list[dict]:
    legacy = {u["code"]: u.get("legacy") for u in admin1["unit"]}
    names = {u["code"]: u["name"] for u in admin1["unit"]}
    groups: dict[str, list[dict]] = {}
    for f in features:
        code = f["properties"]["code"]
        groups.setdefault(DISSOLVE_2011.get(code, code), []).append(f)
    out = []
    for parent, members in groups.items():
        geom = shapely.set_precision(
            shapely.union_all([shape(m["geometry"]) for m in members]), 10**-DECIMALS
        )
        geom = shapely.orient_polygons(geom)
        out.append(
            {
                "type": "Feature",
                "properties": {
                    "code": legacy[parent],
                    "name": NAMES_2011.get(parent, names[parent]),
                    "code_current": parent,
                    "members": sorted(m["properties"]["code"] for m in members),
                },
                "geometry": mapping(geom),
            }
        )
    return out


def load_admin1(path: Path) -> dict[str, str]:
    table = tomllib.loads(path.read_text(encoding="utf-8"))
    return {u["code"]: u["name"] for u in table["unit"]}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--src", type=Path, required=True, help="directory holding kaz_admbnda_adm1_2024.*")
    ap.add_argument("--admin1", type=Path, required=True, help="kzevents data/admin1.toml")
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument(
        "--vintage",
        choices=["current", "2011"],
        default="current",
        help="current: the 20 units since 2022 (default); 2011: dissolved to the 16 units of 2011",
    )
    args = ap.parse_args(argv)

    versions = {
        "shapely": shapely.__version__,
        "geos": shapely.geos_version_string,
        "pyshp": shapefile.__version__,
    }
    if versions != BUILT_WITH:
        print(
            f"warning: built with {BUILT_WITH}, running {versions}; output may differ slightly",
            file=sys.stderr,
        )

    stem = args.src / Path(SOURCE_PATH).name
    check_inputs(stem)
    units = read_units(stem)
    names = load_admin1(args.admin1)
    simplified = rebuild(units)

    features = []
    for i, unit in enumerate(units):
        p = unit["props"]
        code = f"KZ-{p['ADM1_PCODE'][2:]}"  # geokz ADM1_PCODE "KZ10" = ISO 3166-2 numeric "KZ-10"
        if code not in names:
            sys.exit(f"{p['ADM1_EN']}: code {code} is not in {args.admin1}")
        features.append(
            {
                "type": "Feature",
                "properties": {
                    "code": code,
                    "name": names[code],
                    "source_id": p["ADM1_PCODE"],
                    "source_kato": p["KATO"],
                    "source_name": p["ADM1_EN"],
                    "source_name_ru": p["ADM1_RU"],
                },
                "geometry": mapping(simplified[i]),
            }
        )
    if args.vintage == "2011":
        features = dissolve_2011(features, tomllib.loads(args.admin1.read_text(encoding="utf-8")))
    features.sort(key=lambda f: f["properties"]["code"])
    missing = set(names) - {f["properties"]["code"] for f in features}
    if args.vintage == "2011":
        missing = set()
    if missing:
        sys.exit(f"admin1.toml units without a polygon: {sorted(missing)}")

    collection = {
        "type": "FeatureCollection",
        "name": "kz_admin1",
        "attribution": ATTRIBUTION,
        "license": "CC-BY-4.0",
        "source": f"{SOURCE_REPOSITORY}/tree/{SOURCE_COMMIT}/{SOURCE_PATH}.shp",
        "simplification": f"shared-arc Douglas-Peucker {TOLERANCE_DEG} deg, {DECIMALS} decimals",
        "features": features,
    }
    text = json.dumps(collection, ensure_ascii=False, separators=(",", ":"))
    # one feature per line keeps diffs of a regenerated file readable
    text = text.replace(',{"type":"Feature"', ',\n{"type":"Feature"').replace(
        '"features":[{', '"features":[\n{'
    )
    args.out.write_text(text + "\n", encoding="utf-8")
    n_coords = sum(len(shapely.get_coordinates(shape(f["geometry"]))) for f in features)
    print(
        f"wrote {args.out}: {len(features)} units, {n_coords} vertices, "
        f"{args.out.stat().st_size} bytes, sha256 {sha256(args.out)}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
