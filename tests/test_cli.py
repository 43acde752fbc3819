"""The command line as users meet it: output, exit status, one-line errors, no half-written files."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

import zones
from zones.cli import main


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def test_version(runner: CliRunner) -> None:
    result = runner.invoke(main, ["--version"])
    assert result.exit_code == 0
    assert zones.__version__ in result.output


def test_help_carries_a_worked_example(runner: CliRunner) -> None:
    result = runner.invoke(main, ["--help"])
    assert result.exit_code == 0
    assert "Examples:" in result.output and "zones members NATO --as-of 2021-12-17" in result.output
    for command in ("members", "border", "map", "buffer"):
        sub = runner.invoke(main, [command, "--help"])
        assert sub.exit_code == 0 and "Example" in sub.output, command


def test_members(runner: CliRunner) -> None:
    result = runner.invoke(main, ["members", "CSTO", "--as-of", "2021-12-17"])
    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    assert [line.split("\t")[0] for line in lines] == ["ARM", "BLR", "KAZ", "KGZ", "RUS", "TJK"]
    assert "Armenia" in lines[0]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["members", "NATTO"], "unknown alliance 'NATTO'; did you mean 'NATO'"),
        (["members", "NATO", "--as-of", "1900-01-01"], "before 1949-04-04"),
        (["members", "NATO", "--as-of", "17/12/2021"], "YYYY-MM-DD"),
        (["border", "Estonai", "Russia"], "did you mean 'Estonia'"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(runner: CliRunner, args: list[str], message: str) -> None:
    result = runner.invoke(main, args)
    assert result.exit_code == 2
    err = result.stderr.strip()
    assert len(err.splitlines()) == 1 and err.startswith("zones: error: ")
    assert message in err
    assert "Traceback" not in result.output


def test_border_geojson_and_lengths(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "b.geojson"
    result = runner.invoke(main, ["border", "Russia", "Estonia,Latvia", "-o", str(out)])
    assert result.exit_code == 0, result.output
    doc = json.loads(out.read_text())
    assert doc["type"] == "FeatureCollection"
    assert {f["properties"]["iso_b"] for f in doc["features"]} == {"EST", "LVA"}
    assert "Russia - Estonia" in result.stderr


def test_map_writes_html_and_prints_path(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "sub" / "map.html"
    result = runner.invoke(main, ["map", "--as-of", "2024-06-01", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == str(out)
    page = out.read_text()
    assert "leaflet" in page.lower() and "Finland" in page and "Land border lines" in page
    assert "Worldview: un" in page
    assert not [p for p in out.parent.iterdir() if p.name.endswith(".part")]


def test_failed_map_leaves_previous_file(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "map.html"
    out.write_text("previous")
    result = runner.invoke(main, ["map", "--side-a", "Narnia", "-o", str(out)])
    assert result.exit_code == 2
    assert out.read_text() == "previous"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["map.html"]


def test_console_script_runs_as_a_process() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "zones.cli", "members", "Union State", "--as-of", "2021-12-17"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == ["BLR", "Belarus", "RUS", "Russia"]


def test_scenarios_list_and_show(runner: CliRunner) -> None:
    listing = runner.invoke(main, ["scenarios"])
    assert listing.exit_code == 0 and "draft-2021" in listing.output and "today" in listing.output
    shown = runner.invoke(main, ["scenarios", "show", "draft-2021"])
    assert shown.exit_code == 0 and 'as_of = "2021-12-17"' in shown.output
    bad = runner.invoke(main, ["scenarios", "show", "draft-2012"])
    assert bad.exit_code == 2 and "did you mean 'draft-2021'" in bad.stderr


def test_articles(runner: CliRunner) -> None:
    result = runner.invoke(main, ["articles"])
    assert result.exit_code == 0
    lines = result.output.strip().splitlines()
    assert len(lines) == 17
    assert any(line.startswith("NATO Art. 7") and "exercise_restraint" in line for line in lines)
    assert any(line.startswith("NATO Art. 2") and "not mapped" in line for line in lines)


@pytest.mark.slow
def test_build_default_scenario(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(main, ["build", "-o", str(tmp_path)])
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == ["manifest.json", "map.html", "stats.csv", "zones.geojson"]
    doc = json.loads((tmp_path / "zones.geojson").read_text())
    zones_built = {f["properties"]["zone"] for f in doc["features"]}
    assert zones_built == {
        "exercise_restraint", "missile_exclusion", "bomber_exclusion", "no_new_deployments",
        "no_nato_activity", "no_us_bases", "nuclear_at_home", "high_seas",
    }  # fmt: skip
    assert "exercise_restraint" in result.stdout and str(tmp_path / "map.html") in result.stdout
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert manifest["as_of"] == "2021-12-17" and manifest["worldview"] == "un"


def test_build_bad_scenario_writes_nothing(runner: CliRunner, tmp_path: Path) -> None:
    scenario = tmp_path / "bad.toml"
    scenario.write_text("[exercise_restraint]\nwidth_km = -1\n")
    out = tmp_path / "out"
    result = runner.invoke(main, ["build", str(scenario), "-o", str(out)])
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        f"zones: error: {scenario}:2: [exercise_restraint.width_km] width_km -1 must be a positive number of km"
    )
    assert not out.exists()
