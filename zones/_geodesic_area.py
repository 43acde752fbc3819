"""Geodesic area on WGS84 of lon/lat polygons whose edges are straight in lon/lat."""

from __future__ import annotations

import numpy as np
import pyproj
import shapely

_GEOD = pyproj.Geod(ellps="WGS84")

#: Polygons are cut into cells of this size (degrees) first: pyproj's planimeter gives
#: areas modulo the Earth's, which is ambiguous for a polygon larger than a hemisphere
#: (the world outside a territory); no cell is.
_CELL_DEG = 30.0
_X0, _Y0 = (
    a.ravel()
    for a in np.meshgrid(np.arange(-180.0, 180.0, _CELL_DEG), np.arange(-90.0, 90.0, _CELL_DEG))
)
_CELLS = shapely.box(_X0, _Y0, _X0 + _CELL_DEG, _Y0 + _CELL_DEG)

#: Edges are split to this length (degrees) first, so that the geodesic edges pyproj
#: integrates follow the straight lon/lat edges GeoJSON and Leaflet draw.
_EDGE_DEG = 0.05


def _ring_area_m2(ring: shapely.Geometry) -> float:
    dense = shapely.segmentize(ring, _EDGE_DEG)
    lon, lat = shapely.get_coordinates(dense).T
    area, _ = _GEOD.polygon_area_perimeter(lon, lat)
    return abs(float(area))


def _polygon_area_m2(polygon: shapely.Geometry) -> float:
    """Exterior minus holes, each ring's area taken unsigned (no part here exceeds a
    hemisphere, so the magnitude is unambiguous whatever the ring's winding)."""
    return _ring_area_m2(polygon.exterior) - sum(_ring_area_m2(r) for r in polygon.interiors)


def _polygons(geometry: shapely.Geometry) -> list[shapely.Geometry]:
    """Every Polygon inside ``geometry``, however deeply nested in collections."""
    if geometry.geom_type == "Polygon":
        return [geometry] if not geometry.is_empty else []
    if geometry.geom_type in ("MultiPolygon", "GeometryCollection"):
        return [p for part in shapely.get_parts(geometry) for p in _polygons(part)]
    return []


def geodesic_area_km2(geometry: shapely.Geometry) -> float:
    """Area in km2 on the WGS84 ellipsoid of the polygonal parts of ``geometry``.

    Edges are taken as straight lines in lon/lat (the GeoJSON convention); polygons
    split at +/-180, edges along the poles' latitude lines and polygons larger than a
    hemisphere are handled.

    Examples
    --------
    >>> from shapely.geometry import box
    >>> round(geodesic_area_km2(box(-180, -90, 180, 90)) / 1e6, 2)  # the whole Earth, million km2
    510.07
    >>> round(geodesic_area_km2(box(0, 0, 1, 1)))
    12308
    """
    if geometry is None or geometry.is_empty:
        return 0.0
    polys = _polygons(geometry)
    if not polys:
        return 0.0
    total = 0.0
    for poly in polys:
        xmin, ymin, xmax, ymax = poly.bounds
        if xmax - xmin <= _CELL_DEG and ymax - ymin <= _CELL_DEG:
            total += _polygon_area_m2(poly)
            continue
        cells = _CELLS[shapely.intersects(_CELLS, poly)]
        for piece in shapely.intersection(cells, poly):
            total += sum(_polygon_area_m2(part) for part in _polygons(piece))
    return total / 1e6
