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
_X0, _Y0 = (a.ravel() for a in np.meshgrid(np.arange(-180.0, 180.0, _CELL_DEG), np.arange(-90.0, 90.0, _CELL_DEG)))
_CELLS = shapely.box(_X0, _Y0, _X0 + _CELL_DEG, _Y0 + _CELL_DEG)

#: Edges are split to this length (degrees) first, so that the geodesic edges pyproj
#: integrates follow the straight lon/lat edges GeoJSON and Leaflet draw.
_EDGE_DEG = 0.05


def _polygon_area_m2(polygon: shapely.Geometry) -> float:
    dense = shapely.segmentize(shapely.orient_polygons(polygon, exterior_cw=False), _EDGE_DEG)
    area, _ = _GEOD.geometry_area_perimeter(dense)
    return float(area)


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
    polys = [p for p in shapely.get_parts(shapely.get_parts(geometry)) if p.geom_type in ("Polygon", "MultiPolygon")]
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
            for part in shapely.get_parts(piece):
                if part.geom_type == "Polygon" and not part.is_empty:
                    total += _polygon_area_m2(part)
    return total / 1e6
