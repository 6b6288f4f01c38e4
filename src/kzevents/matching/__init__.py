"""Matching events across datasets by place, time and type, and merging them into a de-duplicated union.

How it works (all on Arrow/NumPy arrays, block by block):

1. **Blocking.** Each event with coordinates is put in a cell of a 3-D grid over the unit sphere whose cell
   edge is the chord of the spatial window, so two events within ``km`` of each other are in the same or
   adjacent cells (27 neighbours, no seams at the date line or the poles). Time is cut into buckets of
   ``days + 1`` days; an event occupies every bucket its date interval touches (date precision widens the
   interval: a week-precise ACLED date is the middle of a week). Candidate pairs come from one hash join
   on (cell, bucket) keys. Events without coordinates are blocked on (country, admin-1) and bucket.
2. **Scoring.** Distance, day gap between the date intervals, event-type family (``exporters/taxonomy.toml``),
   fatality agreement and actor names, weighted (:class:`MatchParams`).
3. **Assignment.** Pairs at or above ``threshold`` form a bipartite graph; in each connected component the
   optimal one-to-one assignment (maximum total score, :func:`scipy.optimize.linear_sum_assignment`) is
   taken — not a first-free greedy pick, whose result depends on scan order. Remaining pairs at or above
   ``many_threshold`` whose other side is already matched become one-to-many links (one incident of ours
   split into several ACLED events, one per day or place).

============================  ==========================================================================
``matching.params``           every threshold and weight (:class:`MatchParams`)
``matching.sides``            a canonical table as the arrays the matcher compares
``matching.blocking``         candidate pairs within the windows
``matching.scoring``          the score of each candidate pair
``matching.assignment``       one-to-one and one-to-many links
``matching.union``            ``match`` (links) and ``merge`` (the de-duplicated union)
``matching.update``           a newer ACLED download upserted
============================  ==========================================================================
"""

from kzevents.matching.assignment import assign
from kzevents.matching.blocking import candidate_pairs
from kzevents.matching.params import MatchParams
from kzevents.matching.scoring import score_pairs
from kzevents.matching.sides import Side, prepare, type_family
from kzevents.matching.union import LINKS_SCHEMA, match, merge
from kzevents.matching.update import update_acled

__all__ = [
    "LINKS_SCHEMA",
    "MatchParams",
    "Side",
    "assign",
    "candidate_pairs",
    "match",
    "merge",
    "prepare",
    "score_pairs",
    "type_family",
    "update_acled",
]
