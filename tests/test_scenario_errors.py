"""Scenario errors in every TOML form: one line, ``FILE:LINE: [table.key] what; what to do``,
exit status 2 from the CLI, and nothing accepted that the build would ignore or fail on."""

from __future__ import annotations

import datetime as dt
import os
import types
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

import zones
from zones.clauses.exercise_restraint import _width
from zones.cli import main
from zones.scenario import load_scenario, preset_text

HUGE = "1" + "0" * 400


def build(tmp_path: Path, text: str | bytes, name: str = "s.toml") -> tuple[Result, Path]:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir(exist_ok=True)
    return CliRunner().invoke(main, ["build", str(path), "-o", str(out)]), path


def error_line(result: Result) -> str:
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("zones: error: "), result.stderr
    assert "internal error" not in result.stderr and "Traceback" not in result.stderr
    return lines[0]


def load_error(tmp_path: Path, text: str) -> str:
    path = tmp_path / "s.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(zones.ScenarioError) as info:
        load_scenario(path)
    message = str(info.value)
    assert message.splitlines() == [message], message
    return message


# --- 1. integers too large for a float ----------------------------------------------------


@pytest.mark.parametrize(
    ("text", "where"),
    [
        (f"[exercise_restraint]\nwidth_km = {HUGE}\n", ":2: [exercise_restraint.width_km]"),
        (f"[exercise_restraint]\nnato_side_km = {HUGE}\n", ":2: [exercise_restraint.nato_side_km]"),
        (f"[missile_exclusion]\nrange = {HUGE}\n", ":2: [missile_exclusion.range]"),
        (f"[exercise_restraint.overrides]\nFIN = {HUGE}\n", ":2: [exercise_restraint.overrides]"),
        (f"[bomber_exclusion]\nplatform_radius_km = {HUGE}\n", ":2: [bomber_exclusion.platform_radius_km]"),
        (f"[bomber_exclusion]\nweapon = {HUGE}\n", ":2: [bomber_exclusion.weapon]"),
        ("[bomber_exclusion]\nweapon = 0x1" + "0" * 5000 + "\n", ":2: [bomber_exclusion.weapon]"),
    ],
)  # fmt: skip
def test_huge_integer_exceeds_the_limit(tmp_path: Path, text: str, where: str) -> None:
    result, path = build(tmp_path, text)
    line = error_line(result)
    assert f"{path}{where}" in line
    assert "exceeds 10,000 km" in line
    assert len(line) < 400, line


def test_huge_negative_integer(tmp_path: Path) -> None:
    line = error_line(build(tmp_path, f"[exercise_restraint]\nwidth_km = -{HUGE}\n")[0])
    assert ":2: [exercise_restraint.width_km]" in line and "must be a positive number" in line


def test_integer_beyond_the_toml_reader(tmp_path: Path) -> None:
    """More than 4300 decimal digits: Python's int() refuses it inside the TOML reader."""
    text = 'title = "x"\n[exercise_restraint]\nwidth_km = 1' + "0" * 5000 + "\n"
    result, path = build(tmp_path, text)
    assert f"{path}:3: " in error_line(result)


@pytest.mark.parametrize("value", [f"[{HUGE}]", f"0x{'f' * 5000}", f"[0x{'f' * 5000}]"])
def test_huge_integers_elsewhere(tmp_path: Path, value: str) -> None:
    for key in ("as_of", "worldview", "title"):
        message = load_error(tmp_path, f"{key} = {value}\n")
        assert f"s.toml:1: [{key}]" in message and len(message) < 400
    for table, key in (("sides", "nato"), ("no_us_bases", "enabled"), ("high_seas", "seas")):
        message = load_error(tmp_path, f"[{table}]\n{key} = {value}\n")
        assert f"s.toml:2: [{table}.{key}]" in message and len(message) < 400


# --- 2. nesting --------------------------------------------------------------------------


def test_deep_nesting(tmp_path: Path) -> None:
    result, path = build(tmp_path, "title = " + "[" * 5000 + "]" * 5000 + "\n")
    line = error_line(result)
    assert str(path) in line and "nested too deeply" in line


# --- 3. the line of every TOML form -------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("[exercise_restraint.overrides]\nFIN = -30\n", ":2: [exercise_restraint.overrides]"),
        ('title = "x"\n\n[exercise_restraint]\nwidth_km = 5\n[exercise_restraint.overrides]  # c\nPOL = 30\nFIN = -30\n',
         ":7: [exercise_restraint.overrides]"),
        ('title = "x"\nexercise_restraint = { width_km = -5 }\n', ":2: [exercise_restraint.width_km]"),
        ('title = "x"\nexercise_restraint.width_km = -5\n', ":2: [exercise_restraint.width_km]"),
        ('title = "x"\nexercise_restraint . "width_km" = -5\n', ":2: [exercise_restraint.width_km]"),
        ('title = "x"\nexercise_restraint.overrides.FIN = -5\n', ":2: [exercise_restraint.overrides]"),
        ('title = "x"\n[exercise_restraint]\noverrides = { POL = 3, FIN = -5 }\n', ":3: [exercise_restraint.overrides]"),
        ('worldview = "un"\n[title]\n', ":2: [title]"),
        ('worldview = "un"\n[as_of]\n', ":2: [as_of]"),
        ('title = "x"\n[sides.russia]\n', ":2: [sides.russia]"),
        ('title = "x"\nsides = { nato = ["Estonai"] }\n', ":2: [sides.nato]"),
        ('title = "x"\nsides.nato = ["Estonai"]\n', ":2: [sides.nato]"),
        ('title = "x"\nhigh_seas = 5\n', ":2: [high_seas]"),
        ('title = "x"\n[[high_seas]]\n', ":2: [high_seas]"),
        ('title = "x"\n[exercise_restraint]\n"width_km" = -5\n', ":3: [exercise_restraint.width_km]"),
        ("title = 'x'\n[exercise_restraint]\n'width_km' = -5\n", ":3: [exercise_restraint.width_km]"),
        ('title = "x"\n[ exercise_restraint ]\nwidth_km = -5\n', ":3: [exercise_restraint.width_km]"),
        ('title = "x"\n["exercise_restraint"]\nwidth_km = -5\n', ":3: [exercise_restraint.width_km]"),
        # text that looks like a table inside a multi-line string is not a table
        ('title = """\n[exercise_restraint]\nwidth_km = 5\n"""\n[exercise_restraint]\nwidth_km = -5\n',
         ":6: [exercise_restraint.width_km]"),
        ("title = '''\n[exercise_restraint]\nwidth_km = 5\n'''\n[exercise_restraint]\nwidth_km = -5\n",
         ":6: [exercise_restraint.width_km]"),
        ('[exercise_restraint]\n# width_km = 5\nenabled = true # width_km = 1\nwidth_km = -5\n', ":4: [exercise_restraint.width_km]"),
        ('[sides]\nnato = [\n  "NATO",\n  "Estonai",  # a typo\n]\nrussia = ["Russia"]\n', ":2: [sides.nato]"),
        ('[no_nato_activity]\nstates = ["Ukraine"]\n[no_nato_activity.x]\n', ":3: [no_nato_activity.x]"),
        ('title = "x"\n"tit\\u006ce2" = 1\n', ":2: [title2]"),
    ],
)  # fmt: skip
def test_line_of_every_form(tmp_path: Path, text: str, where: str) -> None:
    result, path = build(tmp_path, text)
    assert f"{path}{where}" in error_line(result)


def test_line_of_a_default_value_is_its_table(tmp_path: Path) -> None:
    """nato is not in the file: the message points at [sides]."""
    message = load_error(tmp_path, 'title = "x"\n[sides]\nrussia = ["NATO"]\n')
    assert "s.toml:2: [sides.nato]" in message


# --- 4. one line whatever the user wrote --------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        '[exercise_restraint]\n"a\\nb" = 1\n',
        '[exercise_restraint]\n"a\\rb" = 1\n',
        '[exercise_restraint]\n"a\u2028b" = 1\n',
        '[exercise_restraint]\n"a\\u0085b" = 1\n',
        '[exercise_restraint]\n"a\\u000bb" = 1\n',
        '"x\\ny" = 1\n',
        '["x\\ny"]\n',
        '[sides]\nnato = ["Esto\\nnia"]\n',
        '[sides]\n"ch\\nina" = ["x"]\n',
        '[high_seas]\nseas = ["Baltic\\nSea"]\n',
        '[missile_exclusion]\nrange = "Iskander\\n"\n',
        '[missile_exclusion]\ndrafts = ["U\\nS"]\n',
        '[exercise_restraint.overrides]\n"FI\\nN" = 3\n',
        '[exercise_restraint.overrides]\nFIN = "3\\n"\n',
        'as_of = "2021-12-17\\n1"\n',
        'worldview = "u\\nn"\n',
        '[no_new_deployments]\ninclude = ["Ukr\\u2029aine"]\n',
    ],
)
def test_one_line_whatever_the_text(tmp_path: Path, text: str) -> None:
    message = load_error(tmp_path, text)
    assert message.startswith(f"{tmp_path / 's.toml'}:"), message


def test_key_with_a_newline_from_the_cli(tmp_path: Path) -> None:
    line = error_line(build(tmp_path, '[exercise_restraint]\n"a\\nb" = 1\n')[0])
    assert ":2: [exercise_restraint.'a\\nb'] unknown key 'a\\nb'" in line


@pytest.mark.skipif(os.name == "nt", reason="no newline in Windows file names")
def test_file_name_with_a_newline(tmp_path: Path) -> None:
    path = tmp_path / "a\nb.toml"
    path.write_text("[exercise_restraint]\nwidth_km = -5\n")
    with pytest.raises(zones.ScenarioError) as info:
        load_scenario(path)
    assert "\n" not in str(info.value) and ":2: [exercise_restraint.width_km]" in str(info.value)


# --- 5. overrides: only states and borders the build uses ---------------------------------

TODAY = 'as_of = "2024-06-01"\n'


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[exercise_restraint.overrides]\nXYZ = 30\n", ":2: [exercise_restraint.overrides] override 'XYZ': unknown country 'XYZ'"),
        ('[exercise_restraint.overrides]\n"RUS-QQQ" = 20\n', ":2: [exercise_restraint.overrides] override 'RUS-QQQ': unknown country 'QQQ'"),
        ('[exercise_restraint.overrides]\nFinlnd = 20\n', "did you mean 'Finland' (FIN)?"),
        (TODAY + '[exercise_restraint.overrides]\nPOL = 20\n"RUS-Polnd" = 20\n', ":4: [exercise_restraint.overrides] override 'RUS-Polnd': unknown country 'Polnd'; did you mean 'Poland' (POL)?"),
        # Finland joined NATO on 4 April 2023: on the default date it is on neither side
        ("[exercise_restraint.overrides]\nFIN = 30\n", ":2: [exercise_restraint.overrides] override 'FIN': FIN is on neither side on 2021-12-17"),
        (TODAY + "[exercise_restraint.overrides]\nCHN = 30\n", "override 'CHN': CHN is on neither side on 2024-06-01"),
        (TODAY + '[exercise_restraint.overrides]\n"POL-LTU" = 30\n', "override 'POL-LTU': POL and LTU are both in sides.nato"),
        (TODAY + '[exercise_restraint.overrides]\n"RUS-BLR" = 30\n', "override 'RUS-BLR': RUS and BLR are both in sides.russia"),
        (TODAY + '[exercise_restraint.overrides]\n"RUS-CHN" = 30\n', "override 'RUS-CHN': CHN is on neither side"),
        (TODAY + '[exercise_restraint.overrides]\n"RUS-FIN" = 30\n"FIN-RUS" = 40\n', ":4: [exercise_restraint.overrides] 'FIN-RUS' is given twice"),
        (TODAY + '[exercise_restraint.overrides]\nFIN = 30\nFinland = 40\n', "'Finland' is given twice"),
        (TODAY + '[exercise_restraint.overrides]\n"" = 30\n', "override '': unknown country ''"),
    ],
)  # fmt: skip
def test_override_keys(tmp_path: Path, text: str, expected: str) -> None:
    result, path = build(tmp_path, text)
    line = error_line(result)
    assert expected in line
    assert str(path) in line


def test_override_keys_the_build_uses(tmp_path: Path) -> None:
    path = tmp_path / "s.toml"
    path.write_text(
        TODAY + '[exercise_restraint.overrides]\nFinland = 30\n"pol-rus" = 100\nee = 20\n'
        '"Russia-Lithuania" = 70\n'
    )
    s = load_scenario(path)
    assert dict(s.exercise_restraint.overrides) == {
        "FIN": 30.0,
        "POL-RUS": 100.0,
        "EST": 20.0,
        "RUS-LTU": 70.0,
    }
    ctx = types.SimpleNamespace(scenario=s)
    assert _width(ctx, "RUS", "FIN", "nato") == 30  # type: ignore[arg-type]
    assert _width(ctx, "RUS", "POL", "russia") == 100  # type: ignore[arg-type]
    assert _width(ctx, "RUS", "EST", "russia") == 20  # type: ignore[arg-type]
    assert _width(ctx, "RUS", "LTU", "russia") == 70  # type: ignore[arg-type]
    assert _width(ctx, "BLR", "LTU", "russia") == 50  # type: ignore[arg-type]
    # the validated table goes through with_param unchanged
    again = s.with_param("exercise_restraint.width_km", 60).exercise_restraint.overrides
    assert again == s.exercise_restraint.overrides


def test_override_preset_loads() -> None:
    s = load_scenario("agreed-configuration")
    assert dict(s.exercise_restraint.overrides) == {"FIN": 30, "POL": 100, "LTU": 100}


def test_with_param_checks_override_keys() -> None:
    s = load_scenario("today")
    with pytest.raises(zones.ScenarioError, match="override 'CHN': CHN is on neither side"):
        s.with_param("exercise_restraint.overrides", {"CHN": 30})


# --- 6. sums of distances ---------------------------------------------------------------


def test_bomber_reach_over_the_limit(tmp_path: Path) -> None:
    text = "[bomber_exclusion]\nweapon = 9000\nplatform_radius_km = 5000\n"
    result, path = build(tmp_path, text)
    line = error_line(result)
    assert f"{path}:3: [bomber_exclusion.platform_radius_km]" in line
    assert "14,000 km" in line and "exceeds 10,000 km" in line


def test_bomber_reach_with_a_system(tmp_path: Path) -> None:
    message = load_error(
        tmp_path, '[bomber_exclusion]\nweapon = "Kh-55"\nplatform_radius_km = 7001\n'
    )
    assert "s.toml:3: [bomber_exclusion.platform_radius_km]" in message
    path = tmp_path / "ok.toml"
    path.write_text('[bomber_exclusion]\nweapon = "Kh-55"\nplatform_radius_km = 7000\n')
    assert load_scenario(path).bomber_exclusion.reach_km == 10_000


def test_bomber_reach_in_a_sweep() -> None:
    """with_param (zones sweep) checks the sum too."""
    s = load_scenario("draft-2021").with_param("bomber_exclusion.weapon", 9000)
    assert s.bomber_exclusion.reach_km == 9000
    with pytest.raises(zones.ScenarioError, match=r"exceeds 10,000 km"):
        s.with_param("bomber_exclusion.platform_radius_km", 1001)


# --- 7. how the file is read ---------------------------------------------------------------


def test_utf8_bom_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "bom.toml"
    path.write_bytes(b'\xef\xbb\xbftitle = "With a BOM"\n[exercise_restraint]\nwidth_km = 40\n')
    s = load_scenario(path)
    assert s.title == "With a BOM" and s.exercise_restraint.width_km == 40
    path.write_bytes(b'\xef\xbb\xbftitle = "With a BOM"\n[exercise_restraint]\nwidth_km = -4\n')
    with pytest.raises(zones.ScenarioError, match=r"bom.toml:3: \[exercise_restraint.width_km\]"):
        load_scenario(path)


def test_directory(tmp_path: Path) -> None:
    (tmp_path / "dir.toml").mkdir()
    result = CliRunner().invoke(main, ["build", str(tmp_path / "dir.toml")])
    line = error_line(result)
    assert line.endswith("is a directory; give a .toml file or a preset name"), line
    assert "Errno" not in line


def test_not_utf8(tmp_path: Path) -> None:
    result, path = build(tmp_path, b"title = '\xff'\n")
    assert error_line(result) == (
        f"zones: error: {path}: not UTF-8 text (byte 0xff at position 9); save the file as UTF-8"
    )


# --- 8. a digest of the content ------------------------------------------------------------


def test_sha256_ignores_the_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "mine.toml"
    path.write_text(preset_text("draft-2021"))
    monkeypatch.chdir(tmp_path)
    relative = load_scenario("mine.toml")
    absolute = load_scenario(path.resolve())
    assert relative.source != absolute.source
    digest = relative.sha256()
    assert len(digest) == 64 and int(digest, 16) >= 0
    assert absolute.sha256() == digest == load_scenario("draft-2021").sha256()
    path.write_text(preset_text("draft-2021").replace("width_km = 50", "width_km = 51"))
    assert load_scenario(path).sha256() != digest


def test_sha256_sees_every_field() -> None:
    s = load_scenario("draft-2021")
    changed = [
        s.replace(title="other"),
        s.replace(as_of=dt.date(2022, 1, 1)),
        s.replace(worldview="ru"),
        s.with_param("missile_exclusion.range", "shorter"),
        s.with_param("bomber_exclusion.enabled", False),
        s.with_param("high_seas.seas", ["Baltic Sea"]),
        s.with_param("exercise_restraint.overrides", {"RUS-POL": 20}),
    ]
    digests = {c.sha256() for c in changed}
    assert len(digests) == len(changed) and s.sha256() not in digests
    assert s.replace(source="elsewhere").sha256() == s.sha256()
