"""Loaders for the bundled data in ``geodata/``: countries, waters, seas and cities.

Every loader reads its file once, keeps it cached and hands out copies, so callers
may modify what they get. Geometries are shapely objects in lon/lat degrees on
WGS84 (EPSG:4326); ``geodata/SOURCES.md`` says where each file comes from and
``python geodata/build.py`` rebuilds them.
"""

from __future__ import annotations

import difflib
import importlib.resources
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Literal, get_args

import geopandas as gpd
import shapely
from shapely.geometry import MultiPolygon, Polygon

from zones.errors import DataError, InvalidWorldviewError, UnknownCountryError

__all__ = [
    "DEFAULT_WORLDVIEW",
    "Country",
    "InvalidWorldviewError",
    "Worldview",
    "cities",
    "countries",
    "country",
    "crimea",
    "data_dir",
    "data_path",
    "resolve_country",
    "seas",
    "waters",
]

Worldview = Literal["un", "ru"]
"""Where Crimea belongs: ``"un"`` puts it in Ukraine (UN GA Resolution 68/262);
``"ru"`` in Russia, which has administered it since 2014."""

DEFAULT_WORLDVIEW: Worldview = "un"
WORLDVIEWS: tuple[str, ...] = get_args(Worldview)

REBUILD_HINT = "run `python geodata/build.py` in a source checkout to rebuild it"


# ---------------------------------------------------------------------------
# files
# ---------------------------------------------------------------------------


def data_dir() -> Path:
    """The folder holding the bundled data files.

    An installed wheel carries them as ``zones/_geodata``; a source checkout has
    them in ``geodata/`` beside the package.

    Examples
    --------
    >>> (data_dir() / "countries.parquet").name
    'countries.parquet'
    """
    packaged = importlib.resources.files("zones") / "_geodata"
    if packaged.is_dir():
        return Path(str(packaged))
    return Path(__file__).resolve().parent.parent / "geodata"


def data_path(name: str) -> Path:
    """The path of the bundled data file ``name``; :class:`DataError` when it is missing.

    Examples
    --------
    >>> data_path("cities.parquet").suffix
    '.parquet'
    """
    path = data_dir() / name
    if not path.is_file():
        raise DataError(f"bundled data file {name!r} not found in {path.parent}; {REBUILD_HINT}")
    return path


@cache
def _read(name: str) -> gpd.GeoDataFrame:
    path = data_path(name)
    try:
        return gpd.read_parquet(path)
    except (OSError, ValueError) as err:
        raise DataError(f"cannot read {path}: {err}; {REBUILD_HINT}") from err


def _check_worldview(worldview: str) -> Worldview:
    if worldview not in WORLDVIEWS:
        raise InvalidWorldviewError(
            f"unknown worldview {worldview!r}; use one of {', '.join(map(repr, WORLDVIEWS))}"
        )
    return worldview  # type: ignore[return-value]


def _polygons(geom: shapely.Geometry) -> list[Polygon]:
    if isinstance(geom, Polygon):
        return [] if geom.is_empty else [geom]
    if geom.geom_type in ("MultiPolygon", "GeometryCollection"):
        return [p for part in shapely.get_parts(geom) for p in _polygons(part)]
    return []  # points and lines left over by an overlay


def _multipolygon(geom: shapely.Geometry) -> MultiPolygon:
    """Valid MultiPolygon with counter-clockwise exteriors from an overlay result."""
    if not geom.is_valid:
        geom = shapely.make_valid(geom, method="structure")
    return shapely.orient_polygons(MultiPolygon(_polygons(geom)), exterior_cw=False)


# ---------------------------------------------------------------------------
# countries
# ---------------------------------------------------------------------------


def crimea() -> MultiPolygon:
    """The Crimean peninsula (Autonomous Republic of Crimea and Sevastopol).

    Returns
    -------
    shapely.MultiPolygon
        Lon/lat degrees, EPSG:4326, with the Natural Earth 5.1.1 coastline.

    Examples
    --------
    >>> from shapely import Point
    >>> crimea().contains(Point(34.10, 44.95))  # Simferopol
    True
    """
    stored = _read("crimea.parquet")
    return stored.loc[stored["name"] == "Crimea"].geometry.iloc[0]


@cache
def _countries(worldview: Worldview) -> gpd.GeoDataFrame:
    frame = _read("countries.parquet").copy()
    if worldview == "ru":
        peninsula = crimea()
        ukr = frame.index[frame["iso_a3"] == "UKR"][0]
        rus = frame.index[frame["iso_a3"] == "RUS"][0]
        stored = _read("crimea.parquet")
        rest = stored.loc[stored["name"] == "Ukraine without Crimea"].geometry.iloc[0]
        russia = MultiPolygon([*frame.geometry[rus].geoms, *peninsula.geoms])
        frame.loc[ukr, "geometry"] = rest  # precomputed: an overlay here leaves slivers
        frame.loc[rus, "geometry"] = russia if russia.is_valid else _multipolygon(russia)
    frame.attrs["worldview"] = worldview
    return frame


def countries(worldview: Worldview = DEFAULT_WORLDVIEW) -> gpd.GeoDataFrame:
    """The countries and territories of Natural Earth 5.1.1 (1:10m), one row each.

    Parameters
    ----------
    worldview : {"un", "ru"}
        ``"un"`` (default) keeps Crimea in Ukraine; ``"ru"`` moves it to Russia.

    Returns
    -------
    geopandas.GeoDataFrame
        EPSG:4326; columns ``iso_a3`` (unique key), ``iso_a2``, ``adm0_a3``, ``name``,
        ``name_long``, ``sovereign``, ``type``, ``continent``, ``region_un``,
        ``subregion`` and ``geometry`` (valid MultiPolygons, exteriors counter-clockwise,
        split at the antimeridian). ``attrs["worldview"]`` records the worldview.

    Examples
    --------
    >>> world = countries()
    >>> world.loc[world.iso_a3 == "EST", "name"].item()
    'Estonia'
    >>> countries("ru").attrs["worldview"]
    'ru'
    """
    return _countries(_check_worldview(worldview)).copy()


@dataclass(frozen=True)
class Country:
    """One country or territory.

    Attributes
    ----------
    iso_a3 : str
        ISO 3166-1 alpha-3 code (Natural Earth's ``ADM0_A3`` where ISO has none).
    name : str
        English name.
    continent : str
        Natural Earth continent.
    geometry : shapely.MultiPolygon
        Territory in lon/lat degrees, EPSG:4326 (WGS84).
    """

    iso_a3: str
    name: str
    continent: str
    geometry: MultiPolygon

    @property
    def __geo_interface__(self) -> dict[str, Any]:
        return {
            "type": "Feature",
            "properties": {"iso_a3": self.iso_a3, "name": self.name, "continent": self.continent},
            "geometry": self.geometry.__geo_interface__,
        }


#: names in common use that Natural Earth does not carry (key: any spelling)
_ALIASES: dict[str, str] = {
    "Russian Federation": "RUS",
    "USA": "USA",
    "US": "USA",
    "U.S.": "USA",
    "U.S.A.": "USA",
    "United States": "USA",
    "America": "USA",
    "UK": "GBR",
    "U.K.": "GBR",
    "Great Britain": "GBR",
    "Britain": "GBR",
    "United Kingdom of Great Britain and Northern Ireland": "GBR",
    "Czechia": "CZE",
    "Czech Republic": "CZE",
    "Turkey": "TUR",
    "Türkiye": "TUR",
    "Republic of Moldova": "MDA",
    "Macedonia": "MKD",
    "Republic of North Macedonia": "MKD",
    "Belorussia": "BLR",
    "Byelorussia": "BLR",
    "Holland": "NLD",
    "Kyrgyz Republic": "KGZ",
    "Kirghizia": "KGZ",
    "Iran, Islamic Republic of": "IRN",
    "Syrian Arab Republic": "SYR",
    "Viet Nam": "VNM",
    "Laos": "LAO",
    "Lao PDR": "LAO",
    "Burma": "MMR",
    "China": "CHN",
    "South Korea": "KOR",
    "Korea, Republic of": "KOR",
    "North Korea": "PRK",
    "DPRK": "PRK",
    "Cote d'Ivoire": "CIV",
    "Holy See": "VAT",
    "Swaziland": "SWZ",
    "Cabo Verde": "CPV",
    "Timor-Leste": "TLS",
    "DR Congo": "COD",
    "DRC": "COD",
    "Democratic Republic of Congo": "COD",
    "Republic of the Congo": "COG",
    "Congo-Brazzaville": "COG",
    "Bosnia": "BIH",
}


def _key(text: str) -> str:
    """Case-, accent-, and punctuation-insensitive form of a name."""
    plain = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in plain if not unicodedata.combining(c)).casefold()
    return re.sub(r"[^a-z0-9]+", " ", plain).strip()


@cache
def _lookup() -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    """(codes, names, display): alpha-2/3 codes -> iso_a3, name keys -> iso_a3,
    iso_a3 -> English name."""
    frame = _read("countries.parquet")
    codes: dict[str, str] = {}
    names: dict[str, str] = {}
    display: dict[str, str] = {}
    for row in frame.itertuples():
        iso_a3 = str(row.iso_a3)
        display[iso_a3] = str(row.name)
        for code in (iso_a3, row.adm0_a3, row.iso_a2):
            if isinstance(code, str) and code:
                codes.setdefault(code.upper(), iso_a3)
        for name in (row.name, row.name_long):
            if isinstance(name, str) and name:
                names.setdefault(_key(name), iso_a3)
    for alias, iso_a3 in _ALIASES.items():
        names.setdefault(_key(alias), iso_a3)
    return codes, names, display


def resolve_country(name_or_code: str) -> str:
    """The ISO alpha-3 code of a country given by name or by ISO alpha-2/alpha-3 code.

    Names are matched without regard to case, accents or punctuation and include
    common alternatives ("Russian Federation", "USA", "UK", "Czechia", "Türkiye").

    Raises
    ------
    UnknownCountryError
        For anything else, suggesting the closest known name.

    Examples
    --------
    >>> resolve_country("Russian Federation"), resolve_country("ee"), resolve_country("FIN")
    ('RUS', 'EST', 'FIN')
    """
    if not isinstance(name_or_code, str):
        raise UnknownCountryError(
            f"unknown country {name_or_code!r}; give a country name or an ISO code as text"
        )
    codes, names, display = _lookup()
    text = name_or_code.strip()
    if len(text) in (2, 3) and text.isalpha() and text.upper() in codes:
        return codes[text.upper()]
    key = _key(text)
    if key in names:
        return names[key]
    close = difflib.get_close_matches(key, list(names), n=1, cutoff=0.6)
    if close:
        iso_a3 = names[close[0]]
        raise UnknownCountryError(
            f"unknown country {name_or_code!r}; did you mean {display[iso_a3]!r} ({iso_a3})?"
        )
    raise UnknownCountryError(
        f"unknown country {name_or_code!r}; give an English country name or an ISO 3166 "
        "alpha-2 or alpha-3 code"
    )


def country(name_or_code: str, worldview: Worldview = DEFAULT_WORLDVIEW) -> Country:
    """One country, looked up by name or ISO code (see :func:`resolve_country`).

    Examples
    --------
    >>> est = country("Estonia")
    >>> est.iso_a3, est.geometry.geom_type
    ('EST', 'MultiPolygon')
    >>> country("ukraine", worldview="ru").geometry.area < country("UKR").geometry.area
    True
    """
    iso_a3 = resolve_country(name_or_code)
    frame = _countries(_check_worldview(worldview))
    row = frame.loc[frame["iso_a3"] == iso_a3].iloc[0]
    return Country(
        iso_a3=iso_a3, name=str(row["name"]), continent=str(row["continent"]),
        geometry=row.geometry,
    )  # fmt: skip


# ---------------------------------------------------------------------------
# waters, seas, cities
# ---------------------------------------------------------------------------


@cache
def _waters(worldview: Worldview) -> gpd.GeoDataFrame:
    stored = _read("waters.parquet")
    rows = stored[stored["worldview"].isin(["all", worldview])]
    merged = [
        (iso_a3, _multipolygon(shapely.union_all(group.geometry.values)))
        for iso_a3, group in rows.groupby("iso_a3", sort=True)
    ]
    frame = gpd.GeoDataFrame(
        {"iso_a3": [m[0] for m in merged]}, geometry=[m[1] for m in merged], crs="EPSG:4326"
    )
    frame.attrs["worldview"] = worldview
    return frame


def waters(worldview: Worldview = DEFAULT_WORLDVIEW) -> gpd.GeoDataFrame:
    """National waters (territorial sea and internal waters) of the bundled states.

    OpenStreetMap maritime polygons less Natural Earth land; the states of Europe plus
    Turkey, Georgia, Cyprus, Azerbaijan, Kazakhstan, the USA, Canada and Greenland.
    Crimea's waters go to Ukraine (``"un"``) or Russia (``"ru"``).

    Returns
    -------
    geopandas.GeoDataFrame
        EPSG:4326; columns ``iso_a3`` and ``geometry`` (MultiPolygon), one row a state.

    Examples
    --------
    >>> from shapely import Point
    >>> w = waters()
    >>> w.loc[w.iso_a3 == "EST"].geometry.item().contains(Point(24.75, 59.55))  # off Tallinn
    True
    """
    return _waters(_check_worldview(worldview)).copy()


def seas(worldview: Worldview = DEFAULT_WORLDVIEW) -> gpd.GeoDataFrame:
    """The named seas (Baltic, Black Sea), bounded by the Natural Earth coastline.

    The land does not depend on the worldview; the argument is accepted so that all
    loaders are called the same way.

    Returns
    -------
    geopandas.GeoDataFrame
        EPSG:4326; columns ``name``, ``source`` and ``geometry``.

    Examples
    --------
    >>> sorted(seas().name)
    ['Baltic Sea', 'Black Sea']
    """
    _check_worldview(worldview)
    return _read("seas.parquet").copy()


def cities(min_population: int = 0) -> gpd.GeoDataFrame:
    """GeoNames cities of 15,000 people or more (``cities15000``), by ``geonameid``.

    Parameters
    ----------
    min_population : int
        Keep only cities with at least this many people.

    Returns
    -------
    geopandas.GeoDataFrame
        EPSG:4326; columns ``geonameid``, ``name``, ``iso_a2`` (GeoNames country code),
        ``iso_a3`` (the Natural Earth country holding the city), ``population``,
        ``geometry`` (Point).

    Examples
    --------
    >>> big = cities(min_population=5_000_000)
    >>> "Moscow" in set(big.name)
    True
    """
    frame = _read("cities.parquet")
    if min_population > 0:
        frame = frame[frame["population"] >= min_population]
    return frame.reset_index(drop=True)  # a new frame, never the cached one
