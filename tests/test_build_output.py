"""``zones build -o DIR``: files zones did not write are kept unless --force, and a failure
or Ctrl-C mid-build leaves the previous files as they were, with no temporary file behind.

The zones are built once (a scenario with only ``no_us_bases``, a few seconds) and handed
to every command, so each test only pays for writing the files.
"""

from __future__ import annotations

import json
import tomllib
from functools import cache
from pathlib import Path

import pytest
from click.testing import CliRunner

import zones
import zones.builder
import zones.scenario
from zones.cli import main
from zones.scenario import Scenario
from zones.zoneset import ZoneSet

SCENARIO = """
title = "Output directory check"
as_of = "2021-12-17"
exercise_restraint = false
missile_exclusion = false
bomber_exclusion = false
no_new_deployments = false
no_nato_activity = false
nuclear_at_home = false
high_seas = false
"""


_REAL_BUILD = zones.builder.build


@cache
def _build(title: str) -> ZoneSet:
    return _REAL_BUILD(zones.scenario.scenario_from_dict(tomllib.loads(SCENARIO)))


@pytest.fixture
def scenario(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The small scenario as a file; ``zones build`` gets its zones from a cache."""
    path = tmp_path / "small.toml"
    path.write_text(SCENARIO)

    def cached_build(s: Scenario, **_kwargs: object) -> ZoneSet:
        zs = _build(s.title)
        return ZoneSet(zs.gdf, s, zs.borders)  # the zones of the small scenario, as titled

    monkeypatch.setattr(zones.builder, "build", cached_build)
    return path


def _snapshot(directory: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(directory.iterdir())}


def _invoke(*args: str) -> object:
    return CliRunner().invoke(main, ["build", *args])


def test_refuses_a_file_zones_did_not_write_then_force(scenario: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "stats.csv").write_text("my own table\n")
    (out / "notes.txt").write_text("keep me\n")
    result = _invoke(str(scenario), "-o", str(out), "--no-map")
    assert result.exit_code == 2, result.output  # type: ignore[attr-defined]
    lines = result.stderr.strip().splitlines()  # type: ignore[attr-defined]
    assert len(lines) == 1 and lines[0].startswith("zones: error: "), lines
    assert str(out / "stats.csv") in lines[0] and "--force" in lines[0]
    assert _snapshot(out) == {"notes.txt": b"keep me\n", "stats.csv": b"my own table\n"}

    result = _invoke(str(scenario), "-o", str(out), "--no-map", "--force")
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    assert (out / "stats.csv").read_text().startswith("zone,")
    assert (out / "notes.txt").read_text() == "keep me\n"  # other files are never touched
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["files"] == ["stats.csv", "zones.geojson"]


def test_refuses_a_foreign_manifest(scenario: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "manifest.json").write_text('{"files": ["zones.geojson"]}\n')
    result = _invoke(str(scenario), "-o", str(out), "--no-map")
    assert result.exit_code == 2
    assert "manifest.json exists and is not a manifest written by zones" in result.stderr  # type: ignore[attr-defined]
    assert sorted(p.name for p in out.iterdir()) == ["manifest.json"]


def test_rebuilds_over_its_own_output(scenario: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert _invoke(str(scenario), "-o", str(out)).exit_code == 0  # type: ignore[attr-defined]
    first = _snapshot(out)
    assert sorted(first) == ["manifest.json", "map.html", "stats.csv", "zones.geojson"]
    # again, then without the map, then with another format: all without --force
    assert _invoke(str(scenario), "-o", str(out)).exit_code == 0  # type: ignore[attr-defined]
    again = _snapshot(out)
    assert sorted(again) == sorted(first)
    # the same bytes, but for the map's element ids (folium numbers them at random)
    assert {k: v for k, v in again.items() if k != "map.html"} == {
        k: v for k, v in first.items() if k != "map.html"
    }
    assert _invoke(str(scenario), "-o", str(out), "--no-map").exit_code == 0  # type: ignore[attr-defined]
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["files"] == ["stats.csv", "zones.geojson"]
    assert manifest["older_files"] == ["map.html"]  # still known as zones' own
    result = _invoke(str(scenario), "-o", str(out), "-f", "geojson,gpkg")
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["files"] == ["map.html", "stats.csv", "zones.geojson", "zones.gpkg"]
    assert "older_files" not in manifest
    assert not [p for p in out.iterdir() if ".part" in p.name]


@pytest.mark.parametrize("failure", [KeyboardInterrupt, RuntimeError])
def test_failure_mid_build_leaves_previous_files(
    scenario: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failure: type
) -> None:
    out = tmp_path / "out"
    assert _invoke(str(scenario), "-o", str(out), "--no-map").exit_code == 0  # type: ignore[attr-defined]
    (out / "notes.txt").write_text("keep me\n")
    before = _snapshot(out)

    def broken_map(self: ZoneSet, *args: object, **kwargs: object) -> None:
        # by now zones.geojson and stats.csv of the new build are written (to temporaries)
        assert [p for p in out.iterdir() if ".part" in p.name]
        raise failure("interrupted while drawing the map")

    monkeypatch.setattr(ZoneSet, "to_map", broken_map)
    edited = scenario.parent / "edited.toml"
    edited.write_text(SCENARIO.replace("Output directory check", "Another title"))
    result = _invoke(str(edited), "-o", str(out), "-f", "geojson,gpkg")
    assert result.exit_code == 1, result.output  # type: ignore[attr-defined]
    if failure is RuntimeError:
        assert result.stderr.startswith("zones: internal error: RuntimeError")  # type: ignore[attr-defined]
    assert _snapshot(out) == before  # no new file, no changed file, no temporary file


@pytest.mark.slow
def test_kill_mid_build_leaves_previous_files(tmp_path: Path) -> None:
    """SIGTERM (``kill``) while the files are written: exit 143, the previous files as they
    were and no temporary file behind (a real process, not the cached zones)."""
    import signal
    import subprocess
    import sys
    import time

    scenario = tmp_path / "small.toml"
    scenario.write_text(SCENARIO)
    out = tmp_path / "out"
    out.mkdir()
    (out / "notes.txt").write_text("keep me\n")
    before = _snapshot(out)
    command = [sys.executable, "-m", "zones.cli", "-q", "build", str(scenario), "-o", str(out)]
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while proc.poll() is None and time.monotonic() < deadline:
        if [p for p in out.iterdir() if ".part" in p.name]:
            proc.send_signal(signal.SIGTERM)
            break
        time.sleep(0.005)
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 143, stderr
    assert _snapshot(out) == before
