"""Every setting of the matcher, in one frozen object: the windows, the probability thresholds, how the
model is fitted and which comparisons it uses."""

from __future__ import annotations

import attrs

from kzevents.matching.comparisons import COMPARISONS, DEFAULT_COMPARISONS

EARTH_KM = 6371.0088


def _probability(_: object, a: attrs.Attribute[float], v: float) -> None:
    if not 0.0 < v < 1.0:
        raise ValueError(f"{a.name} is a probability: it must be between 0 and 1 (exclusive), not {v}")


def _positive(_: object, a: attrs.Attribute[float], v: float) -> None:
    if not v > 0:
        raise ValueError(f"{a.name} must be > 0, not {v}")


@attrs.frozen
class MatchParams:
    """The matcher's settings, with their defaults (README, "Matching").

    Windows (blocking): two town-level points are candidates within ``km``; when either point only says
    "near" a place, within ``km_near``; a point that stands for a district or province (or a row without
    coordinates) is compared with the events of its admin-1. Date intervals (widened by date precision)
    may be ``days`` apart. Rows for a whole country or over water, and rows whose dates span more than
    ``max_span_days``, stand for several events and are never linked.

    Decisions: a one-to-one link needs a match probability (after the one-to-one competition between an
    event's candidates) of at least ``threshold``. The default 0.5 is where the pairs are true about half
    of the time, a link where it is more likely than not: the competition's probabilities are about
    calibrated (on the realistic synthetic benchmark, pairs at 0.3-0.4 are true 29 % of the time, at
    0.5-0.6 52 %, at 0.8-0.9 88 %; match_bench.py prints the table). An extra, one-to-many link (one
    incident of an incident-level dataset split into several events of the other) needs a pairwise
    probability of ``many_threshold``. Candidate pairs with a probability under
    ``list_threshold`` are left out of the links table.

    Model: Fellegi-Sunter weights fitted by EM per dataset pair (``em_*``, ``m_pseudo`` / ``u_pseudo``:
    how many pseudo-pairs the documented priors weigh, see :mod:`kzevents.matching.model`), with
    term-frequency adjustments and the one-to-one competition in the E-step. ``actor_crosswalks``: extra
    crosswalk files (TOML, the format of ``exporters/actor_crosswalk.toml``) merged over the shipped one.
    """

    km: float = attrs.field(default=25.0, validator=_positive)
    km_near: float = attrs.field(default=50.0, validator=_positive)
    days: int = attrs.field(default=3)
    max_span_days: int = attrs.field(default=31)
    threshold: float = attrs.field(default=0.5, validator=_probability)
    many_threshold: float = attrs.field(default=0.7, validator=_probability)
    list_threshold: float = attrs.field(default=0.001, validator=_probability)
    em_iterations: int = attrs.field(default=40)
    em_max_pairs: int = attrs.field(default=300_000)
    m_pseudo: float = attrs.field(default=100.0)
    u_pseudo: float = attrs.field(default=100.0)
    random_pairs: int = attrs.field(default=100_000)
    term_frequency: bool = True
    compete: bool = True
    actor_crosswalks: tuple[str, ...] = attrs.field(default=(), converter=tuple)
    comparisons: tuple[str, ...] = attrs.field(default=DEFAULT_COMPARISONS, converter=tuple)
    seed: int = 0

    def __attrs_post_init__(self) -> None:
        if self.days < 0 or self.max_span_days < 0:
            raise ValueError("days and max_span_days must be >= 0")
        if self.km_near < self.km:
            raise ValueError(f"km_near ({self.km_near}) must be at least km ({self.km})")
        if self.list_threshold > self.threshold or self.list_threshold > self.many_threshold:
            raise ValueError("list_threshold must not exceed threshold and many_threshold")
        if self.em_iterations < 0 or self.em_max_pairs < 1 or self.m_pseudo < 0 or self.u_pseudo < 0:
            raise ValueError("em_iterations, m_pseudo and u_pseudo must be >= 0 and em_max_pairs >= 1")
        unknown = [c for c in self.comparisons if c not in COMPARISONS]
        if unknown or not self.comparisons:
            raise ValueError(f"unknown comparisons {unknown}; known: {', '.join(COMPARISONS)}")
