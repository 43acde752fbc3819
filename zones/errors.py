"""The exceptions zones raises.

Every error derives from :class:`ZonesError`; most also inherit the builtin
that fits (``KeyError``, ``ValueError``), so callers may catch either. Messages
quote the bad value and say what to do instead.
"""

from __future__ import annotations


class ZonesError(Exception):
    """Root of every error raised by zones."""

    def __str__(self) -> str:  # KeyError would otherwise repr() the message
        return str(self.args[0]) if self.args else ""


class UnknownCountryError(ZonesError, KeyError):
    """A country name or ISO code that the bundled data does not know."""


class UnknownAllianceError(ZonesError, KeyError):
    """An alliance or group name that ``geodata/alliances.csv`` does not define."""


class InvalidDateError(ZonesError, ValueError):
    """A date that cannot be parsed or lies outside the supported range."""


class InvalidDistanceError(ZonesError, ValueError):
    """A distance that is negative, not finite or beyond the supported range."""


class InvalidGeometryError(ZonesError, ValueError):
    """Input geometry that cannot be used (wrong type, out-of-range coordinates, ...)."""


class DataError(ZonesError, OSError):
    """Bundled geodata missing or unreadable."""


class ScenarioError(ZonesError, ValueError):
    """A scenario file or parameter that cannot be used; the message names FILE:LINE and the key."""


class InvalidWorldviewError(ZonesError, ValueError):
    """A ``worldview`` other than the supported ones ("un", "ru")."""


class OverlappingSidesError(ZonesError, ValueError):
    """The same state on both sides of a border or a scenario."""


class InvalidInputError(ZonesError, ValueError):
    """A places or tracks file (CSV, GeoJSON, any vector file) that cannot be used; the
    message names the file, the line or feature, and what to write instead."""


class InvalidRangeError(ZonesError, ValueError):
    """A sweep specification such as ``exercise_restraint.width_km=10:300:10`` that cannot be parsed."""


class MissingDependencyError(ZonesError, ImportError):
    """An optional dependency that a requested feature needs is not installed."""


class InputTooLargeError(ZonesError, ValueError):
    """Input beyond the documented limits (vertex count), refused before any work starts."""


class OutputError(ZonesError, OSError):
    """An output path that cannot be written (a directory, a missing or read-only place)."""


class OutputExistsError(ZonesError, FileExistsError):
    """An output file that exists and that zones did not write (``zones build --force``
    overwrites it)."""


class ZonesWarning(UserWarning):
    """Something zones repaired or assumed on the way (a self-intersecting polygon made valid)."""
