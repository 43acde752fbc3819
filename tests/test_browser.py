"""The default scenario's map.html in a real browser: Debian's chromium driven by Playwright.

No browser is downloaded: the test uses /usr/bin/chromium (``apt-get install chromium``;
``.ci/run`` installs it) and is skipped only when it is absent. The page must work with
no network: the only requests allowed to leave the file are basemap tiles, which are
aborted here, and any JavaScript error or console error other than a failed tile fails
the test. The browser (``browser_context``) is in ``conftest.py``, shared with
``test_xss.py``: Playwright runs one browser session per process.
"""

from __future__ import annotations

import os
import re
import time
from pathlib import Path

import pytest

import zones

CHROMIUM = Path(os.environ.get("ZONES_CHROMIUM", "/usr/bin/chromium"))
TILES = re.compile(r"^https://tile\.openstreetmap\.org/")
MAP_BYTES_MAX = 5_000_000

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason=f"{CHROMIUM} is absent (apt-get install chromium)"
    ),
]


@pytest.fixture(scope="session")
def default_map(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The draft-2021 scenario's map.html, built once per session."""
    out = tmp_path_factory.mktemp("default-map")
    zs = zones.build("draft-2021")
    path = out / "map.html"
    zs.to_map().save(str(path))
    return path


def test_default_map_is_small(default_map: Path) -> None:
    size = default_map.stat().st_size
    assert size < MAP_BYTES_MAX, f"map.html is {size / 1e6:.2f} MB"
    text = default_map.read_text()
    # self-contained: nothing is loaded from a CDN
    assert not re.search(r'<(script|link)[^>]+(src|href)="https?://', text)


def test_default_map_in_chromium(
    default_map: Path, browser_context: object, tmp_path: Path
) -> None:
    page = browser_context.new_page()  # type: ignore[attr-defined]
    errors: list[str] = []
    outside: list[str] = []

    def on_console(msg: object) -> None:
        if msg.type != "error":  # type: ignore[attr-defined]
            return
        url = (msg.location or {}).get("url", "")  # type: ignore[attr-defined]
        if TILES.match(url) and "Failed to load resource" in msg.text:  # type: ignore[attr-defined]
            return  # tiles need the network; the map must not
        errors.append(f"console: {msg.text} at {url}")  # type: ignore[attr-defined]

    def on_request(request: object) -> None:
        url = request.url  # type: ignore[attr-defined]
        if not url.startswith(("file:", "data:", "about:")) and not TILES.match(url):
            outside.append(url)

    page.on("console", on_console)
    page.on("pageerror", lambda exc: errors.append(f"page error: {exc}"))
    page.on("request", on_request)
    page.route(TILES, lambda route: route.abort())

    start = time.perf_counter()
    page.goto(default_map.as_uri())
    page.wait_for_function(
        "() => window.L !== undefined && document.querySelector('.leaflet-container')"
    )
    # every overlay in the layer control, with the number of paths it has on screen
    layers = page.wait_for_function(
        """() => {
          const map = Object.values(window).find(v => v instanceof L.Map);
          if (!map) return null;
          const out = [];
          map.eachLayer(l => {
            if (l instanceof L.GeoJSON) {
              let n = 0;
              l.eachLayer(f => { if (f._path && f._path.isConnected && f._path.getAttribute('d')) n++; });
              out.push([l.options.name || '', n, l.getLayers().length]);
            }
          });
          return out.length ? out : null;
        }"""
    ).json_value()
    draw_s = time.perf_counter() - start
    print(
        f"\nmap.html {default_map.stat().st_size / 1e6:.2f} MB drawn in {draw_s:.2f} s by Chromium"
    )

    control = page.evaluate(
        """() => Array.from(document.querySelectorAll('.leaflet-control-layers-overlays label'))
                 .map(l => [l.textContent.trim(), l.querySelector('input').checked])"""
    )
    names = [name for name, _checked in control]
    assert "Country outlines" in names
    assert "Land border between the sides" in names
    assert any(n.startswith("Exercise restraint zone: EST") for n in names), names
    assert any(n.startswith("Missile exclusion: NATO") for n in names), names
    assert all(checked for _name, checked in control), control
    # every overlay is on the map with drawn paths
    drawn = {n: count for n, count, _features in layers}
    assert len(layers) == len(control)  # the tiles are a base layer, not an overlay
    assert all(count > 0 for count in drawn.values()), layers

    # toggle a layer off and on through the layer control
    page.hover(".leaflet-control-layers")
    label = page.locator(
        ".leaflet-control-layers-overlays label", has_text="Exercise restraint zone: EST"
    )
    paths_before = page.evaluate("document.querySelectorAll('path.leaflet-interactive').length")
    label.locator("input").click()
    paths_off = page.evaluate("document.querySelectorAll('path.leaflet-interactive').length")
    assert paths_off < paths_before
    label.locator("input").click()
    assert (
        page.evaluate("document.querySelectorAll('path.leaflet-interactive').length")
        == paths_before
    )
    page.mouse.move(10, 450)  # let the control collapse

    # a tooltip: hover the exercise-restraint band in Estonia (about 27.6 E, 58.3 N)
    point = page.evaluate(
        """() => {
          const map = Object.values(window).find(v => v instanceof L.Map);
          map.setView([58.3, 27.6], 7, {animate: false});
          const p = map.latLngToContainerPoint([58.3, 27.45]);
          const box = map.getContainer().getBoundingClientRect();
          return [box.left + p.x, box.top + p.y];
        }"""
    )
    page.mouse.move(point[0] + 5, point[1] + 5)
    page.mouse.move(point[0], point[1])
    tooltip = page.wait_for_selector(
        ".leaflet-tooltip:has-text('Exercise restraint zone')", state="visible"
    )
    text = tooltip.inner_text()
    assert "Article" in text and "NATO Art. 7" in text, text
    assert "as_of = 2021-12-17" in text and "width_km" in text, text

    # title, date, legend, attribution, scale, measure and full-screen controls
    assert "Draft agreements of 17 December 2021" in page.inner_text("#zones-title")
    assert "2021-12-17" in page.inner_text("#zones-title")
    assert page.locator("#zones-legend").is_visible()
    for source in ("Natural Earth", "OpenStreetMap", "GeoNames"):
        assert source in page.inner_text("#zones-attribution")
    for selector in (
        ".leaflet-control-scale",
        ".leaflet-control-measure",
        ".leaflet-control-zoom-fullscreen",
    ):
        assert page.locator(selector).count() == 1, selector

    page.evaluate(
        """() => { const map = Object.values(window).find(v => v instanceof L.Map);
                   map.fitBounds([[35, -15], [72, 75]], {animate: false}); }"""
    )
    page.wait_for_timeout(300)
    page.screenshot(path=str(tmp_path / "map.png"))
    assert (tmp_path / "map.png").stat().st_size > 10_000
    assert not errors, errors
    assert not outside, outside
    page.close()
