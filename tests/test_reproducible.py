"""The same scenario and data give the same bytes, across runs and processes (the map too:
its element ids are numbered, not random)."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

SCENARIO = """
title = "Reproducibility check"
as_of = "2021-12-17"
[exercise_restraint]
width_km = 40
[missile_exclusion]
range = "9M729"
drafts = ["US"]
[bomber_exclusion]
enabled = false
[nuclear_at_home]
enabled = false
"""


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_two_processes_give_identical_bytes(tmp_path: Path) -> None:
    scenario = tmp_path / "s.toml"
    scenario.write_text(SCENARIO)
    digests = []
    for run in ("a", "b"):
        out = tmp_path / run
        subprocess.run(
            [sys.executable, "-m", "zones.cli", "-q", "build", str(scenario), "-o", str(out)],
            check=True, capture_output=True, text=True,
        )  # fmt: skip
        digests.append({name: _digest(out / name) for name in ("zones.geojson", "stats.csv", "manifest.json", "map.html")})
    assert digests[0] == digests[1]
    manifest = json.loads((tmp_path / "a" / "manifest.json").read_text())
    assert len(manifest["scenario_sha256"]) == 64
    assert not [k for k in manifest if "time" in k or "created" in k]  # no timestamps in the data
