"""Scenario files: presets load, defaults hold, bad files give FILE:LINE: [key] messages."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

import zones
from zones.scenario import load_scenario, preset_names, preset_text


def test_presets_are_listed_and_load() -> None:
    names = preset_names()
    assert {"draft-2021", "today"} <= set(names)
    for name in names:
        s = load_scenario(name)
        assert s.title and s.source == f"preset:{name}"


def test_draft_2021_defaults() -> None:
    s = load_scenario("draft-2021")
    assert s.as_of == dt.date(2021, 12, 17)
    assert s.exercise_restraint.width_km == 50
    assert s.missile_exclusion.range_km == 5500
    assert s.bomber_exclusion.reach_km == 3000
    assert s.worldview == "un"


def test_today_is_today() -> None:
    assert load_scenario("today").as_of == dt.date.today()


def test_preset_text_round_trips(tmp_path: Path) -> None:
    path = tmp_path / "mine.toml"
    path.write_text(preset_text("draft-2021"))
    assert load_scenario(path).replace(source="x") == load_scenario("draft-2021").replace(source="x")


def test_ranges_from_the_systems_table() -> None:
    s = load_scenario("draft-2021")
    assert s.with_param("missile_exclusion.range", "9M729").missile_exclusion.range_km == 2500
    assert s.with_param("missile_exclusion.range", "shorter").missile_exclusion.range_km == 1000
    assert s.with_param("missile_exclusion.range", 1234).missile_exclusion.range_km == 1234


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "s.toml"
    path.write_text(text)
    return path


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('title = "x"\n[exercise_restraint]\nwidht_km = 30\n',
         r"s.toml:3: \[exercise_restraint.widht_km\] unknown key 'widht_km' in \[exercise_restraint\]; did you mean 'width_km'\?"),
        ('[exercise_restraint]\nwidth_km = -5\n', r"s.toml:2: \[exercise_restraint.width_km\] width_km -5 must be a positive number of km"),
        ('[exercise_restraint]\nwidth_km = "wide"\n', r"s.toml:2: .*must be a number of km"),
        ('[missile_exclusion]\nrange = 25000\n', r"exceeds 10,000 km"),
        ('[missile_exclusion]\nrange = "9M72"\n', r"s.toml:2: \[missile_exclusion.range\] unknown range or system '9M72'; did you mean '9M729'"),
        ('as_of = "1900-01-01"\n', r"s.toml:1: \[as_of\] .*before 1949-04-04"),
        ('as_of = "2999-01-01"\n', r"in the future"),
        ('[sides]\nnato = ["Estonai"]\n', r"s.toml:2: \[sides.nato\] unknown country 'Estonai'; did you mean 'Estonia' \(EST\)\?"),
        ('[sides]\nnato = []\n', r"\[sides.nato\] is empty"),
        ('[sides]\nnato = ["NATO", "Russia"]\n', r"RUS on both sides"),
        ('[exercise_restraint.overrides]\nFIN = 30\nfin = 40\n', r"'fin' is given twice"),
        ('title = "x\n', r"s.toml:1: TOML syntax error"),
        ('[exersise_restraint]\nwidth_km = 3\n', r"s.toml:1: \[exersise_restraint\] unknown key 'exersise_restraint' in the scenario; did you mean 'exercise_restraint'\?"),
        ('worldview = "cn"\n', r'worldview.*"un" or "ru"'),
    ],
)  # fmt: skip
def test_bad_scenarios(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(zones.ScenarioError, match=message):
        load_scenario(write(tmp_path, text))


def test_unknown_preset_suggests() -> None:
    with pytest.raises(zones.ScenarioError, match="did you mean 'draft-2021'"):
        load_scenario("draft-2012")


def test_missing_file() -> None:
    with pytest.raises(zones.ScenarioError, match="no such scenario file"):
        load_scenario("nope/missing.toml")
