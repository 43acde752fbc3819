"""Scenarios: a TOML file that fixes the sides, the date and each zone's parameters.

A scenario is read with :mod:`tomllib`, checked key by key, and turned into
frozen dataclasses. Every parameter has a default and a unit (in its name).
Errors name the file, the TOML line where it can be found, the ``[table.key]``,
what is wrong and what to write instead.

Bundled presets live in ``zones/presets/`` and are listed by
:func:`preset_names`.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import difflib
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from zones.data import Worldview
from zones.errors import ScenarioError

__all__ = [
    "MAX_DISTANCE_KM",
    "MIN_DISTANCE_KM",
    "BomberExclusion",
    "ExerciseRestraint",
    "HighSeas",
    "MissileExclusion",
    "NoNatoActivity",
    "NoNewDeployments",
    "NoUsBases",
    "NuclearAtHome",
    "Scenario",
    "Sides",
    "System",
    "load_scenario",
    "preset_names",
    "preset_text",
    "systems",
]

#: Widths and ranges beyond this are refused: ``zones.geodesic.MAX_DISTANCE_KM``, the
#: largest distance the engine buffers (not imported, to keep this module light).
MAX_DISTANCE_KM = 10_000.0
#: Non-zero widths and ranges below this (1 m, ``zones.geodesic.MIN_DISTANCE_KM``) are refused.
MIN_DISTANCE_KM = 0.001
#: The 12 nautical miles of the territorial sea (UNCLOS Art. 3), in km.
TERRITORIAL_SEA_KM = 12 * 1.852


@dataclass(frozen=True)
class System:
    """A weapon system or INF class with its reported range in km (see ``geodata/systems.csv``)."""

    name: str
    kind: str
    owner: str
    range_km: float
    range_min_km: float
    range_max_km: float
    uncertain: bool
    source: str
    note: str


@cache
def systems() -> dict[str, System]:
    """The bundled table of INF classes, missiles and platforms, keyed by name."""
    from zones.data import data_path

    with data_path("systems.csv").open(newline="", encoding="utf-8") as f:
        return {
            r["system"]: System(
                name=r["system"],
                kind=r["kind"],
                owner=r["owner"],
                range_km=float(r["range_km"]),
                range_min_km=float(r["range_min_km"]),
                range_max_km=float(r["range_max_km"]),
                uncertain=r["uncertain"] == "true",
                source=r["source"],
                note=r["note"],
            )
            for r in csv.DictReader(f)
        }


@dataclass(frozen=True)
class Sides:
    """The two sides of the NATO draft. Each is a list of states, ISO codes or alliances.

    ``russia``: Russia and the states in a military alliance with it (default
    Russia, Belarus and the CSTO members on ``as_of``); ``nato``: the NATO
    members on ``as_of``. The bilateral US draft is always between USA and RUS.
    """

    russia: tuple[str, ...] = ("Russia", "Belarus", "CSTO")
    nato: tuple[str, ...] = ("NATO",)


@dataclass(frozen=True)
class ExerciseRestraint:
    """NATO draft Art. 7: no exercises above brigade level in a band on each side of the border.

    ``width_km`` applies to both sides unless ``russia_side_km`` / ``nato_side_km``
    say otherwise; ``overrides`` maps a state (ISO code or name) on either side,
    or a pair ``"RUS-FIN"``, to the width in km on both sides of that border.
    With ``territorial_sea`` the band also covers the sides' territorial waters.
    The draft names no width: 50 km is a placeholder to change.
    """

    enabled: bool = True
    width_km: float = 50.0
    russia_side_km: float | None = None
    nato_side_km: float | None = None
    overrides: Mapping[str, float] = field(default_factory=dict)
    territorial_sea: bool = False


@dataclass(frozen=True)
class MissileExclusion:
    """US draft Art. 6, NATO draft Art. 5: no ground-launched INF-range missiles within reach.

    ``range``: an INF class (``"shorter"`` = 1,000 km, ``"intermediate"`` = 5,500 km,
    the classes' upper bounds), a system from ``geodata/systems.csv``, or a number
    of km. ``drafts``: which drafts to map (``"US"``: USA vs RUS; ``"NATO"``: the sides).
    """

    enabled: bool = True
    range: str | float = "intermediate"
    drafts: tuple[str, ...] = ("US", "NATO")

    @property
    def range_km(self) -> float:
        return _range_km(self.range)


@dataclass(frozen=True)
class BomberExclusion:
    """US draft Art. 5: heavy bombers and surface warships stay out of areas, outside
    national airspace and the 12 nm territorial sea, from which they reach the other party.

    Reach in km = ``weapon``'s range (a system or a number) + ``platform_radius_km``.
    Default: Kh-55-class air-launched cruise missile, 3,000 km.
    """

    enabled: bool = True
    weapon: str | float = "Kh-55"
    platform_radius_km: float = 0.0

    @property
    def reach_km(self) -> float:
        return _range_km(self.weapon) + self.platform_radius_km


@dataclass(frozen=True)
class NoNewDeployments:
    """NATO draft Art. 4: no new deployments by Russia and the 16 members of 27 May 1997 on
    the territory of the other European states (Natural Earth continent ``Europe``).
    ``include`` / ``exclude`` adjust the list."""

    enabled: bool = True
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()


@dataclass(frozen=True)
class NoNatoActivity:
    """NATO draft Art. 7: no NATO military activity in Ukraine, the other states of Eastern
    Europe, the South Caucasus and Central Asia that are not NATO members on ``as_of``.
    ``subregions`` are Natural Earth/UN subregions; ``states`` are added to them."""

    enabled: bool = True
    subregions: tuple[str, ...] = ("Eastern Europe", "Central Asia")
    states: tuple[str, ...] = ("Ukraine", "Moldova", "Georgia", "Armenia", "Azerbaijan")
    exclude: tuple[str, ...] = ("Russia",)


@dataclass(frozen=True)
class NoUsBases:
    """US draft Art. 4: no US bases in the former Soviet republics, other than Russia,
    that are not NATO members on ``as_of``."""

    enabled: bool = True


@dataclass(frozen=True)
class NuclearAtHome:
    """US draft Art. 7: no nuclear weapons outside national territory (everything else)."""

    enabled: bool = True


@dataclass(frozen=True)
class HighSeas:
    """Incident prevention on and over the high seas (NATO draft Art. 1, 3; US Art. 5):
    the ``seas`` outside the 12 nm territorial seas."""

    enabled: bool = True
    seas: tuple[str, ...] = ("Baltic Sea", "Black Sea")


ZONE_TABLES: dict[str, type] = {
    "exercise_restraint": ExerciseRestraint,
    "missile_exclusion": MissileExclusion,
    "bomber_exclusion": BomberExclusion,
    "no_new_deployments": NoNewDeployments,
    "no_nato_activity": NoNatoActivity,
    "no_us_bases": NoUsBases,
    "nuclear_at_home": NuclearAtHome,
    "high_seas": HighSeas,
}


@dataclass(frozen=True)
class Scenario:
    """A whole scenario: title, date, worldview, sides and one parameter table per zone."""

    title: str = "Draft agreements of 17 December 2021"
    as_of: dt.date = dt.date(2021, 12, 17)
    worldview: Worldview = "un"
    sides: Sides = field(default_factory=Sides)
    exercise_restraint: ExerciseRestraint = field(default_factory=ExerciseRestraint)
    missile_exclusion: MissileExclusion = field(default_factory=MissileExclusion)
    bomber_exclusion: BomberExclusion = field(default_factory=BomberExclusion)
    no_new_deployments: NoNewDeployments = field(default_factory=NoNewDeployments)
    no_nato_activity: NoNatoActivity = field(default_factory=NoNatoActivity)
    no_us_bases: NoUsBases = field(default_factory=NoUsBases)
    nuclear_at_home: NuclearAtHome = field(default_factory=NuclearAtHome)
    high_seas: HighSeas = field(default_factory=HighSeas)
    source: str = "<defaults>"

    def replace(self, **changes: Any) -> Scenario:
        """A copy with top-level fields replaced (``dataclasses.replace``)."""
        return dataclasses.replace(self, **changes)

    def with_param(self, dotted: str, value: Any) -> Scenario:
        """A copy with one parameter set, e.g. ``with_param("exercise_restraint.width_km", 80)``."""
        table, _, key = dotted.partition(".")
        if table not in ZONE_TABLES or not key:
            raise ScenarioError(
                f"unknown parameter {dotted!r}; write TABLE.KEY, e.g. exercise_restraint.width_km"
            )
        current = getattr(self, table)
        names = {f.name for f in dataclasses.fields(current)}
        if key not in names:
            raise ScenarioError(_unknown(f"[{table}]", key, names))
        raw = {f.name: getattr(current, f.name) for f in dataclasses.fields(current)}
        raw[key] = value
        return dataclasses.replace(
            self, **{table: _build_table(table, raw, _Where(self.source, ""))}
        )


# --- reading and checking ---------------------------------------------------------------------


class _Where:
    """Finds the TOML line of a key, for messages like ``FILE:LINE: [table.key] ...``."""

    def __init__(self, source: str, text: str) -> None:
        self.source = source
        self.lines = text.splitlines()

    def line(self, table: str | None, key: str | None) -> int | None:
        start = 0
        if table:
            pat = re.compile(rf"^\s*\[{re.escape(table)}\]\s*(#.*)?$")
            hits = [i for i, s in enumerate(self.lines) if pat.match(s)]
            if not hits:
                return None
            start = hits[0]
            if not key:
                return start + 1
        if key:
            pat = re.compile(rf'^\s*"?{re.escape(key)}"?\s*=')
            for i in range(start, len(self.lines)):
                if i > start and table and self.lines[i].lstrip().startswith("["):
                    break
                if not table and self.lines[i].lstrip().startswith("["):
                    break
                if pat.match(self.lines[i]):
                    return i + 1
        return None

    def error(self, table: str | None, key: str | None, message: str) -> ScenarioError:
        line = self.line(table, key)
        where = f"{self.source}:{line}" if line else self.source
        label = ".".join(p for p in (table, key) if p)
        return ScenarioError(f"{where}: [{label}] {message}")


def _unknown(where: str, key: str, known: set[str] | list[str]) -> str:
    close = difflib.get_close_matches(key, sorted(known), n=1, cutoff=0.6)
    hint = f"did you mean {close[0]!r}?" if close else f"known keys: {', '.join(sorted(known))}"
    return f"unknown key {key!r} in {where}; {hint}"


def _range_km(value: str | float) -> float:
    if isinstance(value, bool):
        raise ScenarioError(f"range {value!r} is not a number of km or a system name")
    if isinstance(value, int | float):
        return float(value)
    if not isinstance(value, str):
        raise ScenarioError(f"range {value!r} is not a number of km or a system name")
    table = systems()
    if value in table:
        return table[value].range_km
    lower = {k.lower(): k for k in table}
    if value.lower() in lower:
        return table[lower[value.lower()]].range_km
    close = difflib.get_close_matches(value, list(table), n=1, cutoff=0.5)
    hint = f"did you mean {close[0]!r}? " if close else ""
    raise ScenarioError(
        f"unknown range or system {value!r}; {hint}give km as a number or one of: {', '.join(table)}"
    )


def _check_distance(
    value: Any, what: str, where: _Where, table: str, key: str, *, allow_zero: bool
) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise where.error(table, key, f"{what} must be a number of km, not {value!r}")
    v = float(value)
    if v != v or v < 0 or (v == 0 and not allow_zero):
        raise where.error(table, key, f"{what} {value!r} must be a positive number of km")
    if v > MAX_DISTANCE_KM:
        raise where.error(
            table,
            key,
            f"{what} {value!r} km exceeds {MAX_DISTANCE_KM:,.0f} km, the largest distance zones "
            "buffers; give a smaller number of km",
        )
    if 0 < v < MIN_DISTANCE_KM:
        raise where.error(
            table, key, f"{what} {value!r} km is below 1 m; give 0 or at least {MIN_DISTANCE_KM} km"
        )
    return v


def _build_table(table: str, raw: Mapping[str, Any], where: _Where) -> Any:
    cls = ZONE_TABLES[table]
    names = {f.name: f for f in dataclasses.fields(cls)}
    values: dict[str, Any] = {}
    for key, value in raw.items():
        if key not in names:
            raise where.error(table, key, _unknown(f"[{table}]", key, set(names)))
        f = names[key]
        if key == "enabled" or key == "territorial_sea":
            if not isinstance(value, bool):
                raise where.error(table, key, f"must be true or false, not {value!r}")
            values[key] = value
        elif key.endswith("_km"):
            if value is None and f.default is None:
                values[key] = None
                continue
            values[key] = _check_distance(
                value, key, where, table, key, allow_zero=key == "platform_radius_km"
            )
        elif key in ("range", "weapon"):
            try:
                km = _range_km(value)
            except ScenarioError as err:
                raise where.error(table, key, str(err)) from None
            _check_distance(km, key, where, table, key, allow_zero=False)
            values[key] = value
        elif key == "overrides":
            if not isinstance(value, Mapping):
                raise where.error(
                    table, key, 'must be a table such as { FIN = 30, "RUS-POL" = 100 }'
                )
            checked: dict[str, float] = {}
            for name, width in value.items():
                norm = name.strip().upper()
                if norm in checked:
                    raise where.error(
                        table, key, f"{name!r} is given twice; keep one width per border"
                    )
                checked[norm] = _check_distance(
                    width, f"override {name!r}", where, table, key, allow_zero=True
                )
            values[key] = checked
        elif key == "drafts":
            items = _string_list(value, where, table, key)
            bad = [d for d in items if d not in ("US", "NATO")]
            if bad:
                raise where.error(table, key, f'unknown draft {bad[0]!r}; use "US" and/or "NATO"')
            values[key] = items
        else:
            items = _string_list(value, where, table, key)
            _check_names(key, items, where, table)
            values[key] = items
    return cls(**values)


def _check_names(key: str, items: tuple[str, ...], where: _Where, table: str) -> None:
    """States, subregions and seas are checked when the scenario is read, not mid-build."""
    from zones.data import countries, resolve_country, seas
    from zones.errors import ZonesError

    if key in ("include", "exclude", "states"):
        for name in items:
            try:
                resolve_country(name)
            except ZonesError as err:
                raise where.error(table, key, str(err)) from None
        return
    known = {"subregions": set(countries().subregion), "seas": set(seas().name)}.get(key)
    if known is None:
        return
    for name in items:
        if name not in known:
            close = difflib.get_close_matches(name, sorted(known), n=1, cutoff=0.5)
            hint = f"did you mean {close[0]!r}? " if close else ""
            raise where.error(
                table, key, f"unknown {key[:-1]} {name!r}; {hint}known: {', '.join(sorted(known))}"
            )


def _string_list(value: Any, where: _Where, table: str | None, key: str) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        raise where.error(
            table, key, f'must be a list of names, e.g. ["Estonia", "LVA"], not {value!r}'
        )
    return tuple(v.strip() for v in value)


_TOP_KEYS = {"title", "as_of", "worldview", "sides", *ZONE_TABLES}


def scenario_from_dict(
    doc: Mapping[str, Any], *, source: str = "<dict>", text: str = ""
) -> Scenario:
    """Check a parsed TOML document and build the :class:`Scenario`."""
    from zones.alliances import parse_date
    from zones.errors import InvalidDateError

    where = _Where(source, text)
    for key in doc:
        if key not in _TOP_KEYS:
            is_table = isinstance(doc[key], Mapping)
            raise where.error(
                key if is_table else None,
                None if is_table else key,
                _unknown("the scenario", key, _TOP_KEYS),
            )
    kwargs: dict[str, Any] = {"source": source}
    if "title" in doc:
        if not isinstance(doc["title"], str) or not doc["title"].strip():
            raise where.error(None, "title", "must be a non-empty string")
        kwargs["title"] = doc["title"].strip()
    if "as_of" in doc:
        value = doc["as_of"]
        if value == "today":
            kwargs["as_of"] = dt.date.today()
        else:
            try:
                day = parse_date(value if isinstance(value, dt.date | str) else str(value))
            except InvalidDateError as err:
                raise where.error(None, "as_of", f'{err}; or write "today"') from None
            if day > dt.date.today():
                raise where.error(
                    None,
                    "as_of",
                    f"{day.isoformat()} is in the future; membership is known up to today",
                )
            kwargs["as_of"] = day
    if "worldview" in doc:
        if doc["worldview"] not in ("un", "ru"):
            raise where.error(
                None, "worldview", f'{doc["worldview"]!r} is not a worldview; use "un" or "ru"'
            )
        kwargs["worldview"] = doc["worldview"]
    if "sides" in doc:
        raw = doc["sides"]
        if not isinstance(raw, Mapping):
            raise where.error(None, "sides", "must be a table with russia = [...] and nato = [...]")
        extra = set(raw) - {"russia", "nato"}
        if extra:
            key = sorted(extra)[0]
            raise where.error("sides", key, _unknown("[sides]", key, {"russia", "nato"}))
        sides = {k: _string_list(v, where, "sides", k) for k, v in raw.items()}
        for k, v in sides.items():
            if not v:
                raise where.error("sides", k, "is empty; name at least one state or alliance")
        kwargs["sides"] = Sides(**sides)
    for table in ZONE_TABLES:
        if table in doc:
            raw = doc[table]
            if isinstance(raw, bool):
                raw = {"enabled": raw}
            if not isinstance(raw, Mapping):
                raise where.error(table, None, "must be a table of parameters (or true/false)")
            kwargs[table] = _build_table(table, raw, where)
    scenario = Scenario(**kwargs)
    _check_sides(scenario, where)
    return scenario


def _check_sides(scenario: Scenario, where: _Where) -> None:
    from zones.alliances import resolve_group
    from zones.errors import ZonesError

    resolved = {}
    for key in ("russia", "nato"):
        try:
            resolved[key] = set(resolve_group(getattr(scenario.sides, key), scenario.as_of))
        except ZonesError as err:
            raise where.error("sides", key, str(err)) from None
        if not resolved[key]:
            raise where.error(
                "sides",
                key,
                f"resolves to no state on {scenario.as_of}; name a state or an alliance that existed then",
            )
    both = resolved["russia"] & resolved["nato"]
    if both:
        raise where.error(
            "sides",
            "nato",
            f"{', '.join(sorted(both))} on both sides; a state can be on one side only",
        )


# --- presets --------------------------------------------------------------------------------


def _presets_dir() -> Any:
    return resources.files("zones") / "presets"


def preset_names() -> list[str]:
    """The names of the bundled scenarios (``zones scenarios``)."""
    return sorted(
        p.name.removesuffix(".toml") for p in _presets_dir().iterdir() if p.name.endswith(".toml")
    )


def preset_text(name: str) -> str:
    """The TOML text of a bundled scenario (``zones scenarios show NAME``)."""
    names = preset_names()
    if name not in names:
        close = difflib.get_close_matches(name, names, n=1, cutoff=0.5)
        hint = f"did you mean {close[0]!r}? " if close else ""
        raise ScenarioError(
            f"unknown scenario {name!r}; {hint}bundled: {', '.join(names)}, or give a .toml path"
        )
    return (_presets_dir() / f"{name}.toml").read_text(encoding="utf-8")


def load_scenario(path_or_preset: str | Path | Scenario = "draft-2021") -> Scenario:
    """Read a scenario from a TOML file or a bundled preset name.

    Examples
    --------
    >>> s = load_scenario("draft-2021")
    >>> s.as_of, s.exercise_restraint.width_km, s.missile_exclusion.range_km
    (datetime.date(2021, 12, 17), 50.0, 5500.0)
    """
    if isinstance(path_or_preset, Scenario):
        return path_or_preset
    text: str
    source: str
    p = Path(path_or_preset)
    if p.suffix == ".toml" or p.exists():
        try:
            text = p.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise ScenarioError(
                f"no such scenario file: {str(p)!r}; check the path, or use a preset: {', '.join(preset_names())}"
            ) from None
        except (OSError, UnicodeDecodeError) as err:
            raise ScenarioError(f"cannot read scenario {str(p)!r}: {err}") from None
        source = str(p)
    else:
        text = preset_text(str(path_or_preset))
        source = f"preset:{path_or_preset}"
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        m = re.search(r"line (\d+)", str(err))
        where = f"{source}:{m.group(1)}" if m else source
        raise ScenarioError(
            f"{where}: TOML syntax error: {err}; fix the syntax (see zones scenarios show draft-2021)"
        ) from None
    return scenario_from_dict(doc, source=source, text=text)
