"""A realistic synthetic world of two conflict-event datasets for the matching benchmark: an ACLED-like
dataset A and a GED-like dataset B that observe one latent set of events, as canonical tables (with the
columns the readers fill), and the true pairs.

What makes it realistic (issue 18), with the rates measured on the real samples in ../shared/external/
(``match_bench.py`` prints each real figure beside the synthetic one):

- most events have no counterpart: A sees every kind of event (protests, riots, strategic developments,
  violence), B only fatal, organised violence with a named perpetrator, and each misses some;
- dense clusters of distinct events: hotspot towns get many times the event rate, with the same actor
  pair, so a B event has many near, same-day, same-actor A events that are not it;
- actor names differ: A writes "Military Forces of X (2019-)" / "ABC: Long Name" / "Unidentified Armed
  Group (X)"; B writes "Government of X" and, for groups, the same name, the acronym, a misspelt name or a
  different (translated) name, in the shares measured on the crosswalk's entries;
- region-level points and vague dates in the real files' shares (A geo_precision, time_precision; B
  where_prec, date_prec); A's "casualties unknown" zeros; neighbourhoods named in some texts.

Everything is vectorised (NumPy, Arrow): 2.4 million rows take about a minute.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from kzevents import table as canonical

# --- rates measured on the real samples (match_bench.py measures them again when ../shared is present) ---
A_GEO = {"1": 0.765, "2": 0.213, "3": 0.022}  # ACLED geo_precision, 2022 sample (6,881 / 1,919 / 200)
A_TIME = {"1": 0.945, "2": 0.053, "3": 0.002}  # ACLED time_precision (8,504 / 478 / 18)
B_WHERE = {"1": 0.475, "2": 0.232, "3": 0.14, "4": 0.105, "5": 0.035, "6": 0.013}  # GED where_prec (7 -> 6)
B_DATE = {"1": 0.849, "2": 0.107, "3": 0.007, "4": 0.023, "5": 0.014}  # GED date_prec
B_LOW_BELOW_BEST, B_HIGH_ABOVE_BEST = 0.052, 0.150  # GED rows with low < best (52 / 1,000), high > best (150)
A_UNKNOWN_CASUALTIES = 0.12  # of ACLED's zero-fatality rows, "casualties unknown" (931 / 7,675)
A_UNIDENTIFIED = 0.26  # ACLED violent events whose actor1 is "Unidentified ..." (794 / 3,072)
# how GED names a group that ACLED names "ABC: Long Name": the 58 crosswalk groups named by both
# (same name after normalisation 9, GED = ACLED's acronym 27, fuzzy >= 90 6, only the crosswalk links 16)
B_NAME_STYLE = {"same": 9 / 58, "acronym": 27 / 58, "fuzzy": 6 / 58, "translated": 16 / 58}
NEIGHBOURHOOD_SHARE = 0.05  # texts naming a neighbourhood (ACLED 462 / 9,000, GED 41 / 1,000)
# what happens, latent (ACLED 2022 sample: protests 53 %, riots 6 %, strategic developments 7 %, battles
# 11 %, explosions 13 %, violence against civilians 11 %)
NATURES = ("protest", "riot", "strategic", "clash", "remote", "one_sided")
NATURE_P = (0.53, 0.06, 0.07, 0.11, 0.12, 0.11)
ACLED_TYPES = {
    "protest": ("Protests", "Peaceful protest"),
    "riot": ("Riots", "Violent demonstration"),
    "strategic": ("Strategic developments", "Looting/property destruction"),
    "clash": ("Battles", "Armed clash"),
    "remote": ("Explosions/Remote violence", "Shelling/artillery/missile attack"),
    "one_sided": ("Violence against civilians", "Attack"),
}
P_A, P_B = 0.85, 0.6  # A sees any event with P_A; B sees a fatal organised one with P_B
BASE = dt.date(1970, 1, 1)

_CONS, _VOW = "bcdfgklmnprstvz", "aeiou"


def _words(rng: np.random.Generator, n: int, lo: int = 4, hi: int = 9) -> list[str]:
    out = []
    for _ in range(n):
        k = int(rng.integers(lo, hi))
        out.append(
            "".join(
                (_CONS if i % 2 == 0 else _VOW)[int(rng.integers(0, 15 if i % 2 == 0 else 5))]
                for i in range(k)
            ).capitalize()
        )
    return out


def _misspell(rng: np.random.Generator, name: str) -> str:
    w = list(name)
    vowels = [i for i, c in enumerate(w) if c in "aeiou"]
    if vowels:
        i = vowels[int(rng.integers(0, len(vowels)))]
        w[i] = "aeiou"[("aeiou".index(w[i]) + 1) % 5]
    return "".join(w)


@dataclass
class Zone:
    iso3: str
    country: str
    rate: float  # latent events a year
    admin1: list[str]
    admin1_xy: np.ndarray  # (P, 2) lat, lon
    town: list[str]
    town_xy: np.ndarray  # (T, 2)
    town_admin1: np.ndarray
    town_admin2: np.ndarray  # index into admin2
    admin2: list[str]
    admin2_xy: np.ndarray
    weight: np.ndarray  # town weights (hotspots), sum 1
    groups_a: list[str]
    groups_b: list[str]
    styles: list[str]
    pubs: list[str]
    hoods: list[list[str]] = field(default_factory=list)


def _countries() -> list[tuple[str, str]]:
    """Real country names (so that "Government of X" resolves as in real data), in a fixed order."""
    import pycountry

    out = [(c.alpha_3, c.name) for c in pycountry.countries if "," not in c.name and "(" not in c.name]
    return sorted(out)


def world(rng: np.random.Generator, rates: list[float]) -> list[Zone]:
    """Zones (countries) with 8 provinces, 32 districts, 120 towns (12 hotspots at 10x the rate), 6 armed
    groups and 12 publishers each; ``rates``: latent events a year per zone. Coordinates are made up."""
    zones = []
    names = _countries()
    pick = rng.permutation(len(names))
    for z, rate in enumerate(rates):
        iso, country = names[int(pick[z % len(names)])]
        lat0, lon0 = rng.uniform(-30, 50), rng.uniform(-100, 120)
        n_p, n_t = 8, 120
        admin1 = [w + " Province" for w in _words(rng, n_p)]
        a1xy = np.column_stack([lat0 + rng.uniform(-3, 3, n_p), lon0 + rng.uniform(-3, 3, n_p)])
        t_a1 = rng.integers(0, n_p, n_t)
        txy = a1xy[t_a1] + rng.normal(0, 0.6, (n_t, 2))
        t_a2 = t_a1 * 4 + rng.integers(0, 4, n_t)
        admin2 = [w + " District" for w in _words(rng, n_p * 4)]
        a2xy = np.array(
            [txy[t_a2 == k].mean(axis=0) if (t_a2 == k).any() else a1xy[k // 4] for k in range(n_p * 4)]
        )
        w = np.ones(n_t)
        w[rng.choice(n_t, 12, replace=False)] = 10.0  # hotspots
        n_g = 6
        longs = [" ".join(_words(rng, 3)) for _ in range(n_g)]
        acr = ["".join(x[0] for x in lng.split()).upper() + chr(65 + g) for g, lng in enumerate(longs)]
        styles = list(rng.choice(list(B_NAME_STYLE), n_g, p=list(B_NAME_STYLE.values())))
        gb = []
        for g in range(n_g):
            s = styles[g]
            gb.append(
                longs[g]
                if s == "same"
                else acr[g]
                if s == "acronym"
                else _misspell(rng, longs[g])
                if s == "fuzzy"
                else " ".join(_words(rng, 2))
            )
        zones.append(
            Zone(
                iso,
                country,
                rate,
                admin1,
                a1xy,
                _words(rng, n_t),
                txy,
                t_a1,
                t_a2,
                admin2,
                a2xy,
                w / w.sum(),
                [f"{a}: {lng}" for a, lng in zip(acr, longs, strict=True)],
                gb,
                [str(s) for s in styles],
                [w + " News" for w in _words(rng, 12)],
                [_words(rng, 6) for _ in range(n_t)],
            )
        )
    return zones


def crosswalk_toml(zones: list[Zone]) -> str:
    """The crosswalk entries a curator writes for the world's groups (as exporters/actor_crosswalk.toml
    has for the real datasets' groups)."""
    out = []
    for z in zones:
        for a, b in zip(z.groups_a, z.groups_b, strict=True):
            key = "group:synthetic-" + a.split(":")[0].lower()
            out.append(f'[[group]]\nkey = "{key}"\nacled = ["{a}"]\nged = ["{b}"]\n')
    return "\n".join(out)


@dataclass
class Latent:
    zone: np.ndarray
    town: np.ndarray
    day: np.ndarray
    nature: np.ndarray
    side1: np.ndarray  # -1 state, >= 0 group index, -2 unidentified, -3 protesters
    side2: np.ndarray  # -1 state, >= 0 group, -4 civilians, -5 none
    deaths: np.ndarray
    hood: np.ndarray  # neighbourhood index or -1


def latent(rng: np.random.Generator, zones: list[Zone], day0: int, days: int, scale: float = 1.0) -> Latent:
    parts: dict[str, list[np.ndarray]] = {k: [] for k in Latent.__dataclass_fields__}
    for zi, z in enumerate(zones):
        n = int(rng.poisson(z.rate * scale * days / 365))
        town = rng.choice(len(z.town), n, p=z.weight)
        nature = rng.choice(len(NATURES), n, p=NATURE_P)
        g1, g2 = rng.integers(0, len(z.groups_a), n), rng.integers(0, len(z.groups_a), n)
        g2 = np.where(g2 == g1, (g1 + 1) % len(z.groups_a), g2)
        violent = nature >= 3
        state_first = rng.random(n) < 0.5
        s1 = np.where(state_first, -1, g1)
        s2 = np.where(state_first, g1, np.where(rng.random(n) < 0.6, -1, g2))
        one = nature == 5
        s1 = np.where(one & (rng.random(n) < 0.5), -1, s1)
        s2 = np.where(one, -4, s2)
        s1 = np.where(violent & (s1 >= 0) & (rng.random(n) < A_UNIDENTIFIED / 0.6), -2, s1)
        s1 = np.where(violent, s1, -3)
        s2 = np.where(violent, s2, -5)
        fatal = violent & (rng.random(n) < 0.41 / 0.34 * 0.34)  # 41 % of violent events kill
        deaths = np.where(fatal, rng.geometric(0.35, n), 0)
        hood = np.where(rng.random(n) < NEIGHBOURHOOD_SHARE, rng.integers(0, 6, n), -1)
        for k, v in (
            ("zone", np.full(n, zi)),
            ("town", town),
            ("day", day0 + rng.integers(0, days, n)),
            ("nature", nature),
            ("side1", s1),
            ("side2", s2),
            ("deaths", deaths),
            ("hood", hood),
        ):
            parts[k].append(v)
    return Latent(**{k: np.concatenate(v).astype(np.int64) for k, v in parts.items()})


def _take(values: list[str], idx: np.ndarray) -> pa.Array:
    return pc.take(pa.array(values, pa.string()), pa.array(idx, pa.int64()))


def _names(zones: list[Zone], ev: Latent, side: np.ndarray, which: str) -> pa.Array:
    """Actor names as dataset `which` ("a" or "b") writes them."""
    vocab: list[str] = []
    index: dict[str, int] = {}
    codes = np.empty(len(side), np.int64)
    keys = ev.zone * 100 + side + 10
    for k in np.unique(keys):
        zi, s = int(k // 100), int(k % 100) - 10
        z = zones[zi]
        if s == -1:
            name = f"Military Forces of {z.country} (2019-)" if which == "a" else f"Government of {z.country}"
        elif s >= 0:
            name = (z.groups_a if which == "a" else z.groups_b)[s]
        elif s == -2:
            name = f"Unidentified Armed Group ({z.country})"
        elif s == -3:
            name = f"Protesters ({z.country})"
        elif s == -4:
            name = f"Civilians ({z.country})" if which == "a" else "Civilians"
        else:
            name = ""
        codes[keys == k] = index.setdefault(name, len(vocab))
        if len(vocab) < len(index):
            vocab.append(name)
    arr = _take(vocab, codes)
    return pc.if_else(pc.equal(arr, ""), pa.scalar(None, pa.string()), arr)


def _zone_values(zones: list[Zone], ev: Latent, get: str, per_town: bool = False) -> pa.Array:
    if per_town:
        vals, offs = [], [0]
        for z in zones:
            vals += getattr(z, get)
            offs.append(len(vals))
        return _take(vals, np.array(offs[:-1])[ev.zone] + ev.town)
    return _take([getattr(z, get) for z in zones], ev.zone)


def _subset(ev: Latent, seen: np.ndarray) -> Latent:
    return Latent(*(getattr(ev, k)[seen] for k in Latent.__dataclass_fields__))


def observe_a(
    rng: np.random.Generator, zones: list[Zone], ev: Latent, seen: np.ndarray, prefix: str = "A"
) -> pa.Table:
    """The ACLED-like rows of the latent events ``seen``, as the ACLED reader would give them."""
    e = _subset(ev, seen)
    ids = np.flatnonzero(seen)
    n = len(e.day)
    day = e.day + np.where(rng.random(n) < 0.1, rng.choice([-1, 1], n), 0)
    tp = rng.choice(list(A_TIME), n, p=list(A_TIME.values()))
    gp = rng.choice(list(A_GEO), n, p=list(A_GEO.values()))
    lat, lon, a1, a2, town = _place(rng, zones, e, gp, "a")
    nat = np.array(NATURES)[e.nature]
    actor1, actor2 = _names(zones, e, e.side1, "a"), _names(zones, e, e.side2, "a")
    # "casualties unknown" zeros are violent events' (a protest's 0 is a count): as many as the sample's
    zero, violent_zero = e.deaths == 0, (e.deaths == 0) & (e.nature >= 3)
    share = min(1.0, A_UNKNOWN_CASUALTIES * zero.sum() / max(int(violent_zero.sum()), 1))
    unknown = violent_zero & (rng.random(n) < share)
    hood = _hoods(zones, e)
    where = pc.if_else(
        pc.is_valid(hood), pc.binary_join_element_wise("the", hood, "neighbourhood of", town, " "), town
    )
    sub = pa.array([ACLED_TYPES[x][1] for x in nat])
    tail = np.where(unknown, "Casualties unknown.", np.char.add(e.deaths.astype(str), " fatalities."))
    notes = pc.binary_join_element_wise(
        pc.fill_null(actor1, "Unknown"),
        pc.utf8_lower(sub),
        "in",
        where,
        pc.fill_null(a2, ""),
        pc.fill_null(a1, ""),
        pa.array(tail.tolist()),
        " ",
    )
    cols = {
        "event_id": pa.array(np.char.add(prefix, np.arange(n).astype(str)).tolist()),
        "dataset": canonical.constant("acled", n),
        "event_date": _dates(day),
        "event_date_end": _dates(day),
        "date_precision": _take(["day", "week", "month"], tp.astype(int) - 1),
        "native_event_type": pa.array([ACLED_TYPES[x][0] for x in nat]),
        "native_sub_event_type": sub,
        "summary": notes,
        "country_iso3": _zone_values(zones, e, "iso3"),
        "country": _zone_values(zones, e, "country"),
        "admin1": a1,
        "admin2": a2,
        "location": town,
        "latitude": pa.array(np.round(lat, 4)),
        "longitude": pa.array(np.round(lon, 4)),
        "geo_precision": _take(["town", "near_town", "region"], gp.astype(int) - 1),
        "native_geo_precision": pa.array(gp.tolist()),
        "actor1": actor1,
        "actor2": actor2,
        "fatalities_low": pa.array(e.deaths, pa.int32()),
        "fatalities_best": pa.array(e.deaths, pa.int32()),
        "fatalities_high": pa.array(e.deaths, pa.int32()),
        "fatalities_known": pa.array(~unknown),
        "source_names": _pubs(rng, zones, e, ids, shared=np.ones(n, bool)),
    }
    return canonical.assemble(cols, n)


def observe_b(
    rng: np.random.Generator, zones: list[Zone], ev: Latent, seen: np.ndarray, prefix: str = "B"
) -> pa.Table:
    """The GED-like rows of the latent events ``seen``, as the GED reader would give them."""
    e = _subset(ev, seen)
    ids = np.flatnonzero(seen)
    n = len(e.day)
    day = e.day + np.where(rng.random(n) < 0.1, rng.choice([-1, 1], n), 0)
    dp = rng.choice(list(B_DATE), n, p=list(B_DATE.values()))
    span = np.select([dp == "2", dp == "3", dp == "4", dp == "5"], [rng.integers(1, 6, n), 6, 29, 364], 0)
    start = day - (rng.random(n) * (span + 1)).astype(np.int64)
    wp = rng.choice(list(B_WHERE), n, p=list(B_WHERE.values()))
    lat, lon, a1, a2, loc = _place(rng, zones, e, wp, "b")
    s1, s2 = e.side1, e.side2
    state = (s1 == -1) | (s2 == -1)
    one_sided = e.nature == 5
    tov = np.where(one_sided, "one-sided", np.where(state, "state-based", "non-state"))
    # side A is the government in state-based events and the perpetrator in one-sided ones
    swap = (s2 == -1) & ~one_sided
    sa, sb = np.where(swap, s2, s1), np.where(swap, s1, s2)
    side_a, side_b = _names(zones, e, sa, "b"), _names(zones, e, sb, "b")
    best = np.maximum(1, e.deaths + rng.integers(-1, 2, n))
    # most GED rows give one figure (low = best = high); a range in the real sample's shares
    low = np.maximum(0, best - np.where(rng.random(n) < B_LOW_BELOW_BEST, rng.integers(1, 3, n), 0))
    high = best + np.where(rng.random(n) < B_HIGH_ABOVE_BEST, rng.integers(1, 4, n), 0)
    hood = pc.if_else(pa.array(rng.random(n) < 0.6), _hoods(zones, e), pa.scalar(None, pa.string()))
    desc = pc.if_else(
        pc.is_valid(hood),
        pc.binary_join_element_wise(hood, "neighbourhood", " "),
        pa.scalar(None, pa.string()),
    )
    cols = {
        "event_id": pa.array(np.char.add(prefix, np.arange(n).astype(str)).tolist()),
        "dataset": canonical.constant("ged", n),
        "event_date": _dates(start),
        "event_date_end": _dates(start + span),
        "date_precision": _take(["day", "days", "week", "month", "approximate"], dp.astype(int) - 1),
        "native_event_type": pa.array(tov.tolist()),
        "native_sub_event_type": pc.binary_join_element_wise(
            pc.fill_null(side_a, ""), pc.fill_null(side_b, ""), " - "
        ),
        "summary": desc,
        "country_iso3": _zone_values(zones, e, "iso3"),
        "country": _zone_values(zones, e, "country"),
        "admin1": a1,
        "admin2": a2,
        "location": loc,
        "latitude": pa.array(np.round(lat, 4)),
        "longitude": pa.array(np.round(lon, 4)),
        "geo_precision": _take(["town", "near_town", "region"], np.minimum(wp.astype(int), 3) - 1),
        "native_geo_precision": pa.array(wp.tolist()),
        "actor1": side_a,
        "actor2": side_b,
        "fatalities_low": pa.array(low, pa.int32()),
        "fatalities_best": pa.array(best, pa.int32()),
        "fatalities_high": pa.array(high, pa.int32()),
        "deaths_civilians": pa.array(np.where(one_sided, best, 0), pa.int32()),
        "source_names": _pubs(rng, zones, e, ids, shared=rng.random(n) < 0.5),
    }
    return canonical.assemble(cols, n)


def _dates(days: np.ndarray) -> pa.Array:
    return pa.array(days.astype("datetime64[D]")).cast(pa.date32())


def _flat(zones: list[Zone], attr: str) -> tuple[list[str], np.ndarray]:
    vals: list[str] = []
    offs = []
    for z in zones:
        offs.append(len(vals))
        vals += getattr(z, attr)
    return vals, np.array(offs, np.int64)


def _place(
    rng: np.random.Generator, zones: list[Zone], e: Latent, prec: np.ndarray, ds: str
) -> tuple[np.ndarray, np.ndarray, pa.Array, pa.Array, pa.Array]:
    """Coordinates and names by the precision code: A 1 town, 2 near it, 3 the province centroid; B 1 town,
    2 within ~12 km, 3 the district centroid, 4 the province centroid, 5 between two provinces (no
    admin-1), 6 the country centroid."""
    towns, t_off = _flat(zones, "town")
    a1n, a1_off = _flat(zones, "admin1")
    a2n, a2_off = _flat(zones, "admin2")
    txy = np.concatenate([z.town_xy for z in zones])
    a1xy = np.concatenate([z.admin1_xy for z in zones])
    a2xy = np.concatenate([z.admin2_xy for z in zones])
    t = t_off[e.zone] + e.town
    g1 = a1_off[e.zone] + np.concatenate([z.town_admin1 for z in zones])[t]
    g2 = a2_off[e.zone] + np.concatenate([z.town_admin2 for z in zones])[t]
    xy = txy[t].copy()
    n = len(t)
    sd = np.select([prec == "1", prec == "2"], [0.004, 0.1], 0.0)
    xy += rng.normal(0, 1, (n, 2)) * sd[:, None]
    region1 = (prec == "3") if ds == "a" else (prec == "4")
    xy[region1] = a1xy[g1[region1]]
    if ds == "b":
        d2 = prec == "3"
        xy[d2] = a2xy[g2[d2]]
        area = prec == "5"
        xy[area] = (
            a1xy[g1[area]] + a1xy[a1_off[e.zone[area]] + (g1[area] - a1_off[e.zone[area]] + 1) % 8]
        ) / 2
        ctry = prec == "6"
        centre = np.array([z.admin1_xy.mean(axis=0) for z in zones])
        xy[ctry] = centre[e.zone[ctry]]
    town = _take(towns, t)
    loc = pc.if_else(pa.array(region1), _take(a1n, g1), town)
    if ds == "b":
        loc = pc.binary_join_element_wise(loc, pa.array(np.where(prec == "1", "town", "area").tolist()), " ")
        loc = pc.if_else(pa.array(prec == "3"), _take(a2n, g2), loc)
        no_a1 = np.isin(prec, ["5", "6"])
        a1 = pc.if_else(pa.array(no_a1), pa.scalar(None, pa.string()), _take(a1n, g1))
        a2 = pc.if_else(
            pa.array(np.isin(prec, ["1", "2", "3"])), _take(a2n, g2), pa.scalar(None, pa.string())
        )
        return xy[:, 0], xy[:, 1], a1, a2, loc
    return xy[:, 0], xy[:, 1], _take(a1n, g1), _take(a2n, g2), loc


def _hoods(zones: list[Zone], e: Latent) -> pa.Array:
    vals = [h for z in zones for town in z.hoods for h in town]
    offs = np.cumsum([0] + [len(z.town) * 6 for z in zones])[:-1]
    arr = _take(vals, offs[e.zone] + e.town * 6 + np.maximum(e.hood, 0))
    return pc.if_else(pa.array(e.hood >= 0), arr, pa.scalar(None, pa.string()))


def _pubs(
    rng: np.random.Generator, zones: list[Zone], e: Latent, ids: np.ndarray, shared: np.ndarray
) -> pa.Array:
    """One or two publishers of the event's zone; the first is the latent event's own (both datasets name
    it where ``shared``), the second any."""
    n = len(e.day)
    own = (ids * 7919) % 12
    first = np.where(shared, own, rng.integers(0, 12, n))
    count = rng.integers(1, 3, n)
    second = (first + 1 + rng.integers(0, 11, n)) % 12
    idx = np.stack([first, second], 1)
    keep = np.arange(2)[None, :] < count[:, None]
    flat = idx[keep]
    zone = np.repeat(e.zone, count)
    vals, _ = _flat(zones, "pubs")
    offsets = np.concatenate([[0], np.cumsum(count)]).astype(np.int32)
    return pa.ListArray.from_arrays(pa.array(offsets), _take(vals, zone * 12 + flat))


@dataclass
class Synthetic:
    a: pa.Table
    b: pa.Table
    truth: set[tuple[str, str]]
    coarse_truth: int  # true pairs whose B row is coarse (never linked by design), left out of truth
    zones: list[Zone]


def make(
    rng: np.random.Generator,
    zones: list[Zone],
    day0: int,
    days: int,
    b_only_before: int = 0,
    b_extra: int = 0,
) -> Synthetic:
    """A and B over [day0, day0 + days); ``b_extra`` B-only events before ``day0`` (GED's earlier years)."""
    ev = latent(rng, zones, day0, days)
    seen_a = rng.random(len(ev.day)) < P_A
    organised = (ev.deaths >= 1) & (ev.nature >= 3) & (ev.side1 != -2)
    seen_b = organised & (rng.random(len(ev.day)) < P_B)
    a = observe_a(rng, zones, ev, seen_a)
    b = observe_b(rng, zones, ev, seen_b)
    a_id = np.full(len(ev.day), -1)
    a_id[seen_a] = np.arange(int(seen_a.sum()))
    b_id = np.full(len(ev.day), -1)
    b_id[seen_b] = np.arange(int(seen_b.sum()))
    both = seen_a & seen_b
    b_wp = np.asarray(b.column("native_geo_precision").cast(pa.string()).to_numpy(zero_copy_only=False))
    span = np.asarray(b.column("event_date_end").cast(pa.int32())) - np.asarray(
        b.column("event_date").cast(pa.int32())
    )
    coarse_b = np.isin(b_wp, ["5", "6"]) | (span > 31)  # taxonomy.toml: area and country rows are coarse
    keep = both & ~coarse_b[np.maximum(b_id, 0)]
    truth = {(f"A{x}", f"B{y}") for x, y in zip(a_id[keep], b_id[keep], strict=True)}
    if b_extra:
        early = latent(rng, zones, day0 - b_only_before, b_only_before, scale=1.0)
        org = (early.deaths >= 1) & (early.nature >= 3) & (early.side1 != -2)
        idx = np.flatnonzero(org)
        pick = np.zeros(len(early.day), bool)
        pick[rng.choice(idx, min(b_extra, len(idx)), replace=False)] = True
        extra = observe_b(rng, zones, early, pick, prefix="E")
        b = pa.concat_tables([b, extra.cast(b.schema)])
    # each dataset in its own row order: A and B observe the latent events in one order, and rows kept in
    # it would tell a scan-order method (meltt's first-free pick, reference/merging.md 3.7) which rows go
    # together; the real samples in ../shared/external are in independent orders (ids unchanged)
    a = a.take(rng.permutation(a.num_rows))
    b = b.take(rng.permutation(b.num_rows))
    return Synthetic(a, b, truth, int((both & coarse_b[np.maximum(b_id, 0)]).sum()), zones)


def day_number(d: dt.date) -> int:
    return (d - BASE).days
