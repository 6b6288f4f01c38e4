"""The external formats: one plugin package per format, each holding all of that format's code, and the
engines that run any of them without naming one.

=========================  =================================================================================
``formats/<name>/``        one format: ``layouts`` (its releases' headers), ``read`` (the normaliser: a batch
                           of string columns -> the canonical table), ``export`` (the functions its
                           crosswalk ``exporters/<name>.toml`` names) and ``rules`` (cross-field rules)
``formats.plugin``         what a plugin provides (:class:`~kzevents.formats.plugin.Format`, ``Layout``)
``formats.registry``       the plugins, in one place
``formats.crosswalk``      the engine that interprets ``exporters/<name>.toml``
``formats.normalise``      the kernels normalisers are built from (numbers, dates, problems)
``formats.countries``      country names and codes, Kazakhstan's units as each dataset spells them
``formats.detect``         format and layout of a file, from its header
``formats.reader``         the reader loop: a file -> canonical tables, streaming
``formats.check``          a file validated against its format
=========================  =================================================================================

Importing this package is light (no pyarrow); the engines import the registry, which loads the plugins.
"""
