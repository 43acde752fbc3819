"""The result of a build: one row per zone part, with stats, export and a map.

A :class:`ZoneSet` wraps a GeoDataFrame (EPSG:4326) with the columns ``zone``,
``article``, ``party``, ``title``, ``summary``, ``kind``, ``parameters`` (a dict
of the scenario values that shaped the part), ``area_km2`` (geodesic, WGS84)
and ``geometry``.
"""

from __future__ import annotations

import html
import json
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import pandas as pd
import shapely

from zones._geodesic_area import geodesic_area_km2

if TYPE_CHECKING:
    import folium

    from zones.clauses.base import ZonePart
    from zones.scenario import Scenario

__all__ = ["ZoneSet"]

COLUMNS = [
    "zone",
    "article",
    "party",
    "title",
    "summary",
    "kind",
    "parameters",
    "area_km2",
    "geometry",
]


def _rfc7946(geom: shapely.Geometry) -> shapely.Geometry:
    """Counter-clockwise exteriors, clockwise holes (RFC 7946 section 3.1.6)."""
    return shapely.orient_polygons(geom, exterior_cw=False)


@dataclass
class ZoneSet:
    """Zones built from one scenario.

    Attributes
    ----------
    gdf : geopandas.GeoDataFrame
        One row per zone part (EPSG:4326); see the module docstring for the columns.
    scenario : Scenario
        The scenario the zones were built from.
    borders : geopandas.GeoDataFrame
        The land border lines between the sides, one row per pair of states.
    """

    gdf: gpd.GeoDataFrame
    scenario: Scenario
    borders: gpd.GeoDataFrame = field(
        default_factory=lambda: gpd.GeoDataFrame(geometry=[], crs="EPSG:4326")
    )

    @classmethod
    def from_parts(
        cls, parts: Iterable[ZonePart], scenario: Scenario, borders: gpd.GeoDataFrame | None = None
    ) -> ZoneSet:
        rows = []
        for p in parts:
            geom = _rfc7946(p.geometry)
            rows.append({
                "zone": p.zone, "article": p.article, "party": p.party, "title": p.title,
                "summary": p.summary, "kind": p.kind, "parameters": dict(p.parameters),
                "area_km2": round(geodesic_area_km2(geom), 1), "geometry": geom,
            })  # fmt: skip
        gdf = gpd.GeoDataFrame(rows, columns=COLUMNS, geometry="geometry", crs="EPSG:4326")
        if borders is None:
            borders = gpd.GeoDataFrame(geometry=[], crs="EPSG:4326")
        return cls(gdf, scenario, borders)

    # --- basic protocol -------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self.gdf)

    def __iter__(self) -> Any:
        return self.gdf.itertuples()

    @property
    def zones(self) -> list[str]:
        """The zone names present, in build order."""
        return list(dict.fromkeys(self.gdf.zone))

    def select(self, zone: str) -> gpd.GeoDataFrame:
        """The rows of one zone."""
        return self.gdf[self.gdf.zone == zone]

    def summary(self) -> pd.DataFrame:
        """One line per zone part: zone, article, party, area in km2."""
        return self.gdf[["zone", "article", "party", "kind", "area_km2"]].reset_index(drop=True)

    def metadata(self) -> dict[str, Any]:
        from zones import __version__

        s = self.scenario
        return {
            "title": s.title,
            "as_of": s.as_of.isoformat(),
            "worldview": s.worldview,
            "source": s.source,
            "zones_version": __version__,
            "crs": "EPSG:4326",
            "areas": "geodesic on WGS84 (pyproj.Geod), km2",
        }

    def __repr__(self) -> str:
        return f"<ZoneSet {self.scenario.title!r} as of {self.scenario.as_of}: {len(self)} parts in {len(self.zones)} zones>"

    def _repr_html_(self) -> str:
        s = self.scenario
        head = (
            f"<p><b>{html.escape(s.title)}</b> &middot; as of {s.as_of.isoformat()} &middot; "
            f"worldview {html.escape(s.worldview)} &middot; {len(self)} parts</p>"
        )
        table = self.summary().to_html(index=False, float_format=lambda v: f"{v:,.0f}", escape=True)
        return head + table

    # --- exports ----------------------------------------------------------------------------

    def to_geojson_dict(self) -> dict[str, Any]:
        """The zones as an RFC 7946 FeatureCollection (7 decimals), metadata as a foreign member."""
        from zones.geojson_io import feature_collection

        items = []
        for row in self.gdf.itertuples():
            props = {"zone": row.zone, "article": row.article, "party": row.party, "title": row.title,
                     "summary": row.summary, "kind": row.kind, **_flat(row.parameters),
                     "area_km2": row.area_km2}  # fmt: skip
            items.append((row.geometry, props))
        doc = feature_collection(items)
        doc["zones"] = self.metadata()
        return doc

    def to_geojson(self, path: str | os.PathLike[str]) -> Path:
        """Write the zones as RFC 7946 GeoJSON, atomically; returns the path."""
        from zones.export import write_json_atomic

        return write_json_atomic(path, self.to_geojson_dict())

    def to_file(self, path: str | os.PathLike[str], driver: str | None = None) -> Path:
        """Write the zones with GDAL (pyogrio), atomically, at full precision; returns the path.

        ``driver`` is ``"geojson"``, ``"gpkg"``, ``"kml"`` or ``"fgb"`` (or the GDAL name);
        by default it follows the suffix. One feature per zone part with the columns of
        :meth:`to_geojson_dict`. GeoJSON is written by :meth:`to_geojson` (RFC 7946, the
        zones' own antimeridian split kept as it is); the other formats by GDAL.

        Examples
        --------
        >>> zs.to_file("zones.gpkg")                      # doctest: +SKIP
        >>> zs.to_file("zones.kml")                       # doctest: +SKIP
        """
        from zones.export import driver_for, write_features

        if driver_for(path, driver) == "GeoJSON":
            return self.to_geojson(path)
        rows = [
            {"zone": r.zone, "article": r.article, "party": str(r.party), "title": r.title,
             "summary": r.summary, "kind": r.kind, **_flat(r.parameters), "area_km2": r.area_km2}
            for r in self.gdf.itertuples()
        ]  # fmt: skip
        table = gpd.GeoDataFrame(
            pd.DataFrame(rows), geometry=list(self.gdf.geometry), crs="EPSG:4326"
        )
        return write_features(table, path, driver, metadata=self.metadata())

    def stats(self, *, cities: bool = True) -> pd.DataFrame:
        """Per zone part and per country: area inside (km2, geodesic), the share of the
        country's area, and (with ``cities``) the cities of 15,000+ people inside and their
        population. Parts that cover everything outside a territory are left out."""
        from zones.data import cities as load_cities
        from zones.data import countries

        world = countries(self.scenario.worldview)
        tree = shapely.STRtree(world.geometry.values)
        city_table = load_cities() if cities else None
        country_area: dict[str, float] = {}
        out = []
        for row in self.gdf.itertuples():
            if row.kind != "area" or row.geometry.is_empty:
                continue
            shapely.prepare(row.geometry)
            for i in sorted(tree.query(row.geometry, predicate="intersects")):
                c = world.iloc[i]
                inside = shapely.intersection(row.geometry, c.geometry)
                area = geodesic_area_km2(inside)
                if area < 0.05:
                    continue
                if c.iso_a3 not in country_area:
                    country_area[c.iso_a3] = geodesic_area_km2(c.geometry)
                rec = {"zone": row.zone, "article": row.article, "party": row.party, "iso_a3": c.iso_a3,
                       "country": c["name"], "area_km2": round(area, 1),
                       "share": round(area / country_area[c.iso_a3], 4)}  # fmt: skip
                if city_table is not None:
                    local = city_table[city_table.iso_a3 == c.iso_a3]
                    hit = local[
                        shapely.contains_xy(
                            inside, local.geometry.x.values, local.geometry.y.values
                        )
                    ]
                    rec["cities"] = len(hit)
                    rec["city_population"] = int(hit.population.sum())
                    rec["largest_cities"] = "; ".join(
                        hit.sort_values("population", ascending=False).name.head(5)
                    )
                out.append(rec)
        return pd.DataFrame(out)

    def check(self, places: Any, *, zones: Iterable[str] | None = None) -> pd.DataFrame:
        """Each place against each zone: inside or not and the geodesic distance (km) to the
        zone's edge, negative inside. ``places`` is a GeoDataFrame of points with a
        ``name``, or a CSV (name,lat,lon) / vector file path; see
        :func:`zones.analysis.check_places`."""
        from zones.analysis.check import check_places

        return check_places(self, places, zones=zones)

    # --- maps ----------------------------------------------------------------------------

    def to_map(self, m: folium.Map | None = None, **style: Any) -> folium.Map:
        """Draw the zones with folium; one toggleable layer per zone and party, a legend and
        tooltips. Draws onto ``m`` when given and returns the map."""
        from zones.mapview import zoneset_map

        return zoneset_map(self, m=m, **style)

    def explore(self, **kwargs: Any) -> folium.Map:
        """Same as :meth:`to_map` (the geopandas name)."""
        return self.to_map(**kwargs)


def _flat(params: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in params.items():
        if isinstance(v, list | tuple):
            out[k] = ", ".join(map(str, v))
        elif isinstance(v, Mapping):
            out[k] = json.dumps(v, sort_keys=True)
        else:
            out[k] = v
    return out
