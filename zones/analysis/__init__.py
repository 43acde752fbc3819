"""Analysis on top of built zones: places against zones (:mod:`.check`), scenario against
scenario (:mod:`.diff`), parameter sweeps (:mod:`.sweep`) and the closest approach of
tracks at sea (:mod:`.approach`). Every distance and area is geodesic on WGS84."""

from __future__ import annotations

from zones.analysis.approach import (
    Approach,
    Track,
    closest_approach,
    closest_approaches,
    read_tracks,
    tracks_map,
)
from zones.analysis.check import check_places, facilities, read_places, zone_edges
from zones.analysis.diff import ZoneDiff, diff
from zones.analysis.sweep import SweepResult, parse_param_spec, parse_values, sweep

__all__ = [
    "Approach",
    "SweepResult",
    "Track",
    "ZoneDiff",
    "check_places",
    "closest_approach",
    "closest_approaches",
    "diff",
    "facilities",
    "parse_param_spec",
    "parse_values",
    "read_places",
    "read_tracks",
    "sweep",
    "tracks_map",
    "zone_edges",
]
