"""Incident prevention on and over the high seas (NATO draft Art. 3, US draft Art. 5): the
Baltic and Black Sea outside the 12 nm territorial seas."""

from __future__ import annotations

import shapely

from zones.clauses.base import BuildContext, ZonePart, article


def build(ctx: BuildContext) -> list[ZonePart]:
    """Each named sea minus every coastal state's territorial sea and internal waters."""
    from zones.data import seas

    p = ctx.scenario.high_seas
    table = seas(ctx.scenario.worldview)
    known = list(table.name)
    parts = []
    for name in p.seas:
        if name not in known:
            from zones.errors import ScenarioError

            raise ScenarioError(
                f"[high_seas.seas] unknown sea {name!r}; bundled seas: {', '.join(known)}"
            )
        sea = table[table.name == name].geometry.iloc[0]
        # coastal states: those whose land touches the sea (the sea is land-subtracted, so
        # a coast shares the sea's boundary; a hair of tolerance absorbs rounding)
        near = shapely.envelope(sea)
        candidates = ctx.countries[ctx.countries.intersects(near)]
        touch = shapely.dwithin(candidates.geometry.values, sea, 1e-6)
        waters = ctx.territorial_sea(list(candidates.iso_a3[touch]))
        high = shapely.difference(sea, waters)
        parts.append(
            ZonePart(
                "high_seas",
                article("NATO", 3).label,
                "all parties",
                f"High seas: {name}",
                f"{name} outside the territorial seas: incident prevention on and over the high seas",
                {"sea": name, "territorial_sea_nm": 12},
                high,
            )
        )
    return parts
