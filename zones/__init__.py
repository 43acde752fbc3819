"""zones: exact, inspectable geometry for the geographic clauses of arms-control proposals."""

from __future__ import annotations

from zones.errors import (
    DataError,
    InvalidDateError,
    InvalidDistanceError,
    InvalidGeometryError,
    UnknownAllianceError,
    UnknownCountryError,
    ZonesError,
)

__version__ = "0.1.0"

__all__ = [
    "DataError",
    "InvalidDateError",
    "InvalidDistanceError",
    "InvalidGeometryError",
    "UnknownAllianceError",
    "UnknownCountryError",
    "ZonesError",
    "__version__",
]
