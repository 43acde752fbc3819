"""US draft Art. 5 (second paragraph): heavy bombers and surface warships stay out of areas,
outside national airspace and territorial waters, from which they can attack targets in
the territory of the other party."""

from __future__ import annotations

import shapely

from zones.clauses.base import BuildContext, ZonePart, article

ZONE = "bomber_exclusion"
TITLE = "Bomber and warship exclusion"


def build(ctx: BuildContext) -> list[ZonePart]:
    """For USA and RUS: the areas within the weapon's reach of the other party's territory,
    minus both parties' land and territorial seas."""
    p = ctx.scenario.bomber_exclusion
    reach = p.reach_km
    art = article("US", 5)
    params = {"weapon": p.weapon, "platform_radius_km": p.platform_radius_km, "reach_km": reach}
    parts = []
    for own, other in (("USA", "RUS"), ("RUS", "USA")):
        national = shapely.union_all(
            [
                ctx.territory([own]),
                ctx.territorial_sea([own]),
                ctx.territory([other]),
                ctx.territorial_sea([other]),
            ]
        )
        area = shapely.difference(ctx.buffer([other], reach), national)
        name, other_name = ctx.names([own, other])
        parts.append(
            ZonePart(
                ZONE,
                art.label,
                own,
                TITLE,
                f"{name}: no heavy bombers or surface warships outside its airspace and territorial "
                f"waters within {reach:,.0f} km of {other_name}",
                params,
                area,
            )
        )
    return parts
