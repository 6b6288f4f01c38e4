"""Matching events across datasets, and merging them into a de-duplicated union.

How it works (on Arrow/NumPy arrays; Python only per distinct name or code):

1. **Sides.** Each table becomes arrays (:mod:`~kzevents.matching.sides`): unit vectors, date intervals
   widened by date precision, what each point stands for (a town, "near" a town, a district, a province,
   a whole country: ``exporters/taxonomy.toml``), what happened, fatality ranges, actor keys through the
   cross-dataset crosswalk (``exporters/actor_crosswalk.toml``), place names and publishers.
2. **Blocking.** Sort-merge band joins: two points within a window that depends on their precision; a
   point that stands for a region against the events of that region; rows for a whole country (or a span
   of more than a month) are never linked.
3. **Comparisons with levels** (country, actors, what happened, fatalities, place names, distance and
   time relative to precision, publishers), each agree / close / disagree / unknown, evidence against a
   link counting as much as evidence for it.
4. **Weights learned per dataset pair**: a Fellegi-Sunter model fitted by EM on the candidate pairs
   (:mod:`~kzevents.matching.model`), with term-frequency adjustments and one-to-one competition, gives
   each pair a match probability.
5. **Decisions**: the optimal one-to-one assignment per connected group of pairs whose probability
   (after competition) reaches ``MatchParams.threshold``; then one-to-many links where one record is the
   coarser unit (an incident split into several events).

================================  ======================================================================
``matching.params``               every setting (:class:`MatchParams`)
``matching.names``                folding, actor-name parsing, place tokens, the fuzzy score
``matching.actors``               the actor crosswalk: names -> actor keys
``matching.reference``            the taxonomy tables (natures, place units, dataset units)
``matching.features``             per-event natures, fatality ranges, actor keys, publishers
``matching.sides``                a canonical table as the arrays the matcher compares
``matching.blocking``             candidate pairs
``matching.pairs``                pairs of rows and what both sides share
``matching.comparisons``          the comparisons and their levels (the registry)
``matching.text``                 place names, mentions in the text, neighbourhoods
``matching.frequencies``          publishers and term frequencies
``matching.model``                the Fellegi-Sunter model and EM
``matching.linking``              pairs -> levels -> model -> probabilities -> decisions
``matching.assignment``           one-to-one, one-to-many, meltt's first-free (for benchmarks)
``matching.union``                ``match`` (links) and ``merge`` (the de-duplicated union)
``matching.update``               a newer ACLED download upserted
================================  ======================================================================
"""

from kzevents.matching.assignment import first_free, one_to_many, one_to_one
from kzevents.matching.blocking import candidate_pairs
from kzevents.matching.comparisons import COMPARISONS, Comparison, registry
from kzevents.matching.linking import Scored, score
from kzevents.matching.params import MatchParams
from kzevents.matching.sides import Side, prepare
from kzevents.matching.union import LINKS_SCHEMA, links_schema, match, merge, models_of
from kzevents.matching.update import update_acled

__all__ = [
    "COMPARISONS",
    "LINKS_SCHEMA",
    "Comparison",
    "MatchParams",
    "Scored",
    "Side",
    "candidate_pairs",
    "first_free",
    "links_schema",
    "match",
    "merge",
    "models_of",
    "one_to_many",
    "one_to_one",
    "prepare",
    "registry",
    "score",
    "update_acled",
]
