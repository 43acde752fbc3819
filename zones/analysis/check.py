"""Which zones a place lies in, and how far it is from each zone's edge.

The distance to a zone's edge is the geodesic distance (WGS84) from the place to the
boundary of the zone's polygons, negative inside. Two kinds of boundary are left out
because they are not edges of the zone but of the map: the cut along the antimeridian
(edges running along lon = +/-180) and the closing edges along the pole latitudes
(lat = +/-90) that a zone covering a pole gets. A zone whose whole boundary is of
that kind (the whole world) has no edge: its distance is NaN.
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from numpy.typing import NDArray

from zones.errors import InvalidInputError

if TYPE_CHECKING:
    from zones.zoneset import ZoneSet

__all__ = ["check_places", "facilities", "read_places", "zone_edges"]

#: Check result columns, in order.
CHECK_COLUMNS = ["name", "lat", "lon", "zone", "article", "party", "title", "inside", "distance_km"]

_LAT_NAMES = ("lat", "latitude", "y")
_LON_NAMES = ("lon", "lng", "long", "longitude", "x")
#: Coordinates closer than this (degrees) to +/-180 or +/-90 count as lying on the cut.
_CUT_EPS_DEG = 1e-9


# --- reading places ------------------------------------------------------------------------


def facilities() -> gpd.GeoDataFrame:
    """The bundled example sites (``geodata/facilities.csv``), one point per row, with a
    source on every row and ``approximate`` where the published positions disagree.

    Examples
    --------
    >>> "Aegis Ashore Redzikowo" in set(facilities().name)
    True
    """
    from zones.data import data_path

    return read_places(data_path("facilities.csv"))


def read_places(
    source: str | os.PathLike[str] | pd.DataFrame, *, origin: str | None = None
) -> gpd.GeoDataFrame:
    """Read places as a GeoDataFrame of points (EPSG:4326) with a ``name`` column.

    Parameters
    ----------
    source
        A CSV file with the columns ``name``, ``lat``, ``lon`` (``latitude``,
        ``longitude`` are accepted; other columns are kept), any vector file that
        pyogrio reads (GeoJSON, GeoPackage, shapefile, ...) holding points, or a
        (Geo)DataFrame of either kind.
    origin
        The name used in error messages (default: the path).

    Raises
    ------
    InvalidInputError
        For a missing file, a missing column, a coordinate that is not a number or out
        of range, or a geometry that is not a point; the message names the line.

    Examples
    --------
    >>> import pandas as pd
    >>> read_places(pd.DataFrame({"name": ["Narva"], "lat": [59.377], "lon": [28.19]})).geometry.iloc[0].wkt
    'POINT (28.19 59.377)'
    """
    if isinstance(source, gpd.GeoDataFrame):
        return _from_geodataframe(source, origin or "<GeoDataFrame>")
    if isinstance(source, pd.DataFrame):
        rows = source.to_dict("records")
        return _from_rows(
            [{str(k): _text(v) for k, v in r.items()} for r in rows],
            list(map(str, source.columns)),
            origin or "<DataFrame>",
            first_line=1,
        )
    path = Path(source)
    where = origin or str(path)
    if path.suffix.lower() in (".csv", ".txt", ".tsv"):
        from zones.geojson_io import read_text_file

        hint = "give a CSV with name,lat,lon or a vector file"
        text = read_text_file(
            path, hint=hint, error=InvalidInputError, origin=where, encoding="utf-8-sig"
        )
        return read_places_csv(text, origin=where)
    if not path.exists():
        raise InvalidInputError(
            f"no such file: {where!r}; give a CSV with name,lat,lon or a vector file"
        )
    try:
        gdf = gpd.read_file(path)
    except Exception as err:  # pyogrio raises its own DataSourceError family
        reason = str(err).split("; It might help")[0].rstrip(". ")  # not GDAL's driver advice
        raise InvalidInputError(
            f"cannot read {where!r} as places ({reason}); give a CSV with name,lat,lon or a "
            "vector file of points (GeoJSON, GeoPackage, ...)"
        ) from None
    return _from_geodataframe(gdf, where)


def read_places_csv(text: str, *, origin: str = "<csv>") -> gpd.GeoDataFrame:
    """Parse CSV text with ``name,lat,lon`` columns (see :func:`read_places`)."""
    sample = text[:4096]
    try:
        dialect: Any = (
            csv.Sniffer().sniff(sample, delimiters=",;\t") if sample.strip() else csv.excel
        )
    except csv.Error:
        dialect = csv.excel
    reader = csv.DictReader(io.StringIO(text), dialect=dialect)
    fields = [f.strip() for f in (reader.fieldnames or [])]
    rows = [{(k or "").strip(): _text(v) for k, v in r.items()} for r in reader]
    return _from_rows(rows, fields, origin, first_line=2)


def _text(value: Any) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    return str(value).strip()


def _column(fields: list[str], names: Iterable[str]) -> str | None:
    lower = {f.lower(): f for f in fields}
    for n in names:
        if n in lower:
            return lower[n]
    return None


def _from_rows(
    rows: list[dict[str, str]], fields: list[str], origin: str, *, first_line: int
) -> gpd.GeoDataFrame:
    lat_col, lon_col = _column(fields, _LAT_NAMES), _column(fields, _LON_NAMES)
    name_col = _column(fields, ("name",))
    missing = [
        want
        for want, got in (("name", name_col), ("lat", lat_col), ("lon", lon_col))
        if got is None
    ]
    if missing:
        raise InvalidInputError(
            f"{origin}: no {', '.join(missing)} column (found: {', '.join(fields) or 'nothing'}); "
            "the first line must name the columns, e.g. name,lat,lon"
        )
    assert lat_col is not None and lon_col is not None and name_col is not None
    if not rows:
        raise InvalidInputError(
            f"{origin}: no places; add one line per place, e.g. Narva,59.377,28.19"
        )
    lats, lons = [], []
    for i, row in enumerate(rows):
        line = i + first_line
        lat = _number(row.get(lat_col, ""), "lat", origin, line)
        lon = _number(row.get(lon_col, ""), "lon", origin, line)
        if not -90 <= lat <= 90 or not -180 <= lon <= 180:
            swapped = (
                "; lat and lon look swapped" if -90 <= lon <= 90 and -180 <= lat <= 180 else ""
            )
            raise InvalidInputError(
                f"{origin}:{line}: lat {lat!r}, lon {lon!r} out of range (-90..90, -180..180){swapped}"
            )
        if not row.get(name_col):
            raise InvalidInputError(f"{origin}:{line}: empty name; give every place a name")
        lats.append(lat)
        lons.append(lon)
    table = pd.DataFrame(rows)
    table = table.rename(columns={name_col: "name"}).drop(
        columns=[c for c in (lat_col, lon_col) if c != name_col]
    )
    table.insert(1, "lat", lats)
    table.insert(2, "lon", lons)
    return gpd.GeoDataFrame(table, geometry=gpd.points_from_xy(lons, lats), crs="EPSG:4326")


def _number(value: str, what: str, origin: str, line: int) -> float:
    try:
        number = float(value)
    except ValueError:
        raise InvalidInputError(
            f"{origin}:{line}: {what} {value!r} is not a number of degrees"
        ) from None
    if not np.isfinite(number):
        raise InvalidInputError(
            f"{origin}:{line}: {what} {value!r} is not a finite number of degrees"
        )
    return number


def _from_geodataframe(gdf: gpd.GeoDataFrame, origin: str) -> gpd.GeoDataFrame:
    if gdf.crs is not None and not gdf.crs.equals("EPSG:4326"):
        gdf = gdf.to_crs("EPSG:4326")
    if not len(gdf):
        raise InvalidInputError(f"{origin}: no places (the file holds no features)")
    types = gdf.geometry.geom_type
    bad = np.flatnonzero((types != "Point").to_numpy() | gdf.geometry.is_empty.to_numpy())
    if len(bad):
        raise InvalidInputError(
            f"{origin}: feature {int(bad[0])} is a {types.iloc[bad[0]]}, not a point; check takes points "
            "(use the centroids or a CSV with name,lat,lon)"
        )
    out = gdf.copy()
    name_col = _column([str(c) for c in out.columns], ("name",))
    if name_col is None:
        out.insert(0, "name", [f"place {i + 1}" for i in range(len(out))])
    elif name_col != "name":
        out = out.rename(columns={name_col: "name"})
    out["lat"] = out.geometry.y
    out["lon"] = out.geometry.x
    if (out.lat.abs() > 90).any() or (out.lon.abs() > 180).any():
        raise InvalidInputError(f"{origin}: coordinates out of range; reproject to EPSG:4326 first")
    return gpd.GeoDataFrame(out, geometry=out.geometry.name, crs="EPSG:4326")


# --- edges and distances ---------------------------------------------------------------------


def _on_cut(a: NDArray[np.float64], b: NDArray[np.float64]) -> NDArray[np.bool_]:
    """Whether each edge a->b runs along lon = +/-180 or along lat = +/-90."""
    meridian = (np.abs(np.abs(a[:, 0]) - 180.0) < _CUT_EPS_DEG) & (
        np.abs(b[:, 0] - a[:, 0]) < _CUT_EPS_DEG
    )
    pole = (np.abs(np.abs(a[:, 1]) - 90.0) < _CUT_EPS_DEG) & (
        np.abs(b[:, 1] - a[:, 1]) < _CUT_EPS_DEG
    )
    return meridian | pole


def zone_edges(geometry: shapely.Geometry) -> shapely.Geometry:
    """The boundary of a lon/lat polygon (or multipolygon) without the map's artificial edges.

    Edges along the antimeridian (lon = +/-180) and along the pole latitudes
    (lat = +/-90) are dropped: they close the polygon on the flat map and are no
    edge on the Earth. Returns a MultiLineString (empty when nothing is left).

    Examples
    --------
    >>> from shapely.geometry import box
    >>> zone_edges(box(170, 0, 180, 10)).length  # three sides; the one on 180 is dropped
    30.0
    """
    lines: list[NDArray[np.float64]] = []
    polygons = [p for p in shapely.get_parts(geometry) if shapely.get_type_id(p) == 3]
    for polygon in polygons:
        for ring in shapely.get_rings(polygon):
            xy = shapely.get_coordinates(ring)
            if len(xy) < 2:
                continue
            keep = ~_on_cut(xy[:-1], xy[1:])
            if keep.all():
                lines.append(xy)
                continue
            # runs of kept edges; a run that wraps past the ring's start is joined to it
            edges = np.flatnonzero(keep)
            if not len(edges):
                continue
            breaks = np.flatnonzero(np.diff(edges) > 1) + 1
            runs = np.split(edges, breaks)
            if len(runs) > 1 and runs[0][0] == 0 and runs[-1][-1] == len(keep) - 1:
                runs = [np.concatenate([runs[-1], runs[0]]), *runs[1:-1]]
            for run in runs:
                idx = np.append(run, run[-1] + 1) % (len(xy) - 1)
                lines.append(xy[idx])
    if not lines:
        return shapely.MultiLineString()
    return shapely.MultiLineString(lines)


def _signed_distances_km(
    geometry: shapely.Geometry, lon: NDArray[np.float64], lat: NDArray[np.float64]
) -> tuple[NDArray[np.bool_], NDArray[np.float64]]:
    from zones.geodesic import geodesic_distances

    shapely.prepare(geometry)
    inside = shapely.intersects_xy(geometry, lon, lat)
    edges = zone_edges(geometry)
    if edges.is_empty:
        return inside, np.full(len(lon), np.nan)
    dist = geodesic_distances(lon, lat, edges)
    return inside, np.where(inside, -dist, dist)


def check_places(
    zs: ZoneSet,
    places: gpd.GeoDataFrame | str | os.PathLike[str],
    *,
    zones: Iterable[str] | None = None,
) -> pd.DataFrame:
    """Each place against each zone of a ZoneSet: inside or not, and the distance to the edge.

    The parts of a zone are taken together per article, party and title (so the
    exercise bands of one state along several borders count as one zone of that
    party).

    Parameters
    ----------
    zs
        The built zones.
    places
        Points (a GeoDataFrame or anything :func:`read_places` reads) with a ``name``.
    zones
        Only these zone names (default: every zone of ``zs``).

    Returns
    -------
    pandas.DataFrame
        One row per place and zone: ``name``, ``lat``, ``lon``, ``zone``,
        ``article``, ``party``, ``title``, ``inside`` (bool) and ``distance_km``:
        the geodesic distance (WGS84) to the zone's edge, negative inside. Rows
        keep the order of the places and, per place, run from the deepest inside
        to the farthest outside.

    Examples
    --------
    >>> import zones
    >>> zs = zones.build("draft-2021")                          # doctest: +SKIP
    >>> check_places(zs, facilities()).query("inside")          # doctest: +SKIP
    """
    pts = (
        places
        if isinstance(places, gpd.GeoDataFrame) and "name" in places.columns
        else read_places(places)
    )
    lon = pts.geometry.x.to_numpy(dtype=float)
    lat = pts.geometry.y.to_numpy(dtype=float)
    wanted = set(zones) if zones is not None else None
    gdf = zs.gdf if wanted is None else zs.gdf[zs.gdf.zone.isin(wanted)]
    frames = []
    keys = ["zone", "article", "party", "title"]
    for key, group in gdf.groupby(keys, sort=False):
        geometry = shapely.union_all(group.geometry.values)
        if geometry.is_empty:
            continue
        inside, distance = _signed_distances_km(geometry, lon, lat)
        frame = pd.DataFrame(
            {"order": np.arange(len(pts)), "name": pts["name"].to_numpy(), "lat": lat, "lon": lon}
        )
        for k, v in zip(keys, key, strict=True):
            frame[k] = v
        frame["inside"] = inside
        frame["distance_km"] = np.round(distance, 3)
        frames.append(frame)
    if not frames:
        return pd.DataFrame(columns=CHECK_COLUMNS)
    out = pd.concat(frames, ignore_index=True)
    out = out.sort_values(["order", "distance_km"], kind="stable", na_position="last")
    return out[CHECK_COLUMNS].reset_index(drop=True)


def check_geojson_dict(result: pd.DataFrame) -> dict[str, Any]:
    """A check result as an RFC 7946 FeatureCollection: one point feature per place and zone."""
    from zones.geojson_io import feature_collection

    items = []
    for rec in result.to_dict("records"):
        props: dict[str, Any] = {
            str(k): (None if isinstance(v, float) and np.isnan(v) else v)
            for k, v in rec.items()
            if k not in ("lat", "lon")
        }
        props["inside"] = bool(props["inside"])
        items.append((shapely.Point(rec["lon"], rec["lat"]), props))
    return feature_collection(items)
