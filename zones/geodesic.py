"""Geodesic buffers and distances on the WGS84 ellipsoid.

Every distance here is an ellipsoidal geodesic distance (``pyproj.Geod`` on
WGS84). Input geometries are lon/lat (EPSG:4326) and their edges are taken as
straight lines in lon/lat, the convention of GeoJSON, Leaflet and most GIS.

How :func:`geodesic_buffer` works
---------------------------------
1. The source is split into clusters no wider than a few thousand km: parts
   are grouped by proximity and large parts are cut into lon/lat tiles. The
   buffer of a union is the union of the buffers, so this loses nothing.
2. Each cluster gets an approximate buffer: a planar buffer of a simplified
   copy in an azimuthal equidistant projection centred on the cluster. It only
   fixes the topology (how many rings, which poles they enclose). Each of its
   polygons keeps the source parts it came from.
3. Every vertex of that approximation is moved onto the exact distance: from
   its nearest source point (of its polygon's parts) along the geodesic
   through it, to exactly the buffer distance; repeated until the nearest
   distance agrees. Nearest points come from a k-d tree on earth-centred
   coordinates, ranked with the Andoyer-Lambert formula and settled with
   exact ``Geod.inv``.
4. Edges are refined: where a point at 1/4, 1/2 or 3/4 of an output edge,
   drawn straight in lon/lat, is off the exact distance by more than part of
   the tolerance, a corrected vertex is inserted. Stretches lying well inside
   another polygon's buffer vanish in the union and are skipped.
5. The rings are cut at ±180° and closed along the pole latitude where they
   enclose a pole (known from the azimuthal plane, not guessed from winding
   order); everything is united.

Known limits: where the buffers of separate parts barely touch (two arcs
crossing at a grazing angle), the approximate topology may differ from the
exact one and a sliver may keep an error of about the tolerance there.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyproj
import shapely
from numpy.typing import ArrayLike, NDArray
from shapely.geometry import MultiPolygon, Polygon

from zones._geodesic_cut import WORLD, ring_region
from zones._geodesic_source import (
    KM_PER_DEGREE,
    SourceIndex,
    boundary_paths,
    densify_paths,
    ecef,
    lambert_distance,
    straight_length_km,
    wrap_longitude,
)
from zones.errors import InputTooLargeError, InvalidDistanceError, InvalidGeometryError

__all__ = [
    "MAX_DISTANCE_KM",
    "MAX_SOURCE_POINTS",
    "MIN_DISTANCE_KM",
    "MIN_RESOLUTION_KM",
    "geodesic_buffer",
    "geodesic_distance",
    "geodesic_distances",
]

MAX_DISTANCE_KM = 10_000.0
"""Largest supported buffer distance, km."""
MAX_SOURCE_POINTS = 2_000_000
"""Largest number of points the source outline is densified into, every sqrt(0.8 x distance
x tolerance) along it. Measured on Russia's outline (94,000 km): at 1 km, 0.67 million
points, 80 s and 2.4 GB; at 0.2 km, 1.5 million, 190 s and 6.4 GB. Beyond the limit
:func:`geodesic_buffer` refuses and says which resolution would fit."""
MIN_RESOLUTION_KM = 0.001
"""Finest boundary tolerance, km (1 m; a 10 km buffer of a 1,300 km line takes 3.5 s at it;
finer ones only ran longer)."""
MIN_DISTANCE_KM = 0.001
"""Smallest non-zero buffer distance, km (1 m): below it, 0 is the answer that makes sense
(the default tolerance alone is 25 m) and the planar steps would lose all precision."""

EARTH_RADIUS_M = 6_371_008.8
_CLUSTER_RADIUS_M = 2_500_000.0
"""Largest distance (m) from a cluster's centre to its source points."""
_RELATIVE_TOLERANCE = 0.0005
_MIN_TOLERANCE_KM = 0.025
_DISTANCE_EDGE_KM = 10.0
"""Source edges are densified to this length (km) for distance queries."""
_MAX_REFINE_ROUNDS = 40
_OTHERS_EDGE_KM = 50.0
"""Source edges are densified to this length (km) for the inside-another-buffer test."""

FloatArray = NDArray[np.float64]


def default_tolerance_km(distance_km: float) -> float:
    """Boundary tolerance used when none is given: max(0.05 % of the distance, 25 m).

    Examples
    --------
    >>> default_tolerance_km(5500)
    2.75
    >>> default_tolerance_km(10)
    0.025
    """
    return max(_RELATIVE_TOLERANCE * distance_km, _MIN_TOLERANCE_KM)


def geodesic_buffer(
    geometry: shapely.Geometry, distance_km: float, *, resolution: float | None = None
) -> Polygon | MultiPolygon:
    """The set of points within a geodesic distance of a lon/lat geometry.

    Parameters
    ----------
    geometry
        Any shapely geometry in lon/lat degrees (EPSG:4326): points, lines,
        polygons, multi-part geometries and collections. Parts may lie on both
        sides of the antimeridian. Edges are straight lines in lon/lat.
        Invalid polygons are repaired with ``shapely.make_valid`` first.
    distance_km
        Buffer distance on the WGS84 ellipsoid, km, from 0 to 10,000.
    resolution
        Largest allowed deviation, km, of any point of the output boundary
        (vertices and points along the straight lon/lat edges) from the exact
        distance. Defaults to max(0.05 % of ``distance_km``, 0.025 km); at least
        0.001 km.

    Returns
    -------
    Polygon or MultiPolygon
        Valid lon/lat geometry, ready for RFC 7946: split at ±180°,
        counter-clockwise exteriors and clockwise holes, no edge wrapping
        around the globe. Where the buffer covers a pole, its boundary runs
        along that pole's latitude line (±90°). A zero distance returns the
        polygonal part of the input (an empty Polygon for points and lines).
        An empty input gives an empty Polygon.

    Raises
    ------
    InvalidDistanceError
        If ``distance_km`` is negative, not finite or above 10,000 km, or
        ``resolution`` is not a number of km of at least 0.001 (1 m).
    InvalidGeometryError
        If ``geometry`` is not a shapely geometry or a coordinate lies outside
        -180 ≤ lon ≤ 180, -90 ≤ lat ≤ 90.

    Notes
    -----
    A buffer may cover both poles (possible only near 10,000 km); it is then
    returned as the globe minus the uncovered region.

    Examples
    --------
    >>> from shapely.geometry import Point
    >>> zone = geodesic_buffer(Point(26.1, 44.4), 100)
    >>> zone.geom_type, zone.is_valid
    ('Polygon', True)
    >>> round(geodesic_distance(Point(26.1, 44.4), zone.exterior), 1)
    100.0

    A zone across the antimeridian comes back cut in two:

    >>> geodesic_buffer(Point(179.5, 65.0), 200).geom_type
    'MultiPolygon'
    """
    distance = _check_distance(distance_km)
    geometry = _check_geometry(geometry)
    tolerance_km = _check_resolution(resolution, distance)
    if geometry.is_empty:
        return Polygon()
    if distance == 0:
        return _finish(_polygonal_part(geometry))
    distance_m = distance * 1000.0
    tolerance_m = tolerance_km * 1000.0
    _check_size(geometry, distance_m, tolerance_m)
    clusters = _clusters(_pieces(geometry), _CLUSTER_RADIUS_M)
    return _finish(_buffer_clusters(geometry, clusters, distance_m, tolerance_m))


def geodesic_distances(lons: ArrayLike, lats: ArrayLike, geometry: shapely.Geometry) -> FloatArray:
    """Geodesic distance, km, from each of many points to one geometry.

    Parameters
    ----------
    lons, lats
        Point coordinates in degrees (EPSG:4326), any matching shapes.
    geometry
        Shapely geometry in lon/lat; its edges are straight lines in lon/lat.

    Returns
    -------
    numpy.ndarray
        Distances in km on the WGS84 ellipsoid, shaped like ``lons``; 0 for
        points inside (or on) a polygon of ``geometry``.

    Raises
    ------
    InvalidGeometryError
        If ``geometry`` is empty or out of range, or a point is out of range.

    Examples
    --------
    >>> from shapely.geometry import LineString
    >>> equator = LineString([(-10, 0), (10, 0)])
    >>> geodesic_distances([0.0, 0.0], [0.0, 1.0], equator).round(3)
    array([  0.   , 110.574])
    """
    geometry = _check_geometry(geometry)
    if geometry.is_empty:
        raise InvalidGeometryError("cannot measure distances to an empty geometry")
    lon = np.asarray(lons, dtype=float)
    lat = np.asarray(lats, dtype=float)
    if lon.shape != lat.shape:
        raise InvalidGeometryError(f"lons and lats differ in shape: {lon.shape} vs {lat.shape}")
    _check_coordinates(np.column_stack((lon.ravel(), lat.ravel())), "point")
    index = SourceIndex([geometry], _DISTANCE_EDGE_KM)
    return (index.distances(lon.ravel(), lat.ravel()) / 1000.0).reshape(lon.shape)


def geodesic_distance(a: shapely.Geometry, b: shapely.Geometry) -> float:
    """Smallest geodesic distance, km, between two lon/lat geometries.

    Parameters
    ----------
    a, b
        Shapely geometries in lon/lat; edges are straight lines in lon/lat.

    Returns
    -------
    float
        Distance in km on the WGS84 ellipsoid; 0 if the geometries touch,
        overlap or one contains the other.

    Raises
    ------
    InvalidGeometryError
        If either geometry is empty or has coordinates out of range.

    Examples
    --------
    >>> from shapely.geometry import Point, box
    >>> round(geodesic_distance(Point(0, 0), Point(1, 0)), 3)
    111.319
    >>> geodesic_distance(Point(0.5, 0.5), box(0, 0, 1, 1))
    0.0
    """
    a = _check_geometry(a)
    b = _check_geometry(b)
    if a.is_empty or b.is_empty:
        raise InvalidGeometryError("cannot measure the distance to an empty geometry")
    if shapely.intersects(a, b):
        return 0.0
    best = math.inf
    # the closest pair of points has a (densified) vertex of one geometry in it
    for here, there in ((a, b), (b, a)):
        coords, _ = _vertices(here, _DISTANCE_EDGE_KM)
        index = SourceIndex([there], _DISTANCE_EDGE_KM)
        best = min(best, float(index.nearest(coords[:, 0], coords[:, 1]).distance_m.min()))
    return best / 1000.0


# --- validation ----------------------------------------------------------------------


def _check_distance(distance_km: Any) -> float:
    if isinstance(distance_km, bool):
        raise InvalidDistanceError(
            f"distance {distance_km!r} is not a number of km; pass 0 to 10,000"
        )
    try:
        distance = float(distance_km)
    except (TypeError, ValueError):
        raise InvalidDistanceError(
            f"distance {distance_km!r} is not a number of km; pass 0 to 10,000"
        ) from None
    if not math.isfinite(distance) or distance < 0 or distance > MAX_DISTANCE_KM:
        raise InvalidDistanceError(
            f"distance {distance_km!r} km is out of range; allowed: 0 ≤ distance ≤ 10,000 km"
        )
    if 0 < distance < MIN_DISTANCE_KM:
        raise InvalidDistanceError(
            f"distance {distance_km!r} km is below 1 m; pass 0, or at least {MIN_DISTANCE_KM} km"
        )
    return distance


def _check_resolution(resolution: Any, distance_km: float) -> float:
    if resolution is None:
        return default_tolerance_km(distance_km)
    try:
        value = float(resolution)
    except (TypeError, ValueError):
        value = math.nan
    if isinstance(resolution, bool) or not math.isfinite(value) or value <= 0:
        raise InvalidDistanceError(
            f"resolution {resolution!r} km is not a positive number of km; "
            "give e.g. 0.025, or leave it out for the default"
        )
    if value < MIN_RESOLUTION_KM:
        raise InvalidDistanceError(
            f"resolution {resolution!r} km is below 1 m; give at least {MIN_RESOLUTION_KM} km"
        )
    return value


def _check_geometry(geometry: Any) -> shapely.Geometry:
    if not isinstance(geometry, shapely.Geometry):
        raise InvalidGeometryError(
            f"expected a shapely geometry in lon/lat, got {type(geometry).__name__}: {geometry!r:.80}"
        )
    _check_coordinates(shapely.get_coordinates(geometry), "coordinate")
    if not shapely.is_valid(geometry) and shapely.get_dimensions(geometry) >= 1:
        # self-intersecting polygons, and lines of one repeated point (which become points)
        geometry = shapely.make_valid(geometry)
    return geometry


def _check_size(geometry: shapely.Geometry, distance_m: float, tolerance_m: float) -> None:
    """Refuse, before any work, a buffer whose densified source outline would exceed
    :data:`MAX_SOURCE_POINTS` (it would run for long and out of memory)."""
    coords, path_id = boundary_paths(geometry)
    if len(coords) < 2:
        return
    same = path_id[1:] == path_id[:-1]
    length_km = straight_length_km(coords[:-1, 0], coords[:-1, 1], coords[1:, 0], coords[1:, 1])
    spacing_km = _source_edge_km(distance_m, tolerance_m)
    points = len(coords) + float(np.ceil(length_km[same] / spacing_km).sum())
    if points <= MAX_SOURCE_POINTS:
        return
    if len(coords) > MAX_SOURCE_POINTS // 2:
        raise InputTooLargeError(
            f"the geometry has {len(coords):,} outline vertices, too many to buffer "
            f"(limit {MAX_SOURCE_POINTS // 2:,}); simplify it first"
        )
    outline_km = float(length_km[same].sum())
    # the spacing that fits, and the tolerance that gives it: spacing^2 = 0.8 D tol
    room = MAX_SOURCE_POINTS - len(coords) - int(same.sum())  # less one per edge: ceil
    fit_m = 1000.0 * outline_km / max(room, 1)
    resolution_km = math.ceil(fit_m**2 / (0.8 * distance_m)) / 1000.0
    raise InputTooLargeError(
        f"a {distance_m / 1000:g} km buffer of this outline ({outline_km:,.0f} km long) needs "
        f"{points / 1e6:.1f} million points, over the limit of {MAX_SOURCE_POINTS / 1e6:g} "
        f"million; set the resolution to {resolution_km:g} km or more (--resolution), "
        "a larger distance, or simplify the geometry"
    )


def _check_coordinates(coords: FloatArray, what: str) -> None:
    ok = (
        np.isfinite(coords).all(axis=1)
        & (np.abs(coords[:, 0]) <= 180.0)
        & (np.abs(coords[:, 1]) <= 90.0)
    )
    if not ok.all():
        lon, lat = coords[np.flatnonzero(~ok)[0]]
        raise InvalidGeometryError(
            f"{what} (lon={lon!r}, lat={lat!r}) is out of range; expected EPSG:4326 degrees "
            "with -180 ≤ lon ≤ 180 and -90 ≤ lat ≤ 90 (reproject the input first)"
        )


# --- splitting the source into clusters ------------------------------------------------


def _simple_parts(geometry: shapely.Geometry) -> list[shapely.Geometry]:
    """Points, LineStrings and Polygons of a geometry, collections flattened."""
    out: list[shapely.Geometry] = []
    stack = [geometry]
    while stack:
        g = stack.pop()
        if g.is_empty:
            continue
        if shapely.get_type_id(g) in (0, 1, 2, 3):
            out.append(g)
        else:
            stack.extend(shapely.get_parts(g))
    return out


def _extent(coords: FloatArray) -> tuple[FloatArray, float]:
    """Unit vector of the centre and the largest distance (m, spherical) to any vertex."""
    unit = ecef(coords[:, 0], coords[:, 1])
    unit /= np.linalg.norm(unit, axis=1)[:, None]
    centre = unit.mean(axis=0)
    norm = np.linalg.norm(centre)
    centre = centre / norm if norm > 1e-9 else unit[0]
    cos = np.clip(unit @ centre, -1.0, 1.0)
    return centre, float(np.arccos(cos.min()) * EARTH_RADIUS_M)


def _pieces(geometry: shapely.Geometry) -> list[shapely.Geometry]:
    """Simple parts of the source, large ones cut into lon/lat tiles."""
    out: list[shapely.Geometry] = []
    todo = _simple_parts(geometry)
    while todo:
        part = todo.pop()
        # an edge's extent is not its ends' (a 0.2 degree gap across +/-180 drawn straight
        # in lon/lat is an edge all around the globe): measure it on points 2 degrees apart
        coords = shapely.get_coordinates(shapely.segmentize(part, 2.0))
        _, radius = _extent(coords)
        if radius <= _CLUSTER_RADIUS_M:
            out.append(part)
            continue
        x0, y0, x1, y1 = part.bounds
        widest_cos = 1.0 if y0 <= 0 <= y1 else math.cos(math.radians(min(abs(y0), abs(y1))))
        # the rectangles reach 1 degree beyond the part across the cut: a part may be
        # flat (a line along a parallel), and GEOS needs a non-empty rectangle
        if (x1 - x0) * widest_cos >= (y1 - y0):
            xm = (x0 + x1) / 2
            y0, y1 = max(y0 - 1.0, -90.0), min(y1 + 1.0, 90.0)
            halves = [(x0, y0, xm, y1), (xm, y0, x1, y1)]
        else:
            ym = (y0 + y1) / 2
            x0, x1 = max(x0 - 1.0, -180.0), min(x1 + 1.0, 180.0)
            halves = [(x0, y0, x1, ym), (x0, ym, x1, y1)]
        for rect in halves:
            todo.extend(_simple_parts(shapely.clip_by_rect(part, *rect)))
    return out


@dataclass
class _Cluster:
    parts: list[shapely.Geometry]
    centre: FloatArray


def _clusters(pieces: Iterable[shapely.Geometry], radius_m: float) -> list[_Cluster]:
    """Group pieces by a 3-D grid on their centres so each group spans at most ~radius_m."""
    cell = radius_m / 2.0
    groups: dict[tuple[int, ...], list[tuple[shapely.Geometry, FloatArray, int]]] = {}
    for part in pieces:
        coords = shapely.get_coordinates(part)
        centre, extent = _extent(coords)
        if extent > cell:
            key: tuple[int, ...] = (id(part),)
        else:
            key = tuple(np.floor(centre * EARTH_RADIUS_M / cell).astype(int).tolist())
        groups.setdefault(key, []).append((part, centre, len(coords)))
    clusters = []
    for members in groups.values():
        weights = np.array([m[2] for m in members], dtype=float)
        centre = (np.array([m[1] for m in members]) * weights[:, None]).sum(axis=0)
        norm = np.linalg.norm(centre)
        centre = centre / norm if norm > 1e-9 else members[0][1]
        clusters.append(_Cluster([m[0] for m in members], centre))
    return clusters


# --- the buffer of all clusters ----------------------------------------------------------


@dataclass
class _Rings:
    """Rings of the approximate buffers of all clusters, concatenated.

    ``lon``/``lat`` hold the vertices (degrees), ``ring_id`` the ring of each
    vertex; per ring: its cluster, its polygon (a global number) and whether it
    is that polygon's exterior. ``sources[p]`` holds the source parts whose
    buffer polygon ``p`` is: each ring is made exact against these alone, so
    approximate polygons that turn out to overlap are simply united at the end.
    """

    lon: FloatArray
    lat: FloatArray
    ring_id: NDArray[np.intp]
    cluster: NDArray[np.intp]
    polygon: NDArray[np.intp]
    exterior: NDArray[np.bool_]
    sources: list[shapely.Geometry]


def _buffer_clusters(
    geometry: shapely.Geometry, clusters: list[_Cluster], distance_m: float, tolerance_m: float
) -> shapely.Geometry:
    """Exact-distance buffer of all clusters, as one lon/lat geometry cut at ±180°."""
    planes = [_azimuthal(cluster.centre) for cluster in clusters]
    rings = _approximate_rings(clusters, planes, distance_m)
    if not len(rings.lon):
        return Polygon()
    index = SourceIndex(rings.sources, _source_edge_km(distance_m, tolerance_m))
    others = SourceIndex(rings.sources, _OTHERS_EDGE_KM) if len(rings.sources) > 1 else None
    lon_u, lat, ring_id = _correct_and_refine(
        index, others, rings.lon, rings.lat, rings.ring_id, rings.polygon, distance_m, tolerance_m
    )
    starts = np.flatnonzero(np.r_[True, ring_id[1:] != ring_id[:-1]])
    stops = np.r_[starts[1:], len(ring_id)]
    exteriors: dict[int, shapely.Geometry] = {}
    holes: dict[int, list[shapely.Geometry]] = {}
    for start, stop in zip(starts, stops, strict=True):
        r = ring_id[start]
        if stop - start < 3:
            continue
        ring_lon, ring_lat = lon_u[start:stop], lat[start:stop]
        forward, poles = planes[rings.cluster[r]]
        flat_ring = Polygon(_apply(forward, np.column_stack((wrap_longitude(ring_lon), ring_lat))))
        if not flat_ring.is_valid:
            flat_ring = shapely.make_valid(flat_ring)
        north, south = (
            bool(np.isfinite(p).all() and shapely.contains_xy(flat_ring, p[0], p[1])) for p in poles
        )
        region = ring_region(ring_lon, ring_lat, north, south)
        if rings.exterior[r]:
            exteriors[int(rings.polygon[r])] = region
        else:
            holes.setdefault(int(rings.polygon[r]), []).append(region)
    regions = [
        shapely.difference(region, shapely.union_all(holes[p])) if p in holes else region
        for p, region in exteriors.items()
    ]
    return shapely.union_all(regions)


def _azimuthal(centre: FloatArray) -> tuple[pyproj.Transformer, FloatArray]:
    """Azimuthal equidistant projection (WGS84, m) centred on a unit vector; the poles in it."""
    x, y, z = centre
    lat0 = math.degrees(math.atan2(z, math.hypot(x, y)))
    lon0 = math.degrees(math.atan2(y, x))
    forward = pyproj.Transformer.from_pipeline(
        "+proj=pipeline +step +proj=unitconvert +xy_in=deg +xy_out=rad "
        f"+step +proj=aeqd +lat_0={lat0:.9f} +lon_0={lon0:.9f} +ellps=WGS84"
    )
    poles = np.column_stack(_apply_pair(forward, np.array([0.0, 0.0]), np.array([90.0, -90.0])))
    return forward, poles


def _approximate_rings(
    clusters: list[_Cluster], planes: list[tuple[pyproj.Transformer, FloatArray]], distance_m: float
) -> _Rings:
    """Planar buffers of simplified clusters in their azimuthal planes, as lon/lat rings.

    They only fix the topology (how many rings, which poles they enclose);
    their vertices are moved onto the exact distance afterwards.
    """
    simplify_deg = 0.001 * distance_m / (KM_PER_DEGREE * 1000.0)
    # straight lon/lat edges bend in the plane; this keeps the bend below ~1 % of the distance
    segment_deg = min(1.0, math.sqrt(0.1 * distance_m * EARTH_RADIUS_M) / (KM_PER_DEGREE * 1000.0))
    lons: list[FloatArray] = []
    lats: list[FloatArray] = []
    ring_cluster: list[int] = []
    ring_polygon: list[int] = []
    ring_exterior: list[bool] = []
    sources: list[shapely.Geometry] = []
    polygons = 0
    for c, (cluster, (forward, _)) in enumerate(zip(clusters, planes, strict=True)):
        source = shapely.GeometryCollection(cluster.parts)
        rough = shapely.segmentize(shapely.simplify(source, simplify_deg), segment_deg)
        approx = _planar_buffer(
            shapely.transform(rough, lambda xy, f=forward: _apply(f, xy)), distance_m
        )
        # a vertex at least every max(D, 1 km) for the correction to move (a finer
        # spacing below 1 km only adds vertices: 1 m buffers of long lines ran out of memory)
        approx = shapely.segmentize(approx, max(distance_m, 1000.0))
        polygons_here = [p for p in _simple_parts(approx) if p.geom_type == "Polygon"]
        owner = _owners(cluster.parts, polygons_here, forward)
        for j, polygon in enumerate(polygons_here):
            sources.append(
                shapely.GeometryCollection([cluster.parts[i] for i in np.flatnonzero(owner == j)])
            )
            for i, ring in enumerate([polygon.exterior, *polygon.interiors]):
                lon, lat = _ring_lonlat(ring, forward)
                lons.append(lon)
                lats.append(lat)
                ring_cluster.append(c)
                ring_polygon.append(polygons)
                ring_exterior.append(i == 0)
            polygons += 1
    counts = [len(lon) for lon in lons]
    return _Rings(
        lon=np.concatenate(lons) if lons else np.empty(0),
        lat=np.concatenate(lats) if lats else np.empty(0),
        ring_id=np.repeat(np.arange(len(counts)), counts),
        cluster=np.array(ring_cluster, dtype=np.intp),
        polygon=np.array(ring_polygon, dtype=np.intp),
        exterior=np.array(ring_exterior, dtype=bool),
        sources=sources,
    )


def _owners(
    parts: list[shapely.Geometry], polygons: list[shapely.Geometry], forward: pyproj.Transformer
) -> NDArray[np.intp]:
    """Index of the planar polygon that holds each source part (by its first vertex)."""
    first = np.array([shapely.get_coordinates(p)[0] for p in parts])
    x, y = _apply_pair(forward, first[:, 0], first[:, 1])
    points = shapely.points(x, y)
    tree = shapely.STRtree(polygons)
    return np.asarray(tree.query_nearest(points, return_distance=False, all_matches=False)[1])


def _planar_buffer(flat: shapely.Geometry, distance_m: float) -> shapely.Geometry:
    """Planar buffer in growing steps, simplified in between.

    Buffering by r1 then r2 equals buffering by r1 + r2 in the plane; the early
    small steps smooth away detail that makes one large step slow (a 500 km
    buffer of Russia: 2 s in one step, 0.06 s in four). Below 1,000 km the
    arcs are finer, so that near-touching parts are told apart better.
    """
    quad_segs, simplify_m = (
        (16, 0.001 * distance_m) if distance_m < 1e6 else (8, 0.003 * distance_m)
    )
    done = 0.0
    for fraction in (0.02, 0.1, 0.4, 1.0):
        flat = shapely.buffer(flat, fraction * distance_m - done, quad_segs=quad_segs)
        done = fraction * distance_m
        flat = shapely.simplify(flat, simplify_m)
    return flat


def _source_edge_km(distance_m: float, tolerance_m: float) -> float:
    """Densify source edges so a vertex set stands for its edges within a tenth of the tolerance."""
    spacing_m = math.sqrt(0.8 * distance_m * tolerance_m)
    return max(min(spacing_m, 100_000.0), 10.0) / 1000.0


def _ring_lonlat(
    ring: shapely.Geometry, forward: pyproj.Transformer
) -> tuple[FloatArray, FloatArray]:
    """A planar ring back in lon/lat, split until no edge jumps more than 60° of longitude."""
    xy = shapely.get_coordinates(ring)[:-1]
    lon, lat = _apply_pair(forward, xy[:, 0], xy[:, 1], inverse=True)
    for _ in range(30):
        jump = np.abs(wrap_longitude(np.roll(lon, -1) - lon)) > 60.0
        if not jump.any():
            break
        at = np.flatnonzero(jump)
        mid = (xy[at] + xy[(at + 1) % len(xy)]) / 2.0
        mid_lon, mid_lat = _apply_pair(forward, mid[:, 0], mid[:, 1], inverse=True)
        xy = np.insert(xy, at + 1, mid, axis=0)
        lon = np.insert(lon, at + 1, mid_lon)
        lat = np.insert(lat, at + 1, mid_lat)
    return lon, lat


def _unwrap(lon: FloatArray, ring_id: NDArray[np.intp]) -> FloatArray:
    """Longitudes made continuous along each ring (steps below 180°)."""
    step = wrap_longitude(np.diff(lon))
    step[ring_id[1:] != ring_id[:-1]] = 0.0
    out = np.concatenate(([0.0], np.cumsum(step)))
    starts = np.flatnonzero(np.r_[True, ring_id[1:] != ring_id[:-1]])
    first_lon = lon[starts]
    offset = out[starts]
    counts = np.diff(np.r_[starts, len(lon)])
    return out + np.repeat(first_lon - offset, counts)


def _correct_and_refine(
    index: SourceIndex,
    others: SourceIndex | None,
    lon: FloatArray,
    lat: FloatArray,
    ring_id: NDArray[np.intp],
    ring_group: NDArray[np.intp],
    distance_m: float,
    tolerance_m: float,
) -> tuple[FloatArray, FloatArray, NDArray[np.intp]]:
    """Move ring vertices onto the exact distance, then split edges that stray from it.

    ``index`` holds each cluster's source as a group and ``ring_group`` names the
    group of each ring. With several clusters, ``others`` holds the same sources
    (coarser) to find the points that lie well inside *another* cluster's
    buffer: they disappear in the final union, so they are neither moved nor
    checked. A cluster's own buffer is never trusted to cover its own ring.
    """
    vertex_tol = 0.1 * tolerance_m
    edge_tol = 0.4 * tolerance_m
    margin = 0.1 * distance_m
    group = ring_group[ring_id]
    buried = _covered(others, lon, lat, group, distance_m - margin)
    free = np.flatnonzero(~buried)
    lon, lat = lon.copy(), lat.copy()
    lon[free], lat[free], _ = index.project(
        lon[free], lat[free], distance_m, vertex_tol, group[free]
    )
    lon = _unwrap(lon, ring_id)
    pending = np.ones(len(lon), dtype=bool)  # edge i runs from vertex i to the next one
    for _ in range(_MAX_REFINE_ROUNDS):
        nxt = _next_in_ring(ring_id)
        edges = np.flatnonzero(pending)
        if not len(edges):
            break
        off = _edges_off(
            index,
            others,
            lon,
            lat,
            edges,
            nxt[edges],
            ring_group[ring_id[edges]],
            distance_m,
            tolerance_m,
            edge_tol,
            margin,
        )
        pending[edges[~off]] = False
        bad = edges[off]
        if not len(bad):
            break
        # the closing edge of a ring around a pole jumps by 360° in unwrapped longitude
        mid_lon = lon[bad] + wrap_longitude(lon[nxt[bad]] - lon[bad]) / 2.0
        mid_lat = (lat[bad] + lat[nxt[bad]]) / 2.0
        mid_group = ring_group[ring_id[bad]]
        new_lon, new_lat = mid_lon.copy(), mid_lat.copy()
        move = ~_covered(others, mid_lon, mid_lat, mid_group, distance_m - margin)
        new_lon[move], new_lat[move], _ = index.project(
            mid_lon[move], mid_lat[move], distance_m, vertex_tol, mid_group[move]
        )
        new_lon = mid_lon + wrap_longitude(new_lon - mid_lon)
        # a midpoint that jumps farther than its edge is long has met a fold of the
        # approximate ring (its topology is off there): leave that edge as it is
        length = straight_length_km(
            lon[bad], lat[bad], lon[bad] + 2.0 * (mid_lon - lon[bad]), lat[nxt[bad]]
        )
        jump = straight_length_km(mid_lon, mid_lat, new_lon, new_lat)
        local = jump <= np.maximum(length, 2.0 * tolerance_m / 1000.0)
        pending[bad[~local]] = False
        bad, new_lon, new_lat = bad[local], new_lon[local], new_lat[local]
        lon = np.insert(lon, bad + 1, new_lon)
        lat = np.insert(lat, bad + 1, new_lat)
        ring_id = np.insert(ring_id, bad + 1, ring_id[bad])
        pending = np.insert(pending, bad + 1, True)
    return lon, lat, ring_id


def _edges_off(
    index: SourceIndex,
    others: SourceIndex | None,
    lon: FloatArray,
    lat: FloatArray,
    start: NDArray[np.intp],
    stop: NDArray[np.intp],
    group: NDArray[np.intp],
    distance_m: float,
    tolerance_m: float,
    edge_tol: float,
    margin: float,
) -> NDArray[np.bool_]:
    """Which edges (vertex ``start`` to ``stop``) stray from the exact distance.

    An edge is sampled at 1/4, 1/2 and 3/4; samples well inside another
    cluster's buffer do not count. It strays if a sample is off by more than
    ``edge_tol``, or if the source points nearest to its outer samples lie
    farther apart than a source feature may be without bending the boundary
    by a tenth of the tolerance over the edge (such an edge may hide a small
    bump between the samples), unless the edge is already short. An edge
    whose samples all lie well inside another buffer strays only if it is so
    long that a point between samples might not.
    """
    step = wrap_longitude(lon[stop] - lon[start])
    rise = lat[stop] - lat[start]
    fractions = np.array([0.25, 0.5, 0.75])
    sample_lon = (lon[start, None] + fractions * step[:, None]).ravel()
    sample_lat = (lat[start, None] + fractions * rise[:, None]).ravel()
    sample_group = np.repeat(group, 3)
    length = straight_length_km(lon[start], lat[start], lon[start] + step, lat[stop]) * 1000.0
    covered = _covered(others, sample_lon, sample_lat, sample_group, distance_m - margin / 2.0)
    covered = covered.reshape(-1, 3)
    off = covered.all(axis=1) & (length > 4.0 * margin)
    check = ~covered.ravel()
    near = index.nearest(sample_lon[check], sample_lat[check], sample_group[check])
    error = np.zeros(len(sample_lon))
    error[check] = np.abs(near.distance_m - distance_m)
    off |= (error.reshape(-1, 3) > edge_tol).any(axis=1)
    foot_lon = np.full(len(sample_lon), np.nan)
    foot_lat = np.full(len(sample_lon), np.nan)
    foot_lon[check], foot_lat[check] = near.foot_lon, near.foot_lat
    feet_lon, feet_lat = foot_lon.reshape(-1, 3), foot_lat.reshape(-1, 3)
    feet_apart = lambert_distance(feet_lon[:, 0], feet_lat[:, 0], feet_lon[:, 2], feet_lat[:, 2])
    typical = math.sqrt(8.0 * distance_m * tolerance_m)
    feature = math.sqrt(distance_m * tolerance_m / 8.0)
    off |= (np.nan_to_num(feet_apart) > feature) & (length > typical / 4.0)
    # along an edge the distance changes no faster than the arc length: a short edge
    # between exact vertices cannot stray (this also bounds the number of rounds)
    off &= length > 2.0 * (edge_tol - 0.1 * tolerance_m)
    return off


def _covered(
    others: SourceIndex | None,
    lon: FloatArray,
    lat: FloatArray,
    group: NDArray[np.intp],
    depth_m: float,
) -> NDArray[np.bool_]:
    """Whether points surely lie inside the buffer, closer than ``depth_m`` to another cluster.

    A point inside a source polygon (of any cluster) counts too: its distance is 0.
    """
    if others is None:
        return np.zeros(len(lon), dtype=bool)
    lon = wrap_longitude(lon)
    return (others.upper_bound_other(lon, lat, group, depth_m) < depth_m) | others.inside(lon, lat)


def _next_in_ring(ring_id: NDArray[np.intp]) -> NDArray[np.intp]:
    n = len(ring_id)
    nxt = np.arange(1, n + 1)
    ends = np.flatnonzero(np.r_[ring_id[1:] != ring_id[:-1], True])
    starts = np.r_[0, ends[:-1] + 1]
    nxt[ends] = starts
    return nxt


# --- helpers -----------------------------------------------------------------------------


def _apply(transformer: pyproj.Transformer, xy: FloatArray) -> FloatArray:
    x, y = _apply_pair(transformer, xy[:, 0], xy[:, 1])
    return np.column_stack((x, y))


def _apply_pair(
    transformer: pyproj.Transformer, x: FloatArray, y: FloatArray, *, inverse: bool = False
) -> tuple[FloatArray, FloatArray]:
    direction = (
        pyproj.enums.TransformDirection.INVERSE
        if inverse
        else pyproj.enums.TransformDirection.FORWARD
    )
    out_x, out_y = transformer.transform(x, y, direction=direction)
    return np.asarray(out_x, dtype=float), np.asarray(out_y, dtype=float)


def _vertices(
    geometry: shapely.Geometry, max_edge_km: float
) -> tuple[FloatArray, NDArray[np.intp]]:
    coords, path_id = boundary_paths(geometry)
    return densify_paths(coords, path_id, max_edge_km)


def _polygonal_part(geometry: shapely.Geometry) -> shapely.Geometry:
    polygons = [p for p in _simple_parts(geometry) if p.geom_type == "Polygon"]
    if not polygons:
        return Polygon()
    return shapely.intersection(shapely.union_all(polygons), WORLD)


def _finish(geometry: shapely.Geometry) -> Polygon | MultiPolygon:
    """Keep the polygons, make them valid and orient them for RFC 7946."""
    polygons = [p for p in _simple_parts(geometry) if p.geom_type == "Polygon" and p.area > 0]
    if not polygons:
        return Polygon()
    merged = shapely.union_all(polygons) if len(polygons) > 1 else polygons[0]
    if not merged.is_valid:
        merged = shapely.make_valid(merged)
    polygons = [p for p in _simple_parts(merged) if p.geom_type == "Polygon" and p.area > 0]
    result: Polygon | MultiPolygon = polygons[0] if len(polygons) == 1 else MultiPolygon(polygons)
    oriented = shapely.orient_polygons(result, exterior_cw=False)
    assert isinstance(oriented, Polygon | MultiPolygon)
    return oriented
