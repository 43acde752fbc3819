"""Treaty zones checked against facts computed independently here with pyproj."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import numpy as np
import pyproj
import pytest
import shapely
from shapely.geometry import Point

import zones
from zones.scenario import (
    BomberExclusion,
    ExerciseRestraint,
    HighSeas,
    MissileExclusion,
    NoNatoActivity,
    NoNewDeployments,
    NoUsBases,
    NuclearAtHome,
    Scenario,
)

GEOD = pyproj.Geod(ellps="WGS84")
OFF = {
    "exercise_restraint": ExerciseRestraint(enabled=False),
    "missile_exclusion": MissileExclusion(enabled=False),
    "bomber_exclusion": BomberExclusion(enabled=False),
    "no_new_deployments": NoNewDeployments(enabled=False),
    "no_nato_activity": NoNatoActivity(enabled=False),
    "no_us_bases": NoUsBases(enabled=False),
    "nuclear_at_home": NuclearAtHome(enabled=False),
    "high_seas": HighSeas(enabled=False),
}


def only(preset: str, **tables: object) -> Scenario:
    """A preset with every zone off except the ones given."""
    return zones.load_scenario(preset).replace(**{**OFF, **tables})


def min_distance_km(lon: float, lat: float, geom: shapely.Geometry, step_km: float = 0.5) -> float:
    """Geodesic distance from a point to a line or polygon boundary, by brute force on a
    densified copy (straight lon/lat edges): independent of the engine."""
    boundary = geom.boundary if geom.geom_type in ("Polygon", "MultiPolygon") else geom
    dense = shapely.segmentize(boundary, step_km / 111.0)
    xy = shapely.get_coordinates(dense)
    _, _, d = GEOD.inv(np.full(len(xy), lon), np.full(len(xy), lat), xy[:, 0], xy[:, 1])
    return float(np.min(d)) / 1000


@cache
def exercise_2021() -> zones.ZoneSet:
    return zones.build(only("draft-2021", exercise_restraint=ExerciseRestraint(width_km=50)))


def test_estonia_40_km_in_60_km_out() -> None:
    zs = exercise_2021()
    band = shapely.union_all(zs.gdf[zs.gdf.party == "EST"].geometry.values)
    line = zones.border("RUS", "EST")
    estonia = zones.country("EST").geometry
    rng = np.random.default_rng(7)
    lon = rng.uniform(26.0, 28.2, 3000)
    lat = rng.uniform(57.5, 59.5, 3000)
    inside_est = shapely.contains_xy(estonia, lon, lat)
    checked = {"in": 0, "out": 0}
    for x, y in zip(lon[inside_est], lat[inside_est], strict=True):
        d = min_distance_km(x, y, line, step_km=1.0)
        if 38 <= d <= 42:
            assert band.contains(Point(x, y)), (x, y, d)
            checked["in"] += 1
        elif 58 <= d <= 62:
            # may still be within 50 km of another part of the side's border (Latvia's is NATO too: no)
            assert not band.contains(Point(x, y)), (x, y, d)
            checked["out"] += 1
    assert checked["in"] >= 10 and checked["out"] >= 10, checked


def test_bands_stay_on_their_side() -> None:
    zs = exercise_2021()
    nato = zones.resolve_group("NATO", "2021-12-17")
    russia_side = zones.resolve_group(["Russia", "Belarus", "CSTO"], "2021-12-17")
    countries = zones.countries()
    nato_land = shapely.union_all(countries[countries.iso_a3.isin(nato)].geometry.values)
    for row in zs.gdf.itertuples():
        assert row.article == "NATO Art. 7"
        assert row.parameters["width_km"] == 50
        if row.party in russia_side:
            assert shapely.intersection(row.geometry, nato_land).area < 1e-6


def test_finland_in_the_zone_only_with_todays_membership() -> None:
    today = zones.build(only("today", exercise_restraint=ExerciseRestraint(width_km=30)))
    assert "FIN" in set(today.gdf.party)
    assert "FIN" not in set(exercise_2021().gdf.party)
    fin = today.gdf[today.gdf.party == "FIN"].geometry.iloc[0]
    # every vertex of the Finnish band lies within 30 km (+ tolerance) of the RUS-FIN border
    line = zones.border("RUS", "FIN")
    xy = shapely.get_coordinates(fin)[::200]
    assert max(min_distance_km(x, y, line, 2.0) for x, y in xy) < 30 * 1.01 + 1.0


def test_overrides_change_one_border() -> None:
    zs = zones.build(only("today", exercise_restraint=ExerciseRestraint(width_km=50, overrides={"FIN": 30, "POL": 100})))
    widths = {(r.parameters["border"], r.party): r.parameters["width_km"] for r in zs.gdf.itertuples()}
    assert widths[("RUS-FIN", "FIN")] == 30 and widths[("RUS-FIN", "RUS")] == 30
    assert widths[("BLR-POL", "POL")] == 100 and widths[("RUS-EST", "EST")] == 50


@pytest.mark.slow
def test_missile_exclusion_at_5500_km() -> None:
    zs = zones.build(only("draft-2021", missile_exclusion=MissileExclusion(range="intermediate", drafts=("US",))))
    us = zs.gdf[(zs.gdf.party == "USA") & (zs.gdf.kind == "area")].geometry.iloc[0]
    ru = zs.gdf[(zs.gdf.party == "RUS") & (zs.gdf.kind == "area")].geometry.iloc[0]
    russia = zones.country("RUS").geometry
    cities = {"Anchorage": (-149.9, 61.22), "Seattle": (-122.33, 47.61), "Miami": (-80.19, 25.76)}
    for name, (x, y) in cities.items():
        d = min_distance_km(x, y, russia, step_km=5.0)
        expected = d <= 5500
        assert us.contains(Point(x, y)) == expected, (name, d)
    assert us.contains(Point(-149.9, 61.22)) and not us.contains(Point(-80.19, 25.76))
    # the Russian part covers its Far East (Ussuriysk, Yelizovo) but not Moscow, each
    # checked against the true distance to US territory
    usa = zones.country("USA").geometry
    for x, y in ((131.95, 43.8), (158.38, 53.18), (37.62, 55.75), (30.3, 59.9)):
        assert ru.contains(Point(x, y)) == (min_distance_km(x, y, usa, step_km=5.0) <= 5500), (x, y)
    assert ru.contains(Point(131.95, 43.8)) and not ru.contains(Point(37.62, 55.75))
    abroad = zs.gdf[(zs.gdf.party == "USA") & (zs.gdf.kind == "elsewhere")].geometry.iloc[0]
    assert abroad.contains(Point(2.35, 48.85)) and not abroad.contains(Point(-100, 40))


def test_baltic_high_seas_leave_out_gotlands_waters() -> None:
    zs = zones.build(only("draft-2021", high_seas=HighSeas()))
    baltic = zs.gdf[zs.gdf.parameters.apply(lambda p: p["sea"]) == "Baltic Sea"].geometry.iloc[0]
    gotland = shapely.Point(18.5, 57.5)  # Gotland, Sweden
    swe_waters = zones.waters().set_index("iso_a3").geometry["SWE"]
    assert swe_waters.contains(Point(18.0, 57.3))  # off Gotland's west coast
    assert not baltic.contains(Point(18.0, 57.3))
    assert not baltic.contains(gotland)
    # open water between Gotland and Latvia is high sea
    assert baltic.contains(Point(20.0, 57.0))
    black = zs.gdf[zs.gdf.parameters.apply(lambda p: p["sea"]) == "Black Sea"].geometry.iloc[0]
    assert black.contains(Point(34.0, 43.0)) and not black.contains(Point(33.5, 44.55))  # off Sevastopol


def test_territorial_zones() -> None:
    zs = zones.build(
        only("draft-2021", no_new_deployments=NoNewDeployments(), no_nato_activity=NoNatoActivity(),
             no_us_bases=NoUsBases(), nuclear_at_home=NuclearAtHome())
    )  # fmt: skip
    states = {r.zone: set(r.parameters.get("states", "").split()) for r in zs.gdf.itertuples()}
    assert {"POL", "EST", "UKR", "BLR", "FIN", "SWE", "AUT"} <= states["no_new_deployments"]
    assert not {"RUS", "DEU", "FRA", "GBR", "FRO"} & states["no_new_deployments"]
    assert {"UKR", "GEO", "MDA", "KAZ", "BLR"} <= states["no_nato_activity"]
    assert not {"RUS", "POL", "ROU"} & states["no_nato_activity"]
    assert states["no_us_bases"] == set(zones.members("former USSR", "2021-12-17")) - {"RUS", "EST", "LVA", "LTU"}
    nuc = zs.gdf[zs.gdf.zone == "nuclear_at_home"]
    assert set(nuc.party) == {"USA", "RUS"} and set(nuc.kind) == {"elsewhere"}


def test_geojson_export(tmp_path: Path) -> None:
    zs = exercise_2021()
    path = zs.to_geojson(tmp_path / "zones.geojson")
    doc = json.loads(path.read_text())
    assert doc["zones"]["worldview"] == "un" and doc["zones"]["as_of"] == "2021-12-17"
    props = doc["features"][0]["properties"]
    assert {"zone", "article", "party", "width_km", "area_km2"} <= set(props)
    for f in doc["features"]:
        geom = shapely.geometry.shape(f["geometry"])
        assert geom.is_valid
        ring = geom.geoms[0].exterior if geom.geom_type == "MultiPolygon" else geom.exterior
        assert ring.is_ccw


def test_stats_shares_are_geodesic() -> None:
    zs = exercise_2021()
    st = zs.stats()
    est = st[(st.party == "EST") & (st.iso_a3 == "EST")]
    assert len(est) == 1
    expected = zones.geodesic_area_km2(
        shapely.intersection(zs.gdf[zs.gdf.party == "EST"].geometry.iloc[0], zones.country("EST").geometry)
    )
    assert est.area_km2.iloc[0] == pytest.approx(expected, rel=1e-3)
    assert 0 < est.share.iloc[0] < 1
    assert est.cities.iloc[0] >= 1  # Tartu lies within 50 km of the border


def test_articles_catalogue() -> None:
    arts = zones.articles()
    assert len([a for a in arts if a.draft == "US"]) == 8
    assert len([a for a in arts if a.draft == "NATO"]) == 9
    mapped = {z for a in arts for z in a.zones}
    assert mapped == set(zones.scenario.ZONE_TABLES)
