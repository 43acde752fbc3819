"""US draft Art. 6 and NATO draft Art. 5: ground-launched intermediate- and shorter-range
missiles kept out of the areas from which they can reach the other party."""

from __future__ import annotations

import shapely

from zones.clauses.base import BuildContext, ZonePart, article

ZONE = "missile_exclusion"
TITLE = "Missile exclusion"


def build(ctx: BuildContext) -> list[ZonePart]:
    """US Art. 6: for USA and RUS, own territory within range of the other, plus everything
    abroad (banned outright). NATO Art. 5: for each side, every area outside the other
    side's territory from which a missile of that range reaches it."""
    p = ctx.scenario.missile_exclusion
    r = p.range_km
    params = {"range": p.range, "range_km": r}
    parts: list[ZonePart] = []
    if "US" in p.drafts:
        art = article("US", 6)
        for own, other in (("USA", "RUS"), ("RUS", "USA")):
            reach = ctx.buffer([other], r)
            inside = shapely.intersection(ctx.territory([own]), reach)
            name, other_name = ctx.names([own, other])
            if not inside.is_empty:
                parts.append(
                    ZonePart(
                        ZONE,
                        art.label,
                        own,
                        TITLE,
                        f"{name}: no ground-launched missiles of {r:,.0f} km range on its territory "
                        f"within {r:,.0f} km of {other_name}",
                        params,
                        inside,
                    )
                )
            parts.append(
                ZonePart(
                    ZONE,
                    art.label,
                    own,
                    f"{TITLE} (abroad)",
                    f"{name}: no ground-launched intermediate- or shorter-range missiles outside "
                    "its national territory",
                    params,
                    ctx.elsewhere([own]),
                    kind="elsewhere",
                )
            )
    if "NATO" in p.drafts:
        art = article("NATO", 5)
        sides: tuple[tuple[list[str], list[str], str, str], ...] = (
            (ctx.nato_side, ctx.russia_side, "NATO", "Russia and allies"),
            (ctx.russia_side, ctx.nato_side, "Russia and allies", "NATO"),
        )
        for own_side, other_side, label, other_label in sides:
            area = shapely.difference(ctx.buffer(other_side, r), ctx.territory(other_side))
            parts.append(
                ZonePart(
                    ZONE,
                    art.label,
                    label,
                    TITLE,
                    f"{label}: no land-based missiles of {r:,.0f} km range where they can reach "
                    f"{other_label}",
                    {**params, "side_states": len(own_side)},
                    area,
                )
            )
    return parts
