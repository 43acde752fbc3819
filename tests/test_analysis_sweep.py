"""zones sweep: share of a country in the exercise zone against the width, checked by
sampling the country and measuring to the border with pyproj."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyproj
import pytest
import shapely
from click.testing import CliRunner

import zones
from zones.analysis import parse_values
from zones.cli import main

GEOD = pyproj.Geod(ellps="WGS84")


def share_within(iso: str, line: shapely.Geometry, width_km: float, n: int = 4000) -> float:
    """Area share of a country within width_km of a line: equal-area random sample
    (uniform in sin(lat)), distances by pyproj to a densified copy of the line."""
    country = zones.country(iso).geometry
    x0, y0, x1, y1 = country.bounds
    rng = np.random.default_rng(1)
    lon = rng.uniform(x0, x1, n * 4)
    lat = np.degrees(np.arcsin(rng.uniform(np.sin(np.radians(y0)), np.sin(np.radians(y1)), n * 4)))
    keep = shapely.contains_xy(country, lon, lat)
    lon, lat = lon[keep][:n], lat[keep][:n]
    xy = shapely.get_coordinates(shapely.segmentize(line, 0.01))
    near = np.zeros(len(lon), dtype=bool)
    for i in range(len(lon)):
        _, _, d = GEOD.inv(np.full(len(xy), lon[i]), np.full(len(xy), lat[i]), xy[:, 0], xy[:, 1])
        near[i] = d.min() / 1000 <= width_km
    return float(near.mean())


def test_parse_values() -> None:
    assert parse_values("10:300:10") == [float(v) for v in range(10, 301, 10)]
    assert parse_values("0.5:1.5:0.5") == [0.5, 1.0, 1.5]
    for bad in ("10:300", "10:300:0", "300:10:10", "a:b:c", ""):
        with pytest.raises(zones.InvalidRangeError):
            parse_values(bad)


def test_estonia_share_grows_with_the_width(tmp_path: Path) -> None:
    result = zones.sweep("draft-2021", "exercise_restraint.width_km", "30:90:60", jobs=2)
    share = result.pivot("share")["EST"]
    line = zones.border("RUS", "EST")
    for width in (30.0, 90.0):
        # Estonia's only border with the other side is Russia's
        assert share[width] == pytest.approx(share_within("EST", line, width), abs=0.025), width
    assert share[90.0] > share[30.0]
    totals = result.totals.set_index("value")
    assert totals.loc[90.0, "area_km2"] > totals.loc[30.0, "area_km2"]
    # the Estonian cities (15,000+ people) within 90 km of the border, measured with pyproj
    cities = zones.cities()
    est = cities[shapely.contains_xy(zones.country("EST").geometry, cities.geometry.x, cities.geometry.y)]
    xy = shapely.get_coordinates(shapely.segmentize(line, 0.01))
    near = [c.population for c in est.itertuples()
            if GEOD.inv(np.full(len(xy), c.geometry.x), np.full(len(xy), c.geometry.y), xy[:, 0], xy[:, 1])[2].min()
            <= 90_000]
    rows = result.table[(result.table.iso_a3 == "EST") & (result.table.value == 90.0)]
    assert rows.cities.iloc[0] == len(near) and rows.city_population.iloc[0] == sum(near)
    assert len(near) >= 2
    fig = result.plot(tmp_path / "est.svg", countries=["Estonia"])
    assert (tmp_path / "est.svg").read_text().lstrip().startswith("<?xml")
    assert fig.axes[0].get_lines()[0].get_label() == "Estonia (EST)"


def test_cli_sweep_writes_csv_and_png(tmp_path: Path) -> None:
    out = tmp_path / "sweep.csv"
    result = CliRunner().invoke(main, ["sweep", "draft-2021", "--param", "exercise_restraint.width_km=20,40",
                                       "-o", str(out), "-j", "1", "--country", "EST,LVA", "-q"])
    assert result.exit_code == 0, result.output
    assert out.read_text().startswith("value,zone,iso_a3,country,area_km2,share")
    png = out.with_suffix(".png")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--param", "exercise_restraint.width_km=10:300"], "bad range '10:300'"),
        (["--param", "exercise_restraint.width_km=10:300:-5"], "the step must be positive"),
        (["--param", "exercise_restraint.widht_km=10:30:10"], "did you mean 'width_km'"),
        (["--param", "high_seas.seas=1:2:1"], "is not a number"),
        (["--param", "exercise_restraint.width_km"], "bad --param"),
        (["--param", "exercise_restraint.width_km=10,20", "--executor", "dask"], "pip install dask[distributed]"),
    ],
)
def test_cli_sweep_bad_input_is_one_line(args: list[str], message: str) -> None:
    pytest.importorskip("click")
    try:
        import dask  # noqa: F401
        if "dask" in args:
            pytest.skip("dask is installed")
    except ImportError:
        pass
    result = CliRunner().invoke(main, ["sweep", "draft-2021", *args])
    assert result.exit_code == 2, result.output
    err = result.stderr.strip()
    assert len(err.splitlines()) == 1 and err.startswith("zones: error: ") and message in err
