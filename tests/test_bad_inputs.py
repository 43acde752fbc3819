"""Every bad input ends in one line on stderr, exit status 2, and no output file touched."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

import zones.geodesic
import zones.geojson_io
from zones.cli import main

PREVIOUS = "previous output\n"

# (name, scenario TOML, expected part of the message)
BAD_SCENARIOS = [
    ("typo-key", "[exercise_restraint]\nwidht_km = 30\n", ":2: [exercise_restraint.widht_km] unknown key 'widht_km' in [exercise_restraint]; did you mean 'width_km'?"),
    ("typo-table", "[missle_exclusion]\nrange = 500\n", ":1: [missle_exclusion] unknown key 'missle_exclusion' in the scenario; did you mean 'missile_exclusion'?"),
    ("typo-top-key", 'tilte = "x"\n', ":1: [tilte] unknown key 'tilte' in the scenario; did you mean 'title'?"),
    ("width-string", '[exercise_restraint]\nwidth_km = "50"\n', ":2: [exercise_restraint.width_km] width_km must be a number of km, not '50'"),
    ("width-negative", "[exercise_restraint]\nwidth_km = -50\n", "width_km -50 must be a positive number of km"),
    ("width-zero", "[exercise_restraint]\nwidth_km = 0\n", "width_km 0 must be a positive number of km"),
    ("width-absurd", "[exercise_restraint]\nwidth_km = 50000\n", "width_km 50000 km exceeds 10,000 km"),
    ("width-beyond-engine", "[exercise_restraint]\nwidth_km = 15000\n", "width_km 15000 km exceeds 10,000 km, the largest distance zones buffers"),
    ("width-below-a-metre", "[exercise_restraint]\nwidth_km = 0.0001\n", "width_km 0.0001 km is below 1 m; give 0 or at least 0.001 km"),
    ("width-nan", "[exercise_restraint]\nwidth_km = nan\n", "width_km nan must be a positive number of km"),
    ("side-width-negative", "[exercise_restraint]\nnato_side_km = -1\n", "[exercise_restraint.nato_side_km] nato_side_km -1 must be a positive number"),
    ("override-negative", "[exercise_restraint.overrides]\nFIN = -30\n", "override 'FIN' -30 must be a positive number of km"),
    ("override-no-border", "[exercise_restraint.overrides]\nKAZ = 30\n", "override 'KAZ': KAZ has no land border with a state of the other side on 2021-12-17, so the width is never used"),
    ("override-pair-no-border", '[exercise_restraint.overrides]\n"RUS-USA" = 30\n', "override 'RUS-USA': RUS and USA share no land border, so the width is never used"),
    ("override-duplicate", "[exercise_restraint.overrides]\nFIN = 30\nfin = 40\n", "'fin' is given twice; keep one width per border"),
    ("overrides-not-table", "[exercise_restraint]\noverrides = 30\n", "[exercise_restraint.overrides] must be a table"),
    ("range-unknown-system", '[missile_exclusion]\nrange = "Iskandr-M"\n', "unknown range or system 'Iskandr-M'; did you mean 'Iskander-M'?"),
    ("range-negative", "[missile_exclusion]\nrange = -500\n", "range -500.0 must be a positive number of km"),
    ("range-absurd", "[missile_exclusion]\nrange = 40000\n", "exceeds 10,000 km"),
    ("range-bool", "[missile_exclusion]\nrange = true\n", "is not a number of km or a system name"),
    ("drafts-unknown", '[missile_exclusion]\ndrafts = ["EU"]\n', "unknown draft 'EU'; use \"US\" and/or \"NATO\""),
    ("weapon-unknown", '[bomber_exclusion]\nweapon = "Kh-101"\n', "unknown range or system 'Kh-101'"),
    ("platform-negative", "[bomber_exclusion]\nplatform_radius_km = -5\n", "platform_radius_km -5 must be a positive number"),
    ("enabled-not-bool", '[high_seas]\nenabled = "yes"\n', "[high_seas.enabled] must be true or false, not 'yes'"),
    ("sea-unknown", '[high_seas]\nseas = ["Baltic"]\n', "unknown sea 'Baltic'; did you mean 'Baltic Sea'?"),
    ("subregion-unknown", '[no_nato_activity]\nsubregions = ["Eastern Europa"]\n', "unknown subregion 'Eastern Europa'; did you mean 'Eastern Europe'?"),
    ("include-unknown-country", '[no_new_deployments]\ninclude = ["Moldavia"]\n', "[no_new_deployments.include] unknown country 'Moldavia'"),
    ("states-not-list", "[no_nato_activity]\nstates = 5\n", "must be a list of names"),
    ("date-malformed", 'as_of = "17.12.2021"\n', ":1: [as_of] as_of '17.12.2021' is not a date; write it as YYYY-MM-DD"),
    ("date-before-1949", "as_of = 1900-01-01\n", "is before 1949-04-04"),
    ("date-future", 'as_of = "2999-01-01"\n', "2999-01-01 is in the future"),
    ("worldview-unknown", 'worldview = "cn"\n', "'cn' is not a worldview; use \"un\" or \"ru\""),
    ("title-empty", 'title = ""\n', "[title] must be a non-empty string"),
    ("side-unknown-country", '[sides]\nnato = ["Estonai"]\n', ":2: [sides.nato] unknown country 'Estonai'; did you mean 'Estonia' (EST)?"),
    ("side-unknown-alliance", '[sides]\nnato = ["NATTO"]\n', "unknown alliance 'NATTO'; did you mean 'NATO'?"),
    ("side-empty", "[sides]\nrussia = []\n", "[sides.russia] is empty; name at least one state or alliance"),
    ("sides-overlap", '[sides]\nnato = ["NATO", "Belarus"]\n', "BLR on both sides"),
    ("sides-unknown-key", '[sides]\nchina = ["CHN"]\n', "unknown key 'china' in [sides]"),
    ("sides-not-table", 'sides = "NATO"\n', "[sides] must be a table"),
    ("toml-syntax", 'title = "unclosed\n', ":1: TOML syntax error"),
    ("toml-duplicate-key", "[exercise_restraint]\nwidth_km = 1\nwidth_km = 2\n", "TOML syntax error"),
]  # fmt: skip

# (name, GeoJSON text, extra args, expected part of the message)
BAD_GEOJSON = [
    ("not-json", "{type: Point}", [], "not valid JSON"),
    ("json-list", "[1, 2]", [], "expected a GeoJSON object, got list"),
    ("unknown-type", '{"type": "Circle", "coordinates": [0, 0]}', [], "'Circle' is not a GeoJSON geometry"),
    ("feature-no-geometry", '{"type": "Feature", "properties": {}, "geometry": null}', [], "the feature has no geometry"),
    ("properties-not-object", '{"type": "Feature", "properties": 3, "geometry": {"type": "Point", "coordinates": [0, 0]}}', [], "'properties' must be an object or null"),
    ("collection-not-list", '{"type": "FeatureCollection", "features": {}}', [], "without a 'features' list"),
    ("collection-empty", '{"type": "FeatureCollection", "features": []}', [], "has no features"),
    ("lon-out-of-range", '{"type": "Point", "coordinates": [200, 10]}', [], "coordinates out of range"),
    ("lat-lon-swapped", '{"type": "Point", "coordinates": [59.4, 124.7]}', [], "they look like [lat, lon]: GeoJSON is [lon, lat]"),
    ("nan", '{"type": "Point", "coordinates": [NaN, 10]}', [], "coordinates must be finite numbers"),
    ("infinity", '{"type": "Point", "coordinates": [Infinity, 10]}', [], "coordinates must be finite numbers"),
    ("empty-geometry", '{"type": "LineString", "coordinates": []}', [], "is empty"),
    ("broken-ring", '{"type": "Polygon", "coordinates": [[[0, 0], [1, 1]]]}', [], "malformed Polygon"),
    ("non-wgs84-crs", '{"type": "FeatureCollection", "crs": {"type": "name", "properties": {"name": "EPSG:3857"}}, "features": [{"type": "Feature", "properties": {}, "geometry": {"type": "Point", "coordinates": [0, 0]}}]}', [], "is not WGS84 lon/lat; reproject to EPSG:4326"),
    ("empty-input", "  \n", [], "the input is empty; give a GeoJSON geometry"),
    ("nested-too-deeply", "[" * 100_000 + "]" * 100_000, [], "not valid GeoJSON (nested too deeply)"),
    ("number-too-long", '{"type": "Point", "coordinates": [1' + "0" * 5000 + ", 1]}", [], "not valid GeoJSON (a number too long)"),
    ("coordinates-bool", '{"type": "Point", "coordinates": [true, false]}', [], "coordinates must be numbers, not true or false"),
    ("coordinates-scalar", '{"type": "Point", "coordinates": 5}', [], 'malformed Point (\'int\' object is not iterable); a Point has "coordinates": [lon, lat]'),
    ("property-nan", '{"type": "Feature", "properties": {"a": NaN}, "geometry": {"type": "Point", "coordinates": [1, 1]}}', [], "property 'a' is nan, which JSON does not allow; write null"),
    ("crs-lookalike", '{"type": "FeatureCollection", "crs": {"type": "name", "properties": {"name": "EPSG:43260"}}, "features": []}', [], "crs 'EPSG:43260' is not WGS84 lon/lat"),
    ("resolution-below-a-metre", '{"type": "LineString", "coordinates": [[20, 50], [30, 60]]}', ["--km", "10", "--resolution", "1e-9"], "resolution 1e-09 km is below 1 m"),
    ("distance-negative", '{"type": "Point", "coordinates": [24, 59]}', ["--km", "-5"], "-5"),
    ("distance-nan", '{"type": "Point", "coordinates": [24, 59]}', ["--km", "nan"], "nan"),
    ("distance-below-a-metre", '{"type": "Point", "coordinates": [24, 59]}', ["--km", "1e-42"], "is below 1 m; pass 0, or at least 0.001 km"),
    ("distance-too-fine-for-outline", '{"type": "LineString", "coordinates": [[-170, 0], [170, 0], [170, 10], [-170, 10]]}', ["--km", "0.002"], "million points, over the limit of 2 million; set the resolution to"),
    ("distance-absurd", '{"type": "Point", "coordinates": [24, 59]}', ["--km", "30000"], "30000"),
]  # fmt: skip


def _one_line_error(stderr: str) -> str:
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert lines[0].startswith("zones: error: "), stderr
    assert "Traceback" not in stderr
    return lines[0]


@pytest.mark.parametrize(("name", "text", "message"), BAD_SCENARIOS, ids=[c[0] for c in BAD_SCENARIOS])
def test_bad_scenario(tmp_path: Path, name: str, text: str, message: str) -> None:
    scenario = tmp_path / f"{name}.toml"
    scenario.write_text(text)
    out = tmp_path / "out"
    out.mkdir()
    previous = out / "zones.geojson"
    previous.write_text(PREVIOUS)
    result = CliRunner().invoke(main, ["build", str(scenario), "-o", str(out)])
    assert result.exit_code == 2, result.output
    line = _one_line_error(result.stderr)
    assert message in line
    assert str(scenario) in line
    assert previous.read_text() == PREVIOUS
    assert sorted(p.name for p in out.iterdir()) == ["zones.geojson"]


@pytest.mark.parametrize(("name", "text", "args", "message"), BAD_GEOJSON, ids=[c[0] for c in BAD_GEOJSON])
def test_bad_geojson(tmp_path: Path, name: str, text: str, args: list[str], message: str) -> None:
    source = tmp_path / f"{name}.geojson"
    source.write_text(text)
    out = tmp_path / "out.geojson"
    out.write_text(PREVIOUS)
    result = CliRunner().invoke(main, ["buffer", str(source), *(args or ["--km", "10"]), "-o", str(out)])
    assert result.exit_code == 2, result.output
    assert message in _one_line_error(result.stderr)
    assert out.read_text() == PREVIOUS
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([source.name, out.name])


def test_missing_input_file(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["buffer", str(tmp_path / "nope.geojson"), "--km", "5"])
    assert result.exit_code == 2
    assert "no such file" in _one_line_error(result.stderr)


def test_unknown_preset() -> None:
    result = CliRunner().invoke(main, ["build", "draft-2012"])
    assert result.exit_code == 2
    assert "unknown scenario 'draft-2012'; did you mean 'draft-2021'?" in _one_line_error(result.stderr)


def test_vertex_cap(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(zones.geojson_io, "MAX_INPUT_VERTICES", 3)
    source = tmp_path / "line.geojson"
    source.write_text('{"type": "LineString", "coordinates": [[0, 0], [1, 1], [2, 2], [3, 3]]}')
    result = CliRunner().invoke(main, ["buffer", str(source), "--km", "5"])
    assert result.exit_code == 2
    assert "4 vertices exceed the limit of 3" in _one_line_error(result.stderr)


def test_self_intersecting_polygon_is_repaired_with_a_warning(tmp_path: Path) -> None:
    source = tmp_path / "bowtie.geojson"
    source.write_text('{"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]}')
    out = tmp_path / "out.geojson"
    result = CliRunner().invoke(main, ["buffer", str(source), "--km", "5", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert result.stderr.startswith("zones: warning: ") and "Self-intersection" in result.stderr
    assert out.exists()


def test_usage_error_is_status_2() -> None:
    result = CliRunner().invoke(main, ["buffer", "--km", "ten"])
    assert result.exit_code == 2


def test_resolution_hint_is_enough(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The resolution that the too-many-points error names makes the same buffer run."""
    monkeypatch.setattr(zones.geodesic, "MAX_SOURCE_POINTS", 300)
    source = tmp_path / "box.geojson"
    source.write_text('{"type": "Polygon", "coordinates": [[[0, 0], [0.2, 0], [0.2, 0.2], [0, 0.2], [0, 0]]]}')
    result = CliRunner().invoke(main, ["buffer", str(source), "--km", "0.5"])
    assert result.exit_code == 2
    hint = re.search(r"set the resolution to ([0-9.]+) km", _one_line_error(result.stderr))
    assert hint, result.stderr
    out = tmp_path / "out.geojson"
    args = ["buffer", str(source), "--km", "0.5", "--resolution", hint.group(1), "-o", str(out)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert json.loads(out.read_text())["features"][0]["properties"]["distance_km"] == 0.5


@pytest.mark.parametrize(
    ("output", "message"),
    [
        ("afile/x.geojson", "('afile' is a file, not a directory); choose another output path"),
        ("afile/sub/x.geojson", "('afile' is a file, not a directory); choose another output path"),
        ("", "is a directory; give a file name to write"),
    ],
)
def test_unusable_output_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, output: str, message: str
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "afile").write_text(PREVIOUS)
    (tmp_path / "p.geojson").write_text('{"type": "Point", "coordinates": [24, 59]}')
    result = CliRunner().invoke(main, ["buffer", "p.geojson", "--km", "5", "-o", output])
    assert result.exit_code == 2, result.output
    assert message in _one_line_error(result.stderr)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["afile", "p.geojson"]
    assert (tmp_path / "afile").read_text() == PREVIOUS


def test_build_checks_the_output_directory_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An unusable -o is reported before the zones are built (the build would fail)."""
    import zones.builder

    def no_build(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("built before checking -o")

    monkeypatch.setattr(zones.builder, "build", no_build)
    (tmp_path / "afile").write_text(PREVIOUS)
    result = CliRunner().invoke(main, ["build", "-o", str(tmp_path / "afile" / "sub")])
    assert result.exit_code == 2, result.output
    assert "is a file, not a directory); choose another output directory" in _one_line_error(result.stderr)
    assert (tmp_path / "afile").read_text() == PREVIOUS


def test_scenario_limits_are_the_engine_limits() -> None:
    """zones.scenario keeps its own copy (it does not import the engine): the two agree."""
    import zones.scenario

    assert zones.scenario.MAX_DISTANCE_KM == zones.geodesic.MAX_DISTANCE_KM
    assert zones.scenario.MIN_DISTANCE_KM == zones.geodesic.MIN_DISTANCE_KM


# (name, command line, expected part of the message): arguments rather than files
BAD_ARGUMENTS = [
    ("members-future", ["members", "NATO", "--as-of", "2999-01-01"], "--as-of 2999-01-01 is in the future; membership is known up to today"),
    ("border-future", ["border", "Russia", "NATO", "--as-of", "2999-01-01"], "--as-of 2999-01-01 is in the future"),
    ("border-empty-side", ["border", "", "NATO"], "side A is empty; name a country, an ISO code or an alliance"),
    ("border-blank-side", ["border", "Russia", " , "], "side B is empty"),
    ("border-side-without-states", ["border", "CSTO", "NATO", "--as-of", "1960-01-01"], "side A (CSTO) has no member states on 1960-01-01; choose a later date"),
    ("check-disabled-zone", ["check", "facilities", "-s", "{disabled}", "-z", "no_us_bases"], "zone 'no_us_bases' is disabled in"),
    ("members-before-the-alliance", ["members", "CSTO", "--as-of", "1990-01-01"], "CSTO had no members on 1990-01-01; choose a later --as-of"),
    ("map-side-without-states", ["map", "-a", "CSTO", "-b", "NATO", "--as-of", "1980-01-01", "-o", "{out}"], "side A (CSTO) has no member states on 1980-01-01"),
    ("border-output-checked-first", ["border", "Russia", "Finland", "-o", "{out}/x.geojson"], "('{out}' is a file, not a directory); choose another output path"),
    ("sweep-plot-suffix", ["sweep", "draft-2021", "-p", "exercise_restraint.width_km=30,50", "-o", "{out}", "--plot", "{tmp}/plot.txt"], "(.txt is no image format); end the file name in .png, .svg or .pdf"),
    ("sweep-same-outputs", ["sweep", "draft-2021", "-p", "exercise_restraint.width_km=30,50", "-o", "{out}", "--plot", "{out}"], "-o and --plot both name"),
    ("sweep-plot-unknown-country", ["sweep", "draft-2021", "-p", "exercise_restraint.width_km=30,50", "-o", "{tmp}/s.csv", "--country", "Estonai"], "unknown country 'Estonai'"),
    ("diff-same-outputs", ["diff", "draft-2021", "today", "-o", "{out}", "--csv", "{out}"], "-o and --csv both name"),
    ("approach-map-checked-first", ["approach", str(Path(__file__).parent / "data" / "tracks-baltic.geojson"), "--map", "{out}/m.html"], "is a file, not a directory); choose another output path"),
    ("build-empty-scenario-name", ["build", "", "-o", "{tmp}/b"], "the scenario name is empty; give a preset (agreed-configuration, draft-2021, today) or a .toml file"),
    ("check-blank-zone", ["check", "facilities", "-z", ",", "-o", "{out}"], "--zone is empty; name a zone: exercise_restraint"),
    ("diff-blank-zone", ["diff", "draft-2021", "today", "-z", " "], "--zone is empty; name a zone"),
    ("buffer-empty-path", ["buffer", "", "--km", "5", "-o", "{out}"], "the input path is empty; give a GeoJSON file or - for stdin"),
    ("buffer-directory", ["buffer", "{tmp}", "--km", "5", "-o", "{out}"], "is a directory; give a GeoJSON file or - for stdin"),
    ("check-not-a-vector-file", ["check", "{disabled}", "-o", "{out}"], "not recognized as being in a supported file format); give a CSV with name,lat,lon or a vector file of points"),
    ("sweep-bad-value", ["sweep", "draft-2021", "-p", "exercise_restraint.width_km=-5,10", "-o", "{out}"], "exercise_restraint.width_km=-5.0 on preset:draft-2021: [exercise_restraint.width_km] width_km -5.0 must be a positive number of km"),
]  # fmt: skip


@pytest.mark.parametrize(("name", "args", "message"), BAD_ARGUMENTS, ids=[c[0] for c in BAD_ARGUMENTS])
def test_bad_argument(tmp_path: Path, name: str, args: list[str], message: str) -> None:
    disabled = tmp_path / "disabled.toml"
    disabled.write_text("[no_us_bases]\nenabled = false\n")
    out = tmp_path / "out.csv"
    out.write_text(PREVIOUS)
    argv = [a.format(disabled=disabled, out=out, tmp=tmp_path) for a in args]
    result = CliRunner().invoke(main, argv)
    assert result.exit_code == 2, result.output
    assert message.format(out=out) in _one_line_error(result.stderr)
    assert result.stdout == ""
    assert out.read_text() == PREVIOUS
    assert sorted(p.name for p in tmp_path.iterdir()) == ["disabled.toml", "out.csv"]


@pytest.mark.parametrize("args", [["members", "NATO"], ["articles"]])
def test_closed_pipe_stops_quietly(args: list[str]) -> None:
    """``zones members NATO | head -1``: the reader goes away, zones stops without a word
    and with the status of a program ended by SIGPIPE."""
    import subprocess
    import sys

    code = "import sys; from zones.cli import main; sys.exit(main())"
    with subprocess.Popen(
        [sys.executable, "-c", code, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    ) as proc:
        assert proc.stdout is not None and proc.stderr is not None
        proc.stdout.close()  # before zones writes its first line
        stderr = proc.stderr.read().decode()
        assert proc.wait(timeout=60) == 141, stderr
    assert stderr == ""
