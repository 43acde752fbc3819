"""zones: exact, inspectable geometry for the geographic clauses of arms-control proposals.

Every distance, buffer and area is geodesic on the WGS84 ellipsoid; every geometry is
shapely in lon/lat (EPSG:4326), split at the antimeridian as RFC 7946 asks.
"""

from __future__ import annotations

from zones._geodesic_area import geodesic_area_km2
from zones.alliances import alliances, members, resolve_group
from zones.analysis import (
    Approach,
    SweepResult,
    Track,
    ZoneDiff,
    check_places,
    closest_approaches,
    diff,
    facilities,
    read_places,
    read_tracks,
    sweep,
)
from zones.borders import border, border_length_km, border_pairs
from zones.builder import build
from zones.clauses import articles
from zones.data import DEFAULT_WORLDVIEW, Country, cities, countries, country, seas, waters
from zones.errors import (
    DataError,
    InvalidDateError,
    InvalidDistanceError,
    InvalidGeometryError,
    InvalidInputError,
    InvalidRangeError,
    InvalidWorldviewError,
    MissingDependencyError,
    OverlappingSidesError,
    ScenarioError,
    UnknownAllianceError,
    UnknownCountryError,
    ZonesError,
)
from zones.geodesic import geodesic_buffer, geodesic_distance, geodesic_distances
from zones.scenario import Scenario, load_scenario, preset_names
from zones.zoneset import ZoneSet

__version__ = "0.1.0"

__all__ = [
    "DEFAULT_WORLDVIEW",
    "Approach",
    "Country",
    "DataError",
    "InvalidDateError",
    "InvalidDistanceError",
    "InvalidGeometryError",
    "InvalidInputError",
    "InvalidRangeError",
    "InvalidWorldviewError",
    "MissingDependencyError",
    "OverlappingSidesError",
    "Scenario",
    "ScenarioError",
    "SweepResult",
    "Track",
    "UnknownAllianceError",
    "UnknownCountryError",
    "ZoneDiff",
    "ZoneSet",
    "ZonesError",
    "__version__",
    "alliances",
    "articles",
    "border",
    "border_length_km",
    "border_pairs",
    "build",
    "check_places",
    "cities",
    "closest_approaches",
    "countries",
    "country",
    "diff",
    "facilities",
    "geodesic_area_km2",
    "geodesic_buffer",
    "geodesic_distance",
    "geodesic_distances",
    "load_scenario",
    "members",
    "preset_names",
    "read_places",
    "read_tracks",
    "resolve_group",
    "seas",
    "sweep",
    "waters",
]
