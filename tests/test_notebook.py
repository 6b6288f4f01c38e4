"""The notebook API: Dataset as a mapping from id and a sequence in id order, read-only registries, short
reprs and HTML tables, and data frames with deliberate dtypes; each heavy library an extra with a one-line
install hint when it is missing."""

from __future__ import annotations

import datetime as dt
import pickle
import sys

import attrs
import pytest

import kzevents
from kzevents.dataset.load import load_dataset
from kzevents.dataset.model import Dataset
from kzevents.errors import KzeventsError, MissingDependency

from .conftest import MINI


@pytest.fixture(scope="module")
def ds() -> Dataset:
    return kzevents.load()


# --- mapping and sequence ---------------------------------------------------------------------------


def test_mapping_from_id(ds: Dataset) -> None:
    first = ds.incidents[0]
    assert ds["KZE-0001"] is first and ds.get("KZE-0001") is first
    assert "KZE-0001" in ds and "KZE-9999" not in ds and first in ds
    assert ds.get("KZE-9999") is None
    assert list(ds.keys()) == [i.id for i in ds] and ds.values() == ds.incidents
    assert dict(ds.items())["KZE-0012"].id == "KZE-0012"
    with pytest.raises(KeyError, match="KZE-9999"):
        ds["KZE-9999"]


def test_sequence_in_id_order(ds: Dataset) -> None:
    ids = [i.id for i in ds]
    assert ids == sorted(ids) and len(set(ids)) == len(ds)
    assert ds[0].id == ids[0] and ds[-1].id == ids[-1]
    assert [i.id for i in ds[1:3]] == ids[1:3]
    shuffled = Dataset(tuple(reversed(ds.incidents)), ds.places, ds.actors, ds.sources)
    assert [i.id for i in shuffled] == ids and shuffled["KZE-0002"].id == "KZE-0002"


def test_duplicate_ids_are_refused(ds: Dataset) -> None:
    with pytest.raises(ValueError, match="KZE-0001"):
        Dataset((ds[0], ds[0]), ds.places, ds.actors, ds.sources)


# --- read-only ---------------------------------------------------------------------------------------


def test_the_cached_dataset_cannot_be_changed(ds: Dataset) -> None:
    place = next(iter(ds.places))
    with pytest.raises(TypeError):
        ds.places[place] = ds.places[place]  # type: ignore[index]
    with pytest.raises(TypeError):
        del ds.actors[next(iter(ds.actors))]  # type: ignore[attr-defined]
    assert not hasattr(ds.sources, "pop") and not hasattr(ds.sources, "update")
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        ds.places = {}  # type: ignore[misc]
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        ds[0].title = "changed"  # type: ignore[misc]
    assert kzevents.load() is ds and kzevents.load() == load_dataset()


def test_registries_are_mappings_that_pickle(ds: Dataset) -> None:
    assert dict(ds.places) == {p.id: p for p in ds.places.values()}
    again = pickle.loads(pickle.dumps(ds))
    assert again == ds and again["KZE-0003"] == ds["KZE-0003"]
    assert dict(again.places) == dict(ds.places)


# --- reprs -------------------------------------------------------------------------------------------


def test_incident_reprs_are_one_short_line(ds: Dataset) -> None:
    for inc in ds:
        text = repr(inc)
        assert "\n" not in text and len(text) < 120, text
        assert inc.id in text and inc.date.start.isoformat() in text
        assert f"fatalities {inc.fatalities.best}" in text
        assert inc.title[:20] in text


def test_dataset_repr_is_one_short_line(ds: Dataset) -> None:
    text = repr(ds)
    assert "\n" not in text and len(text) < 120, text
    assert f"{len(ds)} incidents" in text
    assert str(sum(i.fatalities.best for i in ds)) in text


def test_html_tables(ds: Dataset) -> None:
    page = ds._repr_html_()
    assert page.startswith("<table>") and page.count("<tr>") == len(ds) + 1  # header + one per incident
    assert all(i.id in page for i in ds)
    one = ds["KZE-0001"]._repr_html_()
    assert one.startswith("<table>") and "Aktobe" in one and "best 1" in one


def test_html_escapes_text(ds: Dataset) -> None:
    odd = attrs.evolve(ds[0], title="<script>alert(1)</script> & co")
    small = Dataset((odd,), ds.places, ds.actors, ds.sources)
    for page in (small._repr_html_(), odd._repr_html_()):
        assert "<script>" not in page and "&lt;script&gt;" in page and "&amp; co" in page


# --- data frames --------------------------------------------------------------------------------------


def test_to_pandas_dtypes_and_resample(ds: Dataset) -> None:
    pd = pytest.importorskip("pandas", reason="pandas is in the test extra")
    df = ds.to_pandas()
    assert str(df["event_date"].dtype).startswith("datetime64")
    for column in ("dataset", "event_type", "admin1_code", "date_precision"):
        assert isinstance(df[column].dtype, pd.CategoricalDtype), column
    assert isinstance(df["fatalities_best"].dtype, pd.Int32Dtype)
    # injured is null where no source gives a number: missing, not NaN in a float column
    no_figure = [i.fatalities.injured is None for i in ds]
    assert df["injured"].isna().tolist() == no_figure
    monthly = df.set_index("event_date").resample("MS")["fatalities_best"].sum()
    july_2011 = sum(i.fatalities.best for i in ds if (i.date.start.year, i.date.start.month) == (2011, 7))
    assert monthly[pd.Timestamp(2011, 7, 1)] == july_2011


def test_to_polars(ds: Dataset) -> None:
    pl = pytest.importorskip("polars", reason="polars is in the test extra")
    frame = ds.to_polars()
    assert frame.height == len(ds)
    assert frame.schema["event_date"] == pl.Date and frame.schema["event_type"] == pl.Categorical
    assert frame["event_date"][0] == dt.date(2011, 5, 17)  # seed 004: Aktobe, 17 May 2011


def test_to_geopandas(ds: Dataset) -> None:
    pytest.importorskip("geopandas", reason="geopandas is in the test extra")
    frame = ds.to_geopandas()
    assert frame.crs.to_string() == "OGC:CRS84"
    assert set(frame.geometry.geom_type) == {"Point"}
    place = ds.places[ds[0].place]
    assert (frame.geometry.iloc[0].x, frame.geometry.iloc[0].y) == (place.longitude, place.latitude)


def test_geopandas_rows_without_coordinates() -> None:
    pytest.importorskip("geopandas", reason="geopandas is in the test extra")
    import pyarrow as pa

    from kzevents import frames

    table = load_dataset(MINI).to_arrow()
    nulls = pa.nulls(table.num_rows, pa.float64())
    table = table.set_column(table.schema.get_field_index("latitude"), "latitude", nulls)
    frame = frames.to_geopandas(table)
    assert frame.geometry.isna().all()


@pytest.mark.parametrize(
    ("method", "module", "extra"),
    [
        ("to_pandas", "pandas", "pandas"),
        ("to_polars", "polars", "polars"),
        ("to_geopandas", "geopandas", "geo"),
    ],
)
def test_missing_library_gives_the_install_line(
    ds: Dataset, monkeypatch: pytest.MonkeyPatch, method: str, module: str, extra: str
) -> None:
    monkeypatch.setitem(sys.modules, module, None)  # import of it now fails as if not installed
    with pytest.raises(MissingDependency) as exc:
        getattr(ds, method)()
    message = str(exc.value)
    assert "\n" not in message and f"pip install 'kzevents[{extra}]'" in message and module in message
    assert isinstance(exc.value, ImportError) and isinstance(exc.value, KzeventsError)


def test_import_kzevents_stays_light() -> None:
    import subprocess

    code = (
        "import sys, kzevents; ds = kzevents.load(); repr(ds); ds._repr_html_(); repr(ds[0])\n"
        "heavy = [m for m in ('pyarrow', 'pandas', 'polars', 'geopandas') if m in sys.modules]\n"
        "assert not heavy, heavy"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert r.returncode == 0, r.stderr
