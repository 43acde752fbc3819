"""Regenerate docs/map.png: the draft-2021 map in headless Chromium (``make screenshot``).

Uses Debian's /usr/bin/chromium through Playwright (no browser download) and no
network: the basemap tiles are left out, the vector outlines show instead.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

import zones
from zones.mapview import zoneset_map

ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip


def main(out: Path) -> None:
    zs = zones.build("draft-2021")
    m = zoneset_map(zs, tiles=False)
    with tempfile.TemporaryDirectory() as tmp:
        page_path = Path(tmp) / "map.html"
        m.save(str(page_path))
        with sync_playwright() as pw:
            context = pw.chromium.launch_persistent_context(
                str(Path(tmp) / "profile"), executable_path="/usr/bin/chromium", args=ARGS,
                headless=True, viewport={"width": 1200, "height": 760},
            )
            page = context.new_page()
            page.goto(page_path.as_uri())
            page.wait_for_function("() => document.querySelectorAll('path.leaflet-interactive').length > 50")
            page.wait_for_timeout(500)
            page.screenshot(path=str(out))
            context.close()
    print(out)


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).with_name("map.png"))
