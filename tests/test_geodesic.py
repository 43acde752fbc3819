"""Tests of the geodesic engine: buffers and distances on WGS84.

Every accuracy check goes through :class:`Judge`, which shares no code with
the engine: it densifies the source (edges straight in lon/lat) finely, finds
candidates with a k-d tree on earth-centred coordinates and takes the exact
minimum of ``pyproj.Geod.inv`` over them, plus a point-in-polygon test.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pyproj
import pytest
import shapely
from hypothesis import example, given, settings
from hypothesis import strategies as st
from scipy.spatial import cKDTree
from shapely.geometry import (
    GeometryCollection,
    LineString,
    MultiPoint,
    MultiPolygon,
    Point,
    Polygon,
    box,
)

from zones import geodesic_area_km2
from zones.errors import InvalidDistanceError, InvalidGeometryError
from zones.geodesic import geodesic_buffer, geodesic_distance, geodesic_distances

GEOD = pyproj.Geod(ellps="WGS84")
DATA = Path(__file__).parent / "data" / "geodesic"


# --- the independent judge ------------------------------------------------------------------


def _ecef(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    a, f = 6378137.0, 1 / 298.257223563
    e2 = f * (2 - f)
    phi, lam = np.radians(lat), np.radians(lon)
    n = a / np.sqrt(1 - e2 * np.sin(phi) ** 2)
    return np.column_stack(
        (n * np.cos(phi) * np.cos(lam), n * np.cos(phi) * np.sin(lam), n * (1 - e2) * np.sin(phi))
    )


class Judge:
    """Geodesic distance (km) from points to a source, the slow and obvious way."""

    def __init__(self, source: shapely.Geometry, distance_km: float) -> None:
        # a point set with spacing s stands for its edges within s^2 / (8 D): keep that tiny
        spacing_km = max(0.005, min(20.0, math.sqrt(8 * distance_km * 2e-5 * distance_km)))
        parts = shapely.get_parts(source)
        while (shapely.get_type_id(parts) >= 4).any():
            parts = np.concatenate([shapely.get_parts(p) for p in parts])
        polygons = [p for p in parts if p.geom_type == "Polygon" and not p.is_empty]
        lines = [shapely.boundary(p) for p in polygons] + [
            p for p in parts if p.geom_type != "Polygon" and not p.is_empty
        ]
        dense = shapely.segmentize(shapely.GeometryCollection(lines), spacing_km / 111.32)
        coords = shapely.get_coordinates(dense)
        self.lon, self.lat = coords[:, 0], coords[:, 1]
        self.tree = cKDTree(_ecef(self.lon, self.lat))
        self.polygons = shapely.union_all(polygons) if polygons else Polygon()

    def __call__(self, lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
        lon, lat = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
        k = min(96, len(self.lon))
        _, idx = self.tree.query(_ecef(lon, lat), k=k)
        idx = np.asarray(idx).reshape(len(lon), k)
        _, _, dist = GEOD.inv(
            np.repeat(lon, k), np.repeat(lat, k), self.lon[idx.ravel()], self.lat[idx.ravel()]
        )
        dist_km = np.asarray(dist).reshape(len(lon), k).min(axis=1) / 1000.0
        inside = shapely.intersects_xy(self.polygons, lon, lat)
        return np.where(inside, 0.0, dist_km)


def tolerance_km(distance_km: float) -> float:
    return max(0.0005 * distance_km, 0.025)


def boundary_points(
    zone: shapely.Geometry, rng: np.random.Generator, limit: int = 3000
) -> np.ndarray:
    """Vertices and points along edges (1/4, 1/2, 3/4 and one random fraction), except
    edges on the ±180° cut and along the poles."""
    out = []
    for ring in shapely.get_rings(shapely.get_parts(zone)):
        c = shapely.get_coordinates(ring)
        a, b = c[:-1], c[1:]
        cut = (np.abs(a[:, 0]) == 180) & (np.abs(b[:, 0]) == 180)
        pole = (np.abs(a[:, 1]) == 90) & (np.abs(b[:, 1]) == 90)
        a, b = a[~(cut | pole)], b[~(cut | pole)]
        fractions = [0.0, 0.25, 0.5, 0.75, rng.uniform()]
        out += [a + t * (b - a) for t in fractions]
    points = np.concatenate(out) if out else np.empty((0, 2))
    if len(points) > limit:
        points = points[rng.choice(len(points), limit, replace=False)]
    return points


def assert_rfc7946(zone: shapely.Geometry) -> None:
    assert zone.geom_type in ("Polygon", "MultiPolygon")
    assert zone.is_valid, shapely.is_valid_reason(zone)
    x0, y0, x1, y1 = zone.bounds
    assert x0 >= -180 and x1 <= 180 and y0 >= -90 and y1 <= 90
    for polygon in shapely.get_parts(zone):
        assert shapely.is_ccw(polygon.exterior)
        assert not any(shapely.is_ccw(hole) for hole in polygon.interiors)
        for ring in [polygon.exterior, *polygon.interiors]:
            c = shapely.get_coordinates(ring)
            along_pole = (np.abs(c[:-1, 1]) == 90) & (c[:-1, 1] == c[1:, 1])
            jumps = np.abs(np.diff(c[:, 0]))[~along_pole]
            assert jumps.max(initial=0) <= 180, "edge wraps around the globe"


def assert_buffer(
    source: shapely.Geometry, distance_km: float, zone: shapely.Geometry, seed: int = 0
) -> None:
    """The zone is valid GeoJSON-ready and matches the exact buffer within tolerance."""
    assert_rfc7946(zone)
    rng = np.random.default_rng(seed)
    judge = Judge(source, distance_km)
    points = boundary_points(zone, rng)
    assert len(points), "no boundary points"
    error = np.abs(judge(points[:, 0], points[:, 1]) - distance_km)
    worst = int(np.argmax(error))
    assert error[worst] <= tolerance_km(distance_km), (
        f"boundary point {points[worst]} is off by {error[worst]:.4f} km "
        f"(tolerance {tolerance_km(distance_km):.4f} km)"
    )
    # points around the boundary, on both sides, and around the source
    n = len(points)
    azimuth = rng.uniform(0, 360, n)
    step = rng.uniform(0, 0.04 * distance_km, n) * 1000.0
    lon, lat, _ = GEOD.fwd(points[:, 0], points[:, 1], azimuth, step)
    src = shapely.get_coordinates(source)
    pick = src[rng.integers(0, len(src), 300)]
    lon2, lat2, _ = GEOD.fwd(
        pick[:, 0],
        pick[:, 1],
        rng.uniform(0, 360, 300),
        rng.uniform(0, 1.05 * distance_km, 300) * 1000.0,
    )
    lon, lat = np.concatenate([lon, lon2]), np.concatenate([lat, lat2])
    d = judge(lon, lat)
    inside = shapely.intersects_xy(zone, lon, lat)
    missing = (d < 0.99 * distance_km) & ~inside
    extra = (d > 1.01 * distance_km) & inside
    assert not missing.any(), (
        f"points within 0.99 D left out: {np.column_stack([lon, lat])[missing][:5]}"
    )
    assert not extra.any(), (
        f"points beyond 1.01 D included: {np.column_stack([lon, lat])[extra][:5]}"
    )


# --- named cases --------------------------------------------------------------------------


def _star(lon0: float, lat0: float, radius_deg: float, n: int, seed: int) -> Polygon:
    rng = np.random.default_rng(seed)
    angles = np.sort(rng.uniform(0, 2 * np.pi, n))
    radii = radius_deg * rng.uniform(0.4, 1.0, n)
    lat = np.clip(lat0 + radii * np.sin(angles), -89.5, 89.5)
    lon = lon0 + radii * np.cos(angles) / np.cos(np.radians(lat0))
    return Polygon(np.column_stack([lon, lat]))


def _islands(count: int, seed: int) -> MultiPolygon:
    rng = np.random.default_rng(seed)
    lon = rng.uniform(95, 140, count)
    lat = rng.uniform(-10, 6, count)
    size = rng.uniform(0.002, 0.08, count)
    return MultiPolygon(
        [box(x, y, x + s, y + s * 0.7) for x, y, s in zip(lon, lat, size, strict=True)]
    )


CHUKOTKA = shapely.union(
    Polygon([(170, 64), (180, 64), (180, 70), (175, 69.5), (171, 68), (170, 66)]),
    Polygon([(-180, 64), (-172, 64.5), (-169, 66), (-175, 67.5), (-180, 70)]),
)
SVALBARD = Polygon([(11, 77), (19, 76.5), (28, 78), (27, 80.3), (20, 80.5), (11, 79.8)])
BORDER = LineString([(27.35, 57.55), (27.40, 57.57), (27.45, 57.575), (27.50, 57.60)])  # ~10 km

NAMED_CASES = {
    "border segment 1 km": (BORDER, 1.0),
    "chukotka across the antimeridian 5500 km": (CHUKOTKA, 5500.0),
    "svalbard over the north pole 3000 km": (SVALBARD, 3000.0),
    "point on the north pole 1000 km": (Point(0, 90), 1000.0),
    "point near the south pole across 180": (Point(179.9, -88.5), 400.0),
    "point at 0 deg, 10000 km": (Point(30, 0), 10000.0),
    "line across the equator covers both poles": (LineString([(10, -10), (10, 10)]), 10000.0),
    "ring of latitude 80": (LineString([(lon, 80) for lon in range(-180, 181, 10)]), 300.0),
    "collection across 180": (
        GeometryCollection(
            [Point(179.5, 0), LineString([(-179, 1), (-178, 2)]), box(170, -5, 172, -3)]
        ),
        300.0,
    ),
    "polygon with a hole": (
        Polygon(box(20, 40, 30, 46).exterior, [box(23, 42, 27, 44).exterior.coords]),
        60.0,
    ),
    "tiny exclave next to a large polygon": (
        MultiPolygon([_star(30, 50, 4, 40, 1), box(45, 50, 45.001, 50.001)]),
        25.0,
    ),
}


@pytest.mark.parametrize("name", list(NAMED_CASES))
def test_named_case(name: str) -> None:
    source, distance_km = NAMED_CASES[name]
    assert_buffer(source, distance_km, geodesic_buffer(source, distance_km))


def test_buffer_across_the_antimeridian_is_cut() -> None:
    zone = geodesic_buffer(Point(179.5, 65.0), 200.0)
    assert zone.geom_type == "MultiPolygon"
    assert {round(p.bounds[0]) for p in zone.geoms} | {round(p.bounds[2]) for p in zone.geoms} >= {
        -180,
        180,
    }


@pytest.mark.parametrize("pole", [90.0, -90.0])
def test_buffer_over_a_pole_runs_along_the_pole_line(pole: float) -> None:
    source = Point(45.0, pole - math.copysign(5.0, pole))
    zone = geodesic_buffer(source, 1500.0)
    assert zone.geom_type == "Polygon"
    assert shapely.intersects_xy(zone, 123.0, pole)
    coords = shapely.get_coordinates(zone)
    assert (coords[:, 1] == pole).sum() >= 2
    assert {-180.0, 180.0} <= set(coords[coords[:, 1] == pole, 0])


@pytest.mark.slow
def test_thousands_of_islands() -> None:
    islands = _islands(1000, seed=3)
    zone = geodesic_buffer(islands, 15.0)
    assert_buffer(islands, 15.0, zone)


def test_grows_with_distance_and_contains_source() -> None:
    source = _star(-60, -30, 3, 25, 7)
    small, large = geodesic_buffer(source, 100.0), geodesic_buffer(source, 300.0)
    assert shapely.covers(small, source)
    points = shapely.get_coordinates(small)
    assert shapely.intersects_xy(large, points[:, 0], points[:, 1]).all()


def test_resolution_sets_the_tolerance() -> None:
    source = Point(10.0, 50.0)
    coarse = geodesic_buffer(source, 500.0, resolution=5.0)
    fine = geodesic_buffer(source, 500.0, resolution=0.01)
    assert shapely.get_num_coordinates(coarse) < shapely.get_num_coordinates(fine)
    c = shapely.get_coordinates(fine)
    d = Judge(source, 500.0)(c[:, 0], c[:, 1])
    assert np.abs(d - 500.0).max() <= 0.01


# --- golden files ---------------------------------------------------------------------------


def _golden_cases() -> list[str]:
    return sorted(p.name.removesuffix(".json") for p in DATA.glob("*.json"))


@pytest.mark.parametrize("case", _golden_cases())
def test_golden(case: str) -> None:
    """Regression cases: same topology as the stored result, boundary within 2x tolerance."""
    stored = json.loads((DATA / f"{case}.json").read_text())
    source = shapely.from_geojson(json.dumps(stored["source"]))
    expected = shapely.from_geojson(json.dumps(stored["expected"]))
    zone = geodesic_buffer(source, stored["distance_km"])
    assert_rfc7946(zone)
    assert len(shapely.get_parts(zone)) == len(shapely.get_parts(expected))
    holes = [len(p.interiors) for p in shapely.get_parts(zone)]
    assert sorted(holes) == sorted(len(p.interiors) for p in shapely.get_parts(expected))
    # symmetric difference is a thin band: its points lie within 2 tolerances of the boundary
    band = shapely.symmetric_difference(shapely.normalize(zone), shapely.normalize(expected))
    rng = np.random.default_rng(0)
    if not band.is_empty:
        pts = shapely.get_coordinates(band)
        pts = pts[rng.choice(len(pts), min(len(pts), 2000), replace=False)]
        pts = pts[(np.abs(pts[:, 0]) < 180) & (np.abs(pts[:, 1]) < 90)]
        d = Judge(source, stored["distance_km"])(pts[:, 0], pts[:, 1])
        assert np.abs(d - stored["distance_km"]).max() <= 2 * tolerance_km(stored["distance_km"])


# --- property tests ------------------------------------------------------------------------


@st.composite
def sources(draw: st.DrawFn) -> shapely.Geometry:
    kind = draw(st.sampled_from(["point", "multipoint", "line", "polygon"]))
    lon = draw(st.floats(-180, 180))
    lat = draw(st.floats(-89, 89))
    seed = draw(st.integers(0, 10_000))
    size = draw(st.floats(0.01, 6.0))
    rng = np.random.default_rng(seed)
    if kind == "point":
        return Point(lon, lat)
    offsets = rng.uniform(-size, size, (int(rng.integers(2, 8)), 2))
    xy = np.column_stack(
        [np.clip(lon + offsets[:, 0], -180, 180), np.clip(lat + offsets[:, 1] / 2, -89.5, 89.5)]
    )
    if kind == "multipoint":
        return MultiPoint(xy)
    if kind == "line":
        return LineString(xy)
    star = _star(0, 0, size, 12, seed)
    return shapely.clip_by_rect(
        shapely.affinity.translate(star, lon, lat), -180, -89.5, 180, 89.5
    ) or Point(lon, lat)


@settings(max_examples=30, deadline=None, derandomize=True)
@given(source=sources(), distance_km=st.floats(1.0, 8000.0))
@example(source=Point(180, 0), distance_km=800.0)  # on the antimeridian
@example(
    source=LineString([(179.5, 60), (-179.5, 60.5)]), distance_km=50.0
)  # straight in lon/lat: 359 deg long
@example(source=Point(0, 90), distance_km=2000.0)  # the north pole
@example(source=Point(-120, -89.9), distance_km=30.0)  # next to the south pole
@example(
    source=MultiPolygon([box(20, 50, 21, 51), box(40, 50, 40.0005, 50.0005)]), distance_km=3.0
)  # a tiny exclave
@example(source=box(-180, -90, 180, -85), distance_km=100.0)  # a polar cap as source
def test_buffer_properties(source: shapely.Geometry, distance_km: float) -> None:
    if source.is_empty:
        return
    zone = geodesic_buffer(source, distance_km)
    assert_buffer(source, distance_km, zone)


# --- zero distance, empty input and errors -----------------------------------------------------


def test_zero_distance_returns_the_polygonal_part() -> None:
    square = box(10, 10, 11, 11)
    zone = geodesic_buffer(GeometryCollection([square, Point(50, 50)]), 0)
    assert shapely.equals(zone, square)
    assert shapely.is_ccw(zone.exterior)
    assert geodesic_buffer(LineString([(0, 0), (1, 1)]), 0).is_empty
    assert geodesic_buffer(Point(0, 0), 0.0).is_empty


def test_empty_geometry_gives_empty_polygon() -> None:
    assert geodesic_buffer(Polygon(), 10).is_empty


@pytest.mark.parametrize(
    "distance", [-1, -0.001, float("nan"), float("inf"), 10_000.5, 1e9, "ten", None]
)
def test_bad_distance(distance: object) -> None:
    with pytest.raises(InvalidDistanceError) as info:
        geodesic_buffer(Point(0, 0), distance)  # type: ignore[arg-type]
    assert repr(distance) in str(info.value)
    assert "10,000" in str(info.value)


def test_bad_resolution() -> None:
    with pytest.raises(InvalidDistanceError, match="resolution"):
        geodesic_buffer(Point(0, 0), 10, resolution=0)
    # finer than 1 m ran for minutes
    with pytest.raises(InvalidDistanceError, match=r"below 1 m; give at least 0\.001 km"):
        geodesic_buffer(LineString([(20, 50), (30, 60)]), 10, resolution=1e-9)


@pytest.mark.parametrize(
    ("line", "distance_km", "area_km2"),
    [
        # straight in lon/lat, these go the long way round: 359.8 and 340 degrees
        (LineString([(179.9, 0), (-179.9, 0)]), 500, 2 * 500 * 40_075 * 359.8 / 360),
        (LineString([(-170, 60), (170, 60)]), 100, 2 * 100 * 20_037 * 340 / 360),
    ],
)
def test_lines_around_the_globe(line: LineString, distance_km: float, area_km2: float) -> None:
    """An edge's extent is not its ends': such lines once ran for minutes (one cluster)."""
    zone = geodesic_buffer(line, distance_km)
    assert_buffer(line, distance_km, zone)
    # a band along the line, plus its end caps where they do not overlap (within 2 %)
    assert geodesic_area_km2(zone) == pytest.approx(area_km2, rel=0.02)


@pytest.mark.parametrize(
    "geometry",
    [Point(181, 0), Point(0, 90.5), LineString([(0, 0), (-200, 0)]), Point(float("nan"), 0)],
)
def test_bad_coordinates(geometry: shapely.Geometry) -> None:
    with pytest.raises(InvalidGeometryError, match="out of range"):
        geodesic_buffer(geometry, 10)


def test_not_a_geometry() -> None:
    with pytest.raises(InvalidGeometryError):
        geodesic_buffer([(0, 0)], 10)  # type: ignore[arg-type]


def test_errors_are_value_errors() -> None:
    with pytest.raises(ValueError):
        geodesic_buffer(Point(0, 0), -5)


# --- distances ---------------------------------------------------------------------------


def test_distance_between_points_is_geod_inv() -> None:
    _, _, expected = GEOD.inv(2.35, 48.86, -74.0, 40.71)
    assert geodesic_distance(Point(2.35, 48.86), Point(-74.0, 40.71)) == pytest.approx(
        expected / 1000.0, rel=1e-9
    )


def test_distance_across_the_antimeridian() -> None:
    _, _, expected = GEOD.inv(179.9, 0, -179.9, 0)
    assert geodesic_distance(Point(179.9, 0), Point(-179.9, 0)) == pytest.approx(expected / 1000.0)


def test_distance_is_zero_when_touching_or_inside() -> None:
    square = box(0, 0, 2, 2)
    assert geodesic_distance(square, Point(1, 1)) == 0.0
    assert geodesic_distance(square, box(2, 0, 3, 1)) == 0.0
    assert geodesic_distance(LineString([(-1, 1), (3, 1)]), square) == 0.0


def test_distance_to_a_line_uses_its_interior() -> None:
    line = LineString([(-5, 0), (5, 0)])
    _, _, expected = GEOD.inv(0, 0, 0, 1)
    assert geodesic_distance(Point(0, 1), line) == pytest.approx(expected / 1000.0, abs=0.001)


def test_distance_between_polygons_matches_judge() -> None:
    a = _star(10, 40, 2, 20, 1)
    b = _star(17, 43, 2, 20, 2)
    judge = Judge(b, 300.0)
    c = shapely.get_coordinates(shapely.segmentize(a, 0.01))
    assert geodesic_distance(a, b) == pytest.approx(judge(c[:, 0], c[:, 1]).min(), abs=0.01)


def test_distances_vectorised_match_judge() -> None:
    rng = np.random.default_rng(5)
    source = MultiPolygon([_star(100, 60, 3, 30, 4), _star(-175, 62, 2, 20, 5)])
    lon = rng.uniform(-180, 180, 2000)
    lat = np.degrees(np.arcsin(rng.uniform(-1, 1, 2000)))
    lon[:200] = rng.uniform(95, 105, 200)  # some near and inside
    lat[:200] = rng.uniform(57, 63, 200)
    got = geodesic_distances(lon, lat, source)
    expected = Judge(source, 20.0)(lon, lat)
    assert got.shape == lon.shape
    np.testing.assert_allclose(got, expected, atol=0.01, rtol=1e-6)
    assert (got[shapely.intersects_xy(source, lon, lat)] == 0).all()


def test_distances_keep_shape() -> None:
    lon = np.zeros((3, 4))
    assert geodesic_distances(lon, lon, Point(0, 0)).shape == (3, 4)


def test_distances_reject_bad_points() -> None:
    with pytest.raises(InvalidGeometryError):
        geodesic_distances([0, 200], [0, 0], Point(0, 0))
    with pytest.raises(InvalidGeometryError):
        geodesic_distance(Point(0, 0), Polygon())


# --- real outlines (bundled data) -----------------------------------------------------------


def _countries() -> dict[str, shapely.Geometry]:
    data = pytest.importorskip("zones.data")
    frame = data.countries()
    return dict(zip(frame["iso_a3"], frame.geometry, strict=True))


REAL_CASES = {
    "estonia-russia border line 50 km": ("border", 50.0),
    "point in romania 2500 km": ("romania", 2500.0),
    "russia 500 km": ("RUS", 500.0),
    "russia 5500 km": ("RUS", 5500.0),
    "usa 5500 km": ("USA", 5500.0),
    "alaska 1000 km": ("alaska", 1000.0),
}


@pytest.mark.slow
@pytest.mark.parametrize("name", list(REAL_CASES))
def test_real_outline(name: str) -> None:
    countries = _countries()
    key, distance_km = REAL_CASES[name]
    if key == "border":
        source = shapely.line_merge(
            shapely.intersection(countries["RUS"].boundary, countries["EST"].boundary)
        )
    elif key == "romania":
        source = Point(25.0, 45.9)
        assert shapely.intersects(countries["ROU"], source)
    elif key == "alaska":
        source = MultiPolygon(
            [
                p
                for p in shapely.get_parts(countries["USA"])
                if p.bounds[2] < -129 or p.bounds[0] > 170
            ]
        )
    else:
        source = countries[key]
    assert_buffer(source, distance_km, geodesic_buffer(source, distance_km))


GOLDEN_CASES = {
    "chukotka_5500km": (CHUKOTKA, 5500.0),
    "svalbard_3000km": (SVALBARD, 3000.0),
    "polygon_with_hole_60km": NAMED_CASES["polygon with a hole"],
    "collection_across_180_300km": NAMED_CASES["collection across 180"],
}


def write_golden() -> None:
    """Store the current results as the golden files (run this file as a script)."""
    DATA.mkdir(parents=True, exist_ok=True)
    for case, (source, distance_km) in GOLDEN_CASES.items():
        zone = geodesic_buffer(source, distance_km)
        assert_buffer(source, distance_km, zone)
        stored = {
            "distance_km": distance_km,
            "source": json.loads(shapely.to_geojson(source)),
            "expected": json.loads(shapely.to_geojson(zone, indent=None)),
        }
        (DATA / f"{case}.json").write_text(json.dumps(stored) + "\n")


if __name__ == "__main__":
    write_golden()


def test_nearest_in_chunks_matches_one_pass(monkeypatch: pytest.MonkeyPatch) -> None:
    """Queries run in chunks (to bound memory) give the same answer as in one pass."""
    from zones import _geodesic_source

    source = _star(24.0, 59.0, 2.0, 60, seed=3)
    index = _geodesic_source.SourceIndex([source], 5.0)
    rng = np.random.default_rng(5)
    lon, lat = rng.uniform(15, 33, 997), rng.uniform(54, 64, 997)
    whole = index.nearest(lon, lat)
    monkeypatch.setattr(_geodesic_source, "_QUERY_CHUNK", 100)
    chunked = index.nearest(lon, lat)
    for field in ("distance_m", "foot_lon", "foot_lat", "azimuth"):
        np.testing.assert_array_equal(getattr(whole, field), getattr(chunked, field))
