"""Membership by date, checked against the facts in TREATY.md."""

from __future__ import annotations

import csv
import datetime as dt

import pytest

import zones
from zones.alliances import members, memberships, parse_date, resolve_group
from zones.data import data_path

NATO_2021 = {
    "ALB", "BEL", "BGR", "CAN", "HRV", "CZE", "DNK", "EST", "FRA", "DEU", "GRC", "HUN", "ISL",
    "ITA", "LVA", "LTU", "LUX", "MNE", "NLD", "MKD", "NOR", "POL", "PRT", "ROU", "SVK", "SVN",
    "ESP", "TUR", "GBR", "USA",
}  # fmt: skip


def test_nato_on_the_day_of_the_drafts() -> None:
    assert set(members("NATO", as_of="2021-12-17")) == NATO_2021


@pytest.mark.parametrize(
    ("day", "count"),
    [
        ("1949-08-23", 0),
        ("1949-08-24", 12),
        ("1952-02-18", 14),
        ("1955-05-06", 15),
        ("1982-05-30", 16),
        ("1997-05-27", 16),
        ("1999-03-12", 19),
        ("2004-03-29", 26),
        ("2009-04-01", 28),
        ("2017-06-05", 29),
        ("2020-03-27", 30),
        ("2023-04-03", 30),
        ("2023-04-04", 31),
        ("2024-03-07", 32),
    ],
)
def test_nato_size_through_history(day: str, count: int) -> None:
    assert len(members("NATO", as_of=day)) == count


def test_finland_and_sweden_join() -> None:
    assert "FIN" not in members("NATO", "2021-12-17")
    assert {"FIN", "SWE"} <= set(members("NATO", "2024-03-07"))
    assert "SWE" not in members("NATO", "2024-03-06")


def test_founding_act_members_are_nato_of_that_day() -> None:
    fa = members("NATO-1997", "2021-12-17")
    assert len(fa) == 16
    assert fa == members("NATO", "1997-05-27")
    assert "POL" not in fa and "DEU" in fa


def test_csto_2021_and_armenia_frozen() -> None:
    assert members("CSTO", "2021-12-17") == ["ARM", "BLR", "KAZ", "KGZ", "RUS", "TJK"]
    assert "ARM" in members("CSTO", "2024-03-01")
    assert "ARM" not in members("CSTO", "2024-03-01", include_frozen=False)
    assert "ARM" in members("CSTO", "2024-02-21", include_frozen=False)


def test_csto_leavers() -> None:
    assert {"AZE", "GEO", "UZB"} <= set(members("CSTO", "1998-01-01"))
    assert not {"AZE", "GEO", "UZB"} & set(members("CSTO", "2000-01-01"))
    assert "UZB" in members("CSTO", "2010-01-01")
    assert "UZB" not in members("CSTO", "2013-01-01")


def test_union_state_and_former_ussr() -> None:
    assert members("Union State", "2021-12-17") == ["BLR", "RUS"]
    assert len(members("former USSR", "2021-12-17")) == 15


@pytest.mark.parametrize("name", ["nato", "Nato", "union-state", "UNION_STATE", "Founding Act"])
def test_names_are_forgiving(name: str) -> None:
    assert members(name, "2021-12-17")


def test_unknown_alliance_suggests() -> None:
    with pytest.raises(zones.UnknownAllianceError, match=r"unknown alliance 'NATTO'; did you mean 'NATO'"):
        members("NATTO")
    with pytest.raises(KeyError):  # the builtin it also is
        members("Warsaw Pact")


@pytest.mark.parametrize("bad", ["1948-12-31", "1900-01-01"])
def test_dates_before_1949_are_refused(bad: str) -> None:
    with pytest.raises(zones.InvalidDateError, match="before 1949-04-04"):
        members("NATO", as_of=bad)


@pytest.mark.parametrize("bad", ["17.12.2021", "2021-13-01", "yesterday"])
def test_malformed_dates(bad: str) -> None:
    with pytest.raises(zones.InvalidDateError, match="YYYY-MM-DD"):
        parse_date(bad)


def test_default_date_is_today() -> None:
    assert members("NATO") == members("NATO", dt.date.today())


def test_every_row_has_a_source_and_sane_dates() -> None:
    with data_path("alliances.csv").open(newline="") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == len(memberships())
    for row in rows:
        assert row["source"].strip(), row
        assert len(row["iso_a3"]) == 3 and row["iso_a3"].isupper()
    for m in memberships():
        assert m.end is None or m.end > m.start


def test_resolve_group_mixes_names_codes_and_alliances() -> None:
    assert resolve_group(["Russia", "BLR", "CSTO"], "2021-12-17") == [
        "ARM", "BLR", "KAZ", "KGZ", "RUS", "TJK",
    ]  # fmt: skip
    with pytest.raises(zones.UnknownCountryError):
        resolve_group(["Atlantis"])
