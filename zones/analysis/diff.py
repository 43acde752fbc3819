"""What changes between two scenarios: per zone, the area gained and lost.

Each zone of each scenario (or, with ``by="party"``, each zone and party) is taken as
the union of its ``area`` parts (the parts that cover "everything outside a territory"
are left out, as in :meth:`ZoneSet.stats`); ``gained`` is what B covers and A does not,
``lost`` the reverse. Areas are geodesic on WGS84, in km2, and split per country by
intersection with the bundled countries; what lies outside every country (sea) is
reported on its own line.

Buffers are exact to a tolerance (``zones.geodesic``: 0.05 % of the distance, at least
25 m), so the same boundary built twice may differ by slivers up to that wide, e.g.
2.75 km along a 5,500 km range. Parts of a difference whose mean width (2 x area /
perimeter, geodesic) is under twice the zone's tolerance are such slivers and dropped.
"""

from __future__ import annotations

import html
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import geopandas as gpd
import pandas as pd
import pyproj
import shapely

from zones._geodesic_area import geodesic_area_km2

if TYPE_CHECKING:
    import folium

    from zones.scenario import Scenario
    from zones.zoneset import ZoneSet

__all__ = ["ZoneDiff", "diff"]

#: Polygons of a difference smaller than this (km2) are rounding slivers, not changes.
MIN_PART_KM2 = 0.01
_GEOD = pyproj.Geod(ellps="WGS84")
#: The label of the area outside every country in :attr:`ZoneDiff.by_country`.
AT_SEA = "outside any country (sea)"
GAINED_COLOUR = "#1e8449"
LOST_COLOUR = "#c0392b"


@dataclass
class ZoneDiff:
    """The difference between two ZoneSets.

    Attributes
    ----------
    a, b : ZoneSet
        The two sides of the comparison (``gained`` = in B, not in A).
    by_zone : pandas.DataFrame
        One row per zone (and party): ``zone``, ``party``, ``area_a_km2``, ``area_b_km2``, ``gained_km2``,
        ``lost_km2``, ``net_km2`` (geodesic, WGS84).
    by_country : pandas.DataFrame
        One row per zone (and party) and country with a change: ``zone``, ``party``, ``iso_a3``,
        ``country``, ``gained_km2``, ``lost_km2``; sea is ``iso_a3`` "" and
        ``country`` "outside any country (sea)".
    gdf : geopandas.GeoDataFrame
        The changed areas (EPSG:4326): ``zone``, ``party`` ("all" unless ``by="party"``),
        ``change`` ("gained" or "lost"),
        ``area_km2`` and ``geometry``; one row per zone and change that is not empty.
    """

    a: ZoneSet
    b: ZoneSet
    by_zone: pd.DataFrame
    by_country: pd.DataFrame
    gdf: gpd.GeoDataFrame

    @property
    def label_a(self) -> str:
        return _label(self.a)

    @property
    def label_b(self) -> str:
        return _label(self.b)

    def __repr__(self) -> str:
        gained = self.by_zone.gained_km2.sum() if len(self.by_zone) else 0.0
        lost = self.by_zone.lost_km2.sum() if len(self.by_zone) else 0.0
        return (
            f"<ZoneDiff {self.label_a} -> {self.label_b}: {len(self.by_zone)} zones, "
            f"+{gained:,.0f} km2 / -{lost:,.0f} km2>"
        )

    def _repr_html_(self) -> str:
        head = (
            f"<p><b>{html.escape(self.label_a)}</b> &rarr; <b>{html.escape(self.label_b)}</b> "
            "&middot; km2, geodesic on WGS84</p>"
        )
        return head + self.by_zone.to_html(
            index=False, float_format=lambda v: f"{v:,.0f}", escape=True
        )

    def to_geojson_dict(self) -> dict[str, Any]:
        """The gained and lost areas as an RFC 7946 FeatureCollection (7 decimals)."""
        from zones.geojson_io import feature_collection

        items = [
            (
                shapely.orient_polygons(r.geometry, exterior_cw=False),
                {"zone": r.zone, "party": r.party, "change": r.change, "area_km2": r.area_km2},
            )
            for r in self.gdf.itertuples()
        ]
        doc = feature_collection(items)
        doc["zones"] = {
            "a": self.a.metadata(),
            "b": self.b.metadata(),
            "change": "gained: in b, not in a; lost: in a, not in b",
        }
        return doc

    def to_geojson(self, path: str | os.PathLike[str]) -> Path:
        """Write the gained and lost areas as GeoJSON, atomically; returns the path."""
        from zones.export import write_json_atomic

        return write_json_atomic(path, self.to_geojson_dict())

    def to_map(self, m: folium.Map | None = None) -> folium.Map:
        """Draw the gained (green) and lost (red) areas with folium, one layer per zone and
        change, onto ``m`` when given; returns the map."""
        import folium

        from zones.data import countries
        from zones.mapview import (
            DISPLAY_TOLERANCE_DEG,
            add_legend,
            add_outlines,
            escape_html,
            new_map,
        )

        if m is None:
            m = new_map(
                f"{self.label_a} \u2192 {self.label_b}",
                [
                    "Green: gained (in the second, not the first)",
                    "Red: lost",
                    "Areas geodesic on WGS84",
                ],
            )
            add_outlines(m, countries(self.b.scenario.worldview))
        for row in self.gdf.itertuples():
            colour = GAINED_COLOUR if row.change == "gained" else LOST_COLOUR
            layer = gpd.GeoDataFrame(
                {
                    # the tooltip and the layer control insert text as HTML
                    "zone": [escape_html(row.zone)],
                    "party": [escape_html(row.party)],
                    "change": [row.change],
                    "area_km2": [f"{row.area_km2:,.0f}"],
                },
                geometry=[
                    shapely.simplify(row.geometry, DISPLAY_TOLERANCE_DEG, preserve_topology=True)
                ],
                crs="EPSG:4326",
            )
            style = {"color": colour, "weight": 1, "fillColor": colour, "fillOpacity": 0.45}
            folium.GeoJson(
                layer.to_json(drop_id=True),
                name=escape_html(
                    f"{row.zone}: {row.change}" + ("" if row.party == "all" else f" ({row.party})")
                ),
                style_function=lambda _f, st=style: st,
                tooltip=folium.GeoJsonTooltip(
                    fields=["zone", "party", "change", "area_km2"],
                    aliases=["Zone", "Party", "Change", "Area (km2)"],
                ),
            ).add_to(m)
        add_legend(m, [(GAINED_COLOUR, "gained"), (LOST_COLOUR, "lost")], heading="Change")
        folium.LayerControl(collapsed=True).add_to(m)
        if len(self.gdf):
            x0, y0, x1, y1 = self.gdf.total_bounds
            m.fit_bounds([[y0, x0], [y1, x1]])
        return m

    def explore(self, **kwargs: Any) -> folium.Map:
        """Same as :meth:`to_map`."""
        return self.to_map(**kwargs)


def _label(zs: ZoneSet) -> str:
    source = zs.scenario.source
    name = source.removeprefix("preset:") if source.startswith("preset:") else Path(source).stem
    return f"{name} ({zs.scenario.as_of.isoformat()})"


def _as_zoneset(
    value: ZoneSet | Scenario | str | os.PathLike[str], zones: Iterable[str] | None
) -> ZoneSet:
    from zones.builder import build
    from zones.scenario import ZONE_TABLES, load_scenario
    from zones.zoneset import ZoneSet

    if isinstance(value, ZoneSet):
        return value
    scenario = load_scenario(value if not isinstance(value, os.PathLike) else Path(value))
    if zones is not None:
        wanted = set(zones)
        unknown = wanted - set(ZONE_TABLES)
        if unknown:
            from zones.errors import ScenarioError

            raise ScenarioError(
                f"unknown zone {sorted(unknown)[0]!r}; zones: {', '.join(ZONE_TABLES)}"
            )
        off = {t: _disabled(getattr(scenario, t)) for t in ZONE_TABLES if t not in wanted}
        scenario = scenario.replace(**off)
    return build(scenario)


def _disabled(table: Any) -> Any:
    import dataclasses

    return dataclasses.replace(table, enabled=False)


def _rows(zs: ZoneSet, zone: str, party: str | None) -> gpd.GeoDataFrame:
    rows = zs.gdf[(zs.gdf.zone == zone) & (zs.gdf.kind == "area")]
    return rows if party is None else rows[rows.party == party]


def _union(rows: gpd.GeoDataFrame) -> shapely.Geometry:
    return shapely.union_all(rows.geometry.values) if len(rows) else shapely.Polygon()


def _tolerance_km(rows: gpd.GeoDataFrame) -> float:
    """The boundary tolerance of the widest buffer behind these parts (0 if none)."""
    from zones.geodesic import default_tolerance_km

    distances = [
        float(v)
        for params in rows.parameters
        for k, v in params.items()
        if k.endswith("_km") and isinstance(v, int | float) and not isinstance(v, bool)
    ]
    return default_tolerance_km(max(distances)) if distances else 0.0


def _mean_width_km(polygon: shapely.Geometry, area_km2: float) -> float:
    perimeter_km = _GEOD.geometry_length(shapely.segmentize(polygon.boundary, 0.05)) / 1000.0
    return 2.0 * area_km2 / perimeter_km if perimeter_km > 0 else 0.0


def _clean(geom: shapely.Geometry, sliver_km: float) -> shapely.Geometry:
    """The polygons of ``geom`` that are neither tiny nor slivers narrower than ``sliver_km``."""
    keep = []
    for p in shapely.get_parts(geom):
        if shapely.get_type_id(p) != 3 or p.is_empty:
            continue
        area = geodesic_area_km2(p)
        if area >= MIN_PART_KM2 and (sliver_km <= 0 or _mean_width_km(p, area) >= sliver_km):
            keep.append(p)
    if not keep:
        return shapely.Polygon()
    return keep[0] if len(keep) == 1 else shapely.MultiPolygon(keep)


def _polygonal_difference(
    x: shapely.Geometry, y: shapely.Geometry, sliver_km: float
) -> shapely.Geometry:
    if x.is_empty:
        return shapely.Polygon()
    return _clean(shapely.difference(x, y) if not y.is_empty else x, sliver_km)


def diff(
    a: ZoneSet | Scenario | str | os.PathLike[str],
    b: ZoneSet | Scenario | str | os.PathLike[str],
    *,
    zones: Iterable[str] | None = None,
    by: Literal["zone", "party"] = "zone",
) -> ZoneDiff:
    """Compare two scenarios zone by zone: area gained and lost, per zone and per country.

    Parameters
    ----------
    a, b
        ZoneSets, or scenarios (a :class:`Scenario`, a preset name or a TOML file),
        which are built first.
    zones
        Only these zones (scenario table names, e.g. ``["exercise_restraint"]``);
        scenarios given by name are then built with only these tables enabled,
        which is much faster.
    by
        ``"zone"``: each zone as a whole; ``"party"``: each zone per party (who
        is bound), which shows, e.g., the states that changed sides.

    Returns
    -------
    ZoneDiff
        ``by_zone``, ``by_country`` and the changed areas in ``gdf``; ``to_map()``
        and ``to_geojson()`` draw and write them.

    Examples
    --------
    >>> d = diff("draft-2021", "today", zones=["exercise_restraint"])   # doctest: +SKIP
    >>> d.by_zone[["zone", "gained_km2", "lost_km2"]]                     # doctest: +SKIP
    """
    from zones.data import countries
    from zones.errors import ScenarioError

    if by not in ("zone", "party"):
        raise ScenarioError(f"unknown grouping by={by!r}; use 'zone' or 'party'")
    wanted = list(zones) if zones is not None else None
    zs_a, zs_b = _as_zoneset(a, wanted), _as_zoneset(b, wanted)
    names = [z for z in dict.fromkeys([*zs_a.zones, *zs_b.zones]) if wanted is None or z in wanted]
    groups: list[tuple[str, str | None]] = []
    for zone in names:
        if by == "zone":
            groups.append((zone, None))
            continue
        parties = [*_rows(zs_a, zone, None).party, *_rows(zs_b, zone, None).party]
        groups.extend((zone, str(p)) for p in dict.fromkeys(parties))
    world = countries(zs_b.scenario.worldview)
    tree = shapely.STRtree(world.geometry.values)
    zone_rows, country_rows, geo_rows = [], [], []
    for zone, party in groups:
        rows_a, rows_b = _rows(zs_a, zone, party), _rows(zs_b, zone, party)
        if not len(rows_a) and not len(rows_b):
            continue  # only "everything outside a territory" parts
        ua, ub = _union(rows_a), _union(rows_b)
        sliver_km = 2.0 * max(_tolerance_km(rows_a), _tolerance_km(rows_b))
        changes = {
            "gained": _polygonal_difference(ub, ua, sliver_km),
            "lost": _polygonal_difference(ua, ub, sliver_km),
        }
        areas = {k: geodesic_area_km2(g) for k, g in changes.items()}
        area_a, area_b = geodesic_area_km2(ua), geodesic_area_km2(ub)
        label = party if party is not None else "all"
        zone_rows.append(
            {
                "zone": zone,
                "party": label,
                "area_a_km2": round(area_a, 1),
                "area_b_km2": round(area_b, 1),
                "gained_km2": round(areas["gained"], 1),
                "lost_km2": round(areas["lost"], 1),
                "net_km2": round(areas["gained"] - areas["lost"], 1),
            }
        )
        per_country: dict[str, dict[str, Any]] = {}
        for change, geom in changes.items():
            if geom.is_empty:
                continue
            geo_rows.append(
                {
                    "zone": zone,
                    "party": label,
                    "change": change,
                    "area_km2": round(areas[change], 1),
                    "geometry": geom,
                }
            )
            on_land = 0.0
            for i in sorted(tree.query(geom, predicate="intersects")):
                c = world.iloc[i]
                area = geodesic_area_km2(shapely.intersection(geom, c.geometry))
                if area < MIN_PART_KM2:
                    continue
                on_land += area
                rec = per_country.setdefault(
                    c.iso_a3,
                    {
                        "zone": zone,
                        "party": label,
                        "iso_a3": c.iso_a3,
                        "country": c["name"],
                        "gained_km2": 0.0,
                        "lost_km2": 0.0,
                    },
                )
                rec[f"{change}_km2"] = round(area, 1)
            sea = areas[change] - on_land
            if sea >= 1.0:
                rec = per_country.setdefault(
                    "",
                    {
                        "zone": zone,
                        "party": label,
                        "iso_a3": "",
                        "country": AT_SEA,
                        "gained_km2": 0.0,
                        "lost_km2": 0.0,
                    },
                )
                rec[f"{change}_km2"] = round(sea, 1)
        country_rows.extend(
            sorted(
                per_country.values(),
                key=lambda r: (r["iso_a3"] == "", -(r["gained_km2"] + r["lost_km2"])),
            )
        )
    by_zone = pd.DataFrame(
        zone_rows,
        columns=["zone", "party", "area_a_km2", "area_b_km2", "gained_km2", "lost_km2", "net_km2"],
    )
    by_country = pd.DataFrame(
        country_rows, columns=["zone", "party", "iso_a3", "country", "gained_km2", "lost_km2"]
    )
    gdf = gpd.GeoDataFrame(
        geo_rows,
        columns=["zone", "party", "change", "area_km2", "geometry"],
        geometry="geometry",
        crs="EPSG:4326",
    )
    return ZoneDiff(zs_a, zs_b, by_zone, by_country, gdf)
