"""Nearest-point queries against a source geometry on the WGS84 ellipsoid.

A :class:`SourceIndex` holds the boundary of a lon/lat geometry as a densified
polyline (edges taken straight in lon/lat, the GeoJSON convention), a k-d tree
on the earth-centred (ECEF) coordinates of its vertices, and the polygonal part
for inside tests. Candidates come from the tree by chord length; the winner is
chosen by exact ellipsoidal distance (``pyproj.Geod.inv``), then refined to the
foot point on the adjacent edges.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pyproj
import shapely
from numpy.typing import NDArray
from scipy.spatial import cKDTree

GEOD = pyproj.Geod(ellps="WGS84")
_A = 6378137.0
_F = 1 / 298.257223563
_E2 = _F * (2 - _F)
KM_PER_DEGREE = 111.32
"""Length of one degree of latitude (and of longitude at the equator), km; an upper bound."""


def chord_slack(chord_m: FloatArray) -> FloatArray:
    """Relative slack within which chord length may rank geodesic distances wrongly.

    On WGS84 the ratio geodesic/chord at a given length varies with place and
    direction by about 2e-5 (L / 1000 km)^2 (measured: 2e-5 at 1,000 km, 6e-4 at
    5,500 km, 1.7e-3 at 10,000 km); this bound is that with a margin.
    """
    return 3e-5 * (chord_m / 1e6) ** 2 + 1e-7


_MAX_CANDIDATES = 512
_QUERY_CHUNK = 20_000
_GROUP_SPACING_M = 1e8

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.intp]


def ecef(lon: FloatArray, lat: FloatArray) -> FloatArray:
    """Earth-centred, earth-fixed coordinates (m) of lon/lat points on the ellipsoid."""
    lam = np.radians(lon)
    phi = np.radians(lat)
    sin_phi = np.sin(phi)
    n = _A / np.sqrt(1 - _E2 * sin_phi**2)
    cos_phi = np.cos(phi)
    return np.column_stack(
        (n * cos_phi * np.cos(lam), n * cos_phi * np.sin(lam), n * (1 - _E2) * sin_phi)
    )


def lambert_distance(
    lon1: FloatArray, lat1: FloatArray, lon2: FloatArray, lat2: FloatArray
) -> FloatArray:
    """Andoyer-Lambert approximation (m) of the WGS84 geodesic distance.

    Cheap and vectorised; used only to rank candidates, within
    :func:`lambert_error` of the exact distance.
    """
    beta1 = np.arctan((1 - _F) * np.tan(np.radians(lat1)))
    beta2 = np.arctan((1 - _F) * np.tan(np.radians(lat2)))
    half = (
        np.sin((beta2 - beta1) / 2) ** 2
        + np.cos(beta1) * np.cos(beta2) * np.sin(np.radians(lon2 - lon1) / 2) ** 2
    )
    sigma = 2 * np.arcsin(np.sqrt(np.clip(half, 0.0, 1.0)))
    p = (beta1 + beta2) / 2
    q = (beta2 - beta1) / 2
    cos2 = np.maximum(np.cos(sigma / 2) ** 2, 1e-300)
    sin2 = np.maximum(np.sin(sigma / 2) ** 2, 1e-300)
    x = (sigma - np.sin(sigma)) * np.sin(p) ** 2 * np.cos(q) ** 2 / cos2
    y = (sigma + np.sin(sigma)) * np.cos(p) ** 2 * np.sin(q) ** 2 / sin2
    return _A * (sigma - _F / 2 * (x + y))


def lambert_error(distance_m: FloatArray) -> FloatArray:
    """Bound (m) on the error of :func:`lambert_distance` (measured: < 2.2e-6 of the length)."""
    return 4e-6 * distance_m + 1e-3


def wrap_longitude(delta: FloatArray) -> FloatArray:
    """Longitude differences folded into [-180, 180)."""
    return (delta + 180.0) % 360.0 - 180.0


def straight_length_km(
    lon0: FloatArray, lat0: FloatArray, lon1: FloatArray, lat1: FloatArray
) -> FloatArray:
    """Upper bound, in km, of the length of edges drawn straight in lon/lat."""
    cos_max = np.cos(np.radians(np.minimum(np.abs(lat0), np.abs(lat1))))
    straddles = (lat0 * lat1) <= 0
    cos_max = np.where(straddles, 1.0, cos_max)
    return KM_PER_DEGREE * np.hypot(lat1 - lat0, (lon1 - lon0) * cos_max)


def flatten(geometry: shapely.Geometry) -> NDArray[np.object_]:
    """The non-empty Points, LineStrings and Polygons of a geometry, collections opened."""
    parts = shapely.get_parts(geometry)
    while True:  # GeometryCollections may hold multi-part geometries
        nested = shapely.get_type_id(parts) >= 4
        if not nested.any():
            break
        parts = np.concatenate([parts[~nested], shapely.get_parts(parts[nested])])
    return parts[~shapely.is_empty(parts)]


def boundary_paths(geometry: shapely.Geometry) -> tuple[FloatArray, IntArray]:
    """Coordinates and path ids of every boundary ring, line and point of ``geometry``.

    Rings come closed (first vertex repeated); a point is a path of one vertex.
    """
    parts = flatten(geometry)
    type_id = shapely.get_type_id(parts)
    paths = np.concatenate(
        [
            parts[(type_id == 0) | (type_id == 1)],
            shapely.get_rings(parts[type_id == 3]) if (type_id == 3).any() else parts[:0],
            parts[type_id == 2],
        ]
    )
    if len(paths) == 0:
        return np.empty((0, 2)), np.empty(0, dtype=np.intp)
    coords, index = shapely.get_coordinates(paths, return_index=True)
    return coords, index.astype(np.intp)


def densify_paths(
    coords: FloatArray, path_id: IntArray, max_km: float, *, return_origin: bool = False
) -> tuple[FloatArray, IntArray]:
    """Insert vertices along straight lon/lat edges so that no edge exceeds ``max_km``.

    Returns the new coordinates and their path ids, or with ``return_origin``
    the index of the input vertex that starts each new vertex's edge.
    """
    if len(coords) < 2:
        return coords, (np.arange(len(coords)) if return_origin else path_id)
    lon, lat = coords[:, 0], coords[:, 1]
    same = path_id[1:] == path_id[:-1]
    length = straight_length_km(lon[:-1], lat[:-1], lon[1:], lat[1:])
    pieces = np.where(same, np.maximum(np.ceil(length / max_km), 1), 1).astype(np.intp)
    # vertex i is followed by pieces[i] - 1 inserted points on edge (i, i+1)
    repeat = np.append(pieces, 1)
    start = np.repeat(np.arange(len(coords)), repeat)
    offset = np.arange(len(start)) - np.repeat(np.cumsum(repeat) - repeat, repeat)
    frac = offset / np.repeat(repeat, repeat)
    nxt = np.minimum(start + 1, len(coords) - 1)
    out_lon = lon[start] + frac * (lon[nxt] - lon[start])
    out_lat = lat[start] + frac * (lat[nxt] - lat[start])
    return np.column_stack((out_lon, out_lat)), (start if return_origin else path_id[start])


@dataclass
class Nearest:
    """Nearest source points of query points: distance (m), foot lon/lat, azimuth foot→query."""

    distance_m: FloatArray
    foot_lon: FloatArray
    foot_lat: FloatArray
    azimuth: FloatArray


class SourceIndex:
    """The boundaries of lon/lat geometries, ready for nearest-point queries.

    Several geometries ("groups") can share one index: each query point names
    its group and only that group's points answer. The groups are kept apart
    by a fourth k-d tree coordinate, ``group * _GROUP_SPACING_M``, far larger
    than any distance on the earth.

    Parameters
    ----------
    geometries
        One shapely geometry in lon/lat (EPSG:4326) per group.
    max_edge_km
        Edges longer than this are densified (straight in lon/lat) first.
    """

    def __init__(self, geometries: Sequence[shapely.Geometry], max_edge_km: float) -> None:
        coords_list, path_list, group_list = [], [], []
        paths_so_far = 0
        for group, geometry in enumerate(geometries):
            coords, path_id = boundary_paths(geometry)
            coords_list.append(coords)
            path_list.append(path_id + paths_so_far)
            group_list.append(np.full(len(coords), group, dtype=np.intp))
            paths_so_far += int(path_id.max(initial=-1)) + 1
        coords = np.concatenate(coords_list)
        path_id = np.concatenate(path_list)
        group_of = np.concatenate(group_list)
        coords, keep = densify_paths(coords, path_id, max_edge_km, return_origin=True)
        path_id = path_id[keep]
        self.lon = np.ascontiguousarray(coords[:, 0])
        self.lat = np.ascontiguousarray(coords[:, 1])
        self.group = group_of[keep]
        self.xyz = ecef(self.lon, self.lat)
        # edge (i, i+1) exists where both vertices belong to the same path
        self.has_next = np.append(path_id[1:] == path_id[:-1], False)
        self.max_edge_m = 1000.0 * float(
            straight_length_km(self.lon[:-1], self.lat[:-1], self.lon[1:], self.lat[1:])[
                self.has_next[:-1]
            ].max(initial=0.0)
        )
        edge_m = 1010.0 * np.where(
            self.has_next[:-1],
            straight_length_km(self.lon[:-1], self.lat[:-1], self.lon[1:], self.lat[1:]),
            0.0,
        )
        # how far the points of a vertex's edges may lie from it (m)
        self.adjacent_m = np.maximum(np.append(edge_m, 0.0), np.insert(edge_m, 0, 0.0))
        self.tree = cKDTree(self._key(self.xyz, self.group))
        self._geometries = list(geometries)
        self._flat_tree: cKDTree | None = None
        self._polygonal: shapely.Geometry | None = None

    @property
    def polygonal(self) -> shapely.Geometry:
        """The polygons of all groups as one (possibly overlapping, empty) prepared geometry."""
        if self._polygonal is None:
            polygons = [
                p
                for geometry in self._geometries
                for p in flatten(geometry)
                if shapely.get_type_id(p) == 3
            ]
            # no union: overlapping parts are fine for point-in-polygon tests and much cheaper
            self._polygonal = shapely.GeometryCollection(polygons)
            shapely.prepare(self._polygonal)
        return self._polygonal

    @staticmethod
    def _key(xyz: FloatArray, group: IntArray | None) -> FloatArray:
        column = np.zeros(len(xyz)) if group is None else group * _GROUP_SPACING_M
        return np.column_stack((xyz, column))

    def __len__(self) -> int:
        return len(self.lon)

    def inside(self, lon: FloatArray, lat: FloatArray) -> NDArray[np.bool_]:
        """Whether each point lies in (or on) the polygonal part of the source."""
        if self.polygonal.is_empty:
            return np.zeros(len(lon), dtype=bool)
        return shapely.intersects_xy(self.polygonal, lon, lat)

    def nearest(self, lon: FloatArray, lat: FloatArray, group: IntArray | None = None) -> Nearest:
        """Nearest point of the (group's) source boundary for each query point (no inside test).

        Queries run in chunks of :data:`_QUERY_CHUNK` points: a point may weigh up to
        ``_MAX_CANDIDATES`` candidates, and a million points at once ran out of memory.
        """
        lon = np.asarray(lon, dtype=float)
        lat = np.asarray(lat, dtype=float)
        if len(lon) <= _QUERY_CHUNK:
            return self._nearest(lon, lat, group)
        parts = [
            self._nearest(
                lon[i : i + _QUERY_CHUNK],
                lat[i : i + _QUERY_CHUNK],
                None if group is None else np.asarray(group)[i : i + _QUERY_CHUNK],
            )
            for i in range(0, len(lon), _QUERY_CHUNK)
        ]
        return Nearest(
            *(np.concatenate([getattr(p, f) for p in parts]) for f in Nearest.__dataclass_fields__)
        )

    def _nearest(self, lon: FloatArray, lat: FloatArray, group: IntArray | None) -> Nearest:
        q = self._key(ecef(lon, lat), group)
        n = len(self)
        k = min(8, n)
        chord, idx = self.tree.query(q, k=k)
        chord = chord.reshape(len(q), k)
        idx = idx.reshape(len(q), k)
        # every vertex of the true nearest edge lies within this chord radius
        reach = np.sqrt(chord[:, 0] ** 2 + self.max_edge_m**2)
        reach = reach * (1 + chord_slack(reach)) + 1.0
        # widen the search where the k-th neighbour may still be within reach
        groups = []
        rows = np.arange(len(q))
        while True:
            more = chord[:, -1] <= reach[rows] if k < n else np.zeros(len(rows), dtype=bool)
            if k >= min(n, _MAX_CANDIDATES):
                more[:] = False
            groups.append((rows[~more], idx[~more], chord[~more]))
            if not more.any():
                break
            rows = rows[more]
            k = min(4 * k, n, _MAX_CANDIDATES)
            chord, idx = self.tree.query(q[rows], k=k)
        best = _empty_nearest(len(q))
        for rows, cand_idx, cand_chord in groups:
            if not len(rows):
                continue
            # a candidate's edges lie within `adjacent_m` of it: drop those surely farther than the best
            within = cand_chord <= reach[rows, None]
            within[:, 0] = True
            r, c = np.nonzero(within)
            v = cand_idx[r, c]
            approx = lambert_distance(self.lon[v], self.lat[v], lon[rows[r]], lat[rows[r]])
            error = lambert_error(approx)
            ceiling = np.full(len(rows), np.inf)
            np.minimum.at(ceiling, r, approx + error)
            keep = np.zeros_like(within)
            keep[r, c] = approx - error - self.adjacent_m[v] <= ceiling[r]
            keep[:, 0] = True
            self._refine(q, lon, lat, rows, cand_idx, keep, best)
        return best

    def _refine(
        self,
        q: FloatArray,
        lon: FloatArray,
        lat: FloatArray,
        rows: IntArray,
        cand_idx: IntArray,
        keep: NDArray[np.bool_],
        best: Nearest,
    ) -> None:
        """Foot points on the edges at candidate vertices; keep the closest per row."""
        r, c = np.nonzero(keep)
        row = rows[r]
        v = cand_idx[r, c]
        # each candidate vertex contributes its outgoing edge (or itself if none)
        a = v
        b = np.where(self.has_next[v], v + 1, v)
        prev = v - 1
        has_prev = (prev >= 0) & self.has_next[np.maximum(prev, 0)]
        a = np.concatenate([a, prev[has_prev]])
        b = np.concatenate([b, v[has_prev]])
        row = np.concatenate([row, row[has_prev]])
        xa, xb, xq = self.xyz[a], self.xyz[b], q[row, :3]
        ab = xb - xa
        denom = np.einsum("ij,ij->i", ab, ab)
        t = np.einsum("ij,ij->i", xq - xa, ab) / np.where(denom > 0, denom, 1.0)
        t = np.clip(np.where(denom > 0, t, 0.0), 0.0, 1.0)
        foot_lon = self.lon[a] + t * (self.lon[b] - self.lon[a])
        foot_lat = self.lat[a] + t * (self.lat[b] - self.lat[a])
        approx = lambert_distance(foot_lon, foot_lat, lon[row], lat[row])
        # per row: exact distances only for the feet that may be the closest
        order = np.lexsort((approx, row))
        row, foot_lon, foot_lat, approx = (
            row[order],
            foot_lon[order],
            foot_lat[order],
            approx[order],
        )
        first = np.ones(len(row), dtype=bool)
        first[1:] = row[1:] != row[:-1]
        best_of_row = np.maximum.accumulate(np.where(first, np.arange(len(row)), 0))
        close = approx <= approx[best_of_row] + 2.0 * lambert_error(approx[best_of_row])
        row, foot_lon, foot_lat = row[close], foot_lon[close], foot_lat[close]
        az, _, dist = GEOD.inv(foot_lon, foot_lat, lon[row], lat[row])
        dist = np.asarray(dist)
        az = np.asarray(az)
        order = np.lexsort((dist, row))
        row, dist = row[order], dist[order]
        first = np.ones(len(row), dtype=bool)
        first[1:] = row[1:] != row[:-1]
        sel = order[first]
        row = row[first]
        better = dist[first] < best.distance_m[row]
        row = row[better]
        sel = sel[better]
        best.distance_m[row] = dist[first][better]
        best.foot_lon[row] = foot_lon[sel]
        best.foot_lat[row] = foot_lat[sel]
        best.azimuth[row] = az[sel]

    def distances(self, lon: FloatArray, lat: FloatArray) -> FloatArray:
        """Geodesic distance (m) from each point to the source; 0 inside polygons."""
        dist = self.nearest(lon, lat).distance_m
        return np.where(self.inside(lon, lat), 0.0, dist)

    def upper_bound_other(
        self, lon: FloatArray, lat: FloatArray, group: IntArray, limit_m: float = np.inf
    ) -> FloatArray:
        """A distance (m) that each point's distance to the groups other than its own surely exceeds not.

        Looks among the vertices nearest to each point (all groups together)
        and closer than ``limit_m``; where none of another group is among them
        the bound is infinite.
        """
        if self._flat_tree is None:
            self._flat_tree = cKDTree(self.xyz)
        k = min(32, len(self))
        chord, idx = self._flat_tree.query(
            ecef(lon, lat), k=k, eps=0.05, distance_upper_bound=limit_m
        )
        idx = np.minimum(
            np.asarray(idx).reshape(len(lon), k), len(self) - 1
        )  # len(self): none found
        chord = np.asarray(chord).reshape(len(lon), k)
        chord = np.where(self.group[idx] != group[:, None], chord, np.inf)
        pick = chord.argmin(axis=1)
        found = np.isfinite(chord[np.arange(len(lon)), pick])
        vertex = idx[np.arange(len(lon)), pick]
        approx = lambert_distance(self.lon[vertex], self.lat[vertex], lon, lat)
        return np.where(found, approx + lambert_error(approx), np.inf)

    def project(
        self,
        lon: FloatArray,
        lat: FloatArray,
        distance_m: float,
        tolerance_m: float,
        group: IntArray | None = None,
        max_iterations: int = 12,
    ) -> tuple[FloatArray, FloatArray, FloatArray]:
        """Move points (outside the source) onto the set at exactly ``distance_m`` from it.

        Each step moves a point along the geodesic from its nearest source point to
        exactly ``distance_m`` from that point; the nearest point may change, so the
        step repeats until the nearest distance is within ``tolerance_m``.

        Returns the moved lon, lat and the final nearest distance (m).
        """
        lon = np.array(lon, dtype=float)
        lat = np.array(lat, dtype=float)
        dist = np.full(len(lon), np.nan)
        active = np.arange(len(lon))
        for _ in range(max_iterations):
            if not len(active):
                break
            near = self.nearest(lon[active], lat[active], None if group is None else group[active])
            dist[active] = near.distance_m
            off = np.abs(near.distance_m - distance_m) > tolerance_m
            off &= near.distance_m > 0  # a point on the source has no direction to move in
            if not off.any():
                break
            rows = active[off]
            new_lon, new_lat, _ = GEOD.fwd(
                near.foot_lon[off],
                near.foot_lat[off],
                near.azimuth[off],
                np.full(off.sum(), distance_m),
            )
            lon[rows] = new_lon
            lat[rows] = new_lat
            dist[rows] = distance_m
            active = rows
        return lon, lat, dist


def _empty_nearest(n: int) -> Nearest:
    return Nearest(
        distance_m=np.full(n, np.inf),
        foot_lon=np.zeros(n),
        foot_lat=np.zeros(n),
        azimuth=np.zeros(n),
    )
