"""The ``zones`` command line. The only module that prints and exits.

Exit status: 0 on success, 2 for usage and input errors (a ``ZonesError``),
1 for anything unexpected. Errors are one line on stderr; ``-v`` adds the traceback.
"""

from __future__ import annotations

import json
import logging
import sys
import warnings
from collections.abc import Callable, Sequence
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

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
            if _State.verbose:
                raise
            click.echo(f"zones: error: {err}", err=True)
            sys.exit(2)
        except (click.ClickException, click.Abort, KeyboardInterrupt):
            raise
        except Exception as err:  # an internal error: still one line, unless -v
            if _State.verbose:
                raise
            click.echo(
                f"zones: internal error: {type(err).__name__}: {err} (run again with -v for the "
                "traceback and report it)",
                err=True,
            )
            sys.exit(1)

    return wrapper  # type: ignore[return-value]


def _show_warning(message: Warning | str, category: type[Warning], *_args: Any, **_kwargs: Any) -> None:
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
    level = logging.ERROR if quiet else (logging.DEBUG if verbose > 1 else logging.INFO if verbose else logging.WARNING)
    logging.basicConfig(level=level, format="zones: %(message)s", stream=sys.stderr)


@main.command()
@click.argument("alliance")
@click.option("--as-of", metavar="YYYY-MM-DD", help="Membership on this day (default: today).")
@click.option("--exclude-frozen", is_flag=True, help="Leave out states whose participation is frozen.")
@_fail_cleanly
def members(alliance: str, as_of: str | None, exclude_frozen: bool) -> None:
    """List the members of ALLIANCE (NATO, NATO-1997, CSTO, Union State, former USSR).

    \b
    Example:
      zones members CSTO --as-of 2021-12-17
    """
    from zones.alliances import members as _members
    from zones.data import country

    for iso in _members(alliance, as_of, include_frozen=not exclude_frozen):
        click.echo(f"{iso}\t{country(iso).name}")


def _side_label(spec: Sequence[str]) -> str:
    return " + ".join(spec)


@main.command()
@click.argument("side_a")
@click.argument("side_b")
@click.option("--as-of", metavar="YYYY-MM-DD", help="Alliance membership on this day (default: today).")
@click.option("--worldview", type=click.Choice(["un", "ru"]), default="un", show_default=True,
              help="Crimea in Ukraine (un) or in Russia (ru).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the GeoJSON here instead of stdout.")
@_fail_cleanly
def border(side_a: str, side_b: str, as_of: str | None, worldview: Worldview, output: Path | None) -> None:
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

    day = parse_date(as_of)
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
@click.option("--as-of", metavar="YYYY-MM-DD", help="Alliance membership on this day (default: today).")
@click.option("-a", "--side-a", multiple=True, default=DEFAULT_SIDE_A, show_default=True,
              help="One side (repeat or comma-separate).")
@click.option("-b", "--side-b", multiple=True, default=DEFAULT_SIDE_B, show_default=True,
              help="The other side.")
@click.option("--worldview", type=click.Choice(["un", "ru"]), default="un", show_default=True,
              help="Crimea in Ukraine (un) or in Russia (ru).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              default=Path("out/map.html"), show_default=True, help="The HTML file to write.")
@_fail_cleanly
def map_(as_of: str | None, side_a: tuple[str, ...], side_b: tuple[str, ...], worldview: Worldview,
         output: Path) -> None:
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
    from zones.mapview import border_map

    day = parse_date(as_of)
    a, b = _split(side_a), _split(side_b)
    log.info("resolving sides as of %s", day)
    codes_a, codes_b = resolve_group(a, day), resolve_group(b, day)
    log.info("computing land borders")
    pairs = border_pairs(codes_a, codes_b, day, worldview=worldview)
    m = border_map(pairs, countries(worldview), codes_a, codes_b, label_a=_side_label(a),
                   label_b=_side_label(b), as_of=day, worldview=worldview)
    with atomic_path(output) as tmp:
        m.save(str(tmp))
    click.echo(str(output))


@main.command()
@click.argument("source", required=False, default="-")
@click.option("--km", "distance_km", type=float, required=True, help="Buffer distance in km (geodesic, WGS84).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the FeatureCollection here instead of stdout.")
@_fail_cleanly
def buffer(source: str, distance_km: float, output: Path | None) -> None:
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

    text = sys.stdin.read() if source == "-" else _read_text(source)
    features = read_features(text, origin="<stdin>" if source == "-" else source)
    out = []
    for geom, props in features:
        out.append((geodesic_buffer(geom, distance_km), {**props, "distance_km": distance_km}))
    doc = json.dumps(feature_collection(out), ensure_ascii=False, separators=(",", ":"))
    if output is None:
        click.echo(doc)
    else:
        write_text_atomic(output, doc + "\n")



@main.command(name="build")
@click.argument("scenario", required=False, default="draft-2021")
@click.option("-o", "--output", "outdir", type=click.Path(file_okay=False, path_type=Path),
              default=Path("out"), show_default=True, help="Directory for map.html, zones.geojson, stats.csv.")
@click.option("--no-map", is_flag=True, help="Skip the HTML map.")
@_fail_cleanly
def build_(scenario: str, outdir: Path, no_map: bool) -> None:
    """Build every zone of SCENARIO (a preset name or a .toml file; default draft-2021).

    Writes DIR/map.html, DIR/zones.geojson (RFC 7946), DIR/stats.csv and
    DIR/manifest.json, and prints a summary table. Progress goes to stderr on a
    terminal (silence it with -q).

    \b
    Examples:
      zones build                      # the drafts with the membership of 17 Dec 2021
      zones build today -o out/today   # the same with today's membership
      zones scenarios show draft-2021 > mine.toml && zones build mine.toml
    """
    import hashlib

    from zones.builder import build
    from zones.export import atomic_path, write_json_atomic, write_text_atomic

    show = sys.stderr.isatty() and logging.getLogger().level <= logging.WARNING

    def progress(msg: str) -> None:
        if show:
            click.echo(f"  ... {msg}", err=True)
        log.info("%s", msg)

    zs = build(scenario, progress=progress)
    outdir.mkdir(parents=True, exist_ok=True)
    written = [zs.to_geojson(outdir / "zones.geojson")]
    progress("computing stats per country")
    stats = zs.stats()
    written.append(write_text_atomic(outdir / "stats.csv", stats.to_csv(index=False, lineterminator="\n")))
    if not no_map:
        progress("drawing the map")
        m = zs.to_map()
        with atomic_path(outdir / "map.html") as tmp:
            m.save(str(tmp))
        written.append(outdir / "map.html")
    manifest = {
        **zs.metadata(),
        "scenario_sha256": hashlib.sha256(repr(zs.scenario).encode()).hexdigest(),
        "files": sorted(p.name for p in written),
    }
    write_json_atomic(outdir / "manifest.json", manifest)
    table = zs.summary()
    width = max(len(z) for z in table.zone) if len(table) else 10
    click.echo(f"{zs.scenario.title} (as of {zs.scenario.as_of}, worldview {zs.scenario.worldview})")
    for row in table.itertuples():
        area = "everywhere else" if row.kind == "elsewhere" else f"{row.area_km2:>14,.0f} km2"
        click.echo(f"  {row.zone:<{width}}  {row.article:<11} {row.party!s:<20} {area}")
    for p in written:
        click.echo(str(p))


@main.group(invoke_without_command=True)
@click.pass_context
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


def _read_text(path: str) -> str:
    from zones.errors import InvalidGeometryError

    try:
        return Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InvalidGeometryError(f"no such file: {path!r}; give a GeoJSON file or - for stdin") from None
    except (OSError, UnicodeDecodeError) as err:
        raise InvalidGeometryError(f"cannot read {path!r}: {err}") from None


if __name__ == "__main__":  # pragma: no cover
    main()
