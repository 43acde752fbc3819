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
import hashlib
import json
import math
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
    or a pair ``"RUS-FIN"`` across the sides, to the width in km on both sides of
    its borders; a scenario file's names are kept as ISO codes (``"Finland"`` as ``"FIN"``).
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

    def sha256(self) -> str:
        """The SHA-256 hex digest of the scenario's content: every field but ``source``, so
        the same scenario read from differently spelled paths (or a preset) has one digest.

        The digest is taken over canonical JSON: tables as objects with sorted keys, dates
        in ISO form, numbers as floats (``50`` and ``50.0`` are the same width).

        Examples
        --------
        >>> s = load_scenario("draft-2021")
        >>> s.sha256() == s.replace(source="elsewhere.toml").sha256()
        True
        >>> s.sha256() == s.with_param("exercise_restraint.width_km", 51).sha256()
        False
        """
        content = {
            f.name: _canonical(getattr(self, f.name))
            for f in dataclasses.fields(self)
            if f.name != "source"
        }
        text = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    def with_param(self, dotted: str, value: Any) -> Scenario:
        """A copy with one parameter set, e.g. ``with_param("exercise_restraint.width_km", 80)``."""
        table, _, key = dotted.partition(".")
        if table not in ZONE_TABLES or not key:
            raise _error(
                f"unknown parameter {dotted!r}; write TABLE.KEY, e.g. exercise_restraint.width_km"
            )
        current = getattr(self, table)
        names = {f.name for f in dataclasses.fields(current)}
        if key not in names:
            raise _error(_unknown(f"[{table}]", key, names))
        raw = {f.name: getattr(current, f.name) for f in dataclasses.fields(current)}
        raw[key] = value
        where = _Where(self.source, "", origin=f"{dotted}={_show(value)} on {self.source}")
        changed = dataclasses.replace(self, **{table: _build_table(table, raw, where)})
        if table == "exercise_restraint" and key == "overrides":
            _check_overrides(changed, list(changed.exercise_restraint.overrides), where)
        return changed


def _canonical(value: Any) -> Any:
    """``value`` as plain JSON data, for :meth:`Scenario.sha256`."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _canonical(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Mapping):
        return {str(k): _canonical(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_canonical(v) for v in value]
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, int | float):
        try:
            return float(value)
        except OverflowError:
            return hex(int(value))
    if isinstance(value, dt.date):
        return value.isoformat()
    return repr(value)


# --- reading and checking ---------------------------------------------------------------------


_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
#: A number, boolean, date or time: up to the end of its array, inline table or line.
_SCALAR = re.compile(r"[^,\]}#\r\n]+")


def _clean(message: str) -> str:
    """``message`` on one line: characters that end or break a line shown as escapes."""
    if message.isprintable():
        return message
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in message)


def _error(message: str) -> ScenarioError:
    return ScenarioError(_clean(message))


def _show(value: Any) -> str:
    """A user's value for a message: ``repr()``, with huge integers as ``~1e+N`` and long
    texts cut (``repr()`` itself fails on integers of more than 4300 digits)."""
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > 10**15:
        return f"{'-' if value < 0 else ''}~1e+{math.floor(math.log10(abs(value)))}"
    try:
        text = repr(value)
    except ValueError:
        return f"a {type(value).__name__} holding a number too long to show"
    return text if len(text) <= 120 else f"{text[:100]}...({len(text)} characters)"


def _label(path: tuple[Any, ...]) -> str:
    """``table.key`` for a message; keys that are not bare TOML keys in ``repr()``."""
    return ".".join(p if isinstance(p, str) and _BARE_KEY.fullmatch(p) else _show(p) for p in path)


class _KeyLines:
    """The line of every key and table header of a TOML text that :mod:`tomllib` has
    accepted: ``[a.b]`` and ``[[a.b]]`` headers, ``a.b = ...`` dotted keys and the keys of
    inline tables, each under its whole path (``("exercise_restraint", "overrides", "FIN")``).
    Strings, comments and arrays are skipped, so ``[x]`` inside a string is no header."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.i = 0
        self.lineno = 1
        self.found: dict[tuple[str, ...], int] = {}

    def _skip(self, newlines: bool) -> None:
        text, n = self.text, len(self.text)
        while self.i < n:
            c = text[self.i]
            if c in " \t\r":
                self.i += 1
            elif c == "#":
                end = text.find("\n", self.i)
                self.i = n if end < 0 else end
            elif c == "\n" and newlines:
                self.lineno += 1
                self.i += 1
            else:
                return

    def _expect(self, token: str) -> None:
        if not self.text.startswith(token, self.i):
            raise ValueError(f"expected {token!r} at {self.i}")
        self.i += len(token)

    def _record(self, path: tuple[str, ...], line: int) -> None:
        self.found.setdefault(path, line)

    def _string(self) -> str:
        """Skip a string value (any of the four kinds); return its source text."""
        text, start = self.text, self.i
        for quote in ('"""', "'''"):
            if text.startswith(quote, start):
                j = start + 3
                while True:
                    if quote == '"""' and text[j] == "\\":
                        j += 2
                        continue
                    if text.startswith(quote, j):
                        j += 3
                        while j < len(text) and text[j] == quote[0]:  # up to 2 quotes may end it
                            j += 1
                        break
                    if j >= len(text):
                        raise ValueError("unterminated string")
                    j += 1
                self.lineno += text.count("\n", start, j)
                self.i = j
                return text[start:j]
        quote = text[start]
        j = start + 1
        while text[j] != quote:
            if text[j] == "\n":
                raise ValueError("newline in a string")
            j += 2 if quote == '"' and text[j] == "\\" else 1
        self.i = j + 1
        return text[start : j + 1]

    def _key(self) -> tuple[str, ...]:
        parts: list[str] = []
        while True:
            self._skip(newlines=False)
            if self.text[self.i] in "\"'":
                source = self._string()
                parts.append(tomllib.loads(f"k = {source}")["k"])
            else:
                m = _BARE_KEY.match(self.text, self.i)
                if not m:
                    raise ValueError(f"no key at {self.i}")
                parts.append(m.group())
                self.i = m.end()
            self._skip(newlines=False)
            if not self.text.startswith(".", self.i):
                return tuple(parts)
            self.i += 1

    def _value(self, path: tuple[str, ...] | None) -> None:
        """Skip a value; record the keys of an inline table under ``path`` (None in arrays)."""
        self._skip(newlines=False)
        c = self.text[self.i]
        if c == "{":
            self.i += 1
            while True:
                self._skip(newlines=True)
                if self.text.startswith("}", self.i):
                    self.i += 1
                    return
                line = self.lineno
                key = self._key()
                self._expect("=")
                sub = None if path is None else path + key
                if sub is not None:
                    self._record(sub, line)
                self._value(sub)
                self._skip(newlines=True)
                if self.text.startswith(",", self.i):
                    self.i += 1
        elif c == "[":
            self.i += 1
            while True:
                self._skip(newlines=True)
                if self.text.startswith("]", self.i):
                    self.i += 1
                    return
                self._value(None)
                self._skip(newlines=True)
                if self.text.startswith(",", self.i):
                    self.i += 1
        elif c in "\"'":
            self._string()
        else:  # numbers, booleans, dates and times (which may hold a space)
            m = _SCALAR.match(self.text, self.i)
            if not m:
                raise ValueError(f"no value at {self.i}")
            self.i = m.end()

    def scan(self) -> dict[tuple[str, ...], int]:
        table: tuple[str, ...] = ()
        while True:
            self._skip(newlines=True)
            if self.i >= len(self.text):
                return self.found
            line = self.lineno
            if self.text.startswith("[[", self.i):
                self.i += 2
                table = self._key()
                self._expect("]]")
                self._record(table, line)
            elif self.text.startswith("[", self.i):
                self.i += 1
                table = self._key()
                self._expect("]")
                self._record(table, line)
            else:
                path = table + self._key()
                self._expect("=")
                self._record(path, line)
                self._value(path)


def _key_lines(text: str) -> dict[tuple[str, ...], int]:
    scanner = _KeyLines(text)
    try:
        return scanner.scan()
    except Exception:  # the text is valid TOML: a surprise here costs line numbers only
        return scanner.found


class _Where:
    """Finds the TOML line of a key, for messages like ``FILE:LINE: [table.key] ...``."""

    def __init__(self, source: str, text: str, *, origin: str | None = None) -> None:
        self.source = source
        self.origin = origin  # what set the value when it is not the file (with_param)
        self.lines = _key_lines(text) if text else {}

    def line(self, path: tuple[str, ...]) -> int | None:
        """The line of ``path``: where it is set or its table header; else the first line
        that sets something below it; else the same for its table, and so on up."""
        for n in range(len(path), 0, -1):
            head = path[:n]
            if head in self.lines:
                return self.lines[head]
            below = [line for p, line in self.lines.items() if p[:n] == head]
            if below:
                return min(below)
        return None

    def error(
        self,
        table: str | tuple[str, ...] | None,
        key: str | None,
        message: str,
        *,
        at: str | None = None,
    ) -> ScenarioError:
        """``FILE:LINE: [table.key] message``; ``at`` is a key below ``table.key`` (an
        override's state) whose line is meant, when it differs from the key's own."""
        head = tuple(table.split(".")) if isinstance(table, str) else (table or ())
        path = head + ((key,) if key is not None else ())
        line = self.line(path + ((at,) if at is not None else ()))
        where = self.origin or (f"{self.source}:{line}" if line else self.source)
        return _error(f"{where}: [{_label(path)}] {message}")


def _unknown(where: str, key: str, known: set[str] | list[str]) -> str:
    close = difflib.get_close_matches(key, sorted(known), n=1, cutoff=0.6)
    hint = f"did you mean {close[0]!r}?" if close else f"known keys: {', '.join(sorted(known))}"
    return f"unknown key {_show(key)} in {where}; {hint}"


def _to_km(value: int | float) -> float:
    """``float(value)``, with integers too large for a float as infinity."""
    try:
        return float(value)
    except OverflowError:
        return math.inf if value > 0 else -math.inf


def _range_km(value: str | float) -> float:
    if isinstance(value, bool):
        raise ScenarioError(f"range {value!r} is not a number of km or a system name")
    if isinstance(value, int | float):
        return _to_km(value)
    if not isinstance(value, str):
        raise ScenarioError(f"range {_show(value)} is not a number of km or a system name")
    table = systems()
    if value in table:
        return table[value].range_km
    lower = {k.lower(): k for k in table}
    if value.lower() in lower:
        return table[lower[value.lower()]].range_km
    close = difflib.get_close_matches(value, list(table), n=1, cutoff=0.5)
    hint = f"did you mean {close[0]!r}? " if close else ""
    raise ScenarioError(
        f"unknown range or system {_show(value)}; {hint}give km as a number or one of: {', '.join(table)}"
    )


def _check_distance(
    value: Any,
    what: str,
    where: _Where,
    table: str,
    key: str,
    *,
    allow_zero: bool,
    at: str | None = None,
) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise where.error(table, key, f"{what} must be a number of km, not {_show(value)}", at=at)
    v = _to_km(value)
    shown = _show(value)
    if v != v or v < 0 or (v == 0 and not allow_zero):
        raise where.error(table, key, f"{what} {shown} must be a positive number of km", at=at)
    if v > MAX_DISTANCE_KM:
        raise where.error(
            table,
            key,
            f"{what} {shown} km exceeds {MAX_DISTANCE_KM:,.0f} km, the largest distance zones "
            "buffers; give a smaller number of km",
            at=at,
        )
    if 0 < v < MIN_DISTANCE_KM:
        raise where.error(
            table,
            key,
            f"{what} {shown} km is below 1 m; give 0 or at least {MIN_DISTANCE_KM} km",
            at=at,
        )
    return v


def _km_text(km: float) -> str:
    """``14,000`` or ``10,000.1``: km with thousands separators and no trailing zeros."""
    return f"{km:,.3f}".rstrip("0").rstrip(".")


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
                raise where.error(table, key, f"must be true or false, not {_show(value)}")
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
            huge = math.isinf(km) and isinstance(value, int)  # show the number as written
            _check_distance(value if huge else km, key, where, table, key, allow_zero=False)
            values[key] = value
        elif key == "overrides":
            values[key] = _check_override_widths(value, where, table, key)
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
    if table == "bomber_exclusion":
        _check_reach(values, names, raw, where)
    return cls(**values)


def _check_reach(
    values: Mapping[str, Any],
    fields: Mapping[str, dataclasses.Field[Any]],
    raw: Mapping[str, Any],
    where: _Where,
) -> None:
    """The bomber zone buffers by the weapon's range plus the platform's radius
    (:attr:`BomberExclusion.reach_km`): the sum, too, must be a distance zones buffers."""
    weapon = values.get("weapon", fields["weapon"].default)
    radius = values.get("platform_radius_km", fields["platform_radius_km"].default)
    weapon_km = _range_km(weapon)
    reach = weapon_km + radius
    if reach > MAX_DISTANCE_KM:
        key = "platform_radius_km" if "platform_radius_km" in raw else "weapon"
        raise where.error(
            "bomber_exclusion",
            key,
            f"reach {_km_text(reach)} km (weapon {_show(weapon)}: {_km_text(weapon_km)} km + "
            f"platform_radius_km {_km_text(radius)} km) exceeds {MAX_DISTANCE_KM:,.0f} km, the "
            "largest distance zones buffers; give a shorter weapon range or platform radius",
        )


def _override_state(name: str) -> str:
    """The key the exercise zone looks an override up by: an ISO alpha-3 code (``"FIN"``
    for ``Finland``, ``fin`` or ``FI``) or a pair of them (``"RUS-POL"`` for ``Russia-Poland``).

    Raises UnknownCountryError for a state zones does not know, with a close match."""
    from zones.data import resolve_country
    from zones.errors import UnknownCountryError

    try:
        return resolve_country(name)  # also names with a hyphen, such as "Guinea-Bissau"
    except UnknownCountryError as whole:
        for i, c in enumerate(name):
            if c != "-":
                continue
            codes: list[str] = []
            for part in (name[:i], name[i + 1 :]):
                try:
                    codes.append(resolve_country(part))
                except UnknownCountryError as err:
                    failed = err
            if len(codes) == 2:
                return "-".join(codes)
            if codes:  # one half is a state: the other is the mistake
                raise failed from None
        raise whole from None


def _check_override_widths(value: Any, where: _Where, table: str, key: str) -> dict[str, float]:
    """``{state or pair: km}`` with each state as its ISO code (see :func:`_override_state`).
    Whether the states are on the sides is checked with the sides, in
    :func:`_check_overrides`."""
    from zones.errors import ZonesError

    if not isinstance(value, Mapping):
        raise where.error(table, key, 'must be a table such as { EST = 30, "RUS-POL" = 100 }')
    checked: dict[str, float] = {}
    seen: set[tuple[str, ...]] = set()
    for name, width in value.items():
        if not isinstance(name, str):
            raise where.error(table, key, f"override {_show(name)} is not a state name or code")
        try:
            code = _override_state(name)
        except ZonesError as err:
            raise where.error(table, key, f"override {_show(name)}: {err}", at=name) from None
        border = tuple(sorted(code.split("-")))
        if border in seen:
            raise where.error(
                table, key, f"{_show(name)} is given twice; keep one width per border", at=name
            )
        seen.add(border)
        checked[code] = _check_distance(
            width, f"override {_show(name)}", where, table, key, allow_zero=True, at=name
        )
    return checked


def _check_overrides(scenario: Scenario, names: list[str], where: _Where) -> None:
    """Each override names a state of either side or a pair across the sides, on
    ``as_of``: anything else would never be used by the exercise zone."""
    from zones.alliances import resolve_group

    sides = {
        k: set(resolve_group(getattr(scenario.sides, k), scenario.as_of))
        for k in ("russia", "nato")
    }
    day = scenario.as_of.isoformat()
    for name in names:
        codes = _override_state(name).split("-")
        for code in codes:
            if not any(code in members for members in sides.values()):
                raise where.error(
                    "exercise_restraint",
                    "overrides",
                    f"override {_show(name)}: {code} is on neither side on {day}, so no border "
                    "of it is in the zone; name a state of either side, or a pair across the "
                    "sides such as 'RUS-POL'",
                    at=name,
                )
        if len(codes) == 2:
            for side, members in sides.items():
                if set(codes) <= members:
                    raise where.error(
                        "exercise_restraint",
                        "overrides",
                        f"override {_show(name)}: {codes[0]} and {codes[1]} are both in "
                        f"sides.{side} on {day}; a pair names a border between the sides, "
                        "such as 'RUS-POL'",
                        at=name,
                    )
        if not _borders_across(codes, sides, scenario.worldview):
            what = (
                f"{codes[0]} and {codes[1]} share no land border"
                if len(codes) == 2
                else f"{codes[0]} has no land border with a state of the other side on {day}"
            )
            raise where.error(
                "exercise_restraint",
                "overrides",
                f"override {_show(name)}: {what}, so the width is never used; "
                "remove it, or name a state on the border between the sides",
                at=name,
            )


def _borders_across(codes: list[str], sides: Mapping[str, set[str]], worldview: str) -> bool:
    """Whether the state (or pair) of an override has a land border across the sides."""
    from zones.borders import _pair_line

    if len(codes) == 2:
        pairs = [(codes[0], codes[1])]
    else:
        (code,) = codes
        other = sides["nato"] if code in sides["russia"] else sides["russia"]
        pairs = [(code, b) for b in sorted(other)]
    return any(not _pair_line(a, b, worldview).is_empty for a, b in pairs)  # type: ignore[arg-type]


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
                table,
                key,
                f"unknown {key[:-1]} {_show(name)}; {hint}known: {', '.join(sorted(known))}",
            )


def _string_list(value: Any, where: _Where, table: str | None, key: str) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        raise where.error(
            table, key, f'must be a list of names, e.g. ["Estonia", "LVA"], not {_show(value)}'
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
            raise where.error(None, key, _unknown("the scenario", key, _TOP_KEYS))
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
                shown = str(value) if isinstance(value, dt.time) else _show(value)
                day = parse_date(value if isinstance(value, dt.date | str) else shown)
            except InvalidDateError as err:
                raise where.error(None, "as_of", f'{err}; or write "today"') from None
            kwargs["as_of"] = day
    if "worldview" in doc:
        if doc["worldview"] not in ("un", "ru"):
            raise where.error(
                None, "worldview", f'{_show(doc["worldview"])} is not a worldview; use "un" or "ru"'
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
    exercise = doc.get("exercise_restraint")
    if isinstance(exercise, Mapping) and isinstance(exercise.get("overrides"), Mapping):
        _check_overrides(scenario, list(exercise["overrides"]), where)
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
    if not str(path_or_preset).strip():
        raise _error(
            f"the scenario name is empty; give a preset ({', '.join(preset_names())}) or a "
            ".toml file"
        )
    p = Path(path_or_preset)
    is_preset_dir = p.is_dir() and str(path_or_preset) in preset_names()
    if p.suffix == ".toml" or (p.exists() and not is_preset_dir):
        source = str(p)
        text = _read_text(p)
    else:
        text = preset_text(str(path_or_preset))
        source = f"preset:{path_or_preset}"
    return _parse(text, source)


def _read_text(p: Path) -> str:
    """The text of a scenario file: UTF-8, a byte order mark dropped, newlines as ``\\n``."""
    if p.is_dir():
        raise _error(f"{p}: is a directory; give a .toml file or a preset name")
    try:
        data = p.read_bytes()
    except FileNotFoundError:
        raise _error(
            f"no such scenario file: {str(p)!r}; check the path, or use a preset: {', '.join(preset_names())}"
        ) from None
    except OSError as err:
        raise _error(f"cannot read scenario {str(p)!r}: {err}") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        raise _error(
            f"{p}: not UTF-8 text (byte 0x{data[err.start]:02x} at position {err.start}); "
            "save the file as UTF-8"
        ) from None
    # what Path.read_text did: universal newlines
    return text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def _parse(text: str, source: str) -> Scenario:
    """Parse TOML text and check it; every failure is a one-line ScenarioError."""
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        m = re.search(r"line (\d+)", str(err))
        where = f"{source}:{m.group(1)}" if m else source
        raise _error(
            f"{where}: TOML syntax error: {err}; fix the syntax (see zones scenarios show draft-2021)"
        ) from None
    except RecursionError:
        raise _error(
            f"{source}: TOML nested too deeply (arrays or inline tables inside each other); "
            "write flat values as in zones scenarios show draft-2021"
        ) from None
    except ValueError:  # int() refuses more than 4300 digits (sys.get_int_max_str_digits)
        m = re.search(r"[0-9_]{4301,}", text)
        line = f":{text.count(chr(10), 0, m.start()) + 1}" if m else ""
        raise _error(
            f"{source}{line}: TOML number of more than 4300 digits; give a number of km up to "
            f"{MAX_DISTANCE_KM:,.0f}"
        ) from None
    return scenario_from_dict(doc, source=source, text=text)
