"""``zones.build``: a scenario in, every zone of the December 2021 drafts out."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from zones.clauses import BUILDERS, BuildContext, ZonePart
from zones.scenario import Scenario, load_scenario
from zones.zoneset import ZoneSet

__all__ = ["build"]

log = logging.getLogger("zones")


def build(
    scenario: Scenario | str | Path = "draft-2021",
    *,
    progress: Callable[[str], None] | None = None,
) -> ZoneSet:
    """Build every enabled zone of a scenario.

    Parameters
    ----------
    scenario : Scenario, str or Path
        A loaded scenario, a bundled preset name (``"draft-2021"``, ``"today"``) or a
        TOML file.
    progress : callable, optional
        Called with a short message before each long step.

    Examples
    --------
    >>> zs = build("draft-2021")          # doctest: +SKIP
    >>> zs.zones                          # doctest: +SKIP
    ['exercise_restraint', 'missile_exclusion', ...]
    """
    from zones.borders import border_pairs

    s = load_scenario(scenario)
    say = progress or (lambda msg: log.info("%s", msg))
    ctx = BuildContext(s, progress=say)
    parts: list[ZonePart] = []
    for table, builder in BUILDERS.items():
        if not getattr(s, table).enabled:
            continue
        say(f"building {table}")
        parts.extend(p for p in builder(ctx) if not p.geometry.is_empty)
    borders = border_pairs(ctx.russia_side, ctx.nato_side, s.as_of, worldview=s.worldview)
    return ZoneSet.from_parts(parts, s, borders)
