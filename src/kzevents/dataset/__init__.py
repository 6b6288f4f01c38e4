"""The curated dataset: the attrs model, loading from ``data/`` (TOML -> model, with schema and
referential checks), the summary behind ``kzevents info``, and the ISO 3166-2:KZ admin-1 table.

===================  =======================================================================================
``dataset.vocab``    the controlled vocabularies (event types, precisions, actor types, roles)
``dataset.model``    the frozen attrs classes (Incident, Claim, Place, Actor, Source, Dataset) and the
                     canonical row of an incident
``dataset.load``     ``data/*.toml`` -> the model, every problem reported with its file and ``$.path``
``dataset.summary``  what ``kzevents info`` prints
``dataset.admin1``   ISO 3166-2:KZ codes (current and legacy) and each dataset's spelling of the units
===================  =======================================================================================
"""
