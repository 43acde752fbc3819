"""The wheel carries code and data: build it, install it into a fresh venv, load the countries."""

from __future__ import annotations

import subprocess
import sys
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_wheel_installs_and_loads_countries_without_the_repo(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(dist), str(ROOT)],
        check=True, capture_output=True, text=True,
    )  # fmt: skip
    wheels = list(dist.glob("zones-*.whl"))
    assert len(wheels) == 1
    env_dir = tmp_path / "fresh"
    venv.create(env_dir, with_pip=True)
    py = env_dir / "bin" / "python"
    install = subprocess.run(
        [str(py), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", str(wheels[0])],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert install.returncode == 0, install.stderr[-2000:]
    script = (
        "import zones, pathlib; "
        "assert 'fresh' in zones.__file__, zones.__file__; "
        "c = zones.countries(); "
        "print(len(c), zones.country('Estonia').iso_a3, len(zones.cities()), len(zones.waters()), "
        "zones.members('NATO', as_of='2021-12-17')[:2], zones.load_scenario('draft-2021').as_of)"
    )
    run = subprocess.run([str(py), "-c", script], cwd=tmp_path, capture_output=True, text=True, check=False)
    assert run.returncode == 0, run.stderr[-2000:]
    count, iso, *_ = run.stdout.split()
    assert int(count) == 250 and iso == "EST"
    cli = subprocess.run([str(env_dir / "bin" / "zones"), "--version"], capture_output=True, text=True, check=False)
    assert cli.returncode == 0 and "zones" in cli.stdout
