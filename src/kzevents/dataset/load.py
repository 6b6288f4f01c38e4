"""Loading the curated dataset from ``data/``: schema validation, referential checks, the attrs model."""

from __future__ import annotations

import datetime as dt
import functools
import tomllib
from collections.abc import Iterable
from typing import Any

from kzevents._version import DATASET_VERSION, __version__
from kzevents.dataset.admin1 import normalize_code
from kzevents.dataset.facts import build_facts, fact_problems
from kzevents.dataset.model import (
    Actor,
    Claim,
    Dataset,
    DateSpan,
    Fatalities,
    Incident,
    Link,
    OutOfScope,
    Participant,
    Place,
    Source,
)
from kzevents.dataset.vocab import (
    ActorKind,
    ActorType,
    DatePrecision,
    EventType,
    PlacePrecision,
    PointPrecision,
    Relation,
    Role,
)
from kzevents.errors import DataError, KzeventsError, Problem
from kzevents.resources import resource_dir, schema


def _jsonable(obj: Any) -> Any:
    """TOML values to JSON values (dates become ISO strings) for schema validation."""
    if isinstance(obj, dict):
        return {k: _jsonable(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_jsonable(v) for v in obj]
    if isinstance(obj, dt.datetime):
        return obj.isoformat()
    if isinstance(obj, dt.date):
        return obj.isoformat()
    return obj


def _json_path(parts: Iterable[Any]) -> str:
    out = "$"
    for p in parts:
        out += f"[{p}]" if isinstance(p, int) else f".{p}"
    return out


def schema_problems(doc: Any, schema_name: str, file: str) -> list[Problem]:
    """Every JSON Schema violation in ``doc``, each with its file and ``$.path``."""
    import jsonschema  # imported on use: it is heavy and only needed to check the curated data

    validator_cls = jsonschema.validators.validator_for(schema(schema_name))
    validator = validator_cls(schema(schema_name), format_checker=validator_cls.FORMAT_CHECKER)
    problems = []
    for err in sorted(validator.iter_errors(doc), key=lambda e: (list(map(str, e.absolute_path)), e.message)):
        value = err.instance if not isinstance(err.instance, (dict, list)) else None
        problems.append(
            Problem(
                code=f"schema:{err.validator}",
                message=err.message,
                file=file,
                path=_json_path(err.absolute_path),
                value=None if value is None else str(value),
            )
        )
    return problems


def _read_toml(rel: str, text: str, problems: list[Problem]) -> dict[str, Any] | None:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        problems.append(Problem(code="toml", message=f"not valid TOML: {exc}", file=rel, path="$"))
        return None


def _as_date(v: Any) -> dt.date:
    return v if isinstance(v, dt.date) else dt.date.fromisoformat(v)


def _opt_date(v: Any) -> dt.date | None:
    return None if v is None else _as_date(v)


def _build_incident(d: dict[str, Any]) -> Incident:
    f = d["fatalities"]
    return Incident(
        id=d["id"],
        title=d["title"],
        event_type=EventType(d["event_type"]),
        date=DateSpan(
            _as_date(d["date"]["start"]), _as_date(d["date"]["end"]), DatePrecision(d["date"]["precision"])
        ),
        place=d["place"]["id"],
        place_precision=PlacePrecision(d["place"]["precision"]),
        fatalities=Fatalities(
            low=f["low"],
            best=f["best"],
            high=f["high"],
            perpetrators=f.get("perpetrators", 0),
            security=f.get("security", 0),
            civilians=f.get("civilians", 0),
            unknown=f.get("unknown", 0),
            injured=f.get("injured"),
        ),
        actors=tuple(Participant(a["actor"], Role(a["role"])) for a in d.get("actors", ())),
        claims=tuple(
            Claim(
                source=c["source"],
                quote=c["quote"],
                date=_opt_date(c.get("date")),
                date_text=c.get("date_text"),
                place=c.get("place"),
                place_text=c.get("place_text"),
                killed=c.get("killed"),
                killed_perpetrators=c.get("killed_perpetrators"),
                killed_security=c.get("killed_security"),
                killed_civilians=c.get("killed_civilians"),
                injured=c.get("injured"),
                arrested=c.get("arrested"),
                note=c.get("note"),
            )
            for c in d["claims"]
        ),
        summary=d["summary"],
        rule=d["rule"],
        suicide=d.get("suicide", False),
        weapons=tuple(d.get("weapons", ())),
        targets=tuple(d.get("targets", ())),
        related=tuple(Link(r["incident"], Relation(r["relation"])) for r in d.get("related", ())),
        facts=build_facts(d),
        admin1=d["place"].get("admin1"),
        admin1_2011=d["place"].get("admin1_2011"),
    )


def _build_place(d: dict[str, Any]) -> Place:
    return Place(
        id=d["id"],
        name=d["name"],
        feature=d["feature"],
        admin1=normalize_code(d["admin1"]) if "admin1" in d else None,
        latitude=float(d["latitude"]),
        longitude=float(d["longitude"]),
        precision=PointPrecision(d["precision"]),
        admin2=d.get("admin2") or None,
        point_place=d.get("point_place"),
        admin1_2011=d.get("admin1_2011"),
        admin1_name_2011=d.get("admin1_name_2011"),
        geonames_id=d.get("geonames_id"),
        coord_source=d.get("coord_source"),
        coord_verified=d.get("coord_verified", True),
        spellings=tuple(d.get("spellings", ())),
        notes=d.get("notes"),
    )


def _build_actor(d: dict[str, Any]) -> Actor:
    return Actor(
        id=d["id"],
        name=d["name"],
        acled_type=ActorType(d["acled_type"]),
        kind=ActorKind(d["kind"]),
        unit=d.get("unit"),
        gtd_name=d.get("gtd_name"),
        aliases=tuple(d.get("aliases", ())),
        notes=d.get("notes"),
    )


def _build_source(d: dict[str, Any]) -> Source:
    return Source(
        id=d["id"],
        file=d["file"],
        publisher=d["publisher"],
        title=d["title"],
        language=d["language"],
        scale=d["scale"],
        published=d.get("published"),
        notes=d.get("notes"),
    )


def _semantic_problems(rel: str, d: dict[str, Any]) -> list[Problem]:
    """Rules JSON Schema cannot say about one incident."""
    out: list[Problem] = []
    stem = rel.rsplit("/", 1)[-1].removesuffix(".toml")
    if d.get("id") != stem:
        out.append(Problem("id-file", f"id {d.get('id')!r} does not match file name {stem!r}", rel, "$.id"))
    date = d.get("date", {})
    try:
        if _as_date(date["end"]) < _as_date(date["start"]):
            out.append(Problem("date-order", "date.end is before date.start", rel, "$.date.end"))
    except (KeyError, ValueError, TypeError):
        pass
    f = d.get("fatalities", {})
    if (
        all(isinstance(f.get(k), int) for k in ("low", "best", "high"))
        and not f["low"] <= f["best"] <= f["high"]
    ):
        out.append(Problem("fatalities-order", "need low <= best <= high", rel, "$.fatalities"))
    parts = [f.get(k, 0) for k in ("perpetrators", "security", "civilians", "unknown")]
    if all(isinstance(x, int) for x in parts) and isinstance(f.get("best"), int) and sum(parts) != f["best"]:
        out.append(
            Problem(
                "fatalities-breakdown",
                f"breakdown sums to {sum(parts)}, best is {f['best']}",
                rel,
                "$.fatalities",
            )
        )
    roles = [a.get("role") for a in d.get("actors", [])]
    if roles.count("actor1") > 1:
        out.append(Problem("actors", "an incident has at most one actor1", rel, "$.actors"))
    if roles and "actor1" not in roles:
        out.append(Problem("actors", "an incident with actors needs an actor1", rel, "$.actors"))
    if not roles and d.get("event_type") != "weapons_seizure":
        out.append(
            Problem(
                "actors",
                "only a find (weapons_seizure) may have no actors: an attack or operation has an acting side",
                rel,
                "$.actors",
            )
        )
    place = d.get("place", {})
    if ("admin1" in place) != ("admin1_2011" in place):
        out.append(Problem("place-admin1", "give [place] admin1 and admin1_2011 together", rel, "$.place"))
    out += fact_problems(rel, d)
    if roles.count("actor2") > 1:
        out.append(Problem("actors", "an incident has at most one actor2", rel, "$.actors"))
    return out


def _ref_problems(
    incidents: dict[str, tuple[str, dict[str, Any]]],
    places: set[str],
    actors: set[str],
    sources: set[str],
) -> list[Problem]:
    out: list[Problem] = []
    for inc_id, (rel, d) in incidents.items():
        pid = d.get("place", {}).get("id")
        if pid is not None and pid not in places:
            out.append(Problem("ref-place", f"unknown place {pid!r}", rel, "$.place.id", value=pid))
        for i, a in enumerate(d.get("actors", [])):
            if a.get("actor") not in actors:
                out.append(
                    Problem("ref-actor", f"unknown actor {a.get('actor')!r}", rel, f"$.actors[{i}].actor")
                )
        for i, c in enumerate(d.get("claims", [])):
            if c.get("source") not in sources:
                out.append(
                    Problem("ref-source", f"unknown source {c.get('source')!r}", rel, f"$.claims[{i}].source")
                )
            if "place" in c and c["place"] not in places:
                out.append(Problem("ref-place", f"unknown place {c['place']!r}", rel, f"$.claims[{i}].place"))
        refs = [
            (f"$.responsibility[{i}].group", r.get("group"))
            for i, r in enumerate(d.get("responsibility", []))
        ]
        refs += [
            (f"$.parts[{i}].actor2", p["actor2"]) for i, p in enumerate(d.get("parts", [])) if "actor2" in p
        ]
        for path, ref in refs:
            if ref not in actors:
                out.append(Problem("ref-actor", f"unknown actor {ref!r}", rel, path))
        for i, r in enumerate(d.get("related", [])):
            if r.get("incident") not in incidents:
                out.append(
                    Problem(
                        "ref-incident",
                        f"unknown incident {r.get('incident')!r}",
                        rel,
                        f"$.related[{i}].incident",
                    )
                )
            elif r.get("incident") == inc_id:
                out.append(
                    Problem("ref-incident", "an incident cannot relate to itself", rel, f"$.related[{i}]")
                )
    return out


def load_dataset(texts: dict[str, str] | None = None) -> Dataset:
    """Load and validate the curated dataset.

    ``texts`` maps relative file names (``places.toml``, ``incidents/KZE-0001.toml``…) to TOML text; by
    default the files shipped in the package are read. Raises :class:`DataError` with every problem.
    """
    if texts is None:
        texts = shipped_texts()
    problems: list[Problem] = []
    registries: dict[str, dict[str, Any]] = {}
    for name in ("sources.toml", "places.toml", "actors.toml", "out_of_scope.toml"):
        if name not in texts:
            problems.append(Problem("missing-file", "required file is missing", f"data/{name}"))
            continue
        doc = _read_toml(f"data/{name}", texts[name], problems)
        if doc is not None:
            problems += schema_problems(_jsonable(doc), "registry", f"data/{name}")
            registries[name] = doc

    def ids(name: str, key: str) -> list[str]:
        return [x.get("id") for x in registries.get(name, {}).get(key, [])]

    for name, key in (("sources.toml", "source"), ("places.toml", "place"), ("actors.toml", "actor")):
        seen: set[str] = set()
        for i, x in enumerate(ids(name, key)):
            if x in seen:
                problems.append(
                    Problem("duplicate-id", f"duplicate id {x!r}", f"data/{name}", f"$.{key}[{i}].id")
                )
            seen.add(x)
    for i, p in enumerate(registries.get("places.toml", {}).get("place", [])):
        if "admin1" not in p and p.get("feature") != "country":
            problems.append(Problem("admin1", "a place needs admin1", "data/places.toml", f"$.place[{i}]"))
            continue
        try:
            normalize_code(str(p.get("admin1", "KZ-75")))
        except KzeventsError as exc:
            problems.append(Problem("admin1", str(exc), "data/places.toml", f"$.place[{i}].admin1"))

    incidents: dict[str, tuple[str, dict[str, Any]]] = {}
    for rel in sorted(k for k in texts if k.startswith("incidents/")):
        path = f"data/{rel}"
        doc = _read_toml(path, texts[rel], problems)
        if doc is None:
            continue
        errs = schema_problems(_jsonable(doc), "incident", path)
        problems += errs
        problems += _semantic_problems(path, doc)
        if not errs and "withdrawn" not in doc:
            incidents[doc["id"]] = (path, doc)
    problems += _ref_problems(
        incidents,
        set(ids("places.toml", "place")),
        set(ids("actors.toml", "actor")),
        set(ids("sources.toml", "source")),
    )
    for i, item in enumerate(registries.get("out_of_scope.toml", {}).get("item", [])):
        if item.get("source") not in set(ids("sources.toml", "source")):
            problems.append(
                Problem("ref-source", "unknown source", "data/out_of_scope.toml", f"$.item[{i}].source")
            )
    if problems:
        raise DataError(problems, "the curated dataset is invalid")

    return Dataset(
        incidents=tuple(_build_incident(d) for _, d in sorted(incidents.values(), key=lambda x: x[1]["id"])),
        places={p["id"]: _build_place(p) for p in registries["places.toml"].get("place", [])},
        actors={a["id"]: _build_actor(a) for a in registries["actors.toml"].get("actor", [])},
        sources={s["id"]: _build_source(s) for s in registries["sources.toml"].get("source", [])},
        out_of_scope=tuple(
            OutOfScope(x["source"], x["quote"], x["reason"], x.get("country"))
            for x in registries["out_of_scope.toml"].get("item", [])
        ),
        version=DATASET_VERSION,
    )


def shipped_texts() -> dict[str, str]:
    """The TOML files under the shipped ``data/`` directory, by relative name."""
    root = resource_dir("data")
    texts = {p.name: p.read_text(encoding="utf-8") for p in root.iterdir() if p.name.endswith(".toml")}
    texts.pop("admin1.toml", None)
    inc = root.joinpath("incidents")
    if inc.is_dir():
        for p in inc.iterdir():
            if p.name.endswith(".toml"):
                texts[f"incidents/{p.name}"] = p.read_text(encoding="utf-8")
    return texts


@functools.cache
def load() -> Dataset:
    """The curated dataset shipped with kzevents, validated (cached; the objects are frozen)."""
    return load_dataset()


__all__ = ["DATASET_VERSION", "__version__", "load", "load_dataset", "schema_problems", "shipped_texts"]
