"""Where outputs go: links kept, devices and FIFOs written in place (never replaced), a full
disk or a full stdout as a one-line input error, and -v keeping the exit status."""

from __future__ import annotations

import errno
import os
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner

from zones.cli import main
from zones.errors import OutputError
from zones.export import atomic_path, write_text_atomic

POINT = '{"type": "Point", "coordinates": [24.75, 59.44]}'
DEV_FULL = Path("/dev/full")
needs_dev_full = pytest.mark.skipif(
    not DEV_FULL.exists() or not stat.S_ISCHR(DEV_FULL.stat().st_mode),
    reason="no /dev/full character device",
)


def test_symlink_is_kept_and_its_file_replaced(tmp_path: Path) -> None:
    real = tmp_path / "real.geojson"
    real.write_text("old\n")
    link = tmp_path / "link.geojson"
    link.symlink_to(real.name)
    write_text_atomic(link, "new\n")
    assert link.is_symlink() and os.readlink(link) == real.name
    assert real.read_text() == "new\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.geojson", "real.geojson"]


def test_fifo_is_written_in_place(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[str] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_text()))
    reader.start()
    write_text_atomic(fifo, "through the pipe\n")
    reader.join(timeout=30)
    assert received == ["through the pipe\n"]
    assert stat.S_ISFIFO(fifo.lstat().st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pipe"]


def test_full_disk_while_writing_is_an_output_error(tmp_path: Path) -> None:
    target = tmp_path / "zones.geojson"
    target.write_text("previous\n")
    full = r"No space left on device\); free some space or"
    with pytest.raises(OutputError, match=full), atomic_path(target) as tmp:
        tmp.write_text("half")
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
    assert target.read_text() == "previous\n"
    assert [p.name for p in tmp_path.iterdir()] == ["zones.geojson"]


def test_other_errors_while_writing_pass_through(tmp_path: Path) -> None:
    with pytest.raises(PermissionError), atomic_path(tmp_path / "x.geojson"):
        raise PermissionError(errno.EACCES, "denied")
    assert list(tmp_path.iterdir()) == []


@needs_dev_full
def test_device_output_is_not_replaced(tmp_path: Path) -> None:
    source = tmp_path / "p.geojson"
    source.write_text(POINT)
    result = CliRunner().invoke(main, ["buffer", str(source), "--km", "5", "-o", str(DEV_FULL)])
    assert result.exit_code == 2, result.output
    assert result.stderr.strip() == (
        "zones: error: cannot write '/dev/full' (No space left on device); free some space "
        "or choose another output path"
    )
    assert stat.S_ISCHR(DEV_FULL.stat().st_mode)


@needs_dev_full
def test_full_stdout_is_one_line() -> None:
    code = "import sys; from zones.cli import main; sys.exit(main())"
    with DEV_FULL.open("w") as full:
        run = subprocess.run(
            [sys.executable, "-c", code, "members", "NATO"],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            check=False,
            timeout=60,
        )
    assert run.returncode == 2, run.stderr
    assert run.stderr == (
        "zones: error: cannot write the output (No space left on device); free some space or "
        "write it elsewhere\n"
    )


def test_verbose_shows_the_traceback_and_keeps_status_2() -> None:
    result = CliRunner().invoke(main, ["-v", "members", "NATTO"])
    assert result.exit_code == 2
    assert "Traceback" in result.stderr
    assert result.stderr.splitlines()[-1].startswith("zones: error: unknown alliance 'NATTO'")
