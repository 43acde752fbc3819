"""Closest point of approach between tracks at sea (US draft Art. 5: "the maximum
approach distance between warships and aircraft").

A track is a sequence of timed fixes. Between two fixes a vessel moves at constant
speed along the geodesic (WGS84) joining them. For each pair of tracks the distance is
evaluated on a common time axis (every fix of either track in the common interval,
plus an even grid of at least 2,000 instants); the smallest sample is then refined by
golden-section search between its two neighbours, to a hundredth of a second. Times
are UTC; a time without an offset is read as UTC.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pyproj
from numpy.typing import NDArray

from zones.errors import InvalidInputError

if TYPE_CHECKING:
    import folium

__all__ = [
    "Approach",
    "Track",
    "closest_approach",
    "closest_approaches",
    "read_tracks",
    "tracks_map",
]

_GEOD = pyproj.Geod(ellps="WGS84")
_GRID_SAMPLES = 2000
_TIME_TOLERANCE_S = 0.01
_GOLDEN = (math.sqrt(5.0) - 1.0) / 2.0

FloatArray = NDArray[np.float64]


@dataclass(frozen=True)
class Track:
    """A moving object's fixes: ``times`` in seconds since 1970-01-01 UTC (increasing),
    ``lon`` and ``lat`` in degrees (EPSG:4326)."""

    id: str
    times: FloatArray
    lon: FloatArray
    lat: FloatArray

    def __post_init__(self) -> None:
        if len(self.times) < 2:
            raise InvalidInputError(
                f"track {self.id!r} has {len(self.times)} fix(es); a track needs at least 2"
            )
        if np.any(np.diff(self.times) <= 0):
            i = int(np.flatnonzero(np.diff(self.times) <= 0)[0]) + 1
            raise InvalidInputError(
                f"track {self.id!r}: fix {i} at {_iso(self.times[i])} is not later than the one before; "
                "fixes must be in time order, one per instant"
            )

    @property
    def start(self) -> float:
        return float(self.times[0])

    @property
    def end(self) -> float:
        return float(self.times[-1])

    def position(self, t: FloatArray | float) -> tuple[FloatArray, FloatArray]:
        """Lon/lat at times ``t`` (seconds, within the track's span), moving along the
        geodesic between fixes at constant speed."""
        t = np.atleast_1d(np.asarray(t, dtype=float))
        i = np.clip(np.searchsorted(self.times, t, side="right") - 1, 0, len(self.times) - 2)
        span = self.times[i + 1] - self.times[i]
        frac = np.clip((t - self.times[i]) / span, 0.0, 1.0)
        az, _, dist = _GEOD.inv(self.lon[i], self.lat[i], self.lon[i + 1], self.lat[i + 1])
        lon, lat, _ = _GEOD.fwd(self.lon[i], self.lat[i], az, np.asarray(dist) * frac)
        return np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)


@dataclass(frozen=True)
class Approach:
    """The closest point of approach of two tracks.

    ``cpa_km`` is the geodesic distance (WGS84) at ``time`` (UTC), when ``a`` was at
    ``a_lon``/``a_lat`` and ``b`` at ``b_lon``/``b_lat``. ``violation`` is true when a
    ``max_km`` was given and ``cpa_km`` is below it. With no common time, ``cpa_km``
    and ``time`` are None.
    """

    a: str
    b: str
    cpa_km: float | None
    time: dt.datetime | None
    a_lon: float | None = None
    a_lat: float | None = None
    b_lon: float | None = None
    b_lat: float | None = None
    max_km: float | None = None

    @property
    def violation(self) -> bool:
        return self.cpa_km is not None and self.max_km is not None and self.cpa_km < self.max_km

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: ``a``, ``b``, ``cpa_km``, ``time`` (ISO 8601, UTC), ``violation``,
        ``max_km``, ``a_position`` and ``b_position`` ([lon, lat])."""
        return {
            "a": self.a,
            "b": self.b,
            "cpa_km": None if self.cpa_km is None else round(self.cpa_km, 4),
            "time": None
            if self.time is None
            else self.time.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "violation": self.violation,
            "max_km": self.max_km,
            "a_position": None
            if self.a_lon is None
            else [round(self.a_lon, 6), round(self.a_lat or 0.0, 6)],
            "b_position": None
            if self.b_lon is None
            else [round(self.b_lon, 6), round(self.b_lat or 0.0, 6)],
        }


# --- reading ----------------------------------------------------------------------------------


def _parse_time(value: Any, where: str) -> float:
    if not isinstance(value, str) or not value.strip():
        raise InvalidInputError(
            f"{where}: time {value!r} is not an ISO 8601 string such as 2021-12-17T10:00:00Z"
        )
    try:
        stamp = dt.datetime.fromisoformat(value.strip())
    except ValueError:
        raise InvalidInputError(
            f"{where}: time {value!r} is not ISO 8601; write e.g. 2021-12-17T10:00:00Z"
        ) from None
    if stamp.tzinfo is None:
        stamp = stamp.replace(tzinfo=dt.UTC)
    return stamp.timestamp()


def _iso(seconds: float) -> str:
    return dt.datetime.fromtimestamp(seconds, dt.UTC).isoformat().replace("+00:00", "Z")


def _check_lonlat(lon: float, lat: float, where: str) -> None:
    if not (math.isfinite(lon) and math.isfinite(lat) and -180 <= lon <= 180 and -90 <= lat <= 90):
        raise InvalidInputError(
            f"{where}: lon {lon!r}, lat {lat!r} out of range (-180..180, -90..90)"
        )


def read_tracks(source: str | os.PathLike[str], *, text: str | None = None) -> list[Track]:
    """Read tracks from GeoJSON or CSV.

    GeoJSON: LineString features (or a FeatureCollection of them), each with a
    ``times`` property: one ISO 8601 time per vertex; the id is the property ``id``,
    ``name`` or the feature's ``id``. CSV: columns ``id,time,lat,lon``, one fix per
    line, in any order (sorted by time per id).

    Parameters
    ----------
    source
        A path; with ``text`` given, only its name (for messages and the format).
    text
        The file's content, if already read (e.g. from stdin).

    Raises
    ------
    InvalidInputError
        With the file, line or feature and what to write instead.
    """
    origin = str(source)
    if text is None:
        try:
            text = Path(source).read_text(encoding="utf-8-sig")
        except FileNotFoundError:
            raise InvalidInputError(
                f"no such file: {origin!r}; give a GeoJSON or CSV (id,time,lat,lon) file"
            ) from None
        except (OSError, UnicodeDecodeError) as err:
            raise InvalidInputError(f"cannot read {origin!r}: {err}") from None
    is_json = text.lstrip().startswith(("{", "[")) or origin.lower().endswith((".geojson", ".json"))
    tracks = _tracks_geojson(text, origin) if is_json else _tracks_csv(text, origin)
    ids = [t.id for t in tracks]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        raise InvalidInputError(
            f"{origin}: track id {dupes[0]!r} appears twice; give every track its own id"
        )
    if len(tracks) < 2:
        raise InvalidInputError(
            f"{origin}: {len(tracks)} track(s); the closest approach needs at least two"
        )
    return tracks


def _tracks_geojson(text: str, origin: str) -> list[Track]:
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as err:
        raise InvalidInputError(f"{origin}:{err.lineno}: not valid JSON ({err.msg})") from None
    if isinstance(doc, dict) and doc.get("type") == "FeatureCollection":
        features = doc.get("features")
    elif isinstance(doc, dict) and doc.get("type") == "Feature":
        features = [doc]
    else:
        features = None
    if not isinstance(features, list):
        raise InvalidInputError(
            f"{origin}: expected a GeoJSON Feature or FeatureCollection of LineStrings"
        )
    tracks = []
    for n, feature in enumerate(features):
        where = f"{origin}: feature {n}"
        geom = feature.get("geometry") if isinstance(feature, dict) else None
        props = (feature.get("properties") if isinstance(feature, dict) else None) or {}
        if not isinstance(geom, dict) or geom.get("type") != "LineString":
            kind = geom.get("type") if isinstance(geom, dict) else None
            raise InvalidInputError(f"{where}: a track must be a LineString, not {kind!r}")
        coords = geom.get("coordinates")
        times = props.get("times")
        if not isinstance(coords, list) or not isinstance(times, list):
            raise InvalidInputError(
                f"{where}: needs LineString coordinates and a 'times' list (ISO 8601, one per vertex)"
            )
        if len(times) != len(coords):
            raise InvalidInputError(
                f"{where}: {len(coords)} vertices but {len(times)} times; give one time per vertex"
            )
        lon, lat = [], []
        for i, c in enumerate(coords):
            if (
                not isinstance(c, list | tuple)
                or len(c) < 2
                or not all(isinstance(v, int | float) for v in c[:2])
            ):
                raise InvalidInputError(f"{where}: vertex {i} is not [lon, lat]")
            _check_lonlat(float(c[0]), float(c[1]), f"{where}, vertex {i}")
            lon.append(float(c[0]))
            lat.append(float(c[1]))
        stamps = [_parse_time(t, f"{where}, vertex {i}") for i, t in enumerate(times)]
        ident = props.get("id", props.get("name", feature.get("id", f"track {n + 1}")))
        tracks.append(Track(str(ident), np.array(stamps), np.array(lon), np.array(lat)))
    return tracks


def _tracks_csv(text: str, origin: str) -> list[Track]:
    reader = csv.DictReader(io.StringIO(text))
    fields = {(f or "").strip().lower(): f for f in (reader.fieldnames or [])}
    missing = [c for c in ("id", "time", "lat", "lon") if c not in fields]
    if missing:
        raise InvalidInputError(
            f"{origin}: no {', '.join(missing)} column (found: {', '.join(fields) or 'nothing'}); "
            "the first line must be id,time,lat,lon"
        )
    fixes: dict[str, list[tuple[float, float, float]]] = {}
    for n, row in enumerate(reader, start=2):
        where = f"{origin}:{n}"
        ident = (row.get(fields["id"]) or "").strip()
        if not ident:
            raise InvalidInputError(f"{where}: empty id; name the track of every fix")
        try:
            lat = float(row.get(fields["lat"]) or "")
            lon = float(row.get(fields["lon"]) or "")
        except ValueError:
            raise InvalidInputError(
                f"{where}: lat {row.get(fields['lat'])!r} or lon {row.get(fields['lon'])!r} is not a number"
            ) from None
        _check_lonlat(lon, lat, where)
        fixes.setdefault(ident, []).append((_parse_time(row.get(fields["time"]), where), lon, lat))
    tracks = []
    for ident, rows in fixes.items():
        rows.sort()
        arr = np.array(rows, dtype=float)
        tracks.append(Track(ident, arr[:, 0], arr[:, 1], arr[:, 2]))
    return tracks


# --- closest approach -----------------------------------------------------------------------------


def _distance_m(a: Track, b: Track, t: FloatArray) -> FloatArray:
    alon, alat = a.position(t)
    blon, blat = b.position(t)
    _, _, d = _GEOD.inv(alon, alat, blon, blat)
    return np.asarray(d, dtype=float)


def _golden_min(f: Callable[[float], float], lo: float, hi: float, tol: float) -> float:
    """The minimiser of a unimodal ``f`` on [lo, hi], to ``tol``."""
    c = hi - _GOLDEN * (hi - lo)
    d = lo + _GOLDEN * (hi - lo)
    fc, fd = f(c), f(d)
    while hi - lo > tol:
        if fc <= fd:
            hi, d, fd = d, c, fc
            c = hi - _GOLDEN * (hi - lo)
            fc = f(c)
        else:
            lo, c, fc = c, d, fd
            d = lo + _GOLDEN * (hi - lo)
            fd = f(d)
    return (lo + hi) / 2.0


def closest_approach(a: Track, b: Track, *, max_km: float | None = None) -> Approach:
    """The closest point of approach of two tracks (see the module docstring).

    Examples
    --------
    >>> import numpy as np
    >>> t = np.array([0.0, 3600.0])
    >>> ship = Track("ship", t, np.array([19.0, 20.0]), np.array([55.0, 55.0]))
    >>> buoy = Track("buoy", t, np.array([19.5, 19.5]), np.array([55.1, 55.1]))
    >>> round(closest_approach(ship, buoy).cpa_km, 2)  # the geodesic bulges 0.11 km north
    11.02
    """
    start, end = max(a.start, b.start), min(a.end, b.end)
    if start > end:
        return Approach(a.id, b.id, None, None, max_km=max_km)
    fixes = np.concatenate([a.times, b.times])
    grid = np.unique(
        np.concatenate(
            [np.linspace(start, end, _GRID_SAMPLES), fixes[(fixes >= start) & (fixes <= end)]]
        )
    )
    dist = _distance_m(a, b, grid)
    k = int(np.argmin(dist))
    best_t, best_d = float(grid[k]), float(dist[k])
    lo, hi = float(grid[max(k - 1, 0)]), float(grid[min(k + 1, len(grid) - 1)])
    if hi > lo:
        t = _golden_min(
            lambda s: float(_distance_m(a, b, np.array([s]))[0]), lo, hi, _TIME_TOLERANCE_S
        )
        d = float(_distance_m(a, b, np.array([t]))[0])
        if d < best_d:
            best_t, best_d = t, d
    alon, alat = a.position(best_t)
    blon, blat = b.position(best_t)
    when = dt.datetime.fromtimestamp(round(best_t, 3), dt.UTC)
    return Approach(
        a.id,
        b.id,
        best_d / 1000.0,
        when,
        float(alon[0]),
        float(alat[0]),
        float(blon[0]),
        float(blat[0]),
        max_km,
    )


def closest_approaches(tracks: Sequence[Track], *, max_km: float | None = None) -> list[Approach]:
    """The closest approach of every pair of tracks, in input order.

    Raises
    ------
    InvalidInputError
        If ``max_km`` is negative or not finite.
    """
    if max_km is not None and (not math.isfinite(max_km) or max_km < 0):
        raise InvalidInputError(f"--max-km {max_km!r} must be a positive number of km")
    return [closest_approach(a, b, max_km=max_km) for a, b in combinations(tracks, 2)]


# --- map --------------------------------------------------------------------------------------


def tracks_map(
    tracks: Sequence[Track], approaches: Sequence[Approach], m: folium.Map | None = None
) -> folium.Map:
    """Draw the tracks and each pair's closest approach (a line between the two positions,
    red when it is a violation) with folium; onto ``m`` when given; returns the map."""
    import folium

    from zones.mapview import add_legend, escape_html, new_map

    colours = ["#1f5fa8", "#c0392b", "#1e8449", "#8e44ad", "#d35400", "#2c3e50"]
    if m is None:
        m = new_map(
            "Closest approach between tracks",
            ["Geodesic on WGS84; linear motion between fixes", "Times in UTC"],
        )
    legend = []
    for n, track in enumerate(tracks):
        colour = colours[n % len(colours)]
        # track ids come from the input: the layer control and tooltips insert text as HTML
        group = folium.FeatureGroup(name=escape_html(f"Track {track.id}"))
        # a track crossing +/-180 is drawn with continuous longitudes
        lon = np.degrees(np.unwrap(np.radians(track.lon)))
        folium.PolyLine(
            list(zip(track.lat, lon, strict=True)),
            color=colour,
            weight=3,
            tooltip=escape_html(f"{track.id}: {_iso(track.start)} to {_iso(track.end)}"),
        ).add_to(group)
        for t, x, y in zip(track.times, lon, track.lat, strict=True):
            folium.CircleMarker(
                [y, x],
                radius=3,
                color=colour,
                fill=True,
                tooltip=escape_html(f"{track.id} {_iso(t)}"),
            ).add_to(group)
        group.add_to(m)
        legend.append((colour, f"track {track.id}"))
    cpa = folium.FeatureGroup(name="Closest points of approach")
    for ap in approaches:
        if ap.cpa_km is None or ap.time is None or ap.a_lon is None or ap.b_lon is None:
            continue
        a_lat, b_lat = float(ap.a_lat or 0.0), float(ap.b_lat or 0.0)
        colour = "#e60000" if ap.violation else "#111111"
        text = escape_html(
            f"{ap.a} - {ap.b}: {ap.cpa_km:,.3f} km at {ap.time.isoformat()}"
            + (" (violation)" if ap.violation else "")
        )
        folium.PolyLine(
            [[a_lat, ap.a_lon], [b_lat, ap.b_lon]],
            color=colour,
            weight=2,
            dash_array="4 4",
            tooltip=text,
        ).add_to(cpa)
        for x, y in ((ap.a_lon, a_lat), (ap.b_lon, b_lat)):
            folium.CircleMarker([y, x], radius=6, color=colour, fill=False, tooltip=text).add_to(
                cpa
            )
    cpa.add_to(m)
    legend.append(("#111111", "closest approach"))
    if any(ap.violation for ap in approaches):
        legend.append(("#e60000", "closer than the maximum"))
    add_legend(m, legend, heading="Tracks")
    folium.LayerControl(collapsed=True).add_to(m)
    lats = np.concatenate([t.lat for t in tracks])
    lons = np.concatenate([t.lon for t in tracks])
    m.fit_bounds([[float(lats.min()), float(lons.min())], [float(lats.max()), float(lons.max())]])
    return m
