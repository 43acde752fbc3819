"""Land borders between states (zones.borders)."""

from __future__ import annotations

import pytest
import shapely

from zones.borders import OverlappingSidesError, border, border_length_km, border_pairs
from zones.errors import ZonesError

# Published land-border lengths in km (CIA World Factbook and national sources).
# Natural Earth 1:10m is generalised, so its lines come out 2-30 % shorter,
# most on river borders; 35 % is the tolerance asked of it.
PUBLISHED_KM = [
    ("RUS", "FIN", 1340),
    ("RUS", "NOR", 196),
    ("RUS", "EST", 294),
    ("RUS", "LVA", 283),
    ("RUS", "LTU", 275),  # Kaliningrad
    ("RUS", "POL", 210),  # Kaliningrad
    ("BLR", "POL", 418),
    ("BLR", "LTU", 680),
    ("BLR", "LVA", 173),
    ("ARM", "TUR", 311),
]


@pytest.mark.parametrize(("a", "b", "published_km"), PUBLISHED_KM)
def test_border_length_near_published(a: str, b: str, published_km: float) -> None:
    line = border([a], [b])
    assert line.geom_type in ("LineString", "MultiLineString")
    length = border_length_km(line)
    assert abs(length - published_km) / published_km <= 0.35, f"{a}-{b}: {length:.0f} km"
    # a border is symmetric
    assert border_length_km(border([b], [a])) == pytest.approx(length)


def test_no_land_border_across_water() -> None:
    assert border(["RUS"], ["SWE"]).is_empty
    assert border_length_km(border(["RUS"], ["SWE"])) == 0.0


def test_russia_finland_border_in_place() -> None:
    xmin, ymin, xmax, ymax = border(["RUS"], ["FIN"]).bounds
    assert xmin >= 27.5 and xmax <= 32.0
    assert ymin >= 60.0 and ymax <= 70.0


def test_groups_and_pairs() -> None:
    pairs = border_pairs(["RUS", "BLR"], ["POL", "LTU", "LVA", "EST", "SWE"])
    got = {(r.iso_a, r.iso_b) for r in pairs.itertuples()}
    assert got == {("BLR", "POL"), ("BLR", "LTU"), ("BLR", "LVA"), ("RUS", "POL"),
                   ("RUS", "LTU"), ("RUS", "LVA"), ("RUS", "EST")}  # fmt: skip
    assert list(pairs.columns) == ["iso_a", "name_a", "iso_b", "name_b", "length_km", "geometry"]
    total = border_length_km(border(["RUS", "BLR"], ["POL", "LTU", "LVA", "EST", "SWE"]))
    assert total == pytest.approx(pairs["length_km"].sum(), rel=1e-9)
    # the Russia-Belarus border is inside one side and is not part of the result
    inner = border(["RUS"], ["BLR"])
    assert shapely.length(
        border(["RUS", "BLR"], ["POL", "LTU"]).intersection(inner)
    ) == pytest.approx(0, abs=1e-9)


def test_names_accepted() -> None:
    assert border_length_km(border("Russia", "Norway")) == pytest.approx(
        border_length_km(border(["RUS"], ["NOR"]))
    )


def test_overlapping_sides_rejected() -> None:
    with pytest.raises(OverlappingSidesError, match="EST"):
        border(["RUS", "EST"], ["EST", "LVA"])
    assert issubclass(OverlappingSidesError, ZonesError)


def test_crimea_worldview_changes_russia_ukraine_border() -> None:
    un = border_length_km(border(["RUS"], ["UKR"]))
    ru = border_length_km(border(["RUS"], ["UKR"], worldview="ru"))
    # the isthmus line between Crimea and Kherson oblast adds a little over 100 km
    assert 100 < ru - un < 250


def test_border_length_km_is_geodesic() -> None:
    # one degree of longitude on the equator of WGS84: 111.319 km
    assert border_length_km(shapely.LineString([(0, 0), (1, 0)])) == pytest.approx(111.3195, 1e-5)
