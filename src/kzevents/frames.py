"""The canonical table as a data frame for notebooks: pandas, polars or geopandas, with the dtypes chosen
on purpose rather than left to each library's defaults (reference/formats.md §1, "Dates", "Categoricals").

pandas: dates as ``datetime64[ms]`` (pyarrow's default is Python ``date`` objects, on which ``resample``
fails), dictionary columns (event types, precisions, countries, admin-1 codes…) as ``category``, counts as
nullable ``Int32`` and ``suicide`` as nullable ``boolean`` (a missing figure stays missing rather than
turning the column into floats), list columns as arrays, claims as lists of dicts. polars: ``Date`` and
``Categorical``. geopandas: the pandas frame with a ``geometry`` column of WGS 84 points (OGC:CRS84; none
where a row has no coordinates).

Each library is an extra (``kzevents[pandas]``, ``kzevents[polars]``, ``kzevents[geo]``): when it is
missing, the call raises :class:`~kzevents.errors.MissingDependency` with the one line that installs it.
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import TYPE_CHECKING, Any

from kzevents.errors import MissingDependency

if TYPE_CHECKING:  # for type checkers only: each library is imported when its conversion runs
    import geopandas
    import pandas
    import polars
    import pyarrow as pa

CRS = "OGC:CRS84"  # longitude, latitude on WGS 84, as GeoParquet's default and GeoJSON's


def require(module: str, extra: str, what: str) -> ModuleType:
    """``module``, or MissingDependency naming the extra that installs it."""
    try:
        return importlib.import_module(module)
    except ImportError:
        raise MissingDependency(
            f"{what} needs {module}, which is not installed: pip install 'kzevents[{extra}]'"
        ) from None


def to_pandas(table: pa.Table) -> pandas.DataFrame:
    """A canonical table as a pandas DataFrame (dtypes: see the module docstring)."""
    pd = require("pandas", "pandas", "to_pandas()")
    import pyarrow as pa  # the frames' source; imported on use like the libraries above

    mapping: dict[Any, Any] = {pa.int32(): pd.Int32Dtype(), pa.bool_(): pd.BooleanDtype()}
    return table.to_pandas(date_as_object=False, types_mapper=mapping.get)


def to_polars(table: pa.Table) -> polars.DataFrame:
    """A canonical table as a polars DataFrame (``Date``, ``Categorical``, lists as ``List``)."""
    pl = require("polars", "polars", "to_polars()")
    frame: polars.DataFrame = pl.from_arrow(table)
    return frame


def to_geopandas(table: pa.Table) -> geopandas.GeoDataFrame:
    """A canonical table as a GeoDataFrame of points (OGC:CRS84), ``None`` where there are no
    coordinates; the other columns as :func:`to_pandas` gives them."""
    gpd = require("geopandas", "geo", "to_geopandas()")
    frame = to_pandas(table)
    lon, lat = frame["longitude"], frame["latitude"]
    points = gpd.GeoSeries.from_xy(lon.fillna(0.0), lat.fillna(0.0), crs=CRS, index=frame.index)
    points[lon.isna() | lat.isna()] = None
    return gpd.GeoDataFrame(frame, geometry=points, crs=CRS)
