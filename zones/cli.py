"""The ``zones`` command line. The only module that prints and exits.

Exit status: 0 on success, 2 for usage and input errors (a ``ZonesError``),
1 for anything unexpected. Errors are one line on stderr; ``-v`` adds the traceback.
"""

from __future__ import annotations

import json
import logging
import sys
import traceback
import warnings
from collections.abc import Callable, Sequence
from functools import wraps
from pathlib import Path
from typing import Any, NoReturn, TypeVar

import click

from zones import __version__
from zones.data import Worldview
from zones.errors import ZonesError, ZonesWarning

log = logging.getLogger("zones")

F = TypeVar("F", bound=Callable[..., Any])

DEFAULT_SIDE_A = ("Russia", "Belarus", "CSTO")
DEFAULT_SIDE_B = ("NATO",)


class _State:
    verbose = 0


def _fail_cleanly(func: F) -> F:
    """Turn exceptions into one line on stderr and the documented exit status."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except ZonesError as err:
            _input_error(str(err))
        except (click.ClickException, click.Abort, KeyboardInterrupt):
            raise
        except BrokenPipeError:
            _stop_on_closed_pipe()
        except OSError as err:
            from zones.export import FULL_ERRNOS

            if err.errno not in FULL_ERRNOS:
                _internal_error(err)
            _input_error(
                f"cannot write the output ({err.strerror}); free some space or write it elsewhere"
            )
        except Exception as err:
            _internal_error(err)

    return wrapper  # type: ignore[return-value]


def _input_error(message: str) -> NoReturn:
    """A usage or input error: one line (after the traceback with -v), status 2."""
    if _State.verbose:
        traceback.print_exc()
    click.echo(f"zones: error: {message}", err=True)
    sys.exit(2)


def _internal_error(err: BaseException) -> NoReturn:
    """A bug: one line, status 1; with -v the exception propagates with its traceback."""
    if _State.verbose:
        raise err
    click.echo(
        f"zones: internal error: {type(err).__name__}: {err} (run again with -v for the "
        "traceback and report it)",
        err=True,
    )
    sys.exit(1)


def _check_outputs(paths: dict[str, Path | None]) -> None:
    """Before the work: each output file can be written (no directory in its place, its
    folder can be made), and no two output options name one file (the second would
    overwrite the first)."""
    from zones.errors import OutputError
    from zones.export import check_writable_dir

    seen: dict[Path, str] = {}
    for option, path in paths.items():
        if path is None:
            continue
        if path.is_dir() or not path.name:
            raise OutputError(f"{option} {str(path)!r} is a directory; give a file name to write")
        check_writable_dir(path.parent, file=path)
        key = path.resolve()
        if key in seen:
            raise OutputError(
                f"{seen[key]} and {option} both name {str(path)!r}; give each output its own file"
            )
        seen[key] = option


def _stop_on_closed_pipe() -> NoReturn:
    """The reader of stdout went away (``zones members NATO | head -1``): stop quietly with
    the status of a program ended by SIGPIPE (141), as ``cat`` or ``grep`` do. Stdout is
    pointed at the null device so that Python's own flush at exit does not fail again."""
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):  # no real file descriptor (a test runner)
        pass
    sys.exit(141)


def _show_warning(
    message: Warning | str, category: type[Warning], *_args: Any, **_kwargs: Any
) -> None:
    """Warnings as one line on stderr, like errors."""
    click.echo(f"zones: warning: {message}", err=True)


def _split(values: Sequence[str]) -> list[str]:
    return [v.strip() for item in values for v in item.split(",") if v.strip()]


@click.group(
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
    epilog="""\b
Examples:
  zones members NATO --as-of 2021-12-17
  zones border Russia Finland
  zones map -o out/map.html
  echo '{"type":"Point","coordinates":[24.75,59.44]}' | zones buffer --km 50 > tallinn-50km.geojson
""",
)
@click.version_option(__version__, "-V", "--version", prog_name="zones")
@click.option("-v", "--verbose", count=True, help="More logging on stderr; tracebacks on errors.")
@click.option("-q", "--quiet", is_flag=True, help="Only errors on stderr.")
def main(verbose: int, quiet: bool) -> None:
    """Exact geodesic geometry for the geographic clauses of the December 2021 draft treaties.

    Every distance and buffer is computed on the WGS84 ellipsoid; every output
    is GeoJSON (RFC 7946) or a self-contained HTML map.
    """
    _State.verbose = verbose
    warnings.showwarning = _show_warning
    warnings.simplefilter("always", ZonesWarning)
    level = (
        logging.ERROR
        if quiet
        else (logging.DEBUG if verbose > 1 else logging.INFO if verbose else logging.WARNING)
    )
    logging.basicConfig(level=level, format="zones: %(message)s", stream=sys.stderr)
    _exit_on_sigterm()


def _exit_on_sigterm() -> None:
    """``kill`` ends zones as Ctrl-C does: through the cleanup that removes temporary files
    and leaves earlier outputs as they were (exit status 143)."""
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        return
    if signal.getsignal(signal.SIGTERM) == signal.SIG_DFL:
        signal.signal(signal.SIGTERM, lambda signum, _frame: sys.exit(128 + signum))


@main.command()
@click.argument("alliance")
@click.option("--as-of", metavar="YYYY-MM-DD", help="Membership on this day (default: today).")
@click.option(
    "--exclude-frozen", is_flag=True, help="Leave out states whose participation is frozen."
)
@_fail_cleanly
def members(alliance: str, as_of: str | None, exclude_frozen: bool) -> None:
    """List the members of ALLIANCE (NATO, NATO-1997, CSTO, Union State, former USSR).

    \b
    Example:
      zones members CSTO --as-of 2021-12-17
    """
    from zones.alliances import members as _members
    from zones.alliances import parse_date
    from zones.data import country

    day = parse_date(as_of, what="--as-of")
    codes = _members(alliance, day, include_frozen=not exclude_frozen)
    if not codes:
        from zones.errors import InvalidInputError

        raise InvalidInputError(
            f"{alliance} had no members on {day.isoformat()}; choose a later --as-of"
        )
    for iso in codes:
        click.echo(f"{iso}\t{country(iso).name}")


def _side_label(spec: Sequence[str]) -> str:
    return " + ".join(spec)


@main.command()
@click.argument("side_a")
@click.argument("side_b")
@click.option(
    "--as-of", metavar="YYYY-MM-DD", help="Alliance membership on this day (default: today)."
)
@click.option(
    "--worldview",
    type=click.Choice(["un", "ru"]),
    default="un",
    show_default=True,
    help="Crimea in Ukraine (un) or in Russia (ru).",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the GeoJSON here instead of stdout.",
)
@_fail_cleanly
def border(
    side_a: str, side_b: str, as_of: str | None, worldview: Worldview, output: Path | None
) -> None:
    """The land border between SIDE_A and SIDE_B as GeoJSON, one feature per pair of states.

    Each side is a country name, an ISO code, an alliance, or a comma-separated
    list of these. Lengths (geodesic, WGS84) go to stderr.

    \b
    Example:
      zones border "Russia,Belarus" NATO --as-of 2021-12-17 -o border.geojson
    """
    from zones.alliances import parse_date
    from zones.borders import border_pairs
    from zones.export import write_text_atomic

    _check_outputs({"-o": output})
    day = parse_date(as_of, what="--as-of")
    pairs = border_pairs(_split([side_a]), _split([side_b]), day, worldview=worldview)
    for row in pairs.itertuples():
        click.echo(f"{row.name_a} - {row.name_b}: {row.length_km:,.1f} km", err=True)
    click.echo(f"total: {pairs['length_km'].sum():,.1f} km", err=True)
    text = pairs.to_json(drop_id=True, ensure_ascii=False)
    if output is None:
        click.echo(text)
    else:
        write_text_atomic(output, text + "\n")
        click.echo(str(output))


@main.command(name="map")
@click.option(
    "--as-of", metavar="YYYY-MM-DD", help="Alliance membership on this day (default: today)."
)
@click.option(
    "-a",
    "--side-a",
    multiple=True,
    default=DEFAULT_SIDE_A,
    show_default=True,
    help="One side (repeat or comma-separate).",
)
@click.option(
    "-b",
    "--side-b",
    multiple=True,
    default=DEFAULT_SIDE_B,
    show_default=True,
    help="The other side.",
)
@click.option(
    "--worldview",
    type=click.Choice(["un", "ru"]),
    default="un",
    show_default=True,
    help="Crimea in Ukraine (un) or in Russia (ru).",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("out/map.html"),
    show_default=True,
    help="The HTML file to write.",
)
@_fail_cleanly
def map_(
    as_of: str | None,
    side_a: tuple[str, ...],
    side_b: tuple[str, ...],
    worldview: Worldview,
    output: Path,
) -> None:
    """Write an HTML map of the land borders between two sides (default: Russia, Belarus
    and the CSTO against NATO, as of today) and print its path.

    \b
    Example:
      zones map --as-of 2021-12-17 -o out/map-2021.html
    """
    from zones.alliances import parse_date, resolve_group
    from zones.borders import border_pairs
    from zones.data import countries
    from zones.export import atomic_path
    from zones.mapview import border_map, stable_ids

    _check_outputs({"-o": output})
    day = parse_date(as_of, what="--as-of")
    a, b = _split(side_a), _split(side_b)
    log.info("resolving sides as of %s", day)
    codes_a, codes_b = resolve_group(a, day), resolve_group(b, day)
    log.info("computing land borders")
    pairs = border_pairs(a, b, day, worldview=worldview)
    with stable_ids(), atomic_path(output) as tmp:
        m = border_map(
            pairs,
            countries(worldview),
            codes_a,
            codes_b,
            label_a=_side_label(a),
            label_b=_side_label(b),
            as_of=day,
            worldview=worldview,
        )
        m.save(str(tmp))
    click.echo(str(output))


@main.command()
@click.argument("source", required=False, default="-")
@click.option(
    "--km",
    "distance_km",
    type=float,
    required=True,
    help="Buffer distance in km (geodesic, WGS84).",
)
@click.option(
    "--resolution",
    "resolution_km",
    type=float,
    default=None,
    metavar="KM",
    help="Largest error allowed on the zone's boundary, km "
    "[default: 0.05 % of --km, at least 0.025].",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the FeatureCollection here instead of stdout.",
)
@_fail_cleanly
def buffer(
    source: str, distance_km: float, resolution_km: float | None, output: Path | None
) -> None:
    """Buffer every feature of SOURCE (a GeoJSON file, or - for stdin) by --km on WGS84.

    Writes a GeoJSON FeatureCollection with one feature per input feature, its
    properties kept and `distance_km` added.

    \b
    Example:
      zones buffer border.geojson --km 50 -o band.geojson
    """
    from zones.export import write_text_atomic
    from zones.geodesic import geodesic_buffer
    from zones.geojson_io import feature_collection, read_features

    _check_outputs({"-o": output})
    text = _read_stdin("GeoJSON") if source == "-" else _read_text(source)
    features = read_features(text, origin="<stdin>" if source == "-" else source)
    out = []
    for geom, props in features:
        zone = geodesic_buffer(geom, distance_km, resolution=resolution_km)
        out.append((zone, {**props, "distance_km": distance_km}))
    doc = json.dumps(feature_collection(out), ensure_ascii=False, separators=(",", ":"))
    if output is None:
        click.echo(doc)
    else:
        write_text_atomic(output, doc + "\n")


@main.command(name="build")
@click.argument("scenario", required=False, default="draft-2021")
@click.option(
    "-o",
    "--output",
    "outdir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("out"),
    show_default=True,
    help="Directory for map.html, zones.geojson, stats.csv.",
)
@click.option("--no-map", is_flag=True, help="Skip the HTML map.")
@click.option(
    "--force",
    is_flag=True,
    help="Overwrite output files that zones did not write (not in DIR/manifest.json).",
)
@click.option(
    "-f",
    "--format",
    "formats",
    default="geojson",
    show_default=True,
    help="Comma-separated zone file formats: geojson, gpkg, kml, fgb (DIR/zones.<format>).",
)
@_fail_cleanly
def build_(scenario: str, outdir: Path, no_map: bool, force: bool, formats: str) -> None:
    """Build every zone of SCENARIO (a preset name or a .toml file; default draft-2021).

    Writes DIR/map.html, DIR/zones.geojson (RFC 7946), DIR/stats.csv and
    DIR/manifest.json, and prints a summary table. Progress goes to stderr on a
    terminal (silence it with -q).

    Every file is written to a temporary file first and all are renamed into place at
    the end: an error or Ctrl-C leaves the previous files as they were. Other files in
    DIR are never touched; a file of the same name that zones did not write (one not
    listed in DIR/manifest.json) is only overwritten with --force.

    \b
    Examples:
      zones build                      # the drafts with the membership of 17 Dec 2021
      zones build today -o out/today   # the same with today's membership
      zones scenarios show draft-2021 > mine.toml && zones build mine.toml
      zones build --format geojson,gpkg,kml,fgb   # the zones for QGIS, Google Earth, ...
    """

    from zones.builder import build
    from zones.errors import OutputExistsError
    from zones.export import (
        MANIFEST,
        atomic_paths,
        check_writable_dir,
        foreign_files,
        manifest_files,
        write_json,
    )
    from zones.mapview import stable_ids
    from zones.scenario import load_scenario

    show = sys.stderr.isatty() and logging.getLogger().level <= logging.WARNING

    def progress(msg: str) -> None:
        if show:
            click.echo(f"  ... {msg}", err=True)
        log.info("%s", msg)

    from zones.export import FORMATS, UnknownFormatError

    wanted = [f.strip().lower() for f in formats.split(",") if f.strip()]
    unknown = [f for f in wanted if f not in FORMATS]
    if unknown or not wanted:
        raise UnknownFormatError(
            f"unknown --format {formats!r}; use a comma-separated list of {', '.join(FORMATS)}"
        )
    s = load_scenario(scenario)  # a bad scenario is reported before anything else
    check_writable_dir(outdir)  # and an unusable -o before the work
    formats_out = {f: f"zones{FORMATS[f].suffix}" for f in dict.fromkeys(wanted)}
    names = [*formats_out.values(), "stats.csv", *([] if no_map else ["map.html"])]
    for name in [MANIFEST, *names]:
        if (outdir / name).is_dir():
            raise OutputExistsError(f"{outdir / name} is a directory; choose another -o directory")
    if not force:
        foreign = foreign_files(outdir, [MANIFEST, *names])
        if foreign:
            why = (
                "is not a manifest written by zones"
                if foreign[0].name == MANIFEST
                else f"was not written by zones (not in {outdir / MANIFEST})"
            )
            raise OutputExistsError(
                f"{foreign[0]} exists and {why}; use --force to overwrite it, "
                "or choose another -o directory"
            )
    zs = build(s, progress=progress)
    written = [outdir / name for name in names]
    # files of an earlier build that this one does not rewrite (map.html after --no-map)
    # stay, and stay known as zones' own
    older = sorted(
        n
        for n in manifest_files(outdir) or ()
        if n not in names and n != MANIFEST and "/" not in n and (outdir / n).is_file()
    )
    # everything goes to temporary files, renamed into place together at the end
    with atomic_paths([outdir / MANIFEST, *written]) as (manifest_tmp, *tmps):
        tmp = dict(zip(names, tmps, strict=True))
        for fmt, name in formats_out.items():
            zs.to_file(tmp[name], fmt)
        progress("computing stats per country")
        stats = zs.stats()
        tmp["stats.csv"].write_text(stats.to_csv(index=False, lineterminator="\n"), "utf-8")
        if not no_map:
            progress("drawing the map")
            with stable_ids():  # the same page each time
                zs.to_map().save(str(tmp["map.html"]))
        manifest = {
            **zs.metadata(),
            "scenario_sha256": zs.scenario.sha256(),
            "files": sorted(names),
            **({"older_files": older} if older else {}),
        }
        write_json(manifest_tmp, manifest)
    table = zs.summary()
    width = max(len(z) for z in table.zone) if len(table) else 10
    click.echo(
        f"{zs.scenario.title} (as of {zs.scenario.as_of}, worldview {zs.scenario.worldview})"
    )
    for row in table.itertuples():
        area = "everywhere else" if row.kind == "elsewhere" else f"{row.area_km2:>14,.0f} km2"
        click.echo(f"  {row.zone:<{width}}  {row.article:<11} {row.party!s:<20} {area}")
    for p in written:
        click.echo(str(p))


@main.group(invoke_without_command=True)
@click.pass_context
@_fail_cleanly
def scenarios(ctx: click.Context) -> None:
    """List the bundled scenarios; `zones scenarios show NAME` prints one as TOML.

    \b
    Example:
      zones scenarios show today > my-scenario.toml
    """
    if ctx.invoked_subcommand is None:
        from zones.scenario import load_scenario, preset_names

        for name in preset_names():
            s = load_scenario(name)
            click.echo(f"{name:<22} {s.title}")


@scenarios.command(name="show")
@click.argument("name")
@_fail_cleanly
def scenarios_show(name: str) -> None:
    """Print the bundled scenario NAME as TOML."""
    from zones.scenario import preset_text

    click.echo(preset_text(name), nl=False)


@main.command()
@_fail_cleanly
def articles() -> None:
    """List every article of both drafts, marked mapped (with its zones) or not mapped.

    \b
    Example:
      zones articles | grep -v "not mapped"
    """
    from zones.clauses import articles as _articles

    for a in _articles():
        mapped = ", ".join(a.zones) if a.zones else "not mapped"
        click.echo(f"{a.label:<12} {mapped:<36} {a.summary}")


def _echo_table(frame: Any, formats: dict[str, str]) -> None:
    """Print a DataFrame as aligned text, numbers right-aligned."""
    headers = list(frame.columns)
    cells = [
        [formats.get(h, "{}").format(v) for h, v in zip(headers, row, strict=True)]
        for row in frame.itertuples(index=False)
    ]
    widths = [max([len(h), *(len(r[i]) for r in cells)]) for i, h in enumerate(headers)]
    numeric = [h in formats for h in headers]

    def fmt(items: Sequence[str]) -> str:
        return "  ".join(
            s.rjust(w) if num else s.ljust(w)
            for s, w, num in zip(items, widths, numeric, strict=True)
        )

    click.echo(fmt(headers).rstrip())
    for r in cells:
        click.echo(fmt(r).rstrip())


@main.command()
@click.argument("places")
@click.option(
    "-s",
    "--scenario",
    default="draft-2021",
    show_default=True,
    help="A preset name or a .toml file.",
)
@click.option(
    "-z",
    "--zone",
    "zone_names",
    multiple=True,
    help="Only this zone (repeat or comma-separate; default: every enabled zone).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "geojson"]),
    default=None,
    help="Output format (default: table on a terminal, csv otherwise).",
)
@click.option("--inside", "inside_only", is_flag=True, help="Only the zones each place lies in.")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write here instead of stdout.",
)
@_fail_cleanly
def check(
    places: str,
    scenario: str,
    zone_names: tuple[str, ...],
    fmt: str | None,
    inside_only: bool,
    output: Path | None,
) -> None:
    """Check PLACES against the zones of a scenario: for each place, every zone it lies in
    and the geodesic distance (km, WGS84) to each zone's edge, negative inside.

    PLACES is a CSV with name,lat,lon columns, any vector file of points (GeoJSON,
    GeoPackage, ...), - for a CSV on stdin, or `facilities` for the bundled
    geodata/facilities.csv. The map's artificial edges (the cut at +/-180, the pole
    latitudes) do not count as a zone's edge.

    \b
    Example:
      zones check facilities --scenario today --zone exercise_restraint,missile_exclusion
      zones check sites.csv --format geojson -o sites-checked.geojson
    """
    from zones.analysis.check import (
        check_geojson_dict,
        check_places,
        facilities,
        read_places,
        read_places_csv,
    )
    from zones.builder import build
    from zones.export import write_text_atomic
    from zones.scenario import ZONE_TABLES, load_scenario

    _check_outputs({"-o": output})
    if fmt == "table" and output is not None:
        raise click.UsageError("--format table prints to the terminal; use csv or geojson with -o")
    if places == "-":
        table = read_places_csv(_read_stdin("places (CSV)"), origin="<stdin>")
    elif places == "facilities" and not Path(places).exists():
        table = facilities()
    else:
        table = read_places(places)
    s = load_scenario(scenario)
    wanted = _split(zone_names)
    if zone_names and not wanted:
        from zones.errors import ScenarioError

        raise ScenarioError(f"--zone is empty; name a zone: {', '.join(ZONE_TABLES)}")
    if wanted:
        unknown = [z for z in wanted if z not in ZONE_TABLES]
        if unknown:
            from zones.errors import ScenarioError

            raise ScenarioError(f"unknown zone {unknown[0]!r}; zones: {', '.join(ZONE_TABLES)}")
        disabled = [z for z in wanted if not getattr(s, z).enabled]
        if disabled:
            from zones.errors import ScenarioError

            raise ScenarioError(
                f"zone {disabled[0]!r} is disabled in {s.source}; set enabled = true in its "
                f"[{disabled[0]}] table, or leave it out of --zone"
            )
        import dataclasses

        s = s.replace(
            **{
                t: dataclasses.replace(getattr(s, t), enabled=False)
                for t in ZONE_TABLES
                if t not in wanted
            }
        )
    log.info("building %s", s.title)
    result = check_places(build(s), table)
    if inside_only:
        result = result[result.inside].reset_index(drop=True)
    fmt = fmt or ("table" if output is None and sys.stdout.isatty() else "csv")
    if fmt == "geojson":
        text = json.dumps(check_geojson_dict(result), ensure_ascii=False, separators=(",", ":"))
    elif fmt == "csv":
        text = result.to_csv(index=False, lineterminator="\n").rstrip("\n")
    else:
        if output is not None:
            raise click.UsageError(
                "--format table prints to the terminal; use csv or geojson with -o"
            )
        for name, rows in result.groupby("name", sort=False):
            first = rows.iloc[0]
            click.echo(f"{name} ({first.lat:.4f}, {first.lon:.4f})")
            shown = rows.assign(where=rows.inside.map({True: "inside", False: ""}))
            _echo_table(
                shown[["where", "zone", "article", "party", "distance_km"]],
                {"distance_km": "{:,.1f}"},
            )
            click.echo("")
        return
    if output is None:
        click.echo(text)
    else:
        write_text_atomic(output, text + "\n")
        click.echo(str(output))


@main.command(name="diff")
@click.argument("scenario_a")
@click.argument("scenario_b")
@click.option(
    "-z",
    "--zone",
    "zone_names",
    multiple=True,
    help="Only this zone (repeat or comma-separate); only these are built.",
)
@click.option(
    "--by",
    type=click.Choice(["zone", "party"]),
    default="zone",
    show_default=True,
    help="Compare each zone as a whole, or each zone per party.",
)
@click.option(
    "--countries", "show_countries", is_flag=True, help="Also print the change per country."
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the gained and lost areas as GeoJSON here.",
)
@click.option(
    "--map",
    "map_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write an HTML map of the gained (green) and lost (red) areas here.",
)
@click.option(
    "--csv",
    "csv_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the per-country table as CSV here.",
)
@_fail_cleanly
def diff_(
    scenario_a: str,
    scenario_b: str,
    zone_names: tuple[str, ...],
    by: str,
    show_countries: bool,
    output: Path | None,
    map_path: Path | None,
    csv_path: Path | None,
) -> None:
    """Compare SCENARIO_A with SCENARIO_B (preset names or .toml files): per zone, the
    area gained (in B, not in A) and lost, in km2 (geodesic, WGS84).

    \b
    Example:
      zones diff draft-2021 today --countries -o out/diff.geojson --map out/diff.html
      zones diff draft-2021 agreed-configuration --zone exercise_restraint --by party
    """
    from zones.analysis.diff import diff
    from zones.export import atomic_path, write_text_atomic
    from zones.mapview import stable_ids

    _check_outputs({"-o": output, "--map": map_path, "--csv": csv_path})
    if zone_names and not _split(zone_names):
        from zones.errors import ScenarioError

        raise ScenarioError("--zone is empty; name a zone, e.g. exercise_restraint")
    wanted = _split(zone_names) or None
    result = diff(scenario_a, scenario_b, zones=wanted, by=by)  # type: ignore[arg-type]
    click.echo(f"{result.label_a} -> {result.label_b} (km2, geodesic on WGS84)")
    columns = ["zone", "party", "area_a_km2", "area_b_km2", "gained_km2", "lost_km2", "net_km2"]
    if by == "zone":
        columns.remove("party")
    num = "{:,.0f}"
    _echo_table(result.by_zone[columns], {c: num for c in columns if c.endswith("_km2")})
    if show_countries and len(result.by_country):
        click.echo("")
        cols = ["zone", "party", "iso_a3", "country", "gained_km2", "lost_km2"]
        if by == "zone":
            cols.remove("party")
        _echo_table(result.by_country[cols], {"gained_km2": num, "lost_km2": num})
    if csv_path is not None:
        write_text_atomic(csv_path, result.by_country.to_csv(index=False, lineterminator="\n"))
        click.echo(str(csv_path))
    if output is not None:
        result.to_geojson(output)
        click.echo(str(output))
    if map_path is not None:
        with stable_ids(), atomic_path(map_path) as tmp:
            result.to_map().save(str(tmp))
        click.echo(str(map_path))


@main.command(name="sweep")
@click.argument("scenario")
@click.option(
    "-p",
    "--param",
    "spec",
    required=True,
    metavar="TABLE.KEY=START:STOP:STEP",
    help="The parameter and its values, e.g. exercise_restraint.width_km=10:300:10 (or =30,50,100).",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="The CSV to write (default: out/sweep-TABLE-KEY.csv).",
)
@click.option(
    "--plot",
    "plot_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="The plot to write, PNG or SVG by the suffix (default: the CSV's path with .png).",
)
@click.option(
    "--metric",
    type=click.Choice(["share", "area_km2", "city_population", "cities"]),
    default="share",
    show_default=True,
    help="What the plot shows per country.",
)
@click.option(
    "-c",
    "--country",
    "plot_countries",
    multiple=True,
    help="Countries to plot (repeat or comma-separate; default: the 8 most affected).",
)
@click.option(
    "-j", "--jobs", type=click.IntRange(min=1), help="Worker processes (default: the local cores)."
)
@click.option(
    "--executor",
    type=click.Choice(["process", "dask"]),
    default="process",
    show_default=True,
    help="A local process pool, or dask.distributed (needs: pip install dask[distributed]).",
)
@click.option("-q", "--quiet", is_flag=True, help="No progress bar.")
@_fail_cleanly
def sweep_(
    scenario: str,
    spec: str,
    output: Path | None,
    plot_path: Path | None,
    metric: str,
    plot_countries: tuple[str, ...],
    jobs: int | None,
    executor: str,
    quiet: bool,
) -> None:
    """Sweep one numeric parameter of SCENARIO: for each value, the area and share of each
    country inside the zone and the population of the cities inside. Writes a CSV and a
    plot; only the swept zone is built, the values in parallel on the local cores.

    \b
    Example:
      zones sweep draft-2021 --param exercise_restraint.width_km=10:300:10 --country EST,LVA,FIN
      zones sweep today -p missile_exclusion.range=500:5500:500 --metric area_km2 --plot out/range.svg
    """
    from zones.analysis.sweep import parse_param_spec, plot_format, sweep
    from zones.data import resolve_country

    param, values = parse_param_spec(spec)
    csv_path = output or Path("out") / f"sweep-{param.replace('.', '-')}.csv"
    plot_to = plot_path or csv_path.with_suffix(".png")
    _check_outputs({"-o": csv_path, "--plot": plot_to})  # all checked before the work
    plot_format(plot_to)
    for name in _split(plot_countries):
        resolve_country(name)
    show = not quiet and sys.stderr.isatty() and logging.getLogger().level <= logging.WARNING
    result = sweep(scenario, param, values, jobs=jobs, executor=executor, progress=show)  # type: ignore[arg-type]
    result.to_csv(csv_path)
    result.plot(plot_to, metric=metric, countries=_split(plot_countries) or None)
    width = max(len(param), 5)
    click.echo(f"{param:>{width}}  {'area_km2':>12}  {'cities_pop':>12}  largest shares")
    for row in result.totals.itertuples():
        part = (
            result.table[result.table.value == row.value]
            .sort_values("share", ascending=False)
            .head(3)
        )
        shares = ", ".join(
            f"{iso} {100 * float(share):.1f}%"
            for iso, share in zip(part.iso_a3, part.share, strict=True)
        )
        click.echo(
            f"{row.value:>{width}g}  {row.area_km2:>12,.0f}  {row.city_population:>12,}  {shares}"
        )
    click.echo(str(csv_path))
    click.echo(str(plot_to))


@main.command(name="approach")
@click.argument("tracks", required=False, default="-")
@click.option("--max-km", type=float, help="Flag pairs that came closer than this (km, geodesic).")
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="One JSON object per pair (a, b, cpa_km, time, violation, ...).",
)
@click.option(
    "--map",
    "map_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write an HTML map of the tracks and the closest approaches here.",
)
@_fail_cleanly
def approach_(tracks: str, max_km: float | None, as_json: bool, map_path: Path | None) -> None:
    """The closest point of approach of every pair of TRACKS (US draft Art. 5: the maximum
    approach distance between warships and aircraft).

    TRACKS is GeoJSON (LineStrings with a `times` property: one ISO 8601 time per
    vertex) or CSV (id,time,lat,lon), or - for stdin. Between fixes each track moves at
    constant speed along the geodesic (WGS84); the minimum is refined to 0.01 s.

    \b
    Example:
      zones approach tests/data/tracks-baltic.geojson --max-km 10 --map out/approach.html
      zones approach fixes.csv --json | jq 'select(.violation)'
    """
    from zones.analysis.approach import closest_approaches, read_tracks, tracks_map
    from zones.export import atomic_path
    from zones.mapview import stable_ids

    _check_outputs({"--map": map_path})
    parsed = (
        read_tracks("<stdin>", text=_read_stdin("tracks (GeoJSON or CSV)"))
        if tracks == "-"
        else read_tracks(tracks)
    )
    result = closest_approaches(parsed, max_km=max_km)
    for ap in result:
        if as_json:
            click.echo(json.dumps(ap.to_dict(), ensure_ascii=False))
        elif ap.cpa_km is None or ap.time is None:
            click.echo(f"{ap.a} - {ap.b}: no common time")
        else:
            flag = f"  VIOLATION (< {max_km:g} km)" if ap.violation and max_km is not None else ""
            click.echo(
                f"{ap.a} - {ap.b}: {ap.cpa_km:,.3f} km at {ap.to_dict()['time']}, "
                f"{ap.a} at ({ap.a_lat:.5f}, {ap.a_lon:.5f}), {ap.b} at ({ap.b_lat:.5f}, {ap.b_lon:.5f}){flag}"
            )
    if map_path is not None:
        with stable_ids(), atomic_path(map_path) as tmp:
            tracks_map(parsed, result).save(str(tmp))
        click.echo(str(map_path), err=as_json)


def _read_stdin(what: str) -> str:
    """Standard input; on a terminal, first a line on stderr saying what it waits for."""
    if sys.stdin.isatty():
        click.echo(
            f"zones: reading {what} from stdin (end with Ctrl-D; --help for files)", err=True
        )
    return sys.stdin.read()


def _read_text(path: str) -> str:
    from zones.geojson_io import read_text_file

    return read_text_file(path, hint="give a GeoJSON file or - for stdin")


if __name__ == "__main__":  # pragma: no cover
    main()
