"""Each comparison's levels (evidence against a link counts): country, actors, what happened, fatalities as
ranges with ACLED's "casualties unknown", place names and mentions, neighbourhoods, distance and time
relative to precision; and the model: EM learns positive weights for agreement, negative for
disagreement."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pyarrow as pa
import pytest

from kzevents import table as canonical
from kzevents.matching import MatchParams, prepare, registry
from kzevents.matching.linking import make_pairs
from kzevents.matching.model import compete, fit, probability
from kzevents.matching.pairs import Context

D = dt.date(2022, 3, 1)


def row(i: str, **kw: Any) -> dict[str, Any]:
    base = {
        "event_id": i,
        "dataset": "acled",
        "event_date": D,
        "event_date_end": D,
        "date_precision": "day",
        "country_iso3": "UKR",
        "latitude": 48.0,
        "longitude": 37.8,
        "geo_precision": "town",
        "native_sub_event_type": "Armed clash",
        "fatalities_low": 1,
        "fatalities_best": 1,
        "fatalities_high": 1,
    }
    base.update(kw)
    return base


def tab(rows: list[dict[str, Any]]) -> pa.Table:
    cols: dict[str, list[Any]] = {}
    keys = {k for r in rows for k in r}
    for r in rows:
        for k in keys:
            cols.setdefault(k, []).append(r.get(k))
    return canonical.from_columns(cols)


def levels(left: list[dict[str, Any]], right: list[dict[str, Any]], name: str) -> list[str]:
    """The level of comparison ``name`` for left[k] x right[k]."""
    a, b = prepare(tab(left)), prepare(tab(right))
    ctx = Context(a, b, 25.0, 50.0, 3)
    n = len(left)
    c = registry()[name]
    lv = c.compute(make_pairs(ctx, np.arange(n), np.arange(n)))
    cheap = {
        k: v.compute(make_pairs(ctx, np.arange(n), np.arange(n)))
        for k, v in registry().items()
        if not v.expensive
    }
    if c.possible is not None:
        lv = np.where(c.possible(make_pairs(ctx, np.arange(n), np.arange(n)), cheap), lv, -1)
    return [c.levels[x] if x >= 0 else "unknown" for x in lv]


def test_country_disagreement_is_a_level() -> None:
    got = levels([row("a"), row("b")], [row("x"), row("y", country_iso3="RUS")], "country")
    assert got == ["agree", "disagree"]


def test_actors_levels() -> None:
    ru, ua = "Military Forces of Russia (2000-)", "Military Forces of Ukraine (2019-)"
    left = [
        row("a", actor1=ru, actor2=ua),
        row("b", actor1=ru, actor2=ua),
        row("c", actor1=ru, actor2=ua),
        row("d", actor1="Unidentified Armed Group (Ukraine)", actor2="Civilians (Ukraine)"),
        row(
            "e",
            actor1="ADF: Allied Democratic Forces",
            actor2="Civilians (Democratic Republic of Congo)",
            country_iso3="COD",
        ),
    ]
    right = [
        row("x", actor1="Government of Russia (Soviet Union)", actor2="Government of Ukraine", dataset="ged"),
        row(
            "y", actor1="Government of Ukraine", actor2="DPR", dataset="ged"
        ),  # one side agrees, DPR is close to Russia
        row(
            "z", actor1="Government of Ukraine", actor2="IS", dataset="ged"
        ),  # Ukraine agrees, IS clashes with Russia
        row("w", actor1="Government of Russia (Soviet Union)", actor2="Civilians", dataset="ged"),
        row("v", actor1="Government of Burundi", actor2="Civilians", dataset="ged", country_iso3="COD"),
    ]
    assert levels(left, right, "actors") == [
        "both_sides_agree",
        "one_side_agrees",
        "one_agrees_other_clashes",
        "unknown",  # an unidentified perpetrator is no evidence
        "disagree",
    ]


def test_actors_one_sided_perpetrator_and_civilians_agree_on_both_sides() -> None:
    """Violence against civilians: the same perpetrator and civilians as victims on both sides is the
    whole dyad agreeing (ACLED fixes the victims as actor2, GED's side_b is "Civilians"), not one side
    of two; civilians against an armed side, or an unnamed side, stays one side."""
    ru = "Military Forces of Russia (2000-)"
    left = [
        row("a", actor1=ru, actor2="Civilians (Ukraine)"),
        row("b", actor1=ru, actor2="Civilians (Ukraine)"),
        row("c", actor1=ru, actor2="Unidentified Armed Group (Ukraine)"),
        row("d", actor1="Unidentified Armed Group (Ukraine)", actor2="Civilians (Ukraine)"),
        row("e", actor1=ru),
    ]
    right = [
        row("x", actor1="Government of Russia (Soviet Union)", actor2="Civilians", dataset="ged"),
        row("y", actor1="Government of Russia (Soviet Union)", actor2="Government of Ukraine", dataset="ged"),
        row("z", actor1="Government of Russia (Soviet Union)", actor2="Civilians", dataset="ged"),
        row("w", actor1="Government of Ukraine", actor2="Civilians", dataset="ged"),
        row("v", actor1=ru),
    ]
    assert levels(left, right, "actors") == [
        "both_sides_agree",
        "one_side_agrees",  # civilians vs an armed side: the 'what' comparison weighs that
        "one_side_agrees",  # an unidentified side is no evidence either way
        "unknown",
        "both_sides_agree",  # no one named on side 2 of either: nothing left to disagree
    ]


def test_what_happened_levels() -> None:
    left = [
        row("a"),
        row("b", native_sub_event_type="Non-violent transfer of territory"),
        row("c", native_sub_event_type="Attack"),
        row("d", native_sub_event_type="Shelling/artillery/missile attack"),
        row("e", native_sub_event_type="Arrests"),
    ]
    right = [
        row("x", dataset="ged", native_event_type="state-based", native_sub_event_type=None),
        row("y", dataset="ged", native_event_type="state-based", native_sub_event_type=None),
        row("z", dataset="ged", native_event_type="state-based", native_sub_event_type=None),
        # a state-based event whose dead are all civilians: harm to civilians, as shelling of a town
        row(
            "w",
            dataset="ged",
            native_event_type="state-based",
            native_sub_event_type=None,
            deaths_civilians=1,
        ),
        row("v", dataset="ged", native_event_type="one-sided", native_sub_event_type=None),
    ]
    assert levels(left, right, "what") == [
        "same",
        "nonviolent_vs_violent",  # a territory change without fighting vs a fatal battle
        "civilian_harm_vs_clash",  # an attack on civilians vs a clash
        "compatible",
        "nonviolent_vs_violent",  # an arrest vs a killing of civilians
    ]


def test_geds_conflict_types_agree_with_any_means_of_fighting() -> None:
    """GED's state-based and non-state conflict do not code the means (ged.md §2): a clash, shelling or
    an air strike are all "same" as far as GED says; an attack on civilians or a protest is not."""
    ged = {"dataset": "ged", "native_sub_event_type": None}
    left = [
        row("a", native_sub_event_type="Armed clash"),
        row("b", native_sub_event_type="Shelling/artillery/missile attack"),
        row("c", native_sub_event_type="Air/drone strike"),
        row("d", native_sub_event_type="Government regains territory"),
        row("e", native_sub_event_type="Attack"),
        row("f", native_sub_event_type="Peaceful protest"),
    ]
    right = [
        row("x", native_event_type="state-based", **ged),
        row("y", native_event_type="state-based", **ged),
        row("z", native_event_type="non-state", **ged),
        row("w", native_event_type="state-based", **ged),
        row("v", native_event_type="state-based", **ged),
        row("u", native_event_type="non-state", **ged),
    ]
    assert levels(left, right, "what") == [
        "same",
        "same",
        "same",
        "same",
        "civilian_harm_vs_clash",
        "nonviolent_vs_violent",
    ]


def test_fatalities_are_ranges_and_acleds_unknown_zero_is_unknown() -> None:
    left = [
        row("a", fatalities_low=0, fatalities_best=0, fatalities_high=0),
        row("b", fatalities_low=0, fatalities_best=0, fatalities_high=0, fatalities_known=False),
        row("c", fatalities_low=4, fatalities_best=4, fatalities_high=4),
        row("d", fatalities_low=3, fatalities_best=3, fatalities_high=3),
        row("e", fatalities_low=1, fatalities_best=1, fatalities_high=1),
    ]
    right = [
        row("x", fatalities_low=12, fatalities_best=12, fatalities_high=12),
        row("y", fatalities_low=12, fatalities_best=12, fatalities_high=12),
        row("z", fatalities_low=2, fatalities_best=3, fatalities_high=6),  # GED low-best-high holds 4
        row("w", fatalities_low=5, fatalities_best=5, fatalities_high=5),
        row("v", fatalities_low=12, fatalities_best=12, fatalities_high=12),
    ]
    assert levels(left, right, "fatalities") == ["zero_vs_some", "unknown", "agree", "close", "far"]


def test_term_frequency_of_an_agreed_count_is_the_rarer_sides_share() -> None:
    """One death is common in GED (fatal events only) and rare in ACLED: agreeing on it by chance is as
    likely as a random ACLED candidate having it, the smaller share (frequencies.py's docstring)."""
    from kzevents.matching.frequencies import TF_PSEUDO, fatality_tf

    def fat(n: int) -> dict[str, int]:
        return {"fatalities_low": n, "fatalities_best": n, "fatalities_high": n}

    left = [row(f"a{i}", **fat(1 if i < 2 else 0)) for i in range(20)]  # 2 of 20 with one death
    right = [row(f"g{i}", dataset="ged", **fat(1)) for i in range(5)]  # all 5 with one death
    a, b = prepare(tab(left)), prepare(tab(right))
    pairs = make_pairs(Context(a, b, 25.0, 50.0, 3), np.array([0]), np.array([0]))
    acled_share = (2 - 1) / (20 - 1 + TF_PSEUDO)  # the other events of its country-month with one death
    assert float(fatality_tf(pairs)[0]) == pytest.approx(acled_share, rel=1e-5)
    assert acled_share < (5 - 1) / (5 - 1 + TF_PSEUDO)  # GED's share, the larger


def test_distance_is_relative_to_precision() -> None:
    km = 1 / 111.2
    left = [
        row("a"),
        row("b"),
        row("c"),
        row("d", native_geo_precision="4", dataset="ged", admin1="Donetsk oblast"),
    ]
    right = [
        row("x", latitude=48.0 + 1 * km),
        row("y", latitude=48.0 + 8 * km),
        row("z", latitude=48.0 + 20 * km),
        row("w", latitude=48.3, admin1="Donetsk"),  # 33 km from the oblast's point, in the oblast
    ]
    assert levels(left, right, "distance") == ["same_spot", "within_precision", "near", "same_region"]


def test_time_levels_use_widened_intervals() -> None:
    left = [row("a"), row("b"), row("c"), row("d")]
    right = [
        row("x"),
        row(
            "y",
            event_date=D - dt.timedelta(days=1),
            event_date_end=D + dt.timedelta(days=1),
            date_precision="days",
        ),
        row("z", event_date=D + dt.timedelta(days=1), event_date_end=D + dt.timedelta(days=1)),
        row("w", event_date=D + dt.timedelta(days=3), event_date_end=D + dt.timedelta(days=3)),
    ]
    assert levels(left, right, "time") == ["same_day", "overlap", "1_day", "2_3_days"]


def test_place_names_mentions_and_neighbourhoods() -> None:
    km = 1 / 111.2
    left = [
        row("a", location="Pul-e Khumri", summary="an attack in the Sorkh Kotal area of Pul-e Khumri city"),
        row("b", location="Avdiivka"),
        row("c", location="Tijuana", summary="A body was found in Colonia Corona del Mar, Tijuana."),
    ]
    right = [
        row(
            "x",
            latitude=48.0 + 15 * km,
            location="Surkh Kotal village",
            summary="Sorkh Kotal area of Pul-i-Kumri City",
        ),
        row("y", latitude=48.0 + 10 * km, location="Yasynuvata"),
        row(
            "z",
            latitude=48.0 + 3 * km,
            location="Tijuana town",
            source_headlines=["asesinan a hombre en colonia Lagunitas"],
        ),
    ]
    assert levels(left, right, "place") == ["different", "different", "same_name"]
    assert levels(left, right, "mention") == ["mutual", "none", "unknown"]
    assert levels(left, right, "neighbourhood") == ["unknown", "unknown", "different"]


def test_em_learns_agreement_and_disagreement_weights() -> None:
    """Planted truth: 300 matches and 3,000 non-matches over three comparisons whose level 0 a match has
    with probability 0.9 and a non-match 0.1. From flat priors EM gives level 0 a positive weight near
    log2(0.9 / 0.1) = 3.2 and level 1 a negative one near -3.2, and finds the share of matches."""
    from kzevents.matching.comparisons import Comparison

    rng = np.random.default_rng(0)
    n_match, n_non = 300, 3000
    comps = [
        Comparison(f"t{k}", ("agree", "disagree"), (0.5, 0.5), lambda p: np.zeros(0, np.int8))
        for k in range(3)
    ]
    is_match = np.concatenate([np.ones(n_match, bool), np.zeros(n_non, bool)])
    lv = {
        c.name: np.where(rng.random(len(is_match)) < np.where(is_match, 0.9, 0.1), 0, 1).astype(np.int8)
        for c in comps
    }
    li = np.concatenate([np.arange(n_match), rng.integers(0, n_match, n_non)])
    ri = np.arange(n_match + n_non)
    model = fit(comps, lv, {c.name: np.array([0.5, 0.5]) for c in comps}, li, ri, m_pseudo=10, u_pseudo=10)
    for c in comps:
        w = model.level_weights(c.name)
        assert 2.0 < w[0] < 4.5 and -4.5 < w[1] < -2.0
    assert 0.05 < model.lam < 0.15


def test_competition_splits_an_event_between_equal_candidates() -> None:
    # one left event, three equally strong right candidates: about a third each; a lone one keeps its odds
    p3 = compete(np.full(3, 10.0), np.zeros(3, np.int64), np.arange(3), 0.5, 0.5, 0.01)
    assert np.allclose(p3, p3[0]) and 0.32 < p3[0] < 0.34
    p1 = compete(np.array([10.0]), np.array([0]), np.array([0]), 0.5, 0.5, 0.01)
    assert p1[0] > 0.99
    assert probability(np.array([0.0]))[0] == 0.5


def test_comparisons_can_be_chosen() -> None:
    a = tab([row("a")])
    from kzevents.matching import match

    links = match(a, tab([row("x")]), MatchParams(comparisons=("country", "distance", "time")))
    assert [c for c in links.column_names if c.endswith("_level")] == [
        "country_level",
        "distance_level",
        "time_level",
    ]
