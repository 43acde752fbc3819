"""Land borders between two groups of states.

A land border is where two states' territories touch. Natural Earth 5.1.1
neighbours share identical vertices, so the border between two states is the exact
intersection of their boundaries; coasts facing each other across water share
nothing and give no border. Lines are in lon/lat degrees (EPSG:4326); lengths are
geodesic on the WGS84 ellipsoid.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from functools import cache

import geopandas as gpd
import pyproj
import shapely
from shapely.geometry import LineString, MultiLineString

from zones.data import DEFAULT_WORLDVIEW, Worldview, countries
from zones.errors import InvalidInputError, OverlappingSidesError

__all__ = ["OverlappingSidesError", "border", "border_length_km", "border_pairs"]

_GEOD = pyproj.Geod(ellps="WGS84")

Side = str | Iterable[str]
"""An ISO code, a country name, an alliance name, or a list of these."""


def _resolve(side: Side, as_of: str | dt.date | None) -> list[str]:
    from zones.alliances import resolve_group

    return resolve_group(side, as_of)


def _check_sides(
    side_a: Side, side_b: Side, codes_a: list[str], codes_b: list[str], as_of: str | dt.date | None
) -> None:
    from zones.alliances import parse_date

    for label, side, codes in (("side A", side_a, codes_a), ("side B", side_b, codes_b)):
        if codes:
            continue
        items = [side] if isinstance(side, str) else list(side)
        if not any(str(item).strip() for item in items):
            raise InvalidInputError(
                f"{label} is empty; name a country, an ISO code or an alliance, "
                "e.g. 'Russia,Belarus' or NATO"
            )
        shown = ", ".join(str(item) for item in items)
        raise InvalidInputError(
            f"{label} ({shown}) has no member states on {parse_date(as_of).isoformat()}; "
            "choose a later date or name countries"
        )
    both = sorted(set(codes_a) & set(codes_b))
    if both:
        raise OverlappingSidesError(
            f"{', '.join(both)} on both sides of the border; a state can only be on one side"
        )


@cache
def _boundaries(worldview: Worldview) -> dict[str, shapely.Geometry]:
    world = countries(worldview)
    lines = {}
    for code, geom in zip(world["iso_a3"], world.geometry, strict=True):
        line = geom.boundary
        shapely.prepare(line)
        lines[str(code)] = line
    return lines


def _lines(geom: shapely.Geometry) -> list[LineString]:
    """The non-empty line pieces of an intersection (the touching points dropped)."""
    if isinstance(geom, LineString):
        return [] if geom.is_empty else [geom]
    if geom.geom_type in ("MultiLineString", "GeometryCollection"):
        return [line for part in shapely.get_parts(geom) for line in _lines(part)]
    return []


def _pair_line(a: str, b: str, worldview: Worldview) -> LineString | MultiLineString:
    lines = _boundaries(worldview)
    line_a, line_b = lines[a], lines[b]
    if not shapely.intersects(line_a, line_b):
        return MultiLineString()
    pieces = _lines(shapely.intersection(line_a, line_b))
    if not pieces:
        return MultiLineString()
    return shapely.line_merge(MultiLineString(pieces))


def border_pairs(
    side_a: Side,
    side_b: Side,
    as_of: str | dt.date | None = None,
    *,
    worldview: Worldview = DEFAULT_WORLDVIEW,
) -> gpd.GeoDataFrame:
    """The land border of every pair of neighbouring states, one on each side.

    Parameters
    ----------
    side_a, side_b : str or list of str
        ISO codes, country names or alliance names (see
        :func:`zones.alliances.resolve_group`).
    as_of : date or "YYYY-MM-DD", optional
        The day on which alliance membership is taken (default: today).
    worldview : {"un", "ru"}
        Where Crimea belongs (see :data:`zones.data.Worldview`).

    Returns
    -------
    geopandas.GeoDataFrame
        EPSG:4326; columns ``iso_a``, ``name_a``, ``iso_b``, ``name_b``, ``length_km``
        (geodesic, WGS84) and ``geometry`` (Multi)LineString; rows sorted by the codes.

    Raises
    ------
    OverlappingSidesError
        When a state is on both sides.
    InvalidInputError
        When a side is empty or names no state on ``as_of``.

    Examples
    --------
    >>> pairs = border_pairs(["RUS", "BLR"], ["POL", "LTU"])
    >>> [(r.iso_a, r.iso_b) for r in pairs.itertuples()]
    [('BLR', 'LTU'), ('BLR', 'POL'), ('RUS', 'LTU'), ('RUS', 'POL')]
    """
    side_a = side_a if isinstance(side_a, str) else list(side_a)  # read twice: no iterators
    side_b = side_b if isinstance(side_b, str) else list(side_b)
    codes_a, codes_b = _resolve(side_a, as_of), _resolve(side_b, as_of)
    _check_sides(side_a, side_b, codes_a, codes_b, as_of)
    world = countries(worldview)
    names = dict(zip(world["iso_a3"], world["name"], strict=True))
    rows = []
    for a in sorted(set(codes_a)):
        for b in sorted(set(codes_b)):
            line = _pair_line(a, b, worldview)
            if not line.is_empty:
                rows.append((a, names[a], b, names[b], border_length_km(line), line))
    return gpd.GeoDataFrame(
        {
            "iso_a": [r[0] for r in rows],
            "name_a": [r[1] for r in rows],
            "iso_b": [r[2] for r in rows],
            "name_b": [r[3] for r in rows],
            "length_km": [r[4] for r in rows],
        },
        geometry=[r[5] for r in rows],
        crs="EPSG:4326",
    )


def border(
    side_a: Side,
    side_b: Side,
    as_of: str | dt.date | None = None,
    *,
    worldview: Worldview = DEFAULT_WORLDVIEW,
) -> LineString | MultiLineString:
    """The land border between two sides, as one merged line.

    Each side is an ISO code, a country name, an alliance name, or a list of these;
    alliances are resolved on ``as_of``. Borders across water are not land borders:
    Russia and Sweden have none. The result is empty when the sides do not touch.

    Returns
    -------
    shapely.LineString or shapely.MultiLineString
        Lon/lat degrees, EPSG:4326.

    Raises
    ------
    OverlappingSidesError
        When a state is on both sides.
    InvalidInputError
        When a side is empty or names no state on ``as_of``.

    Examples
    --------
    >>> round(border_length_km(border("Russia", "Norway")))  # published: 196 km
    165
    >>> border("RUS", "SWE").is_empty
    True
    """
    pairs = border_pairs(side_a, side_b, as_of, worldview=worldview)
    pieces = [line for geom in pairs.geometry for line in _lines(geom)]
    if not pieces:
        return MultiLineString()
    return shapely.line_merge(MultiLineString(pieces))


def border_length_km(line: shapely.Geometry) -> float:
    """Geodesic length of a (Multi)LineString in lon/lat degrees, in km on WGS84.

    Examples
    --------
    >>> from shapely import LineString
    >>> round(border_length_km(LineString([(0, 0), (1, 0)])), 3)
    111.319
    """
    return float(_GEOD.geometry_length(line)) / 1000.0
