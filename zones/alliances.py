"""Alliance membership by date, read from ``geodata/alliances.csv``.

Each row of the file is one spell of one state in one group: ``start`` is the
first day of membership (inclusive), ``end`` the first day it no longer holds
(exclusive, empty while it lasts), ``status`` is ``member`` or ``frozen``, and
every row names its ``source``.
"""

from __future__ import annotations

import csv
import datetime as dt
import difflib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache

from zones.errors import InvalidDateError, UnknownAllianceError

__all__ = [
    "EARLIEST_DATE",
    "Membership",
    "alliances",
    "members",
    "memberships",
    "parse_date",
    "resolve_group",
]

#: The North Atlantic Treaty, signed 4 April 1949: no group in the data predates it.
EARLIEST_DATE = dt.date(1949, 4, 4)

_STATUSES = ("member", "frozen")


@dataclass(frozen=True)
class Membership:
    """One spell of one state in one group.

    Attributes
    ----------
    group : str
        The group's name as written in the data (``"NATO"``, ``"CSTO"``, ...).
    iso_a3 : str
        ISO 3166-1 alpha-3 code of the state.
    country : str
        English short name of the state.
    status : str
        ``"member"`` or ``"frozen"`` (participation suspended, no withdrawal).
    start : datetime.date
        First day of the spell (inclusive).
    end : datetime.date or None
        First day after the spell (exclusive); ``None`` while it lasts.
    source : str
        Where the fact comes from.
    note : str
        Context, possibly empty.
    """

    group: str
    iso_a3: str
    country: str
    status: str
    start: dt.date
    end: dt.date | None
    source: str
    note: str

    def holds_on(self, day: dt.date) -> bool:
        """Whether the spell covers ``day``."""
        return self.start <= day and (self.end is None or day < self.end)


def _key(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


# Other spellings users type for the groups in the data.
_ALIASES = {
    "northatlantictreatyorganization": "NATO",
    "nato1997": "NATO-1997",
    "foundingact": "NATO-1997",
    "natofoundingact": "NATO-1997",
    "collectivesecuritytreatyorganization": "CSTO",
    "odkb": "CSTO",
    "unionstate": "Union State",
    "russiabelarusunionstate": "Union State",
    "formerussr": "former USSR",
    "formersovietunion": "former USSR",
    "formersovietrepublics": "former USSR",
    "ussr": "former USSR",
    "fsu": "former USSR",
}


def parse_date(value: str | dt.date | dt.datetime | None, *, what: str = "as_of") -> dt.date:
    """Read a date given as ISO text, a ``date``/``datetime`` or ``None`` (today).

    Raises
    ------
    InvalidDateError
        For text that is not ``YYYY-MM-DD``, a date before 4 April 1949 or after today.

    Examples
    --------
    >>> parse_date("2021-12-17")
    datetime.date(2021, 12, 17)
    """
    if value is None:
        day = dt.date.today()
    elif isinstance(value, dt.datetime):
        day = value.date()
    elif isinstance(value, dt.date):
        day = value
    elif isinstance(value, str):
        try:
            day = dt.date.fromisoformat(value.strip())
        except ValueError:
            raise InvalidDateError(
                f"{what} {value!r} is not a date; write it as YYYY-MM-DD, e.g. '2021-12-17'"
            ) from None
    else:
        raise InvalidDateError(
            f"{what} {value!r} is not a date; give 'YYYY-MM-DD' or a datetime.date"
        )
    if day < EARLIEST_DATE:
        raise InvalidDateError(
            f"{what} {day.isoformat()} is before {EARLIEST_DATE.isoformat()}, when the North "
            "Atlantic Treaty was signed; the alliance data starts then: choose a later date"
        )
    today = dt.date.today()
    if day > today:
        raise InvalidDateError(
            f"{what} {day.isoformat()} is in the future; membership is known up to today "
            f"({today.isoformat()}): choose an earlier date"
        )
    return day


@cache
def memberships() -> tuple[Membership, ...]:
    """Every row of ``alliances.csv`` as :class:`Membership` records."""
    from zones.data import data_path

    path = data_path("alliances.csv")
    rows: list[Membership] = []
    with path.open(newline="", encoding="utf-8") as f:
        for line_no, rec in enumerate(csv.DictReader(f), start=2):
            if rec["status"] not in _STATUSES:
                raise ValueError(f"{path}:{line_no}: status {rec['status']!r} not in {_STATUSES}")
            rows.append(
                Membership(
                    group=rec["group"],
                    iso_a3=rec["iso_a3"],
                    country=rec["country"],
                    status=rec["status"],
                    start=dt.date.fromisoformat(rec["start"]),
                    end=dt.date.fromisoformat(rec["end"]) if rec["end"] else None,
                    source=rec["source"],
                    note=rec["note"],
                )
            )
    return tuple(rows)


def alliances() -> list[str]:
    """The names of the groups in the data.

    Examples
    --------
    >>> alliances()
    ['CSTO', 'NATO', 'NATO-1997', 'Union State', 'former USSR']
    """
    return sorted({m.group for m in memberships()})


def _group_name(name: str) -> str | None:
    k = _key(name)
    for g in alliances():
        if _key(g) == k:
            return g
    return _ALIASES.get(k)


def _unknown_alliance(name: str) -> UnknownAllianceError:
    names = alliances()
    close = difflib.get_close_matches(name, names, n=1, cutoff=0.5) or difflib.get_close_matches(
        name.upper(), [n.upper() for n in names], n=1, cutoff=0.5
    )
    hint = f"did you mean {close[0]!r}? " if close else ""
    return UnknownAllianceError(
        f"unknown alliance {name!r}; {hint}known groups: {', '.join(names)}"
    )


def members(
    alliance: str,
    as_of: str | dt.date | None = None,
    *,
    include_frozen: bool = True,
) -> list[str]:
    """ISO alpha-3 codes of the members of ``alliance`` on ``as_of`` (default today), sorted.

    Parameters
    ----------
    alliance : str
        ``"NATO"``, ``"NATO-1997"`` (the 16 members on the day of the 1997
        Founding Act), ``"CSTO"``, ``"Union State"`` or ``"former USSR"``;
        case and punctuation are ignored.
    as_of : str or datetime.date, optional
        The day membership is taken on (``YYYY-MM-DD``); today when omitted.
    include_frozen : bool
        Count states whose participation is frozen but not ended (Armenia in
        the CSTO since 22 Feb 2024). True by default: they remain members in law.

    Raises
    ------
    UnknownAllianceError
        For a name the data does not define (with a close match when there is one).
    InvalidDateError
        For a malformed date or one before 4 April 1949.

    Examples
    --------
    >>> members("NATO", as_of="2021-12-17")[:4]
    ['ALB', 'BEL', 'BGR', 'CAN']
    >>> len(members("NATO", as_of="2021-12-17")), len(members("NATO", as_of="2024-03-07"))
    (30, 32)
    >>> members("CSTO", as_of="2025-01-01", include_frozen=False)
    ['BLR', 'KAZ', 'KGZ', 'RUS', 'TJK']
    """
    group = _group_name(alliance)
    if group is None:
        raise _unknown_alliance(alliance)
    day = parse_date(as_of)
    allowed = _STATUSES if include_frozen else ("member",)
    return sorted(
        {
            m.iso_a3
            for m in memberships()
            if m.group == group and m.status in allowed and m.holds_on(day)
        }
    )


def resolve_group(
    spec: str | Sequence[str] | Iterable[str],
    as_of: str | dt.date | None = None,
) -> list[str]:
    """Turn a side's description into sorted ISO alpha-3 codes.

    ``spec`` is an alliance name (resolved on ``as_of``), a country name or ISO
    code, or a list mixing these.

    Examples
    --------
    >>> resolve_group(["Russia", "Belarus"])
    ['BLR', 'RUS']
    >>> resolve_group("CSTO", as_of="2021-12-17")
    ['ARM', 'BLR', 'KAZ', 'KGZ', 'RUS', 'TJK']
    """
    from zones.data import resolve_country
    from zones.errors import UnknownCountryError

    items = [spec] if isinstance(spec, str) else list(spec)
    codes: set[str] = set()
    for item in items:
        if not isinstance(item, str):
            raise UnknownCountryError(
                f"{item!r} is not a country or alliance name; give names or ISO codes as text"
            )
        group = _group_name(item)
        if group is not None:
            codes.update(members(group, as_of))
            continue
        try:
            codes.add(resolve_country(item))
        except UnknownCountryError as err:
            if _key(item) and difflib.get_close_matches(
                _key(item), [_key(g) for g in alliances()] + list(_ALIASES), n=1, cutoff=0.75
            ):
                raise _unknown_alliance(item) from None
            raise err from None
    return sorted(codes)
