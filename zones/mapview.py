"""Folium rendering. folium is imported inside the functions, so the core never needs it.

Geometry is simplified here for display only (a tolerance far below what the
offered zoom levels can show); exported data always keeps full precision.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import shapely

if TYPE_CHECKING:
    import folium

__all__ = ["DISPLAY_TOLERANCE_DEG", "border_map", "new_map", "zoneset_map"]

#: Display-only simplification (degrees of lon/lat, about 1 km): below one pixel at zoom 7.
DISPLAY_TOLERANCE_DEG = 0.01

ATTRIBUTION_DATA = (
    "Boundaries: Natural Earth 1:10m (public domain); alliances: zones geodata/alliances.csv"
)

SIDE_COLOURS = {"a": "#c0392b", "b": "#1f5fa8"}


#: The light base layer of country outlines is coarser still (about 5 km).
OUTLINE_TOLERANCE_DEG = 0.05


def _html(m: folium.Map) -> Any:
    """The page's HTML section, where fixed panels go."""
    return m.get_root().html  # type: ignore[attr-defined]


def _display(geom: shapely.Geometry, tolerance: float = DISPLAY_TOLERANCE_DEG) -> shapely.Geometry:
    """Simplified and rounded to 4 decimals (about 10 m), for drawing only."""
    simple = shapely.simplify(geom, tolerance, preserve_topology=True)
    return shapely.set_precision(simple, 1e-4, mode="pointwise")


def new_map(title: str, lines: Sequence[str] = (), *, tiles: bool = True) -> folium.Map:
    """An empty world map with the title panel, scale bar, full-screen and measure controls.

    ``title`` and ``lines`` are shown as text (HTML-escaped).
    """
    import folium
    from folium import plugins

    m = folium.Map(
        location=[55, 40],
        zoom_start=3,
        min_zoom=2,
        max_zoom=10,
        tiles=None,
        control_scale=True,
        world_copy_jump=False,
    )
    if tiles:
        folium.TileLayer(
            "OpenStreetMap",
            name="Basemap tiles (online)",
            control=True,
        ).add_to(m)
    plugins.Fullscreen().add_to(m)
    plugins.MeasureControl(primary_length_unit="kilometers", primary_area_unit="sqkilometers").add_to(m)
    body = "".join(f"<div>{html.escape(line)}</div>" for line in lines)
    panel = (
        '<div id="zones-title" style="position:fixed;top:10px;left:60px;z-index:9999;'
        "background:rgba(255,255,255,.92);padding:6px 10px;border-radius:4px;"
        'font:13px/1.35 sans-serif;box-shadow:0 1px 4px rgba(0,0,0,.3);max-width:45%">'
        f"<b>{html.escape(title)}</b>{body}</div>"
    )
    _html(m).add_child(folium.Element(panel))
    return m


def add_legend(m: folium.Map, items: Sequence[tuple[str, str]], heading: str = "Legend") -> None:
    """A fixed legend of (colour, label) rows; labels are HTML-escaped."""
    import folium

    rows = "".join(
        f'<div><span style="display:inline-block;width:14px;height:10px;margin-right:6px;'
        f'background:{html.escape(colour)};opacity:.8"></span>{html.escape(label)}</div>'
        for colour, label in items
    )
    box = (
        '<div id="zones-legend" style="position:fixed;bottom:30px;right:10px;z-index:9999;'
        "background:rgba(255,255,255,.92);padding:6px 10px;border-radius:4px;"
        'font:12px/1.4 sans-serif;box-shadow:0 1px 4px rgba(0,0,0,.3)">'
        f"<b>{html.escape(heading)}</b>{rows}</div>"
    )
    _html(m).add_child(folium.Element(box))


def add_outlines(m: folium.Map, countries: gpd.GeoDataFrame) -> None:
    """A light vector base layer of country outlines, readable with no tiles at all."""
    import folium

    base = countries[["iso_a3", "name", "geometry"]].copy()
    base["geometry"] = base.geometry.apply(_display, tolerance=OUTLINE_TOLERANCE_DEG)
    folium.GeoJson(
        base.to_json(drop_id=True),
        name="Country outlines",
        style_function=lambda _f: {
            "color": "#777777",
            "weight": 0.6,
            "fillColor": "#f4f1ea",
            "fillOpacity": 0.6,
        },
        tooltip=folium.GeoJsonTooltip(fields=["name", "iso_a3"], aliases=["Country", "ISO"]),
        control=True,
    ).add_to(m)


def _fill_layer(
    m: folium.Map, gdf: gpd.GeoDataFrame, name: str, colour: str, label: str
) -> None:
    import folium

    if gdf.empty:
        return
    layer = gdf[["iso_a3", "name", "geometry"]].copy()
    layer["geometry"] = layer.geometry.apply(_display)
    layer["side"] = label
    folium.GeoJson(
        layer.to_json(drop_id=True),
        name=name,
        style_function=lambda _f: {
            "color": colour,
            "weight": 0.8,
            "fillColor": colour,
            "fillOpacity": 0.18,
        },
        tooltip=folium.GeoJsonTooltip(fields=["name", "side"], aliases=["Country", "Side"]),
    ).add_to(m)


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
    _fill_layer(m, countries[countries.iso_a3.isin(side_a)], label_a, SIDE_COLOURS["a"], label_a)
    _fill_layer(m, countries[countries.iso_a3.isin(side_b)], label_b, SIDE_COLOURS["b"], label_b)
    if len(pairs):
        lines = pairs[["iso_a", "name_a", "iso_b", "name_b", "length_km", "geometry"]].copy()
        lines["length_km"] = lines["length_km"].round(1)
        line_style = {"color": "#111111", "weight": 3, **style}
        folium.GeoJson(
            lines.to_json(drop_id=True),
            name="Land border lines",
            style_function=lambda _f: line_style,
            tooltip=folium.GeoJsonTooltip(
                fields=["name_a", "name_b", "length_km"],
                aliases=[label_a, label_b, "Length (km, geodesic)"],
            ),
        ).add_to(m)
    add_legend(
        m,
        [
            (SIDE_COLOURS["a"], label_a),
            (SIDE_COLOURS["b"], label_b),
            ("#111111", "Land border between the sides"),
        ],
    )
    _html(m).add_child(
        folium.Element(
            '<div id="zones-attribution" style="position:fixed;bottom:2px;left:60px;z-index:9999;'
            'font:10px sans-serif;background:rgba(255,255,255,.8);padding:1px 4px">'
            f"{html.escape(ATTRIBUTION_DATA)}; worldview {html.escape(worldview)}</div>"
        )
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
    return "; ".join(f"{k} = {v}" for k, v in params.items())


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


def zoneset_map(zs: Any, m: folium.Map | None = None, **style: Any) -> folium.Map:
    """Draw a :class:`zones.ZoneSet`: one layer per zone and party, borders, legend, tooltips."""
    import folium

    from zones.data import countries

    s = zs.scenario
    if m is None:
        m = new_map(
            s.title,
            [f"Membership as of {s.as_of.isoformat()}", f"Worldview: {s.worldview}",
             "Distances and areas geodesic on WGS84"],
        )
    add_outlines(m, countries(s.worldview))
    legend: list[tuple[str, str]] = []
    for row in zs.gdf.itertuples():
        colour = ZONE_COLOURS.get(row.zone, "#34495e")
        elsewhere = row.kind == "elsewhere"
        layer = gpd.GeoDataFrame(
            {
                "title": [row.title],
                "article": [row.article],
                "party": [row.party],
                "summary": [row.summary],
                "parameters": [_params_text(row.parameters)],
                "area_km2": [f"{row.area_km2:,.0f}"],
            },
            geometry=[_display(row.geometry)],
            crs="EPSG:4326",
        )
        zone_style = {
            "color": colour,
            "weight": 1.2 if elsewhere else 1,
            "dashArray": "6 4" if elsewhere else None,
            "fillColor": colour,
            "fillOpacity": 0.0 if elsewhere else 0.35,
            **style,
        }
        group = folium.FeatureGroup(name=f"{row.title}: {row.party} ({row.article})", show=not elsewhere)
        folium.GeoJson(
            layer.to_json(drop_id=True),
            style_function=lambda _f, st=zone_style: st,
            tooltip=folium.GeoJsonTooltip(
                fields=["title", "article", "party", "summary", "parameters", "area_km2"],
                aliases=["Zone", "Article", "Party", "What it means", "Parameters", "Area (km2)"],
            ),
        ).add_to(group)
        group.add_to(m)
        if (colour, row.title) not in legend:
            legend.append((colour, row.title))
    if len(zs.borders):
        lines = zs.borders[["name_a", "name_b", "length_km", "geometry"]].copy()
        lines["length_km"] = lines["length_km"].round(1)
        folium.GeoJson(
            lines.to_json(drop_id=True),
            name="Land border between the sides",
            style_function=lambda _f: {"color": "#111111", "weight": 2.5},
            tooltip=folium.GeoJsonTooltip(fields=["name_a", "name_b", "length_km"],
                                          aliases=["Side A", "Side B", "Length (km, geodesic)"]),
        ).add_to(m)
        legend.append(("#111111", "Land border between the sides"))
    add_legend(m, legend, heading="Zones")
    _html(m).add_child(folium.Element(_articles_panel()))
    _html(m).add_child(
        folium.Element(
            '<div id="zones-attribution" style="position:fixed;bottom:2px;left:60px;z-index:9999;'
            'font:10px sans-serif;background:rgba(255,255,255,.8);padding:1px 4px">'
            f"{html.escape(ATTRIBUTION_DATA)}; territorial waters &copy; OpenStreetMap contributors (ODbL); "
            f"cities: GeoNames (CC BY 4.0); worldview {html.escape(s.worldview)}</div>"
        )
    )
    folium.LayerControl(collapsed=True).add_to(m)
    m.fit_bounds([[35, -15], [72, 75]])
    return m
