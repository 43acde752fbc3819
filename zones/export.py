"""Writing files safely: every output is written beside its target and renamed into place.

A failure or an interrupt mid-write leaves the previous file untouched and no
temporary file behind. :func:`atomic_paths` does the same for several files written
as one output (``zones build``): all are written first, then all renamed.
An output directory records the files zones wrote there in ``manifest.json``;
:func:`foreign_files` finds the others, which ``zones build`` keeps unless ``--force``.
:func:`write_features` writes a GeoDataFrame through GDAL (pyogrio) as GeoJSON,
GeoPackage, KML or FlatGeobuf, at full precision.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import stat
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from zones.errors import OutputError, ZonesError

if TYPE_CHECKING:
    import geopandas as gpd

__all__ = [
    "FORMATS",
    "MANIFEST",
    "UnknownFormatError",
    "atomic_path",
    "atomic_paths",
    "check_writable_dir",
    "driver_for",
    "foreign_files",
    "manifest_files",
    "write_features",
    "write_json",
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
    ``target`` is left as it was; a full disk while writing is an :class:`OutputError`.

    A symbolic link keeps pointing where it did: the file it points to is replaced. A
    target that is no regular file (``/dev/stdout``, a FIFO) is yielded itself and
    written in place, not replaced.
    """
    target = Path(target)
    if target.is_dir() or not target.name:
        raise OutputError(f"{str(target)!r} is a directory; give a file name to write")
    if _is_special(target):  # /dev/stdout, a FIFO: written in place, never replaced
        try:
            yield target
        except OSError as err:
            if err.errno in FULL_ERRNOS:
                raise _cannot_write(target, err) from None
            raise
        return
    if target.is_symlink():  # replace the file the link points to; the link stays
        target = Path(os.path.realpath(target))
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(
            prefix=f".{target.name}.",
            suffix=".part" + (target.suffix if keep_suffix else ""),
            dir=target.parent,
        )
    except OSError as err:
        raise _cannot_write(target, err) from None
    os.close(fd)
    tmp = Path(tmp_name)
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600; give the file the usual mode
    try:
        try:
            yield tmp
        except OSError as err:
            if err.errno in FULL_ERRNOS:  # the disk filled while the file was written
                raise _cannot_write(target, err) from None
            raise
        try:
            os.replace(tmp, target)
        except OSError as err:
            raise _cannot_write(target, err) from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


#: Errors of a write that found no room: the disk or quota is full, or the file too big.
FULL_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG})


def _is_special(path: Path) -> bool:
    """Whether ``path`` exists and is no regular file (after links): a device such as
    ``/dev/stdout`` or ``/dev/null``, a FIFO or a socket, which a rename would destroy."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return False
    return not stat.S_ISREG(mode) and not stat.S_ISDIR(mode)


def check_writable_dir(
    directory: str | os.PathLike[str], *, file: str | os.PathLike[str] | None = None
) -> None:
    """Raise :class:`OutputError` now, before long work, where files cannot be written in
    ``directory`` (created later if missing): a file in its place or on its path, or no
    write permission on the nearest existing folder. With ``file`` (a file to be written
    in ``directory``), the message names that file.

    Examples
    --------
    >>> check_writable_dir("out/some/new/dir")
    """
    directory = Path(directory)
    for place in (directory, *directory.parents):
        if place.exists() or place == Path(place.anchor or "."):
            break
    if not place.is_dir():
        reason = f"{str(place)!r} is a file, not a directory"
    elif not os.access(place, os.W_OK | os.X_OK):
        reason = f"no permission in {str(place)!r}"
    else:
        return
    if file is not None:
        raise OutputError(f"cannot write {str(file)!r} ({reason}); choose another output path")
    raise OutputError(
        f"cannot write in {str(directory)!r} ({reason}); choose another output directory"
    )


def _cannot_write(target: Path, err: OSError) -> OutputError:
    reason = err.strerror or str(err)
    for parent in target.parents:
        if parent.exists():
            if not parent.is_dir():
                reason = f"{str(parent)!r} is a file, not a directory"
            break
    fix = "free some space or " if err.errno in FULL_ERRNOS else ""
    return OutputError(f"cannot write {str(target)!r} ({reason}); {fix}choose another output path")


@contextlib.contextmanager
def atomic_paths(
    targets: Iterable[str | os.PathLike[str]], *, keep_suffix: bool = True
) -> Iterator[list[Path]]:
    """:func:`atomic_path` for several files: yield one temporary path per target, in order.

    Every target is renamed into place only after the whole block has run, so a failure
    or an interrupt while any of them is written leaves every previous file untouched
    and no temporary file behind. The renames run last, in reverse order (put the file
    that indexes the others, such as a manifest, first). ``keep_suffix`` is on by
    default: GDAL goes by the suffix.
    """
    with contextlib.ExitStack() as stack:
        yield [stack.enter_context(atomic_path(t, keep_suffix=keep_suffix)) for t in targets]


#: The file in an output directory that lists the files zones wrote there: ``files`` (the
#: outputs of the last build) and ``older_files`` (left by an earlier build, not rewritten).
MANIFEST = "manifest.json"


def manifest_files(directory: str | os.PathLike[str]) -> set[str] | None:
    """The names of the files zones wrote in ``directory`` (``files`` and ``older_files`` of
    its manifest), or None when it has no manifest written by zones.

    Examples
    --------
    >>> manifest_files("no/such/dir") is None
    True
    """
    try:
        doc = json.loads((Path(directory) / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return None
    if not isinstance(doc, dict) or "zones_version" not in doc:
        return None
    names = [
        n
        for key in ("files", "older_files")
        if isinstance(doc.get(key), list)
        for n in doc[key]
        if isinstance(n, str)
    ]
    return set(names) if isinstance(doc.get("files"), list) else None


def foreign_files(directory: str | os.PathLike[str], names: Iterable[str]) -> list[Path]:
    """The files among ``names`` that exist in ``directory`` and that zones did not write
    there: those not listed in its ``manifest.json`` (see :func:`manifest_files`). The
    manifest itself counts as zones' own when zones wrote it.

    Examples
    --------
    >>> foreign_files("no/such/dir", ["map.html"])
    []
    """
    directory = Path(directory)
    own = manifest_files(directory)
    own = set() if own is None else own | {MANIFEST}
    return [
        directory / n
        for n in names
        if n not in own and ((directory / n).exists() or (directory / n).is_symlink())
    ]


def write_text_atomic(target: str | os.PathLike[str], text: str) -> Path:
    """Write ``text`` (UTF-8) to ``target`` atomically and return the path."""
    with atomic_path(target) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return Path(target)


def write_json(path: str | os.PathLike[str], obj: Any) -> None:
    """Write ``obj`` to ``path`` as compact UTF-8 JSON (no NaN) ending in a newline: the
    one format of every JSON file zones writes (call it on a path from :func:`atomic_path`)."""
    with open(path, "w", encoding="utf-8") as f:
        json.dump(obj, f, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
        f.write("\n")


def write_json_atomic(target: str | os.PathLike[str], obj: Any) -> Path:
    """Write ``obj`` as compact JSON to ``target`` atomically and return the path."""
    with atomic_path(target) as tmp:
        write_json(tmp, obj)
    return Path(target)
