"""zones check: places against zones, distances to the edge checked with pyproj directly."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd
import pyproj
import pytest
import shapely
from click.testing import CliRunner
from shapely.geometry import box
from test_zones import only

import zones
from zones.analysis import facilities, read_places, zone_edges
from zones.clauses.base import ZonePart
from zones.cli import main
from zones.scenario import ExerciseRestraint, HighSeas

GEOD = pyproj.Geod(ellps="WGS84")


@cache
def exercise_and_seas() -> zones.ZoneSet:
    return zones.build(only("today", exercise_restraint=ExerciseRestraint(width_km=50), high_seas=HighSeas()))


def brute_distance_km(lon: float, lat: float, lines: shapely.Geometry, step_deg: float = 0.002) -> float:
    dense = shapely.segmentize(lines, step_deg)
    xy = shapely.get_coordinates(dense)
    _, _, d = GEOD.inv(np.full(len(xy), lon), np.full(len(xy), lat), xy[:, 0], xy[:, 1])
    return float(np.min(d)) / 1000


def test_bundled_facilities_have_sources() -> None:
    f = facilities()
    assert {"Aegis Ashore Redzikowo", "Aegis Ashore Deveselu"} <= set(f.name)
    assert f.source.str.len().min() > 10
    red = f[f.name == "Aegis Ashore Redzikowo"].iloc[0]
    assert (red.lat, red.lon) == (54.47, 17.12)
    dev = f[f.name == "Aegis Ashore Deveselu"].iloc[0]
    assert 44.05 <= dev.lat <= 44.08 and 24.38 <= dev.lon <= 24.41 and dev.approximate == "true"
    # every site lies in the country it names
    for row in f.itertuples():
        assert zones.country(row.iso_a3).geometry.distance(row.geometry) < 0.05, row.name


def test_distances_to_the_edge_match_pyproj() -> None:
    zs = exercise_and_seas()
    result = zs.check(facilities())
    assert list(result.columns) == ["name", "lat", "lon", "zone", "article", "party", "title", "inside", "distance_km"]
    for name in ("Aegis Ashore Redzikowo", "Daugavpils", "Baltiysk"):
        rows = result[result.name == name]
        place = facilities().set_index("name").geometry[name]
        for zone, party in (("exercise_restraint", "POL"), ("exercise_restraint", "LVA"), ("exercise_restraint", "RUS")):
            got = rows[(rows.zone == zone) & (rows.party == party)].iloc[0]
            geom = shapely.union_all(zs.gdf[(zs.gdf.zone == zone) & (zs.gdf.party == party)].geometry.values)
            inside = geom.contains(place)
            expected = brute_distance_km(place.x, place.y, geom.boundary)
            assert bool(got.inside) == inside, (name, party)
            assert got.distance_km == pytest.approx(-expected if inside else expected, abs=0.05), (name, party)
    daugavpils = result[(result.name == "Daugavpils") & (result.party == "LVA")].iloc[0]
    assert daugavpils.inside and daugavpils.distance_km < 0
    redzikowo = result[(result.name == "Aegis Ashore Redzikowo") & result.inside]
    assert redzikowo.empty  # 50 km bands: Redzikowo is ~160 km from Kaliningrad
    # per place, rows run from deepest inside to farthest outside
    for _, rows in result.groupby("name"):
        assert rows.distance_km.is_monotonic_increasing


def test_antimeridian_and_pole_edges_are_not_edges() -> None:
    # a zone cut at +/-180: the cut is no edge, so a point near 180 is far from the edge
    zone = shapely.MultiPolygon([box(160, 60, 180, 70), box(-180, 60, -160, 70)])
    edges = zone_edges(zone)
    xy = shapely.get_coordinates(edges)
    assert not np.any((np.abs(xy[:-1, 0]) == 180) & (xy[1:, 0] == xy[:-1, 0]))
    zs = zones.ZoneSet.from_parts([ZonePart("test", "-", "-", "t", "s", {}, zone)], zones.load_scenario("draft-2021"))
    places = read_places(pd.DataFrame({"name": ["dateline"], "lat": [65.0], "lon": [179.9]}))
    got = zs.check(places).iloc[0]
    # nearest true edge: the parallels 60 N / 70 N, 5 degrees of latitude away (the
    # meridians 160 E / 160 W are farther; the cut at 180, 4.7 km away, does not count)
    _, _, d60 = GEOD.inv(179.9, 65.0, 179.9, 60.0)
    _, _, d70 = GEOD.inv(179.9, 65.0, 179.9, 70.0)
    assert got.inside and got.distance_km == pytest.approx(-min(d60, d70) / 1000, rel=1e-3)
    # a cap around the north pole closed along lat 90: only the 80 N parallel is an edge
    cap = box(-180, 80, 180, 90)
    assert shapely.get_coordinates(zone_edges(cap))[:, 1].max() == 80


def test_read_places_errors(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("name,lat,lon\nA,54.4,17.1\nB,north,17\n")
    with pytest.raises(zones.InvalidInputError, match=r"bad.csv:3: lat 'north' is not a number"):
        read_places(bad)
    (tmp_path / "cols.csv").write_text("name,latitude\nA,54\n")
    with pytest.raises(zones.InvalidInputError, match="no lon column"):
        read_places(tmp_path / "cols.csv")
    (tmp_path / "swap.csv").write_text("name,lat,lon\nA,120,54\n")
    with pytest.raises(zones.InvalidInputError, match="look swapped"):
        read_places(tmp_path / "swap.csv")


def test_cli_check_formats(tmp_path: Path) -> None:
    places = tmp_path / "places.csv"
    places.write_text("name,lat,lon\nDaugavpils,55.88333,26.53333\nRiga,56.9496,24.1052\n")
    runner = CliRunner()
    args = ["check", str(places), "--scenario", "today", "--zone", "exercise_restraint"]
    result = runner.invoke(main, [*args, "--format", "csv"])
    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    assert lines[0] == "name,lat,lon,zone,article,party,title,inside,distance_km"
    assert any(line.startswith("Daugavpils,") and ",LVA," in line and ",True,-" in line for line in lines)
    out = tmp_path / "checked.geojson"
    result = runner.invoke(main, [*args, "--format", "geojson", "-o", str(out)])
    assert result.exit_code == 0, result.output
    doc = json.loads(out.read_text())
    assert doc["type"] == "FeatureCollection" and doc["features"][0]["geometry"]["type"] == "Point"
    assert {f["properties"]["name"] for f in doc["features"]} == {"Daugavpils", "Riga"}
    result = runner.invoke(main, [*args, "--format", "table"])
    assert result.exit_code == 0 and "Daugavpils (55.8833, 26.5333)" in result.output


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("name,lat,lon\nA,x,1\n", "places.csv:2: lat 'x' is not a number"),
        ("id,lat\nA,1\n", "no name, lon column"),
    ],
)
def test_cli_check_bad_csv_is_one_line(tmp_path: Path, content: str, message: str) -> None:
    places = tmp_path / "places.csv"
    places.write_text(content)
    result = CliRunner().invoke(main, ["check", str(places), "--zone", "high_seas"])
    assert result.exit_code == 2
    err = result.stderr.strip()
    assert len(err.splitlines()) == 1 and err.startswith("zones: error: ") and message in err
