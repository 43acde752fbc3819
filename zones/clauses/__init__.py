"""One builder per treaty clause. Each takes a BuildContext and returns ZoneParts that cite
their article."""

from __future__ import annotations

from collections.abc import Callable

from zones.clauses import (
    bomber_exclusion,
    exercise_restraint,
    high_seas,
    missile_exclusion,
    territories,
)
from zones.clauses.base import Article, BuildContext, ZonePart, article, articles

__all__ = ["BUILDERS", "Article", "BuildContext", "ZonePart", "article", "articles"]

#: Scenario table name -> builder, in the order zones are drawn and listed.
BUILDERS: dict[str, Callable[[BuildContext], list[ZonePart]]] = {
    "exercise_restraint": exercise_restraint.build,
    "missile_exclusion": missile_exclusion.build,
    "bomber_exclusion": bomber_exclusion.build,
    "no_new_deployments": territories.no_new_deployments,
    "no_nato_activity": territories.no_nato_activity,
    "no_us_bases": territories.no_us_bases,
    "nuclear_at_home": territories.nuclear_at_home,
    "high_seas": high_seas.build,
}
