"""Writers: the canonical table as each format's CSV (through its crosswalk, validated), as GeoParquet, as
a Frictionless data package; ``export`` writes them all, ``convert`` streams any known file to Parquet.
(Nothing is imported here, so that ``convert`` loads only what it needs.)

=======================  ==================================================================================
``outputs.writer``       a format's CSV through its crosswalk, validated before it is written
``outputs.parquet``      (Geo)Parquet of the canonical table, and reading it back
``outputs.datapackage``  ``datapackage.json`` generated from the JSON Schemas
``outputs.exporter``     ``kzevents export``: every format into one folder
``outputs.converter``    ``kzevents convert``: a file streamed into canonical Parquet
=======================  ==================================================================================
"""
