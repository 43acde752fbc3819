"""Zone files read back with GDAL (pyogrio): GeoJSON, GeoPackage, KML, FlatGeobuf."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import numpy as np
import pyogrio
import pytest
import shapely
from click.testing import CliRunner
from shapely.geometry import box
from test_zones import only

import zones
from zones.cli import main
from zones.export import FORMATS, UnknownFormatError, driver_for
from zones.mapview import _ALPHABET, ENCODING_SCALE, _encode_ring, display_geometry
from zones.scenario import ExerciseRestraint, NoNatoActivity


@cache
def small() -> zones.ZoneSet:
    return zones.build(
        only(
            "draft-2021",
            exercise_restraint=ExerciseRestraint(width_km=50),
            no_nato_activity=NoNatoActivity(),
        )
    )


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_round_trip_through_gdal(fmt: str, tmp_path: Path) -> None:
    zs = small()
    path = zs.to_file(tmp_path / f"zones{FORMATS[fmt].suffix}")
    assert path.exists()
    assert not [p for p in tmp_path.iterdir() if ".part" in p.name]
    info = pyogrio.read_info(path)
    assert info["driver"] in (FORMATS[fmt].driver, "LIBKML")
    back = pyogrio.read_dataframe(path)
    assert back.crs is not None and back.crs.to_epsg() == 4326
    assert len(back) == len(zs.gdf)
    assert back.geometry.is_valid.all()
    for col in ("zone", "article", "party", "kind", "area_km2"):
        assert col in back.columns, (fmt, list(back.columns))
    assert list(back["zone"]) == list(zs.gdf.zone)
    assert list(back["party"]) == [str(p) for p in zs.gdf.party]
    for geom_back, row in zip(back.geometry, zs.gdf.itertuples(), strict=True):
        expected = zones.geodesic_area_km2(row.geometry)
        assert zones.geodesic_area_km2(geom_back) == pytest.approx(expected, rel=1e-6, abs=0.01)
        assert float(row.area_km2) == pytest.approx(expected, abs=0.1)


def test_geojson_is_rfc7946(tmp_path: Path) -> None:
    path = small().to_file(tmp_path / "zones.geojson")
    doc = json.loads(path.read_text())
    assert "crs" not in doc
    for feat in doc["features"]:
        geom = shapely.geometry.shape(feat["geometry"])
        xy = shapely.get_coordinates(geom)
        assert (np.abs(xy[:, 0]) <= 180).all() and (np.abs(xy[:, 1]) <= 90).all()
        assert np.allclose(xy, np.round(xy, 7), atol=0, rtol=0)
        for poly in shapely.get_parts(geom):
            assert poly.exterior.is_ccw
            assert all(not ring.is_ccw for ring in poly.interiors)


def test_driver_for() -> None:
    assert driver_for("a.GPKG") == "GPKG"
    assert driver_for("a.json") == "GeoJSON"
    assert driver_for("a.x", "FlatGeobuf") == "FlatGeobuf"
    with pytest.raises(UnknownFormatError, match=r"suffix '\.shp'"):
        driver_for("a.shp")
    with pytest.raises(UnknownFormatError, match="unknown format 'shp'"):
        driver_for("a.gpkg", "shp")


def test_failed_write_leaves_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "zones.gpkg"
    target.write_text("previous")

    def half_then_fail(_gdf: object, path: Path, **_kw: object) -> None:
        Path(path).write_bytes(b"SQLite format 3\0 half")
        raise OSError("disk full")

    monkeypatch.setattr(pyogrio, "write_dataframe", half_then_fail)
    with pytest.raises(OSError, match="disk full"):
        small().to_file(target)
    assert target.read_text() == "previous"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["zones.gpkg"]


def test_cli_build_formats(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        "zones.builder.load_scenario",
        lambda _s: only("draft-2021", exercise_restraint=ExerciseRestraint(width_km=50)),
    )
    out = tmp_path / "out"
    result = CliRunner().invoke(
        main, ["build", "-o", str(out), "--no-map", "--format", "gpkg,kml,fgb,geojson"]
    )
    assert result.exit_code == 0, result.output
    for fmt in FORMATS.values():
        assert len(pyogrio.read_dataframe(out / f"zones{fmt.suffix}")) > 0
    bad = CliRunner().invoke(main, ["build", "-o", str(out), "--format", "shp"])
    assert bad.exit_code == 2 and "unknown --format 'shp'" in bad.output


# --- display geometry (the map) ----------------------------------------------------------------


def _decode(text: str) -> np.ndarray:
    """The page's decoder, in Python."""
    table = {c: i for i, c in enumerate(_ALPHABET)}
    values, i = [], 0
    while i < len(text):
        shift = result = 0
        while True:
            b = table[text[i]]
            i += 1
            result |= (b & 31) << shift
            shift += 5
            if b < 32:
                break
        values.append(~(result >> 1) if result & 1 else result >> 1)
    return np.cumsum(np.array(values).reshape(-1, 2), axis=0) / ENCODING_SCALE


def test_encoding_round_trip() -> None:
    rng = np.random.default_rng(5)
    xy = np.column_stack([rng.uniform(-200, 200, 500), rng.uniform(-90, 90, 500)])
    decoded = _decode(_encode_ring(xy))
    assert np.abs(decoded - xy).max() <= 0.5 / ENCODING_SCALE + 1e-12
    assert not set(_encode_ring(xy)) & set("{}%#\\\"'<>&")


def test_display_joins_pieces_cut_at_the_antimeridian() -> None:
    chukotka = shapely.MultiPolygon([box(160, 60, 180, 70), box(-180, 64, -170, 68)])
    joined = display_geometry(chukotka)
    assert joined.geom_type == "Polygon"  # one shape, no seam
    assert joined.bounds == pytest.approx((160, 60, 190, 70))
    # the larger side stays put: the Aleutians west of 180 move to the American side
    aleutians = shapely.MultiPolygon([box(175, 51, 180, 53), box(-180, 50, -150, 60)])
    assert display_geometry(aleutians).bounds == pytest.approx((-185, 50, -150, 60))
    # a polar cap spans every longitude: left as it is
    cap = shapely.MultiPolygon([box(-180, 70, 180, 90), box(170, 60, 180, 65)])
    assert display_geometry(cap).bounds[0] == pytest.approx(-180)


def test_display_tolerance_is_below_a_pixel_at_max_zoom() -> None:
    from zones.mapview import DISPLAY_TOLERANCE_DEG, MAX_ZOOM

    estonia = zones.country("EST").geometry
    shown = display_geometry(estonia)
    assert shapely.get_num_coordinates(shown) < shapely.get_num_coordinates(estonia)
    # Hausdorff distance in degrees of longitude; at 59 N one pixel is cos(59) times that in latitude
    pixel = 360 / (256 * 2**MAX_ZOOM)
    assert pytest.approx(pixel) == DISPLAY_TOLERANCE_DEG
    assert shapely.hausdorff_distance(shown, estonia) <= 1.01 * pixel
