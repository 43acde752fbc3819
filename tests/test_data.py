"""The bundled data files and their loaders (zones.data)."""

from __future__ import annotations

import numpy as np
import pyproj
import pytest
import shapely
from shapely import Point

from zones import data
from zones.data import (
    Country,
    InvalidWorldviewError,
    cities,
    countries,
    country,
    crimea,
    resolve_country,
    seas,
    waters,
)
from zones.errors import DataError, UnknownCountryError, ZonesError

GEOD = pyproj.Geod(ellps="WGS84")
SIMFEROPOL = Point(34.10, 44.95)
SEVASTOPOL = Point(33.52, 44.60)


def area_km2(geom: shapely.Geometry) -> float:
    return abs(GEOD.geometry_area_perimeter(geom)[0]) / 1e6


# --- files and schema -------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "columns"),
    [
        ("countries.parquet", ["iso_a3", "iso_a2", "adm0_a3", "name", "name_long", "sovereign",
                               "type", "continent", "region_un", "subregion", "geometry"]),
        ("crimea.parquet", ["name", "iso_a3_un", "iso_a3_ru", "geometry"]),
        ("waters.parquet", ["iso_a3", "worldview", "geometry"]),
        ("seas.parquet", ["name", "source", "geometry"]),
        ("cities.parquet", ["geonameid", "name", "iso_a2", "iso_a3", "population", "geometry"]),
    ],
)  # fmt: skip
def test_bundled_file_schema(name: str, columns: list[str]) -> None:
    frame = data._read(name)
    assert list(frame.columns) == columns
    assert frame.crs.to_epsg() == 4326
    assert len(frame) > 0


def test_missing_file_names_file_and_fix() -> None:
    with pytest.raises(DataError, match=r"'nope\.parquet'.*geodata/build\.py"):
        data.data_path("nope.parquet")


def test_loaders_return_copies() -> None:
    first = countries()
    first.loc[:, "name"] = "changed"
    assert countries().loc[0, "name"] != "changed"


# --- countries ------------------------------------------------------------------


def test_countries_unique_keys() -> None:
    world = countries()
    assert world["iso_a3"].is_unique
    assert world["iso_a2"].dropna().is_unique
    # Natural Earth has ISO_A3 = -99 for these; they keep a real or NE code
    for code in ("NOR", "FRA", "KOS"):
        assert code in set(world["iso_a3"])


@pytest.mark.parametrize("worldview", ["un", "ru"])
def test_every_country_valid_oriented_unwrapped(worldview: str) -> None:
    world = countries(worldview)  # type: ignore[arg-type]
    assert world.attrs["worldview"] == worldview
    for code, geom in zip(world["iso_a3"], world.geometry, strict=True):
        assert geom.geom_type == "MultiPolygon", code
        assert geom.is_valid, code
        xmin, ymin, xmax, ymax = geom.bounds
        assert -180 <= xmin <= xmax <= 180 and -90 <= ymin <= ymax <= 90, code
        for part in geom.geoms:
            assert shapely.is_ccw(part.exterior), code
            assert not any(shapely.is_ccw(ring) for ring in part.interiors), code
        for ring in shapely.get_rings(geom):
            lon = shapely.get_coordinates(ring)[:, 0]
            assert np.abs(np.diff(lon)).max() <= 180, f"{code} wraps across the antimeridian"


@pytest.mark.parametrize("lon", [179.9, 179.5, -179.9, -179.5])
def test_chukotka_on_both_sides_of_antimeridian_is_russia(lon: float) -> None:
    point = Point(lon, 67.0)  # inland Chukotka
    assert country("RUS").geometry.contains(point)
    assert not any(g.contains(point) for g in waters().geometry)


def test_crimea_worldviews() -> None:
    assert country("UKR").geometry.contains(SIMFEROPOL)
    assert not country("RUS").geometry.contains(SIMFEROPOL)
    assert country("RUS", worldview="ru").geometry.contains(SIMFEROPOL)
    assert country("RUS", worldview="ru").geometry.contains(SEVASTOPOL)
    assert not country("UKR", worldview="ru").geometry.contains(SIMFEROPOL)
    peninsula = crimea()
    assert peninsula.contains(SIMFEROPOL) and peninsula.contains(SEVASTOPOL)
    assert 26_000 < area_km2(peninsula) < 28_000  # 27,000 km2 (both regions together)
    # nothing of Crimea is left in Ukraine under "ru", and nothing is lost
    rest = country("UKR", worldview="ru").geometry
    assert area_km2(rest.intersection(peninsula)) < 0.01
    assert abs(area_km2(rest) + area_km2(peninsula) - area_km2(country("UKR").geometry)) < 1
    # the mainland is untouched
    assert country("UKR", worldview="ru").geometry.contains(Point(30.52, 50.45))  # Kyiv


def test_bad_worldview() -> None:
    with pytest.raises(InvalidWorldviewError, match=r"'crimea'.*'un', 'ru'"):
        countries("crimea")  # type: ignore[arg-type]
    assert issubclass(InvalidWorldviewError, ZonesError)
    assert issubclass(InvalidWorldviewError, ValueError)


# --- names --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "iso_a3"),
    [
        ("Russia", "RUS"), ("Russian Federation", "RUS"), ("russia", "RUS"),
        ("USA", "USA"), ("United States", "USA"), ("United States of America", "USA"),
        ("UK", "GBR"), ("United Kingdom", "GBR"),
        ("Czech Republic", "CZE"), ("Czechia", "CZE"),
        ("Turkey", "TUR"), ("Türkiye", "TUR"), ("Turkiye", "TUR"),
        ("Moldova", "MDA"), ("North Macedonia", "MKD"), ("Belarus", "BLR"),
        ("Kosovo", "KOS"), ("XK", "KOS"), ("Norway", "NOR"), ("NO", "NOR"),
        ("EST", "EST"), ("est", "EST"), ("EE", "EST"), ("fi", "FIN"),
        ("  Estonia ", "EST"), ("Åland", "ALA"), ("Ivory Coast", "CIV"), ("Côte d'Ivoire", "CIV"),
    ],
)  # fmt: skip
def test_resolve_country(text: str, iso_a3: str) -> None:
    assert resolve_country(text) == iso_a3


def test_misspelt_country_suggests_close_match() -> None:
    with pytest.raises(UnknownCountryError) as err:
        country("Estonai")
    assert str(err.value) == "unknown country 'Estonai'; did you mean 'Estonia' (EST)?"
    assert isinstance(err.value, KeyError)


def test_unknown_country_without_match() -> None:
    with pytest.raises(UnknownCountryError, match="ISO 3166"):
        resolve_country("Qqqqqqqq")
    with pytest.raises(UnknownCountryError):
        resolve_country(42)  # type: ignore[arg-type]


def test_country_value_object() -> None:
    est = country("Estonia")
    assert isinstance(est, Country)
    assert (est.iso_a3, est.name, est.continent) == ("EST", "Estonia", "Europe")
    feature = est.__geo_interface__
    assert feature["type"] == "Feature"
    assert feature["geometry"]["type"] == "MultiPolygon"
    assert 44_000 < area_km2(est.geometry) < 46_500  # 45,339 km2 published
    with pytest.raises(AttributeError):
        est.name = "x"  # type: ignore[misc]


# --- waters -------------------------------------------------------------------

OFF_TALLINN = Point(24.75, 59.55)


def test_waters_estonia_off_tallinn() -> None:
    w = waters().set_index("iso_a3").geometry
    assert w["EST"].contains(OFF_TALLINN)
    assert not country("EST").geometry.contains(OFF_TALLINN)
    assert not w["FIN"].contains(OFF_TALLINN)
    assert 24_000 < area_km2(w["EST"]) < 25_500


def test_waters_cover_required_states() -> None:
    have = set(waters()["iso_a3"])
    required = {"RUS", "FIN", "SWE", "NOR", "DNK", "DEU", "POL", "LTU", "LVA", "EST", "UKR",
                "ROU", "BGR", "TUR", "GEO", "USA"}  # fmt: skip
    assert required <= have


@pytest.mark.slow
@pytest.mark.parametrize("worldview", ["un", "ru"])
def test_waters_valid_and_off_land(worldview: str) -> None:
    w = waters(worldview)  # type: ignore[arg-type]
    assert w["iso_a3"].is_unique
    land = countries(worldview)  # type: ignore[arg-type]
    tree = shapely.STRtree(land.geometry.values)
    for code, geom in zip(w["iso_a3"], w.geometry, strict=True):
        assert geom.is_valid and geom.geom_type == "MultiPolygon", code
        near = land.geometry.values[tree.query(geom, predicate="intersects")]
        on_land = sum(area_km2(geom.intersection(other)) for other in near)
        assert on_land < 1.0, f"{code}: {on_land:.2f} km2 of water on land"


def test_waters_do_not_overlap_each_other() -> None:
    w = waters()
    geoms = dict(zip(w["iso_a3"], w.geometry, strict=True))
    for a, b in [("RUS", "EST"), ("RUS", "UKR"), ("RUS", "FIN"), ("RUS", "NOR"), ("USA", "RUS")]:
        assert area_km2(geoms[a].intersection(geoms[b])) < 1.0, (a, b)


def test_crimean_waters_follow_worldview() -> None:
    off_sevastopol = Point(33.35, 44.62)
    un = waters("un").set_index("iso_a3").geometry
    ru = waters("ru").set_index("iso_a3").geometry
    assert un["UKR"].contains(off_sevastopol) and not un["RUS"].contains(off_sevastopol)
    assert ru["RUS"].contains(off_sevastopol) and not ru["UKR"].contains(off_sevastopol)


# --- seas, cities ---------------------------------------------------------------


def test_seas_are_water() -> None:
    table = seas().set_index("name").geometry
    assert table["Baltic Sea"].contains(Point(19.5, 56.5))
    assert table["Black Sea"].contains(Point(34.0, 43.0))
    assert not table["Black Sea"].contains(SIMFEROPOL)


def test_cities() -> None:
    table = cities()
    assert len(table) > 30_000
    assert table["geonameid"].is_monotonic_increasing and table["geonameid"].is_unique
    assert table["iso_a3"].notna().all()
    moscow = table[(table["name"] == "Moscow") & (table["iso_a2"] == "RU")].iloc[0]
    assert moscow["iso_a3"] == "RUS" and moscow["population"] > 10_000_000
    assert country("RUS").geometry.contains(moscow.geometry)
    big = cities(min_population=1_000_000)
    assert 0 < len(big) < len(table) and (big["population"] >= 1_000_000).all()
    # territories that Natural Earth folds into their state (GeoNames GF, SJ)
    assert set(table.loc[table["iso_a2"] == "GF", "iso_a3"]) == {"FRA"}
    assert set(table.loc[table["iso_a2"] == "SJ", "iso_a3"]) == {"NOR"}
