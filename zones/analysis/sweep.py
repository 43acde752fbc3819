"""Sweep one numeric scenario parameter: area, share and city population per country.

For each value only the swept zone's table is enabled, the zone is built and its parts
are united (so overlapping parts, such as the bands of two borders near a tri-point,
count once), and :meth:`ZoneSet.stats` gives the area (geodesic, WGS84), the share of
each country and the population of the cities of 15,000+ people inside. The values
are independent and run in parallel: a local process pool by default, or a dask
cluster when dask is installed.
"""

from __future__ import annotations

import dataclasses
import math
import os
import sys
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import pandas as pd
import shapely

from zones.errors import InvalidRangeError, MissingDependencyError, ScenarioError

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from zones.scenario import Scenario

__all__ = ["SweepResult", "parse_param_spec", "parse_values", "sweep"]

Executor = Literal["process", "dask"]
#: The quantities :meth:`SweepResult.plot` can draw, with their axis labels.
METRICS = {
    "share": "share of the country inside the zone (%)",
    "area_km2": "area inside the zone (km2, geodesic)",
    "city_population": "population of the cities inside (15,000+ people)",
    "cities": "number of cities inside (15,000+ people)",
}
#: Parameters that take a number although their default is a name.
_NAME_OR_KM = ("range", "weapon")
_MAX_VALUES = 10_000


def parse_values(spec: str) -> list[float]:
    """Values from ``START:STOP:STEP`` (STOP included when on the grid) or ``A,B,C``.

    Raises
    ------
    InvalidRangeError
        For anything else, a step that is not positive, STOP below START or more
        than 10,000 values.

    Examples
    --------
    >>> parse_values("10:50:10")
    [10.0, 20.0, 30.0, 40.0, 50.0]
    >>> parse_values("30, 50,100")
    [30.0, 50.0, 100.0]
    """
    text = spec.strip()
    hint = "write START:STOP:STEP (e.g. 10:300:10) or a list (e.g. 30,50,100)"
    if ":" in text:
        parts = text.split(":")
        if len(parts) != 3:
            raise InvalidRangeError(f"bad range {spec!r}; {hint}")
        start, stop, step = (_float(p, spec, hint) for p in parts)
        if step <= 0:
            raise InvalidRangeError(f"bad range {spec!r}: the step must be positive; {hint}")
        if stop < start:
            raise InvalidRangeError(
                f"bad range {spec!r}: STOP {stop:g} is below START {start:g}; {hint}"
            )
        count = math.floor((stop - start) / step + 1e-9) + 1
        if count > _MAX_VALUES:
            raise InvalidRangeError(
                f"range {spec!r} gives {count:,} values; at most {_MAX_VALUES:,}, use a larger step"
            )
        return [round(start + i * step, 10) for i in range(count)]
    values = [_float(p, spec, hint) for p in text.split(",") if p.strip()]
    if not values:
        raise InvalidRangeError(f"no values in {spec!r}; {hint}")
    return values


def _float(text: str, spec: str, hint: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise InvalidRangeError(
            f"bad range {spec!r}: {text.strip()!r} is not a number; {hint}"
        ) from None
    if not math.isfinite(value):
        raise InvalidRangeError(
            f"bad range {spec!r}: {text.strip()!r} is not a finite number; {hint}"
        )
    return value


def parse_param_spec(spec: str) -> tuple[str, list[float]]:
    """Split ``TABLE.KEY=VALUES`` into the parameter and its values.

    Examples
    --------
    >>> parse_param_spec("exercise_restraint.width_km=10:30:10")
    ('exercise_restraint.width_km', [10.0, 20.0, 30.0])
    """
    name, sep, values = spec.partition("=")
    if not sep or not name.strip():
        raise InvalidRangeError(
            f"bad --param {spec!r}; write TABLE.KEY=START:STOP:STEP, e.g. exercise_restraint.width_km=10:300:10"
        )
    return name.strip(), parse_values(values)


def _check_numeric(scenario: Scenario, param: str) -> str:
    """The zone table of ``param``; ScenarioError unless it is a numeric parameter."""
    from zones.scenario import ZONE_TABLES

    table, _, key = param.partition(".")
    if table not in ZONE_TABLES or key not in {
        f.name for f in dataclasses.fields(ZONE_TABLES[table])
    }:
        scenario.with_param(param, None)  # raises the scenario's own message, with a did-you-mean
    current = getattr(getattr(scenario, table), key)
    numeric = [
        f.name
        for f in dataclasses.fields(ZONE_TABLES[table])
        if f.name.endswith("_km") or f.name in _NAME_OR_KM
    ]
    if key not in numeric:
        raise ScenarioError(
            f"parameter {param!r} is not a number (it is {current!r}); numeric parameters of "
            f"[{table}]: {', '.join(numeric) or 'none'}"
        )
    return table


def _scenarios(scenario: Scenario, param: str, values: Sequence[float]) -> list[Scenario]:
    """One scenario per value, with only the swept zone's table enabled."""
    from zones.scenario import ZONE_TABLES

    table = _check_numeric(scenario, param)
    off = {
        t: dataclasses.replace(getattr(scenario, t), enabled=False)
        for t in ZONE_TABLES
        if t != table
    }
    base = scenario.replace(
        **off, **{table: dataclasses.replace(getattr(scenario, table), enabled=True)}
    )
    return [base.with_param(param, v) for v in values]


def _one(
    index: int, value: float, scenario: Scenario, zone: str
) -> tuple[int, float, pd.DataFrame, dict[str, Any]]:
    """Build one value's zone and its stats (runs in a worker process)."""
    from zones._geodesic_area import geodesic_area_km2
    from zones.builder import build
    from zones.clauses.base import ZonePart
    from zones.zoneset import ZoneSet

    zs = build(scenario)
    rows = zs.gdf[(zs.gdf.zone == zone) & (zs.gdf.kind == "area")]
    geometry = shapely.union_all(rows.geometry.values) if len(rows) else shapely.Polygon()
    article = "; ".join(dict.fromkeys(rows.article)) if len(rows) else ""
    merged = ZoneSet.from_parts(
        [ZonePart(zone, article, "all parties", zone, zone, {}, geometry)]
        if not geometry.is_empty
        else [],
        zs.scenario,
    )
    stats = merged.stats() if len(merged) else pd.DataFrame()
    cities = int(stats.city_population.sum()) if len(stats) else 0
    total = {
        "value": value,
        "zone": zone,
        "area_km2": round(geodesic_area_km2(geometry), 1),
        "parts": len(rows),
        "city_population": cities,
    }
    return index, value, stats, total


@dataclass
class SweepResult:
    """The outcome of :func:`sweep`.

    Attributes
    ----------
    param : str
        The swept parameter, ``TABLE.KEY``.
    values : list of float
        The values, in the order given.
    table : pandas.DataFrame
        One row per value and country: ``value``, ``zone``, ``iso_a3``, ``country``,
        ``area_km2`` (geodesic, WGS84), ``share`` (0-1 of the country's area),
        ``cities`` and ``city_population`` (cities of 15,000+ people inside),
        ``largest_cities``.
    totals : pandas.DataFrame
        One row per value: ``value``, ``zone``, ``area_km2`` of the whole zone,
        ``parts`` and ``city_population``.
    """

    param: str
    values: list[float]
    table: pd.DataFrame
    totals: pd.DataFrame

    def __repr__(self) -> str:
        return f"<SweepResult {self.param}: {len(self.values)} values, {self.table.iso_a3.nunique()} countries>"

    def _repr_html_(self) -> str:
        return f"<p><b>{self.param}</b></p>" + self.totals.to_html(
            index=False, float_format=lambda v: f"{v:,.0f}"
        )

    def pivot(self, metric: str = "share") -> pd.DataFrame:
        """One row per value, one column per country (ISO code) of ``metric``."""
        _check_metric(metric)
        if not len(self.table):
            return pd.DataFrame(index=pd.Index(self.values, name="value"))
        wide = self.table.pivot_table(index="value", columns="iso_a3", values=metric, aggfunc="sum")
        return wide.reindex(self.values).fillna(0)

    def to_csv(self, path: str | os.PathLike[str]) -> Path:
        """Write :attr:`table` as CSV, atomically; returns the path."""
        from zones.export import write_text_atomic

        return write_text_atomic(path, self.table.to_csv(index=False, lineterminator="\n"))

    def plot(
        self,
        path: str | os.PathLike[str] | None = None,
        *,
        metric: str = "share",
        countries: Iterable[str] | None = None,
        top: int = 8,
    ) -> Figure:
        """A line plot of ``metric`` against the swept value, one line per country.

        Parameters
        ----------
        path
            Write the figure here (PNG, SVG, PDF: by the suffix), atomically.
        metric
            ``"share"`` (in %), ``"area_km2"``, ``"city_population"`` or ``"cities"``.
        countries
            Names or ISO codes to draw (default: the ``top`` countries by the
            largest value of ``metric``).

        Drawn with matplotlib's Agg canvas: no display is needed.
        """
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        _check_metric(metric)
        wide = self.pivot(metric)
        if countries is not None:
            from zones.data import resolve_country

            codes = [resolve_country(c) for c in countries]
            missing = [c for c in codes if c not in wide.columns]
            for c in missing:
                wide[c] = 0.0
            wide = wide[codes]
        else:
            wide = (
                wide[wide.max().sort_values(ascending=False).index[:top]]
                if len(wide.columns)
                else wide
            )
        names = dict(zip(self.table.iso_a3, self.table.country, strict=False))
        if countries is not None:
            from zones.data import country as lookup

            names.update({c: lookup(c).name for c in wide.columns if c not in names})
        fig = Figure(figsize=(8, 5), layout="constrained")
        FigureCanvasAgg(fig)
        ax = fig.add_subplot()
        scale = 100.0 if metric == "share" else 1.0
        for code in wide.columns:
            ax.plot(
                wide.index,
                wide[code] * scale,
                marker="o",
                markersize=3,
                label=f"{names.get(code, code)} ({code})",
            )
        ax.set_xlabel(self.param)
        ax.set_ylabel(METRICS[metric])
        zone = self.param.partition(".")[0]
        ax.set_title(
            f"{zone}: {METRICS[metric].split(' (')[0]} against {self.param.partition('.')[2]}"
        )
        ax.grid(True, alpha=0.3)
        if len(wide.columns):
            ax.legend(fontsize="small")
        if path is not None:
            from zones.export import atomic_path

            target = Path(path)
            fmt = plot_format(target)
            with atomic_path(target) as tmp:
                fig.savefig(tmp, format=fmt, dpi=120)
        return fig


def plot_format(path: str | Path) -> str:
    """The image format of a plot file by its suffix (``png`` when it has none).

    Raises InvalidInputError for a suffix matplotlib cannot write, so that a command can
    check its plot path before the work.

    Examples
    --------
    >>> plot_format("out/width.SVG")
    'svg'
    """
    from matplotlib.backend_bases import FigureCanvasBase

    from zones.errors import InvalidInputError

    fmt = Path(path).suffix.lstrip(".").lower() or "png"
    known = FigureCanvasBase.get_supported_filetypes()
    if fmt not in known:
        raise InvalidInputError(
            f"cannot draw a plot as {str(path)!r} (.{fmt} is no image format); end the file "
            "name in .png, .svg or .pdf"
        )
    return fmt


def _check_metric(metric: str) -> None:
    if metric not in METRICS:
        raise ScenarioError(f"unknown metric {metric!r}; use one of {', '.join(METRICS)}")


def _dask_client() -> Any:
    try:
        from dask.distributed import Client
    except ImportError:
        raise MissingDependencyError(
            "the dask executor needs dask with its distributed scheduler: pip install dask[distributed]"
        ) from None
    return Client(processes=True)


def sweep(
    scenario: Scenario | str | os.PathLike[str],
    param: str,
    values: Sequence[float] | str,
    *,
    jobs: int | None = None,
    executor: Executor = "process",
    progress: bool | Callable[[int, int], None] = False,
) -> SweepResult:
    """Build the zone of ``param`` for every value and collect its stats per country.

    Parameters
    ----------
    scenario
        A :class:`Scenario`, a preset name or a TOML file.
    param
        A numeric parameter, ``TABLE.KEY`` (e.g. ``"exercise_restraint.width_km"``,
        ``"missile_exclusion.range"``).
    values
        The values, or a spec such as ``"10:300:10"`` (see :func:`parse_values`).
    jobs
        Worker processes (default: the local cores, at most one per value); 1 runs
        everything in this process.
    executor
        ``"process"`` (a local process pool) or ``"dask"`` (a ``dask.distributed``
        client; needs ``pip install dask[distributed]``).
    progress
        True for a tqdm progress bar on stderr, or a callable ``(done, total)``.

    Returns
    -------
    SweepResult

    Raises
    ------
    ScenarioError
        For an unknown or non-numeric parameter, or a value the scenario refuses.
    InvalidRangeError
        For a bad ``values`` spec.
    MissingDependencyError
        For ``executor="dask"`` without dask.

    Examples
    --------
    >>> r = sweep("draft-2021", "exercise_restraint.width_km", "20:100:20")   # doctest: +SKIP
    >>> r.pivot("share")["EST"]                                                # doctest: +SKIP
    """
    from zones.scenario import load_scenario

    if executor not in ("process", "dask"):
        raise ScenarioError(f"unknown executor {executor!r}; use 'process' or 'dask'")
    base = load_scenario(scenario if not isinstance(scenario, os.PathLike) else Path(scenario))
    vals = parse_values(values) if isinstance(values, str) else [float(v) for v in values]
    if not vals:
        raise InvalidRangeError("no values to sweep; give e.g. 10:300:10")
    runs = _scenarios(base, param, vals)
    zone = param.partition(".")[0]
    client = _dask_client() if executor == "dask" else None
    bar = None
    if progress is True:
        from tqdm import tqdm

        bar = tqdm(total=len(vals), desc=param, unit="value", file=sys.stderr, leave=False)
    step = progress if callable(progress) else None
    results: list[tuple[int, float, pd.DataFrame, dict[str, Any]]] = []

    def done(item: tuple[int, float, pd.DataFrame, dict[str, Any]]) -> None:
        results.append(item)
        if bar is not None:
            bar.update(1)
        if step is not None:
            step(len(results), len(vals))

    try:
        workers = max(1, min(jobs or os.cpu_count() or 1, len(vals)))
        if client is not None:
            from dask.distributed import as_completed as dask_completed

            futures = [
                client.submit(_one, i, v, s, zone, pure=False)
                for i, (v, s) in enumerate(zip(vals, runs, strict=True))
            ]
            for fut in dask_completed(futures):
                done(fut.result())
        elif workers == 1:
            for i, (v, s) in enumerate(zip(vals, runs, strict=True)):
                done(_one(i, v, s, zone))
        else:
            import multiprocessing

            # spawn: a fresh interpreter per worker, safe whatever threads this process runs
            with ProcessPoolExecutor(
                max_workers=workers, mp_context=multiprocessing.get_context("spawn")
            ) as pool:
                futs = [
                    pool.submit(_one, i, v, s, zone)
                    for i, (v, s) in enumerate(zip(vals, runs, strict=True))
                ]
                for f in as_completed(futs):
                    done(f.result())
    finally:
        if bar is not None:
            bar.close()
        if client is not None:
            client.close()
    results.sort(key=lambda r: r[0])
    frames = []
    for _, value, stats, _ in results:
        if len(stats):
            frame = stats.drop(columns=["article", "party"]).copy()
            frame.insert(0, "value", value)
            frames.append(frame)
    columns = [
        "value",
        "zone",
        "iso_a3",
        "country",
        "area_km2",
        "share",
        "cities",
        "city_population",
        "largest_cities",
    ]
    table = (
        pd.concat(frames, ignore_index=True)[columns] if frames else pd.DataFrame(columns=columns)
    )
    totals = pd.DataFrame(
        [r[3] for r in results], columns=["value", "zone", "area_km2", "parts", "city_population"]
    )
    return SweepResult(param, vals, table, totals)
