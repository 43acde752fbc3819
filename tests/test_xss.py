"""User text on the map is text: hostile titles, labels and track ids never become markup
or script, in the HTML (always) and in headless Chromium (when /usr/bin/chromium exists).

The hostile zone is built directly with :meth:`zones.ZoneSet.from_parts` (no geometry
engine), so these tests take a few seconds.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import numpy as np
import pytest
import shapely

import zones
from zones.analysis.approach import Track, closest_approaches, tracks_map
from zones.clauses import ZonePart
from zones.mapview import border_map, escape_html, zoneset_map

IMG = "<img src=x onerror=alert(1)>"
SCRIPT = "</script><script>alert(1)</script>"
QUOTES = "Zone \"A\" & 'B' `${alert(1)}`"
JINJA = "{{ 7*7 }} {% if %}"
TITLE = f"{IMG} {JINJA}"
LABEL = f"{QUOTES} {IMG}"

#: A 10-degree square in Central Europe, where the browser test hovers.
HOSTILE_BOX = shapely.box(10.0, 45.0, 20.0, 52.0)

EXTERNAL_REF = re.compile(r'<(script|link)[^>]+(src|href)\s*=\s*["\']?(https?:)?//', re.I)


@cache
def hostile_zoneset() -> zones.ZoneSet:
    scenario = zones.load_scenario("draft-2021").replace(title=TITLE)
    part = ZonePart(
        zone="no_us_bases",
        article=f"US Art. 4 {SCRIPT}",
        party=f"USA {IMG}",
        title=LABEL,
        summary=f"{SCRIPT} {IMG}",
        parameters={f"<b>key</b> {QUOTES}": SCRIPT, "states": [IMG, "Georgia"]},
        geometry=HOSTILE_BOX,
    )
    return zones.ZoneSet.from_parts([part], scenario)


@cache
def hostile_html() -> str:
    return zoneset_map(hostile_zoneset(), tiles=True).get_root().render()


def _assert_inert(page: str) -> None:
    assert "<img src=x" not in page.lower()
    assert "<script>alert" not in page.lower()
    assert "alert(1)</script>" not in page
    # every <script> is closed by its own </script>: no payload ended one early
    assert len(re.findall(r"<script\b", page)) == len(re.findall(r"</script>", page))
    assert not EXTERNAL_REF.search(page), EXTERNAL_REF.search(page)


def test_escape_html() -> None:
    assert escape_html(IMG) == "&lt;img src=x onerror=alert(1)&gt;"
    assert escape_html(QUOTES) == (
        "Zone &quot;A&quot; &amp; &#x27;B&#x27; &#96;&#36;{alert(1)}&#96;"
    )
    assert escape_html("a\\b") == "a&#92;b"


def test_zone_map_html_is_inert() -> None:
    page = hostile_html()
    _assert_inert(page)
    # the title panel and the legend show the text, escaped once
    assert f"<b>{escape_html(TITLE)}</b>" in page
    assert escape_html(LABEL) in page
    # Jinja syntax in a title is text, not a template
    assert escape_html(JINJA) in page
    # property values are escaped before folium puts them into the page's JSON
    assert "\\u0026lt;img src=x" in page


def test_border_map_and_tracks_map_are_inert() -> None:
    countries = zones.countries()
    empty = countries.iloc[:0][["geometry"]].assign(
        iso_a="", name_a="", iso_b="", name_b="", length_km=0.0
    )
    m = border_map(
        empty, countries, ["RUS"], ["EST"], label_a=IMG, label_b=SCRIPT,
        as_of=zones.load_scenario("draft-2021").as_of, worldview="un",
    )  # fmt: skip
    _assert_inert(m.get_root().render())

    t = np.array([0.0, 3600.0])
    tracks = [
        Track(f"{IMG}`${{alert(1)}}`", t, np.array([20.0, 20.5]), np.array([58.0, 58.2])),
        Track(SCRIPT, t, np.array([20.5, 20.0]), np.array([58.0, 58.2])),
    ]
    page = tracks_map(tracks, closest_approaches(tracks, max_km=50)).get_root().render()
    _assert_inert(page)
    # folium's plain tooltips sit in a JavaScript template string: no live backquote or ${
    assert "`${alert(1)}`" not in page


def test_repr_html_is_inert() -> None:
    _assert_inert(hostile_zoneset()._repr_html_())


# --- in the browser ---------------------------------------------------------------------

TILES = re.compile(r"^https://tile\.openstreetmap\.org/")


@pytest.fixture
def browser_page(browser_context: object) -> Iterator[object]:
    """A page of the session's Chromium (``conftest.py``)."""
    page = browser_context.new_page()  # type: ignore[attr-defined]
    try:
        yield page
    finally:
        page.close()


def test_hostile_text_in_chromium(browser_page: object, tmp_path: Path) -> None:
    page: object = browser_page
    path = tmp_path / "map.html"
    path.write_text(hostile_html(), encoding="utf-8")
    dialogs: list[str] = []

    def on_dialog(dialog: object) -> None:
        dialogs.append(dialog.message)  # type: ignore[attr-defined]
        dialog.dismiss()  # type: ignore[attr-defined]

    page.on("dialog", on_dialog)  # type: ignore[attr-defined]
    page.route(TILES, lambda route: route.abort())  # type: ignore[attr-defined]
    page.goto(path.as_uri())  # type: ignore[attr-defined]
    page.wait_for_function(  # type: ignore[attr-defined]
        "() => window.L !== undefined && document.querySelector('path.leaflet-interactive')"
    )
    # the title panel, the legend and the layer control show the payloads as text
    assert TITLE in page.inner_text("#zones-title")  # type: ignore[attr-defined]
    assert LABEL in page.inner_text("#zones-legend")  # type: ignore[attr-defined]
    control = page.evaluate(  # type: ignore[attr-defined]
        "() => document.querySelector('.leaflet-control-layers-overlays').textContent"
    )
    assert LABEL in control, control

    # hover the hostile zone: its tooltip shows the label and the summary as text
    point = page.evaluate(  # type: ignore[attr-defined]
        """() => {
          const map = Object.values(window).find(v => v instanceof L.Map);
          map.setView([48.5, 15.0], 5, {animate: false});
          const p = map.latLngToContainerPoint([48.5, 15.0]);
          const box = map.getContainer().getBoundingClientRect();
          return [box.left + p.x, box.top + p.y];
        }"""
    )
    page.mouse.move(point[0] + 5, point[1] + 5)  # type: ignore[attr-defined]
    page.mouse.move(point[0], point[1])  # type: ignore[attr-defined]
    tooltip = page.wait_for_selector(".leaflet-tooltip", state="visible")  # type: ignore[attr-defined]
    text = tooltip.inner_text()
    assert LABEL in text and SCRIPT in text and f"USA {IMG}" in text, text
    # and a click opens the popup, also as text
    page.mouse.click(point[0], point[1])  # type: ignore[attr-defined]
    popup = page.wait_for_selector(".leaflet-popup-content", state="visible")  # type: ignore[attr-defined]
    assert SCRIPT in popup.inner_text()

    page.wait_for_timeout(300)  # type: ignore[attr-defined]
    assert page.evaluate("document.querySelectorAll('img[src=\"x\"]').length") == 0  # type: ignore[attr-defined]
    assert not dialogs, dialogs
