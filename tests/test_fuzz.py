"""Fuzzing the inputs: scenarios (valid and broken), GeoJSON (valid and broken) and tiny
geodesic buffers. Each input gives either a valid result or a ``ZonesError`` with a
one-line message, never another exception. Only loading and validation run here, never
a whole build, so the examples stay cheap (a few seconds per test).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import math
import re
import tomllib
import warnings
from pathlib import Path
from typing import Any

import pytest
import shapely
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

import zones
from zones.errors import ZonesError, ZonesWarning
from zones.geojson_io import read_features
from zones.scenario import ZONE_TABLES, Scenario, load_scenario, preset_text, scenario_from_dict

FUZZ = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


def _one_line(err: ZonesError) -> None:
    message = str(err)
    assert message.strip(), f"{type(err).__name__} with an empty message"
    assert "\n" not in message and "\r" not in message, message


# --- a small TOML writer, so the line numbers in messages are exercised too -----------------

_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")


def _key(k: str) -> str:
    return k if _BARE_KEY.match(k) else _string(k)


def _string(s: str) -> str:
    return json.dumps(s, ensure_ascii=False).replace("\x7f", "\\u007f")


def _value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return (
            "nan" if math.isnan(v) else ("inf" if v > 0 else "-inf") if math.isinf(v) else repr(v)
        )
    if isinstance(v, str):
        return _string(v)
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, list):
        return "[" + ", ".join(_value(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{ " + ", ".join(f"{_key(k)} = {_value(x)}" for k, x in v.items()) + " }"
    raise ValueError(f"no TOML for {v!r}")


def to_toml(doc: dict[str, Any]) -> str:
    lines = [f"{_key(k)} = {_value(v)}" for k, v in doc.items() if not isinstance(v, dict)]
    for k, v in doc.items():
        if isinstance(v, dict):
            lines += ["", f"[{_key(k)}]", *(f"{_key(a)} = {_value(b)}" for a, b in v.items())]
    return "\n".join(lines) + "\n"


# --- scenarios -----------------------------------------------------------------------------

NAMES = [
    "Estonia", "EST", "Estonai", "NATO", "NATO-1997", "CSTO", "Russia", "Belarus", "Union State",
    "Ukraine", "Baltic Sea", "Black Sea", "Baltic", "Eastern Europe", "Central Asia", "US",
    "Iskander-M", "Kh-55", "9M729", "shorter", "intermediate", "RUS-FIN", "", " ", "Narnia",
]  # fmt: skip
TYPOS = ["widht_km", "tilte", "as-of", "rnage", "enabeld", "missle_exclusion", "sides ", "x"]

scalars = st.one_of(
    st.booleans(),
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0, 1, 50, 12.5, 5500, 20_000, 20_001, -1, 1e300, -0.0]),
    st.sampled_from(NAMES),
    st.text(max_size=12),
    st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2999, 12, 31)),
    st.sampled_from(["2021-12-17", "today", "17.12.2021", "2022-02-30", "un", "ru", "cn"]),
)
values = st.one_of(
    scalars,
    st.lists(st.one_of(st.sampled_from(NAMES), scalars), max_size=4),
    st.dictionaries(st.sampled_from([*NAMES, "FIN", "fin", "RUS-POL"]), scalars, max_size=3),
)


@st.composite
def table(draw: st.DrawFn, name: str) -> dict[str, Any]:
    fields = [f.name for f in dataclasses.fields(ZONE_TABLES[name])]
    keys = draw(st.lists(st.sampled_from([*fields, *TYPOS]), max_size=4, unique=True))
    return {k: draw(values) for k in keys}


@st.composite
def scenario_docs(draw: st.DrawFn) -> dict[str, Any]:
    doc: dict[str, Any] = {}
    top = draw(
        st.lists(
            st.sampled_from(["title", "as_of", "worldview", "sides", *ZONE_TABLES, *TYPOS]),
            max_size=6,
            unique=True,
        )
    )
    for key in top:
        if key in ZONE_TABLES:
            doc[key] = draw(st.one_of(table(key), st.booleans(), values))
        elif key == "sides":
            doc[key] = draw(
                st.one_of(
                    st.dictionaries(
                        st.sampled_from(["russia", "nato", "china"]), values, max_size=2
                    ),
                    values,
                )
            )
        else:
            doc[key] = draw(values)
    return doc


#: Values that pass, per key, so that part of the examples are valid scenarios.
SANE: dict[str, st.SearchStrategy[Any]] = {
    "title": st.text(min_size=1, max_size=20).filter(str.strip),
    "as_of": st.sampled_from(["2021-12-17", "1999-03-12", "today", dt.date(2004, 3, 29)]),
    "worldview": st.sampled_from(["un", "ru"]),
    "enabled": st.booleans(),
    "territorial_sea": st.booleans(),
    "width_km": st.floats(min_value=0.1, max_value=2000),
    "nato_side_km": st.floats(min_value=0.1, max_value=500),
    "russia_side_km": st.floats(min_value=0.1, max_value=500),
    "platform_radius_km": st.floats(min_value=0, max_value=3000),
    "range": st.one_of(
        st.sampled_from(["shorter", "intermediate", "Iskander-M", "9M729"]), st.integers(1, 5500)
    ),
    "weapon": st.one_of(st.sampled_from(["Kh-55", "Kh-55"]), st.integers(1, 3000)),
    "drafts": st.lists(st.sampled_from(["US", "NATO"]), min_size=1, max_size=2, unique=True),
    "overrides": st.dictionaries(
        st.sampled_from(["FIN", "EST", "RUS-POL"]), st.integers(0, 300), max_size=2
    ),
    "include": st.lists(st.sampled_from(["Ukraine", "Moldova", "GEO"]), max_size=2),
    "exclude": st.lists(st.sampled_from(["Russia", "Serbia"]), max_size=2),
    "states": st.lists(st.sampled_from(["Ukraine", "Moldova", "Armenia"]), max_size=2),
    "subregions": st.lists(st.sampled_from(["Eastern Europe", "Central Asia"]), max_size=2),
    "seas": st.lists(st.sampled_from(["Baltic Sea", "Black Sea"]), max_size=2),
}


@st.composite
def sane_scenario_docs(draw: st.DrawFn) -> dict[str, Any]:
    doc: dict[str, Any] = {}
    for key in draw(
        st.lists(
            st.sampled_from(["title", "as_of", "worldview", *ZONE_TABLES]), max_size=5, unique=True
        )
    ):
        if key in ZONE_TABLES:
            fields = [f.name for f in dataclasses.fields(ZONE_TABLES[key])]
            keys = draw(st.lists(st.sampled_from(fields), max_size=3, unique=True))
            doc[key] = {k: draw(SANE[k]) for k in keys}
        else:
            doc[key] = draw(SANE[key])
    return doc


def _check_scenario(make: Any) -> None:
    try:
        s = make()
    except ZonesError as err:
        _one_line(err)
        event(type(err).__name__)
    else:
        assert isinstance(s, Scenario)
        event("valid scenario")


@FUZZ
@given(st.one_of(scenario_docs(), sane_scenario_docs()))
@example({"exercise_restraint": {"width_km": [50]}})
@example({"missile_exclusion": {"range": ["Kh-55"]}})
@example({"missile_exclusion": {"range": dt.date(2021, 1, 1)}})
@example({"bomber_exclusion": {"weapon": {"a": 1}}})
@example({"as_of": dt.datetime(2021, 12, 17, 10, 0)})
@example({"as_of": ["2021-12-17"]})
@example({"worldview": ["un"]})
@example({"title": 5})
@example({"exercise_restraint": {"overrides": {"FIN": "30"}}})
@example({"exercise_restraint": {"nato_side_km": None}})
def test_fuzz_scenario_dict(doc: dict[str, Any]) -> None:
    try:
        text = to_toml(doc)
        parsed = tomllib.loads(text)
    except (ValueError, tomllib.TOMLDecodeError):
        parsed = doc  # the writer does not cover this value; check the dict as it is
        text = ""
    _check_scenario(lambda: scenario_from_dict(parsed, source="fuzz", text=text))


@pytest.fixture(scope="module")
def fuzz_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz-scenarios")


PRESET = preset_text("draft-2021")


@FUZZ
@given(
    start=st.integers(min_value=0, max_value=len(PRESET)),
    length=st.integers(min_value=0, max_value=40),
    insert=st.text(
        alphabet=st.sampled_from(list("[]=\"#.,{}\n -_0123456789aenrstu\\'")), max_size=12
    ),
)
def test_fuzz_scenario_text(fuzz_dir: Path, start: int, length: int, insert: str) -> None:
    """The bundled preset with a slice replaced by TOML-ish noise, read from a file."""
    path = fuzz_dir / "s.toml"
    path.write_text(PRESET[:start] + insert + PRESET[start + length :], encoding="utf-8")
    _check_scenario(lambda: load_scenario(path))


def test_fuzz_scenario_bytes(tmp_path: Path) -> None:
    path = tmp_path / "binary.toml"
    path.write_bytes(b'title = "\xff\xfe"\n')
    with pytest.raises(ZonesError) as info:
        load_scenario(path)
    _one_line(info.value)


# --- GeoJSON -------------------------------------------------------------------------------

numbers = st.one_of(
    st.floats(min_value=-180, max_value=180),
    st.floats(min_value=-90, max_value=90),
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(min_value=-400, max_value=400),
    st.sampled_from([180.0, -180.0, 90.0, -90.0, 180.0000001, 1e308]),
)
junk = st.one_of(st.none(), st.booleans(), st.text(max_size=4), st.just([]), st.just({}))
positions = st.one_of(
    st.lists(numbers, min_size=2, max_size=3), st.lists(st.one_of(numbers, junk), max_size=4)
)
lines = st.lists(positions, max_size=6)
rings = st.one_of(
    lines,
    st.lists(positions, min_size=3, max_size=6).map(lambda r: [*r, r[0]]),  # closed
)
polygons = st.lists(rings, max_size=3)

COORDS = {
    "Point": positions,
    "MultiPoint": lines,
    "LineString": lines,
    "MultiLineString": st.lists(lines, max_size=3),
    "Polygon": polygons,
    "MultiPolygon": st.lists(polygons, max_size=2),
}


in_range = st.tuples(st.floats(-180, 180), st.floats(-90, 90)).map(list)
sane_rings = st.lists(in_range, min_size=3, max_size=6).map(lambda r: [*r, r[0]])
SANE_COORDS = {
    "Point": in_range,
    "MultiPoint": st.lists(in_range, min_size=1, max_size=4),
    "LineString": st.lists(in_range, min_size=2, max_size=5),
    "MultiLineString": st.lists(st.lists(in_range, min_size=2, max_size=4), min_size=1, max_size=3),
    "Polygon": st.lists(sane_rings, min_size=1, max_size=2),
    "MultiPolygon": st.lists(st.lists(sane_rings, min_size=1, max_size=2), min_size=1, max_size=2),
}


def geometries() -> st.SearchStrategy[Any]:
    simple = st.one_of(
        *(
            st.fixed_dictionaries({"type": st.just(kind), "coordinates": coords})
            for kind, coords in SANE_COORDS.items()
        ),
        *(
            st.fixed_dictionaries({"type": st.just(kind), "coordinates": coords})
            for kind, coords in COORDS.items()
        ),
        st.fixed_dictionaries(
            {
                "type": st.sampled_from([*COORDS, "Circle", "point", None, 3]),
                "coordinates": st.one_of(polygons, junk, numbers),
            }
        ),
        junk,
    )
    return st.recursive(
        simple,
        lambda inner: st.fixed_dictionaries(
            {
                "type": st.just("GeometryCollection"),
                "geometries": st.one_of(st.lists(inner, max_size=3), junk),
            }
        ),
        max_leaves=6,
    )


json_values = st.recursive(
    st.one_of(junk, numbers),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=3), inner, max_size=3)
    ),
    max_leaves=8,
)
properties = st.one_of(
    st.none(), st.dictionaries(st.text(max_size=5), json_values, max_size=3), junk, numbers
)
features = st.one_of(
    st.fixed_dictionaries(
        {
            "type": st.just("Feature"),
            "properties": properties,
            "geometry": st.one_of(geometries(), st.none()),
        }
    ),
    st.fixed_dictionaries({"type": st.sampled_from(["Feature", "feature"])}),
    json_values,
)
crs = st.one_of(
    st.none(),
    st.just({"type": "name", "properties": {"name": "urn:ogc:def:crs:OGC:1.3:CRS84"}}),
    st.just({"type": "name", "properties": {"name": "EPSG:3857"}}),
    json_values,
)
documents = st.one_of(
    geometries(),
    features,
    st.builds(
        lambda fs, c: {
            "type": "FeatureCollection",
            "features": fs,
            **({} if c is None else {"crs": c}),
        },
        st.one_of(st.lists(features, max_size=4), junk),
        crs,
    ),
    json_values,
)


def _check_geojson(text: str) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ZonesWarning)  # repaired polygons are fine
        try:
            out = read_features(text, origin="fuzz.geojson")
        except ZonesError as err:
            _one_line(err)
            event(type(err).__name__)
            return
    event("valid GeoJSON")
    assert isinstance(out, list) and out
    for geom, props in out:
        assert isinstance(geom, shapely.Geometry) and not geom.is_empty and geom.is_valid
        assert isinstance(props, dict)
        xy = shapely.get_coordinates(geom)
        assert ((abs(xy[:, 0]) <= 180) & (abs(xy[:, 1]) <= 90)).all()


@FUZZ
@given(documents)
@example({"type": "Point", "coordinates": [float("nan"), 1]})
@example({"type": "Point", "coordinates": []})
@example({"type": "Point", "coordinates": [1]})
@example({"type": "Point", "coordinates": ["1", "2"]})
@example({"type": "Point", "coordinates": [1, 2, 3, 4]})
@example({"type": "LineString", "coordinates": [[0, 0]]})
@example({"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [1, 0]]]})
@example({"type": "Polygon", "coordinates": [[]]})
@example({"type": "MultiPolygon", "coordinates": [[[]]]})
@example({"type": "GeometryCollection", "geometries": []})
@example({"type": "GeometryCollection", "geometries": None})
@example(
    {
        "type": "GeometryCollection",
        "geometries": [
            {"type": "GeometryCollection", "geometries": [{"type": "Point", "coordinates": [0, 0]}]}
        ],
    }
)
@example(
    {"type": "Feature", "geometry": {"type": "Point", "coordinates": [0, 0]}, "properties": []}
)
@example({"type": "FeatureCollection", "features": [{"type": "Feature", "geometry": None}]})
@example({"type": "FeatureCollection", "features": [1]})
@example({"type": "Point", "coordinates": [0, 0], "crs": "EPSG:4326"})
@example({"type": "Point", "coordinates": [0, 0], "crs": {"properties": "x"}})
@example({"type": "Point", "coordinates": [0, 0], "crs": []})
@example({"type": "Polygon", "coordinates": [[[0, 0], [0, 0], [0, 0], [0, 0]]]})
@example({"type": "LineString", "coordinates": [[0, 0], [0, 0]]})
# found by this test: make_valid raising, and make_valid returning an invalid geometry
@example({"type": "Polygon", "coordinates": [[[0.0, 0.0], [0.0, 0.0], [0.0, 0.0], [0.0, 0.0]], [[0.0, 1.0], [0.0, 0.5], [1.0, 0.0], [0.0, 1.0]]]})  # fmt: skip
@example({"type": "MultiPolygon", "coordinates": [[[[0.0, 0.0], [1.0, 1.0], [0.0, 2.4228381568023742e-61], [1.0, 0.0], [0.0, 1.0], [0.0, 0.0]]]]})  # fmt: skip
@example({"type": "Point", "coordinates": [0, 0], "crs": "EPSG:4326"})
def test_fuzz_geojson(doc: Any) -> None:
    _check_geojson(json.dumps(doc, allow_nan=True))


@FUZZ
@given(st.text(alphabet=st.sampled_from(list('{}[]":,0123456789.-eE tnrufalsNIy')), max_size=40))
def test_fuzz_geojson_text(text: str) -> None:
    _check_geojson(text)


# --- tiny geodesic buffers ------------------------------------------------------------------

lon = st.floats(min_value=-180, max_value=180)
lat = st.floats(min_value=-90, max_value=90)
step = st.floats(min_value=0.01, max_value=2)
small_shapes = st.one_of(
    st.builds(shapely.Point, lon, lat),
    st.builds(lambda x, y, dx, dy: shapely.LineString([(x, y), (x + dx, max(min(y + dy, 90), -90))]),
              st.floats(-180, 178), lat, step, st.floats(-2, 2)),
    st.builds(lambda x, y, d: shapely.box(x, y, x + d, y + d),
              st.floats(-180, 179), st.floats(-90, 89), step),
)  # fmt: skip


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(small_shapes, st.one_of(st.just(0.0), st.floats(min_value=0.001, max_value=20)))
@example(shapely.Point(180, 0), 5.0)
@example(shapely.Point(0, 90), 5.0)
@example(shapely.Point(-180, -90), 0.5)
@example(shapely.box(179.5, 10, 180, 10.5), 10.0)
def test_fuzz_tiny_buffers(geom: shapely.Geometry, distance_km: float) -> None:
    try:
        out = zones.geodesic_buffer(geom, distance_km)
    except ZonesError as err:
        _one_line(err)
        return
    assert out.geom_type in ("Polygon", "MultiPolygon")
    assert out.is_valid
    if distance_km > 0.1 and geom.geom_type != "Polygon":
        assert not out.is_empty


def test_zero_length_line_buffer() -> None:
    """A line of one repeated point is buffered as that point."""
    zone = zones.geodesic_buffer(shapely.LineString([(0, 0), (0, 0)]), 1.0)
    point = zones.geodesic_buffer(shapely.Point(0, 0), 1.0)
    assert zone.is_valid
    assert shapely.symmetric_difference(zone, point).area < 1e-4 * point.area


@pytest.mark.parametrize("distance", [1e-42, 1e-9, 0.000999])
def test_vanishing_distance_buffer(distance: float) -> None:
    """Below 1 m a distance is refused with a message (GEOS failed, or memory ran out)."""
    with pytest.raises(zones.ZonesError, match=r"below 1 m; pass 0, or at least 0\.001 km"):
        zones.geodesic_buffer(shapely.LineString([(0, 0), (1, 0)]), distance)


def test_one_metre_buffer_of_a_long_line() -> None:
    """The smallest distance on a 111 km line: vertices every metre once ran out of memory."""
    zone = zones.geodesic_buffer(shapely.LineString([(0, 0), (1, 0)]), 0.001)
    assert zone.is_valid and not zone.is_empty
    assert len(shapely.get_coordinates(zone)) < 100_000
