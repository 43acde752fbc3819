"""zones: exact, inspectable geometry for the geographic clauses of arms-control proposals.

Every distance, buffer and area is geodesic on the WGS84 ellipsoid; every geometry is
shapely in lon/lat (EPSG:4326), split at the antimeridian as RFC 7946 asks.
"""

from __future__ import annotations

from zones.alliances import alliances, members, resolve_group
from zones.borders import border, border_length_km, border_pairs
from zones.data import DEFAULT_WORLDVIEW, Country, cities, countries, country, seas, waters
from zones.errors import (
    DataError,
    InvalidDateError,
    InvalidDistanceError,
    InvalidGeometryError,
    InvalidWorldviewError,
    OverlappingSidesError,
    ScenarioError,
    UnknownAllianceError,
    UnknownCountryError,
    ZonesError,
)

__version__ = "0.1.0"

__all__ = [
    "DEFAULT_WORLDVIEW",
    "Country",
    "DataError",
    "InvalidDateError",
    "InvalidDistanceError",
    "InvalidGeometryError",
    "InvalidWorldviewError",
    "OverlappingSidesError",
    "ScenarioError",
    "UnknownAllianceError",
    "UnknownCountryError",
    "ZonesError",
    "__version__",
    "alliances",
    "border",
    "border_length_km",
    "border_pairs",
    "cities",
    "countries",
    "country",
    "members",
    "resolve_group",
    "seas",
    "waters",
]
