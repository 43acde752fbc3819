"""zones diff: gained and lost areas, checked against geodesic areas computed with pyproj."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import pyproj
import pytest
import shapely
from click.testing import CliRunner
from test_zones import only

import zones
from zones.cli import main
from zones.scenario import ExerciseRestraint

GEOD = pyproj.Geod(ellps="WGS84")


def pyproj_area_km2(geom: shapely.Geometry) -> float:
    """Geodesic area with pyproj directly, edges densified to follow straight lon/lat lines."""
    total = 0.0
    for part in shapely.get_parts(geom):
        dense = shapely.orient_polygons(shapely.segmentize(part, 0.01), exterior_cw=False)
        area, _ = GEOD.geometry_area_perimeter(dense)
        total += area
    return total / 1e6


@cache
def exercise_diff() -> zones.ZoneDiff:
    a = zones.build(only("draft-2021", exercise_restraint=ExerciseRestraint(width_km=50)))
    b = zones.build(only("today", exercise_restraint=ExerciseRestraint(width_km=50)))
    return zones.diff(a, b)


def test_finland_joins_the_exercise_zone() -> None:
    d = exercise_diff()
    row = d.by_zone.set_index("zone").loc["exercise_restraint"]
    assert row.lost_km2 == 0
    gained = shapely.difference(shapely.union_all(d.b.gdf.geometry.values), shapely.union_all(d.a.gdf.geometry.values))
    assert row.gained_km2 == pytest.approx(pyproj_area_km2(gained), rel=1e-3)
    by_country = d.by_country.set_index("iso_a3")
    for iso in ("FIN", "RUS"):
        expected = pyproj_area_km2(shapely.intersection(gained, zones.country(iso).geometry))
        assert by_country.loc[iso, "gained_km2"] == pytest.approx(expected, rel=1e-3), iso
    # most of the gain lies within 50 km of the Russian-Finnish border, on either side
    near = zones.geodesic_buffer(zones.border("RUS", "FIN"), 50.5)
    assert pyproj_area_km2(shapely.intersection(gained, near)) > 0.95 * row.gained_km2
    assert by_country.loc["RUS", "gained_km2"] > 10_000
    assert set(d.gdf.change) == {"gained"}


def test_diff_geojson_and_map(tmp_path: Path) -> None:
    d = exercise_diff()
    doc = d.to_geojson_dict()
    assert doc["type"] == "FeatureCollection" and doc["features"][0]["properties"]["change"] == "gained"
    html = d.to_map().get_root().render()
    assert "exercise_restraint: gained" in html


def test_cli_diff(tmp_path: Path) -> None:
    out = tmp_path / "diff.geojson"
    result = CliRunner().invoke(main, ["diff", "draft-2021", "today", "--zone", "exercise_restraint",
                                       "--countries", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "exercise_restraint" in result.output and "Finland" in result.output
    assert json.loads(out.read_text())["features"]


def test_cli_diff_unknown_zone_is_one_line() -> None:
    result = CliRunner().invoke(main, ["diff", "draft-2021", "today", "--zone", "exercise"])
    assert result.exit_code == 2
    assert result.stderr.strip().startswith("zones: error: unknown zone 'exercise'")
