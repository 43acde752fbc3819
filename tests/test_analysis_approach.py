"""zones approach: closest point of approach, checked against a brute-force pyproj search."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import numpy as np
import pyproj
import pytest
from click.testing import CliRunner

import zones
from zones.analysis import Track, closest_approach
from zones.cli import main

GEOD = pyproj.Geod(ellps="WGS84")
DATA = Path(__file__).parent / "data"


def brute_cpa(features: list[dict], step_s: float = 1.0) -> tuple[float, float]:
    """Minimum distance (km) and its time (s) by stepping every second; positions moved
    along the geodesic between fixes with pyproj's Geod.fwd, written independently here."""

    def positions(feature: dict, t: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        times = np.array([dt.datetime.fromisoformat(s).timestamp() for s in feature["properties"]["times"]])
        xy = np.array(feature["geometry"]["coordinates"], dtype=float)
        lon, lat = np.empty(len(t)), np.empty(len(t))
        for j, s in enumerate(t):
            i = min(max(np.searchsorted(times, s) - 1, 0), len(times) - 2)
            az, _, dist = GEOD.inv(xy[i, 0], xy[i, 1], xy[i + 1, 0], xy[i + 1, 1])
            f = (s - times[i]) / (times[i + 1] - times[i])
            lon[j], lat[j], _ = GEOD.fwd(xy[i, 0], xy[i, 1], az, dist * f)
        return lon, lat

    a, b = features
    ta = [dt.datetime.fromisoformat(s).timestamp() for s in a["properties"]["times"]]
    tb = [dt.datetime.fromisoformat(s).timestamp() for s in b["properties"]["times"]]
    t = np.arange(max(ta[0], tb[0]), min(ta[-1], tb[-1]) + step_s, step_s)
    t = t[t <= min(ta[-1], tb[-1])]
    alon, alat = positions(a, t)
    blon, blat = positions(b, t)
    _, _, d = GEOD.inv(alon, alat, blon, blat)
    k = int(np.argmin(d))
    return float(d[k]) / 1000, float(t[k])


@pytest.mark.parametrize("fmt", ["geojson", "csv"])
def test_baltic_tracks_match_brute_force(fmt: str) -> None:
    doc = json.loads((DATA / "tracks-baltic.geojson").read_text())
    tracks = zones.read_tracks(DATA / f"tracks-baltic.{fmt}")
    assert [t.id for t in tracks] == ["destroyer", "patrol ship", "aircraft"]
    result = zones.closest_approaches(tracks, max_km=10)
    assert [(r.a, r.b) for r in result] == [("destroyer", "patrol ship"), ("destroyer", "aircraft"),
                                            ("patrol ship", "aircraft")]
    feats = {f["properties"]["id"]: f for f in doc["features"]}
    for r in result:
        km, t = brute_cpa([feats[r.a], feats[r.b]])
        assert r.cpa_km is not None and r.time is not None
        assert r.cpa_km <= km + 1e-6 and r.cpa_km == pytest.approx(km, abs=0.005)
        assert r.time.timestamp() == pytest.approx(t, abs=5.0)
        assert r.violation == (r.cpa_km < 10)
    assert [r.violation for r in result] == [True, False, False]


def test_stationary_object_against_a_geodesic() -> None:
    # a ship running from P to Q at constant speed and a buoy: the CPA is the distance from
    # the buoy to the geodesic P-Q, found here by densifying that geodesic with Geod.npts
    p, q, buoy = (20.0, 55.0), (22.0, 56.5), (21.3, 55.5)
    ship = Track("ship", np.array([0.0, 7200.0]), np.array([p[0], q[0]]), np.array([p[1], q[1]]))
    still = Track("buoy", np.array([0.0, 7200.0]), np.array([buoy[0]] * 2), np.array([buoy[1]] * 2))
    pts = np.array(GEOD.npts(p[0], p[1], q[0], q[1], 200_000))
    _, _, d = GEOD.inv(np.full(len(pts), buoy[0]), np.full(len(pts), buoy[1]), pts[:, 0], pts[:, 1])
    r = closest_approach(ship, still)
    assert r.cpa_km == pytest.approx(d.min() / 1000, abs=1e-3)
    assert r.a_lon == pytest.approx(pts[np.argmin(d), 0], abs=1e-3)


def test_no_common_time() -> None:
    a = Track("a", np.array([0.0, 10.0]), np.array([0.0, 1.0]), np.array([0.0, 0.0]))
    b = Track("b", np.array([20.0, 30.0]), np.array([0.0, 1.0]), np.array([0.0, 0.0]))
    r = closest_approach(a, b, max_km=5)
    assert r.cpa_km is None and not r.violation and r.to_dict()["time"] is None


def test_cli_json_and_map(tmp_path: Path) -> None:
    out = tmp_path / "cpa.html"
    result = CliRunner().invoke(main, ["approach", str(DATA / "tracks-baltic.geojson"), "--max-km", "10",
                                       "--json", "--map", str(out)])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.strip().splitlines()]
    assert len(rows) == 3 and {"a", "b", "cpa_km", "time", "violation"} <= set(rows[0])
    assert rows[0]["time"].endswith("Z") and dt.datetime.fromisoformat(rows[0]["time"])
    assert "Closest points of approach" in out.read_text()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("id,time,lat,lon\na,2021-12-17T10:00:00Z,55,20\na,2021-12-17T11:00:00Z,55,21\n", "1 track(s)"),
        ("id,time,lat,lon\na,yesterday,55,20\n", "time 'yesterday' is not ISO 8601"),
        ("id,when,lat,lon\n", "no time column"),
        ("id,time,lat,lon\na,2021-12-17T10:00:00Z,95,20\n", "out of range"),
    ],
)
def test_cli_bad_tracks_are_one_line(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "tracks.csv"
    path.write_text(content)
    result = CliRunner().invoke(main, ["approach", str(path)])
    assert result.exit_code == 2, result.output
    err = result.stderr.strip()
    assert len(err.splitlines()) == 1 and err.startswith("zones: error: ") and message in err
