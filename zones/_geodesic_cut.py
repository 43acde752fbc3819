"""Turn a closed curve on the globe into a lon/lat polygon cut at ±180°.

The curve comes as a ring of vertices with *unwrapped* longitudes (consecutive
vertices differ by less than 180°, so a curve that circles a pole gains or
loses 360° over one turn) and the knowledge of which poles lie on the side that
the polygon should cover. That knowledge comes from the caller's azimuthal
plane, so nothing here has to guess from winding order.

* A curve that does not circle a pole bounds an ordinary region in the
  unwrapped plane; its copies shifted by multiples of 360° are clipped to the
  [-180, 180] strip. If both poles lie on the covered side, the region is the
  rest of the globe instead.
* A curve that circles a pole is repeated over five turns, so that the closing
  edges lie far outside the [-180, 180] strip, closed along the covered pole's
  latitude line, and clipped to the strip. Its boundary then runs along
  latitude ±90°, as RFC 7946 asks.
"""

from __future__ import annotations

import numpy as np
import shapely
from numpy.typing import NDArray
from shapely.geometry import Polygon, box

WORLD = box(-180.0, -90.0, 180.0, 90.0)


def winding(lon_unwrapped: NDArray[np.float64]) -> int:
    """Net number of turns around the poles (eastward positive) of a closed ring."""
    closing = (lon_unwrapped[0] - lon_unwrapped[-1] + 180.0) % 360.0 - 180.0
    total = lon_unwrapped[-1] + closing - lon_unwrapped[0]
    return round(total / 360.0)


def ring_region(
    lon_unwrapped: NDArray[np.float64],
    lat: NDArray[np.float64],
    north_inside: bool,
    south_inside: bool,
) -> shapely.Geometry:
    """The lon/lat (Multi)Polygon that a ring encloses, cut at ±180°.

    Parameters
    ----------
    lon_unwrapped, lat
        Ring vertices (open: the last is not a repeat of the first), degrees.
    north_inside, south_inside
        Whether the region to return contains the north / south pole.
    """
    turns = winding(lon_unwrapped)
    if turns == 0:
        plain = _valid(Polygon(np.column_stack((lon_unwrapped, lat))))
        lo, hi = lon_unwrapped.min(), lon_unwrapped.max()
        shifts = range(int(np.floor((-180.0 - hi) / 360.0)), int(np.ceil((180.0 - lo) / 360.0)) + 1)
        pieces = [
            shapely.intersection(
                shapely.transform(plain, lambda xy, k=k: xy + np.array([360.0 * k, 0.0])), WORLD
            )
            for k in shifts
        ]
        region = shapely.union_all(pieces)
        if north_inside and south_inside:
            return shapely.difference(WORLD, region)
        return region
    if north_inside == south_inside:
        # one turn separates the poles; trust the hemisphere where the ring lies
        north_inside = float(np.mean(lat)) > 0
    pole = 90.0 if north_inside else -90.0
    period = 360.0 * turns
    lons = np.concatenate([lon_unwrapped + k * period for k in range(-2, 3)])
    lats = np.tile(lat, 5)
    lons = np.append(lons, [lons[-1], lons[0]])
    lats = np.append(lats, [pole, pole])
    cap = _valid(Polygon(np.column_stack((lons, lats))))
    return shapely.intersection(cap, WORLD)


def _valid(polygon: shapely.Geometry) -> shapely.Geometry:
    if shapely.is_valid(polygon):
        return polygon
    fixed = shapely.make_valid(polygon, method="structure", keep_collapsed=False)
    return fixed
