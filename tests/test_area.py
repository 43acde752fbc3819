"""Geodesic areas against pyproj's planimeter, including the cases it cannot tell apart."""

from __future__ import annotations

import pyproj
import pytest
import shapely
from shapely.geometry import GeometryCollection, MultiPolygon, Polygon, box

import zones
from zones import geodesic_area_km2

GEOD = pyproj.Geod(ellps="WGS84")


def pyproj_km2(geom: shapely.Geometry) -> float:
    return abs(GEOD.geometry_area_perimeter(shapely.segmentize(geom, 0.05))[0]) / 1e6


@pytest.mark.parametrize("iso", ["EST", "FIN", "POL"])
def test_countries_match_pyproj(iso: str) -> None:
    geom = zones.country(iso).geometry
    assert geodesic_area_km2(geom) == pytest.approx(pyproj_km2(geom), rel=1e-6)


def test_winding_and_nesting_do_not_change_the_area() -> None:
    square = box(20, 60, 21, 61)
    clockwise = Polygon(list(square.exterior.coords)[::-1])
    nested = GeometryCollection([MultiPolygon([clockwise]), shapely.Point(0, 0)])
    expected = pyproj_km2(square)
    assert geodesic_area_km2(clockwise) == pytest.approx(expected, rel=1e-9)
    assert geodesic_area_km2(nested) == pytest.approx(expected, rel=1e-9)
    with_hole = square.difference(box(20.25, 60.25, 20.75, 60.75))
    assert geodesic_area_km2(with_hole) == pytest.approx(expected - pyproj_km2(box(20.25, 60.25, 20.75, 60.75)))


def test_larger_than_a_hemisphere() -> None:
    russia = zones.country("RUS").geometry
    world = box(-180, -90, 180, 90)
    outside = world.difference(russia)
    assert geodesic_area_km2(outside) + geodesic_area_km2(russia) == pytest.approx(510_065_621.7, rel=1e-6)
