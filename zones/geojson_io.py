"""Reading GeoJSON input and writing RFC 7946 FeatureCollections.

Input is read with ``json`` and shapely (GDAL refuses very large single
objects), checked, and turned into ``(geometry, properties)`` pairs.
"""

from __future__ import annotations

import json
import math
import os
import re
import warnings
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from shapely.geometry import mapping, shape

from zones.errors import InputTooLargeError, InvalidGeometryError, ZonesError, ZonesWarning

__all__ = ["COORDINATE_DECIMALS", "MAX_INPUT_VERTICES", "feature_collection", "read_features"]

#: The largest input zones accepts, in vertices over all features (Natural Earth's Russia
#: has about 100,000). Beyond it the input is refused with a clear error rather than
#: risking the machine's memory.
MAX_INPUT_VERTICES = 2_000_000

#: RFC 7946 output precision: 7 decimals of a degree is about 1 cm.
COORDINATE_DECIMALS = 7

_GEOMETRY_TYPES = {
    "Point", "MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon",
    "GeometryCollection",
}  # fmt: skip


#: What each geometry type holds, for the messages about malformed ones (RFC 7946, 3.1).
_SHAPES = {
    "Point": 'a Point has "coordinates": [lon, lat]',
    "MultiPoint": 'a MultiPoint has "coordinates": [[lon, lat], ...]',
    "LineString": 'a LineString has "coordinates": [[lon, lat], [lon, lat], ...] (2 or more)',
    "MultiLineString": 'a MultiLineString has "coordinates": [[[lon, lat], ...], ...]',
    "Polygon": 'a Polygon has "coordinates": [[[lon, lat], ...]], rings of 4 or more '
    "positions, the last equal to the first",
    "MultiPolygon": 'a MultiPolygon has "coordinates": [[[[lon, lat], ...]], ...]',
    "GeometryCollection": 'a GeometryCollection has "geometries": [geometry, ...]',
}


def _has_bool(coordinates: Any) -> bool:
    todo = [coordinates]
    while todo:
        v = todo.pop()
        if isinstance(v, bool):
            return True
        if isinstance(v, list):
            todo.extend(v)
    return False


def _geometry(obj: Any, where: str) -> shapely.Geometry:
    if not isinstance(obj, dict) or obj.get("type") not in _GEOMETRY_TYPES:
        kind = obj.get("type") if isinstance(obj, dict) else type(obj).__name__
        raise InvalidGeometryError(
            f"{where}: {kind!r} is not a GeoJSON geometry; expected one of "
            f"{', '.join(sorted(_GEOMETRY_TYPES))}"
        )
    if _has_bool(obj.get("coordinates")):
        raise InvalidGeometryError(
            f"{where}: coordinates must be numbers, not true or false; {_SHAPES[obj['type']]}"
        )
    try:
        geom = shape(obj)
    except RecursionError:
        raise
    except Exception as err:
        reason = " ".join(str(err).split())  # GEOS messages may end in a newline
        raise InvalidGeometryError(
            f"{where}: malformed {obj.get('type')} ({reason}); {_SHAPES[obj['type']]}"
        ) from None
    coords = shapely.get_coordinates(geom)
    if len(coords):
        if not np.isfinite(coords).all():
            raise InvalidGeometryError(f"{where}: coordinates must be finite numbers")
        lon, lat = coords[:, 0], coords[:, 1]
        if (abs(lat) > 90).any() or (abs(lon) > 180).any():
            hint = (
                "; they look like [lat, lon]: GeoJSON is [lon, lat]"
                if (abs(lon) <= 90).all() and (abs(lat) <= 180).all()
                else ""
            )
            raise InvalidGeometryError(
                f"{where}: coordinates out of range (longitude must lie in [-180, 180], "
                f"latitude in [-90, 90]){hint or '; reproject to EPSG:4326 (lon/lat degrees)'}"
            )
    if geom.is_empty:
        raise InvalidGeometryError(
            f"{where}: the {geom.geom_type} is empty; give at least one coordinate"
        )
    if not geom.is_valid:
        reason = shapely.is_valid_reason(geom)
        warnings.warn(
            f"{where}: invalid {geom.geom_type} ({reason}) repaired with make_valid",
            ZonesWarning,
            stacklevel=3,
        )
        geom = _repair(geom, where)
    return geom


def _repair(geom: shapely.Geometry, where: str) -> shapely.Geometry:
    """``make_valid``; where GEOS's default method fails or gives an invalid result (rings
    collapsed to a point, coordinates near the precision limit), its ``structure`` method."""
    try:
        fixed = shapely.make_valid(geom)
        if not fixed.is_valid or fixed.is_empty:
            raise shapely.errors.GEOSException("make_valid gave an invalid geometry")
    except shapely.errors.GEOSException:
        try:
            fixed = shapely.make_valid(geom, method="structure", keep_collapsed=True)
        except shapely.errors.GEOSException:
            fixed = None
    if fixed is None or fixed.is_empty or not fixed.is_valid:
        raise InvalidGeometryError(
            f"{where}: the invalid {geom.geom_type} cannot be repaired (its rings collapse); "
            "fix it first (e.g. QGIS Fix geometries, or ogr2ogr -makevalid)"
        )
    return fixed


def read_features(
    text: str, origin: str = "<input>"
) -> list[tuple[shapely.Geometry, dict[str, Any]]]:
    """Parse a GeoJSON geometry, Feature or FeatureCollection into (geometry, properties) pairs.

    Raises
    ------
    InvalidGeometryError
        For invalid JSON, an unknown type, coordinates out of range or a
        non-WGS84 ``crs`` member; the message names ``origin``.

    Examples
    --------
    >>> read_features('{"type": "Point", "coordinates": [24.75, 59.44]}')
    [(<POINT (24.75 59.44)>, {})]
    """
    if not text.strip():
        raise InvalidGeometryError(
            f"{origin}: the input is empty; give a GeoJSON geometry, Feature or FeatureCollection"
        )
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as err:
        raise InvalidGeometryError(
            f"{origin}:{err.lineno}: not valid JSON ({err.msg}); give a GeoJSON geometry, "
            "Feature or FeatureCollection"
        ) from None
    except (RecursionError, ValueError) as err:  # nesting, or a number of 4,300+ digits
        why = "nested too deeply" if isinstance(err, RecursionError) else "a number too long"
        raise InvalidGeometryError(
            f"{origin}: not valid GeoJSON ({why}); give a GeoJSON geometry, Feature or "
            "FeatureCollection"
        ) from None
    try:
        return _read_document(doc, origin)
    except RecursionError:
        raise InvalidGeometryError(
            f"{origin}: geometry collections nested too deeply; flatten them first"
        ) from None


def read_text_file(
    path: str | os.PathLike[str],
    *,
    hint: str,
    error: type[ZonesError] = InvalidGeometryError,
    origin: str | None = None,
    encoding: str = "utf-8",
) -> str:
    """The text of an input file, every failure as a one-line ``error`` ending in ``hint``
    (what to give instead, e.g. ``"give a GeoJSON file or - for stdin"``)."""
    where = origin or str(path)
    if not str(path).strip():
        raise error(f"the input path is empty; {hint}")
    p = Path(path)
    if p.is_dir():
        raise error(f"{where!r} is a directory; {hint}")
    try:
        return p.read_text(encoding=encoding)
    except FileNotFoundError:
        raise error(f"no such file: {where!r}; {hint}") from None
    except UnicodeDecodeError:
        raise error(f"{where!r} is not UTF-8 text; save it as UTF-8") from None
    except OSError as err:
        raise error(
            f"cannot read {where!r} ({err.strerror or err}); check the path and its permissions"
        ) from None


def _read_document(doc: Any, origin: str) -> list[tuple[shapely.Geometry, dict[str, Any]]]:
    if not isinstance(doc, dict):
        raise InvalidGeometryError(
            f"{origin}: expected a GeoJSON object, got {type(doc).__name__}; give a geometry, "
            'Feature or FeatureCollection such as {"type": "Point", "coordinates": [24.7, 59.4]}'
        )
    crs = doc.get("crs")
    if crs is not None and not isinstance(crs, dict):
        raise InvalidGeometryError(
            f"{origin}: crs {crs!r} is not a crs object; leave it out (RFC 7946 GeoJSON is "
            'WGS84 lon/lat) or write {"type": "name", "properties": {"name": "OGC:CRS84"}}'
        )
    if crs is not None:
        props = crs.get("properties")
        name = str(props.get("name", "")) if isinstance(props, dict) else ""
        if not re.search(r"(^|[:/])(CRS84|4326)$", name.strip()):
            raise InvalidGeometryError(
                f"{origin}: crs {name or crs!r} is not WGS84 lon/lat; reproject to EPSG:4326 first "
                "(e.g. ogr2ogr -t_srs EPSG:4326)"
            )
    kind = doc.get("type")
    if kind == "FeatureCollection":
        feats = doc.get("features")
        if not isinstance(feats, list):
            raise InvalidGeometryError(f"{origin}: FeatureCollection without a 'features' list")
        if not feats:
            raise InvalidGeometryError(
                f"{origin}: the FeatureCollection has no features; give at least one feature"
            )
        out = [_feature(f, f"{origin}: feature {i}") for i, f in enumerate(feats)]
    elif kind == "Feature":
        out = [_feature(doc, origin)]
    else:
        out = [(_geometry(doc, origin), {})]
    vertices = sum(int(shapely.get_num_coordinates(g)) for g, _ in out)
    if vertices > MAX_INPUT_VERTICES:
        raise InputTooLargeError(
            f"{origin}: {vertices:,} vertices exceed the limit of {MAX_INPUT_VERTICES:,}; "
            "simplify the input first (e.g. ogr2ogr -simplify)"
        )
    return out


def _feature(obj: Any, where: str) -> tuple[shapely.Geometry, dict[str, Any]]:
    if not isinstance(obj, dict) or obj.get("type") != "Feature":
        raise InvalidGeometryError(f"{where}: not a GeoJSON Feature")
    props = obj.get("properties") or {}
    if not isinstance(props, dict):
        raise InvalidGeometryError(f"{where}: 'properties' must be an object or null")
    if obj.get("geometry") is None:
        raise InvalidGeometryError(
            f"{where}: the feature has no geometry; give it one or leave the feature out"
        )
    bad = _not_finite(props)
    if bad is not None:
        raise InvalidGeometryError(
            f"{where}: property {bad!r} is {props[bad]!r}, which JSON does not allow; "
            "write null or a string"
        )
    return _geometry(obj["geometry"], where), props


def _not_finite(props: dict[str, Any]) -> str | None:
    """The first property holding NaN or an infinity, at any depth (Python's json reads
    them; RFC 8259 and so GeoJSON readers do not)."""
    for key, value in props.items():
        todo = [value]
        while todo:
            v = todo.pop()
            if isinstance(v, float) and not math.isfinite(v):
                return str(key)
            if isinstance(v, dict):
                todo.extend(v.values())
            elif isinstance(v, list):
                todo.extend(v)
    return None


def _round(geom: shapely.Geometry) -> dict[str, Any]:
    """Coordinates at 7 decimals. Rounding vertex by vertex can make a polygon invalid
    (a ring touching itself, a sliver collapsing); those are snapped to the grid with
    GEOS instead, which keeps them valid, and re-oriented for RFC 7946."""
    rounded = shapely.transform(geom, lambda xy: np.round(xy, COORDINATE_DECIMALS))
    if geom.geom_type in ("Polygon", "MultiPolygon", "GeometryCollection") and not rounded.is_valid:
        snapped = shapely.set_precision(geom, 10.0**-COORDINATE_DECIMALS)
        snapped = shapely.orient_polygons(snapped, exterior_cw=False)
        rounded = shapely.transform(snapped, lambda xy: np.round(xy, COORDINATE_DECIMALS))
    return dict(mapping(rounded))


def feature_collection(items: Iterable[tuple[shapely.Geometry, dict[str, Any]]]) -> dict[str, Any]:
    """An RFC 7946 FeatureCollection dict (7 decimals) from (geometry, properties) pairs."""
    return {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "properties": dict(props), "geometry": _round(geom)}
            for geom, props in items
        ],
    }
