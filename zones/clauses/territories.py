"""The clauses whose zone is a set of states' territory: NATO draft Art. 4 and Art. 7 (first
sentence), US draft Art. 4 and Art. 7."""

from __future__ import annotations

import shapely

from zones.alliances import members
from zones.clauses.base import BuildContext, ZonePart, article
from zones.data import resolve_country


def _codes(names: tuple[str, ...]) -> set[str]:
    return {resolve_country(n) for n in names}


def _sovereign_codes(ctx: BuildContext) -> dict[str, str]:
    """Each row's sovereign state as an ISO code (dependencies belong to their sovereign)."""
    by_name = {r.name: r.iso_a3 for r in ctx.countries.itertuples()}
    by_name.update({r.name_long: r.iso_a3 for r in ctx.countries.itertuples()})
    return {r.iso_a3: by_name.get(r.sovereign, r.iso_a3) for r in ctx.countries.itertuples()}


def _territory_part(
    ctx: BuildContext,
    zone: str,
    art: str,
    party: str,
    title: str,
    summary: str,
    codes: list[str],
    params: dict[str, object],
) -> ZonePart:
    return ZonePart(
        zone,
        art,
        party,
        title,
        summary,
        {**params, "states": " ".join(sorted(codes))},
        ctx.territory(codes),
    )


def no_new_deployments(ctx: BuildContext) -> list[ZonePart]:
    """NATO Art. 4: European states other than Russia and the NATO members of 27 May 1997
    (dependencies count with their sovereign)."""
    p = ctx.scenario.no_new_deployments
    bound = set(members("NATO-1997", ctx.scenario.as_of)) | {"RUS"}
    sovereign = _sovereign_codes(ctx)
    europe = set(ctx.countries[ctx.countries.continent == "Europe"].iso_a3)
    codes = sorted(
        (europe - {c for c in europe if sovereign.get(c, c) in bound} | _codes(p.include))
        - _codes(p.exclude)
    )
    return [
        _territory_part(
            ctx,
            "no_new_deployments",
            article("NATO", 4).label,
            "Russia and NATO-1997",
            "No new deployments",
            "Russia and the 16 NATO members of 27 May 1997: no forces or weapons beyond those "
            "of 27 May 1997 on the territory of the other European states",
            codes,
            {"reference_date": "1997-05-27"},
        )
    ]


def no_nato_activity(ctx: BuildContext) -> list[ZonePart]:
    """NATO Art. 7: Ukraine and the other non-NATO states of Eastern Europe, the South
    Caucasus and Central Asia."""
    p = ctx.scenario.no_nato_activity
    region = set(ctx.countries[ctx.countries.subregion.isin(p.subregions)].iso_a3)
    codes = sorted((region | _codes(p.states)) - _codes(p.exclude) - set(ctx.nato_side))
    return [
        _territory_part(
            ctx,
            "no_nato_activity",
            article("NATO", 7).label,
            "NATO",
            "No NATO military activity",
            "NATO members: no military activity on the territory of these states",
            codes,
            {"subregions": ", ".join(p.subregions)},
        )
    ]


def no_us_bases(ctx: BuildContext) -> list[ZonePart]:
    """US Art. 4: former Soviet republics other than Russia that are not NATO members."""
    day = ctx.scenario.as_of
    codes = sorted(set(members("former USSR", day)) - {"RUS"} - set(members("NATO", day)))
    return [
        _territory_part(
            ctx,
            "no_us_bases",
            article("US", 4).label,
            "USA",
            "No US bases or military cooperation",
            "USA: no military bases, use of infrastructure or bilateral military cooperation "
            "in these former Soviet republics",
            codes,
            {},
        )
    ]


def nuclear_at_home(ctx: BuildContext) -> list[ZonePart]:
    """US Art. 7: for each party, everything outside its national territory."""
    art = article("US", 7).label
    return [
        ZonePart(
            "nuclear_at_home",
            art,
            own,
            "Nuclear weapons at home only",
            f"{ctx.names([own])[0]}: no nuclear weapons outside its national territory",
            {},
            ctx.elsewhere([own]),
            kind="elsewhere",
        )
        for own in ("USA", "RUS")
    ]


def nonempty(parts: list[ZonePart]) -> list[ZonePart]:
    return [p for p in parts if not shapely.is_empty(p.geometry)]
