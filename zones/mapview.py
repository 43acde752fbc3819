"""Folium rendering. folium is imported inside the functions, so the core never needs it.

What a map written from here carries, and why:

* **Self-contained.** Leaflet and its two plugins (full screen, measure) are inlined
  from ``zones/mapview_assets`` instead of linked from a CDN, so ``map.html`` opens with
  no network. Only the basemap tiles need one; the light vector layer of country
  outlines keeps the map readable without them.
* **Display geometry.** Geometry is simplified for drawing only, with a tolerance of
  one screen pixel at the deepest zoom the map offers (:data:`MAX_ZOOM`), measured in
  Web Mercator, the projection Leaflet draws in, so it is one pixel at every latitude.
  Vertices are then stored as delta-encoded integers (the encoded-polyline
  algorithm, :data:`ENCODING_SCALE` units per degree: about 0.2 pixel at
  :data:`MAX_ZOOM`), which a short script decodes in the page before Leaflet sees them.
  Exports (GeoJSON, GeoPackage, ...) always keep full precision.
* **Text is text.** Every piece of text that reaches the page (titles, labels, country
  names, tooltip and popup values, layer names) goes through :func:`escape_html`:
  folium's tooltips and popups, Leaflet's layer control and folium's plain tooltips
  insert it as HTML, the last inside a JavaScript template string. Data embedded in the
  page's scripts is JSON with ``<``, ``>`` and ``&`` escaped (Jinja's ``tojson``).
* **The antimeridian.** Exported geometry is split at +/-180 (RFC 7946). For drawing,
  a shape that was cut there (Chukotka, the Aleutians) is joined again: the pieces on
  the side that holds less of it are moved by 360 degrees onto the other side (Leaflet
  accepts longitudes beyond 180), so it draws as one shape. The same rule runs on the
  country outlines, so zones and outlines stay aligned. Parts that circle a pole (the
  5,500 km missile ranges) span every longitude and are left as they are: in Web
  Mercator a polar cap is a band along the top of the map.
"""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import html
import itertools
import math
import re
from collections.abc import Iterable, Iterator, Sequence
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import numpy as np
import shapely

if TYPE_CHECKING:
    import folium

__all__ = [
    "DISPLAY_TOLERANCE_DEG",
    "ENCODING_SCALE",
    "MAX_ZOOM",
    "add_legend",
    "add_outlines",
    "border_map",
    "display_geometry",
    "escape_html",
    "new_map",
    "stable_ids",
    "zoneset_map",
]

#: The deepest zoom level the maps offer (zoom 8: about 600 m a pixel at the equator,
#: 300 m at 60 degrees north).
MAX_ZOOM = 8

#: One pixel at :data:`MAX_ZOOM`, in degrees of longitude (Web Mercator is 256 * 2**zoom
#: pixels around the world). Display-only simplification uses this in Web Mercator.
DISPLAY_TOLERANCE_DEG = 360.0 / (256 * 2**MAX_ZOOM)

#: Outlines that only give context (the country base layer, the boundaries of the
#: "everywhere outside a territory" parts) are simplified four times as much.
OUTLINE_TOLERANCE_DEG = 4 * DISPLAY_TOLERANCE_DEG

#: Zones larger than this (km2) are filled lightly, so the map under them stays readable.
WORLD_SCALE_KM2 = 5e6

#: Integer units per degree for the encoded display coordinates (0.001 degree).
ENCODING_SCALE = 1000

_MERCATOR_MAX_LAT = 85.0511287798  # where Web Mercator (and Leaflet) stops

ATTRIBUTION_DATA = (
    "Boundaries: Natural Earth 1:10m (public domain); alliances: zones geodata/alliances.csv"
)

SIDE_COLOURS = {"a": "#c0392b", "b": "#1f5fa8"}


# --- text ---------------------------------------------------------------------------------------

#: Characters that would still act inside a JavaScript template string after html.escape
#: (folium's plain ``Tooltip`` puts its text between backquotes).
_TEMPLATE_STRING = str.maketrans({"`": "&#96;", "$": "&#36;", "\\": "&#92;"})


def escape_html(text: Any) -> str:
    """``text`` as HTML that shows it literally: ``& < > " '`` escaped, and the backquote,
    dollar and backslash too, so it is also inert inside a JavaScript template string.

    Examples
    --------
    >>> escape_html("<img src=x onerror=alert(1)> `${1}`")
    '&lt;img src=x onerror=alert(1)&gt; &#96;&#36;{1}&#96;'
    """
    return html.escape(str(text), quote=True).translate(_TEMPLATE_STRING)


def _literal(text: str) -> Any:
    """A page element that writes ``text`` as it is. ``folium.Element(text)`` would compile
    ``text`` as a Jinja template, so ``{{ ... }}`` in a scenario title would be evaluated
    when the page is rendered."""
    element = _literal_class()()
    element.text = text
    return element


@cache
def _literal_class() -> Any:
    """The element class of :func:`_literal`, made once (branca is imported lazily)."""
    from branca.element import Element
    from jinja2 import Template

    class _Literal(Element):
        _template = Template("{{ this.text }}")

    return _Literal


def _display_properties(props: dict[str, Any]) -> dict[str, Any]:
    """Feature properties as the tooltips and popups show them: folium inserts the values
    as HTML, so every value other than a number or null is escaped text."""
    return {
        k: v if v is None or isinstance(v, bool | int | float) else escape_html(v)
        for k, v in props.items()
    }


@contextlib.contextmanager
def stable_ids() -> Iterator[None]:
    """Within the block, folium elements get numbered ids instead of random ones, so a map
    made and saved inside it is the same file each time (``zones build`` saves map.html so).

    Examples
    --------
    >>> import folium
    >>> with stable_ids():
    ...     folium.Map(tiles=None).get_name()
    'map_00000000000000000000000000000000'
    """
    from branca.element import Element

    counter = itertools.count()
    original = Element.__dict__["_generate_id"]
    Element._generate_id = classmethod(lambda cls: f"{next(counter):032x}")  # type: ignore[assignment,method-assign]
    try:
        yield
    finally:
        Element._generate_id = original  # type: ignore[method-assign]


# --- display geometry ---------------------------------------------------------------------------


def _to_mercator(xy: np.ndarray) -> np.ndarray:
    """lon/lat degrees to Web Mercator in degree units (x unchanged), clamped like Leaflet."""
    lat = np.radians(np.clip(xy[:, 1], -_MERCATOR_MAX_LAT, _MERCATOR_MAX_LAT))
    return np.column_stack([xy[:, 0], np.degrees(np.arcsinh(np.tan(lat)))])


def _from_mercator(xy: np.ndarray) -> np.ndarray:
    return np.column_stack([xy[:, 0], np.degrees(np.arctan(np.sinh(np.radians(xy[:, 1]))))])


def _weight(part: shapely.Geometry) -> float:
    """How much of a shape a part holds, for choosing which side of +/-180 stays put."""
    return float(shapely.area(part) or shapely.length(part))


def _join_antimeridian(geom: shapely.Geometry, eps: float = 1e-6) -> shapely.Geometry:
    """Move the pieces of ``geom`` cut at +/-180 onto one side, for display only.

    Pieces touching +180 and pieces touching -180 (parts spanning every longitude
    excepted) are counted; the side with less of the shape is moved by 360 degrees,
    and polygons are merged again so no seam is drawn.
    """
    parts = list(shapely.get_parts(geom))
    if len(parts) < 2:
        return geom
    bounds = shapely.bounds(np.array(parts, dtype=object))
    full = (bounds[:, 0] <= -180 + eps) & (bounds[:, 2] >= 180 - eps)
    east = (bounds[:, 2] >= 180 - eps) & ~full
    west = (bounds[:, 0] <= -180 + eps) & ~full
    if not east.any() or not west.any():
        return geom
    east_weight = sum(_weight(p) for p, e in zip(parts, east, strict=True) if e)
    west_weight = sum(_weight(p) for p, w in zip(parts, west, strict=True) if w)
    move, shift = (west, 360.0) if west_weight <= east_weight else (east, -360.0)
    moved = [
        shapely.transform(p, lambda xy, s=shift: xy + np.array([s, 0.0])) if m else p
        for p, m in zip(parts, move, strict=True)
    ]
    if geom.geom_type in ("Polygon", "MultiPolygon"):
        return shapely.union_all(moved)
    if geom.geom_type in ("LineString", "MultiLineString"):
        return shapely.line_merge(shapely.MultiLineString(moved))
    return shapely.GeometryCollection(moved)


def display_geometry(
    geom: shapely.Geometry, tolerance_deg: float = DISPLAY_TOLERANCE_DEG
) -> shapely.Geometry:
    """``geom`` as drawn on the map: joined across the antimeridian and simplified.

    The tolerance is applied in Web Mercator (degree units), so ``tolerance_deg`` is the
    same number of pixels at every latitude; the default is one pixel at :data:`MAX_ZOOM`.
    For drawing only: never measure the result.

    Examples
    --------
    >>> from shapely.geometry import box
    >>> chukotka = shapely.MultiPolygon([box(170, 64, 180, 68), box(-180, 64, -170, 68)])
    >>> display_geometry(chukotka).bounds
    (170.0, 64.0, 190.0, 68.0)
    """
    if geom is None or geom.is_empty:
        return geom
    joined = _join_antimeridian(geom)
    merc = shapely.transform(joined, _to_mercator)
    simple = shapely.simplify(merc, tolerance_deg, preserve_topology=True)
    return shapely.transform(simple, _from_mercator)


#: The 64 symbols of the encoding (URL-safe base64's). The classic encoded-polyline
#: symbols (ASCII 63-126) include braces, which the page templates would misread.
_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"


def _encode_ring(coords: np.ndarray, scale: int = ENCODING_SCALE) -> str:
    """One ring or line as encoded-polyline text (lon before lat, 64-symbol alphabet)."""
    q = np.round(np.asarray(coords)[:, :2] * scale).astype(np.int64)
    deltas = np.diff(q, axis=0, prepend=np.zeros((1, 2), dtype=np.int64)).ravel()
    zigzag = np.where(deltas < 0, ~(deltas << 1), deltas << 1)
    out: list[str] = []
    for value in zigzag.tolist():
        while value >= 0x20:
            out.append(_ALPHABET[0x20 | (value & 0x1F)])
            value >>= 5
        out.append(_ALPHABET[value])
    return "".join(out)


def _encode_geometry(geom: shapely.Geometry) -> dict[str, Any]:
    """A GeoJSON geometry whose innermost coordinate arrays are encoded-polyline strings.

    The page's decoder (see :func:`_ensure_decoder`) turns it back into plain GeoJSON.
    """
    kind = geom.geom_type
    if kind == "Polygon":
        rings = [geom.exterior, *geom.interiors]
        coords: Any = [_encode_ring(np.asarray(r.coords)) for r in rings]
    elif kind == "MultiPolygon":
        coords = [_encode_geometry(p)["coordinates"] for p in geom.geoms]
    elif kind == "LineString":
        coords = _encode_ring(np.asarray(geom.coords))
    elif kind == "MultiLineString":
        coords = [_encode_ring(np.asarray(g.coords)) for g in geom.geoms]
    elif kind == "GeometryCollection":
        return {"type": kind, "geometries": [_encode_geometry(g) for g in geom.geoms]}
    else:
        return dict(shapely.geometry.mapping(geom))
    return {"type": kind, "coordinates": coords, "zonesPolyline": ENCODING_SCALE}


def _feature_collection(
    rows: Iterable[tuple[shapely.Geometry, dict[str, Any]]],
) -> dict[str, Any]:
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": _display_properties(props),
                "geometry": _encode_geometry(geom),
            }
            for geom, props in rows
            if geom is not None and not geom.is_empty
        ],
    }


# Decodes the geometries marked "zonesPolyline" before Leaflet reads them. Installed once
# per page, in the map script, so it runs after Leaflet has loaded and before any layer.
_DECODER_JS = """
if (!L.GeoJSON.prototype._zonesDecoding) {
  (function () {
    var A = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", T = [];
    for (var k = 0; k < 64; k++) { T[A.charCodeAt(k)] = k; }
    function ring(s, scale) {
      var out = [], i = 0, x = 0, y = 0, n = s.length;
      while (i < n) {
        var r = 0, sh = 0, b;
        do { b = T[s.charCodeAt(i++)]; r |= (b & 31) << sh; sh += 5; } while (b >= 32);
        x += (r & 1) ? ~(r >> 1) : (r >> 1);
        r = 0; sh = 0;
        do { b = T[s.charCodeAt(i++)]; r |= (b & 31) << sh; sh += 5; } while (b >= 32);
        y += (r & 1) ? ~(r >> 1) : (r >> 1);
        out.push([x / scale, y / scale]);
      }
      return out;
    }
    function coords(c, scale) {
      return typeof c === "string" ? ring(c, scale) : c.map(function (d) { return coords(d, scale); });
    }
    function geometry(g) {
      if (!g) { return; }
      if (g.geometries) { g.geometries.forEach(geometry); }
      if (g.zonesPolyline) { g.coordinates = coords(g.coordinates, g.zonesPolyline); delete g.zonesPolyline; }
    }
    function decode(d) {
      if (!d) { return; }
      if (Array.isArray(d)) { d.forEach(decode); return; }
      if (d.type === "FeatureCollection") { d.features.forEach(decode); return; }
      if (d.type === "Feature") { geometry(d.geometry); return; }
      geometry(d);
    }
    var addData = L.GeoJSON.prototype.addData;
    L.GeoJSON.prototype.addData = function (d) { decode(d); return addData.call(this, d); };
    L.GeoJSON.prototype._zonesDecoding = true;
  })();
}
"""


def _ensure_decoder(m: folium.Map) -> None:
    """Add the decoder of encoded display geometry to ``m`` (once)."""
    from branca.element import MacroElement
    from jinja2 import Template

    if getattr(m, "_zones_decoder", False):
        return

    class _Decoder(MacroElement):
        _template = Template("{% macro script(this, kwargs) %}" + _DECODER_JS + "{% endmacro %}")

    m.add_child(_Decoder(), name="zones_decoder", index=0)
    m._zones_decoder = True  # type: ignore[attr-defined]


# --- self-contained pages ---------------------------------------------------------------------

_ASSETS = {
    # folium's name for the resource: (file under mapview_assets, kind)
    "leaflet_css": ("leaflet/leaflet.css", "css"),
    "leaflet": ("leaflet/leaflet.js", "js"),
    "Control.Fullscreen.css": ("leaflet.fullscreen/Control.FullScreen.css", "css"),
    "Control.Fullscreen.js": ("leaflet.fullscreen/Control.FullScreen.js", "js"),
    "leaflet_measure_css": ("leaflet-measure/leaflet-measure.css", "css"),
    "leaflet_measure_js": ("leaflet-measure/leaflet-measure.min.js", "js"),
}

_MIME = {".png": "image/png", ".svg": "image/svg+xml"}


@cache
def _asset_html(name: str) -> str:
    """A ``<script>`` or ``<style>`` element with the asset's text, CSS images inlined."""
    path, kind = _ASSETS[name]
    root = resources.files("zones") / "mapview_assets"
    ref = root.joinpath(*path.split("/"))
    text = ref.read_text(encoding="utf-8")
    if kind == "js":
        return "<script>" + text.replace("</script", "<\\/script") + "</script>"
    folder = path.rsplit("/", 1)[0]

    def data_uri(match: re.Match[str]) -> str:
        rel = match.group(1).strip("'\"")
        target = root.joinpath(*folder.split("/"), *rel.split("/"))
        suffix = "." + rel.rsplit(".", 1)[-1]
        if rel.startswith(("#", "data:")) or suffix not in _MIME or not target.is_file():
            return match.group(0)
        encoded = base64.b64encode(target.read_bytes()).decode("ascii")
        return f"url(data:{_MIME[suffix]};base64,{encoded})"

    return "<style>" + re.sub(r"url\(([^)]*)\)", data_uri, text) + "</style>"


def _inline_assets(m: folium.Map, *elements: Any) -> None:
    """Replace the CDN links of ``m`` and of ``elements`` (folium plugins) by inline copies.

    Only the resources zones uses are kept (Leaflet, full screen, measure); folium's
    defaults for markers and popups styling (jQuery, Bootstrap, Font Awesome) are dropped.
    """
    header = m.get_root().header  # type: ignore[attr-defined]
    for element in (m, *elements):
        for name, _url in [*element.default_css, *element.default_js]:
            if name in _ASSETS:
                header.add_child(_literal(_asset_html(name)), name=f"zones_{name}")
        element.default_css = []
        element.default_js = []


# --- maps ---------------------------------------------------------------------------------------


def _html(m: folium.Map) -> Any:
    """The page's HTML section, where fixed panels go."""
    return m.get_root().html  # type: ignore[attr-defined]


def new_map(title: str, lines: Sequence[str] = (), *, tiles: bool = True) -> folium.Map:
    """An empty, self-contained world map with a title panel, scale bar, full-screen and
    measure controls (zoom 2 to :data:`MAX_ZOOM`).

    ``title`` and ``lines`` are shown as text (HTML-escaped). With ``tiles`` the map
    has an OpenStreetMap tile layer (needs the network; everything else is inline).

    Examples
    --------
    >>> m = new_map("Test", ["as of 2021-12-17"], tiles=False)
    >>> '"maxZoom": 8' in m.get_root().render()
    True
    """
    import folium
    from folium import plugins

    m = folium.Map(
        location=[55, 40],
        zoom_start=3,
        min_zoom=2,
        max_zoom=MAX_ZOOM,
        tiles=None,
        control_scale=True,
        world_copy_jump=False,
        prefer_canvas=False,
    )
    # folium hands min_zoom and max_zoom to its tile layer only: a map without tiles
    # would zoom without limit (beyond the precision of the encoded geometry)
    m.options.update(min_zoom=2, max_zoom=MAX_ZOOM)
    if tiles:
        folium.TileLayer(
            "OpenStreetMap",
            name="Basemap tiles (online)",
            control=True,
            max_zoom=MAX_ZOOM,
        ).add_to(m)
    fullscreen = plugins.Fullscreen()
    fullscreen.add_to(m)
    measure = plugins.MeasureControl(
        primary_length_unit="kilometers", primary_area_unit="sqkilometers"
    )
    measure.add_to(m)
    _inline_assets(m, fullscreen, measure)
    _ensure_decoder(m)
    body = "".join(f"<div>{escape_html(line)}</div>" for line in lines)
    panel = (
        '<div id="zones-title" style="position:fixed;top:10px;left:60px;z-index:9999;'
        "background:rgba(255,255,255,.92);padding:6px 10px;border-radius:4px;"
        'font:13px/1.35 sans-serif;box-shadow:0 1px 4px rgba(0,0,0,.3);max-width:45%">'
        f"<b>{escape_html(title)}</b>{body}</div>"
    )
    _html(m).add_child(_literal(panel))
    return m


def add_legend(m: folium.Map, items: Sequence[tuple[str, str]], heading: str = "Legend") -> None:
    """A fixed legend of (colour, label) rows; labels are HTML-escaped."""
    rows = "".join(
        f'<div><span style="display:inline-block;width:14px;height:10px;margin-right:6px;'
        f'background:{escape_html(colour)};opacity:.8"></span>{escape_html(label)}</div>'
        for colour, label in items
    )
    box = (
        '<div id="zones-legend" style="position:fixed;bottom:30px;right:10px;z-index:9999;'
        "background:rgba(255,255,255,.92);padding:6px 10px;border-radius:4px;"
        'font:12px/1.4 sans-serif;box-shadow:0 1px 4px rgba(0,0,0,.3)">'
        f"<b>{escape_html(heading)}</b>{rows}</div>"
    )
    _html(m).add_child(_literal(box))


def _add_attribution(m: folium.Map, text: str) -> None:
    """The attribution line; ``text`` is HTML, so callers escape what they put in it."""
    _html(m).add_child(
        _literal(
            '<div id="zones-attribution" style="position:fixed;bottom:0;left:130px;right:250px;z-index:9999;'
            'font:10px sans-serif;background:rgba(255,255,255,.8);padding:1px 4px">'
            f"{text}</div>"
        )
    )


def _geojson_layer(
    rows: Iterable[tuple[shapely.Geometry, dict[str, Any]]],
    *,
    name: str | None,
    style: dict[str, Any],
    fields: Sequence[str],
    aliases: Sequence[str],
    popup: bool = False,
    show: bool = True,
) -> folium.GeoJson | None:
    """A folium GeoJson of encoded display geometry with a tooltip (and popup).

    ``name`` (shown by the layer control), ``aliases`` and the property values are
    escaped here: Leaflet and folium insert all three as HTML.
    """
    import folium

    data = _feature_collection(rows)
    if not data["features"]:
        return None
    labels = [escape_html(a) for a in aliases]
    layer = folium.GeoJson(
        data,
        name=None if name is None else escape_html(name),
        style_function=lambda _f, st=style: st,
        tooltip=folium.GeoJsonTooltip(fields=list(fields), aliases=labels, sticky=True),
        popup=folium.GeoJsonPopup(fields=list(fields), aliases=labels) if popup else None,
        show=show,
    )
    return layer


def add_outlines(m: folium.Map, countries: gpd.GeoDataFrame) -> None:
    """A light vector base layer of country outlines, readable with no tiles at all."""
    _ensure_decoder(m)
    rows = [
        (display_geometry(g, OUTLINE_TOLERANCE_DEG), {"name": n, "iso_a3": iso})
        for g, n, iso in zip(
            countries.geometry, countries["name"], countries["iso_a3"], strict=True
        )
    ]
    layer = _geojson_layer(
        rows,
        name="Country outlines",
        style={"color": "#777777", "weight": 0.6, "fillColor": "#f4f1ea", "fillOpacity": 0.6},
        fields=["name", "iso_a3"],
        aliases=["Country", "ISO"],
    )
    if layer is not None:
        layer.add_to(m)


def _fill_layer(m: folium.Map, gdf: gpd.GeoDataFrame, name: str, colour: str, label: str) -> None:
    rows = [
        (display_geometry(g), {"name": n, "side": label})
        for g, n in zip(gdf.geometry, gdf["name"], strict=True)
    ]
    layer = _geojson_layer(
        rows,
        name=name,
        style={"color": colour, "weight": 0.8, "fillColor": colour, "fillOpacity": 0.18},
        fields=["name", "side"],
        aliases=["Country", "Side"],
    )
    if layer is not None:
        layer.add_to(m)


def _border_layer(
    m: folium.Map,
    borders: gpd.GeoDataFrame,
    label_a: str,
    label_b: str,
    style: dict[str, Any],
    name: str = "Land border between the sides",
) -> bool:
    if not len(borders):
        return False
    rows = [
        (display_geometry(g), {"name_a": a, "name_b": b, "length_km": f"{km:,.1f}"})
        for g, a, b, km in zip(
            borders.geometry,
            borders["name_a"],
            borders["name_b"],
            borders["length_km"],
            strict=True,
        )
    ]
    layer = _geojson_layer(
        rows,
        name=name,
        style=style,
        fields=["name_a", "name_b", "length_km"],
        aliases=[label_a, label_b, "Length (km, geodesic)"],
    )
    if layer is None:
        return False
    layer.add_to(m)
    return True


def border_map(
    pairs: gpd.GeoDataFrame,
    countries: gpd.GeoDataFrame,
    side_a: Sequence[str],
    side_b: Sequence[str],
    *,
    label_a: str,
    label_b: str,
    as_of: dt.date,
    worldview: str,
    m: folium.Map | None = None,
    **style: Any,
) -> folium.Map:
    """Draw the land borders between two sides, one line per pair of states.

    ``pairs`` has the columns ``iso_a``, ``name_a``, ``iso_b``, ``name_b``,
    ``length_km`` and a line geometry (see :func:`zones.borders.border_pairs`).
    Returns the map (drawn onto ``m`` when given).
    """
    import folium

    total = float(pairs["length_km"].sum()) if len(pairs) else 0.0
    own = m is None
    if m is None:
        m = new_map(
            f"Land borders between {label_a} and {label_b}",
            [
                f"Membership as of {as_of.isoformat()}",
                f"{len(pairs)} border pairs, {total:,.0f} km (geodesic, WGS84, Natural Earth 1:10m)",
                f"Worldview: {worldview}",
            ],
        )
        add_outlines(m, countries)
    _ensure_decoder(m)
    _fill_layer(m, countries[countries.iso_a3.isin(side_a)], label_a, SIDE_COLOURS["a"], label_a)
    _fill_layer(m, countries[countries.iso_a3.isin(side_b)], label_b, SIDE_COLOURS["b"], label_b)
    _border_layer(
        m,
        pairs,
        label_a,
        label_b,
        {"color": "#111111", "weight": 3, **style},
        name="Land border lines",
    )
    if own:
        add_legend(
            m,
            [
                (SIDE_COLOURS["a"], label_a),
                (SIDE_COLOURS["b"], label_b),
                ("#111111", "Land border between the sides"),
            ],
        )
        _add_attribution(
            m,
            f"{html.escape(ATTRIBUTION_DATA)}; worldview {html.escape(worldview)}; "
            "map: Leaflet (BSD-2-Clause)",
        )
        folium.LayerControl(collapsed=False).add_to(m)
        m.fit_bounds([[35, -12], [72, 60]])
    return m


#: One colour per zone, in build order.
ZONE_COLOURS = {
    "exercise_restraint": "#d35400",
    "missile_exclusion": "#8e44ad",
    "bomber_exclusion": "#2980b9",
    "no_new_deployments": "#27ae60",
    "no_nato_activity": "#c0392b",
    "no_us_bases": "#f1c40f",
    "nuclear_at_home": "#7f8c8d",
    "high_seas": "#16a085",
}


def _params_text(params: dict[str, Any]) -> str:
    def value(v: Any) -> str:
        if isinstance(v, list | tuple):
            return ", ".join(map(str, v))
        if isinstance(v, float):
            return f"{v:,g}"
        return str(v)

    return "; ".join(f"{k} = {value(v)}" for k, v in params.items())


def _articles_panel() -> str:
    from zones.clauses import articles

    rows = "".join(
        f"<tr><td>{html.escape(a.label)}</td><td>{html.escape(', '.join(a.zones) or 'not mapped')}</td>"
        f"<td>{html.escape(a.summary)}</td></tr>"
        for a in articles()
    )
    return (
        '<details id="zones-articles" style="position:fixed;bottom:30px;left:10px;z-index:9999;'
        "background:rgba(255,255,255,.95);padding:4px 8px;border-radius:4px;max-width:42%;"
        'max-height:45%;overflow:auto;font:11px/1.3 sans-serif;box-shadow:0 1px 4px rgba(0,0,0,.3)">'
        "<summary><b>Articles of both drafts</b> (mapped or not)</summary>"
        f'<table style="border-collapse:collapse">{rows}</table></details>'
    )


def _elsewhere_outline(geom: shapely.Geometry) -> shapely.Geometry:
    """The boundary of an "everywhere outside a territory" part without the world's frame:
    the territory's outline, which is all that needs drawing."""
    inner = shapely.box(-180 + 1e-7, -90 + 1e-7, 180 - 1e-7, 90 - 1e-7)
    return shapely.intersection(shapely.boundary(geom), inner)


def _layer_name(title: str, party: str, article: str, elsewhere: bool) -> str:
    where = ", everywhere outside the territory" if elsewhere else ""
    return f"{title}: {party} ({article}){where}"


def zoneset_map(
    zs: Any, m: folium.Map | None = None, *, tiles: bool = True, **style: Any
) -> folium.Map:
    """Draw a :class:`zones.ZoneSet`: one toggleable layer per zone and party, the land
    borders between the sides, a legend, and tooltips and popups giving the article, what
    it means and the scenario parameters. Draws onto ``m`` when given; returns the map.

    Parts that mean "everywhere outside a territory" are drawn as the territory's dashed
    outline. ``tiles=False`` leaves out the online basemap (the vector outlines remain).
    ``style`` overrides the Leaflet path options of every zone
    (e.g. ``fillOpacity=0.2``).
    """
    import folium

    from zones.data import countries

    s = zs.scenario
    own = m is None
    if m is None:
        m = new_map(
            s.title,
            [
                f"Membership as of {s.as_of.isoformat()}",
                f"Worldview: {s.worldview}",
                "Distances and areas geodesic on WGS84",
            ],
            tiles=tiles,
        )
        add_outlines(m, countries(s.worldview))
    _ensure_decoder(m)
    legend: list[tuple[str, str]] = []
    groups: dict[tuple[str, str, str], list[Any]] = {}
    for row in zs.gdf.itertuples():
        groups.setdefault((row.zone, str(row.party), row.kind), []).append(row)
    titles: dict[str, set[str]] = {}
    for row in zs.gdf.itertuples():
        titles.setdefault(row.zone, set()).add(row.title)

    def drawn_area(item: tuple[tuple[str, str, str], list[Any]]) -> float:
        (_zone, _party, kind), rows = item
        return math.inf if kind == "elsewhere" else max(r.area_km2 for r in rows)

    # the largest first, so smaller zones lie on top and their tooltips can be reached
    for (zone, party, kind), rows in sorted(groups.items(), key=drawn_area, reverse=True):
        colour = ZONE_COLOURS.get(zone, "#34495e")
        elsewhere = kind == "elsewhere"
        first = rows[0]
        feature_rows = []
        for row in rows:
            geom = (
                display_geometry(_elsewhere_outline(row.geometry), OUTLINE_TOLERANCE_DEG)
                if elsewhere
                else display_geometry(row.geometry)
            )
            area = "everywhere outside the territory" if elsewhere else f"{row.area_km2:,.0f}"
            feature_rows.append((geom, {
                "title": row.title, "article": row.article, "party": party,
                "summary": row.summary,
                "parameters": _params_text({**row.parameters, "as_of": s.as_of.isoformat()}),
                "area_km2": area,
            }))  # fmt: skip
        world_scale = not elsewhere and drawn_area(((zone, party, kind), rows)) > WORLD_SCALE_KM2
        zone_style = {
            "color": colour,
            "weight": 1.5 if elsewhere else 1,
            "dashArray": "6 4" if elsewhere else None,
            "fillColor": colour,
            "fillOpacity": 0.0 if elsewhere else 0.12 if world_scale else 0.35,
            **style,
        }
        label = first.title if len(titles[zone]) == 1 else first.title.split(":")[0]
        name = _layer_name(
            label if len({r.title for r in rows}) > 1 else first.title,
            party,
            first.article,
            elsewhere,
        )
        layer = _geojson_layer(
            feature_rows,
            name=name,
            style={k: v for k, v in zone_style.items() if v is not None},
            fields=["title", "article", "party", "summary", "parameters", "area_km2"],
            aliases=[
                "Zone",
                "Article",
                "Party",
                "What it means",
                "Parameters",
                "Area (km2, geodesic)",
            ],
            popup=True,
        )
        if layer is None:
            continue
        layer.add_to(m)
        if (colour, label) not in legend:
            legend.append((colour, label))
    legend.sort(
        key=lambda item: (
            list(ZONE_COLOURS.values()).index(item[0])
            if item[0] in ZONE_COLOURS.values()
            else len(ZONE_COLOURS)
        )
    )
    if _border_layer(m, zs.borders, "Side A", "Side B", {"color": "#111111", "weight": 2.5}):
        legend.append(("#111111", "Land border between the sides"))
    if own:
        add_legend(m, legend, heading="Zones")
        _html(m).add_child(_literal(_articles_panel()))
        _add_attribution(
            m,
            f"{html.escape(ATTRIBUTION_DATA)}; territorial waters &copy; OpenStreetMap "
            "contributors (ODbL); cities: GeoNames (CC BY 4.0); weapon ranges: zones "
            f"geodata/systems.csv; worldview {html.escape(s.worldview)}; map: Leaflet "
            "(BSD-2-Clause), leaflet.fullscreen, leaflet-measure (MIT)",
        )
        folium.LayerControl(collapsed=True).add_to(m)
        m.fit_bounds([[35, -15], [72, 75]])
    return m
