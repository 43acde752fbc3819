"""Writing files safely: every output is written beside its target and renamed into place.

A failure or an interrupt mid-write leaves the previous file untouched and no
temporary file behind.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

__all__ = ["atomic_path", "write_json_atomic", "write_text_atomic"]


@contextlib.contextmanager
def atomic_path(target: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a temporary path beside ``target``; rename it onto ``target`` on success.

    The caller writes the whole file to the yielded path. On any exception
    (``KeyboardInterrupt`` included) the temporary file is removed and
    ``target`` is left as it was.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600; give the file the usual mode
    try:
        yield tmp
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_text_atomic(target: str | os.PathLike[str], text: str) -> Path:
    """Write ``text`` (UTF-8) to ``target`` atomically and return the path."""
    with atomic_path(target) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return Path(target)


def _dump(obj: Any, f: IO[str]) -> None:
    json.dump(obj, f, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    f.write("\n")


def write_json_atomic(target: str | os.PathLike[str], obj: Any) -> Path:
    """Write ``obj`` as compact JSON to ``target`` atomically and return the path."""
    with atomic_path(target) as tmp, tmp.open("w", encoding="utf-8") as f:
        _dump(obj, f)
    return Path(target)
