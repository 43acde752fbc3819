"""NATO draft Art. 7 (second sentence): no exercises or other military activity above
brigade level in a zone of agreed width and configuration on each side of the border line
between Russia and its allies and NATO members."""

from __future__ import annotations

import shapely

from zones.clauses.base import BuildContext, ZonePart, article

ZONE = "exercise_restraint"
TITLE = "Exercise restraint zone"


def _width(ctx: BuildContext, a: str, b: str, side: str) -> float:
    p = ctx.scenario.exercise_restraint
    overrides = p.overrides
    for key in (f"{a}-{b}", f"{b}-{a}", a, b):
        if key in overrides:
            return overrides[key]
    per_side = p.russia_side_km if side == "russia" else p.nato_side_km
    return p.width_km if per_side is None else per_side


def build(ctx: BuildContext) -> list[ZonePart]:
    """A band on each side of every land border between the sides, clipped to that side."""
    from zones.borders import border_pairs

    p = ctx.scenario.exercise_restraint
    art = article("NATO", 7)
    pairs = border_pairs(
        ctx.russia_side, ctx.nato_side, ctx.scenario.as_of, worldview=ctx.scenario.worldview
    )
    sides = {"russia": ctx.russia_side, "nato": ctx.nato_side}
    clip = {}
    for side, codes in sides.items():
        land = ctx.territory(codes)
        clip[side] = shapely.union(land, ctx.territorial_sea(codes)) if p.territorial_sea else land
    from zones.geodesic import geodesic_buffer

    parts: list[ZonePart] = []
    for row in pairs.itertuples():
        for side, state in (("russia", row.iso_a), ("nato", row.iso_b)):
            width = _width(ctx, row.iso_a, row.iso_b, side)
            if width <= 0:
                continue
            ctx.progress(
                f"exercise zone: {state} side of the {row.iso_a}-{row.iso_b} border, {width:g} km"
            )
            band = shapely.intersection(geodesic_buffer(row.geometry, width), clip[side])
            if band.is_empty:
                continue
            parts.append(
                ZonePart(
                    zone=ZONE,
                    article=art.label,
                    party=state,
                    title=TITLE,
                    summary=(
                        f"No exercises above brigade level within {width:g} km of the "
                        f"{row.name_a}-{row.name_b} border, on the {ctx.names([state])[0]} side"
                    ),
                    parameters={
                        "width_km": width,
                        "border": f"{row.iso_a}-{row.iso_b}",
                        "side": side,
                        "border_length_km": round(float(row.length_km), 1),
                        "territorial_sea": p.territorial_sea,
                    },
                    geometry=band,
                )
            )
    return parts
