"""What every clause builder shares: the build context and the zone record it returns."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import geopandas as gpd
import shapely
from shapely.geometry import box

from zones.scenario import TERRITORIAL_SEA_KM, Scenario

__all__ = ["WORLD", "Article", "BuildContext", "ZonePart", "article", "articles"]

#: The whole lon/lat plane, as GeoJSON draws the world.
WORLD = box(-180.0, -90.0, 180.0, 90.0)


@dataclass(frozen=True)
class Article:
    """One article of one draft, from ``geodata/articles.csv``."""

    draft: str
    number: int
    summary: str
    zones: tuple[str, ...]
    note: str
    source: str

    @property
    def label(self) -> str:
        """``"NATO Art. 7"`` or ``"US Art. 6"``."""
        return f"{self.draft} Art. {self.number}"

    @property
    def mapped(self) -> bool:
        return bool(self.zones)


@cache
def articles() -> tuple[Article, ...]:
    """Every article of both drafts, marked with the zones that map it."""
    from zones.data import data_path

    with data_path("articles.csv").open(newline="", encoding="utf-8") as f:
        return tuple(
            Article(
                draft=r["draft"],
                number=int(r["article"]),
                summary=r["summary"],
                zones=tuple(z for z in r["zones"].split(";") if z),
                note=r["note"],
                source=r["source"],
            )
            for r in csv.DictReader(f)
        )


def article(draft: str, number: int) -> Article:
    """Look up one article (``article("NATO", 7)``)."""
    for a in articles():
        if a.draft == draft and a.number == number:
            return a
    raise KeyError(f"{draft} Art. {number}")


@dataclass(frozen=True)
class ZonePart:
    """One row of a ZoneSet: one part of one zone, for one party, in EPSG:4326.

    ``parameters`` carries the scenario values that shaped it, under their
    scenario names and units (``width_km``, ``range_km``). ``kind`` tells the
    map how to draw it: ``"area"`` (filled) or ``"elsewhere"`` (everything
    outside a territory: outlined only, so it does not hide the map).
    """

    zone: str
    article: str
    party: str
    title: str
    summary: str
    parameters: Mapping[str, Any]
    geometry: shapely.Geometry
    kind: str = "area"


@dataclass
class BuildContext:
    """Shared, cached inputs for the clause builders of one scenario."""

    scenario: Scenario
    progress: Callable[[str], None] = field(default=lambda _msg: None)
    _territory: dict[tuple[str, ...], shapely.Geometry] = field(default_factory=dict)
    _buffers: dict[tuple[tuple[str, ...], float], shapely.Geometry] = field(default_factory=dict)
    _waters: dict[tuple[str, ...], shapely.Geometry] = field(default_factory=dict)

    def __post_init__(self) -> None:
        from zones.alliances import resolve_group
        from zones.data import countries

        s = self.scenario
        self.countries: gpd.GeoDataFrame = countries(s.worldview)
        self.russia_side: list[str] = resolve_group(s.sides.russia, s.as_of)
        self.nato_side: list[str] = resolve_group(s.sides.nato, s.as_of)

    def names(self, codes: Iterable[str]) -> list[str]:
        lookup = dict(zip(self.countries.iso_a3, self.countries.name, strict=True))
        return [lookup.get(c, c) for c in codes]

    def territory(self, codes: Iterable[str]) -> shapely.Geometry:
        """The union of the states' land territory."""
        key = tuple(sorted(set(codes)))
        if key not in self._territory:
            rows = self.countries[self.countries.iso_a3.isin(key)]
            self._territory[key] = shapely.union_all(rows.geometry.values)
        return self._territory[key]

    def buffer(self, codes: Iterable[str], distance_km: float) -> shapely.Geometry:
        """The geodesic buffer of the states' territory (cached per scenario build)."""
        from zones.geodesic import geodesic_buffer

        key = (tuple(sorted(set(codes))), float(distance_km))
        if key not in self._buffers:
            self.progress(
                f"buffering {'+'.join(key[0][:4])}{'...' if len(key[0]) > 4 else ''} by {distance_km:,.0f} km"
            )
            self._buffers[key] = geodesic_buffer(self.territory(key[0]), distance_km)
        return self._buffers[key]

    def territorial_sea(self, codes: Iterable[str]) -> shapely.Geometry:
        """Territorial sea and internal waters: bundled OpenStreetMap polygons where the data
        has them, else a 12 nm geodesic buffer of the coast minus other states' land."""
        from zones.data import waters

        key = tuple(sorted(set(codes)))
        if key not in self._waters:
            w = waters(self.scenario.worldview)
            have = set(w.iso_a3)
            parts = list(w[w.iso_a3.isin(key)].geometry.values)
            missing = [c for c in key if c not in have]
            if missing:
                from zones.geodesic import geodesic_buffer

                others = self.territory(set(self.countries.iso_a3) - set(missing))
                for code in missing:
                    land = self.territory([code])
                    parts.append(
                        shapely.difference(geodesic_buffer(land, TERRITORIAL_SEA_KM), others)
                    )
            self._waters[key] = shapely.union_all(parts) if parts else shapely.Polygon()
        return self._waters[key]

    def elsewhere(self, codes: Iterable[str]) -> shapely.Geometry:
        """Everything outside the states' territory (the world minus their land)."""
        return shapely.difference(WORLD, self.territory(codes))
