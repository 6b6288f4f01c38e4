"""Every threshold and weight of the matcher, in one frozen object."""

from __future__ import annotations

import math

import attrs

EARTH_KM = 6371.0088


@attrs.frozen
class MatchParams:
    """Every threshold of the matcher, with its default."""

    km: float = 25.0  # spatial window, great-circle km
    days: int = 2  # temporal window: largest gap between the two events' date intervals
    threshold: float = 0.55  # a pair needs this total score to be linked
    many_threshold: float = 0.7  # an extra (one-to-many) link needs this
    w_distance: float = 0.3
    w_time: float = 0.25
    w_type: float = 0.3
    w_fatalities: float = 0.1
    w_actors: float = 0.05
    admin_distance_score: float = 0.4  # distance score when one side has no coordinates (admin-1 match)
    require_type: bool = True  # link only events whose type families are the same or compatible

    def __attrs_post_init__(self) -> None:
        if self.km <= 0 or self.days < 0:
            raise ValueError("km must be > 0 and days >= 0")
        total = self.w_distance + self.w_time + self.w_type + self.w_fatalities + self.w_actors
        if not math.isclose(total, 1.0):
            raise ValueError(f"weights must sum to 1, not {total}")
