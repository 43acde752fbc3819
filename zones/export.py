"""Writing files safely: every output is written beside its target and renamed into place.

A failure or an interrupt mid-write leaves the previous file untouched and no
temporary file behind. :func:`write_features` writes a GeoDataFrame through GDAL
(pyogrio) as GeoJSON, GeoPackage, KML or FlatGeobuf, at full precision.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, NamedTuple

from zones.errors import ZonesError

if TYPE_CHECKING:
    import geopandas as gpd

__all__ = [
    "FORMATS",
    "UnknownFormatError",
    "atomic_path",
    "driver_for",
    "write_features",
    "write_json_atomic",
    "write_text_atomic",
]


class UnknownFormatError(ZonesError, ValueError):
    """A file format or GDAL driver zones does not write."""


class Format(NamedTuple):
    """A file format zones writes: its GDAL driver and file suffix."""

    driver: str
    suffix: str


#: The formats ``zones build --format`` and :meth:`zones.ZoneSet.to_file` write, by short name.
FORMATS: dict[str, Format] = {
    "geojson": Format("GeoJSON", ".geojson"),
    "gpkg": Format("GPKG", ".gpkg"),
    "kml": Format("KML", ".kml"),
    "fgb": Format("FlatGeobuf", ".fgb"),
}

#: GDAL's layer creation options per driver: RFC 7946 GeoJSON (7 decimals, CCW, split at +/-180).
_LAYER_OPTIONS: dict[str, dict[str, str]] = {
    "GeoJSON": {"RFC7946": "YES", "COORDINATE_PRECISION": "7", "WRITE_NAME": "NO"},
    # without the index GDAL keeps the features in the order written
    "FlatGeobuf": {"SPATIAL_INDEX": "NO"},
}


def driver_for(path: str | os.PathLike[str], driver: str | None = None) -> str:
    """The GDAL driver for ``path``: ``driver`` (a short name such as ``"gpkg"`` or a GDAL
    name such as ``"GPKG"``) or else the file's suffix.

    Examples
    --------
    >>> driver_for("zones.gpkg")
    'GPKG'
    >>> driver_for("out.dat", "fgb")
    'FlatGeobuf'
    """
    if driver is not None:
        for name, fmt in FORMATS.items():
            if driver.lower() in (name, fmt.driver.lower()):
                return fmt.driver
        raise UnknownFormatError(
            f"unknown format {driver!r}; use one of {', '.join(FORMATS)} "
            f"(GDAL drivers {', '.join(f.driver for f in FORMATS.values())})"
        )
    suffix = Path(path).suffix.lower()
    for fmt in FORMATS.values():
        if suffix == fmt.suffix or (fmt.driver == "GeoJSON" and suffix == ".json"):
            return fmt.driver
    raise UnknownFormatError(
        f"cannot tell the format of {str(path)!r} from its suffix {suffix!r}; name a driver "
        f"(one of {', '.join(FORMATS)}) or use one of "
        f"{', '.join(f.suffix for f in FORMATS.values())}"
    )


def write_features(
    gdf: gpd.GeoDataFrame,
    path: str | os.PathLike[str],
    driver: str | None = None,
    *,
    layer: str = "zones",
    metadata: dict[str, str] | None = None,
) -> Path:
    """Write ``gdf`` (EPSG:4326) with GDAL through pyogrio, atomically; returns the path.

    GeoJSON is written as RFC 7946 (GDAL's ``RFC7946=YES``: 7 decimals, counter-clockwise
    exteriors, split at the antimeridian). GeoPackage and FlatGeobuf get multi-part
    geometry throughout, as one geometry type per layer is what most tools expect.
    ``metadata`` goes into the GeoPackage's layer metadata.
    """
    import pyogrio

    drv = driver_for(path, driver)
    target = Path(path)
    options = dict(_LAYER_OPTIONS.get(drv, {}))
    extra: dict[str, Any] = {}
    if drv in ("GPKG", "FlatGeobuf"):
        extra["promote_to_multi"] = True
    if drv == "GPKG" and metadata:
        extra["layer_metadata"] = {k: str(v) for k, v in metadata.items()}
    with atomic_path(target, keep_suffix=True) as tmp:
        tmp.unlink()  # GDAL creates the file itself; an empty file is not a dataset
        try:
            pyogrio.write_dataframe(
                gdf, tmp, layer=layer, driver=drv, layer_options=options or None, **extra
            )
        finally:
            for sidecar in tmp.parent.glob(tmp.name + "-*"):  # SQLite journals, if left
                sidecar.unlink(missing_ok=True)
    return target


@contextlib.contextmanager
def atomic_path(target: str | os.PathLike[str], *, keep_suffix: bool = False) -> Iterator[Path]:
    """Yield a temporary path beside ``target``; rename it onto ``target`` on success.

    The temporary name ends in ``.part``; with ``keep_suffix`` in ``.part`` plus
    ``target``'s suffix (``.x.gpkg.123.part.gpkg``), for tools that go by the suffix (GDAL).

    The caller writes the whole file to the yielded path. On any exception
    (``KeyboardInterrupt`` included) the temporary file is removed and
    ``target`` is left as it was.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(
        prefix=f".{target.name}.",
        suffix=".part" + (target.suffix if keep_suffix else ""),
        dir=target.parent,
    )
    os.close(fd)
    tmp = Path(tmp_name)
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600; give the file the usual mode
    try:
        yield tmp
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_text_atomic(target: str | os.PathLike[str], text: str) -> Path:
    """Write ``text`` (UTF-8) to ``target`` atomically and return the path."""
    with atomic_path(target) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return Path(target)


def _dump(obj: Any, f: IO[str]) -> None:
    json.dump(obj, f, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    f.write("\n")


def write_json_atomic(target: str | os.PathLike[str], obj: Any) -> Path:
    """Write ``obj`` as compact JSON to ``target`` atomically and return the path."""
    with atomic_path(target) as tmp, tmp.open("w", encoding="utf-8") as f:
        _dump(obj, f)
    return Path(target)
